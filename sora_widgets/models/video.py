"""The result users keep: :class:`Video`, pure data.

Downloading one is the client's (``client.download(video)``), decoding its frames is
:mod:`sora_widgets.av.frames`' (``video_frames(video)``), showing it is the display layer's
(:mod:`sora_widgets._display` registers the player for Jupyter and marimo).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from .._text import shorten
from .money import format_money, parse_money
from .request import PixelSize, VideoRequest
from .task import Task

__all__ = ["Video"]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _from_iso(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Video(PixelSize):
    """A finished video: what was asked, what came back, what it cost, where it is on disk.

    ``remix_id`` is the id to pass as ``remix_video_id`` to make a variation of this video
    (the upstream ``video_...`` id when the gateway gives one, otherwise the task id).

    Example:
        >>> v = Video(task_id="d758n65e878c73cmdg20", model="sora_2_pro_t2v", prompt="a kite",
        ...           size="1280x720", seconds=4, url="https://cdn.example/v.mp4")
        >>> Video.from_dict(v.to_dict()) == v
        True
    """

    task_id: str
    model: str
    prompt: str
    size: str
    seconds: int
    url: str | None = None
    file_size: int | None = None
    cost: Decimal | None = None
    discount: float | None = None
    remix_id: str | None = None
    path: Path | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None
    request: VideoRequest | None = field(default=None, compare=False)
    simulated: bool = False
    favourite: bool = False
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Whatever built this Video (the wire, a journal row, a user), its cost is a bounded
        # amount before anything formats it; an unreadable one is dropped, not shown.
        if self.cost is not None:
            object.__setattr__(self, "cost", parse_money(self.cost))

    @property
    def orientation(self) -> str:
        """``"portrait"`` or ``"landscape"``."""
        return "portrait" if self.height > self.width else "landscape"

    def with_changes(self, **changes: Any) -> Video:
        """A copy with some fields changed (for example ``path`` after a download)."""
        return replace(self, **changes)

    @classmethod
    def from_task(
        cls,
        task: Task,
        request: VideoRequest,
        *,
        simulated: bool = False,
        labels: dict[str, str] | None = None,
    ) -> Video:
        """The Video of a completed task and the request that made it."""
        return cls.from_task_fields(
            task,
            model=task.model or request.model,
            prompt=request.prompt,
            size=request.size,
            seconds=request.seconds,
            request=request,
            simulated=simulated,
            labels=labels,
        )

    @classmethod
    def from_task_fields(
        cls,
        task: Task,
        *,
        model: str,
        prompt: str,
        size: str,
        seconds: int,
        request: VideoRequest | None = None,
        simulated: bool = False,
        labels: dict[str, str] | None = None,
    ) -> Video:
        """The Video of a completed task whose request is known only by its fields (for example
        from a journal entry when resuming); the task gives the result, cost and times."""
        asset = task.video
        return cls(
            task_id=task.id,
            model=model,
            prompt=prompt,
            size=size,
            seconds=seconds,
            url=asset.url if asset else None,
            file_size=asset.size_bytes if asset else None,
            cost=task.usage.cost if task.usage else None,
            discount=task.usage.discount if task.usage else None,
            remix_id=(asset.job_id if asset and asset.job_id else task.id),
            created_at=task.created_at,
            completed_at=datetime.now(timezone.utc),
            request=request,
            simulated=simulated,
            labels=dict(labels or {}),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; :meth:`from_dict` rebuilds an equal Video."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                value = _iso(value)
            elif isinstance(value, (Decimal, Path)):
                value = str(value)
            elif isinstance(value, VideoRequest):
                value = value.to_dict()
            elif isinstance(value, dict):
                value = dict(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Video:
        """Rebuild a Video from :meth:`to_dict` output (unknown keys are ignored)."""
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        for key in ("created_at", "completed_at"):
            kwargs[key] = _from_iso(kwargs.get(key))
        if kwargs.get("cost") is not None:
            kwargs["cost"] = parse_money(kwargs["cost"])
        if kwargs.get("path"):
            kwargs["path"] = Path(kwargs["path"])
        request = kwargs.get("request")
        if isinstance(request, dict):
            try:
                kwargs["request"] = VideoRequest.from_dict(request)
            except ValueError:
                kwargs["request"] = None
        kwargs["seconds"] = int(kwargs["seconds"])
        kwargs["labels"] = dict(kwargs.get("labels") or {})
        return cls(**kwargs)

    def __repr__(self) -> str:
        cost = format_money(self.cost) or "cost n/a"
        where = f", path='{self.path}'" if self.path else ""
        sim = ", simulated" if self.simulated else ""
        prompt = shorten(self.prompt, 60)
        return (
            f"Video({self.task_id!r}, {self.model}, {self.size}, {self.seconds}s, {cost}, "
            f"prompt={prompt!r}{where}{sim})"
        )
