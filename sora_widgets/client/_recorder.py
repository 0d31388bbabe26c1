"""What a client reports about each request, to whom: the :class:`Recorder` protocol.

The client tells its recorder, with typed calls, what happens to every request: it is about
to be sent, a task was created, the task progressed, completed, failed, was refused, its
outcome is unknown, its video was downloaded; and asks it, with typed calls too, what it knows
(an entry by task id, the size of a video to remix, what a resume must finish).
:class:`~sora_widgets.Journal` is the recorder that keeps it all in SQLite across kernel
restarts; :class:`NullRecorder` (``journal=False``) keeps nothing on disk; any object with these
methods is a recorder too. The client never imports the journal: the default one, its video
folder and cache policy reach it as a :class:`Storage` from the composition root
(:mod:`sora_widgets._compose`, wired in when the package is imported).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar, runtime_checkable

from .._paths import default_home
from .._wiring import storage_factory
from ..errors import SoraError
from ..models.entry import SENDING, JournalEntry
from ..models.request import VideoRequest
from ..models.task import COMPLETED, Phase, Task
from ..models.video import Video

if TYPE_CHECKING:
    from ..journal import History, Journal

__all__ = ["NullRecorder", "Recorder", "Storage", "storage_for"]

log = logging.getLogger("sora_widgets.client")

P = ParamSpec("P")
R = TypeVar("R")


@runtime_checkable
class Recorder(Protocol):
    """Where a :class:`~sora_widgets.SoraClient` reports what happens to each request.

    ``on_sending`` runs *before* a create is sent and returns the new entry's id: if it
    raises, nothing is sent (a paid request is sent only once it is on record). Every other
    call reports something that already happened; a recorder that raises there is logged and
    the generation goes on. :meth:`entry_for_task` is how a client finds what it (or an
    earlier kernel) recorded about a task.
    """

    def on_sending(
        self,
        request: VideoRequest,
        *,
        base_url: str,
        simulated: bool,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        """A create is about to be sent; returns the id of its new entry."""
        ...

    def on_created(self, entry_id: str, task: Task) -> None:
        """The service created a task for the entry."""
        ...

    def on_progress(self, entry_id: str, task: Task) -> None:
        """A poll saw the task in a new state (queued, running, a percentage, completed)."""
        ...

    def on_completed(self, entry_id: str, video: Video) -> None:
        """The task completed with this video (not downloaded yet)."""
        ...

    def on_failed(self, entry_id: str, task: Task) -> None:
        """The task ended failed (``task.error`` says why)."""
        ...

    def on_refused(self, entry_id: str, message: str, code: str | None = None) -> None:
        """The service refused the create before making a task: nothing was billed."""
        ...

    def on_outcome_unknown(self, entry_id: str, message: str) -> None:
        """The create's answer was lost: it may have started (and billed) a task; never resent."""
        ...

    def on_downloaded(self, entry_id: str, video: Video) -> None:
        """The video's file was saved (``video.path`` is set)."""
        ...

    def entry_for_task(self, task_id: str) -> JournalEntry | None:
        """The (newest) entry of a task id, or None."""
        ...

    def video_size(self, remix_id: str) -> str | None:
        """The size (``"WxH"``) of the video with this remix id or task id, if recorded."""
        ...

    def to_resume(self, base_url: str) -> list[JournalEntry]:
        """What :meth:`~sora_widgets.SoraClient.resume` must finish for this service, newest
        first: unfinished entries, then completed ones whose file is gone."""
        ...


