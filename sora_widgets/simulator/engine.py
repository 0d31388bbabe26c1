"""The simulator's task lifecycle, independent of HTTP: create, report, answer.

A task's status is a pure function of the clock: it is ``pending`` for a while, then
``in_progress`` with a rising, slightly irregular progress, then ``completed`` (once its video
is rendered) or ``failed``. The parts, one job each:

==================  ==========================================================================
``_store``          task records, reference images and result files on disk (:class:`SimTask`)
``_validate``       what the service accepts: the create body and the reference image
``_timeline``       when a task leaves the queue, how its progress rises, when it fails
``_renders``        one background render per distinct video
``_links``          signed result URLs that expire
``_billing``        what completed tasks cost, per key (:class:`Ledger`)
``models.wire``     the JSON both ways, error bodies and image sniffing (shared with the client)
==================  ==========================================================================
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..models.catalog import MODELS
from ..models.request import parse_size
from ..models.wire import (
    MODERATION_MESSAGE,
    SIZE_MISMATCH_MESSAGE,
    UPSTREAM_MESSAGES,
    creation_refused_body,
    failed_task_error,
    http_error,
    moderation_refused_body,
    task_payload,
)
from ._billing import Ledger
from ._catalog import SimCatalog
from ._links import SignedLinks
from ._renders import RenderQueue
from ._store import SimTask, TaskStore, default_state_dir, key_fingerprint
from ._timeline import SPEEDS, Snapshot, failure_time, progress_at, timeline
from ._validate import CheckedCreate, Rejection, check_create, is_moderated, read_image, read_reference
from .faults import FaultPlan, strip_magic
from .render import RenderSpec, scaled_size, seed_of

__all__ = [
    "DEFAULT_MODERATION_WORDS",
    "DEFAULT_RENDER_WORKERS",
    "DEFAULT_RESULT_TTL_S",
    "DEFAULT_RETENTION_S",
    "MODERATION_MESSAGE",
    "SIZE_MISMATCH_MESSAGE",
    "SPEEDS",
    "Engine",
    "Ledger",
    "Rejection",
    "SimTask",
    "Snapshot",
    "default_state_dir",
    "key_fingerprint",
]

# A short, harmless default list; pass moderation_words= to change it.
DEFAULT_MODERATION_WORDS: tuple[str, ...] = ("gore", "nsfw", "nude", "beheading", "massacre")
# Defaults shared by Engine, Simulator and the command line.
DEFAULT_RESULT_TTL_S = 3600.0  # a result URL works this long after it was handed out
DEFAULT_RENDER_WORKERS = 2
DEFAULT_RETENTION_S = 7 * 24 * 3600.0  # tasks older than a week are removed at start


class Engine:
    """Task lifecycle over the store, the renders and the links. The HTTP app is a thin layer over this.

    Args:
        speed: ``"instant"``, ``"demo"`` or ``"realistic"``.
        state_dir: where tasks, inputs and files live (created if needed).
        result_ttl_s: how long a result URL works after it was handed out.
        moderation_words: prompts containing one of these words fail moderation.
        faults: the instance-wide fault plan.
        clock: returns unix seconds; inject a fake one in tests.
        render_workers: threads rendering videos.
        retention_s: tasks older than this, and files no task uses, are removed at start.
        catalog: the models served (default: the bundled specs and the simulated examples).
        fetch_urls: fetch an http(s) ``input_reference`` (off by default: see ``read_reference``).
        render_scale: draw each video at this share of its size (``0.25``: 1280x720 becomes
            320x180), for tests that never look at the pixels' size: a film's joins and decodes
            then cost a sixteenth. Tasks, prices and answers still say the requested size.
    """

    def __init__(
        self,
        *,
        speed: str = "demo",
        state_dir: str | Path | None = None,
        result_ttl_s: float = DEFAULT_RESULT_TTL_S,
        moderation_words: Iterable[str] = DEFAULT_MODERATION_WORDS,
        faults: FaultPlan | None = None,
        clock: Callable[[], float] = time.time,
        render_workers: int = DEFAULT_RENDER_WORKERS,
        retention_s: float = DEFAULT_RETENTION_S,
        catalog: SimCatalog | None = None,
        fetch_urls: bool = False,
        render_scale: float = 1.0,
    ) -> None:
        if speed not in SPEEDS:
            raise ValueError(f"speed must be one of {', '.join(SPEEDS)}, not {speed!r}")
        self.speed = speed
        self.state_dir = Path(state_dir) if state_dir is not None else default_state_dir()
        self.result_ttl_s = float(result_ttl_s)
        self.moderation_words = tuple(w.lower() for w in moderation_words)
        self.faults = faults if faults is not None else FaultPlan()
        self.clock = clock
        self.catalog = catalog if catalog is not None else SimCatalog()
        self.fetch_urls = fetch_urls
        if not 0 < render_scale <= 1:
            raise ValueError(f"render_scale must be in (0, 1], not {render_scale!r}")
        self.render_scale = float(render_scale)
        self.refusals: dict[str, int] = {}
        self._store = TaskStore(self.state_dir)
        self._lock = self._store.lock
        self._task_faults: dict[str, FaultPlan] = {}
        self._create_faults: dict[tuple[str, str], FaultPlan] = {}
        self._renders = RenderQueue(self._store, render_workers)
        self._links = SignedLinks(self._store.secret(), clock, lambda key: self.file_path(key).exists())
        self.ledger = Ledger(self.tasks, self.is_billed, self.refusals, self.cost_of)
        self._store.prune(self.clock() - retention_s, retention_s)

    # --- queries ----------------------------------------------------------------------------

    def tasks(self) -> list[SimTask]:
        """Every known task."""
        return self._store.all()

    def get(self, task_id: str) -> SimTask | None:
        """A task by id, or None."""
        return self._store.get(task_id)

    def task_faults(self, task: SimTask) -> FaultPlan:
        """The per-task fault plan (from its prompt's magic words)."""
        with self._lock:
            plan = self._task_faults.get(task.id)
            if plan is None:
                try:
                    plan = FaultPlan.from_prompt(task.prompt)
                except ValueError:
                    plan = FaultPlan()
                self._task_faults[task.id] = plan
            return plan

    def price_per_second(self, model: str) -> Decimal:
        """The simulated price of a second of the model's video (also for retired models)."""
        entry = self.catalog.known(model)
        return entry.price_per_second if entry is not None else Decimal(0)

    def cost_of(self, task: SimTask) -> Decimal:
        """What the task is billed, from the simulated catalog's price."""
        return self.price_per_second(task.model) * task.seconds

    def is_billed(self, task: SimTask) -> bool:
        """True once the task has completed."""
        return self.snapshot(task).status == "completed"

    def file_path(self, key: str) -> Path:
        """Where the result file named ``key`` lives."""
        return self._store.file_path(key)

    def render_done(self, task: SimTask) -> bool:
        """True when the task's video file exists (starts its render if it is missing)."""
        key = task.file_key
        if key is None:
            return False
        if self.file_path(key).exists():
            return True
        self._renders.ensure(task)
        return False

    # --- lifecycle --------------------------------------------------------------------------

    def snapshot(self, task: SimTask, now: float | None = None) -> Snapshot:
        """The task's status and progress at ``now`` (the clock by default)."""
        now = self.clock() if now is None else now
        elapsed = now - task.created_at
        if elapsed < task.pending_s:
            return Snapshot("pending", None, None)
        if task.outcome == "failed":
            if elapsed >= task.fail_at_s:
                return Snapshot("failed", None, task.created_at + task.fail_at_s)
            return Snapshot("in_progress", progress_at(task, elapsed), None)
        if elapsed >= task.total_s and self.render_done(task):
            return Snapshot("completed", 1.0, task.created_at + task.total_s)
        progress = progress_at(task, elapsed)
        if task.total_s <= task.pending_s:
            # No timeline to follow (speed "instant"): report how far the render got.
            key = task.file_key
            rendered = self._renders.fraction(key) if key else 0.0
            progress = min(progress, round(0.05 + 0.94 * rendered, 4))
        return Snapshot("in_progress", min(0.99, progress), None)

    def _new_id(self) -> str:
        return self._store.new_id()

    # --- create -----------------------------------------------------------------------------

    def create(self, key: str, body: Any) -> tuple[SimTask, FaultPlan]:
        """Validate a create body and make the task.

        Returns:
            The task and the fault plan that governs its create answer.

        Raises:
            Rejection: an HTTP-level refusal (bad body, unknown model, enum out of range,
                an injected 4xx/5xx); nothing was made.
        """
        fp = key_fingerprint(key)
        try:
            checked = check_create(body, self.catalog)
            create_plan = self._create_plan(fp, checked)
        except Rejection:
            with self._lock:
                self.refusals[fp] = self.refusals.get(fp, 0) + 1
            raise
        task = self._make_task(fp, checked)
        answer_plan = FaultPlan(
            slow_s=max(create_plan.slow_s, self.faults.slow_s),
            hang_s=min(create_plan.hang_s, self.faults.hang_s),
            complete_at_create=create_plan.complete_at_create or self.faults.complete_at_create,
        )
        with self._lock:
            if create_plan.take_count("lose_creates"):
                answer_plan.lose_creates, answer_plan.lose_mode = 1, create_plan.lose_mode
            elif self.faults.take_count("lose_creates"):
                answer_plan.lose_creates, answer_plan.lose_mode = 1, self.faults.lose_mode
        return task, answer_plan

    def _create_plan(self, fp: str, checked: CheckedCreate) -> FaultPlan:
        """The faults of this create (raising the refusals they ask for)."""
        try:
            plan_template = FaultPlan.from_prompt(checked.prompt)
        except ValueError as exc:
            raise Rejection(400, *http_error(400, message=str(exc))) from None
        with self._lock:
            create_plan = self._create_faults.setdefault((fp, checked.prompt), plan_template)
            status, retry = FaultPlan.take(create_plan.create_http), create_plan.retry_after
            if status is None:
                status, retry = FaultPlan.take(self.faults.create_http), self.faults.retry_after
        if status is not None:
            raise Rejection(status, *http_error(status, retry_after=retry))
        with self._lock:
            refuse = create_plan.take_count("refuse_creates") or self.faults.take_count("refuse_creates")
        if refuse:
            # HTTP 200, no id, an error: what the vendor client reads as a creation failure.
            raise Rejection(200, creation_refused_body(_full_code(checked.model, "099")))
        if create_plan.moderation_http or self.faults.moderation_http:
            raise Rejection(400, moderation_refused_body())
        return create_plan

    def _make_task(self, fp: str, checked: CheckedCreate) -> SimTask:
        model, prompt, size, seconds, remix = (
            checked.model,
            checked.prompt,
            checked.size,
            checked.seconds,
            checked.remix,
        )
        with self._lock:
            task_id = self._new_id()
            pending, total, knots = timeline(task_id, model, self.speed)
            task = SimTask(
                id=task_id,
                model=model,
                owner=fp,
                prompt=prompt,
                size=size,
                seconds=seconds,
                created_at=self.clock(),
                pending_s=pending,
                total_s=total,
                outcome="completed",
                knots=knots,
                remix_of=remix,
            )
            self._store.reserve(task)  # reserve the id before the slow work below
        plan = self.task_faults(task)
        failure: tuple[str, str] | None = None
        if is_moderated(prompt, self.moderation_words) or plan.moderation:
            failure = ("099", MODERATION_MESSAGE)
        elif plan.fail_code is not None:
            suffix = plan.fail_code[-3:]
            failure = (plan.fail_code, UPSTREAM_MESSAGES.get(suffix, UPSTREAM_MESSAGES["095"]))
        render: RenderSpec | None = None
        if failure is None:
            render, problem = self._render_spec(task, checked, plan)
            failure = ("099", problem) if problem is not None else None
            if problem is None and render is None:
                failure = ("097", f"Video with id '{remix}' not found.")
        if failure is not None:
            code, message = failure
            full = code if len(code) >= 9 else _full_code(model, code)
            task.outcome, task.error_code, task.error_message = "failed", full, message
            before_upstream = code.endswith("099") or (code.endswith("097") and "not found" in message)
            task.fail_at_s = failure_time(task, self.speed, before_upstream=before_upstream)
        else:
            assert render is not None
            task.spec = render.to_dict()
            task.image_sha256 = render.image_sha256
            task.job_id = "video_" + secrets.token_hex(24)
        with self._lock:
            self._store.remember(task)
            self._store.save(task)
        if task.spec:
            self._renders.ensure(task)
        return task

    def _render_spec(
        self, task: SimTask, checked: CheckedCreate, plan: FaultPlan
    ) -> tuple[RenderSpec | None, str | None]:
        """(what to render, None), (None, why the image cannot be used), or (None, None) for a
        remix of no completed video."""
        width, height = parse_size(checked.size)
        label = f"SIMULATED · {checked.model}" + (" · remix" if checked.remix else "")
        words = strip_magic(checked.prompt) or checked.prompt
        audio = plan.audio or self.faults.audio
        image: bytes | None = None
        if checked.reference:
            image, problem = read_reference(checked.reference, width, height, fetch_urls=self.fetch_urls)
            if problem is not None:
                return None, problem
        elif checked.first_frame:
            # Other models fit their first frame to the video, as Kling and Vidu do.
            image, problem = read_image(checked.first_frame, "first frame image", fetch_urls=self.fetch_urls)
            if problem is not None:
                return None, problem
        # A reference image is checked against the requested size; only the drawing is scaled.
        drawn_w, drawn_h = scaled_size(width, height, self.render_scale)
        if checked.remix:
            source = self._source_spec(checked.remix)
            if source is None:
                return None, None
            render = source.remixed(
                prompt=words, width=drawn_w, height=drawn_h, seconds=task.seconds, label=label
            )
            if audio and not render.audio:
                render = replace(render, audio=True)
            if render.image_sha256 and not self._store.input_path(render.image_sha256).exists():
                return None, None
            return render, None
        sha = self._store.save_input(image) if image is not None else None
        return (
            RenderSpec(
                width=drawn_w,
                height=drawn_h,
                seconds=task.seconds,
                prompt=words,
                seed=seed_of(words),
                label=label,
                image_sha256=sha,
                audio=audio,
            ),
            None,
        )

    def _source_spec(self, job_id: str) -> RenderSpec | None:
        source = self._store.by_job(job_id)
        if source is None or self.snapshot(source).status != "completed":
            return None
        return source.render_spec

    # --- rendering --------------------------------------------------------------------------

    def complete_now(self, task: SimTask) -> Future[int] | None:
        """Collapse a task's timeline so it is done as soon as its video is (``[sim:done]``)."""
        with self._lock:
            task.pending_s = task.total_s = task.fail_at_s = 0.0
            self._store.save(task)
        return self._renders.ensure(task)

    def render_future(self, task: SimTask) -> Future[int] | None:
        """The running render of a task (None when the file exists or none is needed)."""
        return self._renders.ensure(task)

    def wait_rendered(self, task_id: str, timeout: float | None = 120.0) -> None:
        """Block until the task's video exists (for tests with a fake clock)."""
        task = self.get(task_id)
        if task is None:
            raise KeyError(task_id)
        future = self._renders.ensure(task)
        if future is not None:
            future.result(timeout=timeout)

    # --- answers ----------------------------------------------------------------------------

    def payload(self, task: SimTask, base_url: str, *, expired_url: bool = False) -> dict[str, Any]:
        """The task as the gateway sends it, result URL built on ``base_url``."""
        now = self.clock()
        snap = self.snapshot(task, now)
        metadata: dict[str, Any] = {"submitted_at": int(task.created_at), "simulated": True}
        if snap.status != "pending":
            metadata["started_at"] = int(task.created_at + task.pending_s)
        if snap.finished_at is not None:
            metadata["finished_at"] = int(snap.finished_at)
            metadata["elapsed_s"] = round(snap.finished_at - task.created_at, 3)
        common: dict[str, Any] = {
            "task_id": task.id,
            "model": task.model,
            "created_at": int(task.created_at),
            "metadata": metadata,
        }
        if snap.status == "completed":
            key = task.file_key
            assert key is not None
            size = self.file_path(key).stat().st_size
            expires = int(now) - 1 if expired_url else int(now + self.result_ttl_s)
            return task_payload(
                status="completed",
                video_url=self.signed_url(base_url, key, task.id, expires),
                video_size=size,
                job_id=task.job_id,
                duration=str(task.seconds),
                cost=self.cost_of(task),
                discount=0,
                quantity=task.seconds,
                unit_price=self.price_per_second(task.model),
                **common,
            )
        if snap.status == "failed":
            payload = task_payload(
                status="failed", error_code=task.error_code, error_message=task.error_message, **common
            )
            shape = self.task_faults(task).error_shape
            if shape == "standard":
                shape = self.faults.error_shape
            if shape != "standard":
                payload["error"] = failed_task_error(task.error_code, task.error_message, shape)
            return payload
        return task_payload(status=snap.status, progress=snap.progress, **common)

    def signed_url(self, base_url: str, key: str, task_id: str, expires: int) -> str:
        """A CDN-like result URL that stops working at ``expires`` (unix seconds)."""
        return self._links.url(base_url, key, task_id, expires)

    def check_url(self, key: str, task_id: str, expires: str, sig: str) -> str | None:
        """None if the URL is valid now, else the reason it is refused."""
        return self._links.check(key, task_id, expires, sig)

    def close(self) -> None:
        """Stop the render workers (a running render stops early and leaves no file)."""
        self._renders.close()


def _full_code(model: str, suffix: str) -> str:
    spec = MODELS.get(model)
    for code in spec.error_codes if spec is not None else ():
        if code.endswith(suffix):
            return code
    return suffix
