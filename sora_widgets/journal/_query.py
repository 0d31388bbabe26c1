"""Reading the journal: entries, counts, pages, videos, events (every filter built in one place)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models.task import COMPLETED, FAILED
from ..models.video import Video
from ._entry import _COLUMNS, REFUSED, EntryFilter, JournalEntry, _entry, _utc, filter_sql
from ._store import _Store

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__: list[str] = []

_log = logging.getLogger("sora_widgets.journal")


def _where(filters: EntryFilter, videos: bool) -> tuple[str, list[Any]]:
    where, params = filter_sql(filters)
    return where + (" AND video IS NOT NULL" if videos else ""), params


class _Queries(_Store):
    """The reads of a :class:`~sora_widgets.Journal`."""

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

    def to_resume(self, base_url: str) -> list[JournalEntry]:
        """What a resume must finish for this service (the :class:`~sora_widgets.Recorder` call):
        :meth:`unfinished` entries, then completed ones whose file is gone."""
        entries = self.unfinished(base_url)
        seen = {e.task_id for e in entries}
        for entry in self.entries(status=COMPLETED, base_url=base_url):
            video = entry.video
            if entry.task_id in seen or video is None:
                continue
            if video.path is None or not Path(video.path).is_file():
                entries.append(entry)
                seen.add(entry.task_id)
        return entries

    def entries(self, *, limit: int | None = None, **filters: Unpack[EntryFilter]) -> list[JournalEntry]:
        """Entries newest first, filtered (the filters are :class:`~sora_widgets.journal.EntryFilter`'s).

        Args:
            status: one status or several (``"completed"``, ``"failed"``, ``"unknown_outcome"``...).
            model: a model id (``"sora_2_pro_i2v"``), or ``"t2v"`` / ``"i2v"`` for short.
            since: created at or after this time (a naive datetime or a date is local time).
            until: created before this time.
            base_url: only entries sent to this service.
            limit: at most this many.
        """
        return self.page(0, limit, **filters)

    def count(self, *, videos: bool = False, **filters: Unpack[EntryFilter]) -> int:
        """How many entries match (one ``COUNT`` query; filters as :meth:`entries`);
        ``videos=True`` counts those with a Video."""
        where, params = _where(filters, videos)
        return self._count(where, params)

    def page(
        self,
        offset: int = 0,
        limit: int | None = 100,
        *,
        videos: bool = False,
        **filters: Unpack[EntryFilter],
    ) -> list[JournalEntry]:
        """At most ``limit`` entries (None: all) newest first, skipping the first ``offset``
        (filters as :meth:`entries`); ``videos=True`` keeps only entries with a Video."""
        where, params = _where(filters, videos)
        return self._select(where, params, limit, offset)

    def iter_entries(
        self, *, page: int = 200, videos: bool = False, **filters: Unpack[EntryFilter]
    ) -> Iterator[JournalEntry]:
        """Every matching entry newest first, read ``page`` rows at a time (filters as
        :meth:`entries`), so a long journal is never held in memory at once."""
        where, params = _where(filters, videos)
        return self._pages(where, params, max(1, page))

    def videos(self, *, limit: int | None = None, **filters: Unpack[EntryFilter]) -> list[Video]:
        """The Videos of completed entries, newest first (same filters as :meth:`entries`)."""
        filters["status"] = filters.get("status") or COMPLETED
        found = self.page(0, limit, videos=True, **filters)
        return [entry.video for entry in found if entry.video is not None]

    def video_size(self, remix_id: str) -> str | None:
        """The size (``"1280x720"``) of the recorded video with this remix id or task id, if known:
        a remix without a size keeps the shape of its source."""
        entry = self.entry_for_task(remix_id)
        if entry is not None and entry.video is not None and entry.video.size:
            return str(entry.video.size)
        for found in self.iter_entries(videos=True, status=COMPLETED):
            video = found.video
            if video is not None and remix_id in (video.remix_id, video.task_id) and video.size:
                return str(video.size)
        return None

    def events(self, entry_id: str) -> list[tuple[datetime, str, float | None, str | None]]:
        """The status changes of an entry, oldest first: (time, status, progress, message)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT at, status, progress, message FROM events WHERE entry_id = ? ORDER BY rowid",
                (entry_id,),
            ).fetchall()
        return [(_utc(at), status, progress, message) for at, status, progress, message in rows]

    # -- the video cache (see sora_widgets.cache) ----------------------------------------------

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
