"""Small pieces the widgets share: background tasks, error lines, money, thumbnails.

A widget's front end (its ESM and CSS from ``static/``) is assembled by :mod:`._front`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from ..errors import SoraError, redact
from ..models.money import format_money

__all__ = [
    "BackgroundTasks",
    "describe_error",
    "format_cost",
    "running_loop",
    "video_thumbnail",
]

_log = logging.getLogger("sora_widgets.widgets")
T = TypeVar("T")


def running_loop() -> asyncio.AbstractEventLoop:
    """The kernel's running event loop.

    Widget callbacks and cell code both run on it in ipykernel, so a task created there keeps
    running after the cell returns while other cells execute.

    Raises:
        RuntimeError: outside a running loop (a plain script), saying what to use instead.
    """
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(
            "no running event loop: widgets generate in the background of a Jupyter kernel. "
            "In a plain script use client.generate_sync(...) or asyncio.run(client.generate(...))."
        ) from None


def describe_error(exc: BaseException) -> str:
    """One line for the user: the redacted message, prefixed by the kind unless it is ours."""
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, SoraError):
        return redact(text)
    return redact(f"{exc.__class__.__name__}: {text}")


class BackgroundTasks:
    """Asyncio tasks started by a widget, kept alive and reported when they fail.

    asyncio keeps only weak references to tasks, so a task nobody holds can vanish mid-run;
    this set holds them until they finish. A failure goes to ``on_error`` so the widget can
    show it instead of losing it in a log.
    """

    def __init__(self, on_error: Callable[[BaseException], None]) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._on_error = on_error

    def start(self, coro: Coroutine[Any, Any, T], *, name: str | None = None) -> asyncio.Task[T]:
        """Schedule ``coro`` on the running loop and return its task."""
        try:
            loop = running_loop()
        except RuntimeError:
            coro.close()  # never awaited: close it so Python does not warn
            raise
        task = loop.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            try:
                self._on_error(exc)
            except Exception:  # noqa: BLE001 - last resort: never lose the original error
                _log.exception("could not show a background error in the widget")

    @property
    def running(self) -> list[asyncio.Task[Any]]:
        """Tasks not finished yet."""
        return [t for t in self._tasks if not t.done()]

    def cancel_all(self) -> None:
        """Cancel every task still running."""
        for task in list(self._tasks):
            task.cancel()


# The one money formatter under the name the widgets have imported it by (not a second one).
format_cost = format_money


def video_thumbnail(path: str | Path, *, max_side: int = 192) -> bytes:
    """A small JPEG of the middle frame of a video file (PyAV decode, Pillow encode).

    The middle, not the first: a shot that continues from the one before (a storyboard's
    last-frame continuity, image to video) starts on that shot's last frame, so its first frame
    shows the previous shot; a fade-in starts black.

    Raises:
        OSError: when the file cannot be opened or has no decodable frame (a MediaError).
    """
    import io

    from ..av.frames import frames_at, video_duration

    image = frames_at(path, [video_duration(path) / 2])[0].image.copy()
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=80)
    return out.getvalue()
