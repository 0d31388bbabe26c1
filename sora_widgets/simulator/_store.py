"""The simulator's storage: task records, reference images and result files on disk.

State on disk (``state_dir``):

```
tasks/<id>.json      one record per task (no keys: the owner is a key fingerprint)
inputs/<sha256>      reference images, so a restarted simulator can still render
files/<key>.mp4      rendered videos, named by their RenderSpec key (identical requests share one)
secret               signs result URLs
```
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .._paths import default_home
from .render import RenderSpec

__all__ = ["SimTask", "TaskStore", "default_state_dir", "key_fingerprint"]

_ID_ALPHABET = "0123456789abcdefghijklmnopqrstuv"  # 20-char ids like the vendor's d758n65e878c73cmdg20


def default_state_dir() -> Path:
    """``<sora-widgets home>/simulator`` (``$SORA_WIDGETS_HOME`` or the platform's user data dir)."""
    return default_home() / "simulator"


def key_fingerprint(key: str) -> str:
    """A short, one-way name for an API key: the ledger and the disk never hold the key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


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


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old content or the new, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        Path(tmp).replace(path)
    finally:
        Path(tmp).unlink(missing_ok=True)


class TaskStore:
    """Tasks by id and by job id, kept in memory and on disk; shared safely between simulators
    on the same ``state_dir`` (each sees the others' new tasks when it looks them up).

    Args:
        state_dir: where tasks, inputs and files live (created if needed).
    """

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.lock = threading.RLock()
        self._tasks: dict[str, SimTask] = {}
        self._jobs: dict[str, str] = {}  # jobId -> task id
        for sub in ("tasks", "inputs", "files"):
            (self.state_dir / sub).mkdir(parents=True, exist_ok=True)
        self.load()

    # --- paths ------------------------------------------------------------------------------

    def file_path(self, key: str) -> Path:
        """Where the result file named ``key`` lives."""
        return self.state_dir / "files" / f"{key}.mp4"

    def input_path(self, sha256: str) -> Path:
        """Where the reference image with this hash lives."""
        return self.state_dir / "inputs" / sha256

    def _task_path(self, task_id: str) -> Path:
        return self.state_dir / "tasks" / f"{task_id}.json"

    def secret(self) -> bytes:
        """The key that signs result URLs (made on first use, then kept)."""
        path = self.state_dir / "secret"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            atomic_write(path, secrets.token_bytes(32))
            return path.read_bytes()

    def save_input(self, data: bytes) -> str:
        """Keep a reference image; returns its sha256."""
        sha = hashlib.sha256(data).hexdigest()
        atomic_write(self.input_path(sha), data)
        return sha

    # --- records ----------------------------------------------------------------------------

    def load(self) -> None:
        """Read every task record on disk (another simulator may have written some)."""
        for path in (self.state_dir / "tasks").glob("*.json"):
            try:
                task = SimTask.from_json(path.read_text("utf-8"))
            except (OSError, ValueError, TypeError):
                continue  # a half-written or foreign file: skip it rather than refuse to start
            self.remember(task)

    def prune(self, cutoff: float, retention_s: float) -> None:
        """Forget tasks created before ``cutoff`` and delete files no remaining task uses that
        are older than ``retention_s`` (file times are real time, whatever the clock).

        The default state directory lives in the user's data dir; without this it only grows.
        """
        for task in list(self._tasks.values()):
            if task.created_at < cutoff:
                self._tasks.pop(task.id, None)
                self._jobs.pop(task.job_id, None)
                self._task_path(task.id).unlink(missing_ok=True)
        keep = {t.file_key for t in self._tasks.values()} | {t.image_sha256 for t in self._tasks.values()}
        file_cutoff = time.time() - retention_s
        for sub, suffix in (("files", ".mp4"), ("inputs", "")):
            for path in (self.state_dir / sub).iterdir():
                name = path.name[: -len(suffix)] if suffix and path.name.endswith(suffix) else path.name
                try:
                    if name not in keep and path.stat().st_mtime < file_cutoff:
                        path.unlink()
                except OSError:
                    continue  # another simulator removed it first

    def remember(self, task: SimTask) -> None:
        """Hold ``task`` in memory (not written)."""
        self._tasks[task.id] = task
        if task.job_id:
            self._jobs[task.job_id] = task.id

    def reserve(self, task: SimTask) -> None:
        """Hold ``task``'s id before the slow work of making it (so no other task takes it)."""
        self._tasks[task.id] = task

    def save(self, task: SimTask) -> None:
        """Write ``task``'s record."""
        atomic_write(self._task_path(task.id), task.to_json().encode("utf-8"))

    def new_id(self) -> str:
        """A fresh task id in the vendor's form."""
        while True:
            task_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(20))
            if task_id not in self._tasks:
                return task_id

    # --- queries ----------------------------------------------------------------------------

    def all(self) -> list[SimTask]:
        """Every known task."""
        with self.lock:
            return list(self._tasks.values())

    def get(self, task_id: str) -> SimTask | None:
        """A task by id (also one another simulator on this directory made since), or None."""
        task = self._tasks.get(task_id)
        if task is None and re.fullmatch(r"[0-9a-z]{20}", task_id):
            path = self._task_path(task_id)
            if path.exists():
                try:
                    task = SimTask.from_json(path.read_text("utf-8"))
                except (OSError, ValueError, TypeError):
                    return None
                with self.lock:
                    self.remember(task)
        return task

    def by_job(self, job_id: str) -> SimTask | None:
        """The task whose video has this job id (the id a remix names), or None."""
        with self.lock:
            task_id = self._jobs.get(job_id)
        if task_id is None:
            # A job made by another simulator on this state directory since we started.
            self.load()
            with self.lock:
                task_id = self._jobs.get(job_id)
        return self._tasks.get(task_id) if task_id else None
