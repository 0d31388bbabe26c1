"""The result users keep: :class:`Video`."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._display import widget_for
from .._text import shorten
from .money import format_money, parse_money
from .request import PixelSize, VideoRequest
from .task import Task

if TYPE_CHECKING:
    from PIL import Image

    from ..client import SoraClient

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

    # -- frames (decoded by sora_widgets.av.frames; imported on first use, models stay I/O-free) --

    def local_file(self, client: SoraClient | None = None) -> Path:
        """The video file on disk, downloaded first when there is none (with ``client``).

        Without a ``client``, a video of the real service is downloaded with ``SoraClient()``;
        a simulated video needs the client that made it (its URL only exists in that process).

        Raises:
            DownloadError: there is no file and it cannot be downloaded (the message says how).
        """
        if self.path is not None and Path(self.path).is_file():
            return Path(self.path)
        from ..errors import DownloadError

        where = f"the file {self.path} is not there any more" if self.path else "it has no local file"
        if not self.url:
            raise DownloadError(
                f"Cannot read the frames of video {self.task_id}: {where} and no URL to fetch."
            )
        if client is None and self.simulated:
            raise DownloadError(
                f"Cannot read the frames of video {self.task_id}: {where}. It was made by a simulator; "
                "pass the client that made it (video.frames(client=client)) or download it first: "
                "video = video.with_changes(path=client.download_sync(video))."
            )
        if client is None:
            from ..client import SoraClient

            client = SoraClient()
        return Path(client.download_sync(self))

    def frames(self, n: int = 8, *, client: SoraClient | None = None) -> list[Image.Image]:
        """``n`` stills evenly spaced from the first frame to the last, as PIL images.

        Decoded with PyAV from the local file (downloaded first when needed, see
        :meth:`local_file`) and cached per file.

        Example:
            >>> import sora_widgets as sw
            >>> video = sw.SoraClient().generate_sync(prompt="A kite", size="landscape", seconds=4)
            >>> stills = video.frames(4)
            >>> len(stills), stills[0].size
            (4, (1280, 720))

        Raises:
            DownloadError: no local file and it cannot be downloaded.
            OSError: the file cannot be decoded.
        """
        from ..av.frames import sample_frames

        return [s.image for s in sample_frames(self.local_file(client), n)]

    def filmstrip(self, n: int = 8, *, height: int = 90, client: SoraClient | None = None) -> Image.Image:
        """The :meth:`frames` side by side as one image ``height`` pixels high."""
        from ..av.frames import filmstrip

        return filmstrip(self.frames(n, client=client), height=height)

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

    # marimo's display hook: the object's widget, imported only when marimo shows one
    # (Jupyter uses sora_widgets._display's IPython hook instead).
    _display_ = widget_for

    def __repr__(self) -> str:
        cost = format_money(self.cost) or "cost n/a"
        where = f", path='{self.path}'" if self.path else ""
        sim = ", simulated" if self.simulated else ""
        prompt = shorten(self.prompt, 60)
        return (
            f"Video({self.task_id!r}, {self.model}, {self.size}, {self.seconds}s, {cost}, "
            f"prompt={prompt!r}{where}{sim})"
        )
