"""Reference images: sniff the type by content, open safely, orient, fit to the exact size.

Example:
    >>> import sora_widgets as sw
    >>> from PIL import Image
    >>> Image.new("RGB", (1024, 1024), "teal").save("boat.jpg")   # any JPEG, PNG or WebP file
    >>> ref = sw.load_image("boat.jpg")
    >>> ref.size, ref.mime
    ('1024x1024', 'image/jpeg')
    >>> ref = sw.fit_image("boat.jpg", "1280x720")
    >>> ref.size, ref.notes
    ('1280x720', ('cover-cropped from 1024x1024 to 1280x720: scaled by 1.250, cut: 280 px top and bottom',))

Everything here refuses bad input with :class:`~sora_widgets.errors.ImageError` (a
``ValueError``) whose message says what the input really is and what to do. Nothing is
changed silently: EXIF rotation and fitting are recorded in :attr:`ReferenceImage.notes`.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import io
import os
import re
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, TypeAlias

from PIL import Image, ImageOps, UnidentifiedImageError

from ._constants import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS
from .errors import ImageError, InvalidRequestError
from .models.catalog import I2V
from .models.request import ReferenceImage, normalize_size, parse_size
from .models.wire import sniff_mime

__all__ = [
    "FitMode",
    "FitPlan",
    "ImageSource",
    "fit_image",
    "load_image",
    "plan_fit",
    "preview_png",
    "sniff_mime",
    "thumbnail_png",
    "working_mode",
]

ImageSource: TypeAlias = (
    "str | Path | bytes | bytearray | memoryview | Image.Image | ReferenceImage | IO[bytes]"
)
FitMode = Literal["cover", "letterbox"]

# Pillow format name and the MIME type the service accepts, per sniffed type.
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# How re-encoded images are saved: high quality, because the model sees every artefact.
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "image/jpeg": {"quality": 95, "subsampling": 0},
    "image/png": {"optimize": False},
    "image/webp": {"quality": 95, "method": 4},
}
# The EXIF tag that says how the camera was held.
_EXIF_ORIENTATION = 0x0112
_ORIENTATION_WORDS = {
    2: "mirrored",
    3: "rotated 180°",
    4: "flipped vertically",
    5: "mirrored and rotated 90° counter-clockwise",
    6: "rotated 90° clockwise",
    7: "mirrored and rotated 90° clockwise",
    8: "rotated 90° counter-clockwise",
}


# ---------------------------------------------------------------------------------------------
# sniffing (what the service accepts is :func:`~.models.wire.sniff_mime`, re-exported here)


# Other content people pick by mistake, by its magic bytes, to say what it really is.
_OTHER_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"GIF87a", 0, "a GIF image (use JPEG, PNG or WebP; convert it first)"),
    (b"GIF89a", 0, "a GIF image (use JPEG, PNG or WebP; convert it first)"),
    (b"BM", 0, "a BMP image (use JPEG, PNG or WebP; convert it first)"),
    (b"II*\x00", 0, "a TIFF image (use JPEG, PNG or WebP; convert it first)"),
    (b"MM\x00*", 0, "a TIFF image (use JPEG, PNG or WebP; convert it first)"),
    (b"%PDF", 0, "a PDF document"),
    (b"PK\x03\x04", 0, "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"ftyp", 4, "a video or HEIC/AVIF image (use JPEG, PNG or WebP; convert it first)"),
    (b"\x1aE\xdf\xa3", 0, "a WebM/Matroska video"),
    (b"<svg", 0, "an SVG drawing (export it as PNG first)"),
)


def _describe_content(data: bytes) -> str:
    """A short phrase saying what ``data`` looks like, for error messages."""
    if not data:
        return "empty (0 bytes)"
    for magic, offset, words in _OTHER_MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return words
    head = data[:512]
    try:
        # A multi-byte character may be cut at the end of the sample: tolerate that, nothing else.
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=len(data) <= 512)
    except UnicodeDecodeError:
        return f"unrecognised binary data ({len(data):,} bytes, starts with {data[:8].hex(' ')})"
    stripped = text.lstrip().lower()
    if stripped.startswith(("<!doctype html", "<html")):
        return "an HTML page (perhaps a download that returned an error page)"
    if stripped.startswith("<?xml") and "<svg" in stripped:
        return "an SVG drawing (export it as PNG first)"
    if stripped.startswith(("{", "[")):
        return "JSON text"
    # Never quote the content: a file picked by mistake may be a .env or a key file.
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return (
        f"plain text ({len(data):,} bytes, {lines} line{'s' if lines != 1 else ''})"
        if text.strip()
        else "blank text"
    )


# ---------------------------------------------------------------------------------------------
# reading the input


def _read_limited(stream: IO[bytes], what: str) -> bytes:
    data = stream.read(MAX_IMAGE_BYTES + 1)
    if not isinstance(data, (bytes, bytearray)):
        raise ImageError(f"{what} gave {type(data).__name__}, not bytes; open it in binary mode ('rb').")
    if len(data) > MAX_IMAGE_BYTES:
        raise _too_many_bytes(what, None)
    return bytes(data)


def _too_many_bytes(what: str, size: int | None) -> ImageError:
    shown = f"{size:,} bytes" if size is not None else f"more than {MAX_IMAGE_BYTES:,} bytes"
    return ImageError(
        f"{what} is {shown}; reference images are limited to {MAX_IMAGE_BYTES // (1024 * 1024)} MB. "
        "Save it smaller (a 1280x720 JPEG is well under 1 MB)."
    )


def _read_path(path: Path) -> bytes:
    shown = str(path)
    try:
        # Non-blocking open, then a check of what was opened: a FIFO, a terminal or a device
        # would otherwise block the read forever (on the event loop, when called from async code).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with open(fd, "rb", closefd=True) as handle:  # noqa: PTH123 - wraps the checked descriptor
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise ImageError(f"{shown} is a directory, not an image file.")
            if not stat.S_ISREG(info.st_mode):
                raise ImageError(
                    f"{shown} is not a regular file (a pipe, socket or device); only image files "
                    "are read. Save the image to a file first, or pass its bytes."
                )
            if info.st_size > MAX_IMAGE_BYTES:
                raise _too_many_bytes(shown, info.st_size)
            return _read_limited(handle, shown)
    except FileNotFoundError:
        raise ImageError(
            f"no image file at {shown}; check the path (relative paths start in {Path.cwd()})."
        ) from None
    except PermissionError:
        raise ImageError(f"cannot read {shown}: permission denied.") from None
    except IsADirectoryError:
        raise ImageError(f"{shown} is a directory, not an image file.") from None
    except OSError as exc:
        raise ImageError(f"cannot read {shown}: {exc.strerror or exc}.") from None


def _decode_data_url(text: str) -> bytes:
    header, sep, payload = text.partition(",")
    if not sep or ";base64" not in header:
        raise ImageError("a data: URL for an image must be base64-encoded ('data:image/png;base64,...').")
    if len(payload) > (MAX_IMAGE_BYTES * 4) // 3 + 4:
        raise _too_many_bytes("the data: URL", None)
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ImageError("the data: URL is not valid base64.") from None


def _raw_input(src: Any) -> tuple[bytes | None, Image.Image | None, str, str]:
    """(bytes, None, name, shown) for encoded input, or (None, PIL image, name, shown) for a
    decoded one; ``shown`` is how messages name the input (the full path for files)."""
    if isinstance(src, Image.Image):
        return None, src, "PIL image", "the PIL image"
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
        if len(data) > MAX_IMAGE_BYTES:
            raise _too_many_bytes("the image data", len(data))
        return data, None, "bytes", "the image data"
    if isinstance(src, str):
        if src.startswith("data:"):
            return _decode_data_url(src), None, "data URL", "the data: URL"
        if src.startswith(("http://", "https://")):
            raise ImageError(
                "load_image reads local images only; pass an https URL straight to "
                "client.create(image=url), which sends it as is."
            )
        if not src.strip():
            raise ImageError("the image path is empty.")
        path = Path(src).expanduser()
        return _read_path(path), None, path.name, str(path)
    if isinstance(src, Path):
        path = src.expanduser()
        return _read_path(path), None, path.name, str(path)
    if hasattr(src, "read"):
        name = getattr(src, "name", None)
        label = Path(name).name if isinstance(name, str) else "file object"
        shown = name if isinstance(name, str) else label
        return _read_limited(src, shown), None, label, shown
    raise ImageError(
        f"cannot use a {type(src).__name__} as an image; pass a path, bytes, a PIL image, "
        "a binary file object or a data: URL."
    )


# ---------------------------------------------------------------------------------------------
# decoding safely


def _open_checked(data: bytes, mime: str, what: str) -> Image.Image:
    """Open and fully decode ``data``, refusing bombs from the header before any pixel is decoded."""
    try:
        # Pillow warns (then raises) on huge images from its own global limit; turn its warning
        # into our error without touching the process-wide Image.MAX_IMAGE_PIXELS.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[mime]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb(what, None) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageError(
            f"{what} starts like {mime.split('/')[1].upper()} but cannot be read ({exc}); "
            "it is probably truncated or corrupt. Re-export or re-download it."
        ) from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageError(f"{what} claims a size of {width}x{height} pixels; it is corrupt.")
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise _bomb(what, (width, height))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageError(
            f"{what} is {mime.split('/')[1].upper()} {width}x{height} but its pixels cannot be decoded "
            f"({exc}); it is probably truncated. Re-export or re-download it."
        ) from None
    return image


def _bomb(what: str, size: tuple[int, int] | None) -> ImageError:
    claimed = f"claims {size[0]}x{size[1]} = {size[0] * size[1]:,} pixels" if size else "is enormous"
    return ImageError(
        f"{what} {claimed}, over the limit of {MAX_IMAGE_PIXELS:,}; it was refused before decoding "
        "(a decompression bomb, or simply far too large). Resize it to about 1280x720 first."
    )


# Modes Pillow converts to RGB(A) faithfully with convert(): palettes, bilevel, other colour spaces,
# premultiplied alpha.
_CONVERTIBLE_MODES = ("1", "P", "PA", "RGBX", "RGBa", "CMYK", "YCbCr", "LAB", "HSV")
_WORKING_MODES = ("RGB", "RGBA", "L", "LA")


def _single_band_extrema(image: Image.Image) -> tuple[float, float]:
    low, high = image.getextrema()
    assert isinstance(low, (int, float)) and isinstance(high, (int, float))
    return float(low), float(high)


def working_mode(image: Image.Image, what: str = "the image") -> Image.Image:
    """``image`` in RGB, RGBA, L or LA with the picture it shows, or a clear :class:`ImageError`.

    Pillow's ``convert`` clips 16-bit and 32-bit samples at 255, which turns a 16-bit PNG pure
    white; here they are scaled (65535 -> 255). Floating-point images are taken as 0..1 or
    0..255 when their values say so. Any other mode is refused, naming the modes that work.

    Example:
        >>> working_mode(Image.new("I;16", (2, 2), 65535)).getpixel((0, 0))
        255
    """
    mode = image.mode
    if mode in _WORKING_MODES:
        return image
    if mode in _CONVERTIBLE_MODES:
        alpha = "A" in image.getbands() or "a" in mode or image.has_transparency_data
        return image.convert("RGBA" if alpha else "RGB")
    if mode == "La":
        return image.convert("LA")
    if mode == "I" or mode.startswith("I;16"):
        wide = image.convert("I") if mode != "I" else image
        low, high = _single_band_extrema(wide)
        if low < 0 or high > 65535:
            raise ImageError(
                f"{what} has 32-bit samples from {low:g} to {high:g}; scale it to 8 or 16 bits first "
                "(for example with numpy), then pass it again."
            )
        if mode.startswith("I;16") or high > 255:
            wide = wide.point(lambda value: value * (255 / 65535))
        return wide.convert("L")
    if mode == "F":
        low, high = _single_band_extrema(image)
        if low >= 0.0 and high <= 1.0:
            return image.point(lambda value: value * 255).convert("L")
        if low >= 0.0 and high <= 255.0:
            return image.convert("L")
        raise ImageError(
            f"{what} is a floating-point image with values from {low:g} to {high:g}; scale it to "
            "0..1 or 0..255 first, then pass it again."
        )
    raise ImageError(
        f"{what} has the Pillow mode {mode!r}, which cannot be converted without changing the "
        f"picture; convert it to RGB or RGBA first (image.convert('RGB')). Modes that work: "
        f"{', '.join((*_WORKING_MODES, *_CONVERTIBLE_MODES, 'La', 'I', 'I;16', 'F'))}."
    )


def _encode(image: Image.Image, mime: str) -> bytes:
    """Encode ``image`` as ``mime``, converting the mode only where the format demands it."""
    if image.mode not in ("RGB", "L", "CMYK", "RGBA", "LA", "P", "1"):
        image = working_mode(image)
    if mime == "image/jpeg" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    elif mime in ("image/png", "image/webp") and image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    options = dict(_SAVE_OPTIONS[mime])
    icc = image.info.get("icc_profile")
    if icc:
        options["icc_profile"] = icc  # keep the colours the user saw
    buffer = io.BytesIO()
    image.save(buffer, format=_PIL_FORMATS[mime], **options)
    return buffer.getvalue()


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_EXIF_ORIENTATION, 1)
    except (OSError, SyntaxError, ValueError, TypeError):
        return 1  # unreadable EXIF: treat as upright rather than refuse a usable picture
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _upright(image: Image.Image) -> tuple[Image.Image, int]:
    orientation = _orientation(image)
    if orientation == 1:
        return image, 1
    rotated = ImageOps.exif_transpose(image)
    if rotated is None:  # pragma: no cover - only with in_place=True
        return image, 1
    if "icc_profile" in image.info:
        rotated.info["icc_profile"] = image.info["icc_profile"]
    return rotated, orientation


# ---------------------------------------------------------------------------------------------
# public API


def load_image(src: ImageSource, *, source: str | None = None) -> ReferenceImage:
    """Read and check a reference image.

    The type is sniffed from the content (JPEG, PNG or WebP), never from the name. The pixel
    count is checked from the header before any pixel is decoded, then the whole image is
    decoded once to prove it is not truncated. An EXIF orientation is applied (the image is
    re-encoded and :attr:`ReferenceImage.notes` says so); otherwise the original bytes are kept.

    Args:
        src: a path (``str`` or :class:`~pathlib.Path`), bytes, a PIL image, a binary file
            object, a ``data:`` URL, or a :class:`ReferenceImage` (returned unchanged).
        source: a label for the image in messages and reprs (default: the file name).

    Returns:
        A :class:`ReferenceImage` with the bytes, MIME type and pixel size.

    Raises:
        ImageError: the input is missing, unreadable, not a JPEG/PNG/WebP, truncated, or a
            decompression bomb. The message says what the input actually is.

    Example:
        >>> from PIL import Image
        >>> load_image(Image.new("RGB", (1280, 720))).size
        '1280x720'
    """
    if isinstance(src, ReferenceImage):
        return (
            src
            if source is None
            else ReferenceImage(
                data=src.data,
                mime=src.mime,
                width=src.width,
                height=src.height,
                source=source,
                notes=src.notes,
            )
        )
    data, pil, label, shown = _raw_input(src)
    if pil is not None:
        return _from_pil(pil, source or label, source or shown)
    assert data is not None
    return _from_bytes(data, source or label, source or shown)


def _from_pil(pil: Image.Image, label: str, shown: str) -> ReferenceImage:
    """A PIL image as a reference image: size checked, turned upright, encoded in its format."""
    notes: list[str] = []
    width, height = pil.size
    if width * height > MAX_IMAGE_PIXELS:
        raise _bomb(shown, (width, height))
    image, orientation = _upright(pil)
    if orientation != 1:
        notes.append(
            f"turned upright using its EXIF orientation {orientation} ({_ORIENTATION_WORDS[orientation]})"
        )
    formats = {"JPEG": "image/jpeg", "WEBP": "image/webp"}
    pil_mime = formats.get(str(pil.format), "image/png")
    notes.append(f"encoded from a PIL image as {pil_mime.split('/')[1].upper()}")
    encoded = _encode(image, pil_mime)
    return ReferenceImage(
        data=encoded,
        mime=pil_mime,
        width=image.width,
        height=image.height,
        source=label,
        notes=tuple(notes),
    )


def _from_bytes(data: bytes, label: str, shown: str) -> ReferenceImage:
    """Image bytes as a reference image: type sniffed, decoded once, the original kept if upright."""
    notes: list[str] = []
    mime = sniff_mime(data)
    if mime is None:
        raise ImageError(
            f"{shown} is not a JPEG, PNG or WebP image: it is {_describe_content(data)}. "
            "The type is read from the content, not the file name."
        )
    image = _open_checked(data, mime, shown)
    try:
        if getattr(image, "is_animated", False):
            image.seek(0)
            notes.append("animated: only the first frame is used")
            return _reencoded(image.copy(), mime, label, notes)
        upright, orientation = _upright(image)
        if orientation == 1:
            return ReferenceImage(data=data, mime=mime, width=image.width, height=image.height, source=label)
        notes.append(
            f"turned upright using its EXIF orientation {orientation} ({_ORIENTATION_WORDS[orientation]}): "
            f"{image.width}x{image.height} stored, {upright.width}x{upright.height} shown; "
            f"re-encoded as {mime.split('/')[1].upper()}"
        )
        return _reencoded(upright, mime, label, notes)
    finally:
        image.close()


def _reencoded(image: Image.Image, mime: str, label: str, notes: list[str]) -> ReferenceImage:
    """A ReferenceImage of ``image`` encoded again as ``mime`` (after a change to its pixels)."""
    return ReferenceImage(
        data=_encode(image, mime),
        mime=mime,
        width=image.width,
        height=image.height,
        source=label,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class FitPlan:
    """How to bring a ``src`` image to a ``dst`` size: scale to ``scaled``, then crop or pad.

    For ``cover``, ``box`` is the crop rectangle (left, top, right, bottom) in the scaled image.
    For ``letterbox``, ``box`` is where the scaled image is pasted on the ``dst`` canvas.
    """

    mode: FitMode
    src: tuple[int, int]
    dst: tuple[int, int]
    scale: float
    scaled: tuple[int, int]
    box: tuple[int, int, int, int]

    @property
    def unchanged(self) -> bool:
        """True when the source already has the target size."""
        return self.src == self.dst

    def describe(self) -> str:
        """One line saying what was done, for :attr:`ReferenceImage.notes`."""
        (sw, sh), (dw, dh) = self.src, self.dst
        if self.unchanged:
            return f"already {dw}x{dh}; nothing to fit"
        left, top, right, bottom = self.box
        if self.mode == "cover":
            # Margins of the scaled image that were cut away.
            margins = (left, top, self.scaled[0] - right, self.scaled[1] - bottom)
            what = "cut"
        else:
            # Margins of the canvas that are bars.
            margins = (left, top, dw - right, dh - bottom)
            what = "bars"
        parts = [
            _pair_words(margins[0], margins[2], "left", "right"),
            _pair_words(margins[1], margins[3], "top", "bottom"),
        ]
        done = " and ".join(p for p in parts if p) or "nothing"
        verb = "cover-cropped" if self.mode == "cover" else "letterboxed"
        return f"{verb} from {sw}x{sh} to {dw}x{dh}: scaled by {self.scale:.3f}, {what}: {done}"


def _pair_words(first: int, second: int, first_name: str, second_name: str) -> str:
    """``"280 px left and right"``, or ``"280 px left, 281 px right"`` when uneven, or ``""``."""
    if not first and not second:
        return ""
    if first == second:
        return f"{first} px {first_name} and {second_name}"
    return f"{first} px {first_name}, {second} px {second_name}"


def plan_fit(src: tuple[int, int], dst: tuple[int, int], mode: FitMode = "cover") -> FitPlan:
    """The pure geometry of fitting ``src`` (w, h) into exactly ``dst`` (w, h).

    ``cover`` scales until the image covers the target and crops the overflow evenly (no bars,
    some edge lost); ``letterbox`` scales until the whole image fits and pads the rest (nothing
    lost, bars added).

    Example:
        >>> plan_fit((1024, 1024), (1280, 720)).box
        (0, 280, 1280, 1000)
    """
    sw, sh = src
    dw, dh = dst
    if min(sw, sh, dw, dh) <= 0:
        raise InvalidRequestError(f"cannot fit {sw}x{sh} into {dw}x{dh}: sizes must be positive.")
    if mode == "cover":
        scale = max(dw / sw, dh / sh)
        scaled = (max(dw, round(sw * scale)), max(dh, round(sh * scale)))
        left, top = (scaled[0] - dw) // 2, (scaled[1] - dh) // 2
        return FitPlan(mode, src, dst, scale, scaled, (left, top, left + dw, top + dh))
    if mode == "letterbox":
        scale = min(dw / sw, dh / sh)
        scaled = (min(dw, max(1, round(sw * scale))), min(dh, max(1, round(sh * scale))))
        left, top = (dw - scaled[0]) // 2, (dh - scaled[1]) // 2
        return FitPlan(mode, src, dst, scale, scaled, (left, top, left + scaled[0], top + scaled[1]))
    raise InvalidRequestError(f"fit mode {mode!r} is not known; use 'cover' (crop) or 'letterbox' (pad).")


Color: TypeAlias = "str | int | tuple[int, ...]"


def _fit_target(size: str | tuple[int, int]) -> tuple[int, int]:
    """The (w, h) to fit to: Sora's sizes and names, else any explicit size a catalog model's
    aspect ratio gives (``"720x720"`` for 1:1), within 16-4096 pixels a side."""
    try:
        return parse_size(normalize_size(size, I2V))
    except InvalidRequestError:
        pair = size if isinstance(size, (tuple, list)) else None
        text = f"{pair[0]}x{pair[1]}" if pair is not None and len(pair) == 2 else str(size)
        found = re.fullmatch(r"\s*(\d{1,5})\s*[xX×*]\s*(\d{1,5})\s*", text)
        typed = pair is None or all(isinstance(n, int) and not isinstance(n, bool) for n in pair)
        if found is None or not typed:
            raise
        width, height = int(found.group(1)), int(found.group(2))
        if not (16 <= width <= 4096 and 16 <= height <= 4096):
            raise InvalidRequestError(
                f"size {size!r} cannot be fitted to: each side must be 16-4096 pixels "
                "(for Sora: 1280x720, 720x1280, 'landscape' or 'portrait')."
            ) from None
        return width, height


def fit_image(
    src: ImageSource,
    size: str | tuple[int, int],
    mode: FitMode = "cover",
    *,
    background: Color = (0, 0, 0),
    source: str | None = None,
) -> ReferenceImage:
    """Load an image and bring it to exactly ``size``, saying what was done.

    Args:
        src: anything :func:`load_image` takes.
        size: ``"1280x720"``, ``"720x1280"``, ``"landscape"``, ``"portrait"``, or any other
            ``"WxH"`` / (w, h) of 16-4096 pixels a side (a catalog model's aspect ratio, such as
            ``"720x720"`` for 1:1).
        mode: ``"cover"`` (scale and crop the overflow, centred) or ``"letterbox"`` (scale to
            fit and pad with ``background``).
        background: the bar colour for ``letterbox`` (a Pillow colour: name, ``"#rrggbb"`` or tuple).
        source: a label for messages (default: the file name).

    Returns:
        A :class:`ReferenceImage` of exactly ``size`` in the source's format, whose ``notes``
        end with a line such as ``"cover-cropped from 1024x1024 to 1280x720: ..."``. An image
        already of that size comes back unchanged.

    Raises:
        ImageError: as :func:`load_image`.
        InvalidRequestError: an unknown size or mode.

    Example:
        >>> from PIL import Image
        >>> ref = fit_image(Image.new("RGB", (1024, 1024)), "landscape")
        >>> ref.size
        '1280x720'
    """
    if mode not in ("cover", "letterbox"):
        raise InvalidRequestError(f"fit mode {mode!r} is not known; use 'cover' (crop) or 'letterbox' (pad).")
    target = _fit_target(size)
    ref = load_image(src, source=source)
    plan = plan_fit((ref.width, ref.height), target, mode)
    if plan.unchanged:
        return ref
    with Image.open(io.BytesIO(ref.data), formats=[_PIL_FORMATS[ref.mime]]) as opened:
        image = opened.copy()
    icc = image.info.get("icc_profile")
    image = working_mode(image, ref.source)
    resized = image.resize(plan.scaled, Image.Resampling.LANCZOS)
    if mode == "cover":
        out = resized.crop(plan.box)
    else:
        try:
            out = Image.new(resized.mode, target, background)
        except (ValueError, TypeError):
            raise InvalidRequestError(
                f"background={background!r} is not a colour; use a name ('black'), '#rrggbb' or an RGB tuple."
            ) from None
        out.paste(resized, plan.box[:2])
    if icc:
        out.info["icc_profile"] = icc
    notes = (*ref.notes, plan.describe())
    return ReferenceImage(
        data=_encode(out, ref.mime),
        mime=ref.mime,
        width=out.width,
        height=out.height,
        source=ref.source,
        notes=notes,
    )


def preview_png(src: ImageSource, max_side: int = 256) -> bytes:
    """A small PNG of an image (longest side at most ``max_side``), for thumbnails in widgets.

    Example:
        >>> from PIL import Image
        >>> preview_png(Image.new("RGB", (1280, 720)), 128)[:4]
        b'\\x89PNG'
    """
    if max_side < 1:
        raise InvalidRequestError(f"max_side must be at least 1, not {max_side}.")
    ref = load_image(src)
    with Image.open(io.BytesIO(ref.data), formats=[_PIL_FORMATS[ref.mime]]) as opened:
        image = opened.copy()
    image = working_mode(image, ref.source)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


#: The name the contract uses for :func:`preview_png`.
thumbnail_png = preview_png
