"""The journal: an SQLite record of every request, task and result, across kernel restarts.

Example:
    >>> import sora_widgets as sw
    >>> history = sw.History()            # doctest: +SKIP
    >>> history.videos(model="sora_2_pro_i2v", since=datetime(2026, 11, 1))   # doctest: +SKIP
    >>> history[0].path                   # the newest video's local file    # doctest: +SKIP

A paid request is written down *before* it is sent and its task id as soon as it is known,
so a crash, a kernel restart or a lost answer never loses track of what was paid for. The
database lives at ``$SORA_WIDGETS_HOME/journal.sqlite3`` (default: the platform's user data
directory, via platformdirs) in WAL mode with a busy timeout, so two kernels can write at
once; every read-modify-write runs in a ``BEGIN IMMEDIATE`` transaction. The rules of the
task state machine hold here too: a terminal state stays terminal and progress never goes
backwards, whichever process writes last.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, overload

from ._constants import ENV_HOME
from ._paths import default_home
from ._text import shorten
from .errors import SoraError
from .models.money import format_money
from .models.request import VideoRequest
from .models.task import COMPLETED, FAILED, Status, Task, merge_update, status_word
from .models.video import Video

__all__ = [
    "SCHEMA_VERSION",
    "History",
    "Journal",
    "JournalEntry",
    "default_home",
]

#: Version of the database layout, kept in ``PRAGMA user_version``.
SCHEMA_VERSION = 1
JOURNAL_FILE = "journal.sqlite3"
# Another kernel may hold the write lock while it commits; wait this long before giving up.
BUSY_TIMEOUT_MS = 15_000

SENDING = "sending"
UNKNOWN_OUTCOME = "unknown_outcome"
REFUSED = "refused"
# Once here, an entry's status never changes again.
TERMINAL = frozenset({COMPLETED, FAILED, REFUSED})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id            TEXT PRIMARY KEY,
    created_at    REAL NOT NULL,      -- unix seconds, UTC
    updated_at    REAL NOT NULL,
    base_url      TEXT NOT NULL,
    simulated     INTEGER NOT NULL,
    model         TEXT NOT NULL,
    prompt        TEXT NOT NULL,
    request       TEXT NOT NULL,      -- VideoRequest.to_dict() as JSON
    task_id       TEXT,
    status        TEXT NOT NULL,
    progress      REAL,
    error_code    TEXT,
    error_message TEXT,
    video         TEXT,               -- Video.to_dict() as JSON
    labels        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS entries_task_id ON entries (task_id);
CREATE INDEX IF NOT EXISTS entries_created_at ON entries (created_at);
CREATE INDEX IF NOT EXISTS entries_status ON entries (status);
CREATE TABLE IF NOT EXISTS events (
    entry_id  TEXT NOT NULL REFERENCES entries (id),
    at        REAL NOT NULL,
    status    TEXT NOT NULL,
    progress  REAL,
    message   TEXT
);
CREATE INDEX IF NOT EXISTS events_entry_id ON events (entry_id);
"""

