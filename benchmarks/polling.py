"""Benchmark 1: how soon a finished job is noticed, and how many polls that costs.

Progress is evidence, not a clock, and services report it in many ways. Our schedule
(:mod:`sora_widgets.transport.poll`) is therefore measured on a **family** of progress models
and its neighbours (``benchmarks/_family.py``): nine kinds (noisy linear, S-curve, steps, stall
and catch up, queued at 0, held below 1, jumps backwards, reported every few polls, missing),
each with its parameters drawn at random, job lengths from 30 s to 10 min and noise of 0-5 % on
every shape. Side by side on the same jobs: our schedule, a fixed 5 s loop (the vendor CLI) and
a fixed 1 s loop; each poller's first poll is the create answer at t = 0. Notice delay = the
time of the poll that first sees the end minus the end.

The family comparison is a pure simulation in exact virtual time (the schedule is a pure
function with the clock injected), so figures are unscaled real-world seconds and thousands of
jobs take seconds. The policy's defaults were tuned on ``TUNING_SEEDS``; the figures reported
come from ``HELD_OUT_SEEDS``, which the tuning never saw (``--tuning`` prints the tuning set).

One end-to-end path is measured too: ``SoraClient.wait`` against the in-process simulator over
HTTP (its own ``realistic`` progress model), on a fake clock shared by the simulator and the
clients (the driver resolves the injected sleeps in time order).

A full run also draws one picture per kind (``benchmarks/images/polling-*.png``): the progress
curve with our polls and the fixed 5 s loop's as ticks.
"""

from __future__ import annotations

import asyncio
import heapq
import math
import random
import tempfile
import time
from collections.abc import Awaitable, Coroutine
from pathlib import Path
from typing import Any

import httpx

from ._common import Report, Target, fmt, median, percentile
from ._family import INFORMATIVE, KINDS, Job, make_job

T0 = 1_800_000_000.0  # the fake clock starts at a plausible unix time
PROMPT = "A paper boat drifting down a rain gutter, macro lens"
ALPHABET = "0123456789abcdefghijklmnopqrstuv"
# Where in a job our poller spends its polls (for explaining the request count).
PHASES = ("queued", "first 30 s running", "middle", "last 15 s", "after the end")

TUNING_SEEDS = range(200)
HELD_OUT_SEEDS = range(100_000, 100_400)
IMAGES = Path(__file__).resolve().parent / "images"
# A poll every I s notices a uniformly placed end with a p95 of 0.95 I: p95 <= 5 s needs I <= this.
DARK_INTERVAL = 5.0 / 0.95


def poll_ours(job: Job, policy: Any = None) -> list[float]:
    """Our schedule's poll times on this job (t = 0 is the create answer; the last sees the end)."""
    from sora_widgets.transport.poll import PollPolicy, PollSchedule

    schedule = PollSchedule(started=0.0, policy=policy or PollPolicy())
    now, polls = 0.0, []
    while True:
        polls.append(now)
        if now >= job.length:
            return polls
        schedule.observe(now, job.progress(now))
        now += schedule.next_delay(now)


def poll_fixed(job: Job, every: float) -> list[float]:
    """A fixed loop's poll times on this job."""
    return [i * every for i in range(math.ceil(job.length / every) + 1)]


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
    from sora_widgets import Service, SoraClient
    from sora_widgets._constants import SIMULATOR_BASE_URL
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
                connect=Service(SIMULATOR_BASE_URL, transport=counter),
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
        timeline = {}
        for t in tasks:
            st = sim.task(t.id)
            assert st is not None
            finished.append(st.created_at + st.total_s)
            lengths.append(st.total_s)
            timeline[t.id] = (st.created_at, st.pending_s, st.total_s)
        phases = _phases(ours_n.log, timeline)
        delays: dict[str, list[float]] = {"ours": [], "fixed 5 s": [], "fixed 1 s": []}
        for i, end in enumerate(finished):
            for j, name in enumerate(delays):
                delays[name].append(noticed[3 * i + j] - end)
        for c in (ours, fixed5, fixed1):
            await c.aclose()
        sim.close()
    return {
        "jobs": jobs,
        "delays": delays,
        "polls": {"ours": ours_n.polls, "fixed 5 s": fixed5_n.polls, "fixed 1 s": fixed1_n.polls},
        "lengths": lengths,
        "phases": {k: v / jobs for k, v in phases.items()},
    }


