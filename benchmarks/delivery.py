"""Benchmark 3: from a finished video in the kernel to its first frame in a real browser.

JupyterLab runs on loopback (started with the browser-test harness in
``tests/browser/conftest.py``) and headless Debian Chromium (``/usr/bin/chromium``) opens one
notebook through Playwright. The notebook's first cell makes a 1280x720 video with the
in-process simulator (12 s; 4 s in a quick run); each contender then shows that same video in
a cell of its own:

- ours: ``sw.VideoPlayer(video)`` (bytes sent once, as a binary buffer, pushed with the display
  message and kept by the front end for the view it makes; never in the widget state);
- ``ipywidgets.Video(value=bytes)`` (bytes in the widget state);
- ``IPython.display.Video(path, embed=True)`` (base64 inside the output's HTML).

Timing: the cell prints ``time.time()`` as its first act (the "task completed, video on disk"
moment); a script injected into the page stamps, on the same wall clock, the ``<video>``'s
``loadeddata`` event (first frame decoded, ``readyState >= 2``) and its first
``requestVideoFrameCallback`` (first frame handed to the compositor: painted). Bytes: every
WebSocket frame the page receives while the cell runs (kernel messages, widget buffers,
outputs); HTTP responses in that window (JupyterLab's own API calls) are shown apart.
Contenders alternate over rounds, each time with every output cleared so only one ``<video>``
exists; a first, uncounted round warms the page up (the first widget output of a page and the
first load of each widget's code cost whoever comes first).
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from typing import Any

from ._common import Report, fmt, median
from ._lab import lab_notebook

HOOK_JS = """
(() => {
  window.__bench = {events: []};
  const seen = new WeakSet();
  const stamp = () => performance.timeOrigin + performance.now();
  function hook(v) {
    if (seen.has(v)) return;
    seen.add(v);
    const rec = (kind, t) => window.__bench.events.push({kind, t, w: v.videoWidth, h: v.videoHeight});
    if (v.readyState >= 2) rec('loadeddata', stamp());
    v.addEventListener('loadeddata', () => rec('loadeddata', stamp()));
    if (v.requestVideoFrameCallback) {
      v.requestVideoFrameCallback((now) => rec('painted', performance.timeOrigin + now));
    }
  }
  const scan = () => document.querySelectorAll('video').forEach(hook);
  new MutationObserver(scan).observe(document, {subtree: true, childList: true});
})();
"""

CONTENDERS = {
    "ours: sw.VideoPlayer": "sw.VideoPlayer(video)",
    "ipywidgets.Video(value=bytes)": (
        "ipywidgets.Video(value=pathlib.Path(video.path).read_bytes(), format='mp4')"
    ),
    "IPython.display.Video(embed=True)": "IPython.display.Video(str(video.path), embed=True, width=640)",
}


def _setup_cell(seconds: int) -> str:
    return (
        "import time, pathlib, ipywidgets, IPython.display\n"
        "import sora_widgets as sw\n"
        "from sora_widgets.simulator import Simulator\n"
        "client = sw.SoraClient(connect=Simulator(speed='instant', state_dir='sim'))\n"
        "video = client.generate_sync(prompt='A red kite over a beach at dusk', size='1280x720', "
        f"seconds={seconds}, progress=False)\n"
        "print(video.path, pathlib.Path(video.path).stat().st_size)"
    )


def _contender_cell(expr: str) -> str:
    return f"_t0 = time.time(); print(f'T0={{_t0!r}}')\n{expr}"


def run(quick: bool = False) -> Report:
    """Show the same video with each contender; time first frame and count bytes sent."""
    started = time.perf_counter()
    seconds = 4 if quick else 12
    rounds = 1 if quick else 5
    # Fixed pauses (messages settling) are a fifth in a quick run: a smoke test, not a figure.
    settle_ms = 60 if quick else 300
    names = list(CONTENDERS)
    results: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    file_size = 0
    cells = [_setup_cell(seconds)] + [_contender_cell(CONTENDERS[n]) for n in names]
    with lab_notebook("delivery", cells, HOOK_JS, timeout_ms=60_000) as nb:
        page = nb.page
        received = {"ws": 0, "http": 0}

        def on_ws(ws: Any) -> None:
            def frame(payload: Any) -> None:
                received["ws"] += len(payload.encode() if isinstance(payload, str) else payload)

            ws.on("framereceived", frame)

        def on_response(response: Any) -> None:
            length = response.headers.get("content-length")
            if length and length.isdigit():
                received["http"] += int(length)

        page.on("websocket", on_ws)
        page.on("response", on_response)
        nb.open()
        nb.run_cell(0, timeout_ms=240_000)
        size_text = nb.output_text(0).split()
        file_size = int(size_text[-1])
        # A warm-up round, not counted: whoever went first would otherwise also pay the
        # page's first widget output and first load of its widget code.
        for r in range(-1, rounds):
            order = names[r % len(names) :] + names[: r % len(names)]
            for name in order:
                index = 1 + names.index(name)
                nb.clear_outputs()
                page.evaluate("() => { window.__bench.events = []; }")
                page.wait_for_timeout(settle_ms)  # let clearing's own messages pass
                received["ws"] = received["http"] = 0
                nb.run_cell(index)
                page.wait_for_function(
                    "() => window.__bench.events.some(e => e.kind === 'loadeddata')", timeout=60_000
                )
                # rVFC may come a frame later; give it a moment, it is optional.
                with contextlib.suppress(Exception):
                    page.wait_for_function(
                        "() => window.__bench.events.some(e => e.kind === 'painted')", timeout=5_000
                    )
                events = page.evaluate("() => window.__bench.events")
                page.wait_for_timeout(settle_ms * 5 // 3)  # trailing messages (idle status, comm acks)
                t0 = float(re.search(r"T0=([0-9.]+)", nb.output_text(index)).group(1))  # type: ignore[union-attr]
                loaded = min(e["t"] for e in events if e["kind"] == "loadeddata")
                painted = [e["t"] for e in events if e["kind"] == "painted"]
                width = max(e["w"] for e in events)
                if r < 0:
                    continue
                results[name].append(
                    {
                        "loaded_ms": loaded - t0 * 1000,
                        "painted_ms": (min(painted) - t0 * 1000) if painted else float("nan"),
                        "ws": received["ws"],
                        "http": received["http"],
                        "width": width,
                    }
                )
    rows = []
    for name in names:
        rs = results[name]
        sent = median([r["ws"] for r in rs])
        rows.append(
            [
                name,
                fmt(median([r["painted_ms"] for r in rs]), 0, " ms"),
                fmt(median([r["loaded_ms"] for r in rs]), 0, " ms"),
                fmt(sent / 1e6, 2, " MB"),
                fmt(sent / file_size, 2, "x"),
                fmt(median([r["http"] for r in rs]) / 1e3, 0, " kB"),
                str(int(max(r["width"] for r in rs))),
            ]
        )
    report = Report(
        key="delivery",
        title=f"3. Delivery: finished {seconds} s 1280x720 video -> first frame in Chromium (JupyterLab)",
        columns=[
            "player",
            "to first frame painted",
            "to loadeddata",
            "kernel WebSocket bytes",
            "vs MP4 size",
            "other HTTP (Lab's own)",
            "videoWidth",
        ],
        rows=rows,
        notes=[
            f"Median of {rounds} round(s) after a warm-up round that is not counted, contenders alternated, "
            "outputs cleared between runs. The MP4 is "
            f"{file_size / 1e6:.2f} MB. 'Painted' is the first requestVideoFrameCallback; 'loadeddata' "
            "is readyState >= 2. Both are stamped on the wall clock the kernel's time.time() uses.",
        ],
    )
    report.seconds = time.perf_counter() - started
    return report


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv).as_text())