_COLUMNS = (
    "id, created_at, updated_at, base_url, simulated, model, prompt, request, task_id, status, "
    "progress, error_code, error_message, video, labels"
)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _timestamp(value: datetime | date) -> float:
    """Unix seconds of a datetime or date; naive values are local time, as Python treats them."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.timestamp()


@dataclass(frozen=True)
class JournalEntry:
    """One request as the journal knows it: from "sending" to its final state and video.

    ``status`` is ``"sending"`` (written before the request left), ``"unknown_outcome"`` (the
    answer was lost: maybe billed, never resent), ``"refused"`` (the service said no before
    creating a task: nothing billed), a task status (``pending``, ``in_progress``,
    ``completed``, ``failed``) or a raw status the client did not recognise.
    """

    id: str
    created_at: datetime
    updated_at: datetime
    base_url: str
    simulated: bool
    model: str
    prompt: str
    request: dict[str, Any]
    task_id: str | None
    status: str
    progress: float | None
    error_code: str | None
    error_message: str | None
    video: Video | None
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def is_terminal(self) -> bool:
        """True once the status can no longer change (completed, failed or refused)."""
        return self.status in TERMINAL

    def to_request(self) -> VideoRequest | None:
        """The :class:`VideoRequest` again, or None when it had a local image (bytes not kept)."""
        try:
            return VideoRequest.from_dict(self.request)
        except ValueError:
            return None


_log = logging.getLogger("sora_widgets.journal")


def _not_writable(folder: Path) -> str | None:
    """Why nothing can be created in ``folder``, or None when something can."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return None
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def _entry(row: tuple[Any, ...]) -> JournalEntry:
    (entry_id, created, updated, base_url, simulated, model, prompt, request, task_id, status,
     progress, error_code, error_message, video, labels) = row  # fmt: skip
    request_dict, label_dict = json.loads(request), json.loads(labels or "{}")
    if not isinstance(request_dict, dict) or not isinstance(label_dict, dict):
        raise ValueError("the request or labels column is not a JSON object")
    return JournalEntry(
        id=entry_id,
        created_at=_utc(created),
        updated_at=_utc(updated),
        base_url=base_url,
        simulated=bool(simulated),
        model=model,
        prompt=prompt,
        request=request_dict,
        task_id=task_id,
        status=status,
        progress=progress,
        error_code=error_code,
        error_message=error_message,
        video=Video.from_dict(json.loads(video)) if video else None,
        labels=label_dict,
    )


def _filter_sql(
    *,
    status: str | Iterable[str] | None = None,
    model: str | None = None,
    since: datetime | date | None = None,
    until: datetime | date | None = None,
    base_url: str | None = None,
) -> tuple[str, list[Any]]:
    """The WHERE clause (constant text, ``?`` placeholders) and its values for the filters."""
    clauses = ["1 = 1"]
    params: list[Any] = []
    if status is not None:
        statuses = [status] if isinstance(status, str) else list(status)
        clauses.append(f"status IN ({', '.join('?' * len(statuses))})")
        params.extend(statuses)
    if model is not None:
        if model in ("t2v", "i2v"):
            clauses.append("model LIKE ? ESCAPE '\\'")
            params.append(f"%\\_{model}")
        else:
            clauses.append("model = ?")
            params.append(model)
    if since is not None:
        clauses.append("created_at >= ?")
        params.append(_timestamp(since))
    if until is not None:
        clauses.append("created_at < ?")
        params.append(_timestamp(until))
    if base_url is not None:
        clauses.append("base_url = ?")
        params.append(base_url)
    return " AND ".join(clauses), params


def _entry_task(entry: JournalEntry) -> Task | None:
    """The last known task state of an entry, for :func:`merge_update`."""
    if entry.task_id is None or entry.status in (SENDING, UNKNOWN_OUTCOME, REFUSED):
        return None
    return Task(id=entry.task_id, model=entry.model, status=entry.status, progress=entry.progress)


