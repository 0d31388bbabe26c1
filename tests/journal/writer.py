"""A separate process that writes to a journal: run by the concurrency and restart tests.

usage: python writer.py DB WORKER COUNT SHARED_ENTRY_ID GO_FILE [--die]

Waits until GO_FILE exists (so all writers start together), then for COUNT rounds records a
request, its task, progress and a video, and pushes a progress value onto the shared entry.
With --die it records one request and task, then kills itself without closing anything.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from decimal import Decimal
from pathlib import Path

from sora_widgets.journal import Journal
from sora_widgets.models import Task, Usage, Video, VideoAsset, VideoRequest


def main() -> None:
    db, worker, count, shared, go = sys.argv[1:6]
    die = "--die" in sys.argv
    journal = Journal(db)
    while not Path(go).exists():
        time.sleep(0.005)
    rng = random.Random(int(worker))
    if die:
        request = VideoRequest(f"worker {worker} dies mid-poll", size="1280x720", seconds=8)
        entry_id = journal.record_request(request, base_url="http://127.0.0.1:1", simulated=True)
        journal.record_task(entry_id, Task(id=f"task-die-{worker}", status="in_progress", progress=0.4))
        print(entry_id, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    for i in range(int(count)):
        request = VideoRequest(f"worker {worker} round {i}", size="720x1280", seconds=4)
        entry_id = journal.record_request(
            request, base_url="http://127.0.0.1:1", simulated=True, labels={"worker": worker}
        )
        task_id = f"task-{worker}-{i}"
        journal.record_task(entry_id, Task(id=task_id, status="pending"))
        journal.record_task(entry_id, Task(id=task_id, status="in_progress", progress=0.5))
        done = Task(
            id=task_id,
            model=request.model,
            status="completed",
            assets=(VideoAsset(url=f"https://cdn.example/{task_id}.mp4", size_bytes=1000),),
            usage=Usage(cost=Decimal("1.20")),
        )
        journal.record_task(entry_id, done)
        journal.record_video(entry_id, Video.from_task(done, request, simulated=True))
        journal.record_task(
            shared, Task(id="shared-task", status="in_progress", progress=rng.random() * 0.98)
        )
    journal.close()


if __name__ == "__main__":
    main()
