"""Benchmark 2: one client watching hundreds of tasks at once against a loopback simulator.

The simulator runs as a server in its *own process* (``python -m sora_widgets.simulator``), so
its CPU never counts as the client's. In this process:

- ours: 500 tasks are created (50 creates in flight) and ``SoraClient.wait`` watches each from
  the moment it exists, all on one event loop (the real poll schedule, retries, merge,
  parsing), as ``generate_many`` would;
- bare: 500 more tasks, each watched by a bare ``httpx.AsyncClient`` loop (``asyncio.sleep(1)``,
  GET, ``.json()``, check the status), the least a poller can do.

For each, measured from the moment the last create returned (only watching is going on):
client CPU time (``time.process_time``, all threads of this process) per poll, event-loop lag
(a 10 ms ticker's overshoot), peak resident memory above the level at that moment, and whether
every task was seen to the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ._common import Report, Target, fmt, median, peak_rss_bytes, percentile, reset_peak_rss, rss_bytes

PROMPT = "A swarm of paper lanterns rising over a river at night"
TICK = 0.010


class LagMonitor:
    """Measures how late a 10 ms ticker wakes up: the event loop's responsiveness."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            t0 = loop.time()
            await asyncio.sleep(TICK)
            self.lags.append(max(0.0, loop.time() - t0 - TICK))

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def _phase(name: str, base_url: str, n: int, **client_kwargs: Any) -> dict[str, Any]:
    """Create ``n`` tasks (50 creates in flight) and watch each from the moment it exists.

    CPU, polls, loop lag and memory are measured over the window after the last create
    returned, when only watching is going on, so the creates' cost is not counted.
    """
    import httpx

    from sora_widgets import SoraClient

    client = SoraClient(base_url=base_url, journal=False, auto_download=False, **client_kwargs)
    bare = httpx.AsyncClient(base_url=base_url, headers={"Authorization": "Bearer simulator"}, timeout=60)
    polls = 0
    created = 0
    all_created = asyncio.Event()
    gate = asyncio.Semaphore(50)

    def counted(_task: Any) -> None:
        nonlocal polls
        polls += 1

    async def ours(task: Any) -> bool:
        video = await client.wait(task, on_update=counted, download=False, timeout=600)
        return video.task_id == task.id

    async def bare_loop(task: Any) -> bool:
        nonlocal polls
        while True:
            await asyncio.sleep(1.0)
            response = await bare.get(f"/model/v1/generation/task/{task.id}")
            polls += 1
            data = response.json()
            status = (data.get("data") or data).get("status")
            if status in ("completed", "failed"):
                return status == "completed"

    watch = ours if name == "ours" else bare_loop

    async def job() -> bool:
        nonlocal created
        async with gate:
            task = await client.create(prompt=PROMPT, size="1280x720", seconds=4)
        created += 1
        if created == n:
            all_created.set()
        return await watch(task)

    jobs = [asyncio.ensure_future(job()) for _ in range(n)]
    await all_created.wait()
    monitor = LagMonitor()
    base_rss = rss_bytes()
    reset_peak_rss()
    monitor.start()
    p0, t0, c0 = polls, time.perf_counter(), time.process_time()
    outcomes = await asyncio.gather(*jobs, return_exceptions=True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    await monitor.stop()
    peak = max(0, peak_rss_bytes() - base_rss)
    await bare.aclose()
    await client.aclose()
    ok = sum(1 for o in outcomes if o is True)
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    return {
        "polls": polls - p0,
        "cpu": cpu,
        "wall": wall,
        "lags": monitor.lags,
        "peak": peak,
        "ok": ok,
        "errors": [f"{type(e).__name__}: {e}" for e in errors[:3]],
        "n": n,
    }


async def _idle(seconds: float) -> list[float]:
    """Loop lag of an event loop doing nothing: what the machine itself adds (control)."""
    monitor = LagMonitor()
    monitor.start()
    await asyncio.sleep(seconds)
    await monitor.stop()
    return monitor.lags


def _start_server(state_dir: Path, speed: str) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sora_widgets.simulator",
            "--port",
            "0",
            "--speed",
            speed,
            "--state-dir",
            str(state_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    line = server.stdout.readline().strip()
    if not line.startswith("http"):
        server.kill()
        raise RuntimeError(f"the simulator server did not start (said {line!r})")
    return server, line


def run(quick: bool = False) -> Report:
    """Watch N tasks with our client and with a bare loop; compare CPU per poll and loop lag."""
    started = time.perf_counter()
    n = 20 if quick else 500
    speed = "instant" if quick else "demo"
    with tempfile.TemporaryDirectory(prefix="bench-many-") as tmp:
        server, base_url = _start_server(Path(tmp), speed)
        try:
            results = {name: asyncio.run(_phase(name, base_url, n)) for name in ("ours", "bare")}
            idle = asyncio.run(_idle(2.0 if quick else 10.0))
        finally:
            server.terminate()
            server.wait(timeout=15)
    per_poll = {k: r["cpu"] / max(1, r["polls"]) for k, r in results.items()}
    rows = []
    for name, r in results.items():
        rows.append(
            [
                "SoraClient.wait" if name == "ours" else "bare httpx GET loop (1 s)",
                f"{r['ok']}/{r['n']}",
                str(r["polls"]),
                fmt(r["wall"], 1, " s"),
                fmt(r["cpu"], 2, " s"),
                fmt(per_poll[name] * 1e6, 0, " µs"),
                fmt(per_poll[name] / per_poll["bare"], 2, "x"),
                fmt(median(r["lags"]) * 1000, 1, " ms"),
                fmt(percentile(r["lags"], 99) * 1000, 1, " ms"),
                fmt(max(r["lags"], default=float("nan")) * 1000, 1, " ms"),
                fmt(r["peak"] / 2**20, 1, " MB"),
            ]
        )
    rows.append(
        [
            "idle event loop (control)",
            "-",
            "-",
            fmt(2.0 if quick else 10.0, 1, " s"),
            "-",
            "-",
            "-",
            fmt(median(idle) * 1000, 1, " ms"),
            fmt(percentile(idle, 99) * 1000, 1, " ms"),
            fmt(max(idle, default=float("nan")) * 1000, 1, " ms"),
            "-",
        ]
    )
    ours = results["ours"]
    ratio = per_poll["ours"] / per_poll["bare"]
    p99 = percentile(ours["lags"], 99)
    report = Report(
        key="many_jobs",
        title=f"2. Many jobs: {n} concurrent tasks, one client, loopback simulator server",
        columns=[
            "watcher",
            "finished",
            "polls",
            "wall",
            "client CPU",
            "CPU/poll",
            "vs bare",
            "loop lag median",
            "lag p99",
            "lag max",
            "peak RSS over start",
        ],
        rows=rows,
        targets=[
            Target("CPU per poll", "<= 1.5x bare httpx", fmt(ratio, 2, "x"), ratio <= 1.5),
            Target("event-loop lag", "p99 < 50 ms", fmt(p99 * 1000, 1, " ms"), p99 < 0.050),
            Target("no task lost", f"{n}/{n} finished", f"{ours['ok']}/{n}", ours["ok"] == n),
        ],
        notes=[
            f"Simulator speed {speed!r} as a server in another process (uvicorn, one worker); "
            "client and bare loop use httpx's default pool (100 connections).",
            "Loop lag is a 10 ms asyncio ticker's overshoot; the control row is the same ticker on "
            "an otherwise idle loop (while the simulator server still runs), i.e. what the machine "
            "itself adds: on a shared, oversubscribed machine, compare against it.",
        ],
    )
    for name, r in results.items():
        if r["errors"]:
            report.notes.append(f"{name} errors: {'; '.join(r['errors'])}")
    report.seconds = time.perf_counter() - started
    return report


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv).as_text())
