"""PromptLab: many prompt variants at once, run under a budget, compared side by side."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets
import traitlets as t

from ..errors import GenerationFailed, InvalidRequestError, SoraError
from ..models.catalog import front_catalog
from ..models.coach import PromptReport, coach
from ..models.task import Task, status_vocabulary
from ..models.variants import (
    TimelineRow,
    Variant,
    expand,
    fit_budget,
    rows_to_csv,
    rows_to_json,
    spread_order,
    template_slots,
    timeline_svg,
    total_cost,
    varying_keys,
)
from ..models.video import Video
from ._base import SoraWidget
from ._common import BackgroundTasks, describe_error, format_cost, video_thumbnail
from .frames import FrameCompare
from .player import VideoPlayer

if TYPE_CHECKING:
    from ..client import BatchResult, SoraClient

__all__ = ["LabJob", "PromptLab"]

# Statuses a job can show besides the task's own (pending, in_progress, completed, failed).
PLANNED, SKIPPED, QUEUED = "planned", "skipped", "queued"
_FINAL = ("completed", "failed", SKIPPED)
# After a run, this many finished videos are put side by side unless the user chose some.
AUTO_COMPARE = 6


@dataclass
class LabJob:
    """One variant in the lab and what happened to it.

    Times are seconds since the lab was created (``queued_at``: handed to the client;
    ``started_at``: it left the queue and its create was sent; ``finished_at``: it ended).
    """

    variant: Variant
    status: str = PLANNED
    progress: float | None = None
    task_id: str | None = None
    error: str | None = None
    exception: BaseException | None = field(default=None, repr=False)
    video: Video | None = None
    queued_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    runs: int = 0

    @property
    def index(self) -> int:
        """Position of the variant in the lab (stable across reruns)."""
        return self.variant.index

    @property
    def done(self) -> bool:
        """True once the job completed, failed or was skipped."""
        return self.status in _FINAL

    def row(self) -> dict[str, Any]:
        """A flat export row: index, the variant's values, then what happened."""
        video = self.video
        wait = run = None
        if self.queued_at is not None and self.started_at is not None:
            wait = round(self.started_at - self.queued_at, 3)
        if self.started_at is not None and self.finished_at is not None:
            run = round(self.finished_at - self.started_at, 3)
        return {
            "index": self.index,
            **self.variant.values,
            "prompt": self.variant.request.prompt,
            "status": self.status,
            "task_id": self.task_id,
            "estimated_cost": self.variant.estimated_cost,
            "cost": video.cost if video else None,
            "favourite": bool(video and video.favourite),
            "path": str(video.path) if video and video.path else None,
            "url": video.url if video else None,
            "remix_id": video.remix_id if video else None,
            "error": self.error,
            "wait_s": wait,
            "run_s": run,
        }


def _spread_fit(
    variants: Sequence[Variant], budget: Decimal | None, committed: Decimal
) -> tuple[list[int], list[int]]:
    """Which variants fit the budget, offered in an order spread across the slot values (see
    :func:`~sora_widgets.models.variants.spread_order`), so a cap never skips whole values.
    Returned positions are in template order."""
    order = spread_order([v.values for v in variants])
    chosen, skipped = fit_budget([variants[i].estimated_cost for i in order], budget, committed=committed)
    return sorted(order[i] for i in chosen), sorted(order[i] for i in skipped)


def _reused(variant: Variant, done: LabJob | None) -> LabJob:
    """A new job for ``variant``, carrying over ``done``'s finished video when there is one."""
    if done is None or done.video is None:
        return LabJob(variant)
    labels = {**done.video.labels, **variant.values}
    return LabJob(
        variant,
        status="completed",
        progress=1.0,
        task_id=done.task_id,
        video=done.video.with_changes(labels=labels),
        queued_at=done.queued_at,
        started_at=done.started_at,
        finished_at=done.finished_at,
        runs=done.runs,
    )


def _label(values: Mapping[str, str], keys: Sequence[str]) -> str:
    """``"shot: Wide shot · setting: snow"``: the given keys' values (cards, timeline, compare)."""
    return " · ".join(f"{k}: {values[k]}" for k in keys if k in values)


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


