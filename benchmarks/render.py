"""Benchmark 6: simulator rendering speed, seconds of 1280x720 video per second of wall time.

Renders with :func:`sora_widgets.simulator.render.render_video` exactly as the simulator does
(``threads=1``: its render pool runs one libx264 thread per job so renders never starve the
server), and with libx264's automatic threading for comparison. A text-to-video spec and an
image-to-video spec (a reference image animated) are both measured.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from ._common import Report, fmt


def _reference_png(width: int, height: int) -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (width, height), (40, 90, 160))
    draw = ImageDraw.Draw(im)
    for i in range(0, width, 80):
        draw.rectangle([i, height // 3, i + 40, 2 * height // 3], fill=(230, 180, 40))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def run(quick: bool = False) -> Report:
    """Time renders of 1280x720 videos and report video-seconds per wall-second."""
    import hashlib

    import av  # noqa: F401 - imported before timing: renders, not the import, are measured

    from sora_widgets.simulator.render import RenderSpec, render_video, seed_of

    started = time.perf_counter()
    seconds = 4 if quick else 12
    image = _reference_png(1280, 720)
    cases = [("text-to-video", None, 1), ("text-to-video", None, 0)]
    if not quick:
        cases += [("image-to-video", image, 1)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        for n, (kind, img, threads) in enumerate(cases):
            prompt = f"A lighthouse at dusk, waves, benchmark {n}"
            spec = RenderSpec(
                width=1280,
                height=720,
                seconds=seconds,
                prompt=prompt,
                seed=seed_of(prompt),
                image_sha256=hashlib.sha256(img).hexdigest() if img else None,
            )
            dest = Path(tmp) / f"{n}.mp4"
            t0, c0 = time.perf_counter(), time.process_time()
            size = render_video(spec, dest, image=img, threads=threads)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            rows.append(
                [
                    kind,
                    "1 (simulator's setting)" if threads == 1 else "auto",
                    f"{seconds} s, {spec.frame_count} frames",
                    fmt(wall, 2, " s"),
                    fmt(cpu, 2, " s"),
                    fmt(seconds / wall, 2, "x"),
                    fmt(size / 1e6, 2, " MB"),
                ]
            )
    report = Report(
        key="render",
        title="6. Simulator rendering: 1280x720 H.264 (PyAV/libx264)",
        columns=["spec", "x264 threads", "video", "wall", "CPU", "video s per wall s", "file"],
        rows=rows,
        notes=["Realtime factor = seconds of video / seconds of wall time (higher is faster)."],
    )
    report.seconds = time.perf_counter() - started
    return report


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv).as_text())
