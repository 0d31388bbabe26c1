"""StatusBar: follows one task: status, progress, elapsed, time left, task id, failures explained.

The logic is headless: :class:`TaskStatus` turns tasks and errors into what a status line shows
(no front end, testable alone). The :class:`StatusBar` widget is a TaskStatus with a front end;
the Studio keeps one TaskStatus per generation as data in its own state (no widget per job).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import traitlets as t

from ..errors import GenerationFailed, PollTimeout, SoraError, UnknownOutcomeError, failure_advice
from ..job import Job
from ..models.catalog import MODELS
from ..models.request import VideoRequest
from ..models.task import Phase, Task, status_vocabulary
from ._base import SoraWidget, handles
from ._common import describe_error

if TYPE_CHECKING:
    from ..client import SoraClient
    from ..models.video import Video

__all__ = ["StatusBar", "TaskStatus"]


class TaskStatus(t.HasTraits):
    """What a status line shows for one generation task, without a front end.

    ``update(task)`` (usable as ``on_update=``) follows a :class:`~sora_widgets.Task`; ``fail``
    explains an exception (code, meaning, advice); ``track(job)`` lets :meth:`stop` cancel the
    job that is following the task. The traits carry ``sync=True`` for the :class:`StatusBar`
    widget, which is a TaskStatus with a front end; the Studio keeps plain ones as data.
    """

    label = t.Unicode("").tag(sync=True)
    task_id = t.Unicode("").tag(sync=True)
    status = t.Unicode("idle").tag(sync=True)
    phase = t.Unicode("idle").tag(sync=True)  # idle | running | succeeded | failed | unknown | stopped
    progress = t.Float(-1.0).tag(sync=True)  # 0..1, or -1 when the service gave none
    elapsed_s = t.Float(-1.0).tag(sync=True)  # at the last update; the browser counts on from there
    eta_s = t.Float(-1.0).tag(sync=True)
    watching = t.Bool(False).tag(sync=True)
    error_code = t.Unicode("").tag(sync=True)
    error_meaning = t.Unicode("").tag(sync=True)
    error_message = t.Unicode("").tag(sync=True)
    error_advice = t.Unicode("").tag(sync=True)
    note = t.Unicode("").tag(sync=True)

    # The traits a front end draws, in one place (the Studio sends them as one record per job).
    SHOWN: ClassVar[tuple[str, ...]] = (
        "label",
        "task_id",
        "status",
        "phase",
        "progress",
        "elapsed_s",
        "eta_s",
        "watching",
        "error_code",
        "error_meaning",
        "error_message",
        "error_advice",
        "note",
    )

    def __init__(
        self,
        task: Task | None = None,
        *,
        client: SoraClient | None = None,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.client = client
        self.task: Task | None = None
        self._clock = clock
        self._started: float | None = None
        self._first_sample: tuple[float, float] | None = None
        self._watched: Job[Any] | asyncio.Task[Any] | None = None
        if task is not None:
            self.update(task)

    @contextlib.contextmanager
    def _batch(self) -> Iterator[None]:
        """Several changes shown as one (a widget sends them in one message)."""
        with self.hold_trait_notifications():
            yield

    def shown(self) -> dict[str, Any]:
        """The traits a front end draws, as a dict."""
        return {name: getattr(self, name) for name in self.SHOWN}

    # -- following a task -------------------------------------------------------------------

    def update(self, task: Task) -> None:
        """Show the latest state of ``task`` (usable as ``on_update=bar.update``)."""
        now = self._clock()
        if self.task is None or self.task.id != task.id:
            self._started = task.created_at.timestamp() if task.created_at else now
            self._first_sample = None
            self.error_code = self.error_meaning = self.error_message = self.error_advice = ""
            self.note = ""
        self.task = task
        started = self._started if self._started is not None else now
        progress = task.progress
        if progress is not None and self._first_sample is None and not task.is_terminal:
            self._first_sample = (now, progress)
        with self._batch():
            self.task_id = task.id
            self.status = task.status
            self.phase = task.phase.value
            self.progress = -1.0 if progress is None else max(0.0, min(1.0, progress))
            self.elapsed_s = max(0.0, now - started)
            self.eta_s = self._estimate_left(now, task)
            if task.phase is Phase.FAILED:
                self._show_task_error(task)
            if task.is_terminal:
                self.watching = False

    def _estimate_left(self, now: float, task: Task) -> float:
        if task.is_terminal or task.progress is None or self._first_sample is None:
            return 0.0 if task.is_terminal else -1.0
        t0, p0 = self._first_sample
        gained = task.progress - p0
        if gained <= 0 or now <= t0:
            return -1.0
        return max(0.0, (now - t0) * (1.0 - task.progress) / gained)

    def _show_task_error(self, task: Task) -> None:
        spec = MODELS.get(task.model or "")
        code = task.error.code if task.error else None
        self.error_code = code or ""
        self.error_message = task.error.message if task.error else "the task failed"
        self.error_meaning = (spec.meaning(code) if spec else None) or ""
        self.error_advice = failure_advice(task.model, code)

    def fail(self, exc: BaseException) -> None:
        """Show an exception: its message, and for a failed task its code, meaning and advice."""
        with self._batch():
            self.watching = False
            self.eta_s = -1.0
            # What went wrong here, what to do under "What to do": the error carries both.
            self.error_message = exc.message if isinstance(exc, SoraError) else describe_error(exc)
            self.error_code = ""
            self.error_meaning = ""
            if isinstance(exc, GenerationFailed):
                self.task_id = exc.task_id or self.task_id
                self.error_code = exc.code or ""
                self.error_meaning = exc.meaning or ""
                if exc.code:
                    # The head shows "Error <code> — <meaning>": the message does not say it again.
                    for said in (f" (code {exc.code}: {exc.meaning})", f" (code {exc.code})"):
                        self.error_message = self.error_message.replace(said, "")
                self.status, self.phase = "failed", Phase.FAILED.value
            elif isinstance(exc, UnknownOutcomeError):
                self.status, self.phase = "outcome unknown", Phase.UNKNOWN.value
                request = exc.request
                if isinstance(request, VideoRequest):
                    self.note = (
                        f"The request, kept in the journal: {request.size}, {request.seconds} s, "
                        f"{request.model}, “{request.prompt}”"
                        + (f", remix of {request.remix_video_id}" if request.remix_video_id else "")
                        + (", with a reference image" if request.image is not None else "")
                        + "."
                    )
            elif isinstance(exc, PollTimeout):
                self.task_id = exc.task_id or self.task_id
                self.status, self.phase = "still running (stopped waiting)", Phase.UNKNOWN.value
            else:
                self.status, self.phase = "error", Phase.FAILED.value
            self.error_advice = exc.advice if isinstance(exc, SoraError) else ""

    def track(self, job: Job[Any] | asyncio.Task[Any]) -> None:
        """Let "Stop watching" (:meth:`stop`) cancel ``job``, which is following this task."""
        self._watched = job
        self.watching = True
        self.note = ""
        job.add_done_callback(self._job_done)

    def _job_done(self, job: Any) -> None:
        if job is self._watched:
            self.watching = False

    def stop(self) -> None:
        """Stop watching. The task goes on at the service; wait for it again or resume it later."""
        job, self._watched = self._watched, None
        if job is not None and not job.done():
            job.cancel()
        self.watching = False
        if self.phase not in (Phase.SUCCEEDED.value, Phase.FAILED.value):
            with self._batch():
                # The badge says what is true now: this page stopped following; the task did not stop.
                self.status = "stopped watching"
                self.phase = "stopped"
                self.eta_s = -1.0
                ident = self.task_id or "<task id>"
                self.note = (
                    f"Stopped watching. The task goes on at the service: press Watch again, or "
                    f"await client.wait({ident!r}) or client.resume() to pick it up."
                )

    def rewatching(self) -> None:
        """Show that a stopped task is followed again (its next poll fills in the rest)."""
        with self._batch():
            self.status = self.task.status if self.task is not None else "queued"
            self.phase = "running"
            self.note = ""

    def reset(self, label: str = "") -> None:
        """Clear the bar for another task."""
        self.stop()
        self.task = None
        self._started = None
        self._first_sample = None
        with self._batch():
            self.label = label
            self.task_id = ""
            self.status, self.phase = "idle", "idle"
            self.progress = self.elapsed_s = self.eta_s = -1.0
            self.error_code = self.error_meaning = self.error_message = self.error_advice = ""
            self.note = ""


class StatusBar(SoraWidget, TaskStatus, front="status_bar"):
    """A live status line for one generation task.

    Example:
        >>> bar = StatusBar()
        >>> bar                                          # doctest: +SKIP
        >>> video = await client.wait(task, on_update=bar.update)   # doctest: +SKIP
        >>> job = bar.watch(task, client)   # or let the bar poll in the background  # doctest: +SKIP
        >>> video = await job                                        # doctest: +SKIP

    ``update`` takes a :class:`~sora_widgets.Task` and may be passed as ``on_update`` to any
    client method. ``fail`` shows an exception. The "Stop watching" button (or :meth:`stop`)
    ends the watching only; the task itself goes on at the service and can be resumed.
    """

    compact = t.Bool(False).tag(sync=True)
    _statuses = t.Dict(status_vocabulary()).tag(sync=True)  # the words statuses are shown with

    def __init__(
        self,
        task: Task | None = None,
        *,
        label: str = "",
        client: SoraClient | None = None,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        super().__init__(label=label, **kwargs)
        self.client = client
        self._clock = clock
        if task is not None:
            self.update(task)

    @contextlib.contextmanager
    def _batch(self) -> Iterator[None]:
        with self.hold_sync():
            yield

    def watch(self, task: Task | str, client: SoraClient | None = None) -> Job[Video]:
        """Poll ``task`` in the background on the kernel's loop and show every update.

        Returns a :class:`~sora_widgets.Job`; ``await`` it for the :class:`~sora_widgets.Video`.
        Failures are shown in the bar (and raised to whoever awaits).

        Raises:
            RuntimeError: outside a running event loop (use ``client.wait_sync``).
        """
        client = client or self.client
        if client is None:
            from ..client import SoraClient

            client = self.client = SoraClient()
        if isinstance(task, Task):
            self.update(task)
        else:
            self.task_id = task
        running = self.in_background(client.wait(task, on_update=self.update), name=f"watch {self.task_id}")
        job = Job(running, label=self.label or self.task_id)
        self.track(job)
        return job

    def _background_failed(self, exc: BaseException) -> None:
        # The watch failed: the bar explains it (code, meaning, advice), not the one-line error.
        self.fail(exc)

    @handles("stop")
    def _stop_pressed(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self.stop()

    @handles("watch")
    def _watch_pressed(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        """ "Watch again" after "Stop watching": follow the same task (nothing new is created)."""
        if self.phase == "stopped" and self.task_id:
            self.rewatching()
            self.watch(self.task or self.task_id)
