"""Several real processes writing one journal at once, and a process killed mid-poll."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sora_widgets.journal import Journal
from sora_widgets.models import Task, VideoRequest

WRITER = Path(__file__).with_name("writer.py")


def start(db: Path, worker: int, count: int, shared: str, go: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(db), str(worker), str(count), shared, str(go), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite3"
    go = tmp_path / "go"
    with Journal(db) as journal:
        shared = journal.record_request(
            VideoRequest("shared by every writer", size="1280x720", seconds=4), base_url="x", simulated=True
        )
        journal.record_task(shared, Task(id="shared-task", status="in_progress", progress=0.99))
    workers, count = 4, 25
    procs = [start(db, w, count, shared, go) for w in range(workers)]
    go.touch()  # all writers start together
    try:
        results = [(proc.communicate(timeout=120)[1], proc.returncode) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    for err, code in results:
        assert code == 0, err

    with Journal(db) as journal:
        entries = journal.entries()
        done = [e for e in entries if e.id != shared]
        assert len(done) == workers * count
        assert {e.task_id for e in done} == {f"task-{w}-{i}" for w in range(workers) for i in range(count)}
        assert all(e.status == "completed" and e.progress == 1.0 and e.video is not None for e in done)
        assert {e.labels["worker"] for e in done} == {str(w) for w in range(workers)}
        assert len(journal.videos()) == workers * count
        # Every writer pushed a lower progress onto the shared entry: it never went backwards.
        shared_entry = journal.get(shared)
        assert shared_entry is not None and shared_entry.progress == 0.99
        for entry in done:
            statuses = [status for _, status, _, _ in journal.events(entry.id)]
            assert statuses == ["sending", "pending", "in_progress", "completed"]


def test_process_killed_mid_poll_is_found_after_restart(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite3"
    go = tmp_path / "go"
    go.touch()
    proc = start(db, 7, 0, "-", go, "--die")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == -9, err  # SIGKILL: no close, no cleanup
    entry_id = out.strip()
    with Journal(db) as journal:  # the "restarted kernel"
        unfinished = journal.unfinished()
        assert [e.id for e in unfinished] == [entry_id]
        assert unfinished[0].task_id == "task-die-7"
        assert unfinished[0].progress == 0.4
        assert unfinished[0].prompt == "worker 7 dies mid-poll"
