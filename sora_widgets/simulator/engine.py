"""The simulator's task store and task lifecycle, independent of HTTP.

A task's status is a pure function of the clock: it is ``pending`` for a while, then
``in_progress`` with a rising, slightly irregular progress, then ``completed`` (once its video
is rendered) or ``failed``. Every timing is drawn from a generator seeded by the task id, so a
simulator restarted on the same state directory reports the same story for the same task.

State on disk (``state_dir``):

```
tasks/<id>.json      one record per task (no keys: the owner is a key fingerprint)
inputs/<sha256>      reference images, so a restarted simulator can still render
files/<key>.mp4      rendered videos, named by their RenderSpec key (identical requests share one)
secret               signs result URLs
```
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import json
import math
import os
import random
import re
import secrets
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from PIL import Image

from .._constants import MAX_IMAGE_BYTES, MAX_PROMPT_CHARS
from .._paths import default_home
from ..models.catalog import MODELS, ModelSpec
from ..models.request import parse_size
from ..models.wire import WireFormatError, http_error, read_create_body, task_payload
from .faults import FaultPlan, strip_magic
from .render import RenderSpec, render_video, seed_of

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
    "default_state_dir",
    "key_fingerprint",
]

SPEEDS = ("instant", "demo", "realistic")
MODERATION_MESSAGE = "Your request was blocked by our moderation system."
SIZE_MISMATCH_MESSAGE = "Inpaint image must match the requested width and height"
# A short, harmless default list; pass moderation_words= to change it.
DEFAULT_MODERATION_WORDS: tuple[str, ...] = ("gore", "nsfw", "nude", "beheading", "massacre")
# Defaults shared by Engine, Simulator and the command line.
DEFAULT_RESULT_TTL_S = 3600.0  # a result URL works this long after it was handed out
DEFAULT_RENDER_WORKERS = 2
DEFAULT_RETENTION_S = 7 * 24 * 3600.0  # tasks older than a week are removed at start

# Upstream wording for each error suffix, as the gateway passes it through.
_FAIL_MESSAGES = {
    "095": "Video generation failed: internal error while rendering.",
    "096": "Failed to parse the upstream result.",
    "097": "Upstream returned HTTP 500: Internal Server Error",
    "098": "Failed to check the upstream task status.",
    "099": "Failed to create the upstream task.",
}
_ID_ALPHABET = "0123456789abcdefghijklmnopqrstuv"  # 20-char ids like the vendor's d758n65e878c73cmdg20
_IMAGE_MIMES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def default_state_dir() -> Path:
    """``<sora-widgets home>/simulator`` (``$SORA_WIDGETS_HOME`` or the platform's user data dir)."""
    return default_home() / "simulator"


def key_fingerprint(key: str) -> str:
    """A short, one-way name for an API key: the ledger and the disk never hold the key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _sniff_mime(data: bytes) -> str | None:
    for magic, mime in _IMAGE_MIMES.items():
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True)
class Rejection(Exception):
    """A create refused at the HTTP level: nothing was made, nothing billed."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SimTask:
    """One simulated task, as stored on disk."""

    id: str
    model: str
    owner: str  # key fingerprint
    prompt: str
    size: str
    seconds: int
    created_at: float
    pending_s: float
    total_s: float
    outcome: str  # "completed" | "failed"
    fail_at_s: float = 0.0
    error_code: str | None = None
    error_message: str | None = None
    job_id: str = ""
    spec: dict[str, Any] | None = None
    image_sha256: str | None = None
    remix_of: str | None = None
    knots: list[float] = field(default_factory=list)

    @property
    def render_spec(self) -> RenderSpec | None:
        """The video's spec (None for tasks that fail)."""
        return RenderSpec.from_dict(self.spec) if self.spec else None

    @property
    def file_key(self) -> str | None:
        """Name (without ``.mp4``) of the result file."""
        spec = self.render_spec
        return spec.key() if spec else None

    def to_json(self) -> str:
        """The record as JSON."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SimTask:
        """Inverse of :meth:`to_json`."""
        return cls(**json.loads(text))


@dataclass(frozen=True)
class Snapshot:
    """A task's state at one instant."""

    status: str
    progress: float | None
    finished_at: float | None


class Ledger:
    """Created and billed tasks per API key, for tests that prove nothing was made twice.

    Counts come from the task store, so a simulator restarted on the same state directory
    still knows them. Keys are looked up by fingerprint; the ledger never stores a key.

    Example:
        >>> sim.ledger.created("sk-test"), sim.ledger.billed("sk-test")
        (1, 1)
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def created(self, key: str) -> int:
        """Tasks created with this key (including those whose create answer was lost)."""
        fp = key_fingerprint(key)
        return sum(1 for t in self._engine.tasks() if t.owner == fp)

    def billed(self, key: str) -> int:
        """Tasks of this key that completed (the gateway bills completed tasks only)."""
        fp = key_fingerprint(key)
        return sum(1 for t in self._engine.tasks() if t.owner == fp and self._engine.is_billed(t))

    def refused(self, key: str) -> int:
        """Creates of this key refused at the HTTP level (nothing made)."""
        return self._engine.refusals.get(key_fingerprint(key), 0)

    def cost(self, key: str) -> Decimal:
        """Total billed USD for this key."""
        fp = key_fingerprint(key)
        return sum(
            (
                self._engine.cost_of(t)
                for t in self._engine.tasks()
                if t.owner == fp and self._engine.is_billed(t)
            ),
            Decimal("0"),
        )

    @property
    def total_created(self) -> int:
        """Tasks created with any key."""
        return len(self._engine.tasks())

    @property
    def total_billed(self) -> int:
        """Tasks billed for any key."""
        return sum(1 for t in self._engine.tasks() if self._engine.is_billed(t))

    def by_prompt(self, prompt: str) -> int:
        """Tasks created for this exact prompt (any key): a duplicate shows up as 2."""
        return sum(1 for t in self._engine.tasks() if t.prompt == prompt.strip())

    def __repr__(self) -> str:
        return f"Ledger(created={self.total_created}, billed={self.total_billed})"


class Engine:
    """Task store, validation and lifecycle. The HTTP app is a thin layer over this.

    Args:
        speed: ``"instant"``, ``"demo"`` or ``"realistic"``.
        state_dir: where tasks, inputs and files live (created if needed).
        result_ttl_s: how long a result URL works after it was handed out.
        moderation_words: prompts containing one of these words fail moderation.
        faults: the instance-wide fault plan.
        clock: returns unix seconds; inject a fake one in tests.
        render_workers: threads rendering videos.
        retention_s: tasks older than this, and files no task uses, are removed at start.
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
    ) -> None:
        if speed not in SPEEDS:
            raise ValueError(f"speed must be one of {', '.join(SPEEDS)}, not {speed!r}")
        self.speed = speed
        self.state_dir = Path(state_dir) if state_dir is not None else default_state_dir()
        self.result_ttl_s = float(result_ttl_s)
        self.moderation_words = tuple(w.lower() for w in moderation_words)
        self.faults = faults if faults is not None else FaultPlan()
        self.clock = clock
        self.refusals: dict[str, int] = {}
        self._lock = threading.RLock()
        self._tasks: dict[str, SimTask] = {}
        self._jobs: dict[str, str] = {}  # jobId -> task id
        self._task_faults: dict[str, FaultPlan] = {}
        self._create_faults: dict[tuple[str, str], FaultPlan] = {}
        self._renders: dict[str, Future[int]] = {}
        self._render_progress: dict[str, float] = {}  # spec key -> fraction of frames encoded
        self._executor = ThreadPoolExecutor(max_workers=render_workers, thread_name_prefix="sim-render")
        self._closed = False
        for sub in ("tasks", "inputs", "files"):
            (self.state_dir / sub).mkdir(parents=True, exist_ok=True)
        self._secret = self._load_secret()
        self._load_tasks()
        self._prune(retention_s)

    # --- persistence ------------------------------------------------------------------------

    def _load_secret(self) -> bytes:
        path = self.state_dir / "secret"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            value = secrets.token_bytes(32)
            self._atomic_write(path, value)
            return path.read_bytes()

    def _load_tasks(self) -> None:
        for path in (self.state_dir / "tasks").glob("*.json"):
            try:
                task = SimTask.from_json(path.read_text("utf-8"))
            except (OSError, ValueError, TypeError):
                continue  # a half-written or foreign file: skip it rather than refuse to start
            self._remember(task)

    def _prune(self, retention_s: float) -> None:
        """Forget tasks older than ``retention_s`` and delete files no remaining task uses.

        The default state directory lives in the user's data dir; without this it only grows.
        """
        cutoff = self.clock() - retention_s
        for task in list(self._tasks.values()):
            if task.created_at < cutoff:
                self._tasks.pop(task.id, None)
                self._jobs.pop(task.job_id, None)
                (self.state_dir / "tasks" / f"{task.id}.json").unlink(missing_ok=True)
        keep = {t.file_key for t in self._tasks.values()} | {t.image_sha256 for t in self._tasks.values()}
        file_cutoff = time.time() - retention_s  # file times are real time, whatever the clock
        for sub, suffix in (("files", ".mp4"), ("inputs", "")):
            for path in (self.state_dir / sub).iterdir():
                name = path.name[: -len(suffix)] if suffix and path.name.endswith(suffix) else path.name
                try:
                    if name not in keep and path.stat().st_mtime < file_cutoff:
                        path.unlink()
                except OSError:
                    continue  # another simulator removed it first

    def _remember(self, task: SimTask) -> None:
        self._tasks[task.id] = task
        if task.job_id:
            self._jobs[task.job_id] = task.id

    def _atomic_write(self, path: Path, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            Path(tmp).replace(path)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _save(self, task: SimTask) -> None:
        self._atomic_write(self.state_dir / "tasks" / f"{task.id}.json", task.to_json().encode("utf-8"))

    def _lookup(self, task_id: str) -> SimTask | None:
        task = self._tasks.get(task_id)
        if task is None and re.fullmatch(r"[0-9a-z]{20}", task_id):
            # Another simulator on the same state directory may have made it since we started.
            path = self.state_dir / "tasks" / f"{task_id}.json"
            if path.exists():
                try:
                    task = SimTask.from_json(path.read_text("utf-8"))
                except (OSError, ValueError, TypeError):
                    return None
                with self._lock:
                    self._remember(task)
        return task

    # --- queries ----------------------------------------------------------------------------

    def tasks(self) -> list[SimTask]:
        """Every known task."""
        with self._lock:
            return list(self._tasks.values())

    def get(self, task_id: str) -> SimTask | None:
        """A task by id, or None."""
        return self._lookup(task_id)

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

    def cost_of(self, task: SimTask) -> Decimal:
        """What the task is billed, from the catalog price."""
        return MODELS[task.model].price_per_second * task.seconds if task.model in MODELS else Decimal(0)

    def is_billed(self, task: SimTask) -> bool:
        """True once the task has completed."""
        return self.snapshot(task).status == "completed"

    def file_path(self, key: str) -> Path:
        """Where the result file named ``key`` lives."""
        return self.state_dir / "files" / f"{key}.mp4"

    def render_done(self, task: SimTask) -> bool:
        """True when the task's video file exists (starts its render if it is missing)."""
        key = task.file_key
        if key is None:
            return False
        if self.file_path(key).exists():
            return True
        self._ensure_render(task)
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
            return Snapshot("in_progress", self._progress(task, elapsed), None)
        if elapsed >= task.total_s and self.render_done(task):
            return Snapshot("completed", 1.0, task.created_at + task.total_s)
        progress = self._progress(task, elapsed)
        if task.total_s <= task.pending_s:
            # No timeline to follow (speed "instant"): report how far the render got.
            key = task.file_key
            rendered = self._render_progress.get(key, 0.0) if key else 0.0
            progress = min(progress, round(0.05 + 0.94 * rendered, 4))
        return Snapshot("in_progress", min(0.99, progress), None)

    def _progress(self, task: SimTask, elapsed: float) -> float:
        run = max(1e-6, task.total_s - task.pending_s)
        x = min(1.0, max(0.0, (elapsed - task.pending_s) / run))
        knots = task.knots or [0.0, 1.0]
        # Piecewise-linear through seeded knots: monotonic, but not a straight line.
        pos = x * (len(knots) - 1)
        i = min(len(knots) - 2, int(pos))
        value = knots[i] + (knots[i + 1] - knots[i]) * (pos - i)
        return round(min(0.99, value), 4)

    def _timeline(self, task_id: str, model: str) -> tuple[float, float, list[float]]:
        rng = random.Random(task_id)
        if self.speed == "instant":
            pending, total = 0.0, 0.0
        elif self.speed == "demo":
            pending = rng.uniform(0.4, 1.2)
            total = rng.uniform(5.0, 15.0)
        else:
            pending = rng.uniform(3.0, 25.0)
            # Median about 2.5 minutes, long tail past 10 (longer still for image to video).
            total = min(1200.0, max(60.0, rng.lognormvariate(math.log(150.0), 0.5)))
            if model.endswith("i2v"):
                total *= 1.3
        steps = [rng.uniform(0.3, 1.7) for _ in range(12)]
        acc, knots = 0.0, [0.0]
        for step in steps:
            acc += step
            knots.append(acc)
        knots = [round(k / acc, 4) for k in knots]
        return pending, max(total, pending), knots

    def _new_id(self) -> str:
        while True:
            task_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(20))
            if task_id not in self._tasks:
                return task_id

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
            model, params = read_create_body(body)
        except WireFormatError as exc:
            raise self._refuse(fp, 400, {"message": f"invalid request body: {exc}"}) from None
        if model is None or model not in MODELS:
            known = ", ".join(MODELS)
            raise self._refuse(
                fp, 400, {"message": f"unknown or missing model {model!r}; use one of {known}"}
            )
        spec = MODELS[model]
        prompt = params.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise self._refuse(fp, 400, {"message": "prompt is required"})
        prompt = prompt.strip()
        if len(prompt) > MAX_PROMPT_CHARS * 2:
            raise self._refuse(fp, 400, {"message": "prompt is too long"})
        size = params.get("size", spec.default_size)
        if not isinstance(size, str) or size not in spec.sizes:
            raise self._refuse(
                fp, 400, {"message": f"size must be one of {', '.join(spec.sizes)}, not {size!r}"}
            )
        seconds_raw = params.get("seconds", str(spec.default_seconds))
        allowed = [str(s) for s in spec.seconds]
        if isinstance(seconds_raw, bool) or str(seconds_raw) not in allowed:
            raise self._refuse(
                fp, 400, {"message": f"seconds must be one of {', '.join(allowed)}, not {seconds_raw!r}"}
            )
        reference = params.get("input_reference")
        if spec.requires_image and not reference:
            raise self._refuse(fp, 400, {"message": f"{spec.id} requires input_reference"})
        if reference and not spec.accepts_image:
            raise self._refuse(fp, 400, {"message": f"{spec.id} does not take input_reference"})
        remix = params.get("remix_video_id")
        if remix is not None and not isinstance(remix, str):
            raise self._refuse(fp, 400, {"message": "remix_video_id must be a string"})

        try:
            plan_template = FaultPlan.from_prompt(prompt)
        except ValueError as exc:
            raise self._refuse(fp, 400, {"message": str(exc)}) from None
        with self._lock:
            create_plan = self._create_faults.setdefault((fp, prompt), plan_template)
            status, retry = FaultPlan.take(create_plan.create_http), create_plan.retry_after
            if status is None:
                status, retry = FaultPlan.take(self.faults.create_http), self.faults.retry_after
        if status is not None:
            raise self._refuse(fp, status, *http_error(status, retry_after=retry))
        with self._lock:
            refuse = create_plan.take_count("refuse_creates") or self.faults.take_count("refuse_creates")
        if refuse:
            # HTTP 200, no id, an error: what the vendor client reads as a creation failure.
            code = _full_code(spec, "099")
            raise self._refuse(fp, 200, {"error": {"code": code, "error_message": _FAIL_MESSAGES["099"]}})
        if create_plan.moderation_http or self.faults.moderation_http:
            error = {"code": "moderation_blocked", "message": MODERATION_MESSAGE}
            raise self._refuse(fp, 400, {"error": error})

        task = self._make_task(fp, spec, prompt, size, int(str(seconds_raw)), reference, remix or None)
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

    def _refuse(self, fp: str, status: int, body: Any, headers: dict[str, str] | None = None) -> Rejection:
        with self._lock:
            self.refusals[fp] = self.refusals.get(fp, 0) + 1
        return Rejection(status, body, headers or {})

    def _make_task(
        self,
        fp: str,
        spec: ModelSpec,
        prompt: str,
        size: str,
        seconds: int,
        reference: Any,
        remix: str | None,
    ) -> SimTask:
        with self._lock:
            task_id = self._new_id()
            pending, total, knots = self._timeline(task_id, spec.id)
            task = SimTask(
                id=task_id,
                model=spec.id,
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
            self._tasks[task_id] = task  # reserve the id before the slow work below
        width, height = parse_size(size)
        plan = self.task_faults(task)
        label = f"SIMULATED · {spec.id}" + (" · remix" if remix else "")
        words = strip_magic(prompt) or prompt
        failure: tuple[str, str] | None = None
        image: bytes | None = None
        render: RenderSpec | None = None
        if self._is_moderated(prompt) or plan.moderation:
            failure = ("099", MODERATION_MESSAGE)
        elif plan.fail_code is not None:
            suffix = plan.fail_code[-3:]
            failure = (plan.fail_code, _FAIL_MESSAGES.get(suffix, _FAIL_MESSAGES["095"]))
        if failure is None and reference:
            image, problem = self._read_reference(reference, width, height)
            if problem is not None:
                failure = ("099", problem)
        if failure is None and remix:
            source = self._source_spec(remix)
            if source is None:
                failure = ("097", f"Video with id '{remix}' not found.")
            else:
                render = source.remixed(
                    prompt=words, width=width, height=height, seconds=seconds, label=label
                )
                if (plan.audio or self.faults.audio) and not render.audio:
                    render = replace(render, audio=True)
                if render.image_sha256 and not (self.state_dir / "inputs" / render.image_sha256).exists():
                    failure = ("097", f"Video with id '{remix}' not found.")
        if failure is None and render is None:
            sha = hashlib.sha256(image).hexdigest() if image is not None else None
            if image is not None and sha is not None:
                self._atomic_write(self.state_dir / "inputs" / sha, image)
            render = RenderSpec(
                width=width,
                height=height,
                seconds=seconds,
                prompt=words,
                seed=seed_of(words),
                label=label,
                image_sha256=sha,
                audio=plan.audio or self.faults.audio,
            )
        rng = random.Random(task_id + ":fail")
        if failure is not None:
            code, message = failure
            full = code if len(code) >= 9 else _full_code(spec, code)
            task.outcome, task.error_code, task.error_message = "failed", full, message
            if code.endswith("099") or (code.endswith("097") and "not found" in message):
                # Refused before upstream work starts: fails right after the queue.
                task.fail_at_s = task.pending_s + (0.0 if self.speed == "instant" else rng.uniform(0.3, 1.5))
            else:
                task.fail_at_s = task.pending_s + (task.total_s - task.pending_s) * rng.uniform(0.4, 0.75)
        else:
            assert render is not None
            task.spec = render.to_dict()
            task.image_sha256 = render.image_sha256
            task.job_id = "video_" + secrets.token_hex(24)
        with self._lock:
            self._remember(task)
            self._save(task)
        if task.spec:
            self._ensure_render(task)
        return task

    def _is_moderated(self, prompt: str) -> bool:
        words = set(re.findall(r"[a-z0-9']+", prompt.lower()))
        return any(w in words for w in self.moderation_words)

    def _source_spec(self, job_id: str) -> RenderSpec | None:
        with self._lock:
            source_id = self._jobs.get(job_id)
        if source_id is None:
            # A job made by another simulator on this state directory since we started.
            self._load_tasks()
            with self._lock:
                source_id = self._jobs.get(job_id)
        source = self._tasks.get(source_id) if source_id else None
        if source is None or self.snapshot(source).status != "completed":
            return None
        return source.render_spec

    def _read_reference(self, reference: Any, width: int, height: int) -> tuple[bytes | None, str | None]:
        """The image bytes, or the upstream wording of why they cannot be used."""
        if not isinstance(reference, str):
            return None, "input_reference must be a string (URL or base64)"
        data: bytes | None
        if reference.startswith(("http://", "https://")):
            data = _fetch(reference)
            if data is None:
                return None, f"Failed to download input_reference from {reference[:200]}"
        else:
            text = (
                reference.split(",", 1)[1]
                if reference.startswith("data:") and "," in reference
                else reference
            )
            try:
                data = base64.b64decode(text, validate=False)
            except (binascii.Error, ValueError):
                return None, "input_reference is not valid base64"
        if len(data) > MAX_IMAGE_BYTES:
            return None, "Input image is too large"
        mime = _sniff_mime(data)
        if mime is None:
            return None, "Invalid image format: input_reference must be image/jpeg, image/png or image/webp"
        try:
            with Image.open(io.BytesIO(data)) as im:
                size = im.size
        except (OSError, ValueError, Image.DecompressionBombError):
            return None, "Invalid image: the input_reference could not be decoded"
        if size != (width, height):
            return None, SIZE_MISMATCH_MESSAGE
        return data, None

    # --- rendering --------------------------------------------------------------------------

    def _ensure_render(self, task: SimTask) -> Future[int] | None:
        spec = task.render_spec
        if spec is None or self._closed:
            return None
        key = spec.key()
        with self._lock:
            future = self._renders.get(key)
            if future is not None and not (future.done() and future.exception() is not None):
                return future
            if self.file_path(key).exists():
                return None
            image = None
            if spec.image_sha256:
                image = (self.state_dir / "inputs" / spec.image_sha256).read_bytes()
            fractions = self._render_progress

            def note(fraction: float, key: str = key) -> None:
                fractions[key] = max(fraction, fractions.get(key, 0.0))

            future = self._executor.submit(
                render_video, spec, self.file_path(key), image=image, threads=1, on_progress=note
            )
            self._renders[key] = future
            return future

    def complete_now(self, task: SimTask) -> Future[int] | None:
        """Collapse a task's timeline so it is done as soon as its video is (``[sim:done]``)."""
        with self._lock:
            task.pending_s = task.total_s = task.fail_at_s = 0.0
            self._save(task)
        return self._ensure_render(task)

    def render_future(self, task: SimTask) -> Future[int] | None:
        """The running render of a task (None when the file exists or none is needed)."""
        return self._ensure_render(task)

    def wait_rendered(self, task_id: str, timeout: float | None = 120.0) -> None:
        """Block until the task's video exists (for tests with a fake clock)."""
        task = self.get(task_id)
        if task is None:
            raise KeyError(task_id)
        future = self._ensure_render(task)
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
                unit_price=MODELS[task.model].price_per_second,
                **common,
            )
        if snap.status == "failed":
            payload = task_payload(
                status="failed", error_code=task.error_code, error_message=task.error_message, **common
            )
            shape = self.task_faults(task).error_shape
            if shape == "standard":
                shape = self.faults.error_shape
            if shape == "message":
                payload["error"] = {"code": task.error_code, "message": task.error_message}
            elif shape == "number":
                payload["error"] = {"code": int(task.error_code or 0), "error_message": task.error_message}
            elif shape == "string":
                payload["error"] = f"{task.error_message} (code {task.error_code})"
            return payload
        return task_payload(status=snap.status, progress=snap.progress, **common)

    def _signature(self, key: str, task_id: str, expires: int) -> str:
        message = f"{key}:{task_id}:{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:24]

    def signed_url(self, base_url: str, key: str, task_id: str, expires: int) -> str:
        """A CDN-like result URL that stops working at ``expires`` (unix seconds)."""
        sig = self._signature(key, task_id, expires)
        return f"{base_url.rstrip('/')}/files/{key}.mp4?task={task_id}&exp={expires}&sig={sig}"

    def check_url(self, key: str, task_id: str, expires: str, sig: str) -> str | None:
        """None if the URL is valid now, else the reason it is refused."""
        try:
            exp = int(expires)
        except ValueError:
            return "Request has expired"
        if not hmac.compare_digest(self._signature(key, task_id, exp), sig):
            return "SignatureDoesNotMatch"
        if self.clock() > exp:
            return "Request has expired"
        if not self.file_path(key).exists():
            return "NoSuchKey"
        return None

    def close(self) -> None:
        """Stop the render workers (running renders finish first)."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)


def _full_code(spec: ModelSpec, suffix: str) -> str:
    for code in spec.error_codes:
        if code.endswith(suffix):
            return code
    return suffix


def _fetch(url: str) -> bytes | None:
    """Download a reference image given as a URL (loopback test servers; no internet here)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - http(s) checked by caller
            data: bytes = response.read(MAX_IMAGE_BYTES + 1)
            return data
    except (OSError, ValueError):
        return None
