"""What the simulated service accepts: the checks of a create body and of a reference image."""

from __future__ import annotations

import base64
import binascii
import io
import re
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from .._constants import MAX_IMAGE_BYTES, MAX_PROMPT_CHARS
from ..errors import InvalidRequestError
from ..models.catalog import MODELS, ModelProfile
from ..models.wire import (
    IMAGE_MIMES,
    SIZE_MISMATCH_MESSAGE,
    WireFormatError,
    http_error,
    param,
    read_create_body,
    sniff_mime,
)
from ._catalog import SimCatalog, model_not_found
from ._geometry import first_frame, render_geometry, words_of

__all__ = [
    "CheckedCreate",
    "Rejection",
    "check_create",
    "image_size",
    "is_moderated",
    "read_image",
    "read_reference",
]


@dataclass(frozen=True)
class Rejection(Exception):
    """A create refused at the HTTP level: nothing was made, nothing billed."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedCreate:
    """A create body that passed the HTTP-level checks.

    Attributes:
        model: the model id.
        prompt: the words the video is about (``prompt``, or a ``content`` array's text).
        size: ``"WxH"`` of the video to draw.
        seconds: its length.
        reference: Sora's ``input_reference`` (must match ``size`` exactly).
        remix: Sora's ``remix_video_id``.
        first_frame: another model's first-frame image (fitted to ``size``).
    """

    model: str
    prompt: str
    size: str
    seconds: int
    reference: Any = None
    remix: str | None = None
    first_frame: str | None = None


def _bad_request(message: str) -> Rejection:
    return Rejection(400, *http_error(400, message=message))


def check_create(body: Any, catalog: SimCatalog) -> CheckedCreate:
    """Check a create body as the service does: against the model's spec, with the client's own
    validator (:meth:`~sora_widgets.models.specs.ModelSpec.validate`), then what a spec cannot say.

    Raises:
        Rejection: HTTP 404 "Model not found" for a model the catalog does not serve (unknown
            or retired); HTTP 400 naming the parameter for a bad body, a value the spec refuses,
            an empty prompt or an unusable image.
    """
    try:
        model, raw = read_create_body(body)
    except WireFormatError as exc:
        raise _bad_request(f"invalid request body: {exc}") from None
    if model is None:
        raise _bad_request("model is required")
    entry = catalog.get(model)
    if entry is None:
        raise Rejection(404, *http_error(404, message=model_not_found(model)))
    try:
        params = entry.spec.validate(raw)
    except InvalidRequestError as exc:
        raise _bad_request(str(exc)) from None
    values = {**entry.defaults(), **params}
    if model in MODELS:
        return _check_sora(MODELS[model], values)
    size, seconds = render_geometry(params, entry.defaults())
    return CheckedCreate(
        model, words_of(params), size, seconds, first_frame=first_frame(params, entry.spec.first_frame_param)
    )


def _check_sora(spec: ModelProfile, values: dict[str, Any]) -> CheckedCreate:
    """What Sora's spec cannot say: a prompt of words, the image rules, the remix source."""
    prompt = param(values, "prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise _bad_request("prompt is required")
    prompt = prompt.strip()
    if len(prompt) > MAX_PROMPT_CHARS * 2:
        raise _bad_request("prompt is too long")
    reference = param(values, "input_reference")
    if spec.requires_image and not reference:
        raise _bad_request(f"{spec.id} requires input_reference")
    size, seconds = (
        param(values, "size", spec.default_size),
        int(param(values, "seconds", spec.default_seconds)),
    )
    remix = param(values, "remix_video_id")
    return CheckedCreate(spec.id, prompt, size, seconds, reference, remix or None)


def is_moderated(prompt: str, words: tuple[str, ...]) -> bool:
    """True when the prompt contains one of the moderation ``words`` (lower case)."""
    found = set(re.findall(r"[a-z0-9']+", prompt.lower()))
    return any(w in found for w in words)


def read_reference(
    reference: Any, width: int, height: int, *, fetch_urls: bool = False
) -> tuple[bytes | None, str | None]:
    """The image bytes, or the upstream wording of why they cannot be used (Sora: exact size)."""
    data, problem = read_image(reference, fetch_urls=fetch_urls)
    if data is not None and image_size(data) != (width, height):
        return None, SIZE_MISMATCH_MESSAGE
    return data, problem


def image_size(data: bytes) -> tuple[int, int] | None:
    """Pixel size of decodable image bytes (None if they do not decode)."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            width, height = im.size
            return int(width), int(height)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def read_image(
    reference: Any, name: str = "input_reference", *, fetch_urls: bool = False
) -> tuple[bytes | None, str | None]:
    """The bytes of an image given as a URL, a data URL or base64, or why they cannot be used.

    An http(s) URL is fetched only with ``fetch_urls``: a simulator in front of a class (the
    gateway's upstream in a rehearsal) would otherwise fetch any address a student names, from
    the teacher's machine and network.
    """
    if not isinstance(reference, str):
        return None, f"{name} must be a string (URL or base64)"
    data: bytes | None
    if reference.startswith(("http://", "https://")):
        if not fetch_urls:
            return None, (
                f"This simulator fetches no {name} URL (start it with fetch_urls=True or "
                "--fetch-urls to allow it); send the image itself, as a data URL"
            )
        data = _fetch(reference)
        if data is None:
            return None, f"Failed to download {name} from {reference[:200]}"
    else:
        text = reference.split(",", 1)[1] if reference.startswith("data:") and "," in reference else reference
        try:
            data = base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            return None, f"{name} is not valid base64"
    if len(data) > MAX_IMAGE_BYTES:
        return None, "Input image is too large"
    if sniff_mime(data) is None:
        accepted = f"{', '.join(IMAGE_MIMES[:-1])} or {IMAGE_MIMES[-1]}"
        return None, f"Invalid image format: {name} must be {accepted}"
    if image_size(data) is None:
        return None, f"Invalid image: the {name} could not be decoded"
    return data, None


def _fetch(url: str) -> bytes | None:
    """Download a reference image given as a URL (loopback test servers; no internet here)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - http(s) checked by caller
            data: bytes = response.read(MAX_IMAGE_BYTES + 1)
            return data
    except (OSError, ValueError):
        return None
