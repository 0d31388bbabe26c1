"""What video a create asks for, whatever its model calls the fields: size, length, words, first frame.

Models name the same facts differently: the length is ``seconds`` (Sora, a string),
``duration`` (Kling, Vidu, Seedance) or ``frames`` (Seedance, at 24 fps); the frame is
``size`` (``"1280x720"``), or a shape (``aspect_ratio``, ``ratio``) with a height
(``resolution``, ``"720p"``). Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "DEFAULT_RATIO",
    "DEFAULT_SECONDS",
    "MAX_RENDER_SECONDS",
    "MAX_RENDER_SHORT_SIDE",
    "first_frame",
    "render_geometry",
    "words_of",
]

DEFAULT_SECONDS = 5  # what a model with no length field and no default makes
MAX_RENDER_SECONDS = 60  # bound on one simulated video, whatever the parameters say
#: Simulated videos are drawn at most 720 pixels on their short side (1080p takes too long to
#: draw on a test machine); the shape always follows the parameters.
MAX_RENDER_SHORT_SIDE = 720
DEFAULT_RATIO = (16, 9)
SEEDANCE_FPS = 24  # ``frames`` counts frames at this rate
_SIZE = re.compile(r"^\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*$")
_RATIO = re.compile(r"^\s*(\d{1,3})\s*:\s*(\d{1,3})\s*$")
_RESOLUTION = re.compile(r"^\s*(\d{3,4})\s*p\s*$", re.IGNORECASE)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().rstrip("sS"))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _seconds(values: Mapping[str, Any]) -> int:
    frames = _number(values.get("frames"))
    if frames is not None and frames > 0:
        seconds = frames / SEEDANCE_FPS
    else:
        seconds = next(
            (n for n in (_number(values.get(k)) for k in ("seconds", "duration")) if n is not None),
            float(DEFAULT_SECONDS),
        )
    return max(1, min(MAX_RENDER_SECONDS, round(seconds)))


def _even(value: float) -> int:
    return max(16, round(value / 2.0) * 2)


def _frame(values: Mapping[str, Any]) -> tuple[int, int]:
    size = _SIZE.match(str(values.get("size", "")))
    if size is not None:
        width, height = int(size.group(1)), int(size.group(2))
        shape, short = (width, height), min(width, height)
    else:
        ratio = _RATIO.match(str(values.get("aspect_ratio", values.get("ratio", ""))))
        shape = (int(ratio.group(1)), int(ratio.group(2))) if ratio else DEFAULT_RATIO
        if 0 in shape or max(shape) > 8 * min(shape):
            shape = DEFAULT_RATIO
        res = _RESOLUTION.match(str(values.get("resolution", "")))
        short = int(res.group(1)) if res else MAX_RENDER_SHORT_SIDE
    short = min(short, MAX_RENDER_SHORT_SIDE)
    wide, tall = shape
    if wide >= tall:
        return _even(short * wide / tall), _even(short)
    return _even(short), _even(short * tall / wide)


def render_geometry(params: Mapping[str, Any], defaults: Mapping[str, Any]) -> tuple[str, int]:
    """The size (``"WxH"``) and whole seconds of the video a create asks for.

    Args:
        params: the create's parameters (already checked against the model's spec).
        defaults: the spec's declared defaults, used where a parameter is absent.

    Example:
        >>> render_geometry({"aspect_ratio": "9:16", "duration": 10}, {"resolution": "720p"})
        ('720x1280', 10)
        >>> render_geometry({"ratio": "21:9", "frames": 121}, {"duration": 5})
        ('1680x720', 5)
    """
    values = {**defaults, **params}
    width, height = _frame(values)
    return f"{width}x{height}", _seconds(values)


def words_of(params: Mapping[str, Any]) -> str:
    """The words a create's video is about: ``prompt``, or the text items of a ``content`` array."""
    prompt = params.get("prompt")
    if isinstance(prompt, str) and prompt.strip():
        return prompt.strip()
    content = params.get("content")
    if isinstance(content, list):
        texts = [item.get("text") for item in content if isinstance(item, Mapping)]
        return " ".join(t.strip() for t in texts if isinstance(t, str) and t.strip())
    return ""


def first_frame(params: Mapping[str, Any], name: str | None) -> str | None:
    """The image a create asks the video to start from.

    Args:
        params: the create's parameters.
        name: the spec's first-frame parameter
            (:attr:`~sora_widgets.models.specs.ModelSpec.first_frame_param`: ``input_reference``,
            ``image``, ``images``, whose first item is the first frame), or None; a ``content``
            item of type ``image_url`` with role ``first_frame`` (or none) counts too (Seedance).
    """
    value = params.get(name) if name else None
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str) and value:
        return value
    content = params.get("content")
    for item in content if isinstance(content, list) else ():
        if not isinstance(item, Mapping) or item.get("type") != "image_url":
            continue
        if item.get("role", "first_frame") != "first_frame":
            continue
        url = item.get("image_url")
        if isinstance(url, Mapping) and isinstance(url.get("url"), str) and url["url"]:
            return str(url["url"])
    return None
