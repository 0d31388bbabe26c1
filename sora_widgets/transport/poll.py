"""When to poll next: a pure function of what has been seen so far and the time now.

Progress is evidence, not a clock. Services report it in many ways: noisy, in an S-curve, in
steps, stalling and catching up, 0 while queued, held just below 1 while the file is prepared,
or not at all. The vendor CLI polls every 5 s whatever it sees; this schedule spends its polls
where the evidence says the end may be, and never sleeps longer than that evidence supports:

1. **Bounded trust** (:func:`longest_sleep`). With no usable progress (missing, 0 while
   queued, fewer than ``trust_samples`` rising samples, or held just below 1) no sleep is longer
   than a bounded interval (``blind_interval``; ``queued_interval`` at progress 0). Once
   progress has been seen rising, a sleep is at most ``horizon`` times the span over which it
   was seen rising: a rate is never extrapolated much further ahead than it was observed.
2. **Smooth progress**: local rates between samples (measured over rises of at least
   ``min_step``, so noise does not pass for a rate) predict the likely end (at the latest rate;
   a slowing rate is let slow further) and the earliest plausible end (the fastest recent rate,
   raised by the spread between recent rates, at least ``min_spread``). The schedule never
   sleeps past the earliest plausible end plus ``notice``, lands one poll just after the likely
   end, and, if the task is still running then, polls densely and then in proportion to how
   overdue it is, up to ``blind_interval`` (a hold, a stall, a slow tail).
3. **Steps** (flat stretches, then jumps): the end needs a number of further jumps that each
   took at least so long so far; until the earliest moment the last one could come the
   schedule sleeps, after it (and on the last level) it polls every ``step_interval``.
4. Never sooner than the server's ``Retry-After``, never past our own deadline.

Only observed progress and time are used. ``python -m benchmarks.polling`` measures it on a
family of progress models (tuned on one set of seeds, reported on another) next to fixed 5 s
and 1 s loops; the figures and one picture per kind are in benchmarks/README.md.

Nothing here sleeps or reads a clock: the caller passes ``now``, so tests assert exact
schedules without waiting.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "Forecast",
    "Observation",
    "PollPolicy",
    "PollSchedule",
    "forecast",
    "longest_sleep",
    "next_delay",
    "predict_completion",
]


@dataclass(frozen=True)
class PollPolicy:
    """The knobs of the schedule, in seconds (rates and tolerances are fractions).

    The defaults were tuned on the tuning seeds of ``benchmarks/polling.py``'s family of progress
    models; the benchmark reports them on held-out seeds.
    """

    # First polls come quickly: failures (moderation, bad image) are reported within seconds.
    fast_interval: float = 1.0
    fast_period: float = 1.0
    # In the dark (no progress at all), the pace is start_pace times the time waited so far,
    # from min_interval up to blind_interval. At progress 0 (queued) up to queued_interval:
    # rendering has not started, and the first sample after it starts bounds the next sleep.
    start_pace: float = 1.5
    blind_interval: float = 5.0
    queued_interval: float = 15.0
    # Bounded trust: fewer rising samples than this and no sleep exceeds blind_interval; with
    # them, a sleep is at most `horizon` times the span they cover, and never max_interval.
    trust_samples: int = 2
    horizon: float = 1.5
    max_interval: float = 90.0
    # While the end is far, sleep this fraction of the time left until the earliest plausible
    # end (each poll refines the prediction).
    approach: float = 1.0
    # Rates are measured over rises of at least this much progress (smaller ones are noise).
    min_step: float = 0.02
    # Render speed changes during a job. The earliest plausible end assumes the progress rate
    # may yet rise by the spread seen between recent local rates (at least min_spread) over the
    # fastest of the last rate_memory rates.
    min_spread: float = 0.45
    rate_memory: int = 2
    # Predict a slowing render to keep slowing as it did (the tail of an S-curve), down to a
    # quarter of its latest rate.
    decelerate: bool = True
    # Three consecutive local rates that agree this closely mean progress is steady: the end is
    # then predicted tightly and polled once, land_after it, instead of densely.
    steady_tolerance: float = 0.005
    land_after: float = 0.35
    # Where progress is informative: polls never sleep past the earliest plausible end plus this.
    notice: float = 0.9
    # The shortest sleep (besides a deadline).
    min_interval: float = 1.15
    # Past the predicted end and still running: poll every min_interval at first, then `pace`
    # times the time overdue, up to blind_interval.
    pace: float = 0.5
    # Gateways hold progress just below 1 until the file is ready: at or above this, the end is
    # imminent whatever the rate says.
    near_done: float = 0.985
    # Progress in steps: levels may come this much faster than their mean pace so far; on the
    # last level (or once the last could have begun) poll this often.
    step_spread: float = 0.3
    step_interval: float = 4.0


@dataclass(frozen=True)
class Observation:
    """One poll's result: when (caller's clock, seconds) and the reported progress (0..1 or None)."""

    at: float
    progress: float | None


@dataclass(frozen=True)
class Forecast:
    """When the task should end: the likely time, the earliest plausible time, and whether
    recent progress was steady enough to trust the likely time to within rounding."""

    likely: float
    earliest: float
    steady: bool


def _moving(observations: Sequence[Observation], near_done: float) -> list[tuple[float, float]]:
    # Samples that carry rate information: progress strictly between 0 and the held-near-1 zone,
    # one per new highest value (a repeated value is a stall or a cached answer; a lower one,
    # noise).
    out: list[tuple[float, float]] = []
    for o in observations:
        if o.progress is None or not 0.0 < o.progress < near_done:
            continue
        if out and (o.progress <= out[-1][1] or o.at <= out[-1][0]):
            continue
        out.append((o.at, o.progress))
    return out


def _rate_points(samples: list[tuple[float, float]], min_step: float) -> list[tuple[float, float]]:
    # Thin the rising samples so that successive ones are at least min_step of progress apart
    # (the latest is always kept): a rate over a tiny rise is mostly noise.
    out = samples[-1:]
    for t, p in reversed(samples[:-1]):
        if p <= out[-1][1] - min_step:
            out.append((t, p))
    return out[::-1]


def _latest(observations: Sequence[Observation]) -> float | None:
    return next((o.progress for o in reversed(observations) if o.progress is not None), None)


def forecast(observations: Sequence[Observation], policy: PollPolicy | None = None) -> Forecast | None:
    """Predict the end from the local progress rates; None until two rising samples exist."""
    policy = policy or PollPolicy()
    samples = _rate_points(_moving(observations, policy.near_done), policy.min_step)
    if len(samples) < 2:
        return None
    rates = [(p1 - p0) / (t1 - t0) for (t0, p0), (t1, p1) in itertools.pairwise(samples)]
    t, p = samples[-1]
    remaining = 1.0 - p
    likely = t + remaining / rates[-1]
    steady = False
    spread = policy.min_spread
    if len(rates) >= 2:
        a, b = rates[-2], rates[-1]
        spread = max(spread, abs(a - b) / min(a, b))
        # Steady: the last three local rates agree (two agreeing by chance is common with noise).
        last = rates[-3:]
        steady = len(last) == 3 and (max(last) - min(last)) / min(last) <= policy.steady_tolerance
        if policy.decelerate and b < a * (1.0 - policy.steady_tolerance):
            # Slowing down: let the rate keep falling against progress as it did, no lower than
            # a quarter of the latest rate, and integrate dt = dp / rate to the end.
            mids = [(p0 + p1) / 2 for (_t0, p0), (_t1, p1) in itertools.pairwise(samples)]
            slope = (b - a) / (mids[-1] - mids[-2])
            at_p = b + slope * (p - mids[-1])
            at_end = max(b / 4.0, at_p + slope * remaining)
            if at_p > at_end:
                likely = t + remaining * math.log(at_p / at_end) / (at_p - at_end)
    fastest = max(rates[-policy.rate_memory :]) * (1.0 + spread)
    earliest = t + remaining / fastest
    return Forecast(likely=likely, earliest=earliest, steady=steady)


def predict_completion(observations: Sequence[Observation], policy: PollPolicy | None = None) -> float | None:
    """When progress will reach 1.0 at the most recent local rate (None until two rising samples).

    Example:
        >>> predict_completion([Observation(10, 0.1), Observation(20, 0.2)])
        100.0
    """
    fc = forecast(observations, policy)
    return None if fc is None else fc.likely


def longest_sleep(policy: PollPolicy, observations: Sequence[Observation]) -> float:
    """The longest sleep the evidence supports; :func:`next_delay` never sleeps longer.

    - progress only ever 0 (queued): ``queued_interval``;
    - no progress, fewer than ``trust_samples`` rising samples, or progress held at or above
      ``near_done``: ``blind_interval``;
    - otherwise ``horizon`` times the span between the first and the latest rising sample, at
      least ``blind_interval`` and at most ``max_interval``.
    """
    moving = _moving(observations, policy.near_done)
    latest = _latest(observations)
    if latest is not None and latest <= 0.0 and not moving:
        return max(policy.blind_interval, policy.queued_interval)
    if len(moving) < policy.trust_samples or (latest is not None and latest >= policy.near_done):
        return policy.blind_interval
    span = moving[-1][0] - moving[0][0]
    return min(policy.max_interval, max(policy.blind_interval, policy.horizon * span))


def next_delay(
    policy: PollPolicy,
    *,
    now: float,
    started: float,
    observations: Sequence[Observation] = (),
    hint: float | None = None,
    deadline: float | None = None,
) -> float:
    """Seconds to wait before the next poll.

    Args:
        policy: the knobs.
        now: the current time on the caller's clock.
        started: when waiting began, on the same clock.
        observations: progress samples so far.
        hint: the server's Retry-After, if any; we never poll sooner.
        deadline: our give-up time; we never sleep past it.
    """
    delay = min(longest_sleep(policy, observations), _wanted(policy, now, started, observations))
    # Never sooner than the server asks, never past our own deadline.
    if hint is not None and hint > delay:
        delay = hint
    if deadline is not None:
        delay = min(delay, max(0.0, deadline - now))
    return delay


def _pace(policy: PollPolicy, elapsed: float) -> float:
    # Dense at first, then sparser in proportion to how long the wait has lasted.
    return min(policy.blind_interval, max(policy.min_interval, policy.pace * elapsed))


def _wanted(policy: PollPolicy, now: float, started: float, observations: Sequence[Observation]) -> float:
    if now - started < policy.fast_period:
        return policy.fast_interval
    latest = _latest(observations)
    moving = _moving(observations, policy.near_done)
    near_since = next(
        (o.at for o in observations if o.progress is not None and o.progress >= policy.near_done), None
    )
    if near_since is not None and latest is not None and latest >= policy.near_done:
        # Held just below 1: land on the end the rate before predicts; past it (or without a
        # rate), poll densely, then in proportion to the wait.
        fc = forecast(observations, policy)
        if fc is not None and now < fc.likely + policy.land_after:
            target = min(fc.likely + policy.land_after, fc.earliest + policy.notice)
            return max(policy.min_interval, target - now)
        return _pace(policy, now - max(near_since, fc.likely if fc is not None else near_since))
    if not moving:
        # No progress, or progress 0 (queued): nothing says when the end comes.
        cap = policy.queued_interval if latest is not None else policy.blind_interval
        return min(cap, max(policy.min_interval, policy.start_pace * (now - started)))
    steps = _stepwise(observations)
    if steps is not None:
        return _stepwise_delay(policy, now, steps)
    fc = forecast(observations, policy)
    if fc is None:
        return _first_sample_bound(policy, observations)
    if fc.steady:
        # Extrapolate a steady rate no further than the shorter span it was seen steady over.
        pts = _rate_points(moving, policy.min_step)
        steady_span = min(pts[-1][0] - pts[-2][0], pts[-2][0] - pts[-3][0])
        if 0 < fc.likely - now <= steady_span:
            return max(policy.min_interval, fc.likely + policy.land_after - now)
    # Optimistic: one poll just after the likely end. Safe: never sleep past the earliest
    # plausible end plus the notice we promise (a faster finish is still seen in time), nor
    # more than `approach` of the way to it (each poll refines the rates).
    target = min(
        fc.likely + policy.land_after,
        fc.earliest + policy.notice,
        now + policy.approach * (fc.earliest - now),
    )
    if now < target:
        return max(policy.min_interval, target - now)
    # Past the likely end and still running: the prediction was wrong (a stall, a hold, a slow
    # tail). Poll densely at first, then in proportion to how overdue the task is.
    return _pace(policy, now - max(fc.likely, moving[-1][0]))


def _first_sample_bound(policy: PollPolicy, observations: Sequence[Observation]) -> float:
    # One progress sample p at t, after a poll at t0 that saw none: the task started within
    # (t0, t], so its rate so far is at least p / (t - t0) and it may end within
    # (1 - p) (t - t0) / p. A late first sample (say 0.7) must not be followed by a long sleep.
    moving = _moving(observations, policy.near_done)
    t, p = moving[0]
    before = [o.at for o in observations if o.at < t and not (o.progress or 0.0) > 0.0]
    if not before:
        return policy.blind_interval
    longest = (1.0 - p) * (t - before[-1]) / p
    return max(policy.min_interval, policy.approach * longest / (1.0 + policy.min_spread))


@dataclass(frozen=True)
class _Steps:
    jump: float  # the largest rise seen right after a flat stretch
    level: float  # the current level
    since: float  # when the current level was first seen
    began_after: float  # the poll before that: the level began between the two
    first: tuple[float, float]  # when and at what level progress was first above 0


def _stepwise(observations: Sequence[Observation]) -> _Steps | None:
    # Progress that moves in steps: flat for a while, then a jump. None until a rise has been
    # seen right after a repeated value above 0 (smooth progress, sampled, rarely repeats).
    numeric = [(o.at, o.progress) for o in observations if o.progress is not None and o.progress > 0]
    jump, since, began_after, flat = 0.0, 0.0, 0.0, False
    for (t0, p0), (t1, p1) in itertools.pairwise(numeric):
        if p1 > p0:
            if flat:
                jump = max(jump, p1 - p0)
            flat, since, began_after = False, t1, t0
        elif p1 == p0:
            flat = True
    if jump <= 0.0:
        return None
    return _Steps(jump=jump, level=numeric[-1][1], since=since, began_after=began_after, first=numeric[0])


def _stepwise_delay(policy: PollPolicy, now: float, steps: _Steps) -> float:
    left = 1.0 - steps.level
    t0, p0 = steps.first
    if left <= steps.jump + 1e-6 or steps.began_after <= t0 or steps.level <= p0:
        # One jump from the end (it may come at any moment, and nothing tells when), or no pace
        # of levels known yet.
        return policy.step_interval
    # The end needs at least `left / jump` more jumps, each taking at least the mean time per
    # level so far (counted from the earliest moment the current level can have begun, so a
    # level seen late does not stretch it) shortened by `step_spread`. Before that moment the
    # end cannot come; after it, poll every step_interval.
    gap = steps.jump * (steps.began_after - t0) / (steps.level - p0)
    soonest = steps.began_after + (left / steps.jump) * gap / (1.0 + policy.step_spread)
    if now < soonest:
        return max(policy.min_interval, policy.approach * (soonest - now))
    return policy.step_interval


@dataclass
class PollSchedule:
    """:func:`next_delay` with its memory: feed it observations, ask it for delays.

    Example:
        >>> s = PollSchedule(started=0.0)
        >>> s.next_delay(now=0.0)
        1.0
    """

    started: float
    policy: PollPolicy = field(default_factory=PollPolicy)
    deadline: float | None = None
    observations: list[Observation] = field(default_factory=list)

    def observe(self, now: float, progress: float | None) -> None:
        """Record a poll's progress."""
        self.observations.append(Observation(now, progress))
        # Keep the first samples (the run's anchor) and a bounded tail.
        if len(self.observations) > 512:
            del self.observations[8:-256]

    def next_delay(self, now: float, hint: float | None = None) -> float:
        """The delay before the next poll."""
        return next_delay(
            self.policy,
            now=now,
            started=self.started,
            observations=self.observations,
            hint=hint,
            deadline=self.deadline,
        )
