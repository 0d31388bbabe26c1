"""The gateway's book: students, their hashed keys, budgets, and every task they started.

One class, two databases. SQLite (the default, one file under ``SORA_WIDGETS_HOME/gateway``)
serialises writers with ``BEGIN IMMEDIATE``; PostgreSQL (``postgresql://...``) lets several
gateway processes share one book. The one statement that keeps a budget is the same on both:

    UPDATE gw_students SET reserved = reserved + :amount
    WHERE name = :name AND revoked = 0 AND spent + reserved + :amount <= budget

It either reserves the whole price or changes nothing, and both databases evaluate its
condition against the latest committed row (PostgreSQL re-checks it after waiting for the
row lock), so no two creates can both take the last dollar.

Money is kept in integer micro-dollars: exact, and the same type in both databases.

A task row is written *before* its create is forwarded (state ``forwarding``). Its life:

```
forwarding ──► running ──► completed   (reservation becomes the upstream's real cost)
     │            └──────► failed      (reservation released)
     ├──► refused                      (upstream said no: released, nothing made)
     └──► unknown                      (answer lost: stays reserved, never resent)
                 └──► written_off      (the teacher's `reset` releases it)
```

Keys are random 256-bit tokens, so a SHA-256 of the key is enough to store (no salt is needed
against guessing a 256-bit secret, and the hash can be looked up directly); the key itself is
shown once, when it is made, and never stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from .._paths import default_home
from ..errors import InvalidRequestError, register_secret, safe_url
from ..models.money import MAX_AMOUNT, format_money, parse_amount

log = logging.getLogger("sora_widgets.gateway")

__all__ = [
    "COST_CEILING_FACTOR",
    "MICROS",
    "Principal",
    "Refusal",
    "Store",
    "StoreError",
    "StudentUsage",
    "TaskRow",
    "default_db_path",
    "from_micros",
    "hash_key",
    "open_store",
    "settled_cost",
    "to_micros",
]

MICROS = 1_000_000  # micro-dollars per dollar: exact to the 6 decimals the upstream reports
# A real cost is the catalog's price give or take rounding; three times it is no real bill.
COST_CEILING_FACTOR = 3
_KEY_BYTES = 32  # 256 bits of randomness per key
_HASH_DOMAIN = b"sora-widgets-gateway-key:"
NAME_MAX = 64

TERMINAL_STATES = ("completed", "failed", "refused", "written_off")
# States whose reservation is still held.
HELD_STATES = ("forwarding", "running", "unknown")


class StoreError(InvalidRequestError):
    """A teacher's command that cannot be done (unknown name, bad amount, name taken); a
    ValueError too."""


def to_micros(amount: Decimal | str | float | int) -> int:
    """Dollars to integer micro-dollars (half up); raise StoreError for anything not a finite amount."""
    try:
        value = Decimal(str(amount).strip().lstrip("$"))
    except (InvalidOperation, ValueError):
        raise StoreError(f"{amount!r} is not an amount of dollars") from None
    if not value.is_finite():
        raise StoreError(f"{amount!r} is not an amount of dollars")
    return int((value * MICROS).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def settled_cost(reported: int | None, held: int, row_id: str = "") -> int:
    """What a completed task is charged: the upstream's reported cost, trusted only within
    reason. No report charges what was held; a negative one is 0 and one above
    :data:`COST_CEILING_FACTOR` times the held amount is that ceiling (both logged), so a broken
    or hostile upstream can neither refill a budget nor empty it."""
    if reported is None:
        return held
    ceiling = held * COST_CEILING_FACTOR
    charged = min(max(reported, 0), ceiling)
    if charged != reported:
        log.warning(
            "task %s: the upstream reported a cost of %s for a video priced %s; charged %s",
            row_id,
            format_money(from_micros(reported)),
            format_money(from_micros(held)),
            format_money(from_micros(charged)),
        )
    return charged


def from_micros(micros: int) -> Decimal:
    """Integer micro-dollars to dollars."""
    return (Decimal(micros) / MICROS).quantize(Decimal("0.000001"))


def hash_key(key: str) -> str:
    """What the book keeps of a key."""
    return hashlib.sha256(_HASH_DOMAIN + key.encode("utf-8")).hexdigest()


def default_db_path() -> Path:
    """``$SORA_WIDGETS_HOME/gateway/gateway.sqlite3``."""
    return default_home() / "gateway" / "gateway.sqlite3"


def _check_name(name: str) -> str:
    text = name.strip()
    if not text or len(text) > NAME_MAX or any(not (c.isalnum() or c in "-_.@ ") for c in text):
        raise StoreError(f"{name!r} is not a usable name: 1-{NAME_MAX} letters, digits, spaces or - _ . @")
    return text


@dataclass(frozen=True)
class Principal:
    """Who a key belongs to."""

    name: str
    is_admin: bool


@dataclass(frozen=True)
class Refusal:
    """Why a create does not fit the budget (for the 402 message)."""

    name: str
    amount: int
    budget: int
    spent: int
    reserved: int

    @property
    def remaining(self) -> int:
        """What is left to spend now."""
        return max(0, self.budget - self.spent - self.reserved)

    def message(self) -> str:
        """The 402 message, naming the budget (what to do is the gateway's advice, beside it)."""
        held = f", {format_money(from_micros(self.reserved))} held for running tasks" if self.reserved else ""
        return (
            f"Budget exceeded: this video costs {format_money(from_micros(self.amount))} but "
            f"{self.name}'s class budget of {format_money(from_micros(self.budget))} has "
            f"{format_money(from_micros(self.remaining))} left (spent {format_money(from_micros(self.spent))}"
            f"{held}). Nothing was sent."
        )


@dataclass(frozen=True)
class TaskRow:
    """One task in the book."""

    id: str
    student: str
    upstream_id: str | None
    model: str
    prompt: str
    seconds: int
    size: str | None
    state: str
    reserved: int
    cost: int | None
    video_url: str | None
    job_id: str | None
    error: str | None
    created_at: float
    updated_at: float
    #: The model's endpoint path upstream when it is not the default one: polled at {path}/task/{id}.
    path: str | None = None


@dataclass(frozen=True)
class StudentUsage:
    """A student's line in ``gateway usage`` and the Classroom table."""

    name: str
    is_admin: bool
    revoked: bool
    budget: int
    spent: int
    reserved: int
    tasks: int
    running: int
    completed: int
    failed: int
    unknown: int
    last_activity: float | None

    @property
    def remaining(self) -> int:
        """Budget not yet spent or held."""
        return max(0, self.budget - self.spent - self.reserved)

    def to_json(self) -> dict[str, Any]:
        """JSON for the admin API and ``usage --json`` (money as strings with 2 decimals)."""
        return {
            "name": self.name,
            "admin": self.is_admin,
            "revoked": self.revoked,
            "budget": f"{from_micros(self.budget):.2f}",
            "spent": f"{from_micros(self.spent):.2f}",
            "reserved": f"{from_micros(self.reserved):.2f}",
            "remaining": f"{from_micros(self.remaining):.2f}",
            "tasks": self.tasks,
            "running": self.running,
            "completed": self.completed,
            "failed": self.failed,
            "unknown": self.unknown,
            "last_activity": self.last_activity,
        }


_TASK_COLUMNS = (
    "id, student, upstream_id, model, prompt, seconds, size, state, reserved, cost, "
    "video_url, job_id, error, created_at, updated_at, path"
)

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS gw_students (
        name TEXT PRIMARY KEY,
        key_hash TEXT NOT NULL UNIQUE,
        is_admin INTEGER NOT NULL DEFAULT 0,
        budget BIGINT NOT NULL DEFAULT 0,
        spent BIGINT NOT NULL DEFAULT 0,
        reserved BIGINT NOT NULL DEFAULT 0,
        revoked INTEGER NOT NULL DEFAULT 0,
        created_at DOUBLE PRECISION NOT NULL,
        last_activity DOUBLE PRECISION
    )""",
    """CREATE TABLE IF NOT EXISTS gw_tasks (
        id TEXT PRIMARY KEY,
        student TEXT NOT NULL,
        upstream_id TEXT UNIQUE,
        model TEXT NOT NULL,
        prompt TEXT NOT NULL,
        seconds INTEGER NOT NULL,
        size TEXT,
        state TEXT NOT NULL,
        reserved BIGINT NOT NULL,
        cost BIGINT,
        video_url TEXT,
        job_id TEXT,
        error TEXT,
        created_at DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL,
        path TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS gw_tasks_student ON gw_tasks (student, created_at)",
    "CREATE INDEX IF NOT EXISTS gw_tasks_state ON gw_tasks (state, updated_at)",
)


class _Tx(Protocol):
    """What a transaction offers: run one statement, get rows and the row count."""

    def __call__(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[tuple[Any, ...]], int]: ...


class _Backend(Protocol):
    def transaction(self, *, write: bool = True) -> contextlib.AbstractContextManager[_Tx]: ...

    def close(self) -> None: ...


class _Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=_Closable)


