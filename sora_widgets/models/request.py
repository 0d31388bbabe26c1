"""What the user asks for: :class:`VideoRequest`, validated before anything is sent."""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType
from typing import Any, cast

from .._constants import MAX_PROMPT_CHARS
from ..errors import InvalidRequestError
from .catalog import I2V, MODELS, ORIENTATION_ALIASES, T2V, ModelProfile, get_model
from .prices import estimate_cost
from .wire import CreateParams, request_params

__all__ = [
    "ReferenceImage",
    "VideoRequest",
    "check_prompt",
    "normalize_seconds",
    "normalize_size",
    "parse_size",
]


def normalize_size(size: str | tuple[int, int] | None, spec: ModelProfile = T2V) -> str:
    """Return the wire form of a size: ``"720x1280"`` or ``"1280x720"``.

    Accepts those strings (``x``, ``X``, ``×`` or ``*`` between the numbers), ``"portrait"`` /
    ``"landscape"``, a ``(width, height)`` tuple, or None for the model's default.
    """
    if size is None:
        return spec.default_size
    if isinstance(size, (tuple, list)):
        if len(size) != 2 or not all(isinstance(n, int) and not isinstance(n, bool) for n in size):
            raise InvalidRequestError(
                f"size {tuple(size)!r} is not a (width, height) pair of whole numbers; use one of "
                f"{', '.join(spec.sizes)} as a string, a (width, height) tuple such as (1280, 720), "
                "or 'portrait' / 'landscape'."
            )
        text = f"{size[0]}x{size[1]}"
    elif not isinstance(size, str):
        raise InvalidRequestError(
            f"size must be a string or a (width, height) tuple, not {type(size).__name__}; use one of "
            f"{', '.join(spec.sizes)} (or 'portrait' / 'landscape')."
        )
    else:
        text = str(size).strip().lower().replace(" ", "")
        text = ORIENTATION_ALIASES.get(text, text)
        for sep in ("×", "*", "X"):
            text = text.replace(sep.lower(), "x")
    if text not in spec.sizes:
        raise InvalidRequestError(
            f"size {size!r} is not offered by {spec.id}; use one of "
            f"{', '.join(spec.sizes)} (or 'portrait' / 'landscape')."
        )
    return text


# Characters that show nothing: controls, formats (zero-width, bidi marks), and these spaces and
# fillers that Unicode files elsewhere. A prompt made only of them describes nothing.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
_INVISIBLE_EXTRA = frozenset("\u115f\u1160\u3164\uffa0\u2800")  # Hangul fillers, blank braille


def check_prompt(prompt: object) -> str:
    """The prompt stripped, or :class:`InvalidRequestError` saying what is allowed.

    Refused: not text; text that cannot be sent as UTF-8 (a lone surrogate from a broken paste);
    NUL and other control characters other than newlines and tabs; a prompt with nothing
    visible in it (only spaces, zero-width or other invisible characters); more than
    :data:`~sora_widgets._constants.MAX_PROMPT_CHARS` characters.
    """
    if not isinstance(prompt, str):
        raise InvalidRequestError(f"the prompt must be text, not {type(prompt).__name__}.")
    for index, char in enumerate(prompt):
        if "\ud800" <= char <= "\udfff":
            raise InvalidRequestError(
                f"the prompt has a broken character at position {index + 1} (a lone UTF-16 surrogate, "
                "usually from a damaged copy and paste) that cannot be sent; retype that part. "
                "Any letters, digits, punctuation and emoji are allowed."
            )
        if char == "\x00" or (unicodedata.category(char) == "Cc" and char not in "\n\r\t"):
            raise InvalidRequestError(
                f"the prompt has the control character U+{ord(char):04X} at position {index + 1}; "
                "remove it. Text, newlines and tabs are allowed."
            )
    text = prompt.strip()
    if not any(
        unicodedata.category(char) not in _INVISIBLE_CATEGORIES and char not in _INVISIBLE_EXTRA
        for char in text
    ):
        raise InvalidRequestError(
            "the prompt is empty or shows nothing (only spaces or invisible characters such as "
            "zero-width spaces); describe the shot: type, subject, action, setting, lighting and "
            "camera movement."
        )
    if len(text) > MAX_PROMPT_CHARS:
        raise InvalidRequestError(
            f"the prompt has {len(text):,} characters; keep it under {MAX_PROMPT_CHARS:,} "
            "(one shot, one purpose)."
        )
    return text


