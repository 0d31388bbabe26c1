"""The poll schedule, asserted exactly on simulated time (nothing sleeps)."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sora_widgets.transport.poll import (
    Observation,
    PollPolicy,
    PollSchedule,
    forecast,
    longest_sleep,
    next_delay,
    predict_completion,
)

O = Observation  # noqa: E741 - short, reads like the maths
POLICY = PollPolicy()


def run_profile(
    progress_at: Callable[[float], float | None], duration: float, *, policy: PollPolicy | None = None
) -> list[float]:
    """Poll a job whose progress at time t is progress_at(t) (done at duration); return poll times."""
    schedule = PollSchedule(started=0.0, policy=policy or POLICY)
    now = 0.0
    polls = []
    while True:
        polls.append(now)
        if now >= duration:
            return polls
        schedule.observe(now, progress_at(now))
        now += schedule.next_delay(now)
        assert len(polls) < 10_000


def run_job(duration: float, *, report_progress: bool = True) -> list[float]:
    """Poll a job that runs linearly from t=0 to t=duration; return the poll times."""
    return run_profile(lambda t: min(0.99, t / duration) if report_progress else None, duration)


# -- the evidence bound, written out independently of the implementation ----------------------


def evidence_bound(seen: list[Observation], policy: PollPolicy = POLICY) -> float:
    """The longest sleep allowed after these observations (the bound the schedule promises).

    Written from the rule, not from poll.py: progress 0 while queued says nothing (the queued
    interval); no rate yet, nothing at all, or a value held just below 1 allow the blind
    interval; otherwise trust is 1.5x the span over which progress was seen rising (at most
    max_interval), and every second since it last rose (polls that saw nothing new) uses it up.
    A service that has been seen to skip reports (k polls without progress between two reports)
    may skip up to k in a row again: while the polls since the last report are no more than
    the most it skipped before, the clock of used-up trust stops at that last report.
    """
    rising: list[tuple[float, float]] = []  # (time, progress) of each new highest value in (0, near_done)
    for o in seen:
        p = o.progress
        if p is None or not 0.0 < p < policy.near_done:
            continue
        if not rising or (p > rising[-1][1] and o.at > rising[-1][0]):
            rising.append((o.at, p))
    numeric = [o.progress for o in seen if o.progress is not None]
    if numeric and numeric[-1] <= 0.0 and not rising:
        return policy.queued_interval
    if len(rising) < 2 or (numeric and numeric[-1] >= policy.near_done):
        return policy.blind_interval
    trust = min(policy.max_interval, policy.horizon * (rising[-1][0] - rising[0][0]))
    reported = [i for i, o in enumerate(seen) if o.progress is not None]
    skipped_before = max((b - a - 1 for a, b in itertools.pairwise(reported)), default=0)
    skipping_now = len(seen) - 1 - reported[-1]
    until = seen[reported[-1]].at if skipping_now <= skipped_before else seen[-1].at
    return max(policy.blind_interval, trust - (until - rising[-1][0]))


def test_the_oracle_states_the_numbers_of_the_defaults() -> None:
    # The knobs the oracle reads are the documented ones: 15 s queued, 5 s blind, 1.5x, 30 s.
    assert (POLICY.queued_interval, POLICY.blind_interval, POLICY.horizon, POLICY.max_interval) == (
        15.0,
        5.0,
        1.5,
        30.0,
    )
    assert evidence_bound([O(0, 0.1), O(10, 0.2), O(12, None), O(14, 0.2)]) == pytest.approx(15.0 - 4.0)


progress_values = st.one_of(
    st.none(),
    st.just(0.0),
    st.floats(min_value=0.0, max_value=0.999, allow_nan=False),
    st.sampled_from([0.25, 0.5, 0.75, 0.95, 0.985, 0.99]),  # steps and holds repeat exact values
)


@settings(max_examples=200, deadline=None)
@given(
    samples=st.lists(
        st.tuples(st.floats(min_value=0.01, max_value=120.0), progress_values), min_size=1, max_size=40
    ),
)
def test_no_sleep_is_longer_than_the_evidence_supports(samples: list[tuple[float, float | None]]) -> None:
    now, seen = 0.0, []
    for gap, progress in samples:
        now += gap
        seen.append(O(now, progress))
        bound = evidence_bound(seen)
        assert longest_sleep(POLICY, seen) == pytest.approx(bound)
        delay = next_delay(POLICY, now=now, started=0.0, observations=seen)
        assert POLICY.fast_interval - 1e-9 <= delay <= bound + 1e-9, (seen[-6:], delay, bound)


@settings(max_examples=60, deadline=None)
@given(
    length=st.floats(min_value=5.0, max_value=1200.0),
    knots=st.lists(progress_values, min_size=1, max_size=30),
)
def test_on_any_progress_curve_each_sleep_is_bounded_by_what_was_seen(
    length: float, knots: list[float | None]
) -> None:
    # A job of any length whose reported progress follows arbitrary values (noisy, repeated,
    # falling, missing): each sleep while it runs is at most the evidence bound, so the end is
    # noticed within that bound of the last poll before it.
    def progress_at(t: float) -> float | None:
        return knots[min(len(knots) - 1, int(len(knots) * t / length))]

    schedule = PollSchedule(started=0.0)
    now = 0.0
    while now < length:
        schedule.observe(now, progress_at(now))
        delay = schedule.next_delay(now)
        bound = evidence_bound(schedule.observations)
        assert delay <= bound + 1e-9
        if now + delay >= length:
            assert now + delay - length <= bound
        now += delay


# -- the failures reported in issue 13 --------------------------------------------------------


def test_an_early_noisy_value_is_not_trusted_as_a_clock() -> None:
    # Two early polls see a creeping value (noise around 0): the old schedule predicted an end
    # 20+ minutes away from it and slept 60-90 s. Two samples 4 s apart support ~6 s, no more.
    obs = [O(0, 0.0), O(1, 0.001), O(5, 0.002)]
    assert next_delay(POLICY, now=5.0, started=0.0, observations=obs) <= 1.5 * 4.0
    # ... and trust grows with the span it is earned over.
    later = [*obs, O(11, 0.02), O(20, 0.05)]
    assert longest_sleep(POLICY, later) == pytest.approx(1.5 * 19.0)


def test_while_queued_at_zero_the_pace_backs_off_to_a_bounded_interval() -> None:
    schedule = PollSchedule(started=0.0)
    now, delays = 0.0, []
    for _ in range(8):
        schedule.observe(now, 0.0)
        delay = schedule.next_delay(now)
        delays.append(round(delay, 4))
        now += delay
    assert delays == [1.0, 1.5, 3.75, 9.375, 15.0, 15.0, 15.0, 15.0]


def test_without_any_progress_the_pace_is_the_fixed_loops() -> None:
    polls = run_job(300.0, report_progress=False)
    gaps = [b - a for a, b in itertools.pairwise(polls)]
    assert gaps[:3] == [1.0, 1.5, 3.75]
    assert all(g == 5.0 for g in gaps[3:])
    assert polls[-1] - 300.0 <= 5.0


def test_a_queued_job_that_starts_is_followed_up_before_it_could_end() -> None:
    # No progress at t=20, 0.7 at t=35: started after 20, so it may end within 15 * 0.3 / 0.7 s.
    obs = [O(0, 0.0), O(20, 0.0), O(35, 0.7)]
    delay = next_delay(POLICY, now=35.0, started=0.0, observations=obs)
    assert delay == pytest.approx(POLICY.approach * (0.3 * 15 / 0.7) / (1 + POLICY.min_spread))


# -- smooth progress -----------------------------------------------------------------------------


def test_server_hint_and_deadline() -> None:
    assert next_delay(POLICY, now=0.0, started=0.0, hint=7.0) == 7.0
    assert next_delay(POLICY, now=0.0, started=0.0, hint=0.2) == 1.0
    assert next_delay(POLICY, now=99.5, started=0.0, deadline=100.0) == 0.5
    assert next_delay(POLICY, now=101.0, started=0.0, deadline=100.0) == 0.0


def test_predict_completion_follows_the_fitted_trend() -> None:
    assert predict_completion([O(10, 0.1), O(20, 0.2)]) == pytest.approx(100.0)
    # A line through the latest samples (least squares): 0.015/s, at 0.3833 at t=20.
    assert predict_completion([O(0, 0.1), O(10, 0.2), O(20, 0.4)]) == pytest.approx(
        20 + (1 - 0.7 / 3 - 0.15) / 0.015
    )
    assert predict_completion([O(0, 0.3)]) is None
    assert predict_completion([O(0, 0.3), O(9, 0.3)]) == math.inf  # no rising trend: no end in sight
    assert predict_completion([O(0, None), O(9, None)]) is None
    # Progress 0 says nothing about the rate (the render has not started).
    assert predict_completion([O(0, 0.0), O(30, 0.5)]) is None


def test_noise_averages_out_of_the_trend() -> None:
    # A 200 s line reported with +-0.02 noise, polled every 10 s: the last two samples alone
    # (0.73 then 0.82) would put the end 20 s early; the fitted trend is within 10 s.
    seen = [O(t, t / 200 + (0.02 if i % 2 else -0.02)) for i, t in enumerate(range(130, 161, 10))]
    last_pair = 160 + (1 - 0.82) / ((0.82 - 0.73) / 10)
    assert abs(last_pair - 200.0) >= 20.0
    likely = predict_completion(seen)
    assert likely is not None and abs(likely - 200.0) < 10.0


def test_forecast_allows_a_faster_rate_and_a_level_off_by_the_noise() -> None:
    fc = forecast([O(0, 0.1), O(10, 0.2), O(20, 0.3)])
    assert fc is not None and not fc.flat and not fc.jump
    # 0.01/s raised by min_spread; the level may be level_sd standard errors low (the fitted
    # level at the latest of three samples 10 s apart: noise floor * sqrt(1/3 + 10^2/200)).
    low = POLICY.level_sd * POLICY.min_noise * math.sqrt(1 / 3 + 100 / 200)
    assert (fc.likely, fc.earliest) == pytest.approx(
        (90.0, 20 + (0.7 - low) / (0.01 * (1 + POLICY.min_spread)))
    )
    # Steady (three agreeing local rates) and no further away than it was seen steady: exact.
    steady = forecast([O(60, 0.6), O(70, 0.7), O(80, 0.8), O(90, 0.9)])
    assert steady is not None and steady.earliest == pytest.approx(steady.likely) == pytest.approx(100.0)
    # Progress held just below 1 carries no rate.
    assert forecast([O(0, 0.5), O(10, 0.99)]) is None


def test_a_stage_that_restarts_starts_a_new_trend() -> None:
    # 0 -> 0.6 over 60 s, then back to 0.2 and on at 0.02/s: the old samples say nothing now.
    seen = [O(t, t / 100) for t in range(10, 61, 10)] + [O(65, 0.2), O(70, 0.3), O(75, 0.4)]
    assert predict_completion(seen) == pytest.approx(75 + 0.6 / 0.02)
    # Right after the fall (two low samples, no rate yet): no end in sight, and none ruled out.
    fc = forecast(seen[:-2])
    assert fc is not None and fc.flat and fc.likely == math.inf
    assert next_delay(POLICY, now=65.0, started=0.0, observations=seen[:-2]) <= POLICY.flat_interval


def test_a_distant_end_is_approached_without_passing_its_earliest_plausible_time() -> None:
    obs = [O(0, 0.1), O(10, 0.2), O(20, 0.4), O(30, 0.5)]
    fc = forecast(obs)
    assert fc is not None and not fc.flat
    delay = next_delay(POLICY, now=30.0, started=0.0, observations=obs)
    cap = min(longest_sleep(POLICY, obs), POLICY.young * 30.0)
    assert delay == pytest.approx(min(fc.earliest + POLICY.notice - 30.0, cap))


def test_a_steady_rate_close_to_its_end_gets_one_poll_just_after_it() -> None:
    obs = [O(68, 0.78), O(74, 0.84), O(80, 0.9), O(86, 0.96)]  # steady 0.01/s: ends at 90
    delay = next_delay(POLICY, now=86.0, started=0.0, observations=obs)
    # One poll just after the end: at most land_after late (the end's interval, a band at least
    # min_noise wide about the line, may bring it a little sooner), never before it.
    assert 4.0 < delay <= 4.0 + POLICY.land_after
    # Still running after that poll: densely at first, then in proportion to how overdue.
    assert next_delay(POLICY, now=91.0, started=0.0, observations=obs) == POLICY.min_interval
    assert next_delay(POLICY, now=96.0, started=0.0, observations=obs) == pytest.approx(POLICY.pace * 6.0)
    assert next_delay(POLICY, now=200.0, started=0.0, observations=obs) == POLICY.blind_interval


def test_progress_held_just_below_one_lands_on_the_predicted_end_then_stays_bounded() -> None:
    obs = [O(0, 0.0), O(40, 0.4), O(80, 0.8), O(90, 0.9), O(92, 0.99)]  # 0.01/s before: ends at 100
    # The rate says 8.35 s; held just below 1, trust is bounded to blind_interval.
    assert next_delay(POLICY, now=92.0, started=0.0, observations=obs) == POLICY.blind_interval
    # Closer in: never past the earliest plausible end (0.1 left at 1.45 x 0.01/s) plus notice.
    fc = forecast(obs)
    assert fc is not None and fc.likely == pytest.approx(100.0)
    earliest = fc.earliest
    # The level at t=90 fitted to 40, 80, 90 s (mean 70 s, 1400 s^2 of spread) may be level_sd
    # standard errors low.
    low = POLICY.level_sd * POLICY.min_noise * math.sqrt(1 / 3 + 20**2 / 1400)
    assert earliest == pytest.approx(90.0 + (0.1 - low) / (0.01 * (1 + POLICY.min_spread)))
    assert next_delay(POLICY, now=95.0, started=0.0, observations=obs) == pytest.approx(
        earliest + POLICY.notice - 95.0
    )
    # The end may come sooner than the rate says (earliest plausible end already passed): densely.
    assert next_delay(POLICY, now=98.0, started=0.0, observations=obs) == POLICY.min_interval
    held = [*obs, O(100.35, 0.99), O(130, 0.99)]
    assert next_delay(POLICY, now=101.0, started=0.0, observations=held) == POLICY.min_interval
    assert next_delay(POLICY, now=130.0, started=0.0, observations=held) == POLICY.blind_interval
    later = [*held, O(600, 0.99)]
    assert next_delay(POLICY, now=600.0, started=0.0, observations=later) == POLICY.blind_interval


@pytest.mark.parametrize("hold", [3.0, 20.0, 90.0, 600.0])
def test_a_hold_of_any_length_is_noticed_within_the_bounded_interval(hold: float) -> None:
    def progress(t: float) -> float:
        return min(0.99, t / 100.0)

    polls = run_profile(progress, 99.0 + hold)
    assert polls[-1] - (99.0 + hold) <= POLICY.blind_interval


def test_exact_schedule_of_a_two_minute_job() -> None:
    # Fast start, sleeps of half the wait so far while the rate is young, then at most 30 s,
    # then one poll just after the predicted end (the rate is steady; the end's interval, the
    # line's band at the min_noise floor, brings it 0.03 s before likely + land_after).
    assert [round(t, 2) for t in run_job(120.0)] == [
        0.0,
        1.0,
        6.0,
        11.0,
        16.5,
        24.75,
        37.12,
        55.69,
        83.53,
        113.53,
        120.32,
    ]


@pytest.mark.parametrize("duration", [30.0, 60.0, 120.0, 240.0, 600.0])
def test_notices_completion_within_a_second(duration: float) -> None:
    polls = run_job(duration)
    assert 0.0 <= polls[-1] - duration <= 1.0 + 1e-9, polls[-6:]


@pytest.mark.parametrize("duration", [120.0, 240.0, 600.0])
def test_multi_minute_jobs_need_less_than_half_the_polls_of_a_fixed_five_second_loop(duration: float) -> None:
    polls = run_job(duration)
    fixed_polls = math.ceil(duration / 5.0) + 1
    assert len(polls) * 2 < fixed_polls, (len(polls), fixed_polls)


@pytest.mark.parametrize("speedup", [1.0, 1.3, 1.45])
def test_a_render_that_speeds_up_near_the_end_is_still_noticed_densely(speedup: float) -> None:
    # Guaranteed up to a speed-up of 1 + min_spread over the fastest recent rate (polls are then
    # at most min_interval apart around the end); beyond that (say 4x after 90 s of steady
    # progress) a later notice is possible by design.
    slow = 0.6 / 150.0
    duration = 150.0 + 0.4 / (slow * speedup)

    def progress(t: float) -> float:
        return min(0.99, slow * t if t < 150.0 else 0.6 + slow * speedup * (t - 150.0))

    polls = run_profile(progress, duration)
    assert 0.0 <= polls[-1] - duration <= POLICY.min_interval + 1e-9, polls[-6:]


# -- progress in steps -------------------------------------------------------------------------


def test_on_the_last_step_the_end_may_come_at_any_moment() -> None:
    # Levels of 0.25, seen flat then jumping: at 0.75 one jump is left, and nothing says when.
    obs = [O(0, 0.0), O(30, 0.25), O(40, 0.25), O(60, 0.5), O(70, 0.5), O(95, 0.75)]
    assert next_delay(POLICY, now=95.0, started=0.0, observations=obs) == POLICY.step_interval


def test_on_a_level_the_schedule_polls_at_least_every_flat_interval() -> None:
    # Levels of 0.1 every ~20 s, flat at 0.3 for 25 s: the trend before it predicts 0.12 more,
    # so this is a stall or a level, which may end at any moment.
    obs = [O(0, 0.0), O(22, 0.1), O(42, 0.2), O(62, 0.3), O(75, 0.3), O(87, 0.3)]
    fc = forecast(obs)
    assert fc is not None and fc.flat
    assert next_delay(POLICY, now=87.0, started=0.0, observations=obs) <= POLICY.flat_interval


def test_steps_at_irregular_times_are_noticed_within_the_step_interval() -> None:
    times = [0.0, 40.0, 55.0, 110.0, 130.0, 190.0, 200.0]  # level i from times[i]; ends at 200

    def progress(t: float) -> float:
        return sum(1 for s in times[1:-1] if t >= s) / 6

    polls = run_profile(progress, 200.0)
    assert polls[-1] - 200.0 <= POLICY.step_interval + 1e-9
    assert len(polls) < 200.0 / 5.0


# -- the neighbours of issue 27 (each failed the 5 s promise before) ------------------------------


def _noise(seed: int, t: float, sd: float) -> float:
    # Deterministic noise: a function of the poll's time, like the benchmark's.
    return random.Random(f"{seed}:{t:.3f}").gauss(0.0, sd)


def test_noisy_four_level_steps_are_noticed_within_five_seconds_at_p95() -> None:
    # Four levels (0, 0.25, 0.5, 0.75) at irregular times, reported with 3 % noise; the last
    # jump is the end. Before: 9 of these 20 jobs were noticed more than 5 s late (up to 65 s).
    late = []
    for seed in range(20):
        rng = random.Random(seed)
        length = rng.uniform(90.0, 400.0)
        gaps = [rng.uniform(0.5, 1.5) for _ in range(4)]
        times = [sum(gaps[: i + 1]) / sum(gaps) * length for i in range(4)]

        def progress(t: float, times: list[float] = times, seed: int = seed) -> float:
            level = sum(1 for s in times[:-1] if t >= s) / 4
            return round(min(0.99, max(0.0, level + (_noise(seed, t, 0.03) if level else 0.0))), 4)

        polls = run_profile(progress, length)
        late.append(polls[-1] - length)
    assert sum(d > POLICY.blind_interval for d in late) <= 1 and max(late) < 10.0, sorted(late)


def _stalling(length: float, at: float, until: float, speed: float, seed: int) -> Callable[[float], float]:
    back = (speed * until - at) / (speed - 1)  # back on the line

    def progress(t: float) -> float:
        x = t / length
        p = x if x < at else at if x < until else at + speed * (x - until) if x < back else x
        return round(min(0.99, max(0.0, p + _noise(seed, t, 0.01))), 4)

    return progress


def test_stalls_that_end_in_a_catch_up_are_noticed_within_five_seconds_at_p95() -> None:
    # Jobs of 1-2.7 min on a line that stalls at 15 % or 30 % until half or 70 % of the job,
    # then catches up at 4x or 15x until back on the line (the end is where the line says),
    # reported with 1 % noise. Before: 4 of these 24 were noticed 10-44 s late.
    late = []
    grid = itertools.product((60.0, 100.0, 160.0), (0.15, 0.3), (0.5, 0.7), (4.0, 15.0))
    for seed, (length, at, until, speed) in enumerate(grid):
        polls = run_profile(_stalling(length, at, until, speed, seed), length)
        late.append(polls[-1] - length)
    assert sum(d > POLICY.blind_interval for d in late) <= 1, sorted(late)


def test_progress_seen_only_every_few_polls_uses_up_trust() -> None:
    # Progress rose for 40 s (trust: 30 s), then three polls saw nothing: each one used trust
    # up, so the schedule is back to the blind interval rather than sleeping on stale evidence.
    obs = [O(0, 0.0), O(5, 0.05), O(25, 0.25), O(45, 0.45), O(60, None), O(66, None), O(72, None)]
    assert longest_sleep(POLICY, obs) == POLICY.blind_interval
    assert next_delay(POLICY, now=72.0, started=0.0, observations=obs) <= POLICY.blind_interval


def test_a_service_seen_to_report_every_third_poll_keeps_its_trust_for_two_silent_polls() -> None:
    # Two polls without progress between reports, then two again after the latest rise: that
    # is the service's rhythm, not staleness, so trust still runs from the latest report (45 s,
    # 30 s of trust, less the 0 s since); a third silent poll starts using it up again.
    obs = [O(0, 0.01), O(5, None), O(10, None), O(15, 0.15), O(30, 0.3), O(45, 0.45), O(50, None)]
    assert longest_sleep(POLICY, [*obs, O(55, None)]) == pytest.approx(30.0)
    assert longest_sleep(POLICY, [*obs, O(55, None), O(60, None)]) == pytest.approx(30.0 - 15.0)


def test_silent_polls_after_a_zero_are_not_a_queue() -> None:
    # 0 at the create answer, then polls without progress: a service that reports now and then
    # may be running already, so the pace stays within the blind interval, not the queued one.
    obs = [O(0, 0.0), O(1, None), O(2.5, None), O(6.25, None), O(15.6, None)]
    assert next_delay(POLICY, now=15.6, started=0.0, observations=obs) <= POLICY.blind_interval
    assert next_delay(POLICY, now=15.6, started=0.0, observations=[*obs[:-1], O(15.6, 0.0)]) > 5.0


def test_dense_polls_near_the_end_keep_the_trend_of_the_whole_stretch() -> None:
    # A 200 s line with 2 % noise, polled every 10 s and then every 1.2 s near its end: the last
    # four samples span under 4 s and may fall by noise; the trend is still the stretch's, so
    # the end keeps its place instead of turning into "no end in sight".
    rng = random.Random(5)
    times = [*range(10, 181, 10), 181.2, 182.4, 183.6]
    obs = [O(t, round(t / 200 + rng.gauss(0, 0.02), 4)) for t in times]
    obs[-3:] = [O(181.2, 0.93), O(182.4, 0.915), O(183.6, 0.9)]  # the noise happens to fall
    fc = forecast(obs)
    assert fc is not None and 190.0 < fc.likely < 215.0


def test_an_s_curves_fast_middle_is_no_jump() -> None:
    # Polled every 10 s, an S-curve rises 0.19 between two polls in its middle: faster than its
    # mean rate, but as fast as the intervals next to it. That is no jump, so at 0.9 (what is
    # left is less than that rise) the end is not expected "at any moment".
    def s_curve(t: float) -> float:
        return round(1 / (1 + math.exp(-(t - 60) / 12)), 4)

    obs = [O(t, s_curve(t)) for t in range(10, 91, 10)]
    assert obs[-1].progress is not None and obs[-1].progress > 0.9
    fc = forecast(obs)
    assert fc is not None and not fc.jump
    # A real step (flat before and after) still is one.
    stepped = forecast([O(t, 0.1 if t < 40 else 0.85) for t in range(10, 71, 10)])
    assert stepped is not None and stepped.jump


def test_early_in_a_wait_no_sleep_is_longer_than_half_the_wait() -> None:
    # A clean rate seen over 30 s would allow a 30 s sleep toward an end 70 s away; 36 s into
    # the wait, a fall and a faster restart (a neighbour of this shape) may still come, so the
    # sleep is at most half the wait so far. Later, the cap no longer binds.
    obs = [O(6, 0.06), O(16, 0.16), O(26, 0.26), O(36, 0.36)]
    assert longest_sleep(POLICY, obs) == pytest.approx(30.0)
    assert next_delay(POLICY, now=36.0, started=0.0, observations=obs) == pytest.approx(0.5 * 36.0)
    late = [O(t, t / 1000) for t in range(100, 401, 100)]
    assert next_delay(POLICY, now=400.0, started=0.0, observations=late) == pytest.approx(30.0)


# -- issue 27, second round: noise averaged over the whole straight stretch ------------------------


def test_a_long_straight_stretch_is_fitted_whole_so_noise_averages_out() -> None:
    # A 500 s line polled every 20 s with 3 % noise: a fit to the last four samples puts the end
    # tens of seconds off; the window grows back over every sample consistent with the line.
    whole_errors, last_four_errors = [], []
    for seed in range(6):
        seen = [O(t, round(t / 500 + _noise(seed, t, 0.03), 4)) for t in range(20, 401, 20)]
        whole, last_four = predict_completion(seen), predict_completion(seen, PollPolicy(max_window=4))
        assert whole is not None and last_four is not None
        whole_errors.append(abs(whole - 500.0))
        last_four_errors.append(abs(last_four - 500.0))
    assert sum(whole_errors) / 6 < 15.0 < 30.0 < sum(last_four_errors) / 6, (whole_errors, last_four_errors)


def test_a_bend_stops_the_window() -> None:
    # 0.001/s for 300 s, then 0.004/s: the samples before the bend say nothing about the rate now.
    seen = [O(t, t / 1000) for t in range(30, 301, 30)] + [
        O(t, 0.3 + (t - 300) / 250) for t in (320, 340, 360, 380)
    ]
    assert predict_completion(seen) == pytest.approx(380 + (1 - 0.62) * 250)


def test_a_noisy_low_sample_on_the_last_level_keeps_the_end_possible_at_any_moment() -> None:
    # Levels of 0.25 reported with noise; on the last level one sample reads low. What is left
    # is measured from the level reached (median of three samples), not from that sample.
    levels = {0.25: (30, 35, 40, 45), 0.5: (60, 65, 70, 75), 0.75: (95, 100, 105)}
    obs = [O(0, 0.0)]
    obs += [O(t, level + 0.002 * (i % 2)) for level, ts in levels.items() for i, t in enumerate(ts)]
    obs.append(O(110, 0.72))
    fc = forecast(obs)
    assert fc is not None and fc.jump
    assert next_delay(POLICY, now=110.0, started=0.0, observations=obs) <= POLICY.step_interval


def test_a_stall_far_from_the_end_is_not_polled_as_if_it_could_end_at_any_moment() -> None:
    # 0.001/s for 100 s, then stuck at 0.1 for 20 s: the end needs 0.9 more, which even catch_up
    # times the fastest proven rate cannot cover in the next flat_interval. The sleep is longer
    # (what trust is left), and never past that soonest end.
    obs = [O(t, t / 1000) for t in range(10, 101, 10)] + [O(110, 0.1), O(120, 0.1)]
    fc = forecast(obs)
    assert fc is not None and fc.flat and not fc.jump
    delay = next_delay(POLICY, now=120.0, started=0.0, observations=obs)
    assert delay == pytest.approx(longest_sleep(POLICY, obs)) == pytest.approx(30 - 20)
    assert POLICY.flat_interval < delay <= fc.resume - 120.0


# -- issue 27, round 4: restarts seen at once, curves that are no steps, stalls that catch up ----


def test_one_sample_far_below_the_line_starts_a_new_trend_at_once() -> None:
    # 0.01/s up to 0.25 at 25 s, then one sample at 0.12 (a stage restarting), then 0.34 at 55 s:
    # the top (a median of three) lags the fall, and two samples in a row below it never come.
    # The run since the fall says 0.22 in 18 s; before, the pre-fall line bent the fit and the
    # end was put at 287 s.
    obs = [O(0, 0.0), *(O(t, t / 100) for t in (5, 10, 15, 20, 25)), O(37, 0.12), O(55, 0.34)]
    fc = forecast(obs)
    assert fc is not None and fc.likely == pytest.approx(55.0 + 0.66 * 18.0 / 0.22)


def test_a_rise_spread_over_the_polls_after_a_fast_stretch_is_no_step() -> None:
    # An S-curve's fast middle seen between two sparse polls looks like a jump (0.1 -> 0.4 in
    # 15 s, faster than either side); the rise goes on after it in small increments, so the
    # end is not one jump away (before: polled every step_interval until the end).
    obs = [
        O(0, 0.0),
        O(20, 0.05),
        O(40, 0.1),
        O(55, 0.4),
        *(O(55 + 5 * i, 0.4 + 0.05 * i) for i in range(1, 8)),
    ]
    fc = forecast(obs)
    assert fc is not None and not fc.jump
    # Real steps keep their levels between jumps: the end may come in one more.
    steps = [
        O(0, 0.0),
        O(30, 0.25),
        O(40, 0.25),
        O(60, 0.5),
        O(70, 0.5),
        O(95, 0.75),
        O(99, 0.75),
        O(103, 0.75),
    ]
    fc = forecast(steps)
    assert fc is not None and fc.jump


def test_a_rise_of_a_third_of_the_jump_after_it_is_a_curve() -> None:
    # A fast stretch seen between two sparse polls (0.2 -> 0.7 in 20 s), then a rise of 0.195 in
    # three small increments: more than curve_share (0.35) of the "jump", less than half. With
    # half (before round 7) it stayed a jump and the rest of the job was polled every
    # step_interval; a step's level holds (noise aside), so this is a curve's fast stretch.
    obs = [
        O(0, 0.0),
        O(30, 0.1),
        O(60, 0.2),
        O(80, 0.7),
        O(90, 0.765),
        O(100, 0.83),
        O(110, 0.895),
    ]
    fc = forecast(obs)
    assert fc is not None and not fc.jump
    # After a step whose level holds (noise aside), the end may still come in one more jump.
    steps = [O(0, 0.0), O(30, 0.1), O(60, 0.2), O(80, 0.7), O(90, 0.705), O(100, 0.70), O(110, 0.708)]
    fc = forecast(steps)
    assert fc is not None and fc.jump


def test_a_stall_that_catches_up_is_polled_by_the_end_of_the_trend_before_it() -> None:
    # 0.01/s up to 0.6 at 60 s (ends at 100 s on that line), a stall at 0.6 (70 s, 80 s), then a
    # catch-up seen at 90 s (0.75). The fit across the stall puts the end at 156 s and slept
    # 14.7 s (noticing an end at 100 s 4.7 s late); the trend before the stall says no later
    # than 94.5 s (the level one standard error high, the rate 15 % faster).
    line = [O(0, 0.0), *(O(t, t / 100) for t in (10, 20, 30, 40, 50, 60))]
    stalled = [*line, O(70, 0.6), O(80, 0.6)]
    fc = forecast(stalled)
    assert fc is not None and fc.flat
    low = POLICY.level_sd * POLICY.min_noise * math.sqrt(1 / 4 + 15**2 / 500)
    assert fc.before == pytest.approx(60.0 + (0.4 - low) / (0.01 * (1 + POLICY.stall_spread)))
    caught_up = [*stalled, O(90, 0.75)]
    delay = next_delay(POLICY, now=90.0, started=0.0, observations=caught_up)
    assert delay == pytest.approx(fc.before + POLICY.notice - 90.0)
    # Still stalled past that end: a catch-up may end it at any moment, like a last step.
    still = [*stalled, O(90, 0.6), O(100, 0.6)]
    fc = forecast(still)
    assert fc is not None and fc.flat and fc.before < 100.0
    assert next_delay(POLICY, now=100.0, started=0.0, observations=still) == POLICY.step_interval
    # A line without a stall has no such end.
    fc = forecast(line)
    assert fc is not None and fc.before == math.inf


def _catching_up(length: float, at: float, until: float, speed: float, seed: int) -> Callable[[float], float]:
    # Like the benchmark family's "stall and catch up": a line that stalls at `at` until `until`
    # (fractions of the job), then catches up at `speed` times its rate (at least fast enough to
    # be back on the line by 97 % of the job), reported with 3 % noise.
    speed = max(speed, (0.97 - at) / (0.97 - until))
    back = (speed * until - at) / (speed - 1)

    def progress(t: float) -> float:
        x = t / length
        p = x if x < at else at if x < until else at + speed * (x - until) if x < back else x
        return round(min(0.99, max(0.0, p + _noise(seed, t, 0.03) if p > 0 else 0.0)), 4)

    return progress


def _catch_up_grid(policy: PollPolicy) -> list[tuple[float, float, float, float, float]]:
    # 4 lengths x 3 stall starts x 2 stall lengths x 2 catch-up speeds, 3 % noise: (how late the
    # end was noticed, length, stall start, stall length, speed), latest first.
    late = []
    grid = itertools.product((60.0, 90.0, 150.0, 200.0), (0.3, 0.5, 0.6), (0.25, 0.3), (1.5, 3.0))
    for i, (length, at, stall, speed) in enumerate(grid):
        polls = run_profile(_catching_up(length, at, at + stall, speed, 200 + i), length, policy=policy)
        late.append((round(polls[-1] - length, 2), length, at, stall, speed))
    return sorted(late, reverse=True)


def test_a_catch_up_after_a_long_stall_is_noticed_within_five_seconds() -> None:
    # Once a stall's catch-up has risen, progress is no longer flat; without catch_up_bound
    # nothing bounds the sleep but the slow line fitted across the stall and 30 s of trust: 5 of
    # these 48 were noticed 5.7-16.1 s late. With it (the default), a stall seen at one of the
    # latest samples (judged as it was then) bounds the sleep while it catches up.
    late = _catch_up_grid(POLICY)
    assert late[0][0] <= POLICY.blind_interval, late[:6]
    assert _catch_up_grid(PollPolicy(catch_up_bound=False))[0][0] > POLICY.blind_interval


def test_a_catch_up_under_way_is_bounded_as_the_stall_before_it() -> None:
    # 60 s on a line, a stall at 0.5 from 30 s to 45 s, then a catch-up, 3 % noise. At 51 s the
    # catch-up has risen (0.657), so progress is no longer flat, and without catch_up_bound the
    # schedule sleeps 14.7 s on the line fitted across the stall (the end, at 60 s, noticed 5.7 s
    # late). The stall was seen at one of the latest samples: with catch_up_bound (the default)
    # the sleep ends by the time a catch-up at catch_up times the fastest proven rate would end
    # the job.
    off = PollPolicy(catch_up_bound=False)
    progress = _catching_up(60.0, 0.5, 0.75, 1.5, 204)
    schedule = PollSchedule(started=0.0, policy=off)
    now = 0.0
    for _ in range(8):
        schedule.observe(now, progress(now))
        now += schedule.next_delay(now)
    schedule.observe(now, progress(now))
    seen = schedule.observations
    assert now == pytest.approx(51.0, abs=0.01) and seen[-1].progress == 0.6572
    assert now + next_delay(off, now=now, started=0.0, observations=seen) > 65.0
    fc = forecast(seen)
    assert fc is not None and not fc.flat and fc.stalled
    delay = next_delay(POLICY, now=now, started=0.0, observations=seen)
    assert delay == pytest.approx(max(POLICY.flat_interval, fc.resume - now))
    assert now + delay < 60.0


def test_a_level_of_steps_after_a_jump_is_no_stall_to_catch_up_from() -> None:
    # Noiseless levels of 1/6 at irregular times: right after a jump (0.5 at 112.5 s) the level
    # before it looks like a stall and the jump like its catch-up. The samples before that level
    # (a level and a jump) are no straight trend, so it does not bound the sleep as a catch-up
    # under way (stall_straight); counted as one, the steps test above needs 40 polls, not 38.
    levels = [(45.6, 1), (50.6, 1), (55.6, 2), (70.6, 2), (75.6, 2), (80.6, 2), (85.6, 2), (90.6, 2)]
    obs = [O(0, 0.0), *(O(t, k / 6) for t, k in levels), *(O(t, 2 / 6) for t in (96.5, 104.5, 108.5))]
    obs.append(O(112.5, 0.5))
    fc = forecast(obs)
    assert fc is not None and not fc.flat and not fc.stalled
    loose = PollPolicy(stall_straight=math.inf)
    fc = forecast(obs, loose)
    assert fc is not None and fc.stalled
    assert next_delay(loose, now=112.5, started=0.0, observations=obs) == POLICY.flat_interval
    assert next_delay(POLICY, now=112.5, started=0.0, observations=obs) > POLICY.flat_interval


def test_a_stall_hidden_inside_one_sleep_is_noticed_within_five_seconds() -> None:
    # A stall that falls inside one long sleep is never seen flat, and the catch-up after it
    # (2.1x the job's rate) is faster than the min_spread (45 %) the earliest end allows: the
    # straight stretch fitted reaches back across it, and the end was noticed 6.0 s late even
    # with catch_up_bound (a strict xfail up to round 9). With recent_level (round 10) the line
    # through the last samples alone brings the earliest end forward: 0.2 s.
    polls = run_profile(_catching_up(60.0, 0.6, 0.9, 3.0, 311), 60.0)
    assert polls[-1] - 60.0 <= POLICY.blind_interval
    off = run_profile(_catching_up(60.0, 0.6, 0.9, 3.0, 311), 60.0, policy=PollPolicy(recent_level=False))
    assert off[-1] - 60.0 > POLICY.blind_interval


# -- the end's interval (round 5) ----------------------------------------------------------------


def _s_curve(length: float, k: float, mid: float, seed: int, sd: float) -> Callable[[float], float]:
    # A logistic from 0 to 1 over the job, reported with noise and never above 0.99 (like the
    # service and the simulator).
    lo, hi = 1 / (1 + math.exp(k * mid)), 1 / (1 + math.exp(-k * (1 - mid)))

    def progress(t: float) -> float:
        p = (1 / (1 + math.exp(-k * (t / length - mid))) - lo) / (hi - lo)
        return round(min(0.99, max(0.0, p + _noise(seed, t, sd))), 4)

    return progress


def test_a_noisy_curve_reported_up_to_099_is_polled_densely_in_the_interval_of_its_end() -> None:
    # 40 S-curves of 1-7 min with 4 % noise: near the end about half the reports sit at the 0.99
    # ceiling. Without the end's interval (end_sd=0) the trend of the values below the ceiling
    # looked flat or fallen and 6 of these were noticed more than 1.75 s late (up to 3.5 s);
    # with it (ceiling values taken as censored, a band from the residuals) 2. (Without it, the
    # line through the last samples alone, round 10's recent_level, now catches one of the 6: the
    # comparison is made with that off, on the code the interval was added to.)
    late: dict[float, list[float]] = {}
    for policy in (POLICY, PollPolicy(end_sd=0.0, recent_level=False)):
        late[policy.end_sd] = []
        for seed in range(40):
            rng = random.Random(seed)
            length, k, mid = rng.uniform(60.0, 400.0), rng.uniform(6.0, 12.0), rng.uniform(0.35, 0.65)
            polls = run_profile(_s_curve(length, k, mid, seed, 0.04), length, policy=policy)
            late[policy.end_sd].append(polls[-1] - length)
    assert sum(d > 1.75 for d in late[POLICY.end_sd]) <= 3, sorted(late[POLICY.end_sd])
    assert sum(d > 1.75 for d in late[0.0]) >= 5, sorted(late[0.0])


def test_the_ends_interval_does_not_make_a_noisy_hold_dense() -> None:
    # A noisy hold at 0.97 for 290 s (a file being prepared) looks like an end that may come at
    # any moment. The interval's dense polls last at most end_width from its start, and the
    # band stops reaching 1 once the hold's level is known: the hold costs at most
    # end_width / end_spacing polls more than without the interval (measured: 99 against 96).
    def held(t: float) -> float:
        return round(min(0.99, max(0.0, min(0.97, t / 100) + _noise(7, t, 0.02))), 4)

    def hold_polls(policy: PollPolicy) -> list[float]:
        return [t for t in run_profile(held, 400.0, policy=policy) if t >= 110.0]

    with_interval, without = hold_polls(POLICY), hold_polls(PollPolicy(end_sd=0.0))
    assert len(with_interval) <= len(without) + POLICY.end_width / POLICY.end_spacing
    assert max(b - a for a, b in itertools.pairwise(with_interval)) <= POLICY.blind_interval + 1e-9


def test_the_trend_before_a_slowdown_may_bound_the_ends_interval() -> None:
    # end_before (off by default; benchmarks/README.md has its figures): 1/85 per s up to 37 s,
    # then a slow stretch (0.537 at 55.7 s, not 0.655) and a catch-up under way (0.647 at
    # 67.3 s). The line through the latest samples puts the end after 100 s; the trend before
    # the slowdown says 85 s, and with end_before the schedule polls by then plus the notice.
    # (catch_up_bound and slow_before, on by default, bound this sleep too; they are off here to
    # test end_before.)
    obs = [O(0, 0.0), *(O(t, round(t / 85, 4)) for t in (1, 6, 11, 16.5, 24.75, 37.12))]
    obs += [O(55.69, 0.537), O(67.31, 0.6467)]
    off = PollPolicy(catch_up_bound=False, slow_before=False)
    assert next_delay(off, now=67.31, started=0.0, observations=obs) > 85.0 + POLICY.notice - 67.31
    before = PollPolicy(end_before=True, catch_up_bound=False, slow_before=False)
    delay = next_delay(before, now=67.31, started=0.0, observations=obs)
    assert POLICY.min_interval <= delay <= 85.0 + POLICY.notice - 67.31


# -- a fall or a stall does not move the end (round 7) -----------------------------------------


def test_the_trend_before_a_fall_bounds_the_sleep_after_it() -> None:
    # 0.01/s up to 0.8 at 80 s (the end at 100 s on that line), then a stage restarts: 0.3 at
    # 85 s, 0.42 at 88 s, 0.55 at 91 s. A restarted stage must still reach 1 by the end, so the
    # trend before the fall bounds the sleep as the trend before a stall does (its earliest
    # plausible end, 97.1 s, plus the notice). Without it the sleep went 1.2 s further, on the
    # few samples since the fall.
    line = [O(0, 0.0), *(O(t, t / 100) for t in range(10, 81, 10))]
    seen = [*line, O(85, 0.3), O(88, 0.42), O(91, 0.55)]
    fc = forecast(seen)
    assert fc is not None and not fc.flat
    # 0.2 left at 0.01/s, 15 % faster (stall_spread), the level a little low (the noise estimate).
    assert 80.0 + 0.19 / 0.0115 < fc.before < 80.0 + 0.2 / 0.0115
    assert fc.before_likely == pytest.approx(100.0)
    delay = next_delay(POLICY, now=91.0, started=0.0, observations=seen)
    assert delay == pytest.approx(fc.before + POLICY.notice - 91.0)
    without = PollPolicy(fall_before=False)
    fc = forecast(seen, without)
    assert fc is not None and fc.before == math.inf
    assert next_delay(without, now=91.0, started=0.0, observations=seen) > delay + 1.0


def test_a_catch_up_seen_past_the_earliest_end_lands_on_the_end_of_the_trend_before_it() -> None:
    # 0.01/s up to 0.6 at 60 s (the end at 100 s), flat at 70 s and 80 s, then 0.8 at 97 s: a
    # catch-up, or a fall and its recovery hidden between two polls. 97 s is past the earliest
    # end by the trend before the stall (94.5 s) plus the notice, so that bound is spent, and
    # the line fitted across the stall put the end at 140 s: the defaults slept 15 s (to 112 s).
    # The end did not move: one poll lands just after the likely end by that trend (100 s).
    seen = [O(0, 0.0), *(O(t, t / 100) for t in range(10, 61, 10)), O(70, 0.6), O(80, 0.6), O(97, 0.8)]
    fc = forecast(seen)
    assert fc is not None and not fc.flat and fc.before + POLICY.notice < 97.0
    assert fc.before_likely == pytest.approx(100.0) and fc.likely > 130.0
    delay = next_delay(POLICY, now=97.0, started=0.0, observations=seen)
    assert delay == pytest.approx(100.0 + POLICY.land_after - 97.0)
    # Without it the catch-up bound alone lets the sleep pass the end by more than blind_interval
    # (8.55 s, to 105.55 s), and with neither the sleep is the 15 s above.
    assert next_delay(PollPolicy(land_before=False), now=97.0, started=0.0, observations=seen) > 8.0
    neither = PollPolicy(land_before=False, catch_up_bound=False)
    assert next_delay(neither, now=97.0, started=0.0, observations=seen) > 14.0
    # Past it and still running: polls as overdue (densely at first).
    assert next_delay(POLICY, now=100.5, started=0.0, observations=seen) == POLICY.min_interval


def test_after_a_fall_trust_counts_from_the_fall() -> None:
    # 0.01/s up to 0.8 at 80 s, a fall to 0.3 at 82 s, 0.45 at 86 s. The evidence bound counts
    # trust over every rising sample (30 s here: 0.8 was last topped at 80 s, 1.5 x 70 s less
    # the 6 s since); after a fall, the rate before it says nothing about the run after it: no
    # sleep is longer than 1.5 x the 4 s seen rising since the fall. Without it: 10.9 s.
    seen = [O(0, 0.0), *(O(t, t / 100) for t in range(10, 81, 10)), O(82, 0.3), O(86, 0.45)]
    assert longest_sleep(POLICY, seen) == pytest.approx(evidence_bound(seen))
    assert next_delay(POLICY, now=86.0, started=0.0, observations=seen) == pytest.approx(1.5 * 4.0)
    assert next_delay(PollPolicy(fall_trust=False), now=86.0, started=0.0, observations=seen) > 10.0


# -- progress reported only every few polls (round 7) --------------------------------------------


def _sparse_s_curve(
    length: float, k: float, mid: float, seed: int, every: int
) -> Callable[[float], float | None]:
    # An S-curve with 3 % noise whose progress only about one poll in `every` sees.
    curve = _s_curve(length, k, mid, seed, 0.03)

    def progress(t: float) -> float | None:
        return curve(t) if random.Random(f"report {seed}:{t:.3f}").random() < 1 / every else None

    return progress


def test_silent_polls_of_a_sparse_service_still_use_up_some_trust() -> None:
    # Reports every few polls: 0.09 at 6 s and 0.24 at 21 s (trust 22.5 s), then two silent
    # polls, excused by the service's rhythm. A rate seen early is still extrapolated from the
    # last report: each second since then uses up silent_use (0.3) of it, so the sleep is
    # 22.5 - 0.3 * 26.6 s, not the whole 22.5 s (which, on the job this came from, an S-curve
    # speeding up, passed its end at 67.1 s).
    obs = [O(0, None), O(1, None), O(2.5, None), O(6.25, 0.0897), O(11.25, None), O(16.25, None)]
    obs += [O(21.25, 0.2375), O(31.88, None), O(47.81, None)]
    assert longest_sleep(POLICY, obs) == pytest.approx(22.5)
    assert next_delay(POLICY, now=47.81, started=0.0, observations=obs) == pytest.approx(22.5 - 0.3 * 26.56)
    off = PollPolicy(silent_use=0.0)
    assert next_delay(off, now=47.81, started=0.0, observations=obs) == pytest.approx(22.5)


def test_sparse_s_curves_are_not_passed_by_long_sleeps_on_an_early_rate() -> None:
    # 120 S-curves of 30 s to 10 min reported on one poll in 2-5: with silent_use 0 (silent
    # polls cost no trust while they keep the rhythm) 10 are noticed more than 5 s late (up to
    # 25.5 s); with it 3 (measured).
    def late(policy: PollPolicy) -> list[float]:
        out = []
        for seed in range(120):
            rng = random.Random(seed)
            length = math.exp(rng.uniform(math.log(30.0), math.log(600.0)))
            k, mid, every = rng.uniform(6.0, 12.0), rng.uniform(0.35, 0.65), rng.randint(2, 5)
            polls = run_profile(_sparse_s_curve(length, k, mid, seed, every), length, policy=policy)
            out.append(polls[-1] - length)
        return out

    assert sum(d > 5.0 for d in late(POLICY)) <= 4
    assert sum(d > 5.0 for d in late(PollPolicy(silent_use=0.0))) >= 8


def test_each_report_renews_the_dense_polls_of_the_ends_interval() -> None:
    # A noisy line (1/200 per s, +-3 %) reported every few polls near its end: the end's
    # interval runs from 197 s to 232 s, so its first end_width (15 s) of dense polls is over at
    # 212 s; the report at 215 s renews them for end_renew (10 s): a poll every end_spacing.
    line = [round(t / 200 + (0.03 if i % 2 else -0.03), 4) for i, t in enumerate(range(20, 200, 20))]
    obs = [O(0, 0.0)] + [O(t, p) for t, p in zip(range(20, 200, 20), line, strict=True)]
    obs += [O(200, None), O(203, None), O(206, 0.95), O(209, None), O(212, None), O(215, 0.94)]
    obs += [O(218, None), O(221, None)]
    assert next_delay(POLICY, now=221.0, started=0.0, observations=obs) == POLICY.end_spacing
    off = PollPolicy(end_renew=0.0)
    assert next_delay(off, now=221.0, started=0.0, observations=obs) > POLICY.end_spacing


def test_a_value_near_one_far_above_the_trend_is_polled_densely() -> None:
    # Reports every few polls: 0.04 at 6 s and 0.09 at 21 s (the old trend ends after 280 s),
    # then 0.9887 at 85 s: progress sped up unseen (the job ended at 87 s). The old trend's end
    # is no guide: poll at the pace since that value (min_interval at first), not 5 s later.
    obs = [O(0, 0.0), O(1, None), O(2.5, None), O(6.25, 0.0423), O(11.25, None), O(16.25, None)]
    obs += [O(21.25, 0.0934), O(31.88, None), O(47.81, None), O(70.31, None), O(75.31, None)]
    obs += [O(80.31, None), O(85.31, 0.9887)]
    assert next_delay(POLICY, now=85.31, started=0.0, observations=obs) == POLICY.min_interval
    off = PollPolicy(near_outran=False)
    assert next_delay(off, now=85.31, started=0.0, observations=obs) == POLICY.blind_interval


def test_left_rise_bounds_the_sleep_once_one_rise_could_end_it() -> None:
    # Steps polled every 30 s read as a line (round 8: most steps jobs noticed over 5 s late).
    # At 0.82 what is left (0.18) is no more than the largest rise between two polls (0.19, above
    # the mean rate): one more such rise may end the job, so with left_rise no sleep exceeds
    # blind_interval; off (the default), the line's earliest end allows a longer sleep.
    obs = [O(0, 0.0), O(30, 0.17), O(60, 0.36), O(90, 0.55), O(120, 0.72), O(150, 0.82)]
    on = PollPolicy(left_rise=True)
    assert next_delay(on, now=150.0, started=0.0, observations=obs) == on.blind_interval
    assert next_delay(POLICY, now=150.0, started=0.0, observations=obs) > POLICY.blind_interval + 10.0


def test_dark_above_bounds_the_sleep_where_progress_may_be_held() -> None:
    # A line polled every 30 s at 0.9: it may be held there until the end (a file being
    # prepared). With dark_above=0.9 no sleep exceeds blind_interval; off (the default), the
    # line's earliest end allows the longest sleep.
    obs = [O(0, 0.0)] + [O(t, round(t / 600, 4)) for t in range(30, 541, 30)]
    on = PollPolicy(dark_above=0.9)
    assert next_delay(on, now=540.0, started=0.0, observations=obs) == on.blind_interval
    assert next_delay(POLICY, now=540.0, started=0.0, observations=obs) == POLICY.max_interval


# -- round 9: sparse reports and falls (issue 27) ------------------------------------------------


def test_a_rise_across_polls_that_saw_no_progress_is_no_jump() -> None:
    # Reports one poll in three: 0.12 at 25 s, 0.3 at 40 s, 0.62 at 55 s, with two silent polls
    # between each. The rise to 0.62 is faster than the job's mean rate and than the rise before
    # it, and what is left (0.38) is no more than it: between two polls it would be a jump, and
    # the end could come in one more (a poll every step_interval). Here it spread over three
    # polls that could not see it (a sparse service's fast stretch): no jump, and the sleep
    # follows the trend's earliest end. Off by default: on the private validation seeds it made
    # the sparse kind's p95 later (2.29 -> 2.58 s) for 0.1 % fewer requests.
    obs = [O(0, 0.0), O(5, None), O(10, 0.05), O(15, None), O(20, None), O(25, 0.12), O(30, None)]
    obs += [O(35, None), O(40, 0.3), O(45, None), O(50, None), O(55, 0.62)]
    on = PollPolicy(jump_heard=True)
    fc = forecast(obs, on)
    assert fc is not None and not fc.jump
    assert next_delay(on, now=55.0, started=0.0, observations=obs) > 3 * on.step_interval
    off = PollPolicy(jump_heard=False)
    fc = forecast(obs, off)
    assert fc is not None and fc.jump
    assert next_delay(off, now=55.0, started=0.0, observations=obs) == off.step_interval


def test_the_trend_before_a_slow_interval_lands_a_poll_on_its_end() -> None:
    # 0.01/s up to 0.6 at 60 s (the end at 100 s on that line), then 0.65 at 80 s (a quarter of
    # the rise that line predicts: a stall, or a fall and its recovery hidden between two polls)
    # and 0.85 at 96 s. The end did not move: as after a plateau, the trend before the slow
    # interval gives the earliest end (94.5 s) and one poll lands just after its likely end
    # (100 s); without it the line fitted across the slow interval (the end at 122 s) and the
    # catch-up bound let the sleep pass 103 s.
    seen = [O(0, 0.0), *(O(t, t / 100) for t in range(10, 61, 10)), O(80, 0.65), O(96, 0.85)]
    fc = forecast(seen)
    assert fc is not None and fc.before_likely == pytest.approx(100.0) and 94.0 < fc.before < 95.0
    assert next_delay(POLICY, now=96.0, started=0.0, observations=seen) == pytest.approx(
        100.0 + POLICY.land_after - 96.0
    )
    off = PollPolicy(slow_before=False)
    fc = forecast(seen, off)
    assert fc is not None and fc.before == math.inf and fc.before_likely == math.inf
    assert next_delay(off, now=96.0, started=0.0, observations=seen) > 7.0


def test_past_the_end_a_sparse_report_restarts_the_overdue_pace() -> None:
    # A line reported one poll in three, at 0.99 at 101 s and again at 115 s (its end by the line:
    # 100 s). Past the end, polls come densely and then in proportion to the time overdue; a
    # report after silent polls restarts that (the silent polls said nothing new): a poll every
    # min_interval 2.4 s after it, not 0.3 x the 16.4 s since the first 0.99.
    obs = [O(0, 0.0)]
    for t in range(10, 91, 10):
        obs += [O(t, round(t / 100 + (0.01 if t % 20 else -0.01), 4)), O(t + 3, None), O(t + 6, None)]
    obs += [O(99, None), O(101, 0.99), *(O(t, None) for t in range(103, 115, 2)), O(115, 0.99)]
    obs += [O(116.2, None), O(117.4, None)]
    assert next_delay(POLICY, now=117.4, started=0.0, observations=obs) == POLICY.min_interval
    off = PollPolicy(report_renews=False)
    assert next_delay(off, now=117.4, started=0.0, observations=obs) == pytest.approx(0.3 * 16.4)


def test_a_fall_once_seen_stays_a_fall() -> None:
    # A stage restarting (a job of the benchmark's family, 273 s): 0.62 at 179 s, 0.48 at 195 s,
    # seen as a fall at once (far below the line before it), then 0.54, 0.52, 0.62. The fall's
    # own samples raise the noise estimate, and judged with it the fall turned back into noise:
    # one line fitted across it put the end at 350 s, and the trend before it no longer bounded
    # the sleep. Judged with the noise as seen then, it stays a fall: the run since it puts the
    # end at 274 s, and the trend before it still bounds.
    seen = [O(0.0, 0.0), O(1.0, 0.0), O(2.5, 0.0445), O(7.5, 0.0247), O(12.5, 0.0186), O(17.5, 0.059)]
    seen += [O(26.25, 0.0841), O(39.38, 0.1269), O(59.06, 0.1899), O(88.59, 0.2972), O(118.59, 0.3734)]
    seen += [O(148.59, 0.579), O(178.59, 0.6181), O(194.7, 0.4767)]
    fc = forecast(seen, PollPolicy(fall_as_seen=False))
    assert fc is not None and fc.before < 270.0  # seen as a fall then, either way
    seen += [O(199.7, 0.5419), O(207.2, 0.5192), O(212.2, 0.6209)]
    fc = forecast(seen)
    assert fc is not None and 265.0 < fc.likely < 285.0 and fc.before < 270.0
    fc = forecast(seen, PollPolicy(fall_as_seen=False))
    assert fc is not None and fc.likely > 340.0 and fc.before == math.inf


# -- round 10: a window that lags the latest run (issue 27) --------------------------------------


def test_the_latest_run_above_a_long_window_brings_the_earliest_end_forward() -> None:
    # A stage restarting twice (a job of the benchmark's family, 158 s): the falls are hidden
    # between polls or read as noise (the sawtooth raises the noise estimate), so the straight
    # stretch fitted reaches back across them and runs slower than the last stage: its level at
    # 151.5 s is 0.82 where the last samples say 0.83 and 0.95 (true 0.94), and its earliest
    # end (163 s) lets the sleep pass the end (a poll at 163.8 s). With recent_level the line
    # through the last samples alone (its level allowed level_sd of its own, wider, error high)
    # also gives an earliest end: 152.5 s, and the next poll comes at once.
    seen = [O(0.0, 0.0), O(1.0, 0.019), O(6.0, 0.0251), O(11.0, 0.0935), O(16.5, 0.2157), O(24.75, 0.1588)]
    seen += [O(37.12, 0.1903), O(42.12, 0.2377), O(56.09, 0.3447), O(68.03, 0.4582), O(69.58, 0.363)]
    seen += [O(79.39, 0.3285), O(90.07, 0.4272), O(98.03, 0.421), O(103.03, 0.5402), O(117.52, 0.587)]
    seen += [O(147.52, 0.8297), O(151.52, 0.9511)]
    on, off = POLICY, PollPolicy(recent_level=False)
    fc = forecast(seen, on)
    assert fc is not None and fc.earliest < 153.0
    assert next_delay(on, now=151.52, started=0.0, observations=seen) < 2.0
    fc = forecast(seen, off)
    assert fc is not None and fc.earliest > 162.0
    assert next_delay(off, now=151.52, started=0.0, observations=seen) > 158.0 - 151.52 + 5.0


CURVE_FROM = PollPolicy(curve_from=0.5)  # round 10's option (off by default)


def test_a_curves_slow_tail_after_a_jump_is_a_curve_not_a_last_step() -> None:
    # Round 10 (curve_from, an option). Polled every 30 s, an S-curve's middle rose 0.3 in one
    # interval (an isolated jump) and 0.16 in the next (half a jump, too close to it to be one),
    # then slowed: 0.74, 0.78, then dense polls rising steadily. What is left (0.2) is less than the jump, and
    # counted from the jump the rises after it include that 0.16: the curve test failed for good
    # and the slow tail was polled every step_interval to its end. Counted from the latest rise
    # of half a jump, its steady rise makes it a curve.
    obs = [O(0, 0.0), O(30, 0.1), O(60, 0.2), O(90, 0.5), O(120, 0.66), O(150, 0.74), O(180, 0.78)]
    obs += [O(184, 0.788), O(188, 0.7945), O(192, 0.801)]
    fc = forecast(obs, CURVE_FROM)
    assert fc is not None and not fc.jump
    fc = forecast(obs)
    assert fc is not None and fc.jump
    # A step's level that holds (noise aside) after the same jumps is still a last step.
    level = [*obs[:5], O(150, 0.70), O(180, 0.66), O(184, 0.69), O(188, 0.655), O(192, 0.70)]
    fc = forecast(level, CURVE_FROM)
    assert fc is not None and fc.jump


def test_a_noisy_s_curves_tail_is_not_polled_every_step_interval() -> None:
    # Round 10 (curve_from, an option). A noisy S-curve (1 % noise, 540 s): between dense polls
    # in its slow tail a noisy pair passes for a small jump; the curve test restarted at each one,
    # and the tail was polled every step_interval from 370 s to its end (76 polls; 53 with
    # curve_from).
    lo, hi = 1 / (1 + math.exp(4.5)), 1 / (1 + math.exp(-5.5))

    def progress(t: float) -> float:
        x = t / 540.0
        p = 0.3 * x + 0.7 * (1 / (1 + math.exp(-10 * (x - 0.45))) - lo) / (hi - lo)
        if p > 0:
            p += random.Random(f"1:{t:.3f}").gauss(0.0, 0.01)
        return round(min(0.99, max(0.0, p)), 4)

    polls = run_profile(progress, 540.0, policy=CURVE_FROM)
    assert len(polls) < 60 and polls[-1] - 540.0 <= 1.5
    assert len(run_profile(progress, 540.0)) > 70
