"""The journal: an SQLite record of every request, task and result, across kernel restarts.

A paid request is written down *before* it is sent and its task id as soon as it is known,
so a crash, a kernel restart or a lost answer never loses track of what was paid for. Every
read-modify-write runs in a ``BEGIN IMMEDIATE`` transaction. The rules of the task state
machine hold here too: a terminal state stays terminal and progress never goes backwards,
whichever process writes last. The journal is the :class:`~sora_widgets.Recorder` a client
reports to.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Mapping

from ..models.request import VideoRequest
from ..models.task import COMPLETED, Task, merge_update
from ..models.video import Video
from ._entry import _COLUMNS, REFUSED, SENDING, UNKNOWN_OUTCOME, JournalEntry, _entry, _entry_task
from ._query import _Queries

__all__ = ["Journal"]


class Journal(_Queries):
    """The SQLite record of requests, tasks and results. Safe for several processes at once.

    Example:
        >>> journal = Journal("/tmp/demo-journal.sqlite3")           # doctest: +SKIP
        >>> entry_id = journal.record_request(request, base_url=url, simulated=True)  # doctest: +SKIP
        >>> journal.record_task(entry_id, task)                      # doctest: +SKIP
        >>> journal.unfinished()                                     # doctest: +SKIP

    It is the :class:`~sora_widgets.Recorder` of a client: the ``on_*`` methods record what
    the client reports (through the ``record_*`` methods, which scripts may call directly).

    Args:
        path: the database file; None means ``default_home() / "journal.sqlite3"``.
        clock: returns the current time (UTC); injectable for tests.

    Raises:
        SoraError: the file exists but is not a journal this version can read.
    """

    # -- what a client reports (the Recorder protocol) -----------------------------------------

    def on_sending(
        self,
        request: VideoRequest,
        *,
        base_url: str,
        simulated: bool,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        """A create is about to be sent: :meth:`record_request`."""
        return self.record_request(request, base_url=base_url, simulated=simulated, labels=labels)

    def on_created(self, entry_id: str, task: Task) -> None:
        """The service created a task: :meth:`record_task`."""
        self.record_task(entry_id, task)

    def on_progress(self, entry_id: str, task: Task) -> None:
        """A poll saw the task in a new state: :meth:`record_task`."""
        self.record_task(entry_id, task)

    def on_failed(self, entry_id: str, task: Task) -> None:
        """The task failed: :meth:`record_task` (its error is kept)."""
        self.record_task(entry_id, task)

    def on_completed(self, entry_id: str, video: Video) -> None:
        """The task completed: :meth:`record_video`."""
        self.record_video(entry_id, video)

    def on_downloaded(self, entry_id: str, video: Video) -> None:
        """The video's file was saved: :meth:`record_video` (with its path)."""
        self.record_video(entry_id, video)

    def on_refused(self, entry_id: str, message: str, code: str | None = None) -> None:
        """The create was refused before a task existed: :meth:`record_refused`."""
        self.record_refused(entry_id, message, code=code)

    def on_outcome_unknown(self, entry_id: str, message: str) -> None:
        """The create's answer was lost: :meth:`record_unknown_outcome`."""
        self.record_unknown_outcome(entry_id, message)

    # -- writes ------------------------------------------------------------------------------

    def record_request(
        self,
        request: VideoRequest,
        *,
        base_url: str,
        simulated: bool,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        """Write a request down before it is sent; returns the new entry id (uuid4 hex)."""
        entry_id = uuid.uuid4().hex
        now = self._now()
        with self._write() as cur:
            cur.execute(
                f"INSERT INTO entries ({_COLUMNS}) "  # noqa: S608 - constant column list; values are bound
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, NULL, NULL, ?)",
                (
                    entry_id, now, now, base_url, int(simulated), request.model, request.prompt,
                    json.dumps(request.to_dict()), SENDING, json.dumps(dict(labels or {})),
                ),
            )  # fmt: skip
            self._event(cur, entry_id, now, SENDING, None, None)
        return entry_id

    def record_task(self, entry_id: str, task: Task) -> None:
        """Record the task id and its latest state; a terminal entry stays as it is.

        Progress never goes backwards and a completed task has progress 1.0, whichever
        process writes last (see :func:`sora_widgets.models.task.merge_update`).

        Raises:
            KeyError: no entry has this id.
            ValueError: the entry already belongs to another task.
        """
        with self._write() as cur:
            entry = self._get(cur, entry_id)
            if entry.task_id is not None and entry.task_id != task.id:
                raise ValueError(f"journal entry {entry_id} belongs to task {entry.task_id}, not {task.id}")
            if entry.is_terminal:
                return
            merged = merge_update(_entry_task(entry), task)
            error_code = merged.error.code if merged.error else entry.error_code
            error_message = merged.error.message if merged.error else entry.error_message
            now = self._now()
            cur.execute(
                "UPDATE entries SET task_id = ?, status = ?, progress = ?, error_code = ?, "
                "error_message = ?, updated_at = ?, model = COALESCE(?, model) WHERE id = ?",
                (task.id, merged.status, merged.progress, error_code, error_message, now, merged.model,
                 entry_id),
            )  # fmt: skip
            if merged.status != entry.status or entry.task_id is None:
                message = str(merged.error) if merged.error else None
                self._event(cur, entry_id, now, merged.status, merged.progress, message)

    def record_unknown_outcome(self, entry_id: str, message: str) -> None:
        """Mark a create whose answer was lost: it may have been billed and is never resent.

        Only an entry still "sending" changes; one whose task id is known is left alone.
        """
        self._mark_unsent(entry_id, UNKNOWN_OUTCOME, None, message)

    def record_refused(self, entry_id: str, message: str, code: str | None = None) -> None:
        """Mark a create the service refused before making a task (nothing billed)."""
        self._mark_unsent(entry_id, REFUSED, code, message)

    def _mark_unsent(self, entry_id: str, status: str, code: str | None, message: str) -> None:
        with self._write() as cur:
            entry = self._get(cur, entry_id)
            if entry.task_id is not None or entry.status not in (SENDING, UNKNOWN_OUTCOME):
                return
            now = self._now()
            cur.execute(
                "UPDATE entries SET status = ?, error_code = ?, error_message = ?, updated_at = ? "
                "WHERE id = ?",
                (status, code, message, now, entry_id),
            )
            self._event(cur, entry_id, now, status, None, message)

    def record_video(self, entry_id: str, video: Video) -> None:
        """Record the result (call again once downloaded, with ``path`` set).

        The entry becomes completed (unless it had already ended otherwise). A later record
        without a path never erases a path already recorded by this or another process.
        """
        with self._write() as cur:
            entry = self._get(cur, entry_id)
            if entry.task_id is not None and entry.task_id != video.task_id:
                raise ValueError(
                    f"journal entry {entry_id} belongs to task {entry.task_id}, not {video.task_id}"
                )
            if video.path is None and entry.video is not None and entry.video.path is not None:
                video = video.with_changes(path=entry.video.path)
            status = entry.status if entry.is_terminal else COMPLETED
            progress = 1.0 if status == COMPLETED else entry.progress
            now = self._now()
            cur.execute(
                "UPDATE entries SET task_id = ?, status = ?, progress = ?, video = ?, updated_at = ? "
                "WHERE id = ?",
                (video.task_id, status, progress, json.dumps(video.to_dict()), now, entry_id),
            )
            if status != entry.status:
                self._event(cur, entry_id, now, status, progress, None)

    def set_labels(self, entry_id: str, labels: dict[str, str]) -> None:
        """Replace an entry's labels (for example a gallery's favourite or a note)."""
        with self._write() as cur:
            self._get(cur, entry_id)
            cur.execute(
                "UPDATE entries SET labels = ?, updated_at = ? WHERE id = ?",
                (json.dumps(dict(labels)), self._now(), entry_id),
            )

    @staticmethod
    def _event(
        cur: sqlite3.Cursor,
        entry_id: str,
        at: float,
        status: str,
        progress: float | None,
        message: str | None,
    ) -> None:
        cur.execute(
            "INSERT INTO events (entry_id, at, status, progress, message) VALUES (?, ?, ?, ?, ?)",
            (entry_id, at, status, progress, message),
        )

    @staticmethod
    def _get(cur: sqlite3.Cursor, entry_id: str) -> JournalEntry:
        sql = f"SELECT {_COLUMNS} FROM entries WHERE id = ?"  # noqa: S608 - constant column list
        row = cur.execute(sql, (entry_id,)).fetchone()
        if row is None:
            raise KeyError(f"no journal entry {entry_id!r}")
        return _entry(row)

    # -- the video cache (see sora_widgets.cache) ----------------------------------------------

    # Its own table, made on first use: a journal written before it still opens (and older
    # versions of this package ignore it), so no schema version change is needed.
    _PRUNED_TABLE = (
        "CREATE TABLE IF NOT EXISTS pruned_files (entry_id TEXT PRIMARY KEY REFERENCES entries (id), "
        "at REAL NOT NULL, path TEXT NOT NULL, bytes INTEGER)"
    )

    def record_pruned(self, entry_id: str, *, size: int | None = None) -> None:
        """Record that an entry's video file was deleted from the cache.

        The entry and its Video stay (prompt, cost, result link); the Video loses its ``path``,
        so whoever shows it downloads it again (``client.download``) while the link works.
        """
        with self._write() as cur:
            entry = self._get(cur, entry_id)
            if entry.video is None or entry.video.path is None:
                return
            cur.execute(self._PRUNED_TABLE)
            cur.execute(
                "INSERT OR REPLACE INTO pruned_files (entry_id, at, path, bytes) VALUES (?, ?, ?, ?)",
                (entry_id, self._now(), str(entry.video.path), size),
            )
            video = entry.video.with_changes(path=None)
            cur.execute("UPDATE entries SET video = ? WHERE id = ?", (json.dumps(video.to_dict()), entry_id))
