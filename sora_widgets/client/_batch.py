"""Batches: many requests at once (``iter_many``, ``generate_many``) and ``resume``.

Every batch gives :class:`BatchResult` objects: a video, or the error that ended that job.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .._constants import DEFAULT_WAIT_TIMEOUT_S
from ..errors import InvalidRequestError, SoraError
from ..models.entry import JournalEntry
from ..models.request import VideoRequest
from ..models.task import Task
from ..models.video import Video
from ._download import Downloader
from ._recorder import Recorder, never_fatal
from ._requests import RequestLike
from ._wait import OnUpdate

if TYPE_CHECKING:
    # The batch drives the client's own face (build_request, generate, wait), so the request's
    # parameters are not written out a second time here.
    from ._client import SoraClient

__all__ = ["BatchResult", "BatchUpdate", "Batches"]

#: ``on_update(index, task)`` of a batch: the job's index and its latest Task; sync or async.
BatchUpdate = Callable[[int, Task], Any]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class BatchResult:
    """One job of a batch (:meth:`~sora_widgets.SoraClient.generate_many`, ``iter_many``,
    ``resume``): a video, or the error that ended it.

    Attributes:
        index: position of the request in the batch (for ``resume``: in its list, newest first).
        request: the validated request (None when the input itself was invalid, or a resumed
            request had a local image, whose bytes are not kept).
        video: the finished Video, or None.
        error: why there is no video (a :class:`~sora_widgets.SoraError` as a rule), or None.
        queued_at, started_at, finished_at: UTC times, for a timeline of the batch.
    """

    index: int
    request: VideoRequest | None
    video: Video | None = None
    error: Exception | None = None
    queued_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the job produced a video."""
        return self.video is not None and self.error is None


class Batches:
    """Runs many jobs on one client, at most ``concurrency`` at once; a failure never stops the rest."""

    def __init__(self, client: SoraClient, downloader: Downloader, recorder: Recorder) -> None:
        self._client = client
        self._downloader = downloader
        self._recorder = recorder

    async def iter_many(
        self,
        requests: Iterable[RequestLike],
        *,
        concurrency: int = 4,
        on_update: BatchUpdate | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT_S,
        download: bool | None = None,
        labels: Sequence[Mapping[str, str]] | None = None,
    ) -> AsyncIterator[BatchResult]:
        """See :meth:`sora_widgets.SoraClient.iter_many`."""
        if concurrency < 1:
            raise InvalidRequestError("concurrency must be at least 1.")
        items = list(requests)
        if labels is not None and len(labels) != len(items):
            raise InvalidRequestError(f"labels has {len(labels)} entries for {len(items)} requests.")
        gate = asyncio.Semaphore(concurrency)
        done: asyncio.Queue[BatchResult] = asyncio.Queue()
        client = self._client

        async def run(index: int, item: RequestLike) -> None:
            queued = _utcnow()
            request: VideoRequest | None = None
            started: datetime | None = None
            try:
                request = client.build_request(item)
                async with gate:
                    started = _utcnow()

                    def forward(task: Task) -> Any:
                        return on_update(index, task) if on_update is not None else None

                    video = await client.generate(
                        request,
                        on_update=forward,
                        timeout=timeout,
                        download=download,
                        labels=dict(labels[index]) if labels is not None else None,
                    )
                result = BatchResult(index, request, video, None, queued, started, _utcnow())
            except Exception as exc:  # noqa: BLE001 - a failure is kept as this job's result
                result = BatchResult(index, request, None, exc, queued, started, _utcnow())
            await done.put(result)

        jobs = [asyncio.create_task(run(i, item)) for i, item in enumerate(items)]
        try:
            for _ in jobs:
                yield await done.get()
        finally:
            for job in jobs:
                if not job.done():
                    job.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*jobs, return_exceptions=True)

    async def resume(self, *, on_update: OnUpdate | None = None, concurrency: int = 4) -> list[BatchResult]:
        """See :meth:`sora_widgets.SoraClient.resume`."""
        entries = never_fatal(self._recorder.to_resume)(self._client.base_url) or []
        gate = asyncio.Semaphore(max(1, concurrency))
        client = self._client

        async def finish(index: int, entry: JournalEntry) -> BatchResult:
            queued = _utcnow()
            request = entry.to_request()
            async with gate:
                started = _utcnow()
                try:
                    if entry.status == "completed" and entry.video is not None:
                        video = await self._downloader.save(entry.video, None, entry.id)
                    else:
                        assert entry.task_id is not None
                        video = await client.wait(entry.task_id, on_update=on_update)
                except SoraError as exc:
                    return BatchResult(index, request, None, exc, queued, started, _utcnow())
            return BatchResult(index, request, video, None, queued, started, _utcnow())

        return list(await asyncio.gather(*(finish(i, e) for i, e in enumerate(entries))))
