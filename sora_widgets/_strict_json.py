"""JSON from files people write or share (board files, the cache policy): strict and refused
clearly. Python's json reads ``NaN``, ``Infinity`` and ``1e999`` as floats no amount can be,
and raises bare ``ValueError``/``RecursionError`` on text that is not JSON.

The parsing itself is :func:`sora_widgets.models.wire.decode_json` (the one bounded, strict JSON
reader, also used for answers and the gateway's request bodies); this only says it in the words
of a file a person hands over.
"""

from __future__ import annotations

from typing import Any

from .errors import InvalidRequestError
from .models.wire import WireFormatError, decode_json

__all__ = ["MAX_FILE_BYTES", "loads_strict"]

# A board of the most shots, each with the longest prompt, is a few MB; a shared file past this is
# not one the project wrote.
MAX_FILE_BYTES = 16 * 1024 * 1024


def loads_strict(text: str | bytes) -> Any:
    """``json.loads`` without ``NaN``/``Infinity``/``1e999``, bounded in size and depth;
    anything unreadable an :class:`~sora_widgets.InvalidRequestError`."""
    try:
        return decode_json(text, max_bytes=MAX_FILE_BYTES, strict=True, what="the file")
    except WireFormatError as exc:
        raise InvalidRequestError(str(exc)) from None
