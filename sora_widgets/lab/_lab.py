"""Lab: a sweep of prompt variants, planned, priced, run under a budget and exported, with no front end.

The :class:`~sora_widgets.PromptLab` widget is this lab with a face; the lab alone works in a
script, a test or any notebook::

    >>> import sora_widgets as sw
    >>> lab = sw.Lab(template="{shot} of a fox in {setting}",
    ...              slots={"shot": ["Wide shot", "Close-up"], "setting": ["snow", "a forest"]},
    ...              seconds=[4], budget=5)
    >>> lab.count, lab.estimated_cost, lab.plan()["runnable"]
    (4, Decimal('4.80'), 4)
    >>> jobs = await lab.run()                                  # doctest: +SKIP
    >>> lab.to_csv()                                            # doctest: +SKIP

A lab never sends more than ``budget`` USD of estimated cost in total (reruns and remixes
included); variants past it are ``skipped``, chosen spread across the slot values so a cap never
drops whole values. A new sweep reuses the finished videos of the same request instead of
paying again. A view follows the lab the way every feature's view follows its headless object
(the storyboard's too): ``lab.observe(callback)``, then ``callback(lab)`` after every change of
state; ``lab.unobserve(callback)`` when the view closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..coaching import PromptReport, coach
from ..errors import GenerationFailed, InvalidRequestError, SoraError, redact
from ..models.catalog import MODELS, T2V
from ..models.money import format_money
from ..models.prices import format_estimate
from ..models.request import VideoRequest, normalize_size
from ..models.specs import ModelSpec
from ..models.task import Task
from ..models.variants import (
    TimelineRow,
    Variant,
    expand,
    fit_budget,
    prompt_cells,
    rows_to_csv,
    rows_to_json,
    spread_order,
    template_slots,
    total_cost,
    varying_keys,
)
from ..models.video import Video
from ._sweep import expand_models

if TYPE_CHECKING:
    from ..client import BatchResult, SoraClient

__all__ = ["AUTO_COMPARE", "Lab", "LabJob", "label"]

# Statuses a job can show besides the task's own (pending, in_progress, completed, failed).
PLANNED, SKIPPED, WAITING = "planned", "skipped", "waiting"
_FINAL = ("completed", "failed", SKIPPED)
# After a run, this many finished videos are compared unless the user chose some.
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
        values: dict[str, Any] = dict(self.variant.values)
        if str(values.get("seconds", "")).isdigit():
            # A number in exports (the API's string form is only needed on the wire).
            values["seconds"] = int(values["seconds"])
        return {
            "index": self.index,
            **values,
            "prompt": self.variant.request.prompt,
            "status": self.status,
            "task_id": self.task_id,
            "estimated_cost": _money(estimate) if (estimate := self.variant.estimate) is not None else None,
            "cost": _money(video.cost) if video and video.cost is not None else None,
            "favourite": bool(video and video.favourite),
            "path": str(video.path) if video and video.path else None,
            "url": video.url if video else None,
            "remix_id": video.remix_id if video else None,
            "error": self.error,
            "wait_s": wait,
            "run_s": run,
        }


def _money(amount: Decimal) -> Decimal:
    """Whole cents as exports write money ("1.20", not "1.200000"); finer prices kept exact."""
    cents = amount.quantize(Decimal("0.01"))
    return cents if cents == amount else amount.normalize()


def label(values: Mapping[str, str], keys: Sequence[str]) -> str:
    """``"shot: Wide shot · setting: snow"``: the given keys' values (cards, timeline, compare)."""
    return " · ".join(f"{k}: {values[k]}" for k in keys if k in values)


def lines(value: Any) -> list[str]:
    """Non-empty stripped lines of a text, or of a list's items."""
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


def error_text(exc: BaseException) -> str:
    """One redacted line for a failure (with the meaning of a service error code)."""
    text = str(exc) or type(exc).__name__
    text = redact(text if isinstance(exc, SoraError) else f"{type(exc).__name__}: {text}")
    if isinstance(exc, GenerationFailed) and exc.meaning and exc.meaning not in text:
        text = f"{text} ({exc.meaning})"
    return text