class Journal:
    """The SQLite record of requests, tasks and results. Safe for several processes at once.

    Example:
        >>> journal = Journal("/tmp/demo-journal.sqlite3")           # doctest: +SKIP
        >>> entry_id = journal.record_request(request, base_url=url, simulated=True)  # doctest: +SKIP
        >>> journal.record_task(entry_id, task)                      # doctest: +SKIP
        >>> journal.unfinished()                                     # doctest: +SKIP

    Args:
        path: the database file; None means ``default_home() / "journal.sqlite3"``.
        clock: returns the current time (UTC); injectable for tests.

    Raises:
        SoraError: the file exists but is not a journal this version can read.
    """

    def __init__(
        self, path: str | Path | None = None, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.path: Path = Path(path).expanduser() if path is not None else default_home() / JOURNAL_FILE
        self.home: Path = self.path.parent
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._lock = threading.RLock()
        # Ids of rows that could not be read: skipped by every query, reported once each.
        self.unreadable: set[str] = set()
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SoraError(
                f"cannot create the journal directory {self.home} ({exc.strerror or exc}); "
                f"set {ENV_HOME} to a writable directory."
            ) from None
        try:
            self._db: sqlite3.Connection | None = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # we open transactions ourselves (BEGIN IMMEDIATE)
                check_same_thread=False,  # guarded by self._lock; the client may call from threads
            )
            self._setup()
        except sqlite3.DatabaseError as exc:
            self._db = None
            unwritable = _not_writable(self.home)
            if unwritable is not None:
                raise SoraError(
                    f"cannot keep the journal in {self.home}: the folder is not writable ({unwritable}). "
                    f"Set {ENV_HOME} to a folder you can write to, or pass SoraClient(journal=False) "
                    "to run without a journal (tasks are then not kept across restarts)."
                ) from None
            raise SoraError(
                f"cannot open the journal at {self.path} ({exc}). If the file is damaged, move it "
                f"aside (or set {ENV_HOME} to another directory) and a new journal will be started."
            ) from None

    # -- setup -------------------------------------------------------------------------------

    def _setup(self) -> None:
        db = self._conn
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # WAL lets readers run while another kernel writes. Filesystems without shared memory
        # (some network mounts) refuse it; the default rollback journal is still safe, only slower.
        db.execute("PRAGMA journal_mode = WAL")
        # FULL: a recorded request must survive a power cut; writes are few and small.
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        with self._write() as cur:
            version = cur.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise SoraError(
                    f"the journal at {self.path} was written by a newer sora_widgets (schema "
                    f"{version}, this one knows {SCHEMA_VERSION}); upgrade sora_widgets or set "
                    f"{ENV_HOME} to another directory."
                )
            if version < SCHEMA_VERSION:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        cur.execute(statement)
                cur.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise SoraError(f"the journal at {self.path} is closed; open a new Journal().")
        return self._db

    def _write(self) -> _Transaction:
        return _Transaction(self._conn, self._lock)

    def _now(self) -> float:
        return self._clock().timestamp()

    # -- writes ------------------------------------------------------------------------------

    def record_request(
        self,
        request: VideoRequest,
        *,
        base_url: str,
        simulated: bool,
        labels: dict[str, str] | None = None,
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

    # -- reads -------------------------------------------------------------------------------

    def _select(
        self, where: str, params: Iterable[Any], limit: int | None = None, offset: int = 0
    ) -> list[JournalEntry]:
        # Only constant clauses with ? placeholders reach `where`; every value is bound.
        sql = f"SELECT {_COLUMNS} FROM entries WHERE {where} ORDER BY created_at DESC, rowid DESC"  # noqa: S608
        args = list(params)
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            args.extend([-1 if limit is None else int(limit), int(offset)])
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return self._decode(rows)

    def _decode(self, rows: Iterable[tuple[Any, ...]]) -> list[JournalEntry]:
        """Entries from rows; a row that cannot be read is skipped (and reported once with its
        id), so one damaged row never hides the rest of the history or stops a resume."""
        entries: list[JournalEntry] = []
        for row in rows:
            try:
                entries.append(_entry(row))
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError) as exc:
                entry_id = str(row[0]) if row else "?"
                if entry_id not in self.unreadable:
                    self.unreadable.add(entry_id)
                    _log.warning(
                        "journal entry %s in %s cannot be read (%s); it is skipped and left as it is. "
                        "The rest of the history and resume() work as usual.",
                        entry_id,
                        self.path,
                        type(exc).__name__,
                    )
        return entries

    def _count(self, where: str, params: Iterable[Any]) -> int:
        sql = f"SELECT COUNT(*) FROM entries WHERE {where}"  # noqa: S608 - constant clauses, bound values
        with self._lock:
            return int(self._conn.execute(sql, list(params)).fetchone()[0])

    def _pages(self, where: str, params: Iterable[Any], page: int) -> Iterator[JournalEntry]:
        """Entries newest first, ``page`` rows per query, resuming after the last row seen
        (keyset paging: a row inserted meanwhile neither repeats nor shifts what follows)."""
        args = list(params)
        after: tuple[float, int] | None = None
        while True:
            clause, extra = where, list(args)
            if after is not None:
                clause = f"({where}) AND (created_at < ? OR (created_at = ? AND rowid < ?))"
                extra += [after[0], after[0], after[1]]
            sql = (
                f"SELECT rowid, {_COLUMNS} FROM entries WHERE {clause} "  # noqa: S608 - constant clauses
                "ORDER BY created_at DESC, rowid DESC LIMIT ?"
            )
            with self._lock:
                rows = self._conn.execute(sql, [*extra, page]).fetchall()
            for row in rows:
                yield _entry(row[1:])
            if len(rows) < page:
                return
            after = (rows[-1][2], rows[-1][0])

    def get(self, entry_id: str) -> JournalEntry | None:
        """The entry with this id, or None."""
        found = self._select("id = ?", (entry_id,))
        return found[0] if found else None

    def entry_for_task(self, task_id: str) -> JournalEntry | None:
        """The (newest) entry of a task id, or None."""
        found = self._select("task_id = ?", (task_id,), limit=1)
        return found[0] if found else None

    def unfinished(self, base_url: str | None = None) -> list[JournalEntry]:
        """Entries to resume, newest first: the task id is known and the task has not ended,
        or it completed but its video was never recorded (the process died in between)."""
        where = "task_id IS NOT NULL AND (status NOT IN (?, ?, ?) OR (status = ? AND video IS NULL))"
        params: list[Any] = [COMPLETED, FAILED, REFUSED, COMPLETED]
        if base_url is not None:
            where += " AND base_url = ?"
            params.append(base_url)
        return self._select(where, params)

    def entries(
        self,
        *,
        status: str | Iterable[str] | None = None,
        model: str | None = None,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        base_url: str | None = None,
        limit: int | None = None,
    ) -> list[JournalEntry]:
        """Entries newest first, filtered.

        Args:
            status: one status or several (``"completed"``, ``"failed"``, ``"unknown_outcome"``...).
            model: a model id (``"sora_2_pro_i2v"``), or ``"t2v"`` / ``"i2v"`` for short.
            since: created at or after this time (a naive datetime or a date is local time).
            until: created before this time.
            base_url: only entries sent to this service.
            limit: at most this many.
        """
        where, params = _filter_sql(status=status, model=model, since=since, until=until, base_url=base_url)
        return self._select(where, params, limit)

    def count(
        self,
        *,
        status: str | Iterable[str] | None = None,
        model: str | None = None,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        base_url: str | None = None,
        videos: bool = False,
    ) -> int:
        """How many entries match (one ``COUNT`` query); ``videos=True`` counts those with a Video."""
        where, params = _filter_sql(status=status, model=model, since=since, until=until, base_url=base_url)
        return self._count(where + (" AND video IS NOT NULL" if videos else ""), params)

    def page(
        self,
        offset: int = 0,
        limit: int = 100,
        *,
        videos: bool = False,
        **filters: Any,
    ) -> list[JournalEntry]:
        """At most ``limit`` entries newest first, skipping the first ``offset`` (filters as
        :meth:`entries`); ``videos=True`` keeps only entries with a Video."""
        where, params = _filter_sql(**filters)
        return self._select(where + (" AND video IS NOT NULL" if videos else ""), params, limit, offset)

    def iter_entries(
        self, *, page: int = 200, videos: bool = False, **filters: Any
    ) -> Iterator[JournalEntry]:
        """Every matching entry newest first, read ``page`` rows at a time (filters as
        :meth:`entries`), so a long journal is never held in memory at once."""
        where, params = _filter_sql(**filters)
        return self._pages(where + (" AND video IS NOT NULL" if videos else ""), params, max(1, page))

    def videos(
        self,
        *,
        status: str | Iterable[str] | None = None,
        model: str | None = None,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        base_url: str | None = None,
        limit: int | None = None,
    ) -> list[Video]:
        """The Videos of completed entries, newest first (same filters as :meth:`entries`)."""
        found = self.page(
            0, limit if limit is not None else -1, videos=True,
            status=status or COMPLETED, model=model, since=since, until=until, base_url=base_url,
        )  # fmt: skip
        return [entry.video for entry in found if entry.video is not None]

    def events(self, entry_id: str) -> list[tuple[datetime, str, float | None, str | None]]:
        """The status changes of an entry, oldest first: (time, status, progress, message)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT at, status, progress, message FROM events WHERE entry_id = ? ORDER BY rowid",
                (entry_id,),
            ).fetchall()
        return [(_utc(at), status, progress, message) for at, status, progress, message in rows]

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

    def pruned_entries(self) -> dict[str, datetime]:
        """Entries whose file was pruned from the cache at some time: entry id -> when."""
        with self._lock:
            exists = self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pruned_files'"
            ).fetchone()
            if exists is None:
                return {}
            rows = self._conn.execute("SELECT entry_id, at FROM pruned_files").fetchall()
        return {entry_id: _utc(at) for entry_id, at in rows}

    # -- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection (further calls raise SoraError)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._db is None else "open"
        return f"Journal({str(self.path)!r}, {state})"


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (or ``ROLLBACK``), holding the thread lock.

    IMMEDIATE takes the write lock at the start, so two processes doing read-modify-write
    never both read the old row; the busy timeout makes the second one wait its turn.
    """

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    def __enter__(self) -> sqlite3.Cursor:
        self._lock.acquire()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        return self._db.cursor()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
        finally:
            self._lock.release()


