"""PromptLab: the :class:`~sora_widgets.lab.Lab` with a face: define, run, watch, compare in sync."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets
import traitlets as t

from ..coaching import coach
from ..errors import SoraError
from ..job import Job
from ..lab import Lab, LabJob, label
from ..models.catalog import MODELS, front_catalog
from ..models.prices import format_estimate
from ..models.task import status_vocabulary
from ..models.video import Video
from ._base import SoraWidget, handles
from ._common import format_cost, video_thumbnail
from ._control import PythonWins
from .frames import FrameCompare
from .timeline import timeline_svg

if TYPE_CHECKING:
    from ..client import SoraClient

__all__ = ["LabJob", "PromptLab"]

_DEFINITION = ("mode", "template", "slots", "prompts", "models", "sizes", "seconds", "budget", "concurrency")
# Playback of the compared videos: set from Python, reported by the page (see set_state).


def _elapsed(job: LabJob) -> str:
    """How long the job ran (from its create to its end), ``"12.3 s"``; empty until it ran."""
    if job.started_at is None or job.finished_at is None:
        return ""
    return f"{max(job.finished_at - job.started_at, 0.0):.1f} s"


def _coach_summary(prompt: str) -> dict[str, Any]:
    """What a variant's cell shows of the prompt coach's report."""
    report = coach(prompt)
    return {
        "score": report.score,
        "missing": report.missing,
        "single_purpose": report.single_purpose,
        "advice": list(report.advice),
    }


class PromptLab(PythonWins, SoraWidget, front="prompt_lab"):
    """Run a sweep of prompt variants under a budget, then compare the videos side by side.

    Example:
        >>> import sora_widgets as sw
        >>> view = sw.PromptLab(template="{shot} of a fox in {setting}",
        ...                     slots={"shot": ["Wide shot", "Close-up"], "setting": ["snow", "a forest"]},
        ...                     seconds=[4], budget=5)
        >>> view.lab.count, view.lab.estimated_cost      # before anything runs
        (4, Decimal('4.80'))
        >>> view                             # the widget: edit, run, watch, compare  # doctest: +SKIP
        >>> await view.lab.run()             # or press Run                           # doctest: +SKIP
        >>> view.lab.results[0].labels, view.lab.to_csv()                             # doctest: +SKIP

    The sweep itself (plan, budget, run, reuse, export) is :attr:`lab`, a
    :class:`~sora_widgets.Lab` that works without any front end; this widget observes it, shows
    it and edits it. Ask the lab what the sweep is and does (``view.lab.results``,
    ``view.lab.rerun(i)``, ``view.lab.to_csv()``); the view keeps what is its own: ``start()`` and
    ``stop()`` (a :class:`~sora_widgets.Job`), shared playback, the timeline picture.

    Compare: the chosen finished videos (``compare_indexes``; after a run the first six) play
    side by side in the lab's own front end, each captioned with the values that differ among
    them. The page keeps them together: play, pause or seek any one and the others follow. From
    Python, :meth:`play_all`, :meth:`pause_all`, :meth:`seek_all` (or ``playing`` and
    ``current_time``) move them all, and the value Python set last wins over an older report
    from the page. Under them, :attr:`frame_compare` shows the same videos frame by frame; a
    click on a still seeks every compared video there.

    Results: :attr:`results` (Videos whose ``labels`` hold the slot values, ``favourite`` set by
    :meth:`favourite` or the star, and saved in the client's journal), :meth:`to_json`,
    :meth:`to_csv`, :meth:`to_dataframe` (pandas), and :meth:`timeline_svg`, a picture of when
    each job waited, ran and finished.
    """

    # The traits Python drives with numbered control messages: its last change wins (_control).
    CONTROLLED = frozenset({"playing", "current_time"})

    mode = t.Unicode("template").tag(sync=True)  # template | prompts
    template = t.Unicode("").tag(sync=True)
    slots = t.Dict(default_value={}).tag(sync=True)  # name -> list of values
    prompts = t.List(t.Unicode(), default_value=[]).tag(sync=True)
    models = t.List(t.Unicode(), default_value=[]).tag(sync=True)  # the model axis (empty: Sora)
    sizes = t.List(t.Unicode(), default_value=["720x1280"]).tag(sync=True)
    _catalog = t.Dict(front_catalog()).tag(sync=True)  # the sizes and lengths offered
    _statuses = t.Dict(status_vocabulary()).tag(sync=True)  # the words statuses are shown with
    seconds = t.List(t.Int(), default_value=[4]).tag(sync=True)
    budget = t.Float(None, allow_none=True).tag(sync=True)  # USD; None = no cap
    concurrency = t.Int(4).tag(sync=True)
    # Computed for display; the browser never sets these.
    summary = t.Dict(default_value={}).tag(sync=True)
    jobs = t.List(t.Dict(), default_value=[]).tag(sync=True)
    running = t.Bool(False).tag(sync=True)
    spent = t.Unicode("$0.00").tag(sync=True)
    timeline = t.Unicode("").tag(sync=True)
    message = t.Unicode("").tag(sync=True)
    # The compare grid, as data: which videos ([{index, key, label, favourite, width, height}])
    # and their shared playback; the page draws the videos and fetches their bytes by key.
    compare_indexes = t.List(t.Int(), default_value=[]).tag(sync=True)
    compared = t.List(t.Dict(), default_value=[]).tag(sync=True)
    playing = t.Bool(False).tag(sync=True)
    current_time = t.Float(0.0).tag(sync=True)
    frame_compare = t.Instance(FrameCompare).tag(sync=True, **ipywidgets.widget_serialization)

    def __init__(
        self,
        client: SoraClient | None = None,
        *,
        template: str = "",
        slots: Mapping[str, Sequence[str] | str] | None = None,
        prompts: Sequence[str] | None = None,
        models: Sequence[str] | str | None = None,
        sizes: Sequence[str] | str = ("720x1280",),
        seconds: Sequence[int | str] | int | str = (4,),
        budget: float | Decimal | str | None = None,
        concurrency: int = 4,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        # The lab first: bad input is refused before a widget exists.
        self.lab = Lab(
            client,
            template=template,
            slots=slots,
            prompts=prompts,
            models=models,
            sizes=sizes,
            seconds=seconds,
            budget=budget,
            concurrency=concurrency,
            clock=clock,
        )
        # The same videos frame by frame, made with the lab (never later); a click on a still
        # seeks every compared video there.
        super().__init__(frame_compare=FrameCompare(client=client), **kwargs)
        self._thumbs: dict[str, bytes] = {}  # task id -> JPEG of its video's middle frame
        self._start_control()
        self._frame_keys: list[tuple[str, str]] = []
        self.frame_compare.on_seek(self.seek_all)
        self._from_lab()
        self.observe(self._definition_edited, names=list(_DEFINITION))
        self.lab.observe(self._on_lab)
        self._from_lab()
        with contextlib.suppress(RuntimeError):  # no running loop: ``await view.lab.load_models()``
            self._read_specs()

    # -- the headless lab, and the widget's copy of it --------------------------------------

    @property
    def client(self) -> SoraClient | None:
        """The client the lab runs with (one is made on the first run when None)."""
        return self.lab.client

    @client.setter
    def client(self, value: SoraClient | None) -> None:
        self.lab.client = value

    def _definition_edited(self, change: Any) -> None:
        name = change["name"]
        value = change["new"]
        setattr(self.lab, name, list(value) if isinstance(value, list) else value)
        if name != "concurrency":
            self.lab.plan()
        if name == "models":
            self._read_specs()

    def _read_specs(self) -> None:
        """Read the specs a model sweep needs, in the background; the summary says so meanwhile."""
        if not any(m not in MODELS for m in self.lab.models):
            return
        self.in_background(self._load_models(), name="read the models' specs")

    async def _load_models(self) -> None:
        with contextlib.suppress(SoraError):  # a model the catalog does not offer: the plan says so
            await self.lab.load_models()

    def _on_lab(self, _lab: Lab) -> None:
        self._from_lab()

    def close(self) -> None:
        """Stop following the lab, then close the widget."""
        lab: Lab | None = self.__dict__.get("lab")  # None when bad input stopped __init__ early
        if lab is not None:
            lab.unobserve(self._on_lab)
        super().close()

    def _from_lab(self) -> None:
        """Copy the lab's state into the traits the page draws (after every change in the lab)."""
        lab = self.lab
        if not hasattr(self, "_acked"):
            return  # still constructing
        keys = [k for k in lab.label_keys() if k not in ("size", "seconds")]
        rows = [self._job_row(job, keys) | {"next": lab.next_run(job)} for job in lab.jobs]
        kept = {row["video_key"] for row in rows if row["video_key"]}
        # Thumbnails of the jobs just dropped (reused videos keep theirs).
        self._thumbs = {k: v for k, v in self._thumbs.items() if k in kept}
        compared = lab.compared()
        with self.hold_sync():
            for name in _DEFINITION:
                value = getattr(lab, name)
                value = float(value) if isinstance(value, Decimal) else value
                if getattr(self, name) != value:
                    setattr(self, name, value)
            self.summary = dict(lab.summary)
            self.jobs = rows
            self.running = lab.running
            self.message = lab.message
            # Simulator money says so wherever it is shown ("$3.60 (simulated)").
            simulated = lab.client is not None and bool(lab.client.simulated)
            self.spent = format_cost(lab.committed) + (" (simulated)" if simulated else "")
            self.timeline = self.timeline_svg() if any(j.queued_at is not None for j in lab.jobs) else ""
            self.compare_indexes = list(lab.compare_indexes)
            self.compared = [self._compared_row(job, caption) for job, caption in compared]
        self._sync_frame_compare(compared)

    @staticmethod
    def _job_row(job: LabJob, keys: list[str]) -> dict[str, Any]:
        video = job.video
        return {
            "index": job.index,
            "label": label(job.variant.values, keys) or f"variant {job.index + 1}",
            "prompt": job.variant.request.prompt,
            "size": job.variant.request.size,
            "seconds": job.variant.request.seconds,
            "model": job.variant.request.model,
            "cost": format_estimate(job.variant.estimate),  # "unknown" for a model without a price
            "elapsed": _elapsed(job),
            "status": job.status,
            "progress": -1.0 if job.progress is None else float(job.progress),
            "task_id": job.task_id or "",
            "error": job.error or "",
            "has_video": video is not None,
            # Thumbnails are keyed by the task that made the video: a rebuilt sweep or a rerun at
            # the same index is a new task, so it never shows an old picture.
            "video_key": video.task_id if video is not None else "",
            "width": video.width if video else 0,
            "height": video.height if video else 0,
            "favourite": bool(video and video.favourite),
            "can_rerun": job.status in ("failed", "skipped"),
            "coach": _coach_summary(job.variant.request.prompt),
        }

    @staticmethod
    def _compared_row(job: LabJob, caption: str) -> dict[str, Any]:
        video = job.video
        assert video is not None
        return {
            "index": job.index,
            "key": video.task_id,
            "label": caption,
            "favourite": video.favourite,
            "width": video.width,
            "height": video.height,
            # A remix is Sora's (remix_video_id); a catalog model's request has no such field.
            "can_remix": bool(video.remix_id) and not job.variant.request.is_catalog,
        }

    def _sync_frame_compare(self, compared: list[tuple[LabJob, str]]) -> None:
        """The compared videos frame by frame, under them (when two or more)."""
        videos = [job.video for job, _ in compared if job.video is not None and job.video.path is not None]
        keys = [(v.task_id, str(v.path)) for v in videos]
        if keys == self._frame_keys:
            return
        self._frame_keys = keys
        self.frame_compare.client = self.client
        shown = len(videos) >= 2
        self.frame_compare.set_videos(
            videos if shown else [], labels=[c for _, c in compared] if shown else []
        )

    # -- the lab's API, on the widget ---------------------------------------------------------

    def start(self) -> Job[list[LabJob]]:
        """Run in the background on the kernel's loop (what the Run button does)."""
        return Job(
            self.in_background(self.lab.run(), name="prompt lab run"), label=f"sweep of {self.lab.count}"
        )

    def stop(self) -> None:
        """Stop the lab's background work (what the Stop button does).

        Jobs not finished are marked; tasks already created go on at the service and are in the
        client's journal, so ``await client.resume()`` finishes them without a new create.
        """
        self._background.cancel_all()

    @property
    def compare_labels(self) -> list[dict[str, Any]]:
        """The compared videos' captions: ``[{"index": 0, "label": "light: dusk"}, ...]``."""
        return [{"index": row["index"], "label": row["label"]} for row in self.compared]

    def timeline_svg(self) -> str:
        """An SVG picture of the batch: when each job was queued, ran and finished."""
        return timeline_svg(self.lab.timeline_rows(), now=self.lab.now() if self.lab.running else None)

    # -- the compared videos' playback ----------------------------------------------------------

    def play_all(self) -> None:
        """Play every compared video."""
        self.playing = True

    def pause_all(self) -> None:
        """Pause every compared video."""
        self.playing = False

    def seek_all(self, seconds: float) -> None:
        """Move every compared video to ``seconds``."""
        self.current_time = max(0.0, float(seconds))

    # -- messages from the page -------------------------------------------------------------------

    @handles("run")
    def _run_clicked(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self.show_error(None)
        self._take_form(content.get("form"), _DEFINITION)  # the sweep the page showed at the press
        self.start()

    @handles("stop")
    def _stop_clicked(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self.stop()

    @handles("rerun")
    async def _rerun_clicked(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        await self.lab.rerun(int(content["index"]))

    @handles("remix")
    async def _remix_clicked(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        await self.lab.remix(int(content["index"]), str(content.get("prompt") or "") or None)

    @handles("favourite")
    def _star_clicked(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self.lab.favourite(int(content["index"]), bool(content.get("value", True)))

    @handles("compare")
    def _compare_picked(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self.lab.compare([int(i) for i in content.get("indexes", [])])

    @handles("ready")
    def _view_ready(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        # A new view starts from the state it was given: Python's changes up to "seq".
        self._view_started(content.get("seq"))

    @handles("export")
    def _export(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        """The Export buttons: the jobs as a CSV or JSON file, sent to the page to download."""
        fmt = str(content.get("format") or "csv")
        if fmt not in ("csv", "json"):
            raise ValueError(f"cannot export as {fmt!r}; choose csv or json.")
        text = self.lab.to_csv() if fmt == "csv" else self.lab.to_json()
        mime = "text/csv" if fmt == "csv" else "application/json"
        self.send({"type": "download", "name": f"prompt-lab.{fmt}", "mime": mime}, buffers=[text.encode()])

    async def _local_video(self, index: int, key: str | None) -> tuple[LabJob, Video] | None:
        """The job's finished video with its file on disk, unless the job moved on from ``key``."""
        job = self.lab.job(index)
        video = job.video
        if video is None or (key is not None and key != video.task_id):
            return None
        if video.path is None:
            path = await self.lab.ensure_client().download(video)
            job.video = video = video.with_changes(path=path)
        return job, video

    @handles("want_thumb")
    async def _send_thumb(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        """The middle frame of a finished video, as JPEG bytes in a binary message.

        ``key`` is the task id the page asked about; if the job has moved on since (a new sweep,
        a rerun), nothing is sent.
        """
        index, key = int(content["index"]), str(content.get("key") or "") or None
        found = await self._local_video(index, key)
        if found is None:
            return
        video = found[1]
        data = self._thumbs.get(video.task_id)
        if data is None:
            assert video.path is not None
            data = await asyncio.to_thread(video_thumbnail, video.path, max_side=320)
            self._thumbs[video.task_id] = data
        self.send(
            {"type": "thumb", "index": index, "key": video.task_id, "mime": "image/jpeg"}, buffers=[data]
        )

    @handles("want_video")
    async def _send_video(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        """A compared video's bytes, in a binary message keyed by its task id."""
        found = await self._local_video(int(content["index"]), str(content.get("key") or "") or None)
        if found is None:
            return
        video = found[1]
        assert video.path is not None
        data = await asyncio.to_thread(Path(video.path).read_bytes)
        self.send({"type": "video", "key": video.task_id, "mime": "video/mp4"}, buffers=[data])
