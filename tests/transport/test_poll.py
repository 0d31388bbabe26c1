"""The poll schedule, asserted exactly on simulated time (nothing sleeps)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sora_widgets.transport.poll import (
    Observation,
    PollPolicy,
    PollSchedule,
    forecast,
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


def test_server_hint_and_deadline() -> None:
    policy = PollPolicy()
    assert next_delay(policy, now=0.0, started=0.0, previous_delay=None, hint=7.0) == 7.0
    assert next_delay(policy, now=0.0, started=0.0, previous_delay=None, hint=0.2) == 1.0
    assert next_delay(policy, now=99.5, started=0.0, previous_delay=20.0, deadline=100.0) == 0.5
    assert next_delay(policy, now=101.0, started=0.0, previous_delay=20.0, deadline=100.0) == 0.0


def run_profile(
    progress_at: Callable[[float], float], duration: float, *, policy: PollPolicy | None = None
) -> list[float]:
    """Poll a job whose progress at time t is progress_at(t) (done at duration); return poll times."""
    schedule = PollSchedule(started=0.0, policy=policy or PollPolicy())
    now = 0.0
    polls = []
    while True:
        polls.append(now)
        if now >= duration:
            return polls
        schedule.observe(now, progress_at(now))
        now += schedule.next_delay(now)


O = Observation  # noqa: E741 - short, reads like the maths


def test_while_queued_the_pace_backs_off_steeply_to_a_cap() -> None:
    schedule = PollSchedule(started=0.0)
    now, delays = 0.0, []
    for _ in range(8):
        schedule.observe(now, None)
        delay = schedule.next_delay(now)
        delays.append(round(delay, 4))
        now += delay
    assert delays == [1.0, 4.0, 16.0, 30.0, 30.0, 30.0, 30.0, 30.0]


def test_predict_completion_extrapolates_the_latest_local_rate() -> None:
    assert predict_completion([O(10, 0.1), O(20, 0.2)]) == pytest.approx(100.0)
    # 0.1 per 10 s, then 0.2 per 10 s: the latest pace decides.
    assert predict_completion([O(0, 0.1), O(10, 0.2), O(20, 0.4)]) == pytest.approx(50.0)
    assert predict_completion([O(0, 0.3)]) is None
    assert predict_completion([O(0, 0.3), O(9, 0.3)]) is None  # stalled
    assert predict_completion([O(0, None), O(9, None)]) is None
    # Progress 0 says nothing about the rate (the render has not started).
    assert predict_completion([O(0, 0.0), O(30, 0.5)]) is None


def test_forecast_widens_with_the_spread_between_recent_rates() -> None:
    steady = forecast([O(0, 0.1), O(10, 0.2), O(20, 0.3)])
    assert steady is not None and steady.steady
    assert (steady.likely, steady.earliest) == pytest.approx((90.0, 20 + 0.7 / 0.016))
    # Rates 0.01/s then 0.02/s disagree by 100%: the earliest end assumes 0.04/s.
    varying = forecast([O(0, 0.1), O(10, 0.2), O(20, 0.4)])
    assert varying is not None and not varying.steady
    assert (varying.likely, varying.earliest) == pytest.approx((50.0, 35.0))
    # Progress held just below 1 carries no rate.
    assert forecast([O(0, 0.5), O(10, 0.99)]) is None


def test_a_distant_end_is_approached_without_passing_its_earliest_plausible_time() -> None:
    policy = PollPolicy()
    obs = [O(0, 0.1), O(10, 0.2), O(20, 0.4)]  # likely 50, earliest 35
    delay = next_delay(policy, now=20.0, started=0.0, previous_delay=4.0, observations=obs)
    assert delay == pytest.approx(policy.approach * 15.0)


def test_a_steady_rate_close_to_its_end_gets_one_poll_just_after_it() -> None:
    policy = PollPolicy()
    obs = [O(74, 0.84), O(80, 0.9), O(86, 0.96)]  # steady 0.01/s over 6 s spans: ends at 90
    delay = next_delay(policy, now=86.0, started=0.0, previous_delay=4.0, observations=obs)
    assert delay == pytest.approx(4.0 + policy.land_after)
    # Still running after that poll: every second for a while, then back off.
    assert next_delay(policy, now=91.0, started=0.0, previous_delay=4.0, observations=obs) == 1.0
    late = next_delay(policy, now=200.0, started=0.0, previous_delay=4.0, observations=obs)
    assert late == pytest.approx(16.0)


def test_a_steady_rate_is_not_extrapolated_further_than_it_was_seen_steady() -> None:
    policy = PollPolicy()
    obs = [O(0, 0.1), O(10, 0.2), O(20, 0.3)]  # steady, but the end (90) is 70 s away
    delay = next_delay(policy, now=20.0, started=0.0, previous_delay=4.0, observations=obs)
    assert delay == pytest.approx(policy.approach * (20 + 0.7 / 0.016 - 20.0))


def test_a_late_first_sample_is_followed_up_before_the_task_could_end() -> None:
    policy = PollPolicy()
    # No progress at t=20, 0.7 at t=50: started after 20, so it may end within 30 * 0.3 / 0.7 s.
    obs = [O(0, None), O(20, None), O(50, 0.7)]
    delay = next_delay(policy, now=50.0, started=0.0, previous_delay=16.0, observations=obs)
    assert delay == pytest.approx(policy.approach * (0.3 * 30 / 0.7) / (1 + policy.min_spread))
    # An early first sample waits second_sample for the rate.
    early = [O(0, None), O(20, None), O(50, 0.05)]
    assert next_delay(policy, now=50.0, started=0.0, previous_delay=16.0, observations=early) == 25.0


def test_progress_held_just_below_one_means_the_end_is_imminent() -> None:
    policy = PollPolicy()
    obs = [O(0, 0.0), O(50, 0.5), O(98, 0.99), O(130, 0.99)]
    assert next_delay(policy, now=130.0, started=0.0, previous_delay=1.0, observations=obs) == 1.0
    # ... but not forever: after high_progress_grace it backs off again.
    later = next_delay(policy, now=200.0, started=0.0, previous_delay=10.0, observations=obs)
    assert later == policy.second_sample  # one rising sample: wait to learn the rate


def test_a_server_hint_does_not_reset_the_schedules_pace() -> None:
    schedule = PollSchedule(started=0.0)
    schedule.next_delay(10.0)  # fast period over: previous 1.0
    assert schedule.next_delay(10.0, hint=30.0) == 30.0
    assert schedule.next_delay(40.0) == pytest.approx(4.0)


def test_exact_schedule_of_a_two_minute_job() -> None:
    assert [round(t, 2) for t in run_job(120.0)] == [0.0, 1.0, 5.0, 69.69, 97.99, 120.35]


@pytest.mark.parametrize("speedup", [1.0, 1.3, 1.6, 2.5])
def test_a_render_that_speeds_up_near_the_end_is_still_noticed_within_a_second(speedup: float) -> None:
    # Guaranteed up to a speed-up of 1 + min_spread over the fastest recent rate; beyond that
    # (say 4x after 90 s of steady progress) a late notice is possible by design.
    # Slow for the first 150 s (to 0.6), then `speedup` times faster over the rest.
    slow = 0.6 / 150.0
    duration = 150.0 + 0.4 / (slow * speedup)

    def progress(t: float) -> float:
        return min(0.99, slow * t if t < 150.0 else 0.6 + slow * speedup * (t - 150.0))

    polls = run_profile(progress, duration)
    assert 0.0 <= polls[-1] - duration <= 1.0 + 1e-9, polls[-6:]
    assert len(polls) < duration / 5.0 / 2, polls


@pytest.mark.parametrize("duration", [30.0, 60.0, 120.0, 240.0, 600.0])
def test_notices_completion_within_a_second(duration: float) -> None:
    polls = run_job(duration)
    assert 0.0 <= polls[-1] - duration <= 1.0 + 1e-9, polls[-6:]


@pytest.mark.parametrize("duration", [120.0, 240.0, 600.0])
def test_multi_minute_jobs_need_far_fewer_polls_than_a_fixed_five_second_loop(duration: float) -> None:
    polls = run_job(duration)
    fixed_polls = math.ceil(duration / 5.0) + 1
    assert len(polls) * 1.5 < fixed_polls, (len(polls), fixed_polls)


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
