"""The poll schedule, asserted exactly on simulated time (nothing sleeps)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sora_widgets.transport.poll import (
    Observation,
    PollPolicy,
    PollSchedule,
    next_delay,
    predict_completion,
)


def run_job(
    duration: float, *, policy: PollPolicy | None = None, report_progress: bool = True
) -> list[float]:
    """Poll a simulated job that runs linearly from t=0 to t=duration; return the poll times."""
    schedule = PollSchedule(started=0.0, policy=policy or PollPolicy())
    now = 0.0
    polls = []
    while True:
        polls.append(now)
        if now >= duration:
            return polls
        progress = now / duration if report_progress else None
        schedule.observe(now, progress)
        now += schedule.next_delay(now)


def test_schedule_without_progress_is_fast_then_geometric_then_capped() -> None:
    schedule = PollSchedule(started=0.0)
    now, delays = 0.0, []
    for _ in range(14):
        schedule.observe(now, None)
        delay = schedule.next_delay(now)
        delays.append(round(delay, 4))
        now += delay
    assert delays == [
        1.0,
        1.6,
        2.56,
        4.096,
        6.5536,
        10.4858,
        16.7772,
        20.0,
        20.0,
        20.0,
        20.0,
        20.0,
        20.0,
        20.0,
    ]


def test_predict_completion_is_a_straight_line_through_first_and_latest_sample() -> None:
    assert predict_completion([Observation(10, 0.1), Observation(20, 0.2)]) == pytest.approx(100.0)
    assert predict_completion([Observation(0, 0.0), Observation(5, None), Observation(30, 0.5)]) == 60.0
    assert predict_completion([Observation(0, 0.3)]) is None
    assert predict_completion([Observation(0, 0.3), Observation(9, 0.3)]) is None  # stalled
    assert predict_completion([Observation(0, None), Observation(9, None)]) is None


def test_polls_land_densely_at_the_predicted_end() -> None:
    obs = [Observation(0.0, 0.0), Observation(50.0, 0.5)]  # predicts t=100
    policy = PollPolicy()
    far = next_delay(policy, now=80.0, started=0.0, previous_delay=20.0, observations=obs)
    assert far == pytest.approx(policy.approach * (100.0 - 80.0))
    # Far from a predicted end the pace may stretch past max_interval.
    stretched = next_delay(policy, now=20.0, started=0.0, previous_delay=20.0, observations=obs)
    assert stretched == policy.max_interval_predicted
    landing = next_delay(policy, now=97.7, started=0.0, previous_delay=20.0, observations=obs)
    assert landing == pytest.approx(100.0 - 97.7 - policy.finish_window / 2)
    near = next_delay(policy, now=98.0, started=0.0, previous_delay=20.0, observations=obs)
    assert near == policy.min_interval
    overdue = next_delay(policy, now=105.0, started=0.0, previous_delay=20.0, observations=obs)
    assert overdue == policy.min_interval
    # Far past the prediction it was evidently wrong: back to geometric spacing.
    late = next_delay(policy, now=200.0, started=0.0, previous_delay=10.0, observations=obs)
    assert late == pytest.approx(16.0)


def test_the_fastest_rate_seen_sets_the_prediction() -> None:
    # 0.1 per 10 s at first, then 0.3 per 10 s: the end is predicted at the faster pace.
    obs = [Observation(0, 0.0), Observation(10, 0.1), Observation(20, 0.4)]
    assert predict_completion(obs, rate_span=5) == pytest.approx(40.0)


def test_progress_held_just_below_one_means_the_end_is_imminent() -> None:
    policy = PollPolicy()
    obs = [Observation(0, 0.0), Observation(50, 0.5), Observation(98, 0.99), Observation(130, 0.99)]
    assert next_delay(policy, now=130.0, started=0.0, previous_delay=1.0, observations=obs) == 1.0
    # ... but not forever: after high_progress_grace it backs off again.
    later = next_delay(policy, now=200.0, started=0.0, previous_delay=10.0, observations=obs)
    assert later == pytest.approx(16.0)


def test_server_hint_and_deadline() -> None:
    policy = PollPolicy()
    assert next_delay(policy, now=0.0, started=0.0, previous_delay=None, hint=7.0) == 7.0
    assert next_delay(policy, now=0.0, started=0.0, previous_delay=None, hint=0.2) == 1.0
    assert next_delay(policy, now=99.5, started=0.0, previous_delay=20.0, deadline=100.0) == 0.5
    assert next_delay(policy, now=101.0, started=0.0, previous_delay=20.0, deadline=100.0) == 0.0


def test_a_server_hint_does_not_reset_the_schedules_pace() -> None:
    schedule = PollSchedule(started=0.0)
    schedule.next_delay(10.0)  # fast period over: previous 1.0
    assert schedule.next_delay(10.0, hint=30.0) == 30.0
    assert schedule.next_delay(40.0) == pytest.approx(1.6)


@pytest.mark.parametrize("duration", [30.0, 60.0, 120.0, 240.0, 600.0])
def test_notices_completion_within_a_second(duration: float) -> None:
    polls = run_job(duration)
    assert 0.0 <= polls[-1] - duration <= 1.0 + 1e-9, polls[-6:]


@pytest.mark.parametrize("duration", [120.0, 240.0, 600.0])
def test_multi_minute_jobs_need_far_fewer_polls_than_a_fixed_five_second_loop(duration: float) -> None:
    polls = run_job(duration)
    fixed_polls = math.ceil(duration / 5.0) + 1
    assert len(polls) * 1.5 < fixed_polls, (len(polls), fixed_polls)


def test_exact_schedule_of_a_two_minute_job() -> None:
    assert [round(t, 1) for t in run_job(120.0)] == [
        0.0, 1.0, 46.0, 91.0, 109.8, 116.4, 118.8, 119.8, 120.8,
    ]  # fmt: skip


def test_without_progress_reports_it_still_finishes_and_stays_sparse() -> None:
    polls = run_job(300.0, report_progress=False)
    assert polls[-1] - 300.0 <= PollPolicy().max_interval
    assert len(polls) < 300.0 / 5.0


@given(
    duration=st.floats(min_value=1.0, max_value=3000.0),
    jitter=st.floats(min_value=0.0, max_value=1.0),
)
def test_every_delay_is_within_bounds(duration: float, jitter: float) -> None:
    policy = PollPolicy()
    schedule = PollSchedule(started=0.0, policy=policy, deadline=duration * 2)
    now = 0.0
    for _ in range(200):
        if now >= duration * 2:
            break
        schedule.observe(now, min(1.0, now / duration) * (1 - 0.1 * jitter))
        delay = schedule.next_delay(now)
        assert 0.0 <= delay <= policy.max_interval_predicted
        assert now + delay <= duration * 2 + 1e-9
        if now + policy.min_interval <= duration * 2:
            assert delay >= policy.min_interval - 1e-9
        now += delay