def parse_size(size: str) -> tuple[int, int]:
    """``"1280x720"`` -> ``(1280, 720)``."""
    width, height = size.lower().split("x")
    return int(width), int(height)


def normalize_seconds(seconds: int | str | float | None, spec: ModelProfile = T2V) -> int:
    """Return the length as an int from those the model offers (4, 8 or 12)."""
    if seconds is None:
        return spec.default_seconds
    try:
        value = float(str(seconds).strip().rstrip("s"))
    except ValueError:
        value = float("nan")
    if value != value or value not in spec.seconds:  # NaN never equals itself
        allowed = ", ".join(str(s) for s in spec.seconds)
        raise InvalidRequestError(f"seconds={seconds!r} is not offered by {spec.id}; use one of {allowed}.")
    return int(value)


@dataclass(frozen=True, repr=False)
class ReferenceImage:
    """A reference image, already checked: its bytes, type and exact pixel size.

    Build one with :func:`sora_widgets.media.load_image` (or ``fit_image``), which sniff the
    type from the content, apply EXIF orientation and refuse decompression bombs.

    Example:
        >>> img = ReferenceImage(data=b"...", mime="image/png", width=1280, height=720)
        >>> img.size
        '1280x720'
    """

    data: bytes
    mime: str
    width: int
    height: int
    source: str = "image"
    notes: tuple[str, ...] = ()

    @property
    def size(self) -> str:
        """Pixel size in wire form, ``"WxH"``."""
        return f"{self.width}x{self.height}"

    @property
    def sha256(self) -> str:
        """Hex digest of the bytes, to recognise the same image again."""
        return hashlib.sha256(self.data).hexdigest()

    def data_url(self) -> str:
        """The image as a ``data:<mime>;base64,...`` URL."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"

    def base64(self) -> str:
        """The image as raw base64."""
        return base64.b64encode(self.data).decode("ascii")

    def __repr__(self) -> str:
        return (
            f"ReferenceImage({self.source!r}, {self.mime}, {self.width}x{self.height}, "
            f"{len(self.data):,} bytes)"
        )


def _sent(value: Any, image_form: str) -> Any:
    """A param value as it travels: a local image as a data URL (or bare base64), recursively."""
    if isinstance(value, ReferenceImage):
        return value.base64() if image_form == "base64" else value.data_url()
    if isinstance(value, Mapping):
        return {k: _sent(v, image_form) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_sent(v, image_form) for v in value]
    return value


def _described(value: Any) -> Any:
    """A param value as the journal keeps it: a local image described (hash, type, size), not embedded."""
    if isinstance(value, ReferenceImage):
        return {"kind": "inline", "sha256": value.sha256, "mime": value.mime, "size": value.size}
    if isinstance(value, Mapping):
        return {k: _described(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_described(v) for v in value]
    return value


def _has_inline(value: Any) -> bool:
    if isinstance(value, Mapping):
        return value.get("kind") == "inline" or any(_has_inline(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_inline(v) for v in value)
    return False


def _is_url(value: str) -> bool:
    return value.startswith(("https://", "http://"))


class PixelSize:
    """``width`` and ``height`` read from a ``size`` string such as ``"1280x720"`` (one reading
    for :class:`VideoRequest` and :class:`~sora_widgets.models.video.Video`)."""

    size: str

    @property
    def width(self) -> int:
        """Width in pixels."""
        return parse_size(self.size)[0]

    @property
    def height(self) -> int:
        """Height in pixels."""
        return parse_size(self.size)[1]


@dataclass(frozen=True)
class VideoRequest(PixelSize):
    """One generation request, validated on construction; nothing is sent by creating it.

    The model follows from the inputs: an image means ``sora_2_pro_i2v``, otherwise
    ``sora_2_pro_t2v``. ``size`` takes ``"720x1280"``, ``"1280x720"``, ``"portrait"`` or
    ``"landscape"``; ``seconds`` takes 4, 8 or 12 as int or str.

    Example:
        >>> req = VideoRequest("Wide shot of a red kite at dusk", size="landscape", seconds="8")
        >>> req.model, req.size, req.seconds
        ('sora_2_pro_t2v', '1280x720', 8)
        >>> req.estimated_cost
        Decimal('2.40')

    Raises:
        InvalidRequestError: naming the allowed values, for anything the service would refuse.
    """

    prompt: str
    size: str = field(default=T2V.default_size)
    seconds: int = field(default=T2V.default_seconds)
    image: ReferenceImage | str | None = None
    remix_video_id: str | None = None
    model: str = ""
    params: Mapping[str, Any] | None = field(default=None, hash=False)
    endpoint: str = ""

    def __post_init__(self) -> None:
        if self.params is not None:
            self._check_catalog_request()
            return
        image = self.image
        is_url = isinstance(image, str) and _is_url(image)
        if image is not None and not isinstance(image, ReferenceImage) and not is_url:
            raise InvalidRequestError(
                "VideoRequest.image must be a ReferenceImage or an http(s) URL; load a file, "
                "bytes or PIL image with sw.load_image(...) or sw.fit_image(...), or pass it "
                "to client.create(image=...), which does that for you."
            )
        model_id = self.model or (I2V.id if image is not None else T2V.id)
        if model_id not in MODELS:
            raise InvalidRequestError(f"unknown model {model_id!r}; use one of {', '.join(MODELS)}.")
        spec = get_model(model_id)
        if spec.requires_image and image is None:
            raise InvalidRequestError(
                f"{spec.id} needs a reference image: pass image= (a path, bytes, PIL image or URL)."
            )
        if image is not None and not spec.accepts_image:
            raise InvalidRequestError(f"{spec.id} takes no image; use {I2V.id} for image to video.")
        prompt = check_prompt(self.prompt)
        size = normalize_size(self.size, spec)
        seconds = normalize_seconds(self.seconds, spec)
        if isinstance(image, ReferenceImage):
            if image.mime not in spec.image_mime_types:
                raise InvalidRequestError(
                    f"the reference image is {image.mime}; {spec.id} accepts "
                    f"{', '.join(spec.image_mime_types)}."
                )
            if image.size != size:
                raise InvalidRequestError(
                    f"the reference image is {image.size} but the video is {size}; they must match "
                    f"exactly. Fit it first: sw.fit_image(image, {size!r}) (cover-crop, or "
                    "mode='letterbox'), or choose the other orientation."
                )
        remix = self.remix_video_id
        if remix is not None:
            remix = str(remix).strip()
            if not remix:
                remix = None
            elif not spec.accepts_remix:
                raise InvalidRequestError(f"{spec.id} does not take remix_video_id.")
            elif len(remix) > 256 or not all("!" <= char <= "~" for char in remix):
                raise InvalidRequestError(
                    "remix_video_id is not an id: use the video's remix_id (letters, digits and "
                    "punctuation, such as 'video_...'), for example video.remix_id."
                )
        if is_url and (len(str(image)) > 8192 or not all("!" <= char <= "~" for char in str(image))):
            raise InvalidRequestError(
                "the image URL has spaces, control or non-ASCII characters; percent-encode it, or "
                "download the image and pass the file."
            )
        object.__setattr__(self, "prompt", prompt)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "seconds", seconds)
        object.__setattr__(self, "model", model_id)
        object.__setattr__(self, "remix_video_id", remix)

    def _check_catalog_request(self) -> None:
        """A request for any catalog model: ``params`` already validated against the model's spec
        (:meth:`~sora_widgets.models.specs.ModelSpec.validate`); ``size`` and ``seconds`` are what
        the video will be, for showing and pricing."""
        if not self.model or not isinstance(self.params, Mapping):
            raise InvalidRequestError("a catalog request needs its model id and its validated params.")
        if self.image is not None or self.remix_video_id:
            raise InvalidRequestError("a catalog request carries its images inside params, not image=.")
        prompt = self.params.get("prompt")
        text = (
            check_prompt(prompt)
            if isinstance(prompt, str)
            else (check_prompt(self.prompt) if self.prompt else "")
        )
        try:
            parse_size(self.size)
            seconds = int(self.seconds)
        except (ValueError, TypeError):
            raise InvalidRequestError(
                f"size={self.size!r} / seconds={self.seconds!r}: use 'WxH' and whole seconds."
            ) from None
        object.__setattr__(self, "prompt", text)
        object.__setattr__(self, "seconds", seconds)
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def is_catalog(self) -> bool:
        """Whether this request is for a catalog model's spec (``params``), not the Sora fields."""
        return self.params is not None

    @property
    def spec(self) -> ModelProfile:
        """The :class:`ModelProfile` of this request's model."""
        return get_model(self.model)

    @property
    def estimated_cost(self) -> Decimal | None:
        """Estimated price in USD before any discount, from the bundled price table; None when the
        model has no known price (see :mod:`sora_widgets.models.prices`)."""
        return estimate_cost(self.model, self.seconds)

    def replace(self, **changes: Any) -> VideoRequest:
        """A copy with some fields changed (validated again). Changing the image resets the model."""
        if "image" in changes and "model" not in changes:
            changes["model"] = ""
        return replace(self, **changes)

    def to_params(self, image_form: str = "data_url") -> CreateParams:
        """The ``params`` object the wire takes (all values strings).

        Args:
            image_form: how a local image travels: ``"data_url"`` (default) or ``"base64"``.
        """
        if self.params is not None:
            return cast("CreateParams", {k: _sent(v, image_form) for k, v in self.params.items()})
        reference: str | None = None
        if isinstance(self.image, ReferenceImage):
            reference = self.image.base64() if image_form == "base64" else self.image.data_url()
        elif isinstance(self.image, str):
            reference = self.image
        return request_params(
            prompt=self.prompt,
            size=self.size,
            seconds=self.seconds,
            input_reference=reference,
            remix_video_id=self.remix_video_id,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description; a local image is described (hash, type, size), not embedded."""
        image: Any = None
        if isinstance(self.image, ReferenceImage):
            image = {
                "kind": "inline",
                "sha256": self.image.sha256,
                "mime": self.image.mime,
                "size": self.image.size,
                "source": self.image.source,
            }
        elif isinstance(self.image, str):
            image = {"kind": "url", "url": self.image}
        described: dict[str, Any] = {
            "model": self.model,
            "prompt": self.prompt,
            "size": self.size,
            "seconds": self.seconds,
            "image": image,
            "remix_video_id": self.remix_video_id,
        }
        if self.params is not None:
            described["params"] = {k: _described(v) for k, v in self.params.items()}
            described["endpoint"] = self.endpoint
        return described

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VideoRequest | None:
        """Rebuild from :meth:`to_dict`. An inline image cannot be rebuilt (its bytes are not
        kept), so such a request comes back as None; a URL image comes back as is."""
        image = data.get("image")
        if isinstance(image, dict) and image.get("kind") == "inline":
            return None
        params = data.get("params")
        if isinstance(params, dict):
            if _has_inline(params):
                return None
            return cls(
                prompt=str(data.get("prompt") or ""),
                size=str(data.get("size") or T2V.default_size),
                seconds=int(data.get("seconds") or T2V.default_seconds),
                model=str(data.get("model") or ""),
                params=params,
                endpoint=str(data.get("endpoint") or ""),
            )
        return cls(
            prompt=data["prompt"],
            size=data.get("size") or T2V.default_size,
            seconds=data.get("seconds") or T2V.default_seconds,
            image=image.get("url") if isinstance(image, dict) else None,
            remix_video_id=data.get("remix_video_id"),
            model=data.get("model") or "",
        )
