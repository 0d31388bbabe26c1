"""Retry policies, built on tenacity, with sleep, clock and randomness injected.

Two policies, because a poll and a create differ in what a resend costs:

- **poll**: a GET is harmless to repeat, so connection failures, timeouts, 429, 5xx and
  malformed answers are all retried with capped, jittered exponential backoff.
- **create**: there is no idempotency key, so a POST that may have reached the service is
  never resent. Only a connection that was never made (``ConnectionFailed.request_sent`` is
  False) and a 429 refusal are retried; anything else that went wrong after sending is an
  unknown outcome (:func:`create_outcome_unknown`).

A server's ``Retry-After`` always wins over our own backoff. :class:`RateGate` makes every
request of a client wait out a 429 together, so a batch backs off as one.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable

import tenacity

from .._constants import (
    CREATE_RETRY_ATTEMPTS,
    MAX_SERVER_HINT_S,
    POLL_RETRY_ATTEMPTS,
    RETRY_BASE_S,
    RETRY_CAP_S,
)
from ..errors import (
    ConnectionFailed,
    MalformedResponse,
    RateLimitError,
    RequestTimeout,
    ServerError,
    SoraError,
)

__all__ = [
    "POLL_RETRYABLE",
    "RETRY_AFTER_CAP_S",
    "Clock",
    "RateGate",
    "Sleep",
    "backoff_delay",
    "create_may_retry",
    "create_outcome_unknown",
    "create_retrying",
    "poll_may_retry",
    "poll_retrying",
    "retry_delay",
]

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
Rand = Callable[[], float]

POLL_RETRYABLE: tuple[type[SoraError], ...] = (
    ConnectionFailed,
    RequestTimeout,
    RateLimitError,
    ServerError,
    MalformedResponse,
)
# A Retry-After longer than this is clipped: we would rather ask again than sleep for an hour.
# The same ceiling as every other server hint (parse_retry_after applies it at the source).
RETRY_AFTER_CAP_S = MAX_SERVER_HINT_S
# When a 429 carries no Retry-After, the whole client holds back this long.
DEFAULT_RATE_LIMIT_PAUSE_S = 2.0


def backoff_delay(
    attempt: int, *, base: float = RETRY_BASE_S, cap: float = RETRY_CAP_S, rand: Rand = random.random
) -> float:
    """Delay before retry number ``attempt`` (1-based): "equal jitter" exponential backoff.

    The ceiling doubles from ``base`` up to ``cap``; the delay is uniform in [ceiling/2, ceiling],
    so clients that failed together do not retry together, and never retry at once.

    Example:
        >>> [backoff_delay(n, base=1, cap=8, rand=lambda: 1.0) for n in range(1, 6)]
        [1.0, 2.0, 4.0, 8.0, 8.0]
    """
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return float(ceiling / 2 + (ceiling / 2) * rand())


def retry_delay(
    error: BaseException | None,
    attempt: int,
    *,
    base: float = RETRY_BASE_S,
    cap: float = RETRY_CAP_S,
    rand: Rand = random.random,
) -> float:
    """Delay before the next attempt after ``error``: the server's Retry-After if it sent one
    (clipped to :data:`RETRY_AFTER_CAP_S`), otherwise :func:`backoff_delay`."""
    hint = getattr(error, "retry_after", None)
    if isinstance(hint, (int, float)) and math.isfinite(hint) and hint >= 0:
        return min(float(hint), RETRY_AFTER_CAP_S)
    return backoff_delay(attempt, base=base, cap=cap, rand=rand)


def poll_may_retry(error: BaseException) -> bool:
    """True for the failures a poll rides out."""
    return isinstance(error, POLL_RETRYABLE)


def create_may_retry(error: BaseException) -> bool:
    """True only when resending a create cannot start a second task."""
    if isinstance(error, RateLimitError):
        return True
    return isinstance(error, ConnectionFailed) and not error.request_sent


def create_outcome_unknown(error: BaseException) -> bool:
    """True when a failed create may nonetheless have started (and billed) a task."""
    if isinstance(error, ConnectionFailed):
        return error.request_sent
    return isinstance(error, (RequestTimeout, ServerError, MalformedResponse))


class _HintedWait(tenacity.wait.wait_base):
    """tenacity wait that honours Retry-After and never sleeps past a deadline."""

    def __init__(self, *, base: float, cap: float, rand: Rand, deadline: float | None, clock: Clock) -> None:
        self.base, self.cap, self.rand = base, cap, rand
        self.deadline, self.clock = deadline, clock

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        delay = retry_delay(error, retry_state.attempt_number, base=self.base, cap=self.cap, rand=self.rand)
        if self.deadline is not None:
            delay = max(0.0, min(delay, self.deadline - self.clock()))
        return delay


def _retrying(
    predicate: Callable[[BaseException], bool],
    *,
    attempts: int,
    sleep: Sleep,
    rand: Rand,
    base: float,
    cap: float,
    deadline: float | None,
    clock: Clock,
) -> tenacity.AsyncRetrying:
    stop: tenacity.stop.stop_base = tenacity.stop_after_attempt(attempts)
    if deadline is not None:
        stop = stop | _StopAtDeadline(deadline, clock)
    return tenacity.AsyncRetrying(
        sleep=sleep,
        stop=stop,
        wait=_HintedWait(base=base, cap=cap, rand=rand, deadline=deadline, clock=clock),
        retry=tenacity.retry_if_exception(predicate),
        reraise=True,
    )


class _StopAtDeadline(tenacity.stop.stop_base):
    """Stop retrying once the deadline has passed."""

    def __init__(self, deadline: float, clock: Clock) -> None:
        self.deadline, self.clock = deadline, clock

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return self.clock() >= self.deadline


def poll_retrying(
    *,
    attempts: int = POLL_RETRY_ATTEMPTS,
    sleep: Sleep = asyncio.sleep,
    rand: Rand = random.random,
    base: float = RETRY_BASE_S,
    cap: float = RETRY_CAP_S,
    deadline: float | None = None,
    clock: Clock = time.monotonic,
) -> tenacity.AsyncRetrying:
    """The tenacity policy for one poll: retries :data:`POLL_RETRYABLE` errors.

    Example:
        >>> from sora_widgets.simulator import FaultPlan, Simulator
        >>> from sora_widgets.transport.http import Transport
        >>> sim = Simulator(speed="instant", faults=FaultPlan(poll_http=[503, 503]))
        >>> transport = Transport("http://simulator.invalid", "my-key", app=sim.app)
        >>> body = {"model": "sora_2_pro_t2v", "input": [{"params": {"prompt": "A kite"}}]}
        >>> task_id = (await transport.create(body)).data["id"]
        >>> async def fake_sleep(seconds: float) -> None:   # tests do not wait
        ...     pass
        >>> async for attempt in poll_retrying(sleep=fake_sleep):   # two 503s, then the task
        ...     with attempt:
        ...         answer = await transport.get_task(task_id)
        >>> answer.data["id"] == task_id
        True
        >>> await transport.aclose()
    """
    return _retrying(
        poll_may_retry,
        attempts=attempts,
        sleep=sleep,
        rand=rand,
        base=base,
        cap=cap,
        deadline=deadline,
        clock=clock,
    )


def create_retrying(
    *,
    attempts: int = CREATE_RETRY_ATTEMPTS,
    sleep: Sleep = asyncio.sleep,
    rand: Rand = random.random,
    base: float = RETRY_BASE_S,
    cap: float = RETRY_CAP_S,
) -> tenacity.AsyncRetrying:
    """The tenacity policy for a create: retries only what :func:`create_may_retry` allows."""
    return _retrying(
        create_may_retry,
        attempts=attempts,
        sleep=sleep,
        rand=rand,
        base=base,
        cap=cap,
        deadline=None,
        clock=time.monotonic,
    )


class RateGate:
    """Holds every request of one client back after a 429, so concurrent jobs back off together.

    Example:
        >>> gate = RateGate(clock=lambda: 100.0)
        >>> gate.block(5)
        >>> gate.remaining()
        5.0
    """

    def __init__(self, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._until = 0.0
        self.blocks = 0  # how many 429s closed the gate (for tests and diagnostics)

    def block(self, seconds: float | None) -> None:
        """Close the gate for ``seconds`` (the Retry-After), or a short default when unknown."""
        if seconds is None or not math.isfinite(seconds):
            pause = DEFAULT_RATE_LIMIT_PAUSE_S
        else:
            pause = min(max(seconds, 0.0), RETRY_AFTER_CAP_S)
        self._until = max(self._until, self._clock() + pause)
        self.blocks += 1

    def remaining(self) -> float:
        """Seconds until requests may go again (0 when open)."""
        return max(0.0, self._until - self._clock())

    async def wait(self, deadline: float | None = None) -> None:
        """Return once the gate is open (at once when it is), or at ``deadline`` (same clock),
        whichever comes first: a server's pause never holds a caller past its own deadline."""
        while (left := self.remaining()) > 0:
            if deadline is not None:
                left = min(left, deadline - self._clock())
                if left <= 0:
                    return
            await self._sleep(left)
