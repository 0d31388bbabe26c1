"""A hypothesis state machine over create, poll, fault, client restart and simulator restart.

Against the real in-process simulator and a real journal it checks what the durability issue
promises: at most one billed task per request, terminal states stay terminal, progress never
goes backwards, and after a final resume every completed task has a verified local file.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from sora_widgets.client import SoraClient
from sora_widgets.errors import SoraError, UnknownOutcomeError
from sora_widgets.journal import Journal
from sora_widgets.models.video import Video
from sora_widgets.simulator import Simulator

KEY = "sk-statemachine-canary-0001"
FAULTS = [
    "",
    "[sim:poll=503x2][sim:retry_after=0.05]",
    "[sim:http=429x1][sim:retry_after=0.05]",
    "[sim:malformed]",
    "[sim:unknown]",
    "[sim:fail]",
    "[sim:lose]",
    "[sim:expire]",
    "[sim:truncate]",
]
TERMINAL = {"completed", "failed"}


def _simulator(state_dir: Path) -> Simulator:
    """The machine checks billing, states and files, never pixels: videos are drawn at a quarter."""
    return Simulator(speed="instant", state_dir=state_dir, render_scale=0.25)


class Durability(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="sora-sm-"))
        self.sim = _simulator(self.root / "sim")
        self.journal = Journal(self.root / "journal.sqlite3")
        self.client = self._client()
        self.requests_sent = 0
        self.seen_status: dict[str, str] = {}
        self.seen_progress: dict[str, float] = {}

    def _client(self) -> SoraClient:
        return SoraClient(KEY, connect=self.sim, journal=self.journal, download_dir=self.root / "videos")

    @initialize(faults=st.lists(st.sampled_from(FAULTS), min_size=1, max_size=3))
    def first_requests(self, faults: list[str]) -> None:
        for n, fault in enumerate(faults):
            self.create(fault, n)

    @rule(fault=st.sampled_from(FAULTS), n=st.integers(min_value=0, max_value=3))
    def create(self, fault: str, n: int) -> None:
        self.requests_sent += 1
        try:
            self.client.create_sync(prompt=f"A paper boat, take {n} {fault}".strip())
        except UnknownOutcomeError:
            pass
        except SoraError:
            pass

    @rule(data=st.data())
    def poll(self, data: st.DataObject) -> None:
        ids = [e.task_id for e in self.journal.entries() if e.task_id]
        if not ids:
            return
        task_id = data.draw(st.sampled_from(sorted(ids)))
        try:
            task = self.client.get_sync(task_id)
        except SoraError:
            return
        before = self.seen_status.get(task_id)
        if before in TERMINAL:
            assert task.status == before, f"{task_id} went from {before} to {task.status}"
        self.seen_status[task_id] = task.status
        if task.progress is not None and task.status not in TERMINAL:
            assert task.progress >= self.seen_progress.get(task_id, 0.0) - 1e-9
            self.seen_progress[task_id] = task.progress

    @rule()
    def restart_client(self) -> None:
        self.client.close()
        self.journal.close()
        self.journal = Journal(self.root / "journal.sqlite3")
        self.client = self._client()

    @rule()
    def restart_simulator(self) -> None:
        self.client.close()
        self.sim.close()
        self.sim = _simulator(self.root / "sim")
        self.client = self._client()

    @invariant()
    def never_billed_twice(self) -> None:
        assert self.sim.ledger.created(KEY) <= self.requests_sent
        task_ids = [e.task_id for e in self.journal.entries() if e.task_id]
        assert len(task_ids) == len(set(task_ids))

    def teardown(self) -> None:
        try:
            results = self.client.resume_sync()
            for result in results:
                assert isinstance(result.video, Video) or isinstance(result.error, SoraError)
            for entry in self.journal.entries():
                assert entry.status not in ("sending",)
                if entry.status == "completed":
                    assert entry.video is not None and entry.video.path is not None
                    head = Path(entry.video.path).read_bytes()[:12]
                    assert head[4:8] == b"ftyp"
                if entry.task_id is None:
                    assert entry.status in ("unknown_outcome", "refused")
            assert self.journal.unfinished() == []
            assert self.sim.ledger.created(KEY) <= self.requests_sent
        finally:
            self.client.close()
            self.journal.close()
            self.sim.close()
            shutil.rmtree(self.root, ignore_errors=True)


TestDurability = pytest.mark.slow(Durability.TestCase)
TestDurability.settings = settings(
    max_examples=8,
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
