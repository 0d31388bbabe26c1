"""History: past requests and their videos, as users see them (a table in a notebook)."""

from __future__ import annotations

import base64
import html
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import Unpack

from .._text import shorten
from ..models.money import format_money
from ..models.task import COMPLETED, Status, status_word
from ..models.video import Video
from ._entry import (
    SENDING,
    TERMINAL,
    UNKNOWN_OUTCOME,
    EntryFilter,
    JournalEntry,
    filter_sql,
    known_filters,
)
from ._journal import Journal

__all__ = ["History"]

T = TypeVar("T")


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


# The HTML table fits the output's width, so no column is cut off at the right in a narrow
# notebook: the short facts take their text's width (a 1% column grows to its content); the long
# ones share what is left by these shares and end in an ellipsis (max-width:0 lets a cell of an
# automatic-layout table shrink below its text), each cell's title holding its whole text. A
# prompt takes at most two lines.
_HTML_COLUMNS = (
    ("When", ""),
    ("Status", ""),
    ("Model", ""),
    ("Size", ""),
    ("Length", ""),
    ("Cost", ""),
    ("Prompt", "50%"),
    ("Task", "20%"),
    ("File", "20%"),
)
# JupyterLab lays out rendered tables with table-layout:fixed; this one needs the automatic one.
_HTML_TABLE = "table-layout:auto;width:100%;min-width:40em;margin:0;border-collapse:collapse"
_HTML_CELL = "text-align:left;vertical-align:top;padding:3px 5px;white-space:nowrap;overflow:hidden;"


def _html_cell_style(share: str) -> str:
    """The style of a cell in a column with this share of the width ("" = as wide as its text)."""
    return _HTML_CELL + (f"width:{share};max-width:0;text-overflow:ellipsis" if share else "width:1%")


_HTML_CLAMP = (
    "display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2;line-clamp:2;"
    "overflow:hidden;white-space:normal;overflow-wrap:anywhere"
)
# A prompt's text kept in the cell (the rest is in its title): two lines never show more.
_HTML_PROMPT_CHARS = 240


def _html_row(entry: JournalEntry) -> str:
    """One entry as a row of the HTML table (each cell's full text in its title)."""
    esc = html.escape
    video = entry.video
    status = status_word(entry.status, listed=True)
    if entry.status not in TERMINAL and entry.status not in (SENDING, UNKNOWN_OUTCOME) and entry.progress:
        status += f" {entry.progress:.0%}"
    one_line = shorten(" ".join(entry.prompt.split()), _HTML_PROMPT_CHARS)
    cost = format_money(video.cost) if video is not None else ""
    path = str(video.path) if video is not None and video.path is not None else ""
    when = entry.created_at.astimezone()
    cells = [  # (shown text, title, style of the text)
        (when.strftime("%m-%d %H:%M"), when.strftime("%Y-%m-%d %H:%M:%S"), ""),
        (status, entry.error_message or status, f"color:{_status_colour(entry.status)}"),
        (entry.model, entry.model, ""),
        (str(entry.request.get("size", "")), "", ""),
        (f"{entry.request.get('seconds', '')}s", "", ""),
        (cost, "", ""),
        (one_line, entry.prompt, _HTML_CLAMP),
        (entry.task_id or "", entry.task_id or "", "font-family:var(--jp-code-font-family, monospace)"),
        (Path(path).name if path else "", path, ""),
    ]
    tds = (
        f"<td style='{_html_cell_style(share)}' title='{esc(title)}'>"
        f"<div style='overflow:hidden;text-overflow:ellipsis;{style}'>{esc(text)}</div></td>"
        for (text, title, style), (_, share) in zip(cells, _HTML_COLUMNS, strict=True)
    )
    return "<tr>" + "".join(tds) + "</tr>"


def _filmstrip_cell(video: Video, columns: int) -> str:
    """A table row holding the video's filmstrip as an inline JPEG ("" when there is no file)."""
    if video.path is None or not Path(video.path).is_file():
        return ""
    from ..av.frames import filmstrip_jpeg

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
        f"<img src='{src}' alt='{alt}' title='{alt}' style='max-width:100%;height:auto'></td></tr>"
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


