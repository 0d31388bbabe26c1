"""Job: a piece of work running in the background of the kernel (a generation, a watch, a sweep).

``Studio.generate``, ``StatusBar.watch`` and ``PromptLab.start`` return a :class:`Job` rather
than an ``asyncio.Task`` (whose name collides with :class:`sora_widgets.Task`, the remote task):

    >>> job = studio.generate(prompt="A red kite at dusk")   # doctest: +SKIP
    >>> job.done(), job.label                                # doctest: +SKIP
    (False, 'A red kite at dusk')
    >>> video = await job                                    # doctest: +SKIP
    >>> job.cancel()        # stop waiting (a task already sent keeps running remotely)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from typing import Any, Generic, TypeVar

__all__ = ["Job"]

T = TypeVar("T")


class Job(Generic[T]):
    """A handle on background work: await it for its result, ask whether it is done, cancel it.

    Args:
        task: the asyncio task doing the work (kept private: the handle is the public face).
        label: what the job is, for people (a prompt's start, "sweep of 6").
    """

    __slots__ = ("__weakref__", "_task", "label")

    def __init__(self, task: asyncio.Task[T], label: str = "") -> None:
        self._task = task
        self.label = label

    def __await__(self) -> Generator[Any, None, T]:
        return self._task.__await__()

    def done(self) -> bool:
        """True once the job has finished, failed or been cancelled."""
        return self._task.done()

    def cancelled(self) -> bool:
        """True when the job was cancelled."""
        return self._task.cancelled()

    def cancel(self) -> bool:
        """Stop the job (stop waiting: a remote task already created keeps running and can be
        resumed from the journal). Returns False when it had already finished."""
        return self._task.cancel()

    def result(self) -> T:
        """The job's result.

        Raises:
            asyncio.InvalidStateError: while it is still running (``await job`` instead).
            asyncio.CancelledError: when it was cancelled; or the error it failed with.
        """
        return self._task.result()

    def exception(self) -> BaseException | None:
        """The error the job failed with, or None (raises like :meth:`result` while running)."""
        return self._task.exception()

    def add_done_callback(self, fn: Callable[[Job[T]], object]) -> None:
        """Call ``fn(job)`` when the job ends (at once, on the loop, if it already has)."""
        self._task.add_done_callback(lambda _task: fn(self))

    @property
    def status(self) -> str:
        """``"running"``, ``"completed"``, ``"failed"`` or ``"cancelled"``."""
        if not self._task.done():
            return "running"
        if self._task.cancelled():
            return "cancelled"
        return "failed" if self._task.exception() is not None else "completed"

    def __repr__(self) -> str:
        label = f" {self.label!r}" if self.label else ""
        return f"<Job{label} {self.status}>"