POLLERS = ("ours", "fixed 5 s", "fixed 1 s")
# Kinds whose progress says nothing about the end for part or all of each job, marked in the table.
SIGNAL = {
    "steps": " (no signal on the last level)",
    "held below 1": " (no signal in the hold)",
    "missing": " (no signal)",
}


def _phases(log: list[tuple[str, float]], timeline: dict[str, tuple[float, float, float]]) -> dict[str, int]:
    """How many of our polls fell in each phase of their task (created, queued for, total)."""
    phases = dict.fromkeys(PHASES, 0)
    for task_id, at in log:
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
    return phases


# Where in a family job our polls fall (for explaining the request count per kind).
JOB_PHASES = ("first 30 s", "middle", "last 15 s", "dark", "the end")


def _job_phase(job: Job, t: float) -> str:
    if t >= job.length:
        return "the end"
    if job.dark and t >= job.length - job.dark:
        return "dark"
    if t < min(30.0, job.length / 2):
        return "first 30 s"
    return "last 15 s" if t >= job.length - 15.0 else "middle"


def family(seeds: range, policy: Any = None) -> dict[str, dict[str, Any]]:
    """Every kind's jobs for these seeds, polled by the three pollers: delays, polls, dark time,
    and where our polls fell (``phases``: polls per job in each of ``JOB_PHASES``)."""
    out: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        delays: dict[str, list[float]] = {p: [] for p in POLLERS}
        polls = dict.fromkeys(POLLERS, 0)
        phases = dict.fromkeys(JOB_PHASES, 0.0)
        dark, lengths = [], []
        for seed in seeds:
            job = make_job(kind, seed)
            ours = poll_ours(job, policy)
            for t in ours:
                phases[_job_phase(job, t)] += 1 / len(seeds)
            for name, times in (
                ("ours", ours),
                ("fixed 5 s", poll_fixed(job, 5.0)),
                ("fixed 1 s", poll_fixed(job, 1.0)),
            ):
                delays[name].append(times[-1] - job.length)
                polls[name] += len(times)
            dark.append(job.dark)
            lengths.append(job.length)
        out[kind] = {
            "delays": delays,
            "polls": polls,
            "dark": dark,
            "lengths": lengths,
            "jobs": len(seeds),
            "phases": phases,
        }
    return out


def _where_note(data: dict[str, dict[str, Any]]) -> str:
    """Where our polls go per kind (polls per job in each phase of the job)."""
    parts = [f"{kind} " + "/".join(fmt(data[kind]["phases"][p], 1) for p in JOB_PHASES) for kind in KINDS]
    return "Where our polls go, per job (" + " / ".join(JOB_PHASES) + "): " + "; ".join(parts) + "."


def _slug(kind: str) -> str:
    return kind.lower().replace(" ", "-")