def _coach_summary(prompt: str) -> dict[str, Any]:
    """What a variant's cell shows of the prompt coach's report."""
    report = coach(prompt)
    return {
        "score": report.score,
        "missing": report.missing,
        "single_purpose": report.single_purpose,
        "advice": list(report.advice),
    }


def _error_text(exc: BaseException) -> str:
    text = describe_error(exc)
    if isinstance(exc, GenerationFailed) and exc.meaning and exc.meaning not in text:
        text = f"{text} ({exc.meaning})"
    return text


class PromptLab(SoraWidget, front="prompt_lab"):
    """Run a sweep of prompt variants under a budget, then compare the videos side by side.

    Example:
        >>> import sora_widgets as sw
        >>> lab = sw.PromptLab(template="{shot} of a fox in {setting}",
        ...                    slots={"shot": ["Wide shot", "Close-up"], "setting": ["snow", "a forest"]},
        ...                    seconds=[4], budget=5)
        >>> lab.count, lab.estimated_cost      # before anything runs
        (4, Decimal('4.80'))
        >>> lab                                # the widget: edit, run, watch, compare  # doctest: +SKIP
        >>> await lab.run()                    # or press Run                           # doctest: +SKIP
        >>> lab.results[0].labels, lab.to_csv()                                         # doctest: +SKIP

    Variants are a template with ``{slots}`` crossed with value lists, or a plain list of
    prompts, crossed with sizes and lengths. The lab never sends more than ``budget`` USD of
    estimated cost in total (reruns and remixes included); variants that would exceed it are
    marked ``skipped``. Failed variants keep their error and can be rerun alone
    (:meth:`rerun`).

    Compare: finished videos play side by side in :class:`~sora_widgets.VideoPlayer` widgets
    (``lab.players``), each captioned with the values that differ among them. Their play
    state and position are linked in the browser (``jslink``), so play, pause or seek on any one
    moves them all. A lab shown in a cell is its panel with ``lab.compare_view`` under it; put
    both in your own layout to place them elsewhere. After a run the first six finished videos
    are compared unless you chose some (:meth:`compare`).

    Results: :attr:`results` (Videos whose ``labels`` hold the slot values, ``favourite`` set by
    :meth:`favourite`), :meth:`to_json`, :meth:`to_csv`, :meth:`to_dataframe` (pandas), and
    :meth:`timeline_svg`, a picture of when each job waited, ran and finished.
    """

    mode = t.Unicode("template").tag(sync=True)  # template | prompts
    template = t.Unicode("").tag(sync=True)
    slots = t.Dict(default_value={}).tag(sync=True)  # name -> list of values
    prompts = t.List(t.Unicode(), default_value=[]).tag(sync=True)
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
    compare_indexes = t.List(t.Int(), default_value=[]).tag(sync=True)
    compare_labels = t.List(t.Dict(), default_value=[]).tag(sync=True)
    timeline = t.Unicode("").tag(sync=True)
    message = t.Unicode("").tag(sync=True)

    def __init__(
        self,
        client: SoraClient | None = None,
        *,
        template: str = "",
        slots: Mapping[str, Sequence[str] | str] | None = None,
        prompts: Sequence[str] | None = None,
        sizes: Sequence[str] | str = ("720x1280",),
        seconds: Sequence[int | str] | int | str = (4,),
        budget: float | Decimal | str | None = None,
        concurrency: int = 4,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        if concurrency < 1:
            raise InvalidRequestError(f"concurrency={concurrency} must be at least 1.")
        super().__init__(**kwargs)
        self.client = client
        self._clock = clock
        self._origin = clock()
        self._jobs: list[LabJob] = []
        self._committed = Decimal("0")
        self._background = BackgroundTasks(self._show_failure)
        self._thumbs: dict[str, bytes] = {}  # task id -> JPEG of its video's first frame
        self._players: dict[int, VideoPlayer] = {}
        self._tiles: dict[int, tuple[ipywidgets.VBox, ipywidgets.ToggleButton]] = {}
        self._links: list[Any] = []
        self._linked: list[int] = []
        self.compare_view = self._build_compare_view()
        with self.hold_sync():
            self.mode = "prompts" if prompts is not None and not template else "template"
            self.template = template
            self.slots = {k: _lines([v] if isinstance(v, str) else v) for k, v in (slots or {}).items()}
            self.prompts = _lines(prompts or [])
            self.sizes = [sizes] if isinstance(sizes, str) else list(sizes)
            self.seconds = [int(seconds)] if isinstance(seconds, (int, str)) else [int(s) for s in seconds]
            self.budget = None if budget is None else float(Decimal(str(budget)))
            self.concurrency = concurrency
        self.observe(
            self._plan_changed, names=["mode", "template", "slots", "prompts", "sizes", "seconds", "budget"]
        )
        self.on_msg(self._on_front_message)
        if template or prompts is not None:
            # Bad input gets its error now, before anything could be sent.
            if self.mode == "prompts":
                expand(prompts=self.prompts, sizes=self.sizes, seconds=self.seconds)
            else:
                expand(self.template, self.slots, sizes=self.sizes, seconds=self.seconds)
        self._replan()

    # -- the plan, before anything runs -----------------------------------------------------

    @property
    def variants(self) -> list[Variant]:
        """The sweep as it is defined now (raises InvalidRequestError when it is not valid).

        Values left over for a slot the template no longer has are ignored here (editing the
        template in the widget leaves them behind); the constructor refuses them outright.
        """
        if self.mode == "prompts":
            return expand(prompts=self.prompts, sizes=self.sizes, seconds=self.seconds)
        names = template_slots(self.template)
        slots = {k: v for k, v in self.slots.items() if k in names}
        return expand(self.template, slots, sizes=self.sizes, seconds=self.seconds)

    @property
    def count(self) -> int:
        """How many videos the sweep makes."""
        return len(self.variants)

    @property
    def estimated_cost(self) -> Decimal:
        """Total estimated cost of the whole sweep in USD, before any budget cap."""
        return total_cost(self.variants)

    @property
    def committed(self) -> Decimal:
        """Estimated cost of every create the lab has sent so far (counts toward the budget)."""
        return self._committed

    def _budget(self) -> Decimal | None:
        return None if self.budget is None else Decimal(str(self.budget)).quantize(Decimal("0.01"))

    def _plan_changed(self, _change: Any) -> None:
        # Once anything has run, editing only re-prices the next sweep: the finished jobs and
        # their videos stay on screen (and in lab.results) until Run starts the next sweep.
        started = any(j.queued_at is not None for j in self._jobs)
        self._replan(keep_jobs=self.running or started)

    def _replan(self, *, keep_jobs: bool = False) -> None:
        """Recompute the summary (and, unless ``keep_jobs``, the jobs grid) from the definition."""
        try:
            variants = self.variants
        except InvalidRequestError as exc:
            self.summary = {"ok": False, "error": str(exc), "count": 0}
            return
        budget = self._budget()
        reusable = self._reusable()
        fresh = [v for v in variants if v.request not in reusable]
        chosen, skipped = _spread_fit(fresh, budget, self._committed)
        with self.hold_sync():
            self.summary = {
                "ok": True,
                "error": "",
                "count": len(variants),
                "total_cost": format_cost(total_cost(variants)),
                "runnable": len(chosen),
                "runnable_cost": format_cost(total_cost(fresh[i] for i in chosen)),
                "reused": len(variants) - len(fresh),
                "over_budget": len(skipped),
                "budget": format_cost(budget) if budget is not None else "",
                "committed": format_cost(self._committed) if self._committed else "",
            }
            if not keep_jobs:
                self._jobs = [_reused(v, reusable.get(v.request)) for v in variants]
                kept = {j.video.task_id for j in self._jobs if j.video is not None}
                # First frames of the jobs just dropped (reused videos keep theirs).
                self._thumbs = {k: v for k, v in self._thumbs.items() if k in kept}
                self.compare_indexes = []
                self._sync_jobs()

    def _reusable(self) -> dict[Any, LabJob]:
        """Finished jobs by their exact request: a new sweep reuses them instead of paying again."""
        return {j.variant.request: j for j in self._jobs if j.status == "completed" and j.video is not None}

    # -- running ----------------------------------------------------------------------------

    def _client(self) -> SoraClient:
        if self.client is None:
            from ..client import SoraClient

            self.client = SoraClient()
        return self.client

    def _now(self) -> float:
        return self._clock() - self._origin

    def _reserve(self, jobs: Sequence[LabJob]) -> list[LabJob]:
        """Jobs that fit under the budget, in order; the rest are marked skipped."""
        budget = self._budget()
        chosen, skipped = _spread_fit([j.variant for j in jobs], budget, self._committed)
        for i in skipped:
            job = jobs[i]
            job.status = SKIPPED
            job.error = (
                f"not run: its estimated {format_cost(job.variant.estimated_cost)} would take the lab past "
                f"its {format_cost(budget)} budget ({format_cost(self._committed)} already committed)."
            )
        selected = [jobs[i] for i in chosen]
        now = self._now()
        for job in selected:
            self._committed += job.variant.estimated_cost
            job.status, job.progress, job.error, job.exception = QUEUED, None, None, None
            job.task_id, job.video, job.runs = None, None, job.runs + 1
            job.queued_at, job.started_at, job.finished_at = now, None, None
        self.spent = format_cost(self._committed)
        return selected

    async def run(self) -> list[LabJob]:
        """Run every variant that fits the budget; return the jobs when all have ended.

        Failures do not stop the batch: each failed job keeps its error (``job.error``) and
        can be rerun alone with :meth:`rerun`.
        """
        if self.running:
            raise InvalidRequestError("the lab is already running; wait for it to finish.")
        self._replan()
        if not self.summary.get("ok"):
            raise InvalidRequestError(str(self.summary.get("error")))
        reused = [j for j in self._jobs if j.done and j.video is not None]
        await self._execute([j for j in self._jobs if not (j.done and j.video is not None)])
        if reused:
            # Said after the run, so the run's own message ("Nothing to run...") does not hide it.
            note = (
                f"Reused {len(reused)} finished video{'s' if len(reused) != 1 else ''} with the same "
                "request instead of paying again."
            )
            self.message = f"{note} {self.message}".strip()
        return list(self._jobs)

    def start(self) -> asyncio.Task[list[LabJob]]:
        """Run in the background on the kernel's loop (what the Run button does)."""
        return self._background.start(self.run(), name="prompt lab run")

    def stop(self) -> None:
        """Stop the lab's background work (what the Stop button does).

        Jobs not finished are marked; tasks already created go on at the service and are in the
        client's journal, so ``await client.resume()`` finishes them without a new create.
        """
        self._background.cancel_all()

    async def rerun(self, index: int) -> LabJob:
        """Run one variant again (a failed or skipped one, typically), within the budget."""
        if self.running:
            raise InvalidRequestError("the lab is running; rerun when it has finished.")
        job = self._job(index)
        await self._execute([job])
        return job

    async def remix(self, index: int, prompt: str | None = None) -> LabJob:
        """Make a variation of a finished video (``remix_video_id``), as a new job in the lab.

        Args:
            index: the job whose video to remix.
            prompt: the new prompt; by default the variant's own prompt.
        """
        if self.running:
            raise InvalidRequestError("the lab is running; remix when it has finished.")
        source = self._job(index)
        if source.video is None or not source.video.remix_id:
            raise InvalidRequestError(f"variant {index} has no finished video to remix yet.")
        request = source.variant.request.replace(
            prompt=prompt or source.variant.request.prompt, remix_video_id=source.video.remix_id
        )
        values = {**source.variant.values, "remix_of": str(index)}
        if prompt:
            values["prompt"] = request.prompt
        job = LabJob(Variant(index=len(self._jobs), request=request, values=values))
        self._jobs.append(job)
        await self._execute([job])
        return job

    async def _execute(self, jobs: list[LabJob]) -> list[LabJob]:
        if self.concurrency < 1:
            raise InvalidRequestError(f"concurrency={self.concurrency} must be at least 1.")
        selected = self._reserve(jobs)
        self.message = ""
        self._sync_jobs()
        if not selected:
            self.message = "Nothing to run within the budget." if jobs else "Nothing to run."
            return jobs
        client = self._client()
        requests = [j.variant.request for j in selected]
        self.running = True
        try:
            async for result in client.iter_many(
                requests,
                concurrency=self.concurrency,
                on_update=lambda i, task: self._on_update(selected[i], task),
                labels=[dict(j.variant.values) for j in selected],
            ):
                self._finish(selected[result.index], result)
        except asyncio.CancelledError:
            for job in selected:
                if not job.done:
                    job.status = "failed"
                    job.error = (
                        f"stopped watching; task {job.task_id} goes on at the service: "
                        "await client.resume() picks it up"
                        if job.task_id
                        else "stopped before it was sent"
                    )
                    job.finished_at = self._now()
            raise
        finally:
            self.running = False
            self._sync_jobs()
        if not self.compare_indexes:
            # Put the first finished videos side by side at once; the user can change the choice.
            finished = [j.index for j in self._jobs if j.video is not None]
            if finished:
                self.compare(finished[:AUTO_COMPARE])
        return jobs

    def _on_update(self, job: LabJob, task: Task) -> None:
        if job.done:
            return
        if job.started_at is None:
            job.started_at = self._now()
        job.task_id = task.id
        job.status = task.status
        job.progress = task.progress
        self._sync_jobs()

    def _finish(self, job: LabJob, result: BatchResult) -> None:
        now = self._now()
        # The client's own times are exact (started = a concurrency slot was free); ours are
        # the fallback when a client does not report them.
        for name in ("queued_at", "started_at", "finished_at"):
            when = getattr(result, name, None)
            if when is not None:
                setattr(job, name, when.timestamp() - self._origin)
        if job.started_at is None:
            job.started_at = now
        if job.finished_at is None or getattr(result, "finished_at", None) is None:
            job.finished_at = now
        if result.video is not None:
            labels = {**result.video.labels, **job.variant.values}
            job.video = result.video.with_changes(labels=labels)
            job.task_id = job.video.task_id
            job.status, job.progress, job.error = "completed", 1.0, None
        else:
            exc = result.error or SoraError("the job ended without a video or an error")
            job.exception = exc
            job.error = _error_text(exc)
            job.status = "failed"
            task_id = getattr(exc, "task_id", None)
            job.task_id = task_id or job.task_id
        self._sync_jobs()

    def _show_failure(self, exc: BaseException) -> None:
        self.message = _error_text(exc)

    # -- results ----------------------------------------------------------------------------

    def _job(self, index: int) -> LabJob:
        for job in self._jobs:
            if job.index == index:
                return job
        raise InvalidRequestError(f"there is no variant {index}; the lab has 0..{len(self._jobs) - 1}.")

    @property
    def lab_jobs(self) -> list[LabJob]:
        """Every job: its variant, status, error, video and times."""
        return list(self._jobs)

    @property
    def results(self) -> list[Video]:
        """The finished videos, in variant order; each Video's ``labels`` hold its slot values."""
        return [j.video for j in self._jobs if j.video is not None]

    @property
    def failures(self) -> list[LabJob]:
        """Jobs that ended failed, with their error."""
        return [j for j in self._jobs if j.status == "failed"]

    def favourite(self, index: int, value: bool = True) -> Video:
        """Mark (or unmark) a finished video as a favourite; returns the updated Video."""
        job = self._job(index)
        if job.video is None:
            raise InvalidRequestError(f"variant {index} has no finished video to mark.")
        job.video = job.video.with_changes(favourite=bool(value))
        self._sync_jobs()
        return job.video

    @property
    def favourites(self) -> list[Video]:
        """The videos marked as favourites."""
        return [v for v in self.results if v.favourite]

    def compare(self, indexes: Sequence[int] | None = None) -> None:
        """Put finished videos side by side (all finished ones when None), in the given order."""
        chosen = [j.index for j in self._jobs if j.video is not None] if indexes is None else list(indexes)
        for i in chosen:
            if self._job(i).video is None:
                raise InvalidRequestError(f"variant {i} has no finished video to compare.")
        self.compare_indexes = chosen
        self._sync_compare()

    def rows(self) -> list[dict[str, Any]]:
        """One flat dict per job (the export format)."""
        return [j.row() for j in self._jobs]

    def to_json(self) -> str:
        """Every job as JSON text (no pandas needed)."""
        return rows_to_json(self.rows())

    def to_csv(self, path: str | Path | None = None) -> str:
        """Every job as CSV text; also written to ``path`` when given."""
        text = rows_to_csv(self.rows())
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_dataframe(self) -> Any:
        """Every job as a pandas DataFrame.

        Raises:
            ImportError: when pandas is not installed (use :meth:`to_json` or :meth:`to_csv`).
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(
                "to_dataframe needs pandas: pip install 'sora-widgets[pandas]'; "
                "or use lab.to_json() / lab.to_csv(), which need nothing."
            ) from None
        return pd.DataFrame(self.rows())

    def timeline_rows(self) -> list[TimelineRow]:
        """The batch as timeline rows (jobs that were handed to the client)."""
        rows = []
        keys = self._label_keys()
        for job in self._jobs:
            if job.queued_at is None:
                continue
            status = job.status if job.status in ("completed", "failed", SKIPPED, QUEUED) else "running"
            label = f"#{job.index} " + _label(job.variant.values, keys)
            rows.append(TimelineRow(label, job.queued_at, job.started_at, job.finished_at, status))
        return rows

    def _label_keys(self) -> list[str]:
        """The keys whose values differ between the lab's jobs (every key for a lone job)."""
        values = [j.variant.values for j in self._jobs]
        keys = varying_keys(values) if len(values) > 1 else []
        return keys or [k for k in (values[0] if values else {}) if k not in ("size", "seconds")]

    def timeline_svg(self) -> str:
        """An SVG picture of the batch: when each job was queued, ran and finished."""
        return timeline_svg(self.timeline_rows(), now=self._now() if self.running else None)

    # -- to the browser ---------------------------------------------------------------------

    def _sync_jobs(self) -> None:
        # The values that differ between the jobs (size and length show on their own line).
        keys = [k for k in self._label_keys() if k not in ("size", "seconds")]
        rows = []
        for job in self._jobs:
            video = job.video
            rows.append(
                {
                    "index": job.index,
                    "label": _label(job.variant.values, keys) or f"variant {job.index}",
                    "prompt": job.variant.request.prompt,
                    "size": job.variant.request.size,
                    "seconds": job.variant.request.seconds,
                    "cost": format_cost(job.variant.estimated_cost),
                    "status": job.status,
                    "progress": -1.0 if job.progress is None else float(job.progress),
                    "task_id": job.task_id or "",
                    "error": job.error or "",
                    "has_video": video is not None,
                    # Thumbnails are keyed by the task that made the video: a rebuilt sweep or a
                    # rerun at the same index is a new task, so it never shows an old picture.
                    "video_key": video.task_id if video is not None else "",
                    "width": video.width if video else 0,
                    "height": video.height if video else 0,
                    "favourite": bool(video and video.favourite),
                    "can_rerun": job.status in ("failed", SKIPPED),
                    "coach": _coach_summary(job.variant.request.prompt),
                }
            )
        with self.hold_sync():
            self.jobs = rows
            self.spent = format_cost(self._committed)
            self.timeline = self.timeline_svg() if any(j.queued_at is not None for j in self._jobs) else ""
            self._sync_compare()

    def _build_compare_view(self) -> ipywidgets.VBox:
        play = ipywidgets.Button(description="▶ Play all", tooltip="Play all compared videos")
        pause = ipywidgets.Button(description="❚❚ Pause all", tooltip="Pause all compared videos")
        play.on_click(lambda _b: self.play_all())
        pause.on_click(lambda _b: self.pause_all())
        self._compare_grid = ipywidgets.GridBox(
            layout=ipywidgets.Layout(
                grid_template_columns="repeat(auto-fill, minmax(260px, 1fr))", grid_gap="8px", width="100%"
            )
        )
        header = ipywidgets.HBox(
            [ipywidgets.Label("Compare (play, pause and seek move every video)"), play, pause]
        )
        # The same videos frame by frame: a click on a still seeks every compared player there.
        self.frame_compare = FrameCompare(client=self.client)
        self.frame_compare.layout.display = "none"
        view = ipywidgets.VBox(
            [header, self._compare_grid, self.frame_compare], layout=ipywidgets.Layout(display="none")
        )
        view.add_class("sw-lab-compare-view")
        return view

    def _sync_compare(self) -> None:
        """Labels, players and their links for the compared videos (VideoPlayer, kept in sync)."""
        shown = [i for i in self.compare_indexes if self._has_video(i)]
        # Every caption names the same keys, in the same order and form as the cards' titles:
        # those whose values differ among the compared videos.
        values = [self._job(i).variant.values for i in shown]
        keys = varying_keys(values) if len(values) > 1 else []
        labels = [_label(v, keys) or f"variant {i}" for i, v in zip(shown, values, strict=True)]
        self.compare_labels = [{"index": i, "label": text} for i, text in zip(shown, labels, strict=True)]
        if not hasattr(self, "compare_view"):
            return  # still constructing
        tiles = []
        for i, text in zip(shown, labels, strict=True):
            video = self._job(i).video
            assert video is not None
            player = self._players.get(i)
            if player is None:
                player = VideoPlayer(video, client=self.client, compact=True, caption=text)
                player.muted = True  # followers start without a click only when muted
                player.add_class(f"sw-lab-player-{i}")
                self._players[i] = player
            elif player.video is None or player.video.task_id != video.task_id:
                player.show(video)
            player.caption = text
            tile, star = self._tile(i, player)
            star.value = video.favourite
            star.description = "★ favourite" if video.favourite else "☆ favourite"
            tiles.append(tile)
        if tuple(tiles) != tuple(self._compare_grid.children):
            self._compare_grid.children = tuple(tiles)
        self.compare_view.layout.display = "flex" if tiles else "none"
        if shown != self._linked:
            self._relink([self._players[i] for i in shown])
            self._linked = shown
        self._sync_frame_compare(shown, labels)

    def _sync_frame_compare(self, shown: list[int], labels: list[str]) -> None:
        """The compared videos frame by frame, under their players (when two or more)."""
        videos = [v for v in (self._job(i).video for i in shown) if v is not None]
        keys = [(v.task_id, str(v.path)) for v in videos]
        if keys == getattr(self, "_frame_keys", None):
            return
        self._frame_keys = keys
        self.frame_compare.client = self.client
        self.frame_compare.link_players([self._players[i] for i in shown])
        self.frame_compare.set_videos(
            videos if len(videos) >= 2 else [], labels=labels if len(videos) >= 2 else []
        )
        self.frame_compare.layout.display = "flex" if len(videos) >= 2 else "none"

    def coach_reports(self) -> list[PromptReport]:
        """The prompt coach's report on each variant's prompt, in variant order."""
        return [coach(job.variant.request.prompt) for job in self._jobs]

    def _tile(self, index: int, player: VideoPlayer) -> tuple[ipywidgets.VBox, ipywidgets.ToggleButton]:
        if index not in self._tiles:
            star = ipywidgets.ToggleButton(description="☆ favourite", tooltip=f"Favourite variant {index}")
            star.observe(lambda change: self._star_toggled(index, change), names="value")
            remix = ipywidgets.Button(description="Remix", tooltip=f"Remix variant {index}")
            remix.on_click(lambda _b: self._start_remix(index))
            tile = ipywidgets.VBox([player, ipywidgets.HBox([star, remix])])
            tile.add_class("sw-lab-tile")
            self._tiles[index] = (tile, star)
        return self._tiles[index]

    def _star_toggled(self, index: int, change: Mapping[str, Any]) -> None:
        job = self._job(index)
        if job.video is not None and job.video.favourite != bool(change["new"]):
            self.favourite(index, bool(change["new"]))

    def _start_remix(self, index: int) -> None:
        try:
            self._background.start(self.remix(index), name="prompt lab remix")
        except RuntimeError as exc:
            self.message = _error_text(exc)

    def _relink(self, players: list[VideoPlayer]) -> None:
        """Link play state and position of every compared player to the first one.

        ``jslink`` runs in the browser, so a click or a seek on any player reaches the others
        without a round trip through the kernel (and works while a cell is running).
        """
        for link in self._links:
            link.unlink()
        self._links = []
        if len(players) < 2:
            return
        leader = players[0]
        for follower in players[1:]:
            for name in ("playing", "current_time"):
                self._links.append(ipywidgets.jslink((leader, name), (follower, name)))

    @property
    def players(self) -> list[VideoPlayer]:
        """The compared videos' players, in compare order."""
        return [self._players[i] for i in self._linked]

    def play_all(self) -> None:
        """Play every compared video."""
        for player in self.players:
            player.play()

    def pause_all(self) -> None:
        """Pause every compared video."""
        for player in self.players:
            player.pause()

    def seek_all(self, seconds: float) -> None:
        """Move every compared video to ``seconds``."""
        for player in self.players:
            player.seek(seconds)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # Shown in a cell, the lab is its panel with the compare players under it.
        return ipywidgets.VBox([self, self.compare_view])._repr_mimebundle_(**kwargs)

    def _has_video(self, index: int) -> bool:
        try:
            return self._job(index).video is not None
        except InvalidRequestError:
            return False

    async def _send_thumb(self, index: int, key: str | None = None) -> None:
        """The first frame of a finished video, as JPEG bytes in a binary message.

        ``key`` is the task id the browser asked about; if the job has moved on since (a new
        sweep, a rerun), nothing is sent.
        """
        job = self._job(index)
        video = job.video
        if video is None or (key is not None and key != video.task_id):
            return
        path = video.path
        if path is None:
            path = await self._client().download(video)
            job.video = video.with_changes(path=path)
        key = video.task_id
        data = self._thumbs.get(key)
        if data is None:
            try:
                data = await asyncio.to_thread(video_thumbnail, path, max_side=320)
            except OSError as exc:
                self.message = f"variant {index}: cannot show the video ({exc})."
                return
            self._thumbs[key] = data
        self.send({"type": "thumb", "index": index, "key": key, "mime": "image/jpeg"}, buffers=[data])

    def _export(self, fmt: str) -> None:
        """The Export buttons: the jobs as a CSV or JSON file, sent to the page to download."""
        if fmt not in ("csv", "json"):
            raise ValueError(f"cannot export as {fmt!r}; choose csv or json.")
        text = self.to_csv() if fmt == "csv" else self.to_json()
        mime = "text/csv" if fmt == "csv" else "application/json"
        name = f"prompt-lab.{fmt}"
        self.send({"type": "download", "name": name, "mime": mime}, buffers=[text.encode("utf-8")])

    def _on_front_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        try:
            if kind == "run":
                self.start()
            elif kind == "stop":
                self.stop()
            elif kind == "rerun":
                self._background.start(self.rerun(int(content["index"])), name="prompt lab rerun")
            elif kind == "remix":
                prompt = str(content.get("prompt") or "") or None
                self._background.start(self.remix(int(content["index"]), prompt), name="prompt lab remix")
            elif kind == "favourite":
                self.favourite(int(content["index"]), bool(content.get("value", True)))
            elif kind == "compare":
                self.compare([int(i) for i in content.get("indexes", [])])
            elif kind == "want_thumb":
                key = str(content["key"]) if content.get("key") else None
                thumb = self._send_thumb(int(content["index"]), key)
                self._background.start(thumb, name="prompt lab thumbnail")
            elif kind == "export":
                self._export(str(content.get("format") or "csv"))
            elif kind == "play_all":
                self.play_all()
            elif kind == "pause_all":
                self.pause_all()
        except (InvalidRequestError, KeyError, ValueError, TypeError, RuntimeError) as exc:
            self.message = _error_text(exc)
