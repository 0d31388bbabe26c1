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

__all__ = ["StoppedWaiting", "blocking", "in_running_loop", "run_sync"]

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

    Interrupted (Ctrl+C, a notebook's stop button), the coroutine is cancelled rather than left
    pending: a notebook's loop would otherwise go on running it unseen after the cell ended.

    Example:
        >>> async def answer() -> int:
        ...     return 42
        >>> run_sync(answer())
        42
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = _private_loop()
    else:
        import nest_asyncio2  # applied only when a running loop needs re-entry

        nest_asyncio2.apply(loop)
    task = asyncio.ensure_future(coro, loop=loop)
    try:
        return loop.run_until_complete(task)
    except KeyboardInterrupt:
        task.cancel()
        raise


class StoppedWaiting(KeyboardInterrupt):
    """A blocking wait (``generate_sync``, ``wait_sync``) interrupted: the task goes on at the
    service. Says so in two lines, with the task id and how to pick it up, instead of a
    traceback through the event loop (IPython shows ``_render_traceback_``'s lines)."""

    def __init__(self, task_id: str | None) -> None:
        self.task_id = task_id
        if task_id:
            self.lines = [
                f"Stopped waiting. Task {task_id} goes on at the service (it is not cancelled).",
                f"Pick it up with client.wait_sync({task_id!r}), client.resume_sync(), or client.history.",
            ]
        else:
            self.lines = [
                "Stopped while the request was being sent: it may have been created (and billed).",
                "Look in client.history; client.resume_sync() finishes what was created.",
            ]
        super().__init__("\n".join(self.lines))

    def _render_traceback_(self) -> list[str]:
        return self.lines


class _Watch:
    """An ``on_update`` that remembers the last task seen (for :class:`StoppedWaiting`), then
    calls the caller's own callback."""

    def __init__(self, user: Callable[[Any], Any] | None, task: Any) -> None:
        self.user = user
        self.task_id: str | None = task if isinstance(task, str) else getattr(task, "id", None)

    def __call__(self, task: Any) -> Any:
        self.task_id = getattr(task, "id", None) or self.task_id
        return self.user(task) if self.user is not None else None


def blocking(
    method: Callable[Concatenate[S, P], Coroutine[Any, Any, T]], *, name: str | None = None
) -> Callable[Concatenate[S, P], T]:
    """The blocking twin of an async method: ``generate_sync = blocking(generate)``.

    The twin has exactly the method's signature (``inspect.signature`` and type checkers see the
    same parameters, through ``ParamSpec``) and its docstring under one line saying it blocks; it
    runs the coroutine to the end with :func:`run_sync`, so it works in a script and in a notebook
    cell alike (``name`` names the twin when it is not the method's name + ``_sync``, as in
    ``close = blocking(aclose, name="close")``). A method with a ``progress`` parameter gets,
    when the caller leaves it ``None``, a progress bar (text in a terminal, a bar in the
    notebook cell); awaited, ``None`` means no bar. Interrupted, such a method (it waits for a
    task) raises :class:`StoppedWaiting`, which names the task that is still running.

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
    parameters = inspect.signature(method).parameters
    has_progress = "progress" in parameters
    takes_task = list(parameters)[1:2] == ["task"]  # wait(task, ...): the id is known at once
    watches = "on_update" in parameters  # it waits for a task: an interrupt names the task

    @functools.wraps(method)
    def twin(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        __tracebackhide__ = True  # IPython: the interrupt's message, not this frame
        if has_progress and kwargs.get("progress") is None:
            from ._progress import bar_wanted

            kwargs["progress"] = bar_wanted()
        if not (has_progress and watches):
            return run_sync(method(self, *args, **kwargs))
        given = (args[0] if args else kwargs.get("task")) if takes_task else None
        user: Any = kwargs.get("on_update")
        watch = _Watch(user, given)
        kwargs["on_update"] = watch
        try:
            return run_sync(method(self, *args, **kwargs))
        except KeyboardInterrupt:
            raise StoppedWaiting(watch.task_id) from None

    twin.__name__ = name or f"{method.__name__}_sync"
    twin.__qualname__ = f"{method.__qualname__.rpartition('.')[0]}.{twin.__name__}".lstrip(".")
    twin.__doc__ = f"Blocking :meth:`{method.__name__}` (the same arguments; runs it to the end).\n\n" + (
        inspect.cleandoc(method.__doc__ or "")
    )
    return twin