class _PerThread(Generic[C]):
    """One database connection per thread (neither driver's connections may be shared), all
    closed together by :meth:`close_all`."""

    def __init__(self, connect: Callable[[], C], *, usable: Callable[[C], bool] = lambda _c: True) -> None:
        self._connect = connect
        self._usable = usable
        self._local = threading.local()
        self._all: list[C] = []
        self._lock = threading.Lock()

    def get(self) -> C:
        conn: C | None = getattr(self._local, "conn", None)
        if conn is None or not self._usable(conn):
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close_all(self) -> None:
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(Exception):
                    conn.close()
            self._all.clear()
        self._local = threading.local()


class _SQLite:
    """One connection per thread, autocommit, ``BEGIN IMMEDIATE`` for every write."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conns: _PerThread[sqlite3.Connection] = _PerThread(self._connect)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    def _conn(self) -> sqlite3.Connection:
        return self._conns.get()

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[_Tx]:
        conn = self._conn()
        # IMMEDIATE takes the write lock at BEGIN: two gateways cannot both read, then both write.
        # Reads need no lock (WAL gives them a consistent snapshot).
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")

        def run(sql: str, params: Sequence[Any] = ()) -> tuple[list[tuple[Any, ...]], int]:
            cur = conn.execute(sql, tuple(params))
            rows = cur.fetchall()
            return rows, cur.rowcount

        try:
            yield run
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        self._conns.close_all()


def _register_dsn_secrets(dsn: str) -> None:
    """A DSN's password (``user:pw@`` or ``?password=``) is removed from any message or log
    that quotes it (a driver's error, a traceback)."""
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(dsn)
        register_secret(parts.password)
        for value in urllib.parse.parse_qs(parts.query).get("password", []):
            register_secret(value)
    except ValueError:
        pass


class _Postgres:
    """One psycopg connection per thread; every operation one transaction."""

    def __init__(self, dsn: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise StoreError(
                "PostgreSQL needs psycopg: pip install 'sora-widgets[gateway]' (psycopg[binary])"
            ) from None
        self._psycopg = psycopg
        self.dsn = dsn
        _register_dsn_secrets(dsn)
        self._conns: _PerThread[Any] = _PerThread(
            lambda: psycopg.connect(dsn, autocommit=True, connect_timeout=10),
            usable=lambda conn: not conn.closed,
        )

    def _conn(self) -> Any:
        return self._conns.get()

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[_Tx]:
        conn = self._conn()
        with conn.transaction(), conn.cursor() as cur:

            def run(sql: str, params: Sequence[Any] = ()) -> tuple[list[tuple[Any, ...]], int]:
                cur.execute(sql.replace("?", "%s"), tuple(params))
                rows = cur.fetchall() if cur.description is not None else []
                return [tuple(r) for r in rows], cur.rowcount

            yield run

    def close(self) -> None:
        self._conns.close_all()


def _add_path_column(run: _Tx, *, postgres: bool) -> None:
    """A book made before tasks kept their endpoint gets the column (its rows: the default path)."""
    if postgres:
        run("ALTER TABLE gw_tasks ADD COLUMN IF NOT EXISTS path TEXT")
        return
    columns, _ = run("PRAGMA table_info(gw_tasks)")
    if "path" not in {str(c[1]) for c in columns}:
        run("ALTER TABLE gw_tasks ADD COLUMN path TEXT")


class Store:
    """Students, keys, budgets and tasks, in SQLite or PostgreSQL.

    Example:
        >>> store = open_store(None)                    # $SORA_WIDGETS_HOME/gateway/gateway.sqlite3
        >>> key = store.add("alice", "5.00")            # shown once; only its hash is kept
        >>> store.principal(key)
        Principal(name='alice', is_admin=False)

    Every method is blocking and safe to call from many threads at once; the ASGI app calls
    them from a thread pool.

    Args:
        backend: the database.
        clock: unix seconds (tests inject a fake one).
        description: where the book is, for messages (never contains a password).
    """

    def __init__(
        self, backend: _Backend, *, clock: Callable[[], float] = time.time, description: str
    ) -> None:
        self._db = backend
        self.clock = clock
        self.description = description
        with self._db.transaction() as run:
            if isinstance(backend, _Postgres):
                # Two gateways starting at once must not race to create the same tables.
                run("SELECT pg_advisory_xact_lock(731700117)")
            for statement in _SCHEMA:
                run(statement)
            _add_path_column(run, postgres=isinstance(backend, _Postgres))

    def __repr__(self) -> str:
        return f"Store({self.description!r})"

    def close(self) -> None:
        """Close every connection."""
        self._db.close()

    # --- teacher's commands -----------------------------------------------------------------

    def add(
        self, name: str, budget: Decimal | str | float = 0, *, admin: bool = False, new_key: bool = False
    ) -> str:
        """Make a student (or, with ``admin``, a teacher's admin key); return the new key.

        ``new_key`` replaces the key of an existing name (a lost or leaked key) and lifts a
        revocation; the budget is set to ``budget`` then too.
        """
        name = _check_name(name)
        amount = self._budget(budget)
        key = ("sk-admin-" if admin else "sk-class-") + secrets.token_urlsafe(_KEY_BYTES)
        now = self.clock()
        with self._db.transaction() as run:
            rows, _ = run("SELECT is_admin FROM gw_students WHERE name = ?", (name,))
            if rows and not new_key:
                raise StoreError(
                    f"{name} already exists; use set-budget, or add --new-key to replace the key"
                )
            if rows:
                run(
                    "UPDATE gw_students SET key_hash = ?, is_admin = ?, budget = ?, revoked = 0 "
                    "WHERE name = ?",
                    (hash_key(key), int(admin), amount, name),
                )
            else:
                run(
                    "INSERT INTO gw_students (name, key_hash, is_admin, budget, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (name, hash_key(key), int(admin), amount, now),
                )
        return key

    def revoke(self, name: str) -> None:
        """The key stops working at once (401); tasks and spending are kept."""
        self._update_one("UPDATE gw_students SET revoked = 1 WHERE name = ?", (name,), name)

    def set_budget(self, name: str, amount: Decimal | str | float) -> None:
        """Set the total a student may spend (spent and held amounts count against it)."""
        self._update_one(
            "UPDATE gw_students SET budget = ? WHERE name = ?", (self._budget(amount), name), name
        )

    def top_up(self, name: str, amount: Decimal | str | float) -> None:
        """Raise a budget by ``amount`` (the budget stays at most :data:`MAX_AMOUNT`)."""
        micros = self._budget(amount, "a top-up")
        if micros <= 0:
            raise StoreError(f"a top-up must be more than $0, not {amount!r}")
        with self._db.transaction() as run:
            rows, _ = run("SELECT budget FROM gw_students WHERE name = ?", (name,))
            if not rows:
                raise StoreError(f"no student named {name!r}")
            if int(rows[0][0]) + micros > to_micros(MAX_AMOUNT):
                raise StoreError(
                    f"a top-up of {format_money(from_micros(micros))} would make {name}'s budget more "
                    f"than the ${MAX_AMOUNT} a budget can be"
                )
            run("UPDATE gw_students SET budget = budget + ? WHERE name = ?", (micros, name))

    def reset(self, name: str) -> None:
        """Start the student's spending afresh: spent back to $0 and "outcome unknown" tasks
        written off. Tasks still running keep their reservation; the key and budget stay."""
        with self._db.transaction() as run:
            rows, _ = run("SELECT name FROM gw_students WHERE name = ?", (name,))
            if not rows:
                raise StoreError(f"no student named {name!r}")
            run(
                "UPDATE gw_tasks SET state = 'written_off', reserved = 0, updated_at = ? "
                "WHERE student = ? AND state = 'unknown'",
                (self.clock(), name),
            )
            held, _ = run(
                "SELECT COALESCE(SUM(reserved), 0) FROM gw_tasks WHERE student = ? AND state IN (?, ?, ?)",
                (name, *HELD_STATES),
            )
            run("UPDATE gw_students SET spent = 0, reserved = ? WHERE name = ?", (int(held[0][0]), name))

    @staticmethod
    def _budget(amount: Decimal | str | float, field: str = "a budget") -> int:
        """A typed amount in micro-dollars: the one money parser, with its ceiling."""
        try:
            return to_micros(parse_amount(amount, field=field))
        except InvalidRequestError as exc:
            raise StoreError(exc.message) from None

    def _update_one(self, sql: str, params: Sequence[Any], name: str) -> None:
        with self._db.transaction() as run:
            _, count = run(sql, params)
            if count != 1:
                raise StoreError(f"no student named {name!r}")

    # --- the gateway's path -----------------------------------------------------------------

    def principal(self, key: str) -> Principal | None:
        """The owner of a key that works now; None for an unknown or revoked key."""
        if not key:
            return None
        with self._db.transaction(write=False) as run:
            rows, _ = run(
                "SELECT name, is_admin FROM gw_students WHERE key_hash = ? AND revoked = 0", (hash_key(key),)
            )
        return Principal(name=rows[0][0], is_admin=bool(rows[0][1])) if rows else None

    def reserve(
        self,
        name: str,
        amount: int,
        *,
        model: str,
        prompt: str,
        seconds: int,
        size: str | None,
        path: str | None = None,
    ) -> str | Refusal:
        """Hold ``amount`` of the budget and journal the task (state ``forwarding``), or refuse.

        ``path``: the model's endpoint path upstream when it is not the default (its polls go there).

        Returns:
            The task's row id, or a :class:`Refusal` when the amount does not fit.
        """
        now = self.clock()
        row_id = "gw" + secrets.token_hex(9)
        with self._db.transaction() as run:
            _, count = run(
                "UPDATE gw_students SET reserved = reserved + ?, last_activity = ? "
                "WHERE name = ? AND revoked = 0 AND spent + reserved + ? <= budget",
                (amount, now, name, amount),
            )
            if count == 1:
                run(
                    f"INSERT INTO gw_tasks ({_TASK_COLUMNS}) "
                    "VALUES (?, ?, NULL, ?, ?, ?, ?, 'forwarding', ?, NULL, NULL, NULL, NULL, ?, ?, ?)",
                    (row_id, name, model, prompt, seconds, size, amount, now, now, path),
                )
                return row_id
            rows, _ = run("SELECT budget, spent, reserved FROM gw_students WHERE name = ?", (name,))
        budget, spent, reserved = (int(v) for v in rows[0]) if rows else (0, 0, 0)
        return Refusal(name=name, amount=amount, budget=budget, spent=spent, reserved=reserved)

    def forwarded(self, row_id: str, upstream_id: str) -> None:
        """The upstream made the task: it is ``running`` under the upstream's id."""
        with self._db.transaction() as run:
            run(
                "UPDATE gw_tasks SET upstream_id = ?, state = 'running', updated_at = ? "
                "WHERE id = ? AND state = 'forwarding'",
                (upstream_id, self.clock(), row_id),
            )

    def refused(self, row_id: str, reason: str) -> None:
        """The upstream refused the create (nothing made): release the reservation."""
        self._end(row_id, "refused", cost=None, error=reason)

    def unknown(self, row_id: str, reason: str) -> None:
        """The create's answer was lost: keep the reservation, never resend."""
        with self._db.transaction() as run:
            run(
                "UPDATE gw_tasks SET state = 'unknown', error = ?, updated_at = ? "
                "WHERE id = ? AND state = 'forwarding'",
                (reason[:500], self.clock(), row_id),
            )

    def find(self, name: str, upstream_id: str) -> TaskRow | None:
        """This student's task with this upstream id (None for anyone else's, or no such task)."""
        with self._db.transaction(write=False) as run:
            rows, _ = run(
                f"SELECT {_TASK_COLUMNS} FROM gw_tasks WHERE upstream_id = ? AND student = ?",
                (upstream_id, name),
            )
        return _task(rows[0]) if rows else None

    def owns_job(self, name: str, job_id: str) -> bool:
        """Whether a remix source (``jobId``) is one of this student's videos."""
        with self._db.transaction(write=False) as run:
            rows, _ = run("SELECT 1 FROM gw_tasks WHERE job_id = ? AND student = ?", (job_id, name))
        return bool(rows)

    def observe(
        self,
        row_id: str,
        status: str,
        *,
        cost: int | None = None,
        video_url: str | None = None,
        job_id: str | None = None,
        error: str | None = None,
    ) -> None:
        """What a poll of the upstream said: settle the budget once the task has ended."""
        if status == "completed":
            self._end(row_id, "completed", cost=cost, video_url=video_url, job_id=job_id)
        elif status == "failed":
            self._end(row_id, "failed", cost=None, error=error)

    def note_url(self, row_id: str, video_url: str) -> None:
        """A fresh result link for a completed task (links expire)."""
        with self._db.transaction() as run:
            run("UPDATE gw_tasks SET video_url = ? WHERE id = ?", (video_url, row_id))

    def _end(
        self,
        row_id: str,
        state: str,
        *,
        cost: int | None,
        video_url: str | None = None,
        job_id: str | None = None,
        error: str | None = None,
    ) -> None:
        now = self.clock()
        with self._db.transaction() as run:
            lock = " FOR UPDATE" if isinstance(self._db, _Postgres) else ""
            rows, _ = run(f"SELECT student, reserved, state FROM gw_tasks WHERE id = ?{lock}", (row_id,))
            if not rows or rows[0][2] not in HELD_STATES:
                return  # already settled (by another poll, or another gateway process)
            student, held = rows[0][0], int(rows[0][1])
            charged = settled_cost(cost, held, row_id) if state == "completed" else 0
            run(
                "UPDATE gw_tasks SET state = ?, reserved = 0, cost = ?, video_url = COALESCE(?, video_url), "
                "job_id = COALESCE(?, job_id), error = ?, updated_at = ? WHERE id = ?",
                (
                    state,
                    charged if state == "completed" else None,
                    video_url,
                    job_id,
                    error[:500] if error else None,
                    now,
                    row_id,
                ),
            )
            run(
                "UPDATE gw_students SET reserved = reserved - ?, spent = spent + ?, last_activity = ? "
                "WHERE name = ?",
                (held, charged, now, student),
            )

    def touch(self, name: str) -> None:
        """Record activity (a poll) without anything else changing."""
        with self._db.transaction() as run:
            run("UPDATE gw_students SET last_activity = ? WHERE name = ?", (self.clock(), name))

    def sweep(self, stale_after_s: float) -> int:
        """Creates journaled longer ago than ``stale_after_s`` and never answered (the gateway
        stopped mid-forward) become ``unknown``: held, shown to the teacher, never resent."""
        now = self.clock()
        with self._db.transaction() as run:
            _, count = run(
                "UPDATE gw_tasks SET state = 'unknown', error = ?, updated_at = ? "
                "WHERE state = 'forwarding' AND created_at < ?",
                ("the gateway stopped before the upstream answered", now, now - stale_after_s),
            )
        return max(0, count)

    # --- the teacher's view -----------------------------------------------------------------

    def running(self, limit: int = 50) -> list[TaskRow]:
        """Tasks running upstream, least recently looked at first."""
        with self._db.transaction(write=False) as run:
            rows, _ = run(
                f"SELECT {_TASK_COLUMNS} FROM gw_tasks WHERE state = 'running' ORDER BY updated_at LIMIT ?",
                (limit,),
            )
        return [_task(r) for r in rows]

    def tasks(self, name: str | None = None, limit: int = 200) -> list[TaskRow]:
        """Newest tasks first, of one student or everyone."""
        where, params = ("WHERE student = ?", [name]) if name else ("", [])
        with self._db.transaction(write=False) as run:
            rows, _ = run(
                f"SELECT {_TASK_COLUMNS} FROM gw_tasks {where} ORDER BY created_at DESC LIMIT ?",
                (*params, limit),
            )
        return [_task(r) for r in rows]

    def wall(self, limit: int = 12) -> list[TaskRow]:
        """The class's latest finished videos."""
        with self._db.transaction(write=False) as run:
            rows, _ = run(
                f"SELECT {_TASK_COLUMNS} FROM gw_tasks WHERE state = 'completed' AND video_url IS NOT NULL "
                "ORDER BY updated_at DESC LIMIT ?",
                (limit,),
            )
        return [_task(r) for r in rows]

    def usage(self) -> list[StudentUsage]:
        """One line per student (admins included), by name."""
        with self._db.transaction(write=False) as run:
            rows, _ = run(
                "SELECT s.name, s.is_admin, s.revoked, s.budget, s.spent, s.reserved, s.last_activity, "
                "COUNT(t.id), "
                "SUM(CASE WHEN t.state IN ('forwarding', 'running') THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN t.state = 'completed' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN t.state = 'failed' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN t.state = 'unknown' THEN 1 ELSE 0 END) "
                "FROM gw_students s LEFT JOIN gw_tasks t ON t.student = s.name "
                "GROUP BY s.name, s.is_admin, s.revoked, s.budget, s.spent, s.reserved, s.last_activity "
                "ORDER BY s.name"
            )
        return [
            StudentUsage(
                name=r[0],
                is_admin=bool(r[1]),
                revoked=bool(r[2]),
                budget=int(r[3]),
                spent=int(r[4]),
                reserved=int(r[5]),
                last_activity=float(r[6]) if r[6] is not None else None,
                tasks=int(r[7] or 0),
                running=int(r[8] or 0),
                completed=int(r[9] or 0),
                failed=int(r[10] or 0),
                unknown=int(r[11] or 0),
            )
            for r in rows
        ]


def _task(row: tuple[Any, ...]) -> TaskRow:
    return TaskRow(
        id=row[0],
        student=row[1],
        upstream_id=row[2],
        model=row[3],
        prompt=row[4],
        seconds=int(row[5]),
        size=row[6],
        state=row[7],
        reserved=int(row[8]),
        cost=int(row[9]) if row[9] is not None else None,
        video_url=row[10],
        job_id=row[11],
        error=row[12],
        created_at=float(row[13]),
        updated_at=float(row[14]),
        path=row[15],
    )


def describe_db(db: str | Path | None) -> str:
    """Where the book is, without a password (for messages and logs)."""
    text = str(db) if db is not None else str(default_db_path())
    if text.startswith(("postgresql://", "postgres://")):
        # Neither user:password@ nor a query (libpq takes ?password= there) is ever shown.
        return safe_url(text)
    return text


def open_store(db: str | Path | None = None, *, clock: Callable[[], float] = time.time) -> Store:
    """The book at ``db``: a ``postgresql://`` URL, a SQLite file path, or None for the default
    file under ``SORA_WIDGETS_HOME/gateway``."""
    text = str(db) if db is not None else ""
    backend: _Backend
    if text.startswith(("postgresql://", "postgres://")):
        backend = _Postgres(text)
    else:
        backend = _SQLite(Path(text).expanduser() if text else default_db_path())
    return Store(backend, clock=clock, description=describe_db(db))
