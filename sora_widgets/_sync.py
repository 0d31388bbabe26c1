"""The blocking facade: run a coroutine to completion from plain code or a notebook cell.

- In a plain script (no running event loop) coroutines run on one private loop per thread,
  kept open between calls so HTTP connections can be reused.
- Inside a running loop (a Jupyter cell) the loop is made re-entrant with ``nest_asyncio2``
  at that moment, and only then: importing sora_widgets never patches asyncio.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["in_running_loop", "run_sync"]

T = TypeVar("T")

_local = threading.local()


def in_running_loop() -> bool:
    """True when called from code that runs inside an event loop (a notebook cell, a coroutine)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _private_loop() -> asyncio.AbstractEventLoop:
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        _local.loop = loop
    return loop


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion and return its result, wherever we are called from.

    Example:
        >>> async def answer() -> int:
        ...     return 42
        >>> run_sync(answer())
        42
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return _private_loop().run_until_complete(coro)
    import nest_asyncio2  # applied only when a running loop needs re-entry

    nest_asyncio2.apply(loop)
    return loop.run_until_complete(coro)