class NullRecorder:
    """The recorder of ``SoraClient(journal=False)``: nothing is written anywhere.

    It remembers, in memory and for the client's life only, the entries of this session (so
    ``wait(task)`` after ``create(labels=...)`` still knows the prompt and labels); nothing
    survives a restart, so :meth:`~sora_widgets.SoraClient.resume` has nothing to resume.
    """

    #: Entries kept in memory at most (the oldest are forgotten first).
    LIMIT = 10_000

    def __init__(self) -> None:
        self._entries: dict[str, JournalEntry] = {}
        self._by_task: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"NullRecorder({len(self._entries)} entries in memory)"

    def on_sending(
        self,
        request: VideoRequest,
        *,
        base_url: str,
        simulated: bool,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        now = datetime.now(timezone.utc)
        entry = JournalEntry(
            id=uuid.uuid4().hex, created_at=now, updated_at=now, base_url=base_url,
            simulated=simulated, model=request.model, prompt=request.prompt,
            request=request.to_dict(), task_id=None, status=SENDING, progress=None,
            error_code=None, error_message=None, video=None, labels=dict(labels or {}),
        )  # fmt: skip
        while len(self._entries) >= self.LIMIT:
            oldest = self._entries.pop(next(iter(self._entries)))
            if oldest.task_id is not None:
                self._by_task.pop(oldest.task_id, None)
        self._entries[entry.id] = entry
        return entry.id

    def _update(self, entry_id: str, **changes: object) -> None:
        entry = self._entries.get(entry_id)
        if entry is None:
            return
        entry = replace(entry, updated_at=datetime.now(timezone.utc), **changes)  # type: ignore[arg-type]
        self._entries[entry_id] = entry
        if entry.task_id is not None:
            self._by_task[entry.task_id] = entry_id

    def on_created(self, entry_id: str, task: Task) -> None:
        self._update(entry_id, task_id=task.id, status=task.status, progress=task.progress)

    def on_progress(self, entry_id: str, task: Task) -> None:
        self._update(entry_id, task_id=task.id, status=task.status, progress=task.progress)

    def on_completed(self, entry_id: str, video: Video) -> None:
        self._update(entry_id, task_id=video.task_id, status=COMPLETED, progress=1.0, video=video)

    def on_failed(self, entry_id: str, task: Task) -> None:
        error = task.error
        self._update(
            entry_id, task_id=task.id, status=task.status,
            error_code=error.code if error else None, error_message=error.message if error else None,
        )  # fmt: skip

    def on_refused(self, entry_id: str, message: str, code: str | None = None) -> None:
        self._update(entry_id, status="refused", error_code=code, error_message=message)

    def on_outcome_unknown(self, entry_id: str, message: str) -> None:
        self._update(entry_id, status="unknown_outcome", error_message=message)

    def on_downloaded(self, entry_id: str, video: Video) -> None:
        self._update(entry_id, video=video)

    def entry_for_task(self, task_id: str) -> JournalEntry | None:
        entry_id = self._by_task.get(task_id)
        return self._entries.get(entry_id) if entry_id is not None else None

    def video_size(self, remix_id: str) -> str | None:
        for entry in reversed(self._entries.values()):
            video = entry.video
            if video is not None and remix_id in (video.remix_id, video.task_id):
                return video.size
        return None

    def to_resume(self, base_url: str) -> list[JournalEntry]:
        return []  # nothing outlives the process, so a resume (after a restart) has nothing


@dataclass(frozen=True)
class Storage:
    """What a client records to and where its videos go, as the composition root wires them.

    Attributes:
        recorder: where every request is reported.
        videos: the default download folder.
        tidy_videos: run (in a thread) after each download into ``videos``: the cache policy.
        journal: the recorder when it is a :class:`~sora_widgets.Journal` (``client.journal``).
        history: builds ``client.history``.
    """

    recorder: Recorder
    videos: Path
    tidy_videos: Callable[[], object] | None = None
    journal: Journal | None = None
    history: Callable[[], History] | None = None


def storage_for(choice: Recorder | bool | None) -> Storage:
    """The storage of ``SoraClient(journal=choice)``: None or True, the default journal; False, a
    :class:`NullRecorder`; a recorder, that one (each with its folder and cache policy, from the
    composition root when one is wired in)."""
    recorder: Recorder | None
    if choice is False:
        recorder = NullRecorder()
    elif choice is None or choice is True:
        recorder = None
    else:
        recorder = choice
    factory = storage_factory()
    if factory is None:  # nothing wired in (the package face always wires the default)
        return Storage(recorder or NullRecorder(), default_home() / "videos")
    return factory(recorder)


def never_fatal(call: Callable[P, R]) -> Callable[P, R | None]:
    """``call``, but a failure is logged and gives None: a record matters less than the work."""

    def guarded(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return call(*args, **kwargs)
        except Exception:  # the generation matters more than its record
            log.exception("the recorder failed in %s", getattr(call, "__name__", "a call"))
            return None

    return guarded


class Reports:
    """The client's side of a :class:`Recorder`: one typed call per event, never fatal.

    A recorder failure after the fact is logged, never allowed to lose a generation; a
    failure to record a request before it is sent stops the send (:meth:`sending`).
    """

    def __init__(self, recorder: Recorder, *, base_url: str, simulated: bool) -> None:
        self.recorder = recorder
        #: True when what is recorded outlives the process (anything but a NullRecorder).
        self.durable = not isinstance(recorder, NullRecorder)
        self._base_url = base_url
        self._simulated = simulated

    def sending(self, request: VideoRequest, labels: Mapping[str, str] | None) -> str:
        """Record a request before it is sent; its entry id.

        Raises:
            SoraError: the request could not be recorded; it must not be sent.
        """
        try:
            return self.recorder.on_sending(
                request, base_url=self._base_url, simulated=self._simulated, labels=labels
            )
        except SoraError:
            raise  # the recorder said why itself
        except Exception as exc:  # noqa: BLE001 - a paid request is sent only once on record, whatever failed
            raise SoraError(
                f"{self.recorder!r} could not record the request ({type(exc).__name__}: {exc}); "
                "nothing was sent. Free disk space or fix the journal file, or pass "
                "SoraClient(journal=False) to run without a journal."
            ) from None

    def created(self, entry_id: str, task: Task) -> None:
        never_fatal(self.recorder.on_created)(entry_id, task)

    def task(self, entry_id: str, task: Task) -> None:
        """A poll's news: a failure, or progress (any other state)."""
        if task.phase is Phase.FAILED:
            never_fatal(self.recorder.on_failed)(entry_id, task)
        else:
            never_fatal(self.recorder.on_progress)(entry_id, task)

    def completed(self, entry_id: str, video: Video) -> None:
        never_fatal(self.recorder.on_completed)(entry_id, video)

    def refused(self, entry_id: str, message: str, code: str | None) -> None:
        never_fatal(self.recorder.on_refused)(entry_id, message, code)

    def outcome_unknown(self, entry_id: str, message: str) -> None:
        never_fatal(self.recorder.on_outcome_unknown)(entry_id, message)

    def downloaded(self, entry_id: str, video: Video) -> None:
        never_fatal(self.recorder.on_downloaded)(entry_id, video)

    def entry_for_task(self, task_id: str) -> JournalEntry | None:
        return never_fatal(self.recorder.entry_for_task)(task_id)
