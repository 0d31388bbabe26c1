"""Benchmark 1: how soon a finished job is noticed, and how many polls that costs.

Our poller (:class:`sora_widgets.SoraClient.wait`, driven by the pure schedule in
:mod:`sora_widgets.transport.poll`) races a fixed 5 s poller (what the vendor CLI does) and a
fixed 1 s poller on the *same* simulated jobs: for every job, all three watch the same task at
once. The simulator runs at its ``realistic`` speed (1-5 minutes, irregular progress, a tail
past 5) with task ids drawn from a seeded generator, so every run sees the same jobs.

Time is virtual and exact: the simulator and the three clients share one fake clock, and the
clients sleep through an injected ``sleep`` that a driver resolves in time order once every
watcher is asleep. Figures are therefore the unscaled, real-world equivalents (a 3-minute job
is 3 minutes on the fake clock), and a run of hundreds of jobs takes seconds.

Notice delay = fake-clock time of the poll that first saw ``completed`` minus the moment the
simulator's task completed (``created_at + total_s``).
"""

from __future__ import annotations

import asyncio
import heapq
import random
import tempfile
import time
from collections.abc import Awaitable, Coroutine
from typing import Any

import httpx

from ._common import Report, Target, fmt, median, percentile

T0 = 1_800_000_000.0  # the fake clock starts at a plausible unix time
PROMPT = "A paper boat drifting down a rain gutter, macro lens"
ALPHABET = "0123456789abcdefghijklmnopqrstuv"
# Where in a job our poller spends its polls (for explaining the request count).
PHASES = ("queued", "first 30 s running", "middle", "last 15 s", "after the end")


