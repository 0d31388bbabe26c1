"""The models behind the gateway, described as data.

Another model that speaks the same gateway contract is a new :class:`ModelSpec` entry in
:data:`MODELS`, not new code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

__all__ = [
    "I2V",
    "MODELS",
    "ORIENTATIONS",
    "ORIENTATION_ALIASES",
    "SIZES",
    "T2V",
    "ModelSpec",
    "front_catalog",
    "get_model",
    "orientation_of",
]

# Size strings are width x height, exactly as the wire takes them; each has one orientation name.
ORIENTATIONS: Mapping[str, str] = MappingProxyType({"portrait": "720x1280", "landscape": "1280x720"})
SIZES: tuple[str, ...] = tuple(ORIENTATIONS.values())
ORIENTATION_ALIASES: Mapping[str, str] = MappingProxyType(
    {**ORIENTATIONS, "vertical": ORIENTATIONS["portrait"], "horizontal": ORIENTATIONS["landscape"]}
)

_COMMON_MEANINGS = (
    "internal generation error",
    "result parsing error",
    "HTTP error response",
    "status check error",
    "task creation error",
)
_ADVICE = (
    "The service failed while rendering; try again, and if it repeats, simplify the prompt.",
    "The service could not read its own result; try again.",
    "The upstream model answered with an HTTP error; check the prompt and image, then try again.",
    "The service lost track of the task; try again.",
    "The task could not be created; check the prompt and image (size, type, no human faces).",
)


def _codes(prefix: str) -> Mapping[str, str]:
    return MappingProxyType({f"{prefix}{95 + i:03d}": m for i, m in enumerate(_COMMON_MEANINGS)})


@dataclass(frozen=True)
class ModelSpec:
    """One generation model and what it accepts.

    Example:
        >>> from sora_widgets.models.catalog import T2V
        >>> T2V.estimate_cost(8)
        Decimal('2.40')
    """

    id: str
    title: str
    sizes: tuple[str, ...]
    default_size: str
    seconds: tuple[int, ...]
    default_seconds: int
    price_per_second: Decimal
    error_codes: Mapping[str, str]
    accepts_image: bool = False
    requires_image: bool = False
    image_mime_types: tuple[str, ...] = ()
    accepts_remix: bool = True
    advice: Mapping[str, str] = field(default_factory=dict)

    def estimate_cost(self, seconds: int | str) -> Decimal:
        """Upstream price for a video of this length, in USD (the gateway reports what it billed)."""
        return (self.price_per_second * int(seconds)).quantize(Decimal("0.01"))

    def meaning(self, code: str | int | None) -> str | None:
        """What an error code means for this model, or None when the table does not list it."""
        if code is None:
            return None
        text = str(code).strip()
        return self.error_codes.get(text) or self.error_codes.get(text.zfill(9))

    def advice_for(self, code: str | int | None) -> str | None:
        """What to do about an error code, or None."""
        if code is None:
            return None
        text = str(code).strip().zfill(9)
        return self.advice.get(text)


def _spec(model_id: str, title: str, prefix: str, *, image: bool) -> ModelSpec:
    codes = _codes(prefix)
    return ModelSpec(
        id=model_id,
        title=title,
        sizes=SIZES,
        default_size=ORIENTATIONS["portrait"],
        seconds=(4, 8, 12),
        default_seconds=4,
        # Upstream charges $0.30 per second of 720p Sora 2 Pro video.
        price_per_second=Decimal("0.30"),
        error_codes=codes,
        accepts_image=image,
        requires_image=image,
        image_mime_types=("image/jpeg", "image/png", "image/webp") if image else (),
        advice=MappingProxyType(dict(zip(codes, _ADVICE, strict=False))),
    )


# Codes from the seeds' tables: t2v 002999095..099, i2v 003000095..099.
T2V = _spec("sora_2_pro_t2v", "Sora 2 Pro - Text to Video", "002999", image=False)
I2V = _spec("sora_2_pro_i2v", "Sora 2 Pro - Image to Video", "003000", image=True)

MODELS: Mapping[str, ModelSpec] = MappingProxyType({T2V.id: T2V, I2V.id: I2V})


def get_model(model_id: str) -> ModelSpec:
    """Return the spec of a known model; raise KeyError naming the known ones otherwise."""
    try:
        return MODELS[model_id]
    except KeyError:
        raise KeyError(f"unknown model {model_id!r}; known models: {', '.join(MODELS)}") from None


def orientation_of(size: str) -> str:
    """``"720x1280"`` -> ``"portrait"``; a size the catalog does not list -> ``""``."""
    return next((name for name, known in ORIENTATIONS.items() if known == size), "")


def front_catalog() -> dict[str, Any]:
    """Sizes, orientations and lengths as data for the front ends (a synced ``_catalog`` trait),
    so no JavaScript file lists them.

    ``sizes``: ``[{"size", "orientation", "label"}]`` in catalog order; ``seconds``: every length
    a model takes; ``models``: each model's own sizes and lengths.

    Example:
        >>> front_catalog()["sizes"][0], front_catalog()["seconds"]
        ({'size': '720x1280', 'orientation': 'portrait', 'label': 'Portrait 720×1280'}, [4, 8, 12])
    """
    sizes = list(dict.fromkeys(size for spec in MODELS.values() for size in spec.sizes))
    return {
        "sizes": [
            {
                "size": size,
                "orientation": orientation_of(size),
                "label": f"{orientation_of(size).capitalize()} {size.replace('x', '×')}".strip(),
            }
            for size in sizes
        ],
        "seconds": sorted({s for spec in MODELS.values() for s in spec.seconds}),
        "models": {
            spec.id: {"sizes": list(spec.sizes), "seconds": list(spec.seconds)} for spec in MODELS.values()
        },
    }
