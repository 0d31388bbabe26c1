"""JSON from files people write or share (board files, the cache policy): strict and refused
clearly. Python's json reads ``NaN``, ``Infinity`` and ``1e999`` as floats no amount can be,
and raises bare ``ValueError``/``RecursionError`` on text that is not JSON."""

from __future__ import annotations

import json
from typing import Any

from .errors import InvalidRequestError

__all__ = ["loads_strict"]


def _refuse_constant(name: str) -> Any:
    raise InvalidRequestError(f"{name} is not a number JSON allows")


def loads_strict(text: str | bytes) -> Any:
    """``json.loads`` without ``NaN``/``Infinity``; anything unreadable an InvalidRequestError.

    (``1e999`` still reads as an infinite float: the checks of each value refuse it by name.)
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except InvalidRequestError:
        raise
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        raise InvalidRequestError(f"not JSON ({reason})") from None