# ---------------------------------------------------------------------------------------------
# History: what users see


_HTML_ROWS = 50


def _status_colour(status: str) -> str:
    """The status's colour in the HTML history when it is an outcome (done, failed, in doubt)."""
    known = Status.of(status)
    return known.colour if known is not None and known.tone not in ("running", "neutral") else "inherit"


# Videos with a filmstrip under their row in the HTML table: each is a small inline JPEG (a few
# KB) kept in the notebook's output and decoded on first display (~0.1-0.5 s each, then cached),
# so only the newest ones get one.
_HTML_FILMSTRIPS = 8
_HTML_FILMSTRIP_FRAMES = 6
_HTML_FILMSTRIP_HEIGHT = 40


def _filmstrip_cell(video: Video, columns: int) -> str:
    """A table row holding the video's filmstrip as an inline JPEG ("" when there is no file)."""
    if video.path is None or not Path(video.path).is_file():
        return ""
    from .frames import filmstrip_jpeg

    try:
        data, times = filmstrip_jpeg(video.path, _HTML_FILMSTRIP_FRAMES, _HTML_FILMSTRIP_HEIGHT)
    except (OSError, ValueError):
        return ""
    alt = html.escape(
        f"Filmstrip of {video.task_id}: {len(times)} stills from 0 to {times[-1]:.1f} s", quote=True
    )
    src = "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
    return (
        f"<tr><td colspan='{columns}' style='text-align:left;padding-top:0'>"
        f"<img src='{src}' alt='{alt}' title='{alt}' style='height:{_HTML_FILMSTRIP_HEIGHT}px'></td></tr>"
    )


