"""The polling benchmark's family of progress models: every way a service reports progress.

Each kind draws its parameters at random from the job's seed; every kind has job lengths from
30 s to 10 min (log-uniform: short jobs are as common as long ones per octave) and noise of
0-5 % (sd, in progress units) on every reported value above 0:

- ``noisy linear``: a straight line with a slow wobble (up to 3 %);
- ``S-curve``: slow start, fast middle, slowing end (a logistic blended with a line);
- ``steps``: 2-10 levels at irregular times (gaps 0.5-1.5x their mean), the levels noisy too;
  the last jump is the end;
- ``stall and catch up``: a line that stalls anywhere for any length, then catches up at any
  speed (1.2x-30x, a near-jump) until it is back on the line, at the latest at 97 % of the job;
- ``queued at 0``: progress exactly 0 for 5-70 % of the job, then a line;
- ``held below 1``: a line up to 0.9-0.995, held there (noisily) for the last 3-30 % of the job
  while the file is prepared;
- ``jumps backwards``: a line that falls back once or twice (to 10-80 % of where it was, a
  stage restarting) and runs on faster from there to the end;
- ``reported every few polls``: a noisy line or S-curve whose progress only one poll in 2-5
  sees (missing, ``None``, on the others);
- ``missing``: no progress at all.

Reported progress is rounded to 4 decimals and never exceeds 0.99 before the end (like the
simulator and the real service). Noise and gaps are functions of the poll's time, so every
poller sees the same value at the same moment.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

KINDS = (
    "noisy linear",
    "S-curve",
    "steps",
    "stall and catch up",
    "queued at 0",
    "held below 1",
    "jumps backwards",
    "reported every few polls",
    "missing",
)
# Kinds whose progress tells when the end comes (the tighter notice target). The others
# are dark for part of each job (the last level of steps; a hold below 1) or all of it (missing).
INFORMATIVE = (
    "noisy linear",
    "S-curve",
    "stall and catch up",
    "queued at 0",
    "jumps backwards",
    "reported every few polls",
)
SHORTEST, LONGEST = 30.0, 600.0
MAX_NOISE = 0.05


@dataclass(frozen=True)
class Job:
    """One simulated job: it ends at ``length`` s; ``shape(x)`` is its true progress at x = t / length."""

    kind: str
    seed: int
    length: float
    shape: Callable[[float], float | None]
    noise: float = 0.0
    dark: float = 0.0  # seconds before the end during which progress says nothing about it
    reported: float = 1.0  # the share of polls that see progress at all

    def progress(self, t: float) -> float | None:
        """The progress a poll at time t < length reports."""
        p = self.shape(t / self.length)
        if p is None:
            return None
        draw = random.Random(f"{self.seed}:{t:.3f}")
        if self.reported < 1.0 and draw.random() >= self.reported:
            return None
        if self.noise and p > 0.0:
            p += draw.gauss(0.0, self.noise)
        return round(min(0.99, max(0.0, p)), 4)


Shape = tuple[Callable[[float], float | None], float]  # shape, dark fraction (of the job)


def _line(rng: random.Random) -> Callable[[float], float]:
    amp, cycles, phase = rng.uniform(0.0, 0.03), rng.uniform(0.5, 2.0), rng.uniform(0.0, 2 * math.pi)

    def wave(x: float) -> float:
        return math.sin(2 * math.pi * cycles * x + phase)

    def shape(x: float) -> float:
        return x + amp * (wave(x) - wave(0) - x * (wave(1) - wave(0))) / (2 * math.pi * cycles)

    return shape


def _noisy_linear(rng: random.Random) -> Shape:
    return _line(rng), 0.0


def _s_curve_shape(rng: random.Random) -> Callable[[float], float]:
    k, mid, blend = rng.uniform(6.0, 12.0), rng.uniform(0.35, 0.65), rng.uniform(0.5, 0.8)

    def logistic(x: float) -> float:
        return 1.0 / (1.0 + math.exp(-k * (x - mid)))

    lo, hi = logistic(0.0), logistic(1.0)
    return lambda x: (1 - blend) * x + blend * (logistic(x) - lo) / (hi - lo)


def _s_curve(rng: random.Random) -> Shape:
    return _s_curve_shape(rng), 0.0


def _steps(rng: random.Random) -> Shape:
    n = rng.randint(2, 10)
    gaps = [rng.uniform(0.5, 1.5) for _ in range(n)]
    total, acc, times = sum(gaps), 0.0, []
    for g in gaps:
        acc += g
        times.append(acc / total)
    # The last level says nothing about when the last jump (the end) comes.
    return (lambda x: sum(1 for t in times[:-1] if x >= t) / n), 1.0 - times[-2]


def _stall(rng: random.Random) -> Shape:
    at = rng.uniform(0.05, 0.85)
    until = rng.uniform(at + 0.02, 0.92)
    # Any speed, but back on the line by 97 % of the job (a catch-up that is the end is a jump
    # to done: the last level of steps).
    speed = max(math.exp(rng.uniform(math.log(1.2), math.log(30.0))), (0.97 - at) / (0.97 - until))
    back = (speed * until - at) / (speed - 1)

    def shape(x: float) -> float:
        if x < at:
            return x
        if x < until:
            return at
        if x < back:
            return at + speed * (x - until)
        return x

    return shape, 0.0


def _queued(rng: random.Random) -> Shape:
    queued = rng.uniform(0.05, 0.7)
    return (lambda x: 0.0 if x < queued else (x - queued) / (1 - queued)), 0.0


def _held(rng: random.Random) -> Shape:
    level, hold = rng.uniform(0.9, 0.995), rng.uniform(0.03, 0.3)
    return (lambda x: min(level, x * level / (1 - hold))), hold


def _backwards(rng: random.Random) -> Shape:
    # One or two falls: at x_i progress drops to a share of its value, then runs straight from
    # there to 1 at the end (faster than before: a stage restarted, the total is the same).
    falls = sorted(rng.uniform(0.15, 0.85) for _ in range(rng.randint(1, 2)))
    keep = [rng.uniform(0.1, 0.8) for _ in falls]
    knots = [(0.0, 0.0)]  # (x, progress right after x): piecewise lines towards (1, 1)
    for x, share in zip(falls, keep, strict=True):
        x0, p0 = knots[-1]
        before = p0 + (1.0 - p0) * (x - x0) / (1.0 - x0)
        knots.append((x, before * share))

    def shape(x: float) -> float:
        x0, p0 = next(k for k in reversed(knots) if k[0] <= x)
        return p0 + (1.0 - p0) * (x - x0) / (1.0 - x0)

    return shape, 0.0


def _sparse(rng: random.Random) -> Shape:
    return (_s_curve_shape(rng) if rng.random() < 0.5 else _line(rng)), 0.0


def _missing(rng: random.Random) -> Shape:
    return (lambda x: None), 1.0


MAKERS: dict[str, Callable[[random.Random], Shape]] = dict(
    zip(
        KINDS,
        (_noisy_linear, _s_curve, _steps, _stall, _queued, _held, _backwards, _sparse, _missing),
        strict=True,
    )
)


def make_job(kind: str, seed: int) -> Job:
    """The job of this kind for this seed (the same on every run)."""
    rng = random.Random(f"{kind}:{seed}")
    length = math.exp(rng.uniform(math.log(SHORTEST), math.log(LONGEST)))
    noise = rng.uniform(0.0, MAX_NOISE)
    reported = 1.0 / rng.randint(2, 5) if kind == "reported every few polls" else 1.0
    shape, dark = MAKERS[kind](rng)
    return Job(kind, seed, length, shape, noise, dark * length, reported)
