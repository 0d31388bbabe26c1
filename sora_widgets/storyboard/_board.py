"""The parts of a storyboard: shots, their states and plans, and the journal labels.

:mod:`sora_widgets.storyboard` is the public face (``Storyboard``, ``Film``); this module holds
the value types it is made of, so the planner, the runner (:mod:`._board_run`) and the board file
(:mod:`._board_file`) share them without importing each other.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidRequestError, SoraError, redact
from ..models.money import format_money, parse_money
from ..models.request import ReferenceImage
from ..models.video import Video

if TYPE_CHECKING:
    from ..journal import JournalEntry

CONTINUITY = ("last_frame", "remix", "none")
# A story, not a batch: a board longer than this is almost certainly a mistake (and a big bill).
MAX_SHOTS = 24
# A budget is a guard against a big bill, so it is bounded too: far above any board of MAX_SHOTS
# shots (24 x 12 s of Pro at most a few hundred dollars), far below anything absurd.
MAX_BUDGET = Decimal(10_000)
# A board's id is what Storyboard() makes (uuid4 hex, 12 digits): it names files, so nothing else.
BOARD_ID = re.compile(r"[0-9a-f]{12}")
# A take is bumped by one per rerun_from(); a person never asks for a million takes of one shot.
MAX_TAKE = 1_000_000
# Shot states, in the order a shot passes through them.
PLANNED, WAITING, RUNNING, DONE, FAILED, BLOCKED = (
    "planned",
    "waiting",
    "running",
    "done",
    "failed",
    "blocked",
)
# The journal labels of a shot's task: how a later run (another kernel too) finds the shot again.
# They are durable data in users' journals: never rename them.
LABEL_BOARD, LABEL_SHOT, LABEL_SHOT_KEY = "board", "shot", "shot_key"


def shot_labels(board_id: str, index: int, key: str) -> dict[str, str]:
    """The journal labels of shot ``index`` (0-based) of a board, with its key."""
    return {LABEL_BOARD: board_id, LABEL_SHOT: str(index + 1), LABEL_SHOT_KEY: key}


class BudgetExceeded(InvalidRequestError):
    """A run would cost more than the board's budget; nothing was sent."""


class ShotFailed(SoraError):
    """A shot failed: the shots continuing from it were not made; the others are kept.

    Attributes:
        index: the (0-based) shot that failed first.
        failed: every failed shot.
        blocked: shots not made because a shot they continue from failed.
        cause: the first failure's error.
    """

    def __init__(
        self, message: str, *, index: int, failed: list[int], blocked: list[int], cause: BaseException | None
    ) -> None:
        super().__init__(message)
        self.index = index
        self.failed = failed
        self.blocked = blocked
        self.cause = cause


@dataclass
class Shot:
    """One shot of a board: what to make, and how it continues from the shot before.

    Attributes:
        prompt: the shot's prompt (one purpose per shot).
        seconds: its length (None: the board's).
        continuity: ``"last_frame"``, ``"remix"`` or ``"none"`` (None: the board's); ignored
            for the first shot.
        image: its own reference image (path, bytes, PIL image, URL or ReferenceImage); a shot
            with its own image starts from it instead of the previous shot's last frame.
        take: bumped by :meth:`Storyboard.rerun_from` to ask for a new video.
        model: a catalog model for this shot (None: Sora 2 Pro, text or image to video as
            needed). To continue from the last frame its spec must take a first-frame image.
        params: that model's other parameters by name (checked against its spec when sent).
    """

    prompt: str
    seconds: int | None = None
    continuity: str | None = None
    image: Any = None
    take: int = 0
    model: str | None = None
    params: dict[str, Any] | None = None


@dataclass
class ShotState:
    """Where a shot is in a run (what the widget shows)."""

    status: str = PLANNED
    progress: float | None = None
    message: str = ""
    task_id: str | None = None
    video: Video | None = None
    error: BaseException | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ShotPlan:
    """What a run does with one shot (see :meth:`Storyboard.plan`)."""

    index: int
    key: str
    depends_on: int | None
    action: str  # "reuse" | "resume" | "generate" | "unknown"
    entry: JournalEntry | None
    cost: Decimal | None  # None: the shot's model has no known price


