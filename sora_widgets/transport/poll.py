"""When to poll next: a pure function of what has been seen so far and the time now.

The vendor CLI polls every 5 s. That is wasteful during a long render and still notices the
end 2.5 s late on average. This schedule:

1. polls fast at first (a create can fail at once, for example on moderation);
2. spaces polls out geometrically while the task runs;
3. predicts the end from the reported progress (a straight line through the first and the
   latest progress sample) and lands polls densely around that moment;
4. never polls sooner than the server's ``Retry-After`` and never sleeps past our deadline.

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
    fast_period: float = 3.0
    # After the fast period each delay is the previous one times growth, up to max_interval.
    growth: float = 1.6
    max_interval: float = 20.0
    # While progress predicts a distant end, polls may be spaced further (a failure mid-render is
    # then noticed within this long).
    max_interval_predicted: float = 30.0
    # Around the predicted end we poll this often, so completion is noticed within about a second.
    min_interval: float = 1.0
    finish_window: float = 3.0
    # Past the predicted end we stay dense for this long (or a quarter of the task's age) before
    # concluding the prediction was wrong and backing off again.
    overdue_grace: float = 10.0


@dataclass(frozen=True)
class Observation:
    """One poll's result: when (caller's clock, seconds) and the reported progress (0..1 or None)."""

    at: float
    progress: float | None


def predict_completion(observations: Sequence[Observation]) -> float | None:
    """When progress will reach 1.0 on a straight line through the first and latest samples.

    Returns None until two samples with rising progress exist.

    Example:
        >>> predict_completion([Observation(10, 0.1), Observation(20, 0.2)])
        100.0
    """
    samples = [(o.at, o.progress) for o in observations if o.progress is not None]
    if len(samples) < 2:
        return None
    (t0, p0), (t1, p1) = samples[0], samples[-1]
    if p1 <= p0 or t1 <= t0:
        return None
    rate = (p1 - p0) / (t1 - t0)
    return t1 + max(0.0, 1.0 - p1) / rate


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
    eta = predict_completion(observations)
    if eta is not None:
        until = eta - now
        if until <= policy.finish_window:
            overdue = -until
            if overdue <= max(policy.overdue_grace, 0.25 * (eta - started)):
                delay = policy.min_interval
        else:
            # Trust the prediction enough to stretch the pace, but land the next poll inside the
            # finish window rather than sleeping past the end.
            if previous_delay is not None and now - started >= policy.fast_period:
                stretched = max(policy.fast_interval, previous_delay * policy.growth)
                delay = min(policy.max_interval_predicted, stretched)
            delay = min(delay, max(policy.min_interval, until - policy.finish_window / 2))
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
