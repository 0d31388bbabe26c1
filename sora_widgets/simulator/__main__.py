"""``python -m sora_widgets.simulator --port 8765 --speed demo``: serve the simulator on loopback."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .._serve import run_until_interrupted
from ._catalog import RETIRE_ENV
from .app import Simulator
from .engine import DEFAULT_RESULT_TTL_S, SPEEDS
from .faults import FaultPlan


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m sora_widgets.simulator",
        description="Serve a local Vtrix gateway that renders real (synthetic) videos.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (0 picks a free one; default 8765)")
    parser.add_argument("--speed", choices=SPEEDS, default="demo", help="how long tasks take (default demo)")
    parser.add_argument(
        "--state-dir", default=None, help="tasks and videos (default $SORA_WIDGETS_HOME/simulator)"
    )
    parser.add_argument(
        "--ttl",
        type=float,
        default=DEFAULT_RESULT_TTL_S,
        help="seconds a result URL works (default %(default)g)",
    )
    parser.add_argument(
        "--faults",
        default="",
        help='instance-wide faults as magic words, e.g. "[sim:poll=503x3] [sim:truncate]"',
    )
    parser.add_argument(
        "--retire",
        action="append",
        default=[v for v in os.environ.get(RETIRE_ENV, "").split(",") if v.strip()],
        metavar="MODEL",
        help='a model that answers "model not found" and leaves the catalog (repeatable; '
        f'"sora" retires both Sora 2 Pro models; default ${RETIRE_ENV}, comma-separated)',
    )
    parser.add_argument(
        "--fetch-urls",
        action="store_true",
        help="fetch http(s) input_reference URLs (off: in a class rehearsal students could make "
        "this machine request any address)",
    )
    parser.add_argument("--key", action="append", default=None, help="accept only this key (repeatable)")
    parser.add_argument(
        "--benchmark",
        action="store_true",
        help="render a 12 s 1280x720 text-to-video and an image-to-video, print the times, exit",
    )
    return parser


def benchmark() -> int:
    """Measure render speed on this machine (what `instant` tasks cost)."""
    import io
    import tempfile
    import time
    from pathlib import Path

    import numpy as np
    from PIL import Image

    from .render import RenderSpec, render_video, seed_of

    prompt = "Wide shot, a red kite over a beach at dusk, slow dolly in"
    yy, xx = np.mgrid[0:720, 0:1280]
    picture = np.stack([xx % 256, yy % 256, (xx + yy) % 256], axis=-1).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(picture).save(buf, "PNG")
    with tempfile.TemporaryDirectory() as tmp:
        for name, image in (("text-to-video", None), ("image-to-video", buf.getvalue())):
            spec = RenderSpec(
                width=1280,
                height=720,
                seconds=12,
                prompt=prompt,
                seed=seed_of(prompt),
                image_sha256="bench" if image else None,
            )
            start, cpu = time.perf_counter(), time.process_time()
            size = render_video(spec, Path(tmp) / f"{name}.mp4", image=image, threads=1)
            took, cpu_took = time.perf_counter() - start, time.process_time() - cpu
            print(
                f"{name}: 12 s 1280x720 @ {spec.fps} fps in {took:.2f} s wall, {cpu_took:.2f} s CPU "
                f"({spec.frame_count / took:.0f} frames/s, {size / 1e6:.2f} MB)"
            )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run until interrupted; print the base URL first (flushed, so scripts can read it)."""
    args = build_parser().parse_args(argv)
    if args.benchmark:
        return benchmark()
    try:
        faults = FaultPlan.from_prompt(args.faults)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sim = Simulator(
        speed=args.speed,
        state_dir=args.state_dir,
        result_ttl_s=args.ttl,
        faults=faults,
        valid_keys=set(args.key) if args.key else None,
        retired=args.retire,
        fetch_urls=args.fetch_urls,
    )

    def banner(url: str) -> str:
        retired = f"; retired: {', '.join(sorted(sim.catalog.retired))}" if sim.catalog.retired else ""
        serving = f"sora_widgets simulator ({args.speed}) serving; set VTRIX_BASE_URL={url}"
        return f"{serving}{retired}; Ctrl+C stops"

    return run_until_interrupted(sim.serve(args.host, args.port, log_level="warning"), banner, sim.close)


if __name__ == "__main__":
    sys.exit(main())
