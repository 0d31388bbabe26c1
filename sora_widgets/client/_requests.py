"""Building a request: a validated :class:`VideoRequest` from whatever the caller passed."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from ..errors import InvalidRequestError
from ..models.catalog import MODELS, SoraModel, SoraSeconds, SoraSize
from ..models.request import ReferenceImage, VideoRequest
from ..models.specs import ModelSpec

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "FIELDS",
    "ImageLike",
    "RemixSizes",
    "RequestBuilder",
    "RequestLike",
    "RequestParams",
    "SoraParams",
    "catalog_request",
    "no_remix_sizes",
    "nominal_seconds",
    "nominal_size",
    "prompt_values",
    "split_fields",
]

#: What a request can be given as: a VideoRequest, a dict of its fields, or a prompt.
RequestLike = VideoRequest | Mapping[str, Any] | str
#: A reference image as a caller gives it: a loaded image, a URL, a path, bytes, a PIL image or a
#: binary file (``media.load_image`` reads each).
ImageLike = ReferenceImage | str | Path | bytes | Any
#: The size of the video a remix id (or task id) names, when it is known.
RemixSizes = Callable[[str], str | None]


class SoraParams(TypedDict, total=False):
    """The parameters of a Sora request, written once.

    ``build_request``, ``create``, ``prepare`` and ``generate`` (and their blocking twins) take
    them as keywords through ``**fields: Unpack[...]``, so an editor completes them and a type
    checker knows the sizes, lengths and models; a new parameter is added here and nowhere
    else (``tests/client/test_params.py`` holds the signatures to this). None means "not given":
    the default applies.
    """

    #: What the video shows (at most 4,000 characters are sent).
    prompt: str | None
    #: ``"1280x720"``/``"720x1280"`` or a name for one (``"landscape"``, ``"portrait"``, ...), or
    #: ``(width, height)``; a remix keeps its source's size unless told.
    size: SoraSize | tuple[int, int] | None
    #: The length in seconds.
    seconds: SoraSeconds | None
    #: A reference image: a URL, a path, bytes, a PIL image, a binary file, or a ReferenceImage.
    image: ImageLike | None
    #: Make a variation of a finished video: its ``remix_id``.
    remix_video_id: str | None
    #: The model: a Sora model, or any model the catalog describes (``client.models()``).
    model: SoraModel | str | None


class RequestParams(SoraParams, total=False):
    """:class:`SoraParams`, plus the parameters of any model the catalog describes."""

    #: A catalog model's parameters by its spec's names (``client.model_spec(id)``), checked
    #: against the spec before anything is sent; objects as dicts or by dotted names. They may
    #: also be given one by one as keywords (``duration=5``), which a type checker cannot know.
    params: Mapping[str, Any] | None


#: The Sora parameters' names, in order (from :class:`SoraParams`, the one definition).
FIELDS: tuple[str, ...] = tuple(SoraParams.__annotations__)


def split_fields(fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keywords of a request split into the Sora fields (each present, None when not given)
    and a catalog model's parameters (``params=`` merged with any other keyword).

    Raises:
        InvalidRequestError: ``params`` that is not a mapping, or a parameter given twice.
    """
    named = {name: fields.get(name) for name in FIELDS}
    given = fields.get("params")
    if given is not None and not isinstance(given, Mapping):
        raise InvalidRequestError(
            f"params must be a dict of a model's parameters, not {type(given).__name__}."
        )
    params = {k: v for k, v in fields.items() if k not in RequestParams.__annotations__}
    twice = sorted(set(params) & set(given or {}))
    if twice:
        raise InvalidRequestError(f"{', '.join(twice)} given both in params= and as a keyword; give it once.")
    return named, {**(given or {}), **params}


def no_remix_sizes(_remix_id: str) -> str | None:
    """A :data:`RemixSizes` that knows no video (a client without a journal)."""
    return None


def resolve_image(image: Any) -> ReferenceImage | str:
    """A reference image as sent: a URL as is, anything local loaded (never fitted silently)."""
    if isinstance(image, ReferenceImage):
        return image
    if isinstance(image, str) and image.startswith(("https://", "http://")):
        return image
    from ..media import load_image  # Pillow only when an image is used

    return load_image(image)


