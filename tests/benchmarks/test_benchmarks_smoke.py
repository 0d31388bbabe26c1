"""Smoke tests: every benchmark still runs in its tiny ``--quick`` configuration.

They assert that each benchmark runs through the real runner and prints (and records) its
table, and that the measuring harnesses measure what they claim; never how fast anything is.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks._common import Report, Target, percentile
from benchmarks.polling import VirtualTime

REPO = Path(__file__).resolve().parents[2]

# benchmark -> words its printed table must contain (title and the contenders compared)
EXPECTED = {
    "polling": ["1. Polling", "ours", "fixed 5 s", "fixed 1 s", "target notice delay", "target requests"],
    "many_jobs": ["2. Many jobs", "SoraClient.wait", "bare httpx GET loop", "target no task lost"],
    "download": ["4. Download", "ours", "bare + fsync", "target peak memory"],
    "imports": ["5. Import time", "import ipywidgets", "import sora_widgets"],
    "render": ["6. Simulator rendering", "text-to-video", "video s per wall s"],
    "coach": ["7. Prompt coach", "held-out P", "prompts/second", "target coach speed"],
    "delivery": ["3. Delivery", "sw.VideoPlayer", "ipywidgets.Video", "IPython.display.Video"],
    "long_session": [
        "7. Long session",
        "History len()",
        "sw.VideoPlayer",
        "ipywidgets.Video",
        "Gallery fill",
        "target widgets left per finished generation",
    ],
}


def _run_quick(name: str, tmp_path: Path) -> tuple[str, str]:
    out = tmp_path / f"{name}.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", name, "--output", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, f"benchmark {name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout, out.read_text()


def _check(name: str, stdout: str, markdown: str) -> None:
    assert "FAILED" not in stdout
    for word in EXPECTED[name]:
        assert word in stdout, f"{word!r} missing from the {name} table:\n{stdout}"
        assert word.removeprefix("target ") in markdown
    # The recorded results name the machine and how to reproduce them.
    for field in (
        "| python | Python 3",
        "| cpu |",
        "| cores |",
        "| date |",
        "| machine at start | load ",
        "| machine at end | load ",
        "python -m benchmarks --quick",
    ):
        assert field in markdown
    # Every target line carries a verdict.
    for line in stdout.splitlines():
        if line.startswith("target "):
            assert line.endswith(("-> met", "-> MISSED", "-> not measured")), line


@pytest.mark.slow
@pytest.mark.parametrize("name", ["polling", "many_jobs", "download", "imports", "render", "coach"])
def test_benchmark_runs_quick(name: str, tmp_path: Path) -> None:
    stdout, markdown = _run_quick(name, tmp_path)
    _check(name, stdout, markdown)


@pytest.mark.slow
@pytest.mark.browser
def test_delivery_benchmark_runs_quick(tmp_path: Path) -> None:
    stdout, markdown = _run_quick("delivery", tmp_path)
    _check("delivery", stdout, markdown)
    # The video really reached the browser at full width for every contender.
    rows = [line for line in stdout.splitlines() if line.startswith(("ours:", "ipywidgets.", "IPython."))]
    assert len(rows) == 3
    assert all(row.rstrip().endswith("1280") for row in rows), rows


@pytest.mark.slow
@pytest.mark.browser
def test_long_session_benchmark_runs_quick(tmp_path: Path) -> None:
    stdout, markdown = _run_quick("long_session", tmp_path)
    _check("long_session", stdout, markdown)
    # Every finished generation was folded away, in the kernel and in the page.
    assert "0 widgets left" in stdout
    assert "target widgets left per finished generation" in stdout


def test_runner_rejects_unknown_benchmark() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "nonsense"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode != 0
    assert "unknown benchmark" in proc.stderr


def test_virtual_time_wakes_sleepers_in_time_order_without_waiting() -> None:
    vt = VirtualTime(100.0)
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, delays: list[float]) -> float:
        for d in delays:
            await vt.sleep(d)
            woke.append((name, vt.now))
        return vt.now

    async def main() -> list[float]:
        return await vt.run([sleeper("a", [5.0, 5.0]), sleeper("b", [3.0, 30.0]), sleeper("c", [0.0])])

    ends = asyncio.run(main())
    assert ends == [110.0, 133.0, 100.0]
    assert woke == [("c", 100.0), ("b", 103.0), ("a", 105.0), ("a", 110.0), ("b", 133.0)]


def test_virtual_time_reports_a_crashed_coroutine_instead_of_hanging() -> None:
    vt = VirtualTime(0.0)

    async def crash() -> None:
        await vt.sleep(1.0)
        raise ValueError("boom")

    async def main() -> None:
        await vt.run([crash(), vt.sleep(10.0)])

    with pytest.raises(ValueError, match="boom"):
        asyncio.run(main())


def test_fixed_pollers_notice_within_their_interval_on_the_fake_clock() -> None:
    # The harness, not the product: a fixed N s poller can never be more than N s late, and the
    # three pollers see the same jobs. If the fake clock or the job bookkeeping were wrong, this fails.
    from benchmarks.polling import _bench

    data = asyncio.run(_bench(3, seed=8))
    assert len(data["lengths"]) == 3 and all(60.0 <= s <= 1200.0 for s in data["lengths"])
    for name, bound in (("fixed 5 s", 5.0), ("fixed 1 s", 1.0)):
        assert all(0.0 <= d <= bound + 1e-6 for d in data["delays"][name]), data["delays"][name]
    assert all(d >= 0.0 for d in data["delays"]["ours"])
    # A 1 s poller polls about once a second for the whole job.
    total = sum(data["lengths"])
    assert total * 0.9 <= data["polls"]["fixed 1 s"] <= total + 3 * 30


def test_report_renders_targets_and_verdicts() -> None:
    report = Report(
        key="x",
        title="X: demo",
        columns=["a", "b"],
        rows=[["1", "2"]],
        targets=[Target("t", "<= 1", "2", False), Target("u", "<= 1", "n/a", None)],
        notes=["n"],
    )
    text, md = report.as_text(), report.as_markdown()
    assert "-> MISSED" in text and "-> not measured" in text
    assert "| t | <= 1 | 2 | **MISSED** |" in md
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([5.0], 99) == 5.0
