"""The bundled models as the rest of the package uses them: :class:`ModelProfile`.

Sizes, lengths, defaults and whether a model takes an image come from the bundled specs
(:func:`~sora_widgets.models.specs.bundled_specs`, the seeds written once as data); prices from
:mod:`~sora_widgets.models.prices`. What is kept here is what the specs do not say: each model's
error codes and the advice for them. A model the catalog describes needs no entry here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from .._failure_codes import CODE_PREFIXES, advice_table, meaning_table
from .prices import BUNDLED_PRICES
from .specs import ModelSpec, bundled_spec

__all__ = [
    "I2V",
    "MODELS",
    "ORIENTATIONS",
    "ORIENTATION_ALIASES",
    "SIZES",
    "T2V",
    "ModelProfile",
    "SoraModel",
    "SoraSeconds",
    "SoraSize",
    "front_catalog",
    "get_model",
    "orientation_of",
]

#: The Sora models, sizes and lengths (checked against the bundled specs by the tests).
SoraModel = Literal["sora_2_pro_t2v", "sora_2_pro_i2v"]
SoraSize = Literal["720x1280", "1280x720", "portrait", "landscape", "vertical", "horizontal"]
SoraSeconds = Literal[4, 8, 12, "4", "8", "12"]


def _orientation(size: str) -> str:
    width, height = (int(n) for n in size.split("x"))
    return "portrait" if height > width else "landscape" if width > height else "square"


_T2V_SPEC = bundled_spec("sora_2_pro_t2v")
# Size strings are width x height, exactly as the wire takes them; each has one orientation name.
ORIENTATIONS: Mapping[str, str] = MappingProxyType({_orientation(size): size for size in _T2V_SPEC.sizes})
SIZES: tuple[str, ...] = tuple(ORIENTATIONS.values())
ORIENTATION_ALIASES: Mapping[str, str] = MappingProxyType(
    {**ORIENTATIONS, "vertical": ORIENTATIONS["portrait"], "horizontal": ORIENTATIONS["landscape"]}
)


@dataclass(frozen=True)
class ModelProfile:
    """A bundled model as the package uses it: its spec's sizes and lengths, its price, its error
    codes and their advice.

    Example:
        >>> from sora_widgets.models.catalog import T2V
        >>> T2V.estimate_cost(8), T2V.sizes, T2V.seconds
        (Decimal('2.40'), ('720x1280', '1280x720'), (4, 8, 12))
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
    spec: ModelSpec | None = field(default=None, repr=False, compare=False)

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


def _profile(model_id: str, prefix: str) -> ModelProfile:
    spec = bundled_spec(model_id)
    codes = meaning_table(prefix)
    image = spec.param(spec.first_frame_param or "")
    return ModelProfile(
        id=spec.model_id,
        title=spec.name,
        sizes=spec.sizes,
        default_size=str(spec.default_of("size")),
        seconds=spec.lengths,
        default_seconds=int(spec.default_of("seconds")),
        price_per_second=BUNDLED_PRICES[model_id].per_second,
        error_codes=codes,
        accepts_image=image is not None,
        requires_image=spec.requires_image,
        # The spec says which image types it accepts in the parameter's description.
        image_mime_types=tuple(re.findall(r"image/[a-z]+", image.description)) if image else (),
        accepts_remix=spec.can_remix,
        advice=advice_table(prefix),
        spec=spec,
    )


# Codes from the seeds' tables: t2v 002999095..099, i2v 003000095..099.
T2V = _profile("sora_2_pro_t2v", CODE_PREFIXES["sora_2_pro_t2v"])
I2V = _profile("sora_2_pro_i2v", CODE_PREFIXES["sora_2_pro_i2v"])

MODELS: Mapping[str, ModelProfile] = MappingProxyType({T2V.id: T2V, I2V.id: I2V})


def get_model(model_id: str) -> ModelProfile:
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
