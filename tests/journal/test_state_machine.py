"""Hypothesis drives random task updates into the journal and checks its invariants."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sora_widgets.journal import Journal
from sora_widgets.models import Task, TaskError, Video, VideoRequest

STATUSES = ["pending", "queued", "in_progress", "processing", "completed", "failed", "mystery"]
TERMINAL = {"completed", "failed", "refused"}


class JournalMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._dir = tempfile.TemporaryDirectory()
        self.journal = Journal(Path(self._dir.name) / "j.sqlite3")
        self.request = VideoRequest("a kite", size="1280x720", seconds=4)
        self.entry_id = self.journal.record_request(self.request, base_url="x", simulated=True)
        self.history: list[tuple[str, float | None]] = []
        self.sent = False

    @rule(status=st.sampled_from(STATUSES), progress=st.none() | st.floats(0, 1))
    def poll(self, status: str, progress: float | None) -> None:
        from sora_widgets.models import normalize_status

        error = TaskError("002999095", "boom") if status == "failed" else None
        self.journal.record_task(
            self.entry_id, Task(id="t", status=normalize_status(status), progress=progress, error=error)
        )
        self.sent = True

    @precondition(lambda self: not self.sent)
    @rule(kind=st.sampled_from(["unknown", "refused"]))
    def lost(self, kind: str) -> None:
        if kind == "unknown":
            self.journal.record_unknown_outcome(self.entry_id, "lost")
        else:
            self.journal.record_refused(self.entry_id, "no", code="400")

    @rule()
    def video(self) -> None:
        video = Video(task_id="t", model=self.request.model, prompt="a kite", size="1280x720", seconds=4)
        entry = self.journal.get(self.entry_id)
        assert entry is not None
        if entry.status == "refused":
            return
        self.journal.record_video(self.entry_id, video)
        self.sent = True

    @rule()
    def reopen(self) -> None:
        path = self.journal.path
        self.journal.close()
        self.journal = Journal(path)

    @invariant()
    def rules_hold(self) -> None:
        entry = self.journal.get(self.entry_id)
        assert entry is not None
        if self.history:
            last_status, last_progress = self.history[-1]
            if last_status in TERMINAL:
                assert entry.status == last_status
            if last_progress is not None and entry.status != "failed":
                assert entry.progress is not None and entry.progress >= last_progress
        if entry.status == "completed":
            assert entry.progress == 1.0
        self.history.append((entry.status, entry.progress))

    def teardown(self) -> None:
        self.journal.close()
        self._dir.cleanup()


JournalMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=15, deadline=None)
TestJournalMachine = JournalMachine.TestCase
