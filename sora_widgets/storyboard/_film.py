"""A storyboard's result: :class:`Film`, the joined shots (data; joined by ``_board_run``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InvalidRequestError
from ..models.catalog import I2V
from ..models.money import format_money
from ..models.video import Video

__all__ = ["Film"]


@dataclass(frozen=True)
class Film:
    """The joined film of a board: its shots, its file, what it cost.

    Example:
        >>> from sora_widgets.storyboard import Storyboard
        >>> board = Storyboard(seconds=4)
        >>> board.add("A paper boat on a pond at dawn")
        0
        >>> film = await board.run()
        >>> film.duration, f"${film.cost:.2f}", film.path.exists()
        (4.0, '$1.20', True)
        >>> Film.from_dict(film.to_dict()) == film
        True

    Attributes:
        shots: one Video per shot, in order.
        path: the joined MP4.
        duration: seconds of picture.
        frames: frames of picture.
        join: ``"copy"`` (packets copied, no re-encoding) or ``"reencode"``.
        has_audio: whether the film has sound.
        starts: where each shot starts, in seconds.
        board_id: the board that made it.
    """

    shots: list[Video]
    path: Path
    duration: float
    frames: int
    join: str = "copy"
    has_audio: bool = False
    starts: tuple[float, ...] = ()
    board_id: str = ""

    @property
    def cost(self) -> Decimal:
        """What the shots cost, as the service reported it (estimates where it did not)."""
        total = Decimal("0")
        for video in self.shots:
            total += video.cost if video.cost is not None else I2V.estimate_cost(video.seconds)
        return total

    @property
    def size(self) -> str:
        """The film's size, ``"WxH"``."""
        return self.shots[0].size if self.shots else ""

    def as_video(self) -> Video:
        """The film as a :class:`Video`, for :class:`~sora_widgets.VideoPlayer` and friends."""
        first = self.shots[0]
        return Video(
            task_id=f"film-{self.board_id or 'board'}",
            model="storyboard",
            prompt=" / ".join(v.prompt for v in self.shots),
            size=first.size,
            seconds=round(self.duration),
            cost=self.cost,
            path=self.path,
            simulated=any(v.simulated for v in self.shots),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; :meth:`from_dict` rebuilds an equal Film."""
        return {
            "shots": [v.to_dict() for v in self.shots],
            "path": str(self.path),
            "duration": self.duration,
            "frames": self.frames,
            "join": self.join,
            "has_audio": self.has_audio,
            "starts": list(self.starts),
            "board_id": self.board_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Film:
        """Inverse of :meth:`to_dict`.

        Raises:
            InvalidRequestError: ``data`` is not a film's description (a field missing or of
                the wrong type).
        """
        try:
            return cls(
                shots=[Video.from_dict(v) for v in data["shots"]],
                path=Path(data["path"]),
                duration=float(data["duration"]),
                frames=int(data["frames"]),
                join=str(data.get("join", "copy")),
                has_audio=bool(data.get("has_audio", False)),
                starts=tuple(float(s) for s in data.get("starts", ())),
                board_id=str(data.get("board_id", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, InvalidRequestError):
                raise
            what = f"no {exc.args[0]!r}" if isinstance(exc, KeyError) else f"{type(exc).__name__}: {exc}"
            raise InvalidRequestError(f"not a film description ({what[:200]}).") from None

    def __repr__(self) -> str:
        return (
            f"Film({len(self.shots)} shots, {self.duration:g} s, {format_money(self.cost)}, {self.join}, "
            f"path='{self.path}')"
        )
