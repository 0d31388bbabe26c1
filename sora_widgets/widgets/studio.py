"""Studio: the prompt builder, status bars, player and this session's results, joined."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import ipywidgets
import traitlets as t

from .._text import shorten
from ..models.request import VideoRequest
from ..models.video import Video
from ._base import SoraWidget
from ._common import BackgroundTasks, describe_error, format_cost
from ._strip import ResultStrip, StripItem
from .player import VideoPlayer
from .prompt_builder import PromptBuilder
from .status_bar import StatusBar

if TYPE_CHECKING:
    from ..client import SoraClient

__all__ = ["Studio", "StudioHeader"]

# A finished generation's status bar is folded into the results strip and its widget closed, so a
# long session leaves no widget per generation: a completed one at once (its video is the new
# tile), one that failed or stopped when the next generation starts (until then its code, advice
# and copyable task id stay readable) or when another one ends that way. The strip keeps a tile
# for it either way.
_KEEP_UNHAPPY_BARS = 1


class StudioHeader(SoraWidget, front="studio"):
    """The Studio's title line: the "simulated" badge, where requests go, what is running."""

    title = t.Unicode("Sora Studio").tag(sync=True)
    simulated = t.Bool(False).tag(sync=True)
    # Shown only. Python never reads it back, so a browser cannot redirect the client.
    service = t.Unicode("").tag(sync=True)
    running = t.Int(0).tag(sync=True)
    finished = t.Int(0).tag(sync=True)
    failed = t.Int(0).tag(sync=True)
    spent = t.Unicode("").tag(sync=True)
    error = t.Unicode("").tag(sync=True)


