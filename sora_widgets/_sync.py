"""The blocking facade: run a coroutine to completion from plain code or a notebook cell.

- In a plain script (no running event loop) coroutines run on one private loop per thread,
  kept open between calls so HTTP connections can be reused.
- Inside a running loop (a Jupyter cell) the loop is made re-entrant with ``nest_asyncio2``
  at that moment, and only then: importing sora_widgets never patches asyncio.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

__all__ = ["blocking", "in_running_loop", "run_sync"]

T = TypeVar("T")
S = TypeVar("S")
P = ParamSpec("P")

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


def blocking(
    method: Callable[Concatenate[S, P], Coroutine[Any, Any, T]], *, name: str | None = None
) -> Callable[Concatenate[S, P], T]:
    """The blocking twin of an async method: ``generate_sync = blocking(generate)``.

    The twin has exactly the method's signature (``inspect.signature`` and type checkers see the
    same parameters, through ``ParamSpec``) and its docstring under one line saying it blocks; it
    runs the coroutine to the end with :func:`run_sync`, so it works in a script and in a notebook
    cell alike (``name`` names the twin when it is not the method's name + ``_sync``, as in
    ``close = blocking(aclose, name="close")``). A method with a ``progress`` parameter gets,
    when the caller leaves it ``None``, a text progress bar in a terminal (never in a
    notebook); awaited, ``None`` means no bar.

    Example:
        >>> class Counter:
        ...     async def add(self, n: int, /, *, step: int = 1) -> int:
        ...         \"\"\"Add ``step`` to ``n``.\"\"\"
        ...         return n + step
        ...     add_sync = blocking(add)
        >>> Counter().add_sync(41)
        42
        >>> inspect.signature(Counter().add_sync) == inspect.signature(Counter().add)
        True
    """
    has_progress = "progress" in inspect.signature(method).parameters

    @functools.wraps(method)
    def twin(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        if has_progress and kwargs.get("progress") is None:
            from ._progress import bar_wanted

            kwargs["progress"] = bar_wanted()
        return run_sync(method(self, *args, **kwargs))

    twin.__name__ = name or f"{method.__name__}_sync"
    twin.__qualname__ = f"{method.__qualname__.rpartition('.')[0]}.{twin.__name__}".lstrip(".")
    twin.__doc__ = f"Blocking :meth:`{method.__name__}` (the same arguments; runs it to the end).\n\n" + (
        inspect.cleandoc(method.__doc__ or "")
    )
    return twin