def draw(job: Job, path: Path, policy: Any = None) -> None:
    """One picture: the job's progress over time, our polls and the fixed 5 s loop's as ticks."""
    from PIL import Image, ImageDraw

    ours, fixed = poll_ours(job, policy), poll_fixed(job, 5.0)
    width, height, left, right, top, plot_h = 760, 250, 46, 16, 30, 120
    span = max(ours[-1], fixed[-1]) * 1.02
    img = Image.new("P", (width, height), 0)
    img.putpalette(
        [255, 255, 255, 40, 40, 40, 150, 150, 150, 31, 119, 180, 230, 120, 20, 200, 30, 30] + [0] * 738
    )
    ink, grey, blue, orange, red = 1, 2, 3, 4, 5
    d = ImageDraw.Draw(img)

    def x_of(t: float) -> float:
        return left + (width - left - right) * t / span

    def y_of(p: float) -> float:
        return top + plot_h * (1.0 - p)

    d.rectangle([left, top, width - right, top + plot_h], outline=grey)
    for p in (0.0, 0.5, 1.0):
        d.text((6, y_of(p) - 6), f"{p:.1f}", fill=ink)
    points = []
    steps = 600
    for i in range(steps + 1):
        t = job.length * i / steps
        value = job.progress(t) if t < job.length else 1.0
        points.append((x_of(t), y_of(0.0 if value is None else value)))
    if job.kind != "missing":
        d.line(points, fill=ink, width=2)
    else:
        d.text((left + 8, top + plot_h / 2 - 6), "(no progress reported)", fill=grey)
    d.line([x_of(job.length), top - 4, x_of(job.length), top + plot_h + 70], fill=red, width=1)
    for label, times, colour, y in (
        ("ours", ours, blue, top + plot_h + 14),
        ("fixed 5 s", fixed, orange, top + plot_h + 44),
    ):
        for t in times:
            d.line([x_of(t), y, x_of(t), y + 18], fill=colour, width=1)
        d.text((6, y + 3), label, fill=colour)
        summary = f"{label}: {len(times)} polls, end noticed +{times[-1] - job.length:.1f} s"
        d.text((left + (0 if label == "ours" else 300), height - 22), summary, fill=colour)
    minutes = f"{job.length / 60:.1f} min"
    d.text((left, 8), f"{job.kind} (seed {job.seed}, {minutes}); red: the end", fill=ink)
    for s in range(0, int(span) + 1, 60):
        d.text((x_of(s) - 8, top + plot_h + 2), f"{s // 60}m" if s else "0", fill=grey)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, optimize=True)


def _cells(delays: dict[str, list[float]], polls: dict[str, int], jobs: int) -> list[str]:
    # Per poller: median and p95 notice delay, polls per job; then ours over the fixed 5 s loop's.
    row = []
    for name in POLLERS:
        d = delays[name]
        row += [fmt(median(d), 2, " s"), fmt(percentile(d, 95), 2, " s"), fmt(polls[name] / jobs, 1)]
    return [*row, fmt(polls["ours"] / polls["fixed 5 s"], 2, "x")]


def _family_rows(data: dict[str, dict[str, Any]]) -> tuple[list[list[str]], list[float], float]:
    """One row per kind and a pooled row; our pooled delays and pooled polls over fixed 5 s's."""
    rows = []
    pooled: dict[str, list[float]] = {p: [] for p in POLLERS}
    pooled_polls = dict.fromkeys(POLLERS, 0)
    for kind in KINDS:
        k = data[kind]
        rows.append([kind + SIGNAL.get(kind, ""), *_cells(k["delays"], k["polls"], k["jobs"])])
        for name in POLLERS:
            pooled[name] += k["delays"][name]
            pooled_polls[name] += k["polls"][name]
    n_all = sum(data[kind]["jobs"] for kind in KINDS)
    rows.append(["pooled", *_cells(pooled, pooled_polls, n_all)])
    return rows, pooled["ours"], pooled_polls["ours"] / pooled_polls["fixed 5 s"]


