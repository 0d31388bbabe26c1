"""Shared pieces of the benchmarks: a result table, targets, machine description, stats.

Every benchmark module defines ``run(quick: bool = False) -> Report``. A :class:`Report` holds a
table (measured side by side in one run, so ratios are meaningful on a noisy machine), the
targets with a plain met/MISSED verdict, and notes that explain the figures.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Target:
    """A goal from the issue, the measured value and whether it was met."""

    name: str
    goal: str
    measured: str
    met: bool | None  # None: could not be measured

    @property
    def verdict(self) -> str:
        """``met``, ``MISSED`` or ``not measured``."""
        return "not measured" if self.met is None else ("met" if self.met else "MISSED")


@dataclass
class Report:
    """What one benchmark measured."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    load: str = ""  # load average before -> after, filled in by the runner

    def as_text(self) -> str:
        """A plain-text table for the terminal."""
        widths = [len(c) for c in self.columns]
        for row in self.rows:
            widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=False)]
        load = f", load {self.load}" if self.load else ""
        lines = [f"== {self.title} ({self.seconds:.1f} s{load})"]
        lines.append("  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=False)))
        lines.append("  ".join("-" * w for w in widths))
        for row in self.rows:
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)))
        for t in self.targets:
            lines.append(f"target {t.name}: {t.goal}; measured {t.measured} -> {t.verdict}")
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)

    def as_markdown(self) -> str:
        """A Markdown section for RESULTS.md."""
        out = [f"## {self.title}", ""]
        out.append("| " + " | ".join(self.columns) + " |")
        out.append("|" + "|".join("---" for _ in self.columns) + "|")
        out.extend("| " + " | ".join(row) + " |" for row in self.rows)
        if self.targets:
            out += ["", "| target | goal | measured | verdict |", "|---|---|---|---|"]
            out.extend(f"| {t.name} | {t.goal} | {t.measured} | **{t.verdict}** |" for t in self.targets)
        notes = list(self.notes)
        if self.load:
            notes.append(f"Took {self.seconds:.0f} s; 1-minute load average {self.load} (before -> after).")
        if notes:
            out.append("")
            out.extend(f"- {n}" for n in notes)
        out.append("")
        return "\n".join(out)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    data = sorted(values)
    if len(data) == 1:
        return data[0]
    pos = (len(data) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    """The median; NaN for no values."""
    return statistics.median(values) if values else float("nan")


def cpu_model() -> str:
    """The CPU's model name (Linux), else platform.processor()."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    """Python version, CPU model, cores, OS and date, for RESULTS.md."""
    try:
        chromium = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        chromium = "not found"
    return {
        "python": f"Python {platform.python_version()} ({sys.executable})",
        "cpu": cpu_model(),
        "cores": f"{os.cpu_count()} logical (usable: {len(os.sched_getaffinity(0))})",
        "os": platform.platform(),
        "chromium": chromium or "not found",
        "machine at start": machine_state(),
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def busy_processes(limit: int = 5) -> str:
    """What else is running: the processes using the most CPU (name and % only, never their
    arguments, which may hold secrets), excluding this one."""
    try:
        out = subprocess.run(
            ["ps", "-eo", "pid=,pcpu=,comm=", "--sort=-pcpu"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "n/a"
    rows = []
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and int(parts[0]) != os.getpid() and parts[2] != "ps":
            rows.append(f"{parts[2]} {parts[1]}%")
    return ", ".join(rows[:limit]) or "none"


def machine_state() -> str:
    """Load averages (1, 5, 15 min) and the busiest other processes, for RESULTS.md."""
    try:
        loads = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        loads = "n/a"
    return f"load {loads} (1/5/15 min); busiest: {busy_processes()}"


def load_average() -> str:
    """The 1-minute load average (other work on the machine skews absolute times)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "n/a"


def fmt(value: float, digits: int = 2, unit: str = "") -> str:
    """A number for a table cell (``n/a`` for NaN)."""
    if value != value:  # NaN
        return "n/a"
    return f"{value:.{digits}f}{unit}"


def _status_bytes(field: str) -> int:
    """A ``kB`` field of /proc/self/status in bytes (0 where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def rss_bytes() -> int:
    """This process's resident set size now (Linux /proc; 0 elsewhere)."""
    return _status_bytes("VmRSS")


def peak_rss_bytes() -> int:
    """This process's peak resident set size so far (``VmHWM``)."""
    return _status_bytes("VmHWM")


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0: write 5 to clear_refs). True if it worked."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False