def _ensure_history_index(journal: Journal) -> None:
    """Index (status, created_at) of the entries with a video: the newest video and the number of
    videos are then read from the index alone, not by sorting or visiting every completed entry
    (at 10,000 entries: history[0] 9 ms without it, well under 1 ms with it).
    Made on first use; a journal that cannot be written (read-only folder) is read without it."""
    journal._history_index = True  # type: ignore[attr-defined]
    try:
        with journal._lock:
            journal._conn.execute(
                "CREATE INDEX IF NOT EXISTS entries_videos ON entries (status, created_at) "
                "WHERE video IS NOT NULL"
            )
    except sqlite3.Error:
        pass


class History:
    """Past requests and their videos, newest first, across kernel restarts.

    Iterating, indexing and ``len()`` work on the Videos (completed results); :meth:`entries`
    also shows failed, refused, unknown-outcome and unfinished requests. In a notebook it
    shows as a table, with a filmstrip under each of the newest videos that have a local file
    (so a long history can be scanned by eye; ``history.filmstrips = False`` turns them off).

    Example:
        >>> import sora_widgets as sw
        >>> history = sw.History()                                   # doctest: +SKIP
        >>> latest = history[0]                                      # the newest Video  # doctest: +SKIP
        >>> history.filter(model="i2v", since=date(2026, 11, 1))     # doctest: +SKIP

    Args:
        journal: the journal to read; None opens the default one (``$SORA_WIDGETS_HOME``).
        status, model, since, until, base_url, limit: filters applied to everything this
            History shows (see :meth:`Journal.entries`).
    """

    def __init__(
        self,
        journal: Journal | None = None,
        *,
        status: str | Iterable[str] | None = None,
        model: str | None = None,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        base_url: str | None = None,
        limit: int | None = None,
    ) -> None:
        self._journal = journal
        self.filmstrips = True  # the HTML table shows a filmstrip under the newest videos
        self._filters: dict[str, Any] = {
            k: v
            for k, v in {
                "status": status, "model": model, "since": since, "until": until,
                "base_url": base_url, "limit": limit,
            }.items()
            if v is not None
        }  # fmt: skip

    @property
    def journal(self) -> Journal:
        """The journal read (opened on first use)."""
        if self._journal is None:
            self._journal = Journal()
        if not getattr(self._journal, "_history_index", False):
            _ensure_history_index(self._journal)
        return self._journal

    def filter(self, **filters: Any) -> History:
        """A History showing only what also matches ``filters`` (same names as :meth:`entries`)."""
        return History(self._journal, **{**self._filters, **filters})

    def entries(self, **filters: Any) -> list[JournalEntry]:
        """Journal entries, newest first (filters as :meth:`Journal.entries`)."""
        return self.journal.entries(**{**self._filters, **filters})

    def videos(self, **filters: Any) -> list[Video]:
        """Completed Videos, newest first (filters as :meth:`Journal.entries`)."""
        return self.journal.videos(**{**self._filters, **filters})

    def unfinished(self, base_url: str | None = None) -> list[JournalEntry]:
        """Entries still running (or completed without a recorded video): what resume finishes."""
        return self.journal.unfinished(base_url if base_url is not None else self._filters.get("base_url"))

    # Counting and indexing are single queries (COUNT, LIMIT/OFFSET) and iterating reads pages,
    # so len(history) and history[0] cost the same with ten entries or ten thousand.

    def _video_filters(self) -> dict[str, Any]:
        filters = {k: v for k, v in self._filters.items() if k != "limit"}
        filters["status"] = filters.get("status") or COMPLETED
        return filters

    def _count_all(self) -> tuple[int, int]:
        """(entries, videos) matching this History's filters, its ``limit`` applied."""
        filters = {k: v for k, v in self._filters.items() if k != "limit"}
        limit = self._filters.get("limit")
        entries = self.journal.count(**filters)
        videos = self.journal.count(**filters, videos=True)
        if limit is not None:
            # Videos among the newest `limit` entries: counted in SQL, not by reading them.
            where, params = _filter_sql(**filters)
            sql = (
                f"SELECT COUNT(video) FROM (SELECT video FROM entries WHERE {where} "  # noqa: S608 - constant clauses
                "ORDER BY created_at DESC, rowid DESC LIMIT ?)"
            )
            with self.journal._lock:
                videos = int(self.journal._conn.execute(sql, [*params, int(limit)]).fetchone()[0])
            entries = min(entries, int(limit))
        return entries, videos

    def __len__(self) -> int:
        count = self.journal.count(**self._video_filters(), videos=True)
        limit = self._filters.get("limit")
        return count if limit is None else min(count, int(limit))

    def __iter__(self) -> Iterator[Video]:
        limit = self._filters.get("limit")
        for n, entry in enumerate(self.journal.iter_entries(videos=True, **self._video_filters())):
            if limit is not None and n >= limit:
                return
            if entry.video is not None:
                yield entry.video

    @overload
    def __getitem__(self, index: int) -> Video: ...
    @overload
    def __getitem__(self, index: slice) -> list[Video]: ...
    def __getitem__(self, index: int | slice) -> Video | list[Video]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return self[start:stop][::step] if stop > start else []
            found = self.journal.page(start, max(0, stop - start), videos=True, **self._video_filters())
            return [e.video for e in found if e.video is not None]
        position = index
        if position < 0:
            position += len(self)
        limit = self._filters.get("limit")
        found = [] if position < 0 or (limit is not None and position >= limit) else (
            self.journal.page(position, 1, videos=True, **self._video_filters())
        )  # fmt: skip
        if not found or found[0].video is None:
            raise IndexError("history index out of range")
        return found[0].video

    def __repr__(self) -> str:
        total, videos = self._count_all()
        entries = self.journal.page(
            0, min(10, total), **{k: v for k, v in self._filters.items() if k != "limit"}
        )
        lines = [f"History({total} entries, {videos} videos; journal={str(self.journal.path)!r})"]
        for entry in entries[:10]:
            when = entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            status = status_word(entry.status, listed=True)
            size = entry.request.get("size", "?")
            seconds = entry.request.get("seconds", "?")
            prompt = shorten(" ".join(entry.prompt.split()), 50)
            lines.append(f"  {when}  {status:<15} {entry.model:<15} {size:>9} {seconds:>2}s  {prompt}")
        if total > 10:
            lines.append(f"  ... and {total - 10} more")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        total, videos = self._count_all()
        filters = {k: v for k, v in self._filters.items() if k != "limit"}
        entries = self.journal.page(0, min(_HTML_ROWS, total), **filters)
        esc = html.escape
        head = (
            f"<div class='sora-history'><div style='margin-bottom:4px'><b>History</b>: "
            f"{total} requests, {videos} videos "
            f"<span style='color:var(--jp-ui-font-color2, #777)'>({esc(str(self.journal.path))})</span></div>"
        )
        if not entries:
            return head + "<div><i>Nothing yet: generate a video and it appears here.</i></div></div>"
        cells = ["When", "Status", "Model", "Size", "Length", "Cost", "Prompt", "Task", "File"]
        rows = ["<tr>" + "".join(f"<th style='text-align:left'>{c}</th>" for c in cells) + "</tr>"]
        strips = 0
        for entry in entries[:_HTML_ROWS]:
            video = entry.video
            status = status_word(entry.status, listed=True)
            if (
                entry.status not in TERMINAL
                and entry.status not in (SENDING, UNKNOWN_OUTCOME)
                and entry.progress
            ):
                status += f" {entry.progress:.0%}"
            colour = _status_colour(entry.status)
            one_line = " ".join(entry.prompt.split())
            title = entry.error_message or ""
            cost = format_money(video.cost) if video is not None else ""
            path = str(video.path) if video is not None and video.path is not None else ""
            values = [
                esc(entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M")),
                f"<span style='color:{colour}' title='{esc(title)}'>{esc(status)}</span>",
                esc(entry.model),
                esc(str(entry.request.get("size", ""))),
                esc(f"{entry.request.get('seconds', '')}s"),
                esc(cost),
                f"<span title='{esc(entry.prompt)}'>{esc(shorten(one_line, 60))}</span>",
                f"<code>{esc(entry.task_id or '')}</code>",
                f"<span title='{esc(path)}'>{esc(Path(path).name if path else '')}</span>",
            ]
            rows.append("<tr>" + "".join(f"<td style='text-align:left'>{v}</td>" for v in values) + "</tr>")
            if self.filmstrips and video is not None and strips < _HTML_FILMSTRIPS:
                strip = _filmstrip_cell(video, len(cells))
                if strip:
                    strips += 1
                    rows.append(strip)
        more = ""
        if total > _HTML_ROWS:
            more = f"<div>… and {total - _HTML_ROWS} more (use history.entries() or filters)</div>"
        return head + "<table>" + "".join(rows) + "</table>" + more + "</div>"
