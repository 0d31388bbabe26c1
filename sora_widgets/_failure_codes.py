"""The failure codes a failed task carries, what each means and what to do: pure data.

From the seeds' tables: Sora 2 Pro t2v codes are 002999095..099, i2v 003000095..099, and the five
codes of each range mean the same thing. Kept below both :mod:`sora_widgets.errors` (which words
a failure's advice) and :mod:`sora_widgets.models.catalog` (which gives each model its table), so
neither has to import the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["CODE_PREFIXES", "advice_for_code", "advice_table", "meaning_table"]

_MEANINGS = (
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

# Each model's code range (the codes of different models do not overlap).
CODE_PREFIXES: Mapping[str, str] = MappingProxyType({"sora_2_pro_t2v": "002999", "sora_2_pro_i2v": "003000"})


def meaning_table(prefix: str) -> Mapping[str, str]:
    """Code -> what it means, for one model's range."""
    return MappingProxyType({f"{prefix}{95 + i:03d}": m for i, m in enumerate(_MEANINGS)})


def advice_table(prefix: str) -> Mapping[str, str]:
    """Code -> what to do, for one model's range."""
    return MappingProxyType({f"{prefix}{95 + i:03d}": a for i, a in enumerate(_ADVICE)})


def advice_for_code(model: str | None, code: str | int | None) -> str | None:
    """What to do about ``code``: looked up in ``model``'s range first, then in every range."""
    if code is None or not str(code).strip():
        return None
    text = str(code).strip().zfill(9)
    prefixes = [CODE_PREFIXES[model]] if model is not None and model in CODE_PREFIXES else []
    for prefix in [*prefixes, *CODE_PREFIXES.values()]:
        advice = advice_table(prefix).get(text)
        if advice:
            return advice
    return None
