"""History: what users see of the journal, as Python objects and as a table."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

import sora_widgets as sw
from sora_widgets.journal import History, Journal, JournalEntry
from sora_widgets.models import Task, TaskError, Usage, Video, VideoAsset, VideoRequest

URL = "http://127.0.0.1:8765"
EVIL = "<script>alert('x')</script> & <b>bold</b>"


def fill(journal: Journal) -> dict[str, str]:
    ids: dict[str, str] = {}
    for n, size in enumerate(["1280x720", "720x1280"]):
        request = VideoRequest(f"video {n} {EVIL}", size=size, seconds=4)
        entry_id = journal.record_request(request, base_url=URL, simulated=True)
        task = Task(
            id=f"t{n}",
            model=request.model,
            status="completed",
            assets=(VideoAsset(url=f"https://cdn.example/t{n}.mp4"),),
            usage=Usage(cost=Decimal("1.20")),
        )
        journal.record_task(entry_id, task)
        journal.record_video(
            entry_id, Video.from_task(task, request).with_changes(path=Path(f"/v/<t{n}>.mp4"))
        )
        ids[f"video{n}"] = entry_id
    failed = journal.record_request(VideoRequest("a failure", seconds=8), base_url=URL, simulated=True)
    journal.record_task(failed, Task(id="tf", status="failed", error=TaskError("002999095", "<oops>")))
    ids["failed"] = failed
    lost = journal.record_request(VideoRequest("a lost answer"), base_url=URL, simulated=True)
    journal.record_unknown_outcome(lost, "the create timed out")
    ids["lost"] = lost
    running = journal.record_request(VideoRequest("still running"), base_url=URL, simulated=True)
    journal.record_task(running, Task(id="tr", status="in_progress", progress=0.42))
    ids["running"] = running
    return ids


@pytest.fixture
def history(tmp_path: Path) -> History:
    journal = Journal(tmp_path / "journal.sqlite3")
    fill(journal)
    yield History(journal)  # type: ignore[misc]
    journal.close()


def test_sequence_of_videos(history: History) -> None:
    assert len(history) == 2
    videos = list(history)
    assert all(isinstance(v, Video) for v in videos)
    assert [v.task_id for v in videos] == ["t1", "t0"]  # newest first
    assert history[0].task_id == "t1" and history[-1].task_id == "t0"
    assert [v.task_id for v in history[:1]] == ["t1"]
    with pytest.raises(IndexError):
        history[5]


def test_entries_and_filters(history: History) -> None:
    assert len(history.entries()) == 5
    assert [e.task_id for e in history.unfinished()] == ["tr"]
    assert [e.status for e in history.entries(status="unknown_outcome")] == ["unknown_outcome"]
    portrait = history.videos(status="completed")
    assert len(portrait) == 2
    failed_only = history.filter(status="failed")
    assert [e.task_id for e in failed_only.entries()] == ["tf"]
    assert len(failed_only) == 0  # no completed videos among failed entries
    future = history.filter(since=datetime.now(timezone.utc) + timedelta(days=1))
    assert len(future) == 0 and future.entries() == []
    assert len(history.filter(until=datetime.now(timezone.utc) + timedelta(days=1))) == 2


def test_html_table_escapes_everything(history: History) -> None:
    page = history._repr_html_()
    assert "<script>" not in page and "<b>bold</b>" not in page and "<oops>" not in page
    assert "&lt;script&gt;" in page and "&amp;" in page and "&lt;oops&gt;" in page
    assert "&lt;t0&gt;.mp4" in page
    assert page.count("<tr>") == 6  # header + 5 entries
    assert "outcome unknown" in page
    assert "in progress 42%" in page
    assert "$1.20" in page
    # Every tag opened is one of ours.
    tags = {"div", "b", "span", "table", "colgroup", "col", "tr", "th", "td"}
    assert set(re.findall(r"<([a-z]+)", page)) <= tags


def test_empty_history_says_so(tmp_path: Path) -> None:
    with Journal(tmp_path / "empty.sqlite3") as journal:
        history = History(journal)
        assert len(history) == 0
        assert "Nothing yet" in history._repr_html_()
        assert repr(history).startswith("History(0 entries, 0 videos")


def test_repr(history: History) -> None:
    text = repr(history)
    assert text.startswith("History(5 entries, 2 videos; journal=")
    assert "outcome unknown" in text and "still running" in text
    assert len(text.splitlines()) == 6


def test_default_history_uses_home(_isolated_home: Path) -> None:
    history = sw.History()
    assert len(history) == 0
    assert history.journal.path == _isolated_home / "journal.sqlite3"
    history.journal.close()


def _many(journal: Journal, count: int) -> list[str]:
    """``count`` completed entries (task ids t0000..), oldest first, in one transaction."""
    ids = []
    for n in range(count):
        request = VideoRequest(f"video {n}", seconds=4)
        entry_id = journal.record_request(request, base_url=URL, simulated=True)
        task = Task(id=f"t{n:04d}", model=request.model, status="completed")
        journal.record_video(entry_id, Video.from_task(task, request))
        ids.append(f"t{n:04d}")
    return ids


def test_len_and_first_and_last_are_queries_not_scans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sora_widgets.journal._query as journal_module  # where rows become entries

    journal = Journal(tmp_path / "journal.sqlite3", clock=_ticking_clock())
    ids = _many(journal, 300)
    history = History(journal)
    assert history.journal is journal  # first use adds its index
    built: list[str] = []
    real_entry = journal_module._entry

    def counting(row: tuple[object, ...]) -> JournalEntry:
        entry = real_entry(row)
        built.append(entry.id)
        return entry

    monkeypatch.setattr(journal_module, "_entry", counting)
    statements: list[str] = []
    journal._conn.set_trace_callback(statements.append)

    assert len(history) == 300
    assert built == [] and len(statements) == 1 and "COUNT(*)" in statements[0]

    statements.clear()
    assert history[0].task_id == ids[-1]
    assert len(built) == 1 and len(statements) == 1 and "LIMIT" in statements[0]

    built.clear()
    assert history[-1].task_id == ids[0]
    assert len(built) == 1

    built.clear()
    assert [v.task_id for v in history[10:13]] == [ids[-11], ids[-12], ids[-13]]
    assert len(built) == 3

    built.clear()
    with pytest.raises(IndexError):
        history[300]
    assert built == []
    journal._conn.set_trace_callback(None)
    journal.close()


def test_iterating_reads_the_journal_in_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = Journal(tmp_path / "journal.sqlite3", clock=_ticking_clock())
    ids = _many(journal, 450)
    statements: list[str] = []
    history = History(journal)
    assert history.journal is journal
    journal._conn.set_trace_callback(statements.append)
    seen = []
    for video in history:
        seen.append(video.task_id)
        if len(seen) == 5:
            # A request recorded while someone iterates neither repeats nor shifts what follows.
            _many(journal, 1)
    assert seen == ids[::-1]
    selects = [s for s in statements if s.startswith("SELECT rowid")]
    assert len(selects) == 3  # 200 + 200 + 50 rows
    journal._conn.set_trace_callback(None)
    # The filters and the limit still hold.
    assert [v.task_id for v in History(journal, limit=4)] == ["t0000", *ids[::-1][:3]]
    assert len(History(journal, limit=4)) == 4
    assert len(History(journal, status="failed")) == 0
    assert "451 entries, 451 videos" in repr(History(journal))
    journal.close()


def _ticking_clock() -> Callable[[], datetime]:
    now = [datetime(2026, 11, 1, tzinfo=timezone.utc)]

    def clock() -> datetime:
        now[0] += timedelta(seconds=1)
        return now[0]

    return clock
