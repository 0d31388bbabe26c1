"""Rendering in the background: one render per distinct video, on a small thread pool."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ._store import SimTask, TaskStore
from .render import render_video

__all__ = ["RenderCancelled", "RenderQueue"]


class RenderCancelled(Exception):
    """The simulator closed while this video was being rendered: nobody can fetch it any more."""


class RenderQueue:
    """Starts each result file's render once and reports how far it got.

    Args:
        store: where inputs are read and files written.
        workers: threads rendering videos.
    """

    def __init__(self, store: TaskStore, workers: int) -> None:
        self._store = store
        self._lock: threading.RLock = store.lock
        self._renders: dict[str, Future[int]] = {}
        self._progress: dict[str, float] = {}  # spec key -> fraction of frames encoded
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sim-render")
        self._closed = False

    def fraction(self, key: str) -> float:
        """How much of the file ``key`` is encoded (0 to 1), at least as much as a simulator on
        the same state dir reported before it was closed: its render starts over in this one,
        and a task's progress never goes back (a service restarting does not show it)."""
        if key not in self._progress:
            try:
                self._progress[key] = float(self._mark(key).read_text(encoding="ascii"))
            except (OSError, ValueError):
                self._progress[key] = 0.0
        return self._progress[key]

    def _mark(self, key: str) -> Path:
        # The highest fraction reported for a file still being rendered, beside where it will be.
        return self._store.file_path(key).with_suffix(".progress")

    def ensure(self, task: SimTask) -> Future[int] | None:
        """The task's running render, started if its file is missing (None: exists or not needed)."""
        spec = task.render_spec
        if spec is None or self._closed:
            return None
        key = spec.key()
        with self._lock:
            future = self._renders.get(key)
            if future is not None and not (future.done() and future.exception() is not None):
                return future
            target = self._store.file_path(key)
            if target.exists():
                return None
            image = self._store.input_path(spec.image_sha256).read_bytes() if spec.image_sha256 else None
            fractions = self._progress
            mark = self._mark(key)
            before = self.fraction(key)

            def note(fraction: float, key: str = key) -> None:
                if self._closed:  # render_video removes its partial file when this raises
                    raise RenderCancelled(key)
                if fraction > fractions.get(key, 0.0):
                    fractions[key] = fraction
                    if fraction > before:  # past what an earlier simulator reported: remember it
                        mark.write_text(f"{fraction:.4f}", encoding="ascii")

            def render() -> int:
                frames = render_video(spec, target, image=image, threads=1, on_progress=note)
                mark.unlink(missing_ok=True)  # the file says it all now
                return frames

            future = self._executor.submit(render)
            self._renders[key] = future
            return future

    def close(self) -> None:
        """Stop the workers: renders not started are dropped, running ones stop at their next
        progress note (within half a second of video) and leave no file. A closed simulator
        serves nothing, so finishing them would only keep whoever closes it (a test, a CLI
        stopped with Ctrl-C) waiting; a later simulator on the same state dir renders again."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)
