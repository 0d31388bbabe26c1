"""When to poll next: a pure function of what has been seen so far and the time now.

The vendor CLI polls every 5 s. That is wasteful during a long render and still notices the
end 2.5 s late on average. This schedule:

1. polls fast at first (a create can fail at once, for example on moderation);
2. spaces polls out geometrically while nothing predicts the end (pending, no progress);
3. once progress moves, predicts the end at the fastest rate seen so far and closes in on it
   geometrically (each poll re-predicts), then polls every second around it; progress held
   just below 1.0 means the end is imminent;
4. never polls sooner than the server's ``Retry-After`` and never sleeps past our deadline.

On the simulator's realistic jobs (1-6 minutes, irregular progress) this notices completion
within a second (p95 0.95 s, max 0.99 s) with 0.46x the requests of a fixed 5 s loop
(``python -m benchmarks.polling``).

Nothing here sleeps or reads a clock: the caller passes ``now``, so tests assert exact
schedules without waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Observation", "PollPolicy", "PollSchedule", "next_delay", "predict_completion"]


@dataclass(frozen=True)
class PollPolicy:
    """The knobs of the schedule, in seconds."""

    # First polls come quickly: failures (moderation, bad image) are reported within seconds.
    fast_interval: float = 1.0
    fast_period: float = 1.0
    # Without a usable prediction each delay is the previous one times growth, up to max_interval.
    growth: float = 1.6
    max_interval: float = 20.0
    # Once progress is seen, a second sample comes within this long, to learn the rate.
    second_sample: float = 10.0
    # While progress predicts a distant end, sleep this fraction of the predicted remaining time
    # (each poll refines the prediction), at most max_interval_predicted.
    approach: float = 0.65
    max_interval_predicted: float = 45.0
    # The progress rate is measured over at least this span of recent samples (local rate:
    # render speed changes during a job, and the last stretch decides when it ends).
    rate_span: float = 8.0
    # Around the predicted end we poll this often, so completion is noticed within about a second.
    min_interval: float = 1.0
    finish_window: float = 2.0
    # Past the predicted end we stay dense for this long (or a quarter of the task's age) before
    # concluding the prediction was wrong and backing off again; longer when progress is high.
    overdue_grace: float = 10.0
    high_progress: float = 0.9
    high_progress_grace: float = 60.0
    # Gateways hold progress just below 1 until the file is ready: at or above this, the end is
    # imminent whatever the rate says, so poll densely (for up to high_progress_grace).
    near_done: float = 0.985


@dataclass(frozen=True)
class Observation:
    """One poll's result: when (caller's clock, seconds) and the reported progress (0..1 or None)."""

    at: float
    progress: float | None


def predict_completion(observations: Sequence[Observation], *, rate_span: float = 0.0) -> float | None:
    """When progress will reach 1.0, at the fastest rate seen so far.

    Render speed varies during a job, and sleeping through a speed-up costs a late notice
    while a slow-down only costs an extra poll; so the rate is the highest measured between
    samples at least ``rate_span`` seconds apart (and over the whole history). Returns None
    until two samples with rising progress exist.

    Example:
        >>> predict_completion([Observation(10, 0.1), Observation(20, 0.2)])
        100.0
    """
    samples = [(o.at, o.progress) for o in observations if o.progress is not None]
    if len(samples) < 2:
        return None
    t1, p1 = samples[-1]
    rates: list[float] = []
    start_t, start_p = samples[0]
    if p1 > start_p and t1 > start_t:
        rates.append((p1 - start_p) / (t1 - start_t))
    anchor_t, anchor_p = samples[0]
    for t, p in samples[1:]:
        if t - anchor_t >= rate_span and t > anchor_t:
            if p > anchor_p:
                rates.append((p - anchor_p) / (t - anchor_t))
            anchor_t, anchor_p = t, p
    if not rates:
        return None
    return t1 + max(0.0, 1.0 - p1) / max(rates)


def next_delay(
    policy: PollPolicy,
    *,
    now: float,
    started: float,
    previous_delay: float | None,
    observations: Sequence[Observation] = (),
    hint: float | None = None,
    deadline: float | None = None,
) -> float:
    """Seconds to wait before the next poll.

    Args:
        policy: the knobs.
        now: the current time on the caller's clock.
        started: when waiting began, on the same clock.
        previous_delay: the delay chosen last time, or None before the first.
        observations: progress samples so far.
        hint: the server's Retry-After, if any; we never poll sooner.
        deadline: our give-up time; we never sleep past it.
    """
    if now - started < policy.fast_period or previous_delay is None:
        delay = policy.fast_interval
    else:
        delay = min(policy.max_interval, max(policy.fast_interval, previous_delay * policy.growth))
    progress = next((o.progress for o in reversed(observations) if o.progress is not None), None)
    eta = predict_completion(observations, rate_span=policy.rate_span)
    near_since = next(
        (o.at for o in observations if o.progress is not None and o.progress >= policy.near_done), None
    )
    if near_since is not None and now - near_since <= policy.high_progress_grace:
        delay = policy.min_interval
    elif eta is not None:
        until = eta - now
        if until <= policy.finish_window:
            overdue = -until
            grace = max(policy.overdue_grace, 0.25 * (eta - started))
            if progress is not None and progress >= policy.high_progress:
                grace = max(grace, policy.high_progress_grace)
            if overdue <= grace:
                delay = policy.min_interval
        else:
            # Close in on the predicted end geometrically, re-predicting at every poll, and land
            # just inside the finish window.
            delay = min(policy.max_interval_predicted, until * policy.approach)
            delay = max(policy.min_interval, min(delay, until - policy.finish_window / 2))
    elif progress is not None:
        delay = min(delay, policy.second_sample)
    if hint is not None and hint > delay:
        delay = hint
    if deadline is not None:
        delay = min(delay, max(0.0, deadline - now))
    return delay


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
    previous_delay: float | None = None

    def observe(self, now: float, progress: float | None) -> None:
        """Record a poll's progress."""
        self.observations.append(Observation(now, progress))
        # Keep the first sample (the line's anchor) and a bounded tail.
        if len(self.observations) > 64:
            del self.observations[1:-32]

    def next_delay(self, now: float, hint: float | None = None) -> float:
        """The delay before the next poll (remembered for the geometric growth)."""
        delay = next_delay(
            self.policy,
            now=now,
            started=self.started,
            previous_delay=self.previous_delay,
            observations=self.observations,
            hint=hint,
            deadline=self.deadline,
        )
        # Growth continues from the schedule's own pace, not from a one-off server hint.
        if hint is None or delay != hint:
            self.previous_delay = delay
        return delay
