"""Benchmark 2: one client watching 500 tasks at once against a loopback simulator.

The simulator runs as a server in its *own process* (``python -m sora_widgets.simulator``), so
its CPU never counts as the client's. Creating 500 tasks takes the server tens of seconds, so
to have all 500 *in flight at once* the steady-state part uses the ``realistic`` speed (jobs of
1-5 minutes):

1. **Steady state** (realistic speed): 500 tasks are created (50 creates in flight) and each is
   watched from the moment it exists; once the last create has returned, a window of 30 s is
   measured with all 500 running, then the watchers are stopped. (Our schedule may leave a
   task unpolled for up to 45 s while its progress predicts a distant end.) The two contenders
   run *at the same time in two processes*, each with its own 500 tasks, so both are measured
   over the same seconds of a machine whose load may change (CPU time is per process):

   - ours: ``SoraClient.wait`` (the real poll schedule, retries, merge, parsing, callbacks);
   - bare: an ``httpx.AsyncClient`` loop per task (``asyncio.sleep(5)``, GET, ``.json()``,
     check the status), the least a poller can do, at the vendor CLI's pace.

   Measured in the window: client CPU time (``time.process_time``, every thread of this
   process) per poll, event-loop lag (a 10 ms asyncio ticker's overshoot), peak resident
   memory above the level when the window opened, and how many tasks were, at its end, still
   watched by a live watcher or finished with their video (a lost task is neither).
2. **To the end** (demo speed, 5-15 s jobs): 500 more tasks, watched by ``SoraClient.wait``
   until each returns its Video: none may be lost.

An idle event loop's lag over the same length is shown as a control: on a shared machine the
operating system's scheduling alone can delay a ticker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ._common import Report, Target, fmt, median, peak_rss_bytes, percentile, reset_peak_rss, rss_bytes

PROMPT = "A swarm of paper lanterns rising over a river at night"
TICK = 0.010
BARE_INTERVAL = 5.0


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


async def _phase(
    name: str,
    base_url: str,
    n: int,
    *,
    window: float | None = None,
    bare_interval: float = BARE_INTERVAL,
    go: Any = None,
    **client_kwargs: Any,
) -> dict[str, Any]:
    """Create ``n`` tasks (50 creates in flight) and watch each from the moment it exists.

    Measurement starts when the last create has returned (so creates are not counted) and
    lasts ``window`` seconds (then the watchers are cancelled), or until every watcher ends.
    """
    import httpx

    from sora_widgets import SoraClient

    client = SoraClient(connect=base_url, journal=False, auto_download=False, **client_kwargs)
    bare = httpx.AsyncClient(base_url=base_url, headers={"Authorization": "Bearer simulator"}, timeout=60)
    polls = 0
    polled: dict[str, float] = {}  # task id -> time of its latest poll
    created = 0
    all_created = asyncio.Event()
    gate = asyncio.Semaphore(50)

    def seen(task_id: str) -> None:
        nonlocal polls
        polls += 1
        polled[task_id] = time.perf_counter()

    async def ours(task: Any) -> bool:
        video = await client.wait(task, on_update=lambda t: seen(t.id), download=False, timeout=1800)
        return video.task_id == task.id

    async def bare_loop(task: Any) -> bool:
        while True:
            await asyncio.sleep(bare_interval)
            response = await bare.get(f"/model/v1/generation/task/{task.id}")
            seen(task.id)
            data = response.json()
            status = (data.get("data") or data).get("status")
            if status in ("completed", "failed"):
                return status == "completed"

    watch = ours if name == "ours" else bare_loop

    async def job() -> bool:
        nonlocal created
        try:
            async with gate:
                task = await client.create(prompt=PROMPT, size="1280x720", seconds=4)
        finally:
            # A create that failed (say, timed out on a loaded machine) still ends the creating
            # phase; without this, one failure would leave the benchmark waiting for ever.
            created += 1
            if created == n:
                all_created.set()
        return await watch(task)

    jobs = [asyncio.ensure_future(job()) for _ in range(n)]
    await all_created.wait()
    if go is not None:
        await go()  # another process is measuring at the same time: start together
    monitor = LagMonitor()
    base_rss = rss_bytes()
    reset_peak_rss()
    monitor.start()
    p0, t0, c0 = polls, time.perf_counter(), time.process_time()
    if window is None:
        await asyncio.wait(jobs)
    else:
        await asyncio.wait(jobs, timeout=window)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    await monitor.stop()
    peak = max(0, peak_rss_bytes() - base_rss)
    # Still being watched (alive) or finished with its video: a lost task is neither.
    alive = sum(1 for j in jobs if not j.done())
    done_ok = sum(1 for j in jobs if j.done() and not j.cancelled() and j.exception() is None and j.result())
    for j in jobs:
        j.cancel()
    outcomes = await asyncio.gather(*jobs, return_exceptions=True)
    await bare.aclose()
    await client.aclose()
    errors = [o for o in outcomes if isinstance(o, Exception)]
    return {
        "polls": polls - p0,
        "cpu": cpu,
        "wall": wall,
        "lags": monitor.lags,
        "peak": peak,
        "finished": sum(1 for o in outcomes if o is True),
        "watched": alive + done_ok,
        "polled_in_window": sum(1 for at in polled.values() if at >= t0),
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


def _served(speed: str, work: Any) -> Any:
    with tempfile.TemporaryDirectory(prefix="bench-many-") as tmp:
        server, base_url = _start_server(Path(tmp), speed)
        try:
            return work(base_url)
        finally:
            server.terminate()
            server.wait(timeout=15)


async def _worker(name: str, base_url: str, n: int, window: float | None, bare_interval: float) -> None:
    """Run one phase in this process; say "ready" when every task exists, start on "go"."""
    loop = asyncio.get_running_loop()

    async def go() -> None:
        print("ready", flush=True)
        await loop.run_in_executor(None, sys.stdin.readline)

    result = await _phase(name, base_url, n, window=window, bare_interval=bare_interval, go=go)
    print(json.dumps(result), flush=True)


def _side_by_side(
    base_url: str, n: int, window: float | None, bare_interval: float
) -> dict[str, dict[str, Any]]:
    """Ours and bare in two processes at once, measured over the same seconds of the same machine."""
    procs = {
        name: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.many_jobs",
                "--worker",
                name,
                base_url,
                str(n),
                str(window or 0),
                str(bare_interval),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        for name in ("ours", "bare")
    }
    try:
        for name, proc in procs.items():
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            if line != "ready":
                raise RuntimeError(f"the {name} worker did not get ready (said {line!r})")
        for proc in procs.values():
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = {}
        for name, proc in procs.items():
            out, _ = proc.communicate(timeout=900)
            if proc.returncode != 0:
                raise RuntimeError(f"the {name} worker failed with exit code {proc.returncode}")
            results[name] = json.loads(out.strip().splitlines()[-1])
        return results
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()


def _lag_cells(lags: list[float]) -> list[str]:
    return [
        fmt(median(lags) * 1000, 1, " ms"),
        fmt(percentile(lags, 99) * 1000, 1, " ms"),
        fmt(max(lags, default=float("nan")) * 1000, 1, " ms"),
    ]


def run(quick: bool = False) -> Report:
    """Watch N tasks with our client and with a bare loop; compare CPU per poll and loop lag."""
    started = time.perf_counter()
    n = 20 if quick else 500
    window = 30.0
    if quick:
        # Smoke size: instant tasks watched to the end, no steady-state window.
        steady = _served("instant", lambda url: {k: asyncio.run(_phase(k, url, n)) for k in ("ours", "bare")})
        to_end = steady["ours"]
    else:
        steady = _served(
            "realistic",
            lambda url: {k: asyncio.run(_phase(k, url, n, window=window)) for k in ("ours", "bare")},
        )
        to_end = _served("demo", lambda url: asyncio.run(_phase("ours", url, n)))
    idle = asyncio.run(_idle(2.0 if quick else 10.0))
    per_poll = {k: r["cpu"] / max(1, r["polls"]) for k, r in steady.items()}
    label = {
        "ours": "SoraClient.wait",
        "bare": f"bare httpx GET loop ({1.0 if quick else BARE_INTERVAL:g} s)",
    }
    rows = []
    for name, r in steady.items():
        rows.append(
            [
                label[name] + ("" if quick else f", {window:g} s window"),
                f"{r['watched']}/{r['n']}",
                str(r["polls"]),
                fmt(r["cpu"], 2, " s"),
                fmt(per_poll[name] * 1e6, 0, " µs"),
                fmt(per_poll[name] / per_poll["bare"], 2, "x"),
                *_lag_cells(r["lags"]),
                fmt(r["peak"] / 2**20, 1, " MB"),
            ]
        )
    if not quick:
        rows.append(
            [
                "SoraClient.wait, demo jobs to the end",
                f"{to_end['finished']}/{n} finished",
                str(to_end["polls"]),
                fmt(to_end["cpu"], 2, " s"),
                fmt(to_end["cpu"] / max(1, to_end["polls"]) * 1e6, 0, " µs"),
                "-",
                *_lag_cells(to_end["lags"]),
                fmt(to_end["peak"] / 2**20, 1, " MB"),
            ]
        )
    rows.append(["idle event loop (control)", "-", "-", "-", "-", "-", *_lag_cells(idle), "-"])
    ours = steady["ours"]
    ratio = per_poll["ours"] / per_poll["bare"]
    p99 = percentile(ours["lags"], 99)
    in_flight = ours["watched"]
    report = Report(
        key="many_jobs",
        title=f"2. Many jobs: {n} concurrent tasks, one client, loopback simulator server",
        columns=[
            "watcher",
            "tasks watched",
            "polls",
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
            Target(
                "no task lost",
                f"{n}/{n} watched in flight and {n}/{n} finished",
                f"{in_flight}/{n} and {to_end['finished']}/{n}",
                in_flight == n and to_end["finished"] == n,
            ),
        ],
        notes=[
            "Client and bare loop use httpx's default pool (100 connections); the simulator is "
            "uvicorn (one worker) in another process.",
            "Loop lag is a 10 ms asyncio ticker's overshoot; the control row is the same ticker on "
            "an idle loop: what the machine itself adds (compare against it on a shared machine).",
        ],
    )
    if quick:
        report.notes.append("quick run: 20 instant tasks watched to the end; no steady-state window.")
    for name, r in [*steady.items(), ("to the end", to_end)]:
        if r["errors"]:
            report.notes.append(f"{name} errors: {'; '.join(r['errors'])}")
    report.seconds = time.perf_counter() - started
    return report


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--worker":
        _, _, kind, url, count, span, every = sys.argv
        asyncio.run(_worker(kind, url, int(count), float(span) or None, float(every)))
    else:
        print(run(quick="--quick" in sys.argv).as_text())
