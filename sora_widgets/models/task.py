"""A remote task as the client sees it, and the rules of its state machine.

Statuses on the wire vary (``pending``, ``queued``, ``processing``, ``in_progress``,
``completed``, ``succeeded``, ``done``, ``failed``, ``error``, ``cancelled``, ``expired``
and whatever else a gateway invents). :func:`normalize_status` maps them onto four names and
keeps an unknown one as it came, so the user sees it and the client keeps polling.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

__all__ = [
    "Phase",
    "Status",
    "Task",
    "TaskError",
    "Usage",
    "VideoAsset",
    "merge_update",
    "normalize_status",
    "phase_of",
    "status_vocabulary",
    "status_word",
]

PENDING = "pending"  # the values of Status.PENDING ... Status.FAILED, as plain strings
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
FAILED = "failed"

_STATUS_ALIASES = {
    "pending": PENDING,
    "queued": PENDING,
    "queueing": PENDING,
    "submitted": PENDING,
    "created": PENDING,
    "processing": IN_PROGRESS,
    "in_progress": IN_PROGRESS,
    "in-progress": IN_PROGRESS,
    "inprogress": IN_PROGRESS,
    "running": IN_PROGRESS,
    "generating": IN_PROGRESS,
    "completed": COMPLETED,
    "complete": COMPLETED,
    "succeeded": COMPLETED,
    "success": COMPLETED,
    "successful": COMPLETED,
    "done": COMPLETED,
    "finished": COMPLETED,
    "failed": FAILED,
    "failure": FAILED,
    "error": FAILED,
    "cancelled": FAILED,
    "canceled": FAILED,
    "expired": FAILED,
    "rejected": FAILED,
}


# What a tone looks like on a page: JupyterLab's theme colours, with a fallback outside Jupyter.
_TONE_COLOURS = {
    "neutral": "var(--jp-ui-font-color2, #616161)",
    "running": "var(--jp-brand-color1, #1976d2)",
    "success": "var(--jp-success-color1, #388e3c)",
    "warning": "var(--jp-warn-color1, #f57c00)",
    "error": "var(--jp-error-color1, #d32f2f)",
}


class Status(enum.Enum):
    """Every status a task, a journal entry, a lab job or a storyboard shot is shown with: its
    value (as stored and synced), the word people read, and a tone (``neutral``, ``running``,
    ``success``, ``warning``, ``error``) with its colour.

    This is the one list: the widgets get it as data (:func:`status_vocabulary`, a synced
    ``_statuses`` trait) and the history listings use :attr:`listed`.

    Example:
        >>> Status.IN_PROGRESS.word, Status.IN_PROGRESS.tone, Status.of("failed").listed
        ('Rendering', 'running', 'failed')
    """

    # value, word, tone[, word in history listings (default: the value with spaces)]
    IDLE = "idle", "Idle", "neutral"
    # a task at the service (normalize_status gives one of these four)
    # the service's queue ("pending" on the wire; "queued" is read as this too)
    PENDING = "pending", "Queued", "running"
    IN_PROGRESS = "in_progress", "Rendering", "running", "in progress"
    COMPLETED = "completed", "Completed", "success"
    FAILED = "failed", "Failed", "error"
    # a journal entry's states before and besides the service's
    SENDING = "sending", "Sending", "running"
    UNKNOWN_OUTCOME = "unknown_outcome", "Outcome unknown", "warning", "outcome unknown"
    REFUSED = "refused", "Refused", "error"
    # the status bar's own states
    STOPPED = "stopped", "Stopped watching", "warning"
    ERROR = "error", "Error", "error"
    # a lab job or a storyboard shot before and after its task
    PLANNED = "planned", "Planned", "neutral"
    # handed to the client but not sent yet: waiting for one of the batch's concurrency slots
    WAITING = "waiting", "Waiting for a slot", "neutral"
    SKIPPED = "skipped", "Skipped", "neutral"
    RUNNING = "running", "Rendering", "running"
    DONE = "done", "Done", "success"
    BLOCKED = "blocked", "Not made", "error"

    word: str
    tone: str
    listed: str

    def __new__(cls, value: str, word: str, tone: str, listed: str | None = None) -> Status:
        member = object.__new__(cls)
        member._value_ = value
        member.word = word
        member.tone = tone
        member.listed = listed or value.replace("_", " ")
        return member

    @classmethod
    def of(cls, value: str) -> Status | None:
        """The status whose value is ``value``, or None for one we do not know."""
        member = cls._value2member_map_.get(value)
        return member if isinstance(member, cls) else None

    @property
    def colour(self) -> str:
        """The CSS colour of the tone (a JupyterLab theme variable with a fallback)."""
        return _TONE_COLOURS[self.tone]


def status_word(status: str, *, listed: bool = False) -> str:
    """The word a status is shown with (``listed``: as history tables list it, lower case); a
    status we do not know is shown as it came.

    Example:
        >>> status_word("unknown_outcome"), status_word("unknown_outcome", listed=True), status_word("odd")
        ('Outcome unknown', 'outcome unknown', 'odd')
    """
    known = Status.of(status)
    if known is None:
        return status
    return known.listed if listed else known.word


def status_vocabulary() -> dict[str, dict[str, str]]:
    """Every status as data for the front ends: ``{value: {"word", "tone", "colour"}}``.

    Widgets that show statuses sync this as their ``_statuses`` trait; ``statusWord(model,
    status)`` in ``_dom.js`` reads it, so no JavaScript file spells a status word.
    """
    return {s.value: {"word": s.word, "tone": s.tone, "colour": s.colour} for s in Status}


class Phase(enum.Enum):
    """Where a task is in its life, whatever its raw status said."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    UNKNOWN = "unknown"  # a status we do not know: show it raw and keep polling for a while

    @property
    def terminal(self) -> bool:
        """True for SUCCEEDED and FAILED."""
        return self in (Phase.SUCCEEDED, Phase.FAILED)