class VirtualTime:
    """A fake clock and a sleep that advances it, for coroutines that only wait by sleeping.

    ``run`` starts the coroutines; whenever every one of them is parked in :meth:`sleep`, the
    earliest sleeper is woken and the clock jumps to its wake time. Work in between (HTTP to the
    in-process simulator, which may use threads) takes no virtual time.
    """

    def __init__(self, start: float) -> None:
        self.now = start
        self._heap: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0
        self._active = 0
        self._changed: asyncio.Event | None = None

    def clock(self) -> float:
        """The fake time (seconds)."""
        return self.now

    async def sleep(self, delay: float) -> None:
        """Park until the fake clock reaches now + delay."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._seq += 1
        heapq.heappush(self._heap, (self.now + max(0.0, float(delay)), self._seq, future))
        assert self._changed is not None
        self._changed.set()
        await future

    async def run(self, coros: list[Coroutine[Any, Any, Any]]) -> list[Any]:
        """Run the coroutines to the end on the fake clock; return their results in order."""
        self._changed = asyncio.Event()
        self._active = len(coros)

        failures: list[BaseException] = []

        async def tracked(coro: Awaitable[Any]) -> Any:
            try:
                return await coro
            except Exception as exc:
                failures.append(exc)
                raise
            finally:
                self._active -= 1
                assert self._changed is not None
                self._changed.set()

        tasks = [asyncio.ensure_future(tracked(c)) for c in coros]
        try:
            while self._active:
                while len(self._heap) < self._active:
                    self._changed.clear()
                    await self._changed.wait()
                    if failures:
                        raise failures[0]  # a watcher crashed: report it rather than hang
                if not self._heap:
                    continue
                when, _, future = heapq.heappop(self._heap)
                self.now = max(self.now, when)
                future.set_result(None)
                # Let the woken coroutine run before counting sleepers again.
                await asyncio.sleep(0)
        finally:
            for t in tasks:
                t.cancel()
            for _, _, future in self._heap:
                future.cancel()
            self._heap.clear()
        return [t.result() for t in tasks]


class CountingTransport(httpx.AsyncBaseTransport):
    """An httpx transport that counts poll requests on their way to an inner transport."""

    def __init__(self, inner: httpx.AsyncBaseTransport, clock: Any = None) -> None:
        self.inner = inner
        self.clock = clock
        self.polls = 0
        self.other = 0
        self.log: list[tuple[str, float]] = []  # (task id, time) of every poll

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and "/task/" in request.url.path:
            self.polls += 1
            if self.clock is not None:
                self.log.append((request.url.path.rsplit("/", 1)[-1], self.clock()))
        else:
            self.other += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _bench(jobs: int, seed: int) -> dict[str, Any]:
    from sora_widgets import SoraClient
    from sora_widgets.simulator import Simulator

    vt = VirtualTime(T0)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="bench-poll-") as tmp:
        sim = Simulator(speed="realistic", state_dir=tmp, clock=vt.clock)
        # Seeded task ids: the simulator draws each task's timeline from its id, so the same jobs
        # come back on every run (its own ids come from `secrets`).
        sim.engine._new_id = lambda: "".join(rng.choice(ALPHABET) for _ in range(20))

        def client() -> tuple[SoraClient, CountingTransport]:
            counter = CountingTransport(httpx.ASGITransport(app=sim.app), vt.clock)
            c = SoraClient(
                simulate=True,
                httpx_transport=counter,
                journal=False,
                download_dir=tmp,
                auto_download=False,
                sleep=vt.sleep,
                clock=vt.clock,
                rand=random.Random(seed + 1).random,
            )
            return c, counter

        ours, ours_n = client()
        fixed5, fixed5_n = client()
        fixed1, fixed1_n = client()
        tasks = [await ours.create(prompt=PROMPT, size="1280x720", seconds=4) for _ in range(jobs)]
        # Identical requests share one rendered file: render it once, outside the fake clock.
        await asyncio.to_thread(sim.wait_rendered, tasks[0].id, 300.0)

        async def watch_ours(task: Any) -> float:
            await ours.wait(task, timeout=3 * 3600, download=False)
            return vt.now

        async def watch_fixed(c: SoraClient, task_id: str, every: float) -> float:
            while True:
                await vt.sleep(every)
                if (await c.get(task_id)).is_terminal:
                    return vt.now

        coros: list[Coroutine[Any, Any, float]] = []
        for t in tasks:
            coros += [watch_ours(t), watch_fixed(fixed5, t.id, 5.0), watch_fixed(fixed1, t.id, 1.0)]
        noticed = await vt.run(coros)
        finished, lengths = [], []
        phases = dict.fromkeys(PHASES, 0)
        timeline = {}
        for t in tasks:
            st = sim.task(t.id)
            assert st is not None
            finished.append(st.created_at + st.total_s)
            lengths.append(st.total_s)
            timeline[t.id] = (st.created_at, st.pending_s, st.total_s)
        for task_id, at in ours_n.log:
            created, pending, total = timeline[task_id]
            age = at - created
            if age < pending:
                phases["queued"] += 1
            elif age < pending + 30:
                phases["first 30 s running"] += 1
            elif age < total - 15:
                phases["middle"] += 1
            elif age < total:
                phases["last 15 s"] += 1
            else:
                phases["after the end"] += 1
        delays: dict[str, list[float]] = {"ours": [], "fixed 5 s": [], "fixed 1 s": []}
        for i, end in enumerate(finished):
            for j, name in enumerate(delays):
                delays[name].append(noticed[3 * i + j] - end)
        for c in (ours, fixed5, fixed1):
            await c.aclose()
        sim.close()
    return {
        "delays": delays,
        "polls": {"ours": ours_n.polls, "fixed 5 s": fixed5_n.polls, "fixed 1 s": fixed1_n.polls},
        "lengths": lengths,
        "phases": {k: v / jobs for k, v in phases.items()},
    }


def run(quick: bool = False) -> Report:
    """Race the three pollers on the same jobs and report notice delays and polls per job."""
    jobs = 6 if quick else 100
    started = time.perf_counter()
    data = asyncio.run(_bench(jobs, seed=8))
    delays, polls, lengths = data["delays"], data["polls"], data["lengths"]
    rows = []
    for name in delays:
        d = delays[name]
        rows.append(
            [
                name,
                fmt(median(d), 2, " s"),
                fmt(percentile(d, 95), 2, " s"),
                fmt(max(d), 2, " s"),
                fmt(polls[name] / jobs, 1),
                fmt(polls[name] / polls["fixed 5 s"], 2, "x"),
            ]
        )
    p95 = percentile(delays["ours"], 95)
    ratio = polls["ours"] / polls["fixed 5 s"]
    report = Report(
        key="polling",
        title="1. Polling: completion -> noticed, on the same simulated jobs",
        columns=["poller", "median delay", "p95 delay", "max delay", "polls/job", "polls vs fixed 5 s"],
        rows=rows,
        targets=[
            Target("notice delay", "p95 <= 1 s (unscaled)", fmt(p95, 2, " s"), p95 <= 1.0),
            Target(
                "notice delay (median)",
                "<= 1 s",
                fmt(median(delays["ours"]), 2, " s"),
                median(delays["ours"]) <= 1.0,
            ),
            Target("requests", "<= 1/3 of fixed 5 s", fmt(ratio, 2, "x"), ratio <= 1 / 3),
        ],
        notes=[
            f"{jobs} jobs on the simulator's realistic speed, lengths {min(lengths):.0f}-"
            f"{max(lengths):.0f} s (median {median(lengths):.0f} s), irregular progress; exact "
            "virtual time (fake clock + injected sleep), so delays are unscaled real-world seconds.",
            "Where our poller's polls go, per job: "
            + ", ".join(f"{k} {v:.1f}" for k, v in data["phases"].items())
            + f" (a third of fixed 5 s would be {polls['fixed 5 s'] / jobs / 3:.1f} in all).",
        ],
    )
    report.seconds = time.perf_counter() - started
    return report


if __name__ == "__main__":
    import sys

    print(run(quick="--quick" in sys.argv).as_text())
