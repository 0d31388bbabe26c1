"""Per-student rate limits: a token bucket per (student, kind), the clock injected.

Kept in memory by each gateway process: with several processes behind a load balancer each
enforces its own limit (the budget, which is what costs money, is shared in the database).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limit", "RateLimiter"]


@dataclass(frozen=True)
class Limit:
    """``burst`` requests at once, refilled at ``per_second``."""

    burst: float
    per_second: float

    @classmethod
    def parse(cls, text: str) -> Limit:
        """``"12/min"``, ``"5/s"``, ``"100/h"`` (burst = the count, but at least 1)."""
        count_text, _, unit = text.strip().partition("/")
        seconds = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0, "h": 3600.0}
        try:
            count = float(count_text)
            span = seconds[unit.strip().lower() or "s"]
        except (ValueError, KeyError):
            raise ValueError(f"{text!r} is not a rate such as 12/min or 5/s") from None
        if not math.isfinite(count) or count <= 0:
            raise ValueError(f"{text!r}: the count must be above 0")
        return cls(burst=max(1.0, count), per_second=count / span)


# Creates cost money and take minutes, so a few a minute is plenty for one student (a sweep in
# the Prompt Lab is refused politely and its client waits for Retry-After). Polls are cheap but
# every running task polls, so the poll limit leaves room for a batch of four.
DEFAULT_LIMITS: dict[str, Limit] = {
    "create": Limit(burst=6, per_second=12 / 60),
    "poll": Limit(burst=40, per_second=10),
    "admin": Limit(burst=40, per_second=10),
}


class RateLimiter:
    """Token buckets keyed by (who, kind).

    Example:
        >>> limiter = RateLimiter({"create": Limit(burst=2, per_second=1)}, clock=lambda: 0.0)
        >>> limiter.take("alice", "create"), limiter.take("alice", "create"), limiter.take("alice", "create")
        (0.0, 0.0, 1.0)
    """

    def __init__(
        self, limits: dict[str, Limit] | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self._clock = clock
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}  # -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, who: str, kind: str) -> float:
        """Take one token: 0.0 when allowed, else the seconds until one is available."""
        limit = self.limits.get(kind)
        if limit is None:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get((who, kind), (limit.burst, now))
            tokens = min(limit.burst, tokens + (now - at) * limit.per_second)
            if tokens >= 1.0:
                self._buckets[(who, kind)] = (tokens - 1.0, now)
                return 0.0
            self._buckets[(who, kind)] = (tokens, now)
            return (1.0 - tokens) / limit.per_second