def normalize_status(raw: object) -> str:
    """Map a wire status onto ``pending``, ``in_progress``, ``completed``, ``failed``;
    anything else comes back as its own lower-cased text (or ``"unknown"`` when empty)."""
    text = str(raw if raw is not None else "").strip().lower()
    return _STATUS_ALIASES.get(text, text or "unknown")


def phase_of(status: str) -> Phase:
    """The :class:`Phase` of a normalized status."""
    if status in (PENDING, IN_PROGRESS):
        return Phase.RUNNING
    if status == COMPLETED:
        return Phase.SUCCEEDED
    if status == FAILED:
        return Phase.FAILED
    return Phase.UNKNOWN


@dataclass(frozen=True)
class TaskError:
    """The error of a failed task, from any of the shapes the wire uses."""

    code: str | None
    message: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}" if self.code else self.message


@dataclass(frozen=True)
class Usage:
    """What the gateway says it charged. ``cost`` is USD."""

    cost: Decimal | None = None
    discount: float | None = None
    quantity: int | None = None
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class VideoAsset:
    """One item of a completed task's ``output[].content[]``."""

    url: str
    type: str = "video"
    size_bytes: int | None = None
    job_id: str | None = None
    duration: str | None = None


@dataclass(frozen=True)
class Task:
    """A generation task on the service.

    ``status`` is one of ``pending``, ``in_progress``, ``completed``, ``failed`` or the raw
    value when unknown; ``raw_status`` is what the wire said; ``progress`` is 0..1 or None.

    Example:
        >>> t = Task(id="d758n65e878c73cmdg20", model="sora_2_pro_t2v", status="in_progress", progress=0.4)
        >>> t.phase, t.is_terminal
        (<Phase.RUNNING: 'running'>, False)
    """

    id: str
    model: str | None = None
    status: str = PENDING
    raw_status: str | None = None
    progress: float | None = None
    created_at: datetime | None = None
    error: TaskError | None = None
    usage: Usage | None = None
    assets: tuple[VideoAsset, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def phase(self) -> Phase:
        """Running, succeeded, failed or unknown."""
        return phase_of(self.status)

    @property
    def is_terminal(self) -> bool:
        """True once the task has completed or failed; it never changes after that."""
        return self.phase.terminal

    @property
    def video(self) -> VideoAsset | None:
        """The first video in the output, if any."""
        for asset in self.assets:
            if asset.type in ("video", "") and asset.url:
                return asset
        return self.assets[0] if self.assets else None


def merge_update(previous: Task | None, new: Task) -> Task:
    """Combine the last known state with a fresh poll, keeping the machine's invariants.

    - A terminal task stays terminal: a later contradicting answer is ignored.
    - Progress never goes backwards (a lagging replica may report less).
    - A completed task has progress 1.0.
    """
    if previous is None or previous.id != new.id:
        merged = new
    elif previous.is_terminal:
        return previous
    else:
        progress = new.progress
        if previous.progress is not None and (progress is None or progress < previous.progress):
            progress = previous.progress if new.phase is not Phase.FAILED else progress
        merged = replace(
            new,
            progress=progress,
            created_at=new.created_at or previous.created_at,
            model=new.model or previous.model,
        )
    if merged.phase is Phase.SUCCEEDED and merged.progress != 1.0:
        merged = replace(merged, progress=1.0)
    return merged


def utc_from_unix(value: object) -> datetime | None:
    """Unix seconds (int, float or numeric string; milliseconds are recognised) to UTC datetime."""
    try:
        seconds = float(str(value))
    except (TypeError, ValueError):
        return None
    if seconds != seconds or seconds <= 0:
        return None
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
