# ruff: noqa: E501 - long JavaScript snippets and table cells read better on one line
"""7. Long session: what a whole afternoon in one notebook costs, as the work grows.

Kernel side (no browser): History ``len()`` and ``[0]`` on a 10,000-entry journal (against reading
every entry, as History did before), and the widgets a Studio leaves alive per finished generation.

Browser side, in a real JupyterLab with headless Chromium (``tests/browser/conftest.py``'s server):

- N generations in one Studio (N = 0, 50, 200; ``--quick``: 0, 2, 4): widgets alive in the
  kernel, DOM nodes and JS heap of the tab, key-to-screen latency in the Prompt box and
  thumbnail-click-to-first-frame in the strip.
- K player cells, then all outputs cleared (K = 20; ``--quick``: 3), for ``sw.VideoPlayer`` and
  the anchor ``ipywidgets.Video``: JS heap and renderer memory per player while shown and after
  clearing (garbage collected first, through CDP ``HeapProfiler.collectGarbage``).
- The Gallery's fill time at 100, 500 and 2,000 entries (``--quick``: 50, 100): from running the
  cell to every tile in the page and the visible thumbnails painted, and the main thread's long
  tasks meanwhile.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ._common import Report, Target, fmt, rss_bytes
from ._lab import lab_notebook

PROBES = """
(() => {
  window.__ls = { longtask: 0, keys: [] };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__ls.longtask += e.duration;
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {}
})();
"""

SETUP = """\
import asyncio, time, gc, ipywidgets
from ipywidgets.widgets.widget import _instances
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="instant"))
video = client.generate_sync(prompt="A red kite over a beach", size="1280x720", seconds=4)
print("ready", video.path.stat().st_size)
"""


def _history_figures(entries: int) -> tuple[float, float, float]:
    """(len ms, [0] ms, full read ms) on a journal of ``entries`` completed entries."""
    from sora_widgets.journal import History, Journal
    from sora_widgets.models import Task, Video, VideoRequest

    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        journal = Journal(Path(tmp) / "journal.sqlite3")
        db = journal._conn
        request = VideoRequest("A red kite over a beach", seconds=4)
        task = Task(id="t", model=request.model, status="completed")
        video = Video.from_task(task, request)
        # Written in one transaction (the journal's own writes commit one by one, with fsync).
        with journal._write():
            import json
            import uuid

            rows = []
            for n in range(entries):
                v = video.with_changes(task_id=f"t{n:05d}")
                rows.append((uuid.uuid4().hex, float(n), float(n), "http://sim", 1, request.model,
                             request.prompt, json.dumps(request.to_dict()), v.task_id, "completed", 1.0,
                             json.dumps(v.to_dict()), "{}"))  # fmt: skip
            db.executemany(
                "INSERT INTO entries (id, created_at, updated_at, base_url, simulated, model, prompt, "
                "request, task_id, status, progress, video, labels) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
        history = History(journal)

        def best(fn: Any, repeat: int = 5) -> float:
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t0) * 1000)
            return min(times)

        length = best(lambda: len(history))
        first = best(lambda: history[0])
        full = best(lambda: journal.entries(), repeat=2)
        assert len(history) == entries
        journal.close()
    return length, first, full


def _studio_widgets(generations: int) -> tuple[int, int]:
    """(widgets alive after ``generations`` more, kernel RSS growth in bytes) in plain Python."""
    import asyncio

    from ipywidgets.widgets.widget import _instances

    from sora_widgets.client import SoraClient
    from sora_widgets.simulator import Simulator
    from sora_widgets.widgets.studio import Studio

    async def go() -> tuple[int, int]:
        with tempfile.TemporaryDirectory(prefix="bench-studio-") as tmp:
            sim = Simulator(speed="instant", state_dir=Path(tmp) / "sim")
            from sora_widgets.journal import Journal

            client = SoraClient(connect=sim, journal=Journal(Path(tmp) / "j.sqlite3"))
            studio = Studio(client)
            await studio.generate(prompt="A kite")
            await asyncio.sleep(0)
            before, rss = len(_instances), rss_bytes()
            for _ in range(generations):
                await studio.generate(prompt="A kite")
            await asyncio.sleep(0)
            after, rss_after = len(_instances), rss_bytes()
            await client.aclose()
            assert client.journal is not None
            client.journal.close()
            sim.close()
            return after - before, rss_after - rss

    return asyncio.run(go())


def _renderer_rss() -> int:
    """Resident memory of Chromium's renderer processes (the tabs), in bytes."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            cmd = (proc / "cmdline").read_bytes()
            if b"chrom" in cmd and b"--type=renderer" in cmd:
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
    return total