def _targets(data: dict[str, dict[str, Any]], pooled: list[float], ratio: float) -> list[Target]:
    p95 = {kind: percentile(data[kind]["delays"]["ours"], 95) for kind in KINDS}
    worst = max(KINDS, key=lambda kind: p95[kind])
    worst_informative = max(INFORMATIVE, key=lambda kind: p95[kind])
    over = [kind for kind in KINDS if p95[kind] > 5.0]
    pooled_median = median(pooled)
    return [
        Target("notice delay (pooled median)", "<= 1 s", fmt(pooled_median, 2, " s"), pooled_median <= 1.0),
        Target(
            "notice delay (p95, every kind)",
            "<= 5 s",
            f"worst {fmt(p95[worst], 2, ' s')} ({worst}); over 5 s: {', '.join(over) or 'none'}",
            p95[worst] <= 5.0,
        ),
        Target(
            "notice delay (p95, informative kinds)",
            "<= 1.5 s (" + ", ".join(INFORMATIVE) + ")",
            f"worst {fmt(p95[worst_informative], 2, ' s')} ({worst_informative})",
            p95[worst_informative] <= 1.5,
        ),
        Target("requests (pooled)", "<= 1/2 of fixed 5 s", fmt(ratio, 3, "x"), ratio <= 0.5),
        Target("requests (pooled, stretch)", "<= 1/3 of fixed 5 s", fmt(ratio, 3, "x"), ratio <= 1 / 3),
    ]


def _dark_note(data: dict[str, dict[str, Any]]) -> str:
    dark_notes = []
    for kind in ("missing", "held below 1", "steps"):
        k = data[kind]
        need = sum(dk / DARK_INTERVAL for dk in k["dark"]) / k["jobs"]
        share = need * k["jobs"] / k["polls"]["fixed 5 s"]
        dark_notes.append(
            f"{kind}: {fmt(median(k['dark']), 0, ' s')} median in the dark "
            f"(>= {fmt(need, 1)} polls/job needed there, {fmt(share, 2, 'x')} "
            f"of fixed 5 s; ours {fmt(k['polls']['ours'] / k['jobs'], 1)} in all)"
        )
    return (
        "No signal: where progress says nothing before the end (missing; a hold below 1; the last "
        "level of steps; a stall, until it ends), "
        f"a p95 <= 5 s needs a poll at least every {DARK_INTERVAL:.2f} s there, whatever the schedule: "
        + "; ".join(dark_notes)
        + "."
    )


def _notes(data: dict[str, dict[str, Any]], seeds: range, tuning: bool, e2e: dict[str, Any]) -> list[str]:
    seed_text = f"{'TUNING' if tuning else 'Held-out'} seeds {seeds.start}-{seeds.stop - 1}"
    tuned = f"seeds {TUNING_SEEDS.start}-{TUNING_SEEDS.stop - 1}"
    where = ", ".join(f"{k} {v:.1f}" for k, v in e2e["phases"].items())
    return [
        (
            f"{seed_text}: {len(seeds)} jobs per kind, lengths 30 s-10 min, noise 0-5 % on every "
            "shape, exact virtual time (unscaled seconds). "
            + (
                "These are the seeds the policy was tuned on."
                if tuning
                else f"The policy was tuned on {tuned}, which these figures never saw."
            )
        ),
        "Columns per poller: median and p95 notice delay, polls per job; last column: our polls over the "
        "fixed 5 s loop's on the same jobs.",
        _dark_note(data),
        _where_note(data),
        f"End to end: {e2e['jobs']} jobs through SoraClient.wait against the simulator over HTTP (its "
        f"realistic progress, lengths {min(e2e['lengths']):.0f}-{max(e2e['lengths']):.0f} s); where our "
        f"polls go per job: {where}.",
    ]