def describe_error(exc: BaseException) -> str:
    """One line for the user, with any secret taken out."""
    text = str(exc) or type(exc).__name__
    return redact(text if isinstance(exc, SoraError) else f"{type(exc).__name__}: {text}")


def check_mode(mode: str | None, *, allow_none: bool = True) -> str | None:
    if mode is None and allow_none:
        return None
    if mode not in CONTINUITY:
        raise InvalidRequestError(f"continuity={mode!r}; use one of {', '.join(CONTINUITY)}.")
    return mode


def check_board_id(board_id: object) -> str:
    """``board_id`` when it has the form sora_widgets makes (12 lowercase hex digits).

    Checked wherever an id comes in (a constructor, a loaded file, :meth:`Storyboard.load`) and
    wherever one names a file, because an id is a file name: ``../`` or ``/`` in it would write
    the board or its film anywhere.
    """
    if not isinstance(board_id, str) or not BOARD_ID.fullmatch(board_id):
        shown = repr(board_id)[:40] if isinstance(board_id, str) else type(board_id).__name__
        raise InvalidRequestError(
            f"id: {shown} is not a board id; ids are made by sora_widgets (12 hex digits such as "
            "'3f2a9c0b71de'). Leave board_id out for a new board."
        )
    return board_id


def check_budget(budget: object) -> Decimal | None:
    """A budget in USD (None: no budget), or :class:`InvalidRequestError` naming ``budget``."""
    if budget is None:
        return None
    amount = None if isinstance(budget, bool) else parse_money(budget)
    if not isinstance(budget, (int, float, str, Decimal)) or amount is None or amount < 0:
        shown = repr(budget)[:40] if isinstance(budget, (int, float, str, Decimal)) else type(budget).__name__
        raise InvalidRequestError(
            f"budget: {shown} is not an amount; give USD from 0 up to {format_money(MAX_BUDGET)} "
            "(for example budget=10), or None for no budget."
        )
    if amount > MAX_BUDGET:
        raise InvalidRequestError(
            f"budget: {format_money(amount)} is more than {format_money(MAX_BUDGET)}; a board is a story "
            "of a few shots. Give a smaller budget, or None for no budget."
        )
    return amount


def check_crossfade(crossfade: object) -> float:
    """Seconds of crossfade between shots, or :class:`InvalidRequestError` naming ``crossfade``."""
    from ..av.film import MAX_CROSSFADE_S

    number = crossfade if isinstance(crossfade, (int, float)) and not isinstance(crossfade, bool) else None
    if number is None or not 0.0 <= float(number) <= MAX_CROSSFADE_S:  # NaN compares False
        shown = repr(crossfade)[:40] if number is not None else type(crossfade).__name__
        raise InvalidRequestError(f"crossfade: {shown}; use 0 (hard cuts) up to {MAX_CROSSFADE_S} s.")
    return float(number)


def check_take(take: object) -> int:
    """A shot's take number (0 and up), or :class:`InvalidRequestError` naming ``take``."""
    if not isinstance(take, int) or isinstance(take, bool) or not 0 <= take <= MAX_TAKE:
        shown = repr(take)[:40] if isinstance(take, (int, str, float)) else type(take).__name__
        raise InvalidRequestError(f"take: {shown} is not a take number; use a whole number from 0.")
    return take


def image_fingerprint(image: Any) -> str | None:
    """What identifies a shot's own image in its key (bytes hashed; a path or URL as given)."""
    if image is None:
        return None
    if isinstance(image, ReferenceImage):
        return image.sha256
    if isinstance(image, bytes):
        return hashlib.sha256(image).hexdigest()
    if isinstance(image, (str, Path)):
        return str(image)
    return f"{type(image).__name__}:{id(image)}"
