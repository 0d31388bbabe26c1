"""The frames of a :class:`~sora_widgets.Video`: its file on disk, then :mod:`.frames`.

A Video is data: it neither downloads nor decodes. Here its file is found (or fetched through
the client passed in, the one that made it), then decoded by :mod:`.frames` and cached per file.

Example:
    >>> import sora_widgets as sw
    >>> client = sw.SoraClient()
    >>> video = client.generate_sync(prompt="A kite", size="landscape", seconds=4)
    >>> stills = sw.video_frames(video, 4, client=client)
    >>> len(stills), stills[0].size
    (4, (1280, 720))
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import DownloadError
from ..models.video import Video
from .frames import filmstrip, sample_frames

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["Downloads", "video_file", "video_filmstrip", "video_frames"]


class Downloads(Protocol):
    """What reaching a video's file needs of a client (a :class:`~sora_widgets.SoraClient` is one)."""

    def download_sync(self, video: Video, dest: str | Path | None = None) -> Path:
        """Save the video's file and return its path."""
        ...


def video_file(video: Video, client: Downloads | None = None) -> Path:
    """The video's file on disk, downloaded first with ``client`` when there is none.

    Raises:
        DownloadError: there is no file and it cannot be downloaded (the message says how).
    """
    if video.path is not None and Path(video.path).is_file():
        return Path(video.path)
    where = f"the file {video.path} is not there any more" if video.path else "it has no local file"
    if not video.url:
        raise DownloadError(f"Cannot read the frames of video {video.task_id}: {where} and no URL to fetch.")
    if client is None:
        raise DownloadError(
            f"Cannot read the frames of video {video.task_id}: {where}; pass the client that made it "
            "(sw.video_frames(video, client=client)) or download it first: "
            "video = video.with_changes(path=client.download_sync(video))."
        )
    return Path(client.download_sync(video))


def video_frames(video: Video, n: int = 8, *, client: Downloads | None = None) -> list[Image.Image]:
    """``n`` stills of ``video`` evenly spaced from the first frame to the last, as PIL images.

    Decoded with PyAV from the video's file (downloaded first with ``client`` when there is
    none, see :func:`video_file`) and cached per file.

    Raises:
        DownloadError: no local file and it cannot be downloaded.
        ValueError: ``n`` outside 1..MAX_FRAMES.
        OSError: the file cannot be decoded.
    """
    return [s.image for s in sample_frames(video_file(video, client), n)]


def video_filmstrip(
    video: Video,
    n: int = 8,
    *,
    height: int = 90,
    client: Downloads | None = None,
) -> Image.Image:
    """The :func:`video_frames` of ``video`` side by side, one image ``height`` pixels high."""
    return filmstrip(video_frames(video, n, client=client), height=height)