# The trade-off between notice and requests (``--tradeoff``, tuning seeds): the defaults next to
# settings that each move one part of the schedule, and fixed loops as anchors.
TRADEOFF: tuple[tuple[str, dict[str, Any]], ...] = (
    ("chosen: the defaults", {}),
    ("round 4: no end's interval (end_sd 0)", {"end_sd": 0.0}),
    ("the end's interval 1.5 se either way (not 2)", {"end_sd": 1.5}),
    ("the end's interval 3 se either way", {"end_sd": 3.0}),
    ("polls in the end's interval 1.15 s apart (not 1.5 s)", {"end_spacing": 1.15}),
    ("the end's interval polled densely for 8 s at most (not 15 s)", {"end_width": 8.0}),
    ("the end's interval polled densely to its end, however far", {"end_width": 1e9}),
    ("the end's interval widened by the trend before a slowdown (end_before)", {"end_before": True}),
    ("end_before, and dense for 30 s at most", {"end_before": True, "end_width": 30.0}),
    ("a catch-up under way not bounded by the stall before it (round 5)", {"catch_up_bound": False}),
    ("a catch-up under way after any trend, not only a straight one (round 6)", {"stall_straight": math.inf}),
    (
        "round 2's knobs on this code (4-sample trend, no catch-up bound, flat at 2 sd, level 1 se)",
        {"max_window": 4, "catch_up": 1e9, "catch_up_bound": False, "flat_rise": 2.0, "level_sd": 1.0},
    ),
    ("a wider window before the end (level 3 se low, rate +80 %)", {"level_sd": 3.0, "min_spread": 0.8}),
    ("flat and last-jump states polled every 1.5 s", {"flat_interval": 1.5, "step_interval": 1.5}),
    ("dense polls 1.5 s apart (not 1.15 s)", {"min_interval": 1.5}),
    ("a faster start (sleep up to 3/4 of the wait so far)", {"young": 0.75}),
    ("a stall may resume 10x faster (not 4x)", {"catch_up": 10.0}),
    ("approach the end in steps of 60 % of the way (not all of it)", {"approach": 0.6}),
    ("approach the end in steps of 80 % of the way", {"approach": 0.8}),
    ("trust up to 60 s (not 30 s)", {"max_interval": 60.0}),
    ("round 6: a rise after a jump is a curve at half the jump (not 0.35)", {"curve_share": 0.5}),
    ("round 6: the trend before a fall does not bound the sleep (fall_before off)", {"fall_before": False}),
    (
        "round 6: no poll landed on the end by the trend before a stall or fall (land_before off)",
        {"land_before": False},
    ),
    ("round 6: trust not counted from a fall (fall_trust off)", {"fall_trust": False}),
    ("round 6: silent polls of a sparse service use up no trust (silent_use 0)", {"silent_use": 0.0}),
    ("round 6: a report does not renew the end's dense polls (end_renew 0)", {"end_renew": 0.0}),
    (
        "round 6: a value near 1 far above the trend waits for its end (near_outran off)",
        {"near_outran": False},
    ),
    ("round 8 guard on: no sleep over 5 s once one rise could end the job (left_rise)", {"left_rise": True}),
    ("round 8 guard on: no sleep over 5 s at 0.9 or above (dark_above 0.9)", {"dark_above": 0.9}),
    (
        "round 8: the trend before one slow interval neither bounds nor lands (slow_before off)",
        {"slow_before": False},
    ),
    ("round 8: a fall judged with the noise as seen later (fall_as_seen off)", {"fall_as_seen": False}),
    (
        "round 8: a sparse report past the end keeps the overdue pace (report_renews off)",
        {"report_renews": False},
    ),
    ("round 9 option on: a rise across silent polls is no jump (jump_heard)", {"jump_heard": True}),
    (
        "round 10: the earliest end from the whole straight stretch only (recent_level off)",
        {"recent_level": False},
    ),
    (
        "round 10 option on: the curve test counts from the latest rise of half a jump (curve_from)",
        {"curve_from": 0.5},
    ),
    (
        "round 8: all of rounds 9 and 10 off",
        {"slow_before": False, "fall_as_seen": False, "report_renews": False, "recent_level": False},
    ),
    (
        "round 6: all of round 7 off",
        {
            "catch_up_bound": False,
            "curve_share": 0.5,
            "fall_before": False,
            "land_before": False,
            "fall_trust": False,
            "silent_use": 0.0,
            "end_renew": 0.0,
            "near_outran": False,
            "slow_before": False,
            "fall_as_seen": False,
            "report_renews": False,
        },
    ),
    ("jumps only above 4 noise sd (not 2)", {"jump_sd": 4.0}),
    ("overdue polls sparser sooner (pace 0.5x the time overdue, not 0.3x)", {"pace": 0.5}),
    ("a stall's trend may run 30 % faster (not 15 %)", {"stall_spread": 0.3}),
)


