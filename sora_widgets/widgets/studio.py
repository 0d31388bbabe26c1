"""Studio: the prompt builder, status bars, player and this session's results, as one widget.

The Studio is one anywidget (its own front end, ``static/studio.js``). The parts that live as
long as it does (the builder, the player, the strip of results) are child widgets made here and
drawn by the Studio's front end with their own mount functions. What appears while it lives (a
status line per generation) is data: the ``jobs`` list, one record per generation on screen,
drawn by the status bar's front end over that record. No widget is made after display (marimo
serves a widget's code only while a cell runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Awaitable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import ipywidgets
import traitlets as t

from .._text import shorten
from ..job import Job
from ..models.catalog import MODELS
from ..models.request import VideoRequest
from ..models.task import Task, status_vocabulary
from ..models.video import Video
from ._base import SoraWidget, handles
from ._common import format_cost
from ._strip import ResultStrip, StripItem
from .player import VideoPlayer
from .prompt_builder import PromptBuilder
from .status_bar import TaskStatus

if TYPE_CHECKING:
    from ..client import SoraClient

__all__ = ["JobStatus", "Studio"]

# A finished generation's status line is folded into the results strip, so a long session keeps
# no record per generation: a completed one at once (its video is the new tile), one that failed
# or stopped when the next generation starts (until then its code, advice and copyable task id
# stay readable) or when another one ends that way. The strip keeps a tile for it either way.
_KEEP_UNHAPPY_BARS = 1


class JobStatus(TaskStatus):
    """One generation's status in the Studio: a :class:`TaskStatus` whose changes go out as a
    record of the Studio's ``jobs`` list (drawn in the page by the status bar's front end)."""

    def __init__(self, studio: Studio, key: str, **kwargs: Any) -> None:
        self._studio = studio
        self.key = key
        super().__init__(**kwargs)

    @contextlib.contextmanager
    def _batch(self) -> Iterator[None]:
        # The Studio sends its jobs list once for the whole batch of changes.
        with self._studio.hold_sync(), self.hold_trait_notifications():
            yield


class Studio(SoraWidget, front="studio"):
    """Build a prompt, generate, watch and play, with every result kept as a Python object.

    Example:
        >>> studio = Studio()                       # no key: the built-in simulator  # doctest: +SKIP
        >>> studio                                  # doctest: +SKIP
        >>> video = await studio.generate(prompt="A red kite at dusk", size="landscape")  # doctest: +SKIP
        >>> studio.results, studio.last             # doctest: +SKIP

    Each generation runs as a :class:`~sora_widgets.Job` on the kernel's event loop: the cell
    (or the Generate click) returns at once, the widget stays live, other cells run meanwhile,
    and several generations can run side by side, each with its own status line.

    Args:
        client: the :class:`~sora_widgets.SoraClient`; None makes ``SoraClient()`` (the
            in-process simulator when no key is configured, shown by a "simulated" badge).
    """

    title = t.Unicode("Sora Studio").tag(sync=True)
    simulated = t.Bool(False).tag(sync=True)
    # Shown only. Python never reads it back, so a browser cannot redirect the client.
    service = t.Unicode("").tag(sync=True)
    running_count = t.Int(0).tag(sync=True)
    finished = t.Int(0).tag(sync=True)
    failed = t.Int(0).tag(sync=True)
    spent = t.Unicode("").tag(sync=True)
    # One record per generation on screen (TaskStatus.SHOWN plus "id"), newest first.
    jobs = t.List(t.Dict()).tag(sync=True)
    _statuses = t.Dict(status_vocabulary()).tag(sync=True)  # the words the status lines use

    builder = t.Instance(PromptBuilder).tag(sync=True, **ipywidgets.widget_serialization)
    player = t.Instance(VideoPlayer).tag(sync=True, **ipywidgets.widget_serialization)
    strip = t.Instance(ResultStrip).tag(sync=True, **ipywidgets.widget_serialization)

    def __init__(self, client: SoraClient | None = None, **kwargs: Any) -> None:
        if client is None:
            from ..client import SoraClient

            client = SoraClient()
        builder = PromptBuilder(prices=client.prices)
        player = VideoPlayer(client=client)
        strip = ResultStrip(
            arrangement="strip", label="This session", empty_text="No videos yet in this session"
        )
        super().__init__(
            builder=builder,
            player=player,
            strip=strip,
            simulated=bool(client.simulated),
            service=_service_label(client),
            **kwargs,
        )
        self.client = client
        self.results: list[Video] = []
        self.errors: list[BaseException] = []
        builder.on_submit(self._on_submit)
        player.on_remix(self.remix)
        strip.on_select(self._select)
        self._jobs: dict[Job[Video], JobStatus] = {}
        self._notes: dict[str, str] = {}  # strip key of a folded failure -> what happened
        self._unhappy: list[Job[Video]] = []  # failed/stopped, status line still on screen
        self._folded = 0
        self._keys = itertools.count(1)
        with contextlib.suppress(RuntimeError):  # no running loop: ``await studio.load_models()``
            self.in_background(self.load_models(), name="read the model catalog")

    # -- the public surface ------------------------------------------------------------------

    @property
    def last(self) -> Video | None:
        """The most recent result, or None."""
        return self.results[-1] if self.results else None

    @property
    def running(self) -> list[Job[Video]]:
        """Generations still running."""
        return [job for job in self._jobs if not job.done()]

    @property
    def status_bars(self) -> list[JobStatus]:
        """The status lines on screen (newest first): one per generation still running, and the
        last one that failed or stopped until the next generation starts."""
        return sorted(self._jobs.values(), key=lambda s: -int(s.key.rsplit("-", 1)[-1]))

    def generate(self, request: VideoRequest | None = None, /, **fields: Any) -> Job[Video]:
        """Start a generation in the background and return its :class:`~sora_widgets.Job`.

        With no arguments the builder's current request is used; otherwise the arguments are
        those of ``client.create`` (a VideoRequest, and/or prompt=, size=, seconds=, image=,
        remix_video_id=). ``await studio.generate(...)`` gives the :class:`~sora_widgets.Video`.

        Raises:
            InvalidRequestError: at once, for a request the service would refuse.
            RuntimeError: outside a running event loop (use the client's ``*_sync`` methods).
        """
        if request is None and not fields:
            request = self.builder.request
        model = str(fields.get("model") or "")
        prepared: VideoRequest | Awaitable[VideoRequest]
        if isinstance(request, VideoRequest) and request.is_catalog:
            # Checked by the builder against the spec; the client resolves its endpoint.
            prepared = self.client.prepare(model=request.model, **dict(request.params or {}))
            prompt = request.prompt or request.model
        elif model and model not in MODELS:
            prepared = self.client.prepare(request, **fields)
            prompt = str(fields.get("prompt") or model)
        else:
            prepared = self.client.build_request(request, **fields)
            prompt = prepared.prompt
        status = JobStatus(self, f"job-{next(self._keys)}", label=shorten(prompt, 80), client=self.client)
        running = self.in_background(self._run(prepared, status), name=f"generate {shorten(prompt, 30)}")
        for old in list(self._unhappy):
            self._fold_finished(old)
        job = Job(running, label=shorten(prompt, 60))
        with self.hold_sync():
            self._jobs[job] = status
            status.observe(self._publish_jobs, names=list(TaskStatus.SHOWN))
            with status._batch():
                status.status = "sending"
                status.phase = "running"
            self._publish_jobs()
        job.add_done_callback(self._job_finished)
        self._refresh_header()
        return job

    async def load_models(self) -> None:
        """Read the account's video models into the builder's model picker (started when the
        Studio is made; call it again to refresh). A model's spec is read when it is picked
        (cached by the client), so dozens of models cost one list request, not dozens."""
        infos = [m for m in await self.client.models() if m.is_video and m.id not in MODELS]
        self.builder.offer_models(infos, self.client.model_spec)

    def remix(self, video: Video) -> None:
        """Set the builder up to make a variation of ``video``."""
        self.builder.remix(video)

    def show(self, video: Video) -> None:
        """Play ``video`` in the Studio's player."""
        self.player.show(video)
        self.strip.selected = video.task_id

    def close(self) -> None:
        """Close the Studio and its parts (their views go from the page)."""
        for part in (self.builder, self.player, self.strip):
            part.close()
        super().close()

    # -- the background flow ---------------------------------------------------------------

    async def _run(self, prepared: VideoRequest | Awaitable[VideoRequest], status: JobStatus) -> Video:
        with _failure_shown(status):
            # A catalog model's request is prepared here (its spec read, its endpoint resolved):
            # a retired model fails in this generation's status bar like any other failure.
            request = prepared if isinstance(prepared, VideoRequest) else await prepared
            task = await self.client.create(request)
        status.update(task)
        return await self._follow(task, status, request)

    async def _follow(
        self, task: Task | str, status: JobStatus, request: VideoRequest | None = None
    ) -> Video:
        """Wait for a created task (after a create, or on "Watch again") and add its video."""
        with _failure_shown(status):
            # Only now is there a task to stop watching; cancelling a create in flight could
            # lose the answer to a request that was billed.
            current = asyncio.current_task()
            if current is not None:
                status.track(current)
            video = await self.client.wait(task, on_update=status.update, request=request)
        self._add_result(video)
        return video

    def _add_result(self, video: Video) -> None:
        self.results.append(video)
        self.builder.add_remix_source(video)
        self.strip.add(StripItem.from_video(video))
        self.show(video)
        self._refresh_header()

    def _job_finished(self, job: Job[Video]) -> None:
        # Folded on the next turn of the loop, after the job's other done-callbacks have run.
        asyncio.get_running_loop().call_soon(self._fold, job)

    def _fold(self, job: Job[Video]) -> None:
        if job not in self._jobs:
            return
        if job.status == "completed":
            self._fold_status(job, self._jobs.pop(job))
        else:
            self._unhappy.append(job)
            while len(self._unhappy) > _KEEP_UNHAPPY_BARS:
                self._fold_finished(self._unhappy[0])
        self._refresh_header()

    def _fold_finished(self, job: Job[Video]) -> None:
        if job in self._unhappy:
            self._unhappy.remove(job)
        status = self._jobs.pop(job, None)
        if status is not None:
            self._fold_status(job, status)

    def _fold_status(self, job: Job[Video], status: JobStatus) -> None:
        """Replace a finished generation's status line by a tile in the strip.

        A completed one already has its video tile; a failed or stopped one gets a tile that
        says what happened (the whole message is shown above the player when it is chosen).
        """
        status.unobserve(self._publish_jobs, names=list(TaskStatus.SHOWN))
        if job.status in ("failed", "cancelled"):
            stopped = job.status == "cancelled"
            self._folded += 1
            key = f"{status.task_id or 'request'}#{self._folded}"
            ended = "stopped watching" if stopped else (status.status or "failed")
            head = f"Error {status.error_code}" if status.error_code else ended.capitalize()
            if status.error_meaning:
                head += f" ({status.error_meaning})"
            parts = [f"{head}: {shorten(status.label, 60)}", status.note if stopped else status.error_message]
            if status.error_advice:
                parts.append(f"What to do: {status.error_advice}")
            self._notes[key] = " ".join(p for p in parts if p)
            subtitle = " · ".join(p for p in (ended, status.error_code, status.task_id) if p)
            tile = "stopped" if stopped else "failed"
            self.strip.add(StripItem(key=key, title=status.label, subtitle=subtitle, status=tile))
        self._publish_jobs()

    def _publish_jobs(self, _change: Any = None) -> None:
        self.jobs = [{"id": s.key, **s.shown()} for s in self.status_bars]

    def _background_failed(self, exc: BaseException) -> None:
        # The failing generation's status line already shows it; keep it for code too.
        self.errors.append(exc)
        self._refresh_header()

    def _on_submit(self, request: VideoRequest) -> None:
        # A failure (no running loop, a refused request) is shown in the builder by call_user.
        self.generate(request)

    def _select(self, key: str) -> None:
        if key in self._notes:
            self.show_error(self._notes[key])
            return
        self.show_error(None)
        for video in reversed(self.results):
            if video.task_id == key:
                self.player.show(video)
                return

    @handles("stop")
    def _stop_pressed(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        """The "Stop watching" of one status line: ``{"type": "stop", "job": <record id>}``."""
        key = str(content.get("job", ""))
        for status in self._jobs.values():
            if status.key == key:
                status.stop()
                return

    @handles("watch")
    def _watch_pressed(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        """The "Watch again" of a stopped status line: follow the same task again (nothing new
        is created or billed): ``{"type": "watch", "job": <record id>}``."""
        key = str(content.get("job", ""))
        for old, status in list(self._jobs.items()):
            if status.key == key and old.done() and status.phase == "stopped" and status.task is not None:
                if old in self._unhappy:
                    self._unhappy.remove(old)
                del self._jobs[old]
                status.rewatching()
                running = self.in_background(
                    self._follow(status.task, status), name=f"watch {status.task_id}"
                )
                job = Job(running, label=old.label)
                self._jobs[job] = status
                job.add_done_callback(self._job_finished)
                self._publish_jobs()
                self._refresh_header()
                return

    def _refresh_header(self) -> None:
        spent = sum((v.cost for v in self.results if v.cost is not None), Decimal(0))
        with self.hold_sync():
            self.running_count = len(self.running)
            self.finished = len(self.results)
            self.failed = len(self.errors)
            # Shown as is. Simulator money is said to be simulated: "$13.20 spent (simulated)".
            money = f"{format_cost(spent)} spent" + (" (simulated)" if self.client.simulated else "")
            self.spent = money if self.results else ""


@contextlib.contextmanager
def _failure_shown(status: JobStatus) -> Iterator[None]:
    """Show a failure in the generation's status line, then let it go on up (a stop by the
    person, a cancellation, is not a failure)."""
    try:
        yield
    except asyncio.CancelledError:
        raise
    except BaseException as exc:
        status.fail(exc)
        raise


def _service_label(client: SoraClient) -> str:
    if client.simulated:
        return "built-in simulator (nothing is billed)"
    # Scheme, host and path only: a URL's user:password or query never reaches the browser.
    parts = urlsplit(str(client.base_url))
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"