class Studio(ipywidgets.VBox):  # type: ignore[misc]
    """Build a prompt, generate, watch and play, with every result kept as a Python object.

    Example:
        >>> studio = Studio()                       # no key: the built-in simulator  # doctest: +SKIP
        >>> studio                                  # doctest: +SKIP
        >>> video = await studio.generate(prompt="A red kite at dusk", size="landscape")  # doctest: +SKIP
        >>> studio.results, studio.last             # doctest: +SKIP

    Each generation runs as an asyncio task on the kernel's event loop: the cell (or the
    Generate click) returns at once, the widget stays live, other cells run meanwhile, and
    several generations can run side by side, each with its own status bar.

    Args:
        client: the :class:`~sora_widgets.SoraClient`; None makes ``SoraClient()`` (the
            in-process simulator when no key is configured, shown by a "simulated" badge).
    """

    def __init__(self, client: SoraClient | None = None, **kwargs: Any) -> None:
        if client is None:
            from ..client import SoraClient

            client = SoraClient()
        self.client = client
        self.results: list[Video] = []
        self.errors: list[BaseException] = []
        self.header = StudioHeader(simulated=bool(client.simulated), service=_service_label(client))
        self.builder = PromptBuilder(on_submit=self._on_submit)
        self.bars = ipywidgets.VBox()
        self.bars.add_class("sw-studio-bars")
        self.player = VideoPlayer(client=client)
        self.player.on_remix(self.remix)
        self.strip = ResultStrip(
            arrangement="strip", label="This session", empty_text="No videos yet in this session"
        )
        self.strip.on_select(self._select)
        self._jobs: dict[asyncio.Task[Video], StatusBar] = {}
        self._notes: dict[str, str] = {}  # strip key of a folded failure -> what happened
        self._unhappy: list[asyncio.Task[Video]] = []  # failed/stopped, bar still on screen
        self._folded = 0
        self._background = BackgroundTasks(self._record_failure)
        super().__init__(
            children=[self.header, self.builder, self.bars, self.player, self.strip],
            **kwargs,
        )
        self.add_class("sw-studio")

    # -- the public surface ------------------------------------------------------------------

    @property
    def last(self) -> Video | None:
        """The most recent result, or None."""
        return self.results[-1] if self.results else None

    @property
    def running(self) -> list[asyncio.Task[Video]]:
        """Generations still running."""
        return [job for job in self._jobs if not job.done()]

    @property
    def status_bars(self) -> list[StatusBar]:
        """The status bars on screen: one per generation still running, and the last one that
        failed or stopped until the next generation starts."""
        return list(self._jobs.values())

    def generate(self, request: VideoRequest | None = None, /, **fields: Any) -> asyncio.Task[Video]:
        """Start a generation in the background and return its asyncio task.

        With no arguments the builder's current request is used; otherwise the arguments are
        those of ``client.create`` (a VideoRequest, and/or prompt=, size=, seconds=, image=,
        remix_video_id=). ``await studio.generate(...)`` gives the :class:`~sora_widgets.Video`.

        Raises:
            InvalidRequestError: at once, for a request the service would refuse.
            RuntimeError: outside a running event loop (use the client's ``*_sync`` methods).
        """
        if request is None and not fields:
            request = self.builder.request
        req = self.client.build_request(request, **fields)
        for old in list(self._unhappy):
            self._fold_finished(old)
        bar = StatusBar(label=shorten(req.prompt, 80), client=self.client)
        bar.status = "sending"
        bar.phase = "running"
        job = self._background.start(self._run(req, bar), name=f"generate {shorten(req.prompt, 30)}")
        self._jobs[job] = bar
        self.bars.children = (bar, *self.bars.children)
        job.add_done_callback(self._job_finished)
        self._refresh_header()
        return job

    def remix(self, video: Video) -> None:
        """Set the builder up to make a variation of ``video``."""
        self.builder.remix(video)

    def show(self, video: Video) -> None:
        """Play ``video`` in the Studio's player."""
        self.player.show(video)
        self.strip.selected = video.task_id

    # -- the background flow ---------------------------------------------------------------

    async def _run(self, request: VideoRequest, bar: StatusBar) -> Video:
        try:
            task = await self.client.create(request)
            bar.update(task)
            # Only now is there a task to stop watching; cancelling a create in flight could
            # lose the answer to a request that was billed.
            current = asyncio.current_task()
            if current is not None:
                bar.track(current)
            video = await self.client.wait(task, on_update=bar.update, request=request)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            bar.fail(exc)
            raise
        self._add_result(video)
        return video

    def _add_result(self, video: Video) -> None:
        self.results.append(video)
        self.builder.add_remix_source(video)
        self.strip.add(StripItem.from_video(video))
        self.show(video)
        self._refresh_header()

    def _job_finished(self, job: asyncio.Task[Video]) -> None:
        # Folded on the next turn of the loop, after the bar's own done-callbacks have run.
        asyncio.get_running_loop().call_soon(self._fold, job)

    def _fold(self, job: asyncio.Task[Video]) -> None:
        if job not in self._jobs:
            return
        if not job.cancelled() and job.exception() is None:
            self._fold_bar(job, self._jobs.pop(job))
        else:
            self._unhappy.append(job)
            while len(self._unhappy) > _KEEP_UNHAPPY_BARS:
                self._fold_finished(self._unhappy[0])
        self._refresh_header()

    def _fold_finished(self, job: asyncio.Task[Video]) -> None:
        if job in self._unhappy:
            self._unhappy.remove(job)
        bar = self._jobs.pop(job, None)
        if bar is not None:
            self._fold_bar(job, bar)

    def _fold_bar(self, job: asyncio.Task[Video], bar: StatusBar) -> None:
        """Replace a finished generation's status bar by a tile in the strip, and close the bar.

        A completed one already has its video tile; a failed or stopped one gets a tile that
        says what happened (the whole message is shown above the player when it is chosen).
        """
        if job.cancelled() or job.exception() is not None:
            self._folded += 1
            key = f"{bar.task_id or 'request'}#{self._folded}"
            ended = "stopped watching" if job.cancelled() else (bar.status or "failed")
            head = f"Error {bar.error_code}" if bar.error_code else ended.capitalize()
            if bar.error_meaning:
                head += f" ({bar.error_meaning})"
            parts = [f"{head}: {shorten(bar.label, 60)}", bar.note if job.cancelled() else bar.error_message]
            if bar.error_advice:
                parts.append(f"What to do: {bar.error_advice}")
            self._notes[key] = " ".join(p for p in parts if p)
            subtitle = " · ".join(p for p in (ended, bar.error_code, bar.task_id) if p)
            status = "stopped" if job.cancelled() else "failed"
            self.strip.add(StripItem(key=key, title=bar.label, subtitle=subtitle, status=status))
        self.bars.children = tuple(b for b in self.bars.children if b is not bar)
        # close() ends the widget's comm in the kernel and its views in the browser; the
        # layout is a widget of its own and is closed with it, or it would stay behind.
        bar.layout.close()
        bar.close()

    def _record_failure(self, exc: BaseException) -> None:
        # The failing generation's status bar already shows it; keep it for code too.
        self.errors.append(exc)
        self._refresh_header()

    def _on_submit(self, request: VideoRequest) -> None:
        try:
            self.generate(request)
        except Exception as exc:  # noqa: BLE001 - user code and I/O: show any failure in the widget
            self.builder.error = describe_error(exc)

    def _select(self, key: str) -> None:
        if key in self._notes:
            self.header.error = self._notes[key]
            return
        self.header.error = ""
        for video in reversed(self.results):
            if video.task_id == key:
                self.player.show(video)
                return

    def _refresh_header(self) -> None:
        spent = sum((v.cost for v in self.results if v.cost is not None), Decimal(0))
        with self.header.hold_sync():
            self.header.running = len(self.running)
            self.header.finished = len(self.results)
            self.header.failed = len(self.errors)
            # Shown as is. Simulator money is said to be simulated: "$13.20 spent (simulated)".
            money = f"{format_cost(spent)} spent" + (" (simulated)" if self.client.simulated else "")
            self.header.spent = money if self.results else ""


def _service_label(client: SoraClient) -> str:
    if client.simulated:
        return "built-in simulator (nothing is billed)"
    # Scheme, host and path only: a URL's user:password or query never reaches the browser.
    parts = urlsplit(str(client.base_url))
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"