def _tab(cdp: Any) -> dict[str, float]:
    cdp.send("HeapProfiler.collectGarbage")
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {
        "heap": metrics.get("JSHeapUsedSize", 0.0),
        "nodes": metrics.get("Nodes", 0.0),
        "rss": _renderer_rss(),
    }


def run(quick: bool = False) -> Report:
    """Measure the kernel and browser costs of a long session; see the module docstring."""
    started = time.perf_counter()
    entries = 1_000 if quick else 10_000
    length_ms, first_ms, full_ms = _history_figures(entries)
    gens = (0, 2, 4) if quick else (0, 50, 200)
    widget_growth = {n: _studio_widgets(n) for n in gens[1:]}
    players = 3 if quick else 20
    gallery_sizes = (50, 100) if quick else (100, 500, 2000)
    # Fixed pauses (garbage collection, media release) are a fifth in a quick run: a smoke test.
    settle_ms = 100 if quick else 500

    rows: list[list[str]] = []
    rows.append(
        [
            f"History len() at {entries:,} entries",
            fmt(length_ms, 2, " ms"),
            f"full read {fmt(full_ms, 0, ' ms')}",
        ]
    )
    rows.append([f"History[0] at {entries:,} entries", fmt(first_ms, 2, " ms"), ""])
    for n, (widgets, rss) in widget_growth.items():
        rows.append(
            [
                f"Studio, {n} more generations (kernel)",
                f"{widgets} widgets left",
                f"RSS +{fmt(rss / 1e6, 1, ' MB')}",
            ]
        )

    studio_rows: dict[int, dict[str, float]] = {}
    player_rows: dict[str, dict[str, float]] = {}
    gallery_rows: dict[int, dict[str, float]] = {}
    cells = [
        SETUP,
        "studio = sw.Studio(client)\nstudio",
        "N = 0\nfor _ in range(N):\n    await studio.generate(prompt='A red kite over a beach', size='1280x720')\n"
        "await asyncio.sleep(0.2); gc.collect()\nprint('widgets', len(_instances), 'bars', len(studio.status_bars))",
        *[f"sw.VideoPlayer(video)  # {i}" for i in range(players)],
        *[f"ipywidgets.Video.from_file(video.path, width=640)  # {i}" for i in range(players)],
        "M = 0\nj = client.journal\nhave = len(j.entries())\nfor n in range(max(0, M - have)):\n"
        "    e = j.record_request(video.request, base_url=client.base_url, simulated=True)\n"
        "    j.record_video(e, video.with_changes(task_id=f'copy{have + n:05d}'))\nprint('filled', M)",
        "T0 = time.time()\ngallery = sw.Gallery(client, limit=M)\ngallery",
    ]
    with lab_notebook("long", cells, PROBES, timeout_ms=120_000) as nb:
        page = nb.page
        cdp = nb.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        nb.open()
        nb.run_cell(0, timeout_ms=300_000)

        def set_source(index: int, old: str, new: str) -> None:
            page.evaluate(
                "([i, a, b]) => { const c = window.jupyterapp.shell.currentWidget.content.widgets[i];"
                " c.model.sharedModel.setSource(c.model.sharedModel.getSource().replace(a, b)); }",
                [index, old, new],
            )

        # -- Studio with N generations ------------------------------------------------
        done = 0
        for n in gens:
            if n == 0:
                nb.clear_outputs()
                nb.run_cell(1)
                page.locator(".sw-studio-header").first.wait_for()
            set_source(2, "N = 0", f"N = {n - done}")
            nb.run_cell(2, timeout_ms=900_000)
            set_source(2, f"N = {n - done}", "N = 0")
            done = n
            page.wait_for_timeout(settle_ms)
            widgets = int(nb.output_text(2).split()[1])
            tab = _tab(cdp)
            # Key to screen: a key press in the Prompt box until the next frame shows it.
            box = page.locator(".sw-pb-text").first
            box.click()
            lat = []
            for ch in "abcdefghij":
                t0 = time.perf_counter()
                page.keyboard.press(ch)
                page.wait_for_function(
                    "(n) => document.querySelector('.sw-pb-text').value.length >= n", arg=len(lat) + 1
                )
                lat.append((time.perf_counter() - t0) * 1000)
            for _ in lat:
                page.keyboard.press("Backspace")
            # Thumbnail click to first frame in the player.
            click_ms = float("nan")
            tiles = page.locator(".sw-strip-tile")
            if tiles.count() >= 2:
                tiles.nth(1).scroll_into_view_if_needed()
                page.evaluate(
                    "() => { const v = document.querySelector('.sw-player video'); window.__ls.loaded = null;"
                    " v.addEventListener('loadeddata', () => { window.__ls.loaded = performance.now(); }, { once: true }); }"
                )
                t_click = page.evaluate("() => performance.now()")
                tiles.nth(1).click()
                page.wait_for_function("() => window.__ls.loaded !== null", timeout=60_000)
                click_ms = page.evaluate("() => window.__ls.loaded") - t_click
            studio_rows[n] = {
                **tab,
                "widgets": widgets,
                "key_ms": statistics.median(lat),
                "click_ms": click_ms,
            }

        # -- K player cells vs ipywidgets.Video -----------------------------------------
        for name, first in (("sw.VideoPlayer", 3), ("ipywidgets.Video", 3 + players)):
            nb.clear_outputs()
            page.wait_for_timeout(2 * settle_ms)
            base = _tab(cdp)
            for i in range(players):
                nb.run_cell(first + i)
            page.wait_for_function(
                "(k) => [...document.querySelectorAll('.jp-OutputArea video')]"
                ".filter((v) => v.readyState >= 2).length >= k",
                arg=players,
                timeout=240_000,
            )
            shown = _tab(cdp)
            nb.clear_outputs()
            page.wait_for_timeout(4 * settle_ms)
            cleared = _tab(cdp)
            player_rows[name] = {
                "shown_heap": (shown["heap"] - base["heap"]) / players,
                "cleared_heap": (cleared["heap"] - base["heap"]) / players,
                "shown_rss": (shown["rss"] - base["rss"]) / players,
                "cleared_rss": (cleared["rss"] - base["rss"]) / players,
                "cleared_nodes": (cleared["nodes"] - base["nodes"]) / players,
            }

        # -- Gallery fill ------------------------------------------------------------
        gallery_index = 3 + 2 * players + 1
        for m in gallery_sizes:
            nb.clear_outputs()
            set_source(gallery_index - 1, "M = 0", f"M = {m}")
            nb.run_cell(gallery_index - 1, timeout_ms=900_000)
            set_source(gallery_index - 1, f"M = {m}", "M = 0")
            set_source(gallery_index, "limit=M", f"limit={m}")
            page.evaluate("() => { window.__ls.longtask = 0; }")
            t0 = page.evaluate("() => performance.now()")
            nb.run_cell(gallery_index, timeout_ms=900_000)
            page.wait_for_function(
                "(m) => document.querySelectorAll('.sw-strip-tile').length >= m",
                arg=m,
                timeout=900_000,
            )
            tiles_ms = page.evaluate("() => performance.now()") - t0
            # Thumbnails are asked for by tiles in view: bring the Gallery on screen.
            page.locator(".sw-strip-tile").first.scroll_into_view_if_needed()
            with contextlib.suppress(Exception):  # thumbnails: best effort, bounded wait
                page.wait_for_function(
                    "() => { const imgs = [...document.querySelectorAll('.sw-strip-tile img')];"
                    " return imgs.length > 0 && imgs.every((i) => i.complete); }",
                    timeout=60_000,
                )
            filled = page.evaluate("() => performance.now()") - t0
            set_source(gallery_index, f"limit={m}", "limit=M")
            gallery_rows[m] = {
                "fill_ms": filled,
                "tiles_ms": tiles_ms,
                "blocked_ms": page.evaluate("() => window.__ls.longtask"),
                "images": page.locator(".sw-strip-tile img").count(),
            }

    for n, r in studio_rows.items():
        rows.append([
            f"Studio in JupyterLab, {n} generations",
            f"{int(r['widgets'])} widgets in kernel, {int(r['nodes'])} DOM nodes",
            f"heap {fmt(r['heap'] / 1e6, 1, ' MB')}, key {fmt(r['key_ms'], 0, ' ms')}, "
            f"thumbnail click -> frame {fmt(r['click_ms'], 0, ' ms')}",
        ])  # fmt: skip
    for name, r in player_rows.items():
        rows.append([
            f"{name} x{players}, per player",
            f"shown: heap {fmt(r['shown_heap'] / 1e6, 2, ' MB')}, renderer {fmt(r['shown_rss'] / 1e6, 1, ' MB')}",
            f"after clearing: heap {fmt(r['cleared_heap'] / 1e6, 2, ' MB')}, renderer "
            f"{fmt(r['cleared_rss'] / 1e6, 1, ' MB')}, DOM nodes {fmt(r['cleared_nodes'], 0)}",
        ])  # fmt: skip
    for m, r in gallery_rows.items():
        rows.append([
            f"Gallery fill, {m} entries",
            f"all tiles {fmt(r['tiles_ms'], 0, ' ms')}, visible thumbnails {fmt(r['fill_ms'], 0, ' ms')}",
            f"main thread blocked {fmt(r['blocked_ms'], 0, ' ms')}, {int(r['images'])} images held",
        ])  # fmt: skip

    targets = [
        Target("History len() and [0]", f"< 5 ms at {entries:,}", f"{length_ms:.2f} / {first_ms:.2f} ms",
               length_ms < 5 and first_ms < 5),
        Target("widgets left per finished generation", "0",
               ", ".join(f"{w} after {n}" for n, (w, _) in widget_growth.items()),
               all(w == 0 for w, _ in widget_growth.values())),
    ]  # fmt: skip
    if player_rows:
        ours = player_rows["sw.VideoPlayer"]["cleared_rss"]
        anchor = player_rows["ipywidgets.Video"]["cleared_rss"]
        targets.append(
            Target(
                "per-player tab memory after clearing",
                "<= ipywidgets.Video",
                f"{ours / 1e6:.1f} vs {anchor / 1e6:.1f} MB",
                ours <= anchor,
            )
        )
    if len(gallery_rows) >= 2:
        sizes = sorted(gallery_rows)
        small, big = sizes[0], sizes[-1]
        ratio = gallery_rows[big]["tiles_ms"] / max(1.0, gallery_rows[small]["tiles_ms"])
        targets.append(
            Target(
                "Gallery fill linear in tiles",
                f"time ratio <= tile ratio ({big / small:.0f}x)",
                f"{ratio:.1f}x",
                ratio <= big / small,
            )
        )
    report = Report(
        key="long_session",
        title="7. Long session: History, Studio generations, player cells and Gallery fill",
        columns=["what", "figure", "more"],
        rows=rows,
        targets=targets,
        notes=[
            "Browser figures: JupyterLab + headless Chromium; heap is JSHeapUsedSize after two "
            "HeapProfiler.collectGarbage calls; renderer is the RSS of Chromium's renderer processes "
            "(media buffers and Blob data live outside the JS heap). Key latency is a key press until "
            "the Prompt box holds it; click latency is a strip thumbnail click until the player's "
            "loadeddata. The player videos are 4 s 1280x720.",
        ],
    )
    report.seconds = time.perf_counter() - started
    return report


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv).as_text())
