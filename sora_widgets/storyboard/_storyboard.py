"""Storyboards: several shots chained for continuity, generated in order and joined into one film.

Example:
    >>> import sora_widgets as sw
    >>> board = sw.Storyboard(size="landscape", seconds=4, continuity="last_frame")
    >>> board.add("Wide shot of a paper boat on a pond at dawn, slow dolly in")
    0
    >>> board.add("Close-up of a frog landing on the boat, golden light", seconds=8)
    1
    >>> board.estimated_cost
    Decimal('3.60')
    >>> film = board.run_sync()
    >>> len(film.shots), film.path.suffix, f"${film.cost:.2f}", film.duration
    (2, '.mp4', '$3.60', 12.0)

How shot k+1 continues from shot k (``continuity``, per board, overridable per shot):

- ``"last_frame"``: image to video, with shot k's last frame (fitted to the board's size) as
  the reference that anchors shot k+1's first frame;
- ``"remix"``: shot k+1 remixes shot k (``remix_video_id`` = shot k's ``remix_id``);
- ``"none"``: independent; such shots run at the same time.

Durability: every shot is sent through :meth:`SoraClient.create` with journal labels
``{"board": <id>, "shot": <n>, "shot_key": <key>}``, so it is on disk before it is sent. A
shot's key is a hash of everything that decides its video (prompt, size, length, how it
continues, its own image, its take, and the key of the shot it continues from). Running a board
again, after a kernel restart too, looks each key up in the journal: a finished shot is reused,
an unfinished one is waited for (never sent again), and only the rest is made. Editing shot k
changes its key and the keys of the shots that continue from it, and of no other shot.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidRequestError
from ..models.catalog import I2V, MODELS, T2V
from ..models.money import format_money
from ..models.prices import estimate_cost
from ..models.request import ReferenceImage, check_prompt, normalize_seconds, normalize_size
from ._board import (
    BLOCKED,
    CONTINUITY,
    DONE,
    FAILED,
    LABEL_BOARD,
    LABEL_SHOT_KEY,
    MAX_SHOTS,
    PLANNED,
    RUNNING,
    WAITING,
    BudgetExceeded,
    Shot,
    ShotFailed,
    ShotPlan,
    ShotState,
    check_board_id,
    check_budget,
    check_crossfade,
    check_mode,
    check_take,
    image_fingerprint,
)
from ._board_file import board_from_dict, board_path, board_to_dict, parse_board_json, save_board
from ._film import Film

if TYPE_CHECKING:
    from ..client import SoraClient
    from ..journal import JournalEntry

__all__ = [
    "BLOCKED",
    "CONTINUITY",
    "DONE",
    "FAILED",
    "MAX_SHOTS",
    "PLANNED",
    "RUNNING",
    "WAITING",
    "BudgetExceeded",
    "Shot",
    "ShotFailed",
    "ShotState",
    "Storyboard",
]


class Storyboard:
    """Several shots, chained for continuity, generated in order and joined into one film.

    Example:
        >>> board = Storyboard(size="landscape", seconds=4, continuity="last_frame")
        >>> board.add("Wide shot of a paper boat on a pond at dawn, slow dolly in")
        0
        >>> board.estimated_cost
        Decimal('1.20')
        >>> film = await board.run()
        >>> film.duration
        4.0

    In a notebook, a board as the last expression of a cell shows its widget (shot cards,
    lengths, continuity markers, live status, the price before Run, the joined film).

    Args:
        client: the :class:`SoraClient` (default: a new ``SoraClient()``; the simulator when no
            key is configured).
        size: ``"landscape"``, ``"portrait"``, ``"1280x720"`` or ``"720x1280"`` for every shot.
        seconds: each shot's default length (4, 8 or 12).
        continuity: how each shot continues from the one before (see the module docstring).
        budget: USD; a run whose estimated cost is more is refused before anything is sent.
        crossfade: seconds each shot blends into the next in the film (0: hard cuts).
        board_id: the board's id (default: a new one); :meth:`resume` takes it.
        concurrency: at most this many shots are made at once (independent shots only).
    """

    def __init__(
        self,
        client: SoraClient | None = None,
        *,
        size: str = "landscape",
        seconds: int = 4,
        continuity: str = "last_frame",
        budget: float | Decimal | str | None = None,
        crossfade: float = 0.0,
        board_id: str | None = None,
        concurrency: int = 4,
    ) -> None:
        self.size: str = normalize_size(size, T2V)
        self.seconds: int = normalize_seconds(seconds, T2V)
        self.continuity: str = check_mode(continuity, allow_none=False) or "last_frame"
        self.budget: Decimal | None = check_budget(budget)
        self.crossfade = check_crossfade(crossfade)
        self.id: str = uuid.uuid4().hex[:12] if board_id is None else check_board_id(board_id)
        self.concurrency = max(1, int(concurrency))
        self._client = client
        self.shots: list[Shot] = []
        self.states: list[ShotState] = []
        self.film: Film | None = None
        self.running = False
        self._observers: list[Callable[[Storyboard], Any]] = []

    # -- the client --------------------------------------------------------------------------

    @property
    def client(self) -> SoraClient:
        """The client shots are made with (created on first use)."""
        if self._client is None:
            from ..client import SoraClient

            self._client = SoraClient()
        return self._client

    # -- editing -----------------------------------------------------------------------------

    def add(
        self,
        prompt: str,
        *,
        seconds: int | None = None,
        continuity: str | None = None,
        image: Any = None,
        at: int | None = None,
        model: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> int:
        """Add a shot (at the end, or before index ``at``); returns its index.

        ``model`` picks any catalog model for this shot (``params``: its other parameters by
        name); with ``continuity="last_frame"`` the model's spec must take a first-frame image,
        which :meth:`check` (and :meth:`run`, before sending anything) verifies.
        """
        shot = Shot(
            prompt=prompt, seconds=seconds, continuity=continuity, image=image, model=model, params=params
        )
        return self._insert(shot, at)

    def _insert(self, shot: Shot, at: int | None = None) -> int:
        """Check ``shot`` and insert it: the one way in, for :meth:`add` and a loaded file alike."""
        self._check_idle()
        if len(self.shots) >= MAX_SHOTS:
            raise InvalidRequestError(
                f"a board holds at most {MAX_SHOTS} shots: remove one to make room for another."
            )
        shot = self._valid(shot)
        index = len(self.shots) if at is None else max(0, min(int(at), len(self.shots)))
        self.shots.insert(index, shot)
        self.states.insert(index, ShotState())
        self._refresh()
        return index

    def edit(self, index: int, **changes: Any) -> None:
        """Change a shot's ``prompt``, ``seconds``, ``continuity``, ``image``, ``model`` or ``params``.

        The shot, and the shots that continue from it, will be made again on the next run.
        """
        self._check_idle()
        unknown = set(changes) - {"prompt", "seconds", "continuity", "image", "model", "params"}
        if unknown:
            raise InvalidRequestError(f"unknown shot field(s) {', '.join(sorted(unknown))}.")
        self.shots[self._index(index)] = self._valid(replace(self.shots[self._index(index)], **changes))
        self._refresh()

    def remove(self, index: int) -> Shot:
        """Remove a shot and return it."""
        self._check_idle()
        i = self._index(index)
        self.states.pop(i)
        shot = self.shots.pop(i)
        self._refresh()
        return shot

    def move(self, index: int, to: int) -> None:
        """Move a shot to position ``to``."""
        self._check_idle()
        i, j = self._index(index), self._index(to)
        shot, state = self.shots.pop(i), self.states.pop(i)
        self.shots.insert(j, shot)
        self.states.insert(j, state)
        self._refresh()

    def configure(
        self,
        *,
        size: str | None = None,
        seconds: int | None = None,
        continuity: str | None = None,
        budget: float | Decimal | str | None = None,
        crossfade: float | None = None,
    ) -> None:
        """Change board-wide settings (validated); shots whose video they change are made again."""
        self._check_idle()
        if size is not None:
            self.size = normalize_size(size, T2V)
        if seconds is not None:
            self.seconds = normalize_seconds(seconds, T2V)
        if continuity is not None:
            self.continuity = check_mode(continuity, allow_none=False) or self.continuity
        if budget is not None:
            self.budget = check_budget(budget)
        if crossfade is not None:
            self.crossfade = check_crossfade(crossfade)
        self._refresh()

    def rerun_from(self, index: int) -> None:
        """Ask for a new take of shot ``index``: it and the shots continuing from it are made
        again on the next run (the others are kept). See :attr:`estimated_cost` first."""
        self._check_idle()
        i = self._index(index)
        self.shots[i] = replace(self.shots[i], take=self.shots[i].take + 1)
        self._refresh()

    def _check_idle(self) -> None:
        if self.running:
            raise InvalidRequestError("the board is running: edit it when the run has finished.")

    def _index(self, index: int) -> int:
        if not -len(self.shots) <= index < len(self.shots):
            raise IndexError(f"the board has {len(self.shots)} shots; there is no shot {index}.")
        return index % len(self.shots)

    def _valid(self, shot: Shot) -> Shot:
        prompt = check_prompt(shot.prompt)
        take = check_take(shot.take)
        shot = _checked_model(shot)
        if shot.seconds is None or shot.model is not None:
            seconds = _catalog_seconds(shot.seconds)  # a catalog model's lengths are its spec's
        else:
            seconds = normalize_seconds(shot.seconds, T2V)
        image = shot.image
        if image is not None and not isinstance(image, (str, Path, ReferenceImage)):
            # bytes, a PIL image or a file object: load (and check) it once, now.
            from ..media import load_image

            image = load_image(image)
        mode = check_mode(shot.continuity)
        return replace(shot, prompt=prompt, seconds=seconds, continuity=mode, image=image, take=take)

    def __len__(self) -> int:
        return len(self.shots)

    def __getitem__(self, index: int) -> Shot:
        return self.shots[index]

    # -- observing ---------------------------------------------------------------------------

    def observe(self, callback: Callable[[Storyboard], Any]) -> None:
        """Call ``callback(board)`` after every change of shots, states or film."""
        self._observers.append(callback)

    def unobserve(self, callback: Callable[[Storyboard], Any]) -> None:
        """Stop calling ``callback``."""
        if callback in self._observers:
            self._observers.remove(callback)

    def _changed(self) -> None:
        for callback in list(self._observers):
            callback(self)

    def _refresh(self) -> None:
        """After an edit: shots whose key changed lose their result (until the next run)."""
        keys = self.keys()
        for i, state in enumerate(self.states):
            if state.video is not None and state.video.labels.get(LABEL_SHOT_KEY) != keys[i]:
                self.states[i] = ShotState()
        self.film = None if any(s.status != DONE for s in self.states) else self.film
        self._changed()

    # -- planning ----------------------------------------------------------------------------

    def mode_of(self, index: int) -> str:
        """How shot ``index`` continues from the one before (``"none"`` for the first)."""
        if index == 0:
            return "none"
        return self.shots[index].continuity or self.continuity

    def depends_on(self, index: int) -> int | None:
        """The shot that shot ``index`` continues from, or None when it is independent."""
        mode = self.mode_of(index)
        if mode == "none" or (mode == "last_frame" and self.shots[index].image is not None):
            return None
        return index - 1

    def seconds_of(self, index: int) -> int:
        """Shot ``index``'s length in seconds."""
        return self.shots[index].seconds or self.seconds

    def model_of(self, index: int) -> str:
        """The model shot ``index`` goes to."""
        shot = self.shots[index]
        if shot.model:
            return shot.model
        uses_image = shot.image is not None or (
            self.mode_of(index) == "last_frame" and self.depends_on(index) is not None
        )
        return I2V.id if uses_image else T2V.id

    def keys(self) -> list[str]:
        """Each shot's key: a hash of everything that decides its video, chained through the
        shots it continues from."""
        keys: list[str] = []
        for i, shot in enumerate(self.shots):
            dep = self.depends_on(i)
            material = {
                "prompt": shot.prompt,
                "size": self.size,
                "seconds": self.seconds_of(i),
                "mode": self.mode_of(i) if dep is not None else "none",
                "image": image_fingerprint(shot.image),
                "take": shot.take,
                "after": keys[dep] if dep is not None else None,
            }
            if shot.model:  # only then: the keys of Sora shots stay what they were
                material |= {"model": shot.model, "params": shot.params}
            digest = hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).hexdigest()
            keys.append(digest[:24])
        return keys

    def _journal_entries(self) -> dict[str, JournalEntry]:
        """The newest journal entry of each shot key (this board's entries first)."""
        journal = self.client.journal
        if journal is None:
            return {}
        found: dict[str, JournalEntry] = {}
        others: dict[str, JournalEntry] = {}
        for entry in journal.entries(base_url=self.client.base_url):  # newest first
            key = entry.labels.get(LABEL_SHOT_KEY)
            if not key:
                continue
            target = found if entry.labels.get(LABEL_BOARD) == self.id else others
            target.setdefault(key, entry)
        return {**others, **found}

    def plan(self) -> list[ShotPlan]:
        """What the next run does with each shot: ``reuse`` a finished video, ``resume`` an
        unfinished task, ``generate`` it, or stop at an ``unknown`` outcome (never resent)."""
        entries = self._journal_entries()
        plans = []
        for i, key in enumerate(self.keys()):
            entry = entries.get(key)
            price = self.price_of(i)
            if entry is None or entry.status in ("failed", "refused"):
                action = "generate"
            elif entry.status == "completed" and entry.video is not None:
                action = "reuse"
            elif entry.task_id is not None and not entry.is_terminal:
                action = "resume"
            elif entry.status in ("sending", "unknown_outcome"):
                action = "unknown"
            else:
                action = "generate"
            plans.append(ShotPlan(i, key, self.depends_on(i), action, entry, price))
        return plans

    def price_of(self, index: int) -> Decimal | None:
        """Shot ``index``'s estimated price by its model (None: no known price, never $0)."""
        shot, seconds = self.shots[index], self.seconds_of(index)
        if shot.model:
            length = (shot.params or {}).get("duration", shot.seconds)
            return estimate_cost(shot.model, length or seconds, self.client.prices)
        return (I2V if self.model_of(index) == I2V.id else T2V).estimate_cost(seconds)

    @property
    def total_cost(self) -> Decimal | None:
        """The estimated price of every shot of the board (None: a shot's model has no known price)."""
        return _sum_known([p.cost for p in self._price_plan()])

    @property
    def estimated_cost(self) -> Decimal | None:
        """The estimated price of the next run: only the shots it has to make (None: unknown)."""
        return _sum_known([p.cost for p in self.plan() if p.action == "generate"])

    async def check(self) -> None:
        """Check, before anything is sent, that every shot's model can continue as asked.

        Raises:
            InvalidRequestError: naming the shot and the model that cannot continue it (no
                first-frame image in its spec for ``last_frame``, no remix for ``remix``).
            ModelUnavailableError: a shot's model is not in the catalog.
        """
        for i, shot in enumerate(self.shots):
            if not shot.model:
                continue
            spec = await self.client.model_spec(shot.model)
            mode = self.mode_of(i)
            continues = self.depends_on(i) is not None
            from_image = (mode == "last_frame" and continues) or shot.image is not None
            if from_image and spec.first_frame_param is None:
                raise InvalidRequestError(
                    f"shot {i} ({shot.model}) cannot start from an image (the last frame of shot "
                    f"{i - 1} or its own): its spec takes no first-frame image. Pick a model whose "
                    "spec does (an image-to-video model), or continuity='none' for this shot."
                )
            if mode == "remix" and continues and not spec.can_remix:
                raise InvalidRequestError(
                    f"shot {i} ({shot.model}) cannot remix shot {i - 1}: its spec takes no remix source. "
                    "Use continuity='last_frame' with a model that takes a first-frame image, or 'none'."
                )

    def _price_plan(self) -> list[ShotPlan]:
        return [
            ShotPlan(
                i,
                "",
                self.depends_on(i),
                "generate",
                None,
                self.price_of(i),
            )
            for i in range(len(self.shots))
        ]

    # -- running -----------------------------------------------------------------------------

    async def run(self) -> Film:
        """Make every shot that is not made yet, in order, and join them into one film.

        Raises:
            BudgetExceeded: the run's estimated cost is over the budget; nothing was sent.
            ShotFailed: a shot failed; the shots continuing from it were not made, the others
                are kept (run again to retry, :meth:`rerun_from` for a new take).
            InvalidRequestError: an empty board.
        """
        from ._board_run import BoardRun

        if not self.shots:
            raise InvalidRequestError("the board has no shots: board.add('...') first.")
        if self.running:
            raise InvalidRequestError("the board is running already.")
        await self.check()
        plans = self.plan()
        making = [p for p in plans if p.action == "generate"]
        unpriced = sorted({self.model_of(p.index) for p in making if p.cost is None})
        if self.budget is not None and unpriced:
            raise BudgetExceeded(
                f"no price is known for {', '.join(unpriced)}, so the run cannot be held to the budget; "
                "nothing was sent. Set one with client.prices.set(model, per_second=...)."
            )
        cost = sum((p.cost for p in making if p.cost is not None), Decimal("0"))
        if self.budget is not None and cost > self.budget:
            raise BudgetExceeded(
                f"this run would cost about {format_money(cost)} "
                f"({sum(p.action == 'generate' for p in plans)} shots to make), over the budget of "
                f"{format_money(self.budget)}; nothing was sent. Shorten or remove shots, or raise the "
                "budget."
            )
        self.running = True
        self.film = None
        self.save()
        try:
            film = await BoardRun(self, plans).execute()
            self.film = film
            return film
        finally:
            self.running = False
            self._changed()

    def run_sync(self) -> Film:
        """Blocking :meth:`run` (a plain script, or a cell that should wait)."""
        from .._sync import run_sync

        return run_sync(self.run())

    # -- saving and sharing ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Prompts and settings (never keys or videos). Own images travel as their path or URL;
        an image given as bytes or a picture is described by its hash only."""
        return board_to_dict(self)

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text, to share a board."""
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, client: SoraClient | None = None) -> Storyboard:
        """Rebuild a shared board from :meth:`to_dict` (same id, so its finished shots are found).

        Checked exactly as if built by hand (shot limit, sizes, lengths, budget, ...). A shot whose
        own image is a local file (its path, or the digest of a saved picture) is refused: a
        board someone sent must not make this machine read and upload its files. Pick the
        picture again with :meth:`edit`.

        Raises:
            InvalidRequestError: a value a board cannot have, naming the field.
        """
        return board_from_dict(cls, data, client)

    @classmethod
    def from_json(cls, text: str, *, client: SoraClient | None = None) -> Storyboard:
        """Inverse of :meth:`to_json` (see :meth:`from_dict`)."""
        return cls.from_dict(parse_board_json(text), client=client)

    def save(self) -> Path:
        """Write the board to ``$SORA_WIDGETS_HOME/storyboards/<id>.json`` (done by every run),
        so :meth:`resume` can find it after a kernel restart."""
        return save_board(self, self._client)

    @classmethod
    async def resume(cls, board_id: str, *, client: SoraClient | None = None) -> Film:
        """Load a board saved by an earlier run (another kernel too) and finish it.

        Finished shots are reused, unfinished tasks are waited for; nothing made is made again.
        """
        board = cls.load(board_id, client=client)
        return await board.run()

    @classmethod
    def load(cls, board_id: str, *, client: SoraClient | None = None) -> Storyboard:
        """The board saved under ``board_id`` (see :meth:`save`); checked as :meth:`from_dict`
        does, but its shots' own pictures are read back (this machine saved them)."""
        path = board_path(board_id, client)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InvalidRequestError(
                f"no saved storyboard {board_id!r} (looked in {path.parent})."
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidRequestError(f"the saved storyboard {board_id!r} cannot be read: {exc}") from None
        board = board_from_dict(cls, parse_board_json(text), client, own_file=True)
        if board.id != board_id:
            raise InvalidRequestError(f"id: the file saved as {board_id!r} holds the board {board.id!r}.")
        return board

    def __repr__(self) -> str:
        return (
            f"Storyboard({self.id!r}, {len(self.shots)} shots, {self.size}, {self.continuity}, "
            f"estimated {format_money(self.total_cost)})"
        )


def _sum_known(costs: list[Decimal | None]) -> Decimal | None:
    """The sum of ``costs``, or None when one of them is unknown (never counted as $0)."""
    if any(c is None for c in costs):
        return None
    return sum((c for c in costs if c is not None), Decimal("0"))


def _checked_model(shot: Shot) -> Shot:
    """The shot's ``model`` and ``params`` checked (a Sora id counts as no catalog model)."""
    if shot.model is not None and not isinstance(shot.model, str):
        raise InvalidRequestError(f"model: a model id (text), not {type(shot.model).__name__}.")
    model = shot.model if shot.model and shot.model not in MODELS else None
    params = shot.params
    if params is not None and (not isinstance(params, dict) or not all(isinstance(k, str) for k in params)):
        raise InvalidRequestError("params: the model's parameters by name, as an object.")
    if params and model is None:
        raise InvalidRequestError("params= go with a catalog model: give the shot's model= too.")
    return replace(shot, model=model, params=dict(params) if params else None)


def _catalog_seconds(seconds: Any) -> int | None:
    """A catalog shot's length: a whole number of seconds (the spec checks it when sent)."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 1:
        raise InvalidRequestError(f"seconds={seconds!r}: a whole number of seconds, 1 or more.")
    return seconds
