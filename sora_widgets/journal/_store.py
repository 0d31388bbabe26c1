"""The journal's database file: opening it, its schema, transactions, closing it."""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Self

from .._constants import ENV_HOME
from .._paths import default_home
from ..errors import SoraError

__all__ = ["BUSY_TIMEOUT_MS", "JOURNAL_FILE", "SCHEMA_VERSION"]

#: Version of the database layout, kept in ``PRAGMA user_version``.
SCHEMA_VERSION = 1
JOURNAL_FILE = "journal.sqlite3"
# Another kernel may hold the write lock while it commits; wait this long before giving up.
BUSY_TIMEOUT_MS = 15_000


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


def _not_writable(folder: Path) -> str | None:
    """Why nothing can be created in ``folder``, or None when something can."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return None
    except OSError as exc:
        return exc.strerror or type(exc).__name__


class _Store:
    """The open database (WAL, busy timeout, schema checked) shared by a Journal's reads and writes."""

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

    # -- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection (further calls raise SoraError)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> Self:
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