def tradeoff(seeds: range = TUNING_SEEDS) -> list[list[str]]:
    """One row per setting: worst p95 on the informative kinds, on every kind, pooled median, requests."""
    from sora_widgets.transport.poll import PollPolicy

    rows = []
    for label, knobs in TRADEOFF:
        data = family(seeds, PollPolicy(**knobs))
        _rows, pooled, ratio = _family_rows(data)
        p95 = {kind: percentile(data[kind]["delays"]["ours"], 95) for kind in KINDS}
        worst_i = max(INFORMATIVE, key=lambda kind: p95[kind])
        worst = max(KINDS, key=lambda kind: p95[kind])
        rows.append(
            [
                label,
                f"{fmt(p95[worst_i], 2, ' s')} ({worst_i})",
                f"{fmt(p95[worst], 2, ' s')} ({worst})",
                fmt(median(pooled), 2, " s"),
                fmt(ratio, 3, "x"),
            ]
        )
    base = sum(len(poll_fixed(make_job(kind, s), 5.0)) for kind in KINDS for s in seeds)
    for every in (1.5, 1.0):
        late = {
            kind: [poll_fixed(job, every)[-1] - job.length for job in (make_job(kind, s) for s in seeds)]
            for kind in KINDS
        }
        polls = sum(len(poll_fixed(make_job(kind, s), every)) for kind in KINDS for s in seeds)
        p95 = {kind: percentile(late[kind], 95) for kind in KINDS}
        pooled = [d for kind in KINDS for d in late[kind]]
        rows.append(
            [
                f"fixed {every:g} s loop",
                fmt(max(p95[kind] for kind in INFORMATIVE), 2, " s"),
                fmt(max(p95.values()), 2, " s"),
                fmt(median(pooled), 2, " s"),
                fmt(polls / base, 3, "x"),
            ]
        )
    return rows


def run(quick: bool = False, tuning: bool = False) -> Report:
    """The family (held-out seeds) and the end-to-end path, against fixed 5 s and 1 s loops."""
    started = time.perf_counter()
    seeds = TUNING_SEEDS if tuning else HELD_OUT_SEEDS
    if quick:
        seeds = range(seeds.start, seeds.start + 8)
    data = family(seeds)
    rows, pooled, ratio = _family_rows(data)
    e2e = asyncio.run(_bench(6 if quick else 60, seed=8))
    rows.append(["simulator, end to end (HTTP)", *_cells(e2e["delays"], e2e["polls"], e2e["jobs"])])
    notes = _notes(data, seeds, tuning, e2e)
    if not quick and not tuning:
        for kind in KINDS:
            draw(make_job(kind, HELD_OUT_SEEDS.start), IMAGES / f"polling-{_slug(kind)}.png")
        notes.append(
            "Pictures (held-out seed "
            f"{HELD_OUT_SEEDS.start}, one per kind): benchmarks/images/polling-<kind>.png, linked from "
            "benchmarks/README.md."
        )
    columns = ["kind"]
    for name in POLLERS:
        columns += [f"{name} median", f"{name} p95", f"{name} polls/job"]
    columns.append("ours vs fixed 5 s polls")
    report = Report(
        key="polling",
        title="1. Polling: completion -> noticed, on a family of progress models",
        columns=columns,
        rows=rows,
        targets=_targets(data, pooled, ratio),
        notes=notes,
    )
    report.seconds = time.perf_counter() - started
    return report


if __name__ == "__main__":
    import sys

    if "--tradeoff" in sys.argv:
        head = [
            "setting (tuning seeds)",
            "worst p95, informative",
            "worst p95, every kind",
            "pooled median",
            "requests vs fixed 5 s",
        ]
        for row in [head, ["---"] * len(head), *tradeoff()]:
            print("| " + " | ".join(row) + " |")
    else:
        print(run(quick="--quick" in sys.argv, tuning="--tuning" in sys.argv).as_text())
