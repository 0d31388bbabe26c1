"""The model axis of a sweep: the same prompts on several models, each request built from its own spec.

A Sora model takes the sweep's sizes and lengths as they are (its classic request). Any other
model gets them translated into its own parameters, checked against its spec before anything is
sent:

- the prompt goes to its ``prompt`` parameter, or, for a model that takes typed items (a
  Seedance-like ``content`` array), into one ``{"type": "text", "text": ...}`` item;
- a size becomes the model's own shape: its ``size`` when it offers that size, else the aspect
  ratio it offers of the same orientation and the closest shape (``720x1280`` -> ``9:16``);
- a length becomes its length parameter (``duration``): the same number of seconds when offered,
  else the nearest length it offers.

What a model cannot take is left to it and said in a note (``"kirin_v2_6_t2v makes 5 s, not 4 s
(it offers 5, 10)"``), never silently; a model that needs something the sweep does not give (a
first-frame image) is refused, naming the model and the parameter, before anything is sent.

Example:
    >>> from sora_widgets.models.specs import bundled_specs
    >>> variants, notes = expand_models([("A fox in snow", {})], ["sora_2_pro_t2v"], {},
    ...                                 sizes=["720x1280"], seconds=[4], endpoints={})
    >>> variants[0].values, notes
    ({'model': 'sora_2_pro_t2v', 'size': '720x1280', 'seconds': '4'}, [])
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..client._requests import catalog_request, nominal_size, prompt_values
from ..errors import InvalidRequestError
from ..models.catalog import MODELS
from ..models.request import VideoRequest, normalize_seconds, normalize_size, parse_size
from ..models.specs import ModelSpec
from ..models.variants import Variant

__all__ = ["expand_models", "length_for", "shape_for"]

# An enum value that names a shape: "16:9", "1280x720" (not "adaptive" or "auto").
_SHAPE = re.compile(r"\d{1,5}\s*[:x*×]\s*\d{1,5}")


def _orientation(width: int, height: int) -> int:
    return (width > height) - (width < height)


def shape_for(spec: ModelSpec, size: str) -> tuple[Any, str]:
    """The value of the model's shape parameter for a sweep size (``"720x1280"``), and a note
    when the model takes no shape (then None: it makes its own)."""
    param = spec.size_param
    if param is None:
        return None, f"{spec.model_id} takes no size or aspect ratio: it makes its own shape"
    if not param.enum or size in param.enum:
        return size if size in param.enum else None, (
            ""
            if size in param.enum
            else f"{spec.model_id} takes {param.name} as free text: its default is used"
        )
    width, height = parse_size(size)
    wanted = math.log(width / height)
    best: tuple[float, int, str] | None = None
    for position, value in enumerate(param.enum):
        if not _SHAPE.fullmatch(value.strip()):
            continue
        w, h = parse_size(nominal_size(spec, {param.name: value}))
        if _orientation(w, h) != _orientation(width, height):
            continue
        key = (abs(math.log(w / h) - wanted), position, value)
        best = key if best is None or key < best else best
    if best is None:
        return None, f"{spec.model_id} offers no {param.name} shaped like {size}: its default is used"
    return best[2], ""


def length_for(spec: ModelSpec, seconds: int) -> tuple[int | None, str]:
    """The model's length for a sweep length, and a note when it differs (or the model takes none)."""
    param = spec.length_param
    if param is None:
        return None, f"{spec.model_id} takes no length: it makes its own"
    offered = spec.lengths
    if not offered or seconds in offered:
        return seconds, ""
    nearest = min(offered, key=lambda s: (abs(s - seconds), s))
    listed = ", ".join(map(str, offered)) if len(offered) <= 6 else f"{offered[0]} to {offered[-1]}"
    return nearest, f"{spec.model_id} makes {nearest} s, not {seconds} s (it offers {listed})"


def _catalog_variant(
    spec: ModelSpec, prompt: str, size: str, seconds: int, endpoint: str, notes: list[str]
) -> VideoRequest:
    try:
        values = prompt_values(spec, prompt)
    except InvalidRequestError as exc:
        raise InvalidRequestError(f"{exc} Leave it out of the model sweep.") from None
    for name, (value, note) in (
        ("size", shape_for(spec, size)),
        ("length", length_for(spec, seconds)),
    ):
        param = spec.size_param if name == "size" else spec.length_param
        if value is not None and param is not None:
            values[param.name] = value
        if note and note not in notes:
            notes.append(note)
    try:
        request = catalog_request(spec, values, endpoint=endpoint)
    except InvalidRequestError as exc:
        raise InvalidRequestError(f"{spec.model_id} in the model sweep: {exc.message}") from None
    # A model whose prompt rides in typed items still shows (and journals) the prompt.
    return request if request.prompt else request.replace(prompt=prompt)


def _sora_variant(model: str, prompt: str, size: str, seconds: int) -> VideoRequest:
    profile = MODELS[model]
    try:
        return VideoRequest(
            prompt,
            size=normalize_size(size, profile),
            seconds=normalize_seconds(seconds, profile),
            model=model,
        )
    except InvalidRequestError as exc:
        raise InvalidRequestError(f"{model} in the model sweep: {exc.message}") from None


def expand_models(
    cells: Sequence[tuple[str, Mapping[str, str]]],
    models: Sequence[str],
    specs: Mapping[str, ModelSpec],
    *,
    sizes: Sequence[str],
    seconds: Sequence[int],
    endpoints: Mapping[str, str],
) -> tuple[list[Variant], list[str]]:
    """Every variant of a sweep over models, and the notes on what a model does differently.

    Order: prompts, then models, then sizes, then lengths, so the same prompt's models sit side
    by side. A model whose translation of two sizes or lengths is the same request makes it once.

    Args:
        cells: each prompt with the values that made it (:func:`~sora_widgets.models.variants.prompt_cells`).
        models: model ids; the Sora ones take sizes and lengths as they are.
        specs: the spec of every other model (``client.model_spec``).
        sizes: sweep sizes in the Sora form (``"720x1280"``).
        seconds: sweep lengths.
        endpoints: each non-Sora model's create path on the client's host.

    Raises:
        InvalidRequestError: a model's spec is not read, or refuses what the sweep gives it.
    """
    missing = [m for m in models if m not in MODELS and m not in specs]
    if missing:
        raise InvalidRequestError(
            f"reading the specs of {', '.join(missing)}… (in code: await lab.load_models(); Run does it)."
        )
    variants: list[Variant] = []
    notes: list[str] = []
    for prompt, values in cells:
        for model in models:
            made: list[VideoRequest] = []
            for size in sizes:
                for secs in seconds:
                    if model in MODELS:
                        request = _sora_variant(model, prompt, size, secs)
                    else:
                        request = _catalog_variant(specs[model], prompt, size, secs, endpoints[model], notes)
                    if request in made:
                        continue
                    made.append(request)
                    shown = {**values, "model": model, "size": request.size, "seconds": str(request.seconds)}
                    variants.append(Variant(index=len(variants), request=request, values=shown))
    return variants, notes
