"""Journal: round trips, the state machine's rules, filters, schema, reopening."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import platformdirs
import pytest

from sora_widgets import SoraError, load_image
from sora_widgets.journal import SCHEMA_VERSION, History, Journal, default_home
from sora_widgets.models import Task, TaskError, Usage, Video, VideoAsset, VideoRequest

URL = "http://127.0.0.1:8765"
START = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


class Clock:
    """A settable clock for the journal's timestamps."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def kite(prompt: str = "Wide shot of a red kite at dusk", **kw: object) -> VideoRequest:
    return VideoRequest(prompt, size=kw.pop("size", "1280x720"), seconds=kw.pop("seconds", 8), **kw)  # type: ignore[arg-type]


def completed(task_id: str, request: VideoRequest) -> Task:
    return Task(
        id=task_id,
        model=request.model,
        status="completed",
        assets=(VideoAsset(url=f"https://cdn.example/{task_id}.mp4", size_bytes=123_456, job_id="video_1"),),
        usage=Usage(cost=Decimal("2.40"), discount=0.0),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def journal(tmp_path: Path, clock: Clock) -> Journal:
    with Journal(tmp_path / "journal.sqlite3", clock=clock) as j:
        yield j  # type: ignore[misc]


def test_default_location_follows_env(_isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Journal() as journal:
        assert journal.path == _isolated_home / "journal.sqlite3"
        assert journal.home == _isolated_home
        assert journal.path.exists()
    monkeypatch.delenv("SORA_WIDGETS_HOME")
    assert default_home() == Path(platformdirs.user_data_dir("sora-widgets"))
    assert default_home().name == "sora-widgets"


def test_database_is_wal_and_versioned(journal: Journal) -> None:
    db = sqlite3.connect(journal.path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        db.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(SoraError, match="newer sora_widgets"):
        Journal(path)


def test_damaged_file_gives_advice(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(SoraError) as info:
        Journal(path)
    assert str(path) in str(info.value) and "move it aside" in str(info.value)


def test_unwritable_home_gives_advice(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(SoraError, match="SORA_WIDGETS_HOME") as info:
        Journal(blocker / "home" / "journal.sqlite3")
    assert str(blocker / "home") in str(info.value)


def test_closed_journal_says_so(journal: Journal) -> None:
    journal.close()
    with pytest.raises(SoraError, match="closed"):
        journal.entries()
    assert "closed" in repr(journal)


def test_full_round_trip(journal: Journal, clock: Clock) -> None:
    request = kite()
    entry_id = journal.record_request(request, base_url=URL, simulated=True, labels={"class": "demo"})
    entry = journal.get(entry_id)
    assert entry is not None
    assert len(entry_id) == 32 and entry.id == entry_id
    assert entry.status == "sending" and entry.task_id is None and not entry.is_terminal
    assert entry.request == request.to_dict()
    assert entry.to_request() == request
    assert entry.created_at == START and entry.created_at.tzinfo is not None
    assert (entry.base_url, entry.simulated, entry.model, entry.prompt) == (
        URL,
        True,
        "sora_2_pro_t2v",
        request.prompt,
    )
    assert entry.labels == {"class": "demo"}

    clock.now = START + timedelta(seconds=5)
    journal.record_task(entry_id, Task(id="task-1", status="pending"))
    journal.record_task(entry_id, Task(id="task-1", status="in_progress", progress=0.25))
    entry = journal.get(entry_id)
    assert entry is not None
    assert (entry.task_id, entry.status, entry.progress) == ("task-1", "in_progress", 0.25)
    assert entry.updated_at == START + timedelta(seconds=5)
    assert journal.entry_for_task("task-1") == entry

    done = completed("task-1", request)
    journal.record_task(entry_id, done)
    video = Video.from_task(done, request, simulated=True, labels={"class": "demo"})
    journal.record_video(entry_id, video)
    stored = journal.get(entry_id)
    assert stored is not None and stored.video is not None
    assert stored.status == "completed" and stored.progress == 1.0
    assert stored.video == video
    assert stored.video.cost == Decimal("2.40") and stored.video.remix_id == "video_1"
    assert stored.video.request == request

    downloaded = video.with_changes(path=journal.home / "videos" / "task-1.mp4")
    journal.record_video(entry_id, downloaded)
    journal.record_video(entry_id, video)  # a late record without a path keeps the path
    stored = journal.get(entry_id)
    assert stored is not None and stored.video is not None
    assert stored.video.path == downloaded.path
    assert journal.videos() == [downloaded]
    assert [e[1] for e in journal.events(entry_id)] == ["sending", "pending", "in_progress", "completed"]


def test_image_request_is_described_not_embedded(journal: Journal) -> None:
    from PIL import Image

    image = load_image(Image.new("RGB", (1280, 720), (10, 20, 30)))
    request = kite(image=image)
    entry_id = journal.record_request(request, base_url=URL, simulated=False)
    entry = journal.get(entry_id)
    assert entry is not None
    assert entry.model == "sora_2_pro_i2v"
    assert entry.request["image"]["sha256"] == image.sha256
    assert entry.to_request() is None  # bytes not kept: the request cannot be rebuilt
    raw = journal.path.read_bytes() + (journal.path.with_name(journal.path.name + "-wal").read_bytes())
    assert image.base64()[:200].encode() not in raw


def test_terminal_stays_terminal_and_progress_never_goes_back(journal: Journal) -> None:
    request = kite()
    entry_id = journal.record_request(request, base_url=URL, simulated=True)
    journal.record_task(entry_id, Task(id="t", status="in_progress", progress=0.6))
    journal.record_task(entry_id, Task(id="t", status="in_progress", progress=0.3))  # lagging replica
    journal.record_task(entry_id, Task(id="t", status="in_progress", progress=None))
    entry = journal.get(entry_id)
    assert entry is not None and entry.progress == 0.6

    journal.record_task(entry_id, Task(id="t", status="weird_new_status", progress=0.7))
    entry = journal.get(entry_id)
    assert entry is not None and (entry.status, entry.progress) == ("weird_new_status", 0.7)

    failure = Task(
        id="t", status="failed", error=TaskError(code="002999095", message="internal generation error")
    )
    journal.record_task(entry_id, failure)
    journal.record_task(entry_id, completed("t", request))  # contradicting late answer
    journal.record_task(entry_id, Task(id="t", status="in_progress", progress=0.9))
    entry = journal.get(entry_id)
    assert entry is not None
    assert entry.status == "failed" and entry.is_terminal
    assert (entry.error_code, entry.error_message) == ("002999095", "internal generation error")
    journal.record_video(entry_id, Video.from_task(completed("t", request), request))
    entry = journal.get(entry_id)
    assert entry is not None and entry.status == "failed"

    other = journal.record_request(request, base_url=URL, simulated=True)
    journal.record_task(other, completed("u", request))
    journal.record_task(other, Task(id="u", status="failed"))
    entry = journal.get(other)
    assert entry is not None and (entry.status, entry.progress) == ("completed", 1.0)


def test_entry_cannot_change_task(journal: Journal) -> None:
    entry_id = journal.record_request(kite(), base_url=URL, simulated=True)
    journal.record_task(entry_id, Task(id="a"))
    with pytest.raises(ValueError, match="belongs to task a"):
        journal.record_task(entry_id, Task(id="b"))
    with pytest.raises(KeyError):
        journal.record_task("no-such-entry", Task(id="a"))
    assert journal.get("no-such-entry") is None
    assert journal.entry_for_task("nope") is None


def test_unknown_outcome_and_refused(journal: Journal) -> None:
    lost = journal.record_request(kite("lost"), base_url=URL, simulated=True)
    journal.record_unknown_outcome(lost, "the create timed out after 60 s; not resent")
    refused = journal.record_request(kite("refused"), base_url=URL, simulated=True)
    journal.record_refused(refused, "moderation refused the prompt", code="400")
    known = journal.record_request(kite("known"), base_url=URL, simulated=True)
    journal.record_task(known, Task(id="k", status="pending"))
    journal.record_unknown_outcome(known, "should not apply")
    journal.record_refused(refused, "again")  # refused is terminal

    by_id = {e.id: e for e in journal.entries()}
    assert by_id[lost].status == "unknown_outcome"
    assert by_id[lost].error_message == "the create timed out after 60 s; not resent"
    assert not by_id[lost].is_terminal
    assert (by_id[refused].status, by_id[refused].error_code) == ("refused", "400")
    assert by_id[refused].error_message == "moderation refused the prompt"
    assert by_id[refused].is_terminal
    assert by_id[known].status == "pending" and by_id[known].error_message is None
    assert [e.id for e in journal.entries(status="unknown_outcome")] == [lost]
    # A lost answer has no task to poll: resume cannot re-attach to it.
    assert lost not in {e.id for e in journal.unfinished()}


def test_unfinished(journal: Journal, clock: Clock) -> None:
    request = kite()
    running = journal.record_request(request, base_url=URL, simulated=True)
    journal.record_task(running, Task(id="r", status="in_progress", progress=0.5))
    clock.now += timedelta(minutes=1)
    other_service = journal.record_request(request, base_url="https://cloud.vtrix.ai", simulated=False)
    journal.record_task(other_service, Task(id="o", status="pending"))
    clock.now += timedelta(minutes=1)
    finished = journal.record_request(request, base_url=URL, simulated=True)
    journal.record_task(finished, completed("f", request))
    journal.record_video(finished, Video.from_task(completed("f", request), request))
    clock.now += timedelta(minutes=1)
    # Completed on the service but the process died before the video was recorded.
    orphan = journal.record_request(request, base_url=URL, simulated=True)
    journal.record_task(orphan, completed("c", request))
    failed = journal.record_request(request, base_url=URL, simulated=True)
    journal.record_task(failed, Task(id="x", status="failed"))
    journal.record_request(request, base_url=URL, simulated=True)  # still "sending": no task id

    assert [e.id for e in journal.unfinished()] == [orphan, other_service, running]
    assert [e.id for e in journal.unfinished(URL)] == [orphan, running]


def test_filters(journal: Journal, clock: Clock) -> None:
    from PIL import Image

    image = load_image(Image.new("RGB", (720, 1280)))
    made: list[tuple[str, VideoRequest]] = []
    for day in range(4):
        clock.now = START + timedelta(days=day)
        request = kite(f"day {day}") if day % 2 == 0 else kite(f"day {day}", size="720x1280", image=image)
        entry_id = journal.record_request(
            request, base_url=URL if day < 3 else "https://other", simulated=True
        )
        task = completed(f"t{day}", request)
        journal.record_task(entry_id, task)
        journal.record_video(entry_id, Video.from_task(task, request))
        made.append((entry_id, request))
    clock.now = START + timedelta(days=5)
    journal.record_task(
        journal.record_request(kite("day 5 failed"), base_url=URL, simulated=True),
        Task(id="t5", status="failed"),
    )

    prompts = lambda entries: [e.prompt for e in entries]  # noqa: E731
    assert prompts(journal.entries()) == ["day 5 failed", "day 3", "day 2", "day 1", "day 0"]
    assert prompts(journal.entries(status="failed")) == ["day 5 failed"]
    assert prompts(journal.entries(status=["failed", "completed"], limit=2)) == ["day 5 failed", "day 3"]
    assert prompts(journal.entries(model="sora_2_pro_i2v")) == ["day 3", "day 1"]
    assert prompts(journal.entries(model="i2v")) == ["day 3", "day 1"]
    assert prompts(journal.entries(model="t2v")) == ["day 5 failed", "day 2", "day 0"]
    assert prompts(journal.entries(model="t%v")) == []  # no wildcard injection
    assert prompts(journal.entries(since=START + timedelta(days=1), until=START + timedelta(days=3))) == [
        "day 2",
        "day 1",
    ]
    assert prompts(journal.entries(since=date(2030, 1, 1))) == []
    assert prompts(journal.entries(until=date(2020, 1, 1))) == []
    assert prompts(journal.entries(base_url="https://other")) == ["day 3"]
    assert [v.prompt for v in journal.videos()] == ["day 3", "day 2", "day 1", "day 0"]
    assert [v.prompt for v in journal.videos(model="i2v", limit=1)] == ["day 3"]
    assert journal.videos(status="failed") == []
    # entries, count, page, iter_entries and History share one filter builder: they agree.
    for filters in (
        {},
        {"status": "failed"},
        {"status": ["failed", "completed"]},
        {"model": "i2v"},
        {"model": "t%v"},
        {"since": START + timedelta(days=1), "until": START + timedelta(days=3)},
        {"base_url": "https://other", "status": "completed"},
        {"status": None, "model": "t2v"},
    ):
        found = journal.entries(**filters)  # type: ignore[arg-type]
        assert journal.count(**filters) == len(found), filters  # type: ignore[arg-type]
        assert list(journal.iter_entries(page=2, **filters)) == found, filters  # type: ignore[arg-type]
        assert journal.page(1, 2, **filters) == found[1:3], filters  # type: ignore[arg-type]
        assert History(journal, **filters).entries() == found, filters  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"unknown journal filter.*colour"):
        journal.entries(colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unknown journal filter"):
        History(journal, colour="red")  # type: ignore[call-arg]


def test_labels(journal: Journal) -> None:
    entry_id = journal.record_request(kite(), base_url=URL, simulated=True)
    journal.set_labels(entry_id, {"favourite": "yes"})
    entry = journal.get(entry_id)
    assert entry is not None and entry.labels == {"favourite": "yes"}
    with pytest.raises(KeyError):
        journal.set_labels("missing", {})


def test_threads_share_one_journal(journal: Journal) -> None:
    request = kite()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                entry_id = journal.record_request(request, base_url=URL, simulated=True)
                journal.record_task(entry_id, Task(id=f"{n}-{i}", status="in_progress", progress=0.1))
                journal.entries(limit=5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(journal.unfinished()) == 80


def test_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    request = kite()
    first = Journal(path)
    entry_id = first.record_request(request, base_url=URL, simulated=True)
    first.record_task(entry_id, Task(id="t", status="in_progress", progress=0.5))
    first.close()
    with Journal(path) as second:
        entries = second.unfinished()
        assert [e.id for e in entries] == [entry_id]
        assert entries[0].progress == 0.5
        assert History(second).unfinished()[0].task_id == "t"
