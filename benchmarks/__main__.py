"""``python -m benchmarks [--quick] [--only NAMES] [--output PATH]``: run, print, record."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

from . import BENCHMARKS
from ._common import REPO_ROOT, Report, load_average, machine, machine_state

# Run order: the cheapest and least noise-sensitive first; the browser last.
ORDER = ("imports", "coach", "render", "polling", "many_jobs", "download", "delivery", "long_session")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _run_one(name: str, quick: bool) -> Report:
    before = load_average()
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"benchmarks.{name}")
        report: Report = module.run(quick=quick)
    except Exception as exc:  # one broken benchmark must not hide the others' figures
        report = Report(
            key=name,
            title=f"{name}: FAILED",
            columns=["error"],
            rows=[[f"{type(exc).__name__}: {exc}".replace("\n", " ")[:300]]],
            notes=["The benchmark raised; see the traceback printed above."],
        )
        traceback.print_exc()
    report.seconds = report.seconds or (time.perf_counter() - started)
    report.load = f"{before} -> {load_average()}"
    return report


def _markdown(reports: list[Report], quick: bool, total: float, info: dict[str, str]) -> str:
    command = "python -m benchmarks" + (" --quick" if quick else "")
    lines = [
        "# Benchmarks: latest figures",
        "",
        "Written by `python -m benchmarks` (do not edit by hand). Every section below comes from this "
        "one run, on the machine below (its load and busiest other processes at the start and the end; "
        "each section adds its own 1-minute load before -> after); compare the ratios, not the absolute "
        "times.",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in {**info, "machine at end": machine_state()}.items()]
    lines += [
        f"| total time | {total:.0f} s |",
        f"| reproduce | `{command}` (from the repository root, with the `test` extra installed; "
        "Chromium at /usr/bin/chromium for the delivery benchmark) |",
        "",
    ]
    if quick:
        lines += ["**Quick run: tiny configurations for smoke testing; these figures mean little.**", ""]
    summary = [t for r in reports for t in r.targets]
    if summary:
        lines += [
            "## Targets at a glance",
            "",
            "| benchmark | target | goal | measured | verdict |",
            "|---|---|---|---|---|",
        ]
        for r in reports:
            for t in r.targets:
                lines.append(
                    f"| {r.title.split(':')[0]} | {t.name} | {t.goal} | {t.measured} | **{t.verdict}** |"
                )
        lines.append("")
    for r in sorted(reports, key=lambda r: BENCHMARKS.index(r.key) if r.key in BENCHMARKS else 99):
        lines.append(r.as_markdown())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks, print each table, and write RESULTS.md for a full run."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny configurations (smoke test, < ~1 min)")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(ORDER)}")
    parser.add_argument(
        "--output",
        default=None,
        help="where to write the Markdown results (default: benchmarks/RESULTS.md for a full run of "
        "all benchmarks; nothing for --quick or --only)",
    )
    args = parser.parse_args(argv)
    chosen = [n.strip() for n in args.only.split(",") if n.strip()] or list(ORDER)
    unknown = [n for n in chosen if n not in ORDER]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(ORDER)}")
    sys.path.insert(0, str(REPO_ROOT))
    info = machine()  # the machine's state before anything runs
    print(f"-- machine at start: {info['machine at start']}", flush=True)
    started = time.perf_counter()
    reports = []
    for name in [n for n in ORDER if n in chosen]:
        print(f"-- running {name}{' (quick)' if args.quick else ''} ...", flush=True)
        report = _run_one(name, args.quick)
        print(report.as_text(), "\n", flush=True)
        reports.append(report)
    total = time.perf_counter() - started
    missed = [f"{r.key}: {t.name}" for r in reports for t in r.targets if t.met is False]
    failed = [r.key for r in reports if r.title.endswith("FAILED")]
    print(f"all done in {total:.0f} s; targets missed: {', '.join(missed) or 'none'}")
    output = args.output
    if output is None and not args.quick and not args.only:
        output = str(RESULTS)
    if output:
        Path(output).write_text(_markdown(reports, args.quick, total, info))
        print(f"wrote {output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
