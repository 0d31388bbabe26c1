"""Downloading a finished video: where it goes, a fresh link when one expired, the cache policy."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from .._paths import path_inside
from ..errors import DownloadError, LinkExpired, MediaError
from ..models.video import Video
from ..transport import Transport
from ._recorder import Reports
from ._wait import Poller

__all__ = ["LABEL_DELIVERED_SIZE", "Downloader", "checked_size"]

log = logging.getLogger("sora_widgets.client")

# The label a downloaded video gets when its pictures are not the size asked for (journaled with
# it, so History and the Video both say so). Durable data: never rename it.
LABEL_DELIVERED_SIZE = "delivered_size"


def checked_size(video: Video) -> Video:
    """``video`` (with its file saved), labelled ``delivered_size`` and a warning logged when the
    file's pictures are not the size that was asked for. Kept either way: the user paid for it,
    and the label says what they got. Reads the MP4's header only."""
    from ..av.film import picture_size

    if video.path is None:
        return video
    try:
        width, height = picture_size(video.path)
    except MediaError as exc:  # verified as an MP4 already; only the size is unknown
        log.info("the size of video %s could not be read: %s", video.task_id, exc.message)
        return video
    delivered = f"{width}x{height}"
    if delivered == video.size:
        return video
    log.warning(
        "video %s is %s, not the %s that was asked for; it is kept, labelled %s=%s",
        video.task_id,
        delivered,
        video.size,
        LABEL_DELIVERED_SIZE,
        delivered,
    )
    return video.with_changes(labels={**video.labels, LABEL_DELIVERED_SIZE: delivered})


class Downloader:
    """Saves videos into ``folder`` (or where asked), reporting each file to the recorder.

    Args:
        cache: a video cache folder and its policy, run in a thread after each download into
            that folder while it is ``folder`` (wired by the composition root), or None.
    """

    def __init__(
        self,
        transport: Transport,
        poller: Poller,
        reports: Reports,
        *,
        folder: Path,
        cache: tuple[Path, Callable[[], object]] | None,
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self._transport = transport
        self._poller = poller
        self._reports = reports
        self.folder = folder
        self._cache = cache
        self._sleep = sleep

    def target(self, video: Video, dest: str | Path | None) -> Path:
        """The file a video is saved to: ``dest`` as a file, or a file named after the task in
        ``dest`` (a folder) or in :attr:`folder`."""
        name = re.sub(r"[^A-Za-z0-9._-]", "_", video.task_id) + ".mp4"
        if dest is None:
            return path_inside(self.folder, name, what=f"task id {video.task_id!r}")
        text = str(dest)
        path = Path(dest).expanduser()
        if path.is_dir() or text.endswith(("/", os.sep)) or not path.suffix:
            return path / name
        return path

    async def save(self, video: Video, dest: str | Path | None, entry_id: str | None) -> Video:
        """The video with ``path`` set, once its file is saved (and recorded)."""
        if not video.url:
            raise DownloadError(
                f"task {video.task_id} has no result URL to download; poll it with client.get(...)."
            )
        target = self.target(video, dest)
        try:
            path = await self._transport.download(
                video.url, target, sleep=self._sleep, expected_size=video.file_size
            )
        except LinkExpired:
            # Links expire after hours; one fresh poll may hand out a new one.
            fresh = await self._poller.once(video.task_id)
            url = fresh.video.url if fresh.video else None
            if not url or url == video.url:
                raise
            video = video.with_changes(url=url)
            path = await self._transport.download(
                url, target, sleep=self._sleep, expected_size=fresh.video.size_bytes if fresh.video else None
            )
        video = await asyncio.to_thread(checked_size, video.with_changes(path=path))
        if entry_id is None:
            entry = self._reports.entry_for_task(video.task_id)
            entry_id = entry.id if entry is not None else None
        if entry_id:
            self._reports.downloaded(entry_id, video)
        if dest is None and self._cache is not None and self.folder == self._cache[0]:
            await self._tidy(self._cache[1])
        return video

    @staticmethod
    async def _tidy(policy: Callable[[], object]) -> None:
        """Run the cache policy after a download: housekeeping that never fails a download."""
        try:
            await asyncio.to_thread(policy)
        except Exception as exc:  # noqa: BLE001 - pruning is housekeeping: never fail a download for it
            log.warning("the video cache policy could not be applied: %s", exc)
