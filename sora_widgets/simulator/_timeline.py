"""A simulated task's story over time: when it leaves the queue, how its progress rises, when it ends.

Every timing is drawn from a generator seeded by the task id, so a simulator restarted on the
same state directory reports the same story for the same task.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ._store import SimTask

__all__ = ["SPEEDS", "Snapshot", "progress_at", "timeline"]

SPEEDS = ("instant", "demo", "realistic")


@dataclass(frozen=True)
class Snapshot:
    """A task's state at one instant."""

    status: str
    progress: float | None
    finished_at: float | None


def timeline(task_id: str, model: str, speed: str) -> tuple[float, float, list[float]]:
    """(seconds pending, seconds until done, progress knots) for a new task."""
    rng = random.Random(task_id)
    if speed == "instant":
        pending, total = 0.0, 0.0
    elif speed == "demo":
        pending = rng.uniform(0.4, 1.2)
        total = rng.uniform(5.0, 15.0)
    else:
        pending = rng.uniform(3.0, 25.0)
        # Median about 2.5 minutes, long tail past 10 (longer still for image to video).
        total = min(1200.0, max(60.0, rng.lognormvariate(math.log(150.0), 0.5)))
        if model.endswith("i2v"):
            total *= 1.3
    steps = [rng.uniform(0.3, 1.7) for _ in range(12)]
    acc, knots = 0.0, [0.0]
    for step in steps:
        acc += step
        knots.append(acc)
    knots = [round(k / acc, 4) for k in knots]
    return pending, max(total, pending), knots


def failure_time(task: SimTask, speed: str, *, before_upstream: bool) -> float:
    """Seconds after creation at which a failing task reports ``failed``.

    A task refused before upstream work starts fails right after the queue; others part-way.
    """
    rng = random.Random(task.id + ":fail")
    if before_upstream:
        return task.pending_s + (0.0 if speed == "instant" else rng.uniform(0.3, 1.5))
    return task.pending_s + (task.total_s - task.pending_s) * rng.uniform(0.4, 0.75)


def progress_at(task: SimTask, elapsed: float) -> float:
    """The task's progress ``elapsed`` seconds after creation (0.99 at most)."""
    run = max(1e-6, task.total_s - task.pending_s)
    x = min(1.0, max(0.0, (elapsed - task.pending_s) / run))
    knots = task.knots or [0.0, 1.0]
    # Piecewise-linear through seeded knots: monotonic, but not a straight line.
    pos = x * (len(knots) - 1)
    i = min(len(knots) - 2, int(pos))
    value = knots[i] + (knots[i + 1] - knots[i]) * (pos - i)
    return round(min(0.99, value), 4)
