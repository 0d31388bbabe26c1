"""Benchmark 5: import time of ``sora_widgets`` against ``ipywidgets`` alone.

Each statement runs in a fresh interpreter (``python -c``), several times, interleaved so drift
hits all of them alike; the median wall time is reported, and the bare interpreter start-up
(``python -c pass``) is subtracted to give the cost of the import itself.
"""

from __future__ import annotations

import subprocess
import sys
import time

from ._common import Report, fmt, median

STATEMENTS = [
    ("python -c pass (start-up)", "pass"),
    ("import ipywidgets", "import ipywidgets"),
    ("import sora_widgets", "import sora_widgets"),
    ("import sora_widgets; sora_widgets.SoraClient", "import sora_widgets; sora_widgets.SoraClient"),
    ("from sora_widgets import Studio", "from sora_widgets import Studio"),
]


def _time(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - t0


def run(quick: bool = False) -> Report:
    """Median import times over several fresh interpreters."""
    started = time.perf_counter()
    runs = 2 if quick else 9
    for _, code in STATEMENTS:  # warm the OS file cache once
        _time(code)
    samples: dict[str, list[float]] = {label: [] for label, _ in STATEMENTS}
    for _ in range(runs):
        for label, code in STATEMENTS:
            samples[label].append(_time(code))
    base = median(samples[STATEMENTS[0][0]])
    ipyw = median(samples["import ipywidgets"]) - base
    rows = []
    for label, _ in STATEMENTS:
        m = median(samples[label])
        net = m - base
        rows.append(
            [
                label,
                fmt(m * 1000, 0, " ms"),
                "-" if label.startswith("python -c pass") else fmt(net * 1000, 0, " ms"),
                "-" if label.startswith("python -c pass") else fmt(net / ipyw, 2, "x"),
            ]
        )
    report = Report(
        key="imports",
        title="5. Import time (fresh interpreter, median)",
        columns=["statement", "wall (median)", "minus start-up", "vs import ipywidgets"],
        rows=rows,
        notes=[f"{runs} runs each after one warm-up, interleaved; `{sys.executable} -c ...`."],
    )
    report.seconds = time.perf_counter() - started
    return report


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv).as_text())