def _either(value: T | None, fallback: T | None) -> T | None:
    return value if value is not None else fallback


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
        limit: int | None = None,
        **filters: Unpack[EntryFilter],
    ) -> None:
        self._journal = journal
        self.filmstrips = True  # the HTML table shows a filmstrip under the newest videos
        self._filters: EntryFilter = known_filters(filters)
        self._limit = limit

    @property
    def journal(self) -> Journal:
        """The journal read (opened on first use)."""
        if self._journal is None:
            self._journal = Journal()
        if not getattr(self._journal, "_history_index", False):
            _ensure_history_index(self._journal)
        return self._journal

    def filter(self, *, limit: int | None = None, **filters: Unpack[EntryFilter]) -> History:
        """A History showing only what also matches ``filters`` (same names as :meth:`entries`)."""
        return History(self._journal, limit=_either(limit, self._limit), **self._merged(filters))

    def entries(self, *, limit: int | None = None, **filters: Unpack[EntryFilter]) -> list[JournalEntry]:
        """Journal entries, newest first (filters as :meth:`Journal.entries`)."""
        return self.journal.entries(limit=_either(limit, self._limit), **self._merged(filters))

    def videos(self, *, limit: int | None = None, **filters: Unpack[EntryFilter]) -> list[Video]:
        """Completed Videos, newest first (filters as :meth:`Journal.entries`)."""
        return self.journal.videos(limit=_either(limit, self._limit), **self._merged(filters))

    def unfinished(self, base_url: str | None = None) -> list[JournalEntry]:
        """Entries still running (or completed without a recorded video): what resume finishes."""
        return self.journal.unfinished(_either(base_url, self._filters.get("base_url")))

    def _merged(self, filters: EntryFilter) -> EntryFilter:
        """This History's filters with ``filters`` on top (a None there lifts a filter)."""
        merged = dict(self._filters)
        merged.update(filters)
        return known_filters(merged)

    # Counting and indexing are single queries (COUNT, LIMIT/OFFSET) and iterating reads pages,
    # so len(history) and history[0] cost the same with ten entries or ten thousand.

    def _video_filters(self) -> EntryFilter:
        filters = known_filters(self._filters)
        filters["status"] = filters.get("status") or COMPLETED
        return filters

    def _count_all(self) -> tuple[int, int]:
        """(entries, videos) matching this History's filters, its ``limit`` applied."""
        filters = self._filters
        limit = self._limit
        entries = self.journal.count(**filters)
        videos = self.journal.count(**filters, videos=True)
        if limit is not None:
            # Videos among the newest `limit` entries: counted in SQL, not by reading them.
            where, params = filter_sql(filters)
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
        limit = self._limit
        return count if limit is None else min(count, int(limit))

    def __iter__(self) -> Iterator[Video]:
        limit = self._limit
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
        limit = self._limit
        found = [] if position < 0 or (limit is not None and position >= limit) else (
            self.journal.page(position, 1, videos=True, **self._video_filters())
        )  # fmt: skip
        if not found or found[0].video is None:
            raise IndexError("history index out of range")
        return found[0].video

    def __repr__(self) -> str:
        total, videos = self._count_all()
        entries = self.journal.page(0, min(10, total), **self._filters)
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
        entries = self.journal.page(0, min(_HTML_ROWS, total), **self._filters)
        esc = html.escape
        head = (
            f"<div class='sora-history'><div style='margin-bottom:4px'><b>History</b>: "
            f"{total} requests, {videos} videos "
            f"<span style='color:var(--jp-ui-font-color2, #777)'>({esc(str(self.journal.path))})</span></div>"
        )
        if not entries:
            return head + "<div><i>Nothing yet: generate a video and it appears here.</i></div></div>"
        rows = [
            "<tr>"
            + "".join(f"<th style='{_html_cell_style(share)}'>{c}</th>" for c, share in _HTML_COLUMNS)
            + "</tr>"
        ]
        strips = 0
        for entry in entries[:_HTML_ROWS]:
            rows.append(_html_row(entry))
            video = entry.video
            if self.filmstrips and video is not None and strips < _HTML_FILMSTRIPS:
                strip = _filmstrip_cell(video, len(_HTML_COLUMNS))
                if strip:
                    strips += 1
                    rows.append(strip)
        more = ""
        if total > _HTML_ROWS:
            more = f"<div>… and {total - _HTML_ROWS} more (use history.entries() or filters)</div>"
        return head + f"<table style='{_HTML_TABLE}'>" + "".join(rows) + "</table>" + more + "</div>"