def _refuse_unknown(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise InvalidRequestError(
            f"unknown request field(s) {', '.join(sorted(unknown))}; use {', '.join(FIELDS)}."
        )


class RequestBuilder:
    """Makes validated requests; a remix without a size keeps the size of its source.

    Args:
        remix_sizes: looks up the size of a source video by remix id or task id (the
            journal's :meth:`~sora_widgets.Journal.video_size`, or :func:`no_remix_sizes`).
    """

    def __init__(self, remix_sizes: RemixSizes = no_remix_sizes) -> None:
        self._remix_sizes = remix_sizes

    def build(self, request: RequestLike | None = None, /, **given: Unpack[SoraParams]) -> VideoRequest:
        """See :meth:`sora_widgets.SoraClient.build_request`."""
        if isinstance(request, VideoRequest):
            _refuse_unknown(given)
            changes: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
            if "image" in changes:
                changes["image"] = resolve_image(changes["image"])
            return request.replace(**changes) if changes else request
        fields: dict[str, Any] = {}
        if isinstance(request, str):
            fields["prompt"] = request
        elif isinstance(request, Mapping):
            fields.update(request)
        elif request is not None:
            raise InvalidRequestError(
                f"cannot make a request from {type(request).__name__}; pass a VideoRequest, a dict "
                "of fields or a prompt string."
            )
        fields.update({name: value for name, value in given.items() if value is not None})
        _refuse_unknown(fields)
        if fields.get("prompt") is None:
            raise InvalidRequestError("a prompt is needed: describe the shot you want.")
        if fields.get("image") is not None:
            fields["image"] = resolve_image(fields["image"])
        kwargs: dict[str, Any] = {"prompt": fields["prompt"]}
        for name in ("image", "remix_video_id"):
            if fields.get(name) is not None:
                kwargs[name] = fields[name]
        spec = MODELS.get(str(fields.get("model") or ""))
        kwargs["model"] = str(fields.get("model") or "")
        remix_size = None
        if fields.get("size") is None and kwargs.get("remix_video_id"):
            remix_size = self._remix_sizes(str(kwargs["remix_video_id"]))
        if fields.get("size") is not None:
            kwargs["size"] = fields["size"]
        elif remix_size is not None and (spec is None or remix_size in spec.sizes):
            # A remix keeps the shape of its source unless asked otherwise.
            kwargs["size"] = remix_size
        elif spec is not None:
            kwargs["size"] = spec.default_size
        if fields.get("seconds") is not None:
            kwargs["seconds"] = fields["seconds"]
        return VideoRequest(**kwargs)


def _load_images(spec: ModelSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Local images in the spec's image parameters loaded (sniffed, EXIF-rotated, bomb-checked;
    never fitted silently); URLs kept. Lists of images (``images``) item by item."""
    out = dict(values)
    for name in spec.image_params:
        value = out.get(name)
        if "." in name:  # inside items: "content[].image_url.url"
            root, *path = name.split(".")
            root = root.removesuffix("[]")
            if out.get(root) is not None:
                out[root] = _load_nested(out[root], path)
            continue
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            out[name] = [resolve_image(item) if item is not None else None for item in value]
        else:
            out[name] = _load_nested(value, [])  # the one rule for a single image: load or keep
    return out


def _load_nested(value: Any, path: list[str]) -> Any:
    """``value`` with the image at ``path`` (through lists of items) loaded: a local file, bytes
    or a PIL image is loaded; a URL or data URL is kept (``path=[]``: ``value`` is the image)."""
    if not path:
        keep = value is None or (isinstance(value, str) and value.lstrip().startswith(("[", "data:")))
        return value if keep else resolve_image(value)
    if isinstance(value, list):
        return [_load_nested(item, path) for item in value]
    if isinstance(value, Mapping) and path[0] in value:
        return {**value, path[0]: _load_nested(value[path[0]], path[1:])}
    return value


def _as_text(value: Any) -> Any:
    """Images as the text the validator checks (data URLs); everything else as given."""
    if isinstance(value, ReferenceImage):
        return value.data_url()
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if isinstance(value, Mapping):  # an item of typed items ({"image_url": {"url": image}})
        return {k: _as_text(v) for k, v in value.items()}
    return value


def _images_in(value: Any, found: dict[str, ReferenceImage]) -> None:
    """Every ReferenceImage in ``value`` (lists and items included), by its data URL."""
    if isinstance(value, ReferenceImage):
        found[value.data_url()] = value
    elif isinstance(value, list):
        for item in value:
            _images_in(item, found)
    elif isinstance(value, Mapping):
        for item in value.values():
            _images_in(item, found)


def _back_to_images(typed: Any, images: Mapping[str, ReferenceImage]) -> Any:
    """The validated params with each image's data URL replaced by its ReferenceImage again (so
    the journal describes it instead of keeping its bytes)."""
    if isinstance(typed, str):
        return images.get(typed, typed)
    if isinstance(typed, list):
        return [_back_to_images(v, images) for v in typed]
    if isinstance(typed, dict):
        return {k: _back_to_images(v, images) for k, v in typed.items()}
    return typed


def prompt_values(spec: ModelSpec, prompt: str) -> dict[str, Any]:
    """The prompt in the parameter that carries it: ``prompt``, or a text item of typed items (one rule
    for the Prompt Lab's model sweep and the builder's typed-items editor)."""
    if spec.param("prompt") is not None:
        return {"prompt": prompt}
    for param in spec.parameters:
        kinds = next((c.enum for c in param.children if c.name == "type"), ())
        if param.type == "array" and "text" in kinds and any(c.name == "text" for c in param.children):
            return {param.name: [{"type": "text", "text": prompt}]}
    raise InvalidRequestError(
        f"{spec.model_id} takes no prompt (its parameters: {', '.join(p.name for p in spec.parameters)}); "
        "give its values with client.generate(model=..., params={...})."
    )


def nominal_size(spec: ModelSpec, params: Mapping[str, Any]) -> str:
    """The picture size a request will have, ``"WxH"``: the size it asks for, else the shape of its
    aspect ratio with a 720-pixel short side, else the spec's default, else landscape 720p."""
    param = spec.size_param
    value = params.get(param.name) if param is not None else None
    if value is None and param is not None:
        value = param.default
    text = str(value or "").lower().replace(" ", "")
    if re.fullmatch(r"\d{2,5}[x*×]\d{2,5}", text):
        return re.sub(r"[*×]", "x", text)
    ratio = re.fullmatch(r"(\d{1,3}):(\d{1,3})", text)
    if ratio and int(ratio.group(1)) and int(ratio.group(2)):
        w, h = int(ratio.group(1)), int(ratio.group(2))
        long_side = round(720 * max(w, h) / min(w, h) / 2) * 2
        return f"{long_side}x720" if w >= h else f"720x{long_side}"
    return "1280x720"


def nominal_seconds(spec: ModelSpec, params: Mapping[str, Any]) -> int:
    """The length a request will have: the one it asks for, else the spec's default, else 5."""
    param = spec.length_param
    value = params.get(param.name) if param is not None else None
    if value is None and param is not None:
        value = param.default
    try:
        return max(int(float(str(value))), 1) if value is not None else 5
    except ValueError:
        return 5


def catalog_request(spec: ModelSpec, values: Mapping[str, Any], *, endpoint: str) -> VideoRequest:
    """A request for any model the catalog describes: ``values`` validated against its spec
    (:meth:`~sora_widgets.models.specs.ModelSpec.validate`), its images loaded.

    Raises:
        InvalidRequestError: naming the parameter and what it takes; nothing was sent.
    """
    given = _load_images(spec, {k: v for k, v in values.items() if v is not None})
    images: dict[str, ReferenceImage] = {}
    _images_in(given, images)
    typed = _back_to_images(spec.validate({k: _as_text(v) for k, v in given.items()}), images)
    return VideoRequest(
        prompt=str(typed.get("prompt") or ""),
        size=nominal_size(spec, typed),
        seconds=nominal_seconds(spec, typed),
        model=spec.model_id,
        params=typed,
        endpoint=endpoint,
    )