def _spread_fit(
    variants: Sequence[Variant], budget: Decimal | None, committed: Decimal
) -> tuple[list[int], list[int]]:
    """Which variants fit the budget, offered in an order spread across the slot values (see
    :func:`~sora_widgets.models.variants.spread_order`), so a cap never skips whole values.
    Returned positions are in template order."""
    order = spread_order([v.values for v in variants])
    # Without a cap an unknown price runs (shown as "unknown"); a cap needs every price.
    costs = [v.estimated_cost if budget is not None else v.estimate or Decimal(0) for v in variants]
    chosen, skipped = fit_budget([costs[i] for i in order], budget, committed=committed)
    return sorted(order[i] for i in chosen), sorted(order[i] for i in skipped)


def priced(variants: Sequence[Variant]) -> str:
    """The estimated total of some variants: ``"$2.40"``, ``"$2.40 + 2 unknown"``, ``"unknown"``."""
    known = [v.estimate for v in variants if v.estimate is not None]
    unknown = len(variants) - len(known)
    if not unknown:
        return format_money(sum(known, Decimal("0.00")))
    if not known:
        return format_estimate(None)
    return f"{format_money(sum(known, Decimal('0.00')))} + {unknown} unknown"


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


class Lab:
    """A sweep of prompt variants: the plan, the budget, the run, the results (no front end).

    Variants are a template with ``{slots}`` crossed with value lists (``mode="template"``), or
    a plain list of prompts (``mode="prompts"``), crossed with sizes and lengths, and with
    ``models`` when given: the same prompts on several models of the catalog, side by side
    (``models=["sora_2_pro_t2v", "kirin_v2_6_t2v", "spark_dance_v2_0"]``). Each model's
    requests are checked against its own spec; sizes and lengths become its own parameters, and
    what a model makes differently is said in ``summary["notes"]`` (see :mod:`._sweep`). A model
    without a known price is estimated as "unknown" and runs without a budget; a budget needs
    its price (``client.prices.set(...)``). Change the definition by assigning ``template``,
    ``slots``, ``prompts``, ``models``, ``sizes``, ``seconds``, ``budget``, then call :meth:`plan`
    (the view does this on every edit); :meth:`load_models` reads the specs a model sweep needs.
    """

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
    ) -> None:
        if concurrency < 1:
            raise InvalidRequestError(f"concurrency={concurrency} must be at least 1.")
        self.client = client
        self.mode = "prompts" if prompts is not None and not template else "template"
        self.template = template
        self.slots: dict[str, list[str]] = {
            k: lines([v] if isinstance(v, str) else v) for k, v in (slots or {}).items()
        }
        self.prompts = lines(prompts or [])
        #: The model axis (empty: Sora 2 Pro, the request inferred as before).
        self.models = lines([models] if isinstance(models, str) else models or [])
        # What a model sweep needs of the catalog (read by load_models).
        self._specs: dict[str, ModelSpec] = {}
        self._endpoints: dict[str, str] = {}
        self._unreadable: dict[str, str] = {}  # model -> why its spec could not be read
        self.notes: list[str] = []
        self.sizes = [sizes] if isinstance(sizes, str) else list(sizes)
        self.seconds = [int(seconds)] if isinstance(seconds, (int, str)) else [int(s) for s in seconds]
        self.budget = budget  # the property parses it
        self.concurrency = concurrency
        self._observers: list[Callable[[Lab], Any]] = []
        self.running = False
        self.message = ""  # what the last run or edit has to say (reuse, nothing to run)
        self.compare_indexes: list[int] = []
        self.summary: dict[str, Any] = {}
        self._clock = clock
        self._origin = clock()
        self._jobs: list[LabJob] = []
        self._committed = Decimal("0")
        if self.models:
            # The prompts and the Sora models are checked now; other models once their specs are read.
            prompt_cells(*self._prompt_source())
        elif template or prompts is not None:
            # Bad input gets its error now, before anything could be sent.
            if self.mode == "prompts":
                expand(prompts=self.prompts, sizes=self.sizes, seconds=self.seconds)
            else:
                expand(self.template, self.slots, sizes=self.sizes, seconds=self.seconds)
        self.plan()

    # -- the plan, before anything runs -----------------------------------------------------

    @property
    def budget(self) -> Decimal | None:
        """The cap on estimated cost in USD (None: no cap)."""
        return self._budget

    @budget.setter
    def budget(self, value: float | Decimal | str | None) -> None:
        self._budget = None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))

    @property
    def variants(self) -> list[Variant]:
        """The sweep as it is defined now (raises InvalidRequestError when it is not valid).

        Values left over for a slot the template no longer has are ignored here (editing the
        template leaves them behind); the constructor refuses them outright.
        """
        if self.models:
            return self._model_variants()
        if self.mode == "prompts":
            return expand(prompts=self.prompts, sizes=self.sizes, seconds=self.seconds)
        template, slots, _ = self._prompt_source()
        return expand(template, slots, sizes=self.sizes, seconds=self.seconds)

    def _prompt_source(self) -> tuple[str | None, dict[str, list[str]] | None, list[str] | None]:
        """(template, its slots, prompts) as defined now, for the mode in use."""
        if self.mode == "prompts":
            return None, None, self.prompts
        names = template_slots(self.template)
        return self.template, {k: v for k, v in self.slots.items() if k in names}, None

    def _model_variants(self) -> list[Variant]:
        models = list(dict.fromkeys(self.models))
        for model in models:
            if model in self._unreadable:
                raise InvalidRequestError(self._unreadable[model])
        sizes = list(dict.fromkeys(normalize_size(s) for s in self.sizes)) or [normalize_size(None)]
        seconds = list(dict.fromkeys(self.seconds)) or [T2V.default_seconds]
        cells = prompt_cells(*self._prompt_source(), times=len(models) * len(sizes) * len(seconds))
        variants, self.notes = expand_models(
            cells, models, self._specs, sizes=sizes, seconds=seconds, endpoints=self._endpoints
        )
        return variants

    async def load_models(self) -> None:
        """Read the spec of every model in the sweep that is not a Sora model (cached by the
        client), then plan again. :meth:`run` does this first; the view does it on every edit.

        Raises:
            ModelUnavailableError: the catalog does not offer a model (naming the closest).
        """
        from ..client._catalog import endpoint_path

        wanted = [m for m in dict.fromkeys(self.models) if m not in MODELS and m not in self._specs]
        if not wanted:
            return
        client = self.ensure_client()
        try:
            for model in wanted:
                self._unreadable.pop(model, None)
                try:
                    spec = await client.model_spec(model)
                    self._endpoints[model] = endpoint_path(spec.endpoint, client.base_url)
                except SoraError as exc:
                    self._unreadable[model] = error_text(exc)  # the plan says it until the next try
                    raise
                self._specs[model] = spec
        finally:
            self.plan()

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

    def plan(self, *, keep_jobs: bool | None = None) -> dict[str, Any]:
        """Price the sweep as defined now and return the summary (also kept in ``summary``).

        Unless ``keep_jobs`` (by default: once anything has run), the jobs are rebuilt from the
        definition, reusing finished videos of the same request. Once something has run, an
        edit only re-prices the next sweep: the finished jobs stay until :meth:`run`.
        """
        if keep_jobs is None:
            keep_jobs = self.running or any(j.queued_at is not None for j in self._jobs)
        budget = self.budget
        reusable = self._reusable()
        try:
            variants = self.variants
            fresh = [v for v in variants if v.request not in reusable]
            chosen, skipped = _spread_fit(fresh, budget, self._committed)
        except InvalidRequestError as exc:
            self.summary = {"ok": False, "error": str(exc), "count": 0}
            self._changed()
            return self.summary
        self.summary = {
            "ok": True,
            "error": "",
            "count": len(variants),
            "total_cost": priced(variants),
            "runnable": len(chosen),
            "runnable_cost": priced([fresh[i] for i in chosen]),
            "reused": len(variants) - len(fresh),
            "over_budget": len(skipped),
            "budget": format_money(budget) if budget is not None else "",
            "committed": format_money(self._committed) if self._committed else "",
        }
        if self.models:
            self.summary["notes"] = list(self.notes)  # what a model makes differently, said
        if not keep_jobs:
            self._jobs = [_reused(v, reusable.get(v.request)) for v in variants]
            self.compare_indexes = []
        self._changed()
        return self.summary

    def _reusable(self) -> dict[VideoRequest, LabJob]:
        """Finished jobs by their exact request: a new sweep reuses them instead of paying again."""
        return {j.variant.request: j for j in self._jobs if j.status == "completed" and j.video is not None}

    def observe(self, callback: Callable[[Lab], Any]) -> None:
        """Call ``callback(lab)`` after every change of definition, jobs or running state."""
        self._observers.append(callback)

    def unobserve(self, callback: Callable[[Lab], Any]) -> None:
        """Stop calling ``callback``."""
        if callback in self._observers:
            self._observers.remove(callback)

    def _changed(self) -> None:
        for callback in list(self._observers):
            callback(self)

    # -- running ----------------------------------------------------------------------------

    def ensure_client(self) -> SoraClient:
        """The lab's client (a default ``SoraClient()`` is made the first time one is needed)."""
        if self.client is None:
            from ..client import SoraClient

            self.client = SoraClient()
        return self.client

    def now(self) -> float:
        """Seconds since the lab was created (the clock of the jobs' times)."""
        return self._clock() - self._origin

    def _reserve(self, jobs: Sequence[LabJob]) -> list[LabJob]:
        """Jobs that fit under the budget, in order; the rest are marked skipped."""
        budget = self.budget
        chosen, skipped = _spread_fit([j.variant for j in jobs], budget, self._committed)
        selected = [jobs[i] for i in chosen]
        now = self.now()
        for job in selected:
            self._committed += job.variant.estimate or Decimal(0)  # an unknown price runs only uncapped
            job.status, job.progress, job.error, job.exception = WAITING, None, None, None
            job.task_id, job.video, job.runs = None, None, job.runs + 1
            job.queued_at, job.started_at, job.finished_at = now, None, None
        for i in skipped:
            # Said after this run's own jobs are counted: the amount that really stands committed.
            job = jobs[i]
            job.status = SKIPPED
            job.error = (
                f"not run: its estimated {format_money(job.variant.estimated_cost)} would take the lab past "
                f"its {format_money(budget)} budget ({format_money(self._committed)} already committed)."
            )
        return selected

    async def run(self) -> list[LabJob]:
        """Run every variant that fits the budget; return the jobs when all have ended.

        Failures do not stop the batch: each failed job keeps its error (``job.error``) and
        can be rerun alone with :meth:`rerun`.
        """
        if self.running:
            raise InvalidRequestError("the lab is already running; wait for it to finish.")
        await self.load_models()
        self.plan(keep_jobs=False)
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
        # The plan is priced again on what now stands committed: the summary never says "2 will
        # run" next to a run that has just sent them.
        self.plan(keep_jobs=True)
        return list(self._jobs)

    async def rerun(self, index: int) -> LabJob:
        """Run one variant again (a failed or skipped one, typically), within the budget."""
        if self.running:
            raise InvalidRequestError("the lab is running; rerun when it has finished.")
        job = self.job(index)
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
        source = self.job(index)
        if source.variant.request.is_catalog:
            raise InvalidRequestError(
                f"variant {index + 1} was made by {source.variant.request.model}, which takes no remix; "
                "remix a Sora 2 Pro video, or run a new prompt."
            )
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
        if not selected:
            self.message = "Nothing to run within the budget." if jobs else "Nothing to run."
            self._changed()
            return jobs
        client = self.ensure_client()
        requests = [j.variant.request for j in selected]
        self.running = True
        self._changed()
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
                    job.finished_at = self.now()
            raise
        finally:
            self.running = False
            self._changed()
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
            job.started_at = self.now()
        job.task_id = task.id
        job.status = task.status
        job.progress = task.progress
        self._changed()

    def _finish(self, job: LabJob, result: BatchResult) -> None:
        now = self.now()
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
            job.error = error_text(exc)
            job.status = "failed"
            task_id = getattr(exc, "task_id", None)
            job.task_id = task_id or job.task_id
        self._changed()

    # -- results ----------------------------------------------------------------------------

    def job(self, index: int) -> LabJob:
        """The job of variant ``index`` (raises InvalidRequestError when there is none)."""
        for job in self._jobs:
            if job.index == index:
                return job
        raise InvalidRequestError(f"there is no variant {index}; the lab has 0..{len(self._jobs) - 1}.")

    @property
    def jobs(self) -> list[LabJob]:
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

    @property
    def favourites(self) -> list[Video]:
        """The videos marked as favourites."""
        return [v for v in self.results if v.favourite]

    def favourite(self, index: int, value: bool = True) -> Video:
        """Mark (or unmark) a finished video as a favourite; returns the updated Video.

        With a client that keeps a journal, the mark is saved there too, so ``sw.cache`` never
        prunes the file (``sora-widgets cache keep``).
        """
        job = self.job(index)
        if job.video is None:
            raise InvalidRequestError(f"variant {index} has no finished video to mark.")
        job.video = job.video.with_changes(favourite=bool(value))
        journal = getattr(self.client, "journal", None)
        if journal is not None:
            from ..cache import set_favourite

            # Not in this journal (made by another client): the mark stays on the Video.
            with contextlib.suppress(KeyError, ValueError):
                set_favourite(journal, job.video.task_id, bool(value))
        self._changed()
        return job.video

    def compare(self, indexes: Sequence[int] | None = None) -> None:
        """Choose the finished videos to compare (all finished ones when None), in this order."""
        chosen = [j.index for j in self._jobs if j.video is not None] if indexes is None else list(indexes)
        for i in chosen:
            if self.job(i).video is None:
                raise InvalidRequestError(f"variant {i} has no finished video to compare.")
        self.compare_indexes = chosen
        self._changed()

    def compared(self) -> list[tuple[LabJob, str]]:
        """The compared jobs with their captions: the values that differ among them."""
        jobs = [j for j in (self._find(i) for i in self.compare_indexes) if j is not None and j.video]
        values = [j.variant.values for j in jobs]
        keys = varying_keys(values) if len(values) > 1 else []
        return [(j, label(j.variant.values, keys) or f"variant {j.index}") for j in jobs]

    def _find(self, index: int) -> LabJob | None:
        return next((j for j in self._jobs if j.index == index), None)

    def label_keys(self) -> list[str]:
        """The keys whose values differ between the lab's jobs (every key for a lone job)."""
        values = [j.variant.values for j in self._jobs]
        keys = varying_keys(values) if len(values) > 1 else []
        return keys or [k for k in (values[0] if values else {}) if k not in ("size", "seconds")]

    def coach_reports(self) -> list[PromptReport]:
        """The prompt coach's report on each variant's prompt, in variant order."""
        return [coach(job.variant.request.prompt) for job in self._jobs]

    def rows(self) -> list[dict[str, Any]]:
        """One flat dict per job (the export format)."""
        return [j.row() for j in self._jobs]

    def to_json(self) -> str:
        """Every job as JSON text (no pandas needed).

        ``seconds``, ``wait_s`` and ``run_s`` are numbers (the API's string form of seconds is
        only what goes on the wire); money is a string of whole cents ("1.20"), never a float.
        """
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
        keys = self.label_keys()
        for job in self._jobs:
            if job.queued_at is None:
                continue
            status = job.status if job.status in ("completed", "failed", SKIPPED, WAITING) else "running"
            text = f"#{job.index + 1} " + label(job.variant.values, keys)  # counted from 1, as people do
            rows.append(TimelineRow(text, job.queued_at, job.started_at, job.finished_at, status))
        return rows
