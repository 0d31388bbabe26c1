"""Waiting for a task: one poll retried through transient failures, and the poll loop."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .._constants import MAX_UNKNOWN_STATUS_S
from ..errors import MalformedResponse, SoraError
from ..models.catalog import MODELS
from ..models.request import VideoRequest, parse_size
from ..models.task import Phase, Task, merge_update
from ..models.video import Video
from ..models.wire import WireFormatError, parse_task
from ..transport import PollPolicy, PollSchedule, Transport, poll_may_retry, poll_retrying
from ._failures import failure_error, poll_timeout, stuck_in_unknown
from ._recorder import Reports

if TYPE_CHECKING:
    from ..models.entry import JournalEntry

__all__ = ["OnUpdate", "Poller", "Waiter", "notify", "video_of"]

log = logging.getLogger("sora_widgets.client")

#: Called with the latest Task after every poll; sync or async.
OnUpdate = Callable[[Task], Any]


async def notify(callback: Callable[..., Any] | None, *args: Any) -> None:
    """Call a user callback, awaiting it when it is async."""
    if callback is None:
        return
    result = callback(*args)
    if inspect.isawaitable(result):
        await result


class Poller:
    """One poll of a task, retried through transient failures (never past a deadline)."""

    def __init__(
        self,
        transport: Transport,
        *,
        sleep: Callable[[float], Awaitable[None]],
        clock: Callable[[], float],
        rand: Callable[[], float],
    ) -> None:
        self._transport = transport
        self._sleep = sleep
        self._clock = clock
        self._rand = rand
        # Where each task is polled, when its model's spec names another endpoint than the default.
        self.routes: dict[str, str] = {}

    async def once(self, task_id: str, deadline: float | None = None) -> Task:
        """The task's current state."""
        task, _ = await self.with_hint(task_id, deadline)
        return task

    async def with_hint(self, task_id: str, deadline: float | None) -> tuple[Task, float | None]:
        """One poll; the Task and the server's Retry-After."""
        async for attempt in poll_retrying(
            sleep=self._sleep, rand=self._rand, deadline=deadline, clock=self._clock
        ):
            with attempt:
                route = self.routes.get(task_id)
                if route:
                    answer = await self._transport.get_task(task_id, deadline=deadline, path=route)
                else:
                    answer = await self._transport.get_task(task_id, deadline=deadline)
                try:
                    task = parse_task(answer.data, fallback_id=task_id)
                except WireFormatError as exc:
                    raise MalformedResponse(f"the poll answer was not a task: {exc}") from None
                if task.id != task_id:
                    raise MalformedResponse(f"asked for task {task_id} but the answer is about {task.id}")
        return task, answer.retry_after


class Waiter:
    """Polls a task to its end on the poll schedule, reporting each change.

    A poll that fails in a way worth retrying never ends the wait: polling goes on until the
    deadline. A task stuck in a status the API does not document ends it early.
    """

    def __init__(
        self,
        poller: Poller,
        reports: Reports,
        *,
        policy: PollPolicy,
        sleep: Callable[[float], Awaitable[None]],
        clock: Callable[[], float],
    ) -> None:
        self._poller = poller
        self._reports = reports
        self._policy = policy
        self._sleep = sleep
        self._clock = clock

    async def until_done(
        self,
        task_id: str,
        current: Task | None,
        *,
        entry_id: str | None,
        on_update: OnUpdate | None,
        timeout: float,
        model: str | None,
    ) -> Task:
        """The completed task.

        Raises:
            GenerationFailed: the task failed (ModerationBlocked for moderation).
            PollTimeout: the deadline passed, or the status stayed undocumented too long.
        """
        start = self._clock()
        deadline = start + max(0.0, timeout)
        schedule = PollSchedule(started=start, policy=self._policy, deadline=deadline)
        if current is not None:
            schedule.observe(start, current.progress)
        hint: float | None = None
        unknown_since: float | None = None
        while current is None or not current.is_terminal:
            if current is not None:
                now = self._clock()
                if now >= deadline:
                    raise poll_timeout(task_id, current, timeout)
                await self._sleep(schedule.next_delay(now, hint))
            try:
                fresh, hint = await self._poller.with_hint(task_id, deadline)
            except SoraError as exc:
                if not poll_may_retry(exc):
                    raise
                log.info("poll of %s failed; polling on until the deadline: %s", task_id, exc)
                hint = getattr(exc, "retry_after", None)
                if current is None:
                    # Nothing known yet: wait out the failure on the schedule, then ask again.
                    if self._clock() >= deadline:
                        raise poll_timeout(task_id, current, timeout) from None
                    await self._sleep(schedule.next_delay(self._clock(), hint))
                continue
            merged = merge_update(current, fresh)
            schedule.observe(self._clock(), merged.progress)
            changed = current is None or (merged.status, merged.progress) != (
                current.status,
                current.progress,
            )
            current = merged
            if changed and entry_id:
                self._reports.task(entry_id, current)
            await notify(on_update, current)
            if current.phase is Phase.UNKNOWN:
                unknown_since = self._clock() if unknown_since is None else unknown_since
                if self._clock() - unknown_since >= MAX_UNKNOWN_STATUS_S:
                    raise stuck_in_unknown(task_id, current, self._clock() - unknown_since)
                log.warning(
                    "task %s reports an unknown status %r; still polling", task_id, current.raw_status
                )
            else:
                unknown_since = None
        if current.phase is Phase.FAILED:
            error = current.error
            raise failure_error(
                task_id=current.id,
                model=current.model or model,
                code=error.code if error else None,
                message=error.message if error else f"the task ended with status {current.raw_status!r}",
                task=current,
            )
        return current


def video_of(
    task: Task, request: VideoRequest | None, entry: JournalEntry | None, *, simulated: bool
) -> Video:
    """The Video of a completed task, from its request (or, failing that, its journal entry)."""
    labels = dict(entry.labels) if entry is not None else {}
    if request is not None:
        return Video.from_task(task, request, simulated=simulated, labels=labels)
    request_dict: dict[str, Any] = dict(entry.request) if entry is not None else {}
    model = task.model or (entry.model if entry else None) or "sora_2_pro_t2v"
    spec = MODELS.get(model)
    size = str(request_dict.get("size") or (spec.default_size if spec else "720x1280"))
    try:
        parse_size(size)
    except ValueError:
        size = "720x1280"
    asset = task.video
    seconds_raw = request_dict.get("seconds") or (asset.duration if asset else None) or 4
    try:
        seconds = int(float(str(seconds_raw)))
    except ValueError:
        seconds = 4
    return Video.from_task_fields(
        task,
        model=model,
        prompt=entry.prompt if entry is not None else str(request_dict.get("prompt") or ""),
        size=size,
        seconds=seconds,
        simulated=simulated,
        labels=labels,
    )
