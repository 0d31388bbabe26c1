"""The task state machine: merge_update's invariants, including a property test over any sequence."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from sora_widgets.models.task import Phase, Task, TaskError, merge_update, normalize_status


def test_terminal_stays_terminal() -> None:
    done = Task(id="t", status="completed", progress=1.0)
    assert merge_update(done, Task(id="t", status="in_progress", progress=0.2)) is done
    failed = Task(id="t", status="failed", error=TaskError("002999095", "x"))
    assert merge_update(failed, Task(id="t", status="completed")) is failed


def test_progress_never_goes_backwards_and_completed_is_one() -> None:
    first = Task(id="t", status="in_progress", progress=0.6)
    lagging = merge_update(first, Task(id="t", status="in_progress", progress=0.4))
    assert lagging.progress == 0.6
    missing = merge_update(first, Task(id="t", status="in_progress", progress=None))
    assert missing.progress == 0.6
    assert merge_update(first, Task(id="t", status="completed")).progress == 1.0
    assert merge_update(None, Task(id="t", status="completed", progress=0.3)).progress == 1.0


def test_fields_a_poll_omits_are_kept() -> None:
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)
    first = Task(id="t", model="sora_2_pro_t2v", status="pending", created_at=created)
    later = merge_update(first, Task(id="t", status="in_progress", progress=0.1))
    assert later.model == "sora_2_pro_t2v"
    assert later.created_at == created


def test_a_different_task_replaces() -> None:
    other = Task(id="u", status="pending")
    assert merge_update(Task(id="t", status="completed"), other) is other


def test_normalize_status() -> None:
    assert normalize_status(" Succeeded ") == "completed"
    assert normalize_status("") == "unknown"
    assert normalize_status("Paused") == "paused"
    assert Phase.SUCCEEDED.terminal and not Phase.UNKNOWN.terminal


STATUSES = st.sampled_from(
    ["pending", "queued", "in_progress", "processing", "completed", "failed", "paused"]
)
UPDATES = st.lists(
    st.builds(
        lambda s, p: Task(id="t", status=normalize_status(s), progress=p),
        STATUSES,
        st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0)),
    ),
    max_size=30,
)


@given(UPDATES)
def test_any_sequence_of_polls_keeps_the_invariants(updates: list[Task]) -> None:
    state: Task | None = None
    for update in updates:
        before = state
        state = merge_update(state, update)
        if before is not None and before.is_terminal:
            assert state is before  # terminal stays terminal
        if before is not None and state.phase is not Phase.FAILED and before.progress is not None:
            assert state.progress is not None and state.progress >= before.progress  # never backwards
        if state.phase is Phase.SUCCEEDED:
            assert state.progress == 1.0
    if state is not None and any(u.is_terminal for u in updates):
        first_terminal = next(u for u in updates if u.is_terminal)
        assert state.status == first_terminal.status
