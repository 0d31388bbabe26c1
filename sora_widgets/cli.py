"""``sora-widgets``: generate videos, list and resume past tasks, run the simulator, open the demo.

Example (a shell):

    sora-widgets generate "Wide shot of a red kite at dusk, slow dolly in" --seconds 8 --size 1280x720
    sora-widgets generate "The boat drifts right" --image boat.jpg --fit cover --out boat.mp4
    sora-widgets history --status completed --since 7d
    sora-widgets resume
    sora-widgets simulator --port 8765
    sora-widgets demo
    sora-widgets cache prune --max-size 2GB --dry-run

With no key configured (``VTRIX_API_KEY``, keyring) and no ``--base-url``/``VTRIX_BASE_URL``,
everything runs against the built-in simulator, so nothing is ever billed by accident.

Exit status: 0 done; 1 other error; 2 bad input (nothing was sent); 3 the generation failed;
4 the create's answer was lost (maybe billed, never resent; see ``history``); 5 our deadline
passed while the task runs on (``resume`` finishes it); 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import __version__
from ._constants import DEFAULT_WAIT_TIMEOUT_S, ENV_API_KEY, ENV_BASE_URL
from ._progress import progress_callback
from .errors import (
    DownloadError,
    GenerationFailed,
    InvalidRequestError,
    PollTimeout,
    SoraError,
    UnknownOutcomeError,
)

if TYPE_CHECKING:
    from .client import SoraClient
    from .journal import JournalEntry
    from .models.request import ReferenceImage
    from .models.task import Task
    from .models.video import Video

__all__ = ["main"]

T = TypeVar("T")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INVALID = 2
EXIT_FAILED = 3
EXIT_UNKNOWN_OUTCOME = 4
EXIT_TIMEOUT = 5
EXIT_INTERRUPTED = 130

_DELEGATED = ("simulator", "demo", "cache")


def _say(*parts: object) -> None:
    """Messages for the person at the terminal go to stderr; results go to stdout."""
    print(*parts, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# argument parsing


def _since(text: str) -> datetime:
    """``2026-11-01``, ``2026-11-01T12:00``, or a age such as ``7d``, ``12h``, ``30m``."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([dhm])\s*", text)
    if match:
        amount, unit = float(match.group(1)), match.group(2)
        delta = {"d": timedelta(days=amount), "h": timedelta(hours=amount), "m": timedelta(minutes=amount)}[
            unit
        ]
        return datetime.now(timezone.utc) - delta
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; use 2026-11-01, 2026-11-01T12:00, or an age like 7d, 12h, 30m"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sora-widgets",
        description="Sora 2 Pro video generation through the Vtrix API (or the built-in simulator).",
        epilog="With no API key and no base URL, the built-in simulator answers: nothing is billed.",
    )
    parser.add_argument("--version", action="version", version=f"sora-widgets {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def service_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--base-url", help=f"the gateway (default: ${ENV_BASE_URL}, else the real API if a key is set)"
        )
        p.add_argument(
            "--simulate", action="store_true", help="use the built-in simulator even if a key is set"
        )
        p.add_argument(
            "--simulator-speed",
            choices=("instant", "demo", "realistic"),
            default="demo",
            help="how fast the built-in simulator renders (default: demo, 5-15 s)",
        )

    gen = sub.add_parser("generate", help="generate one video and save it", description="Generate one video.")
    gen.add_argument("prompt", help="the shot: type, subject, action, setting, lighting, camera movement")
    gen.add_argument("--seconds", default=None, help="4, 8 or 12 (default 4)")
    gen.add_argument(
        "--size",
        default=None,
        help="1280x720, 720x1280, landscape or portrait (default: the image's orientation, else 720x1280)",
    )
    gen.add_argument("--image", help="reference image (JPEG, PNG or WebP) for image to video")
    gen.add_argument(
        "--fit",
        choices=("cover", "letterbox"),
        help="bring the image to the video size: cover (crop) or letterbox (pad)",
    )
    gen.add_argument(
        "--remix", metavar="VIDEO_ID", help="make a variation of an earlier video (its remix id)"
    )
    gen.add_argument("--out", help="where to save the MP4 (a file or a folder; default: the video cache)")
    gen.add_argument(
        "--timeout", type=float, default=DEFAULT_WAIT_TIMEOUT_S, help="seconds to wait (default 1800)"
    )
    gen.add_argument("--no-download", action="store_true", help="print the result URL, do not download")
    gen.add_argument("--json", action="store_true", help="print the result as JSON")
    gen.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    service_options(gen)

    hist = sub.add_parser("history", help="list past requests and videos", description="List the journal.")
    hist.add_argument(
        "--status", help="completed, failed, in_progress, pending, unknown_outcome, refused ..."
    )
    hist.add_argument("--model", help="a model id, or t2v / i2v")
    hist.add_argument("--since", type=_since, help="from this date/time, or an age such as 7d, 12h")
    hist.add_argument("--until", type=_since, help="before this date/time, or an age")
    hist.add_argument("--limit", type=int, default=50, help="at most this many (default 50; 0 for all)")
    hist.add_argument("--json", action="store_true", help="one JSON object per line")

    res = sub.add_parser(
        "resume",
        help="finish every unfinished task (never creates new ones)",
        description="Re-attach to every unfinished task in the journal and finish it.",
    )
    res.add_argument("--json", action="store_true", help="print the results as JSON, one per line")
    res.add_argument("--quiet", "-q", action="store_true", help="no per-task progress lines")
    service_options(res)

    sub.add_parser(
        "simulator", help="run the local simulator server (python -m sora_widgets.simulator)", add_help=False
    )
    sub.add_parser(
        "demo", help="open JupyterLab on the quickstart notebook, with the simulator", add_help=False
    )
    sub.add_parser(
        "cache", help="show or prune downloaded videos (cache prune --max-size 2GB)", add_help=False
    )
    return parser


# ---------------------------------------------------------------------------------------------
# commands


def _client(args: argparse.Namespace) -> SoraClient:
    from .client import SoraClient

    if args.simulate and args.base_url:
        raise InvalidRequestError("use either --simulate (built-in simulator) or --base-url, not both.")
    simulator = None
    wants_sim = args.simulate or (
        args.base_url is None and not _env(ENV_BASE_URL) and not _env(ENV_API_KEY) and not _keyring_has_key()
    )
    if wants_sim:
        from .simulator import Simulator  # heavy: only when simulating

        simulator = Simulator(speed=args.simulator_speed)
    client = SoraClient(base_url=args.base_url, simulate=True if wants_sim else None, simulator=simulator)
    if client.simulated:
        _say(f"Using the built-in simulator ({args.simulator_speed} speed): nothing is billed.")
    else:
        _say(f"Using {client.base_url}")
    return client


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def _keyring_has_key() -> bool:
    from .client import keyring_key

    return keyring_key() is not None


def _image(args: argparse.Namespace, size: str | None) -> tuple[ReferenceImage | str | None, str | None]:
    """The reference image (fitted when asked) and the video size to use."""
    from .media import fit_image, load_image
    from .models.catalog import I2V
    from .models.request import normalize_size

    if args.image is None:
        if args.fit:
            raise InvalidRequestError("--fit needs --image.")
        return None, size
    if args.image.startswith(("https://", "http://")):
        if args.fit:
            raise InvalidRequestError("--fit works on local images; download the image first.")
        return args.image, size
    image = load_image(args.image)
    if size is None:
        size = "1280x720" if image.width >= image.height else "720x1280"
        _say(f"Video size {size}, following the image ({image.size}).")
    target = normalize_size(size, I2V)
    if args.fit:
        image = fit_image(image, target, args.fit)
    elif image.size != target:
        raise InvalidRequestError(
            f"the image is {image.size} but the video is {target}; they must match exactly. "
            f"Add --fit cover (crop to fill) or --fit letterbox (pad with bars), or pick the other --size."
        )
    for note in image.notes:
        _say(f"Image: {note}.")
    return image, target


class _Progress:
    """Prints the task id once it is known, then hands each update to the bar (if any)."""

    def __init__(self) -> None:
        self.task_id: str | None = None

    def __call__(self, task: Task) -> None:
        if self.task_id != task.id:
            self.task_id = task.id
            message = f"Task {task.id} created; waiting for the video (Ctrl-C stops waiting, not the task)."
            from tqdm import tqdm

            tqdm.write(message, file=sys.stderr)  # clears and redraws the progress bar around it


def _describe(video: Video) -> str:
    cost = f"${video.cost:.2f}" if video.cost is not None else "cost n/a"
    where = str(video.path) if video.path else (video.url or "no file")
    return (
        f"{where}  ({video.size}, {video.seconds} s, {cost}, task {video.task_id}, remix id {video.remix_id})"
    )


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run the command's coroutine on a fresh event loop.

    ``asyncio.run`` rather than the client's ``*_sync`` twins: on Ctrl-C it cancels the work,
    lets ``async with client`` close its connections, and closes the loop, so an interrupted
    command exits cleanly (the task itself keeps running on the service).
    """
    return asyncio.run(coro)


def _video_json(video: Video) -> str:
    data = video.to_dict()
    return json.dumps(data, default=str)


def _generate(args: argparse.Namespace) -> int:
    from .models.request import VideoRequest

    image, size = _image(args, args.size)
    fields: dict[str, Any] = {"prompt": args.prompt, "size": size, "seconds": args.seconds, "image": image}
    if args.remix:
        fields["remix_video_id"] = args.remix
    request = VideoRequest(**{k: v for k, v in fields.items() if v is not None})
    _say(f"{request.model}: {request.size}, {request.seconds} s, estimated ${request.estimated_cost:.2f}.")
    client = _client(args)
    download = not args.no_download and args.out is None
    target: Path | str | None = None
    if args.out is not None and not args.no_download:
        # Absolute, so the journal's record still points at the file from any directory.
        out = Path(args.out).expanduser().absolute()
        target = f"{out}{os.sep}" if args.out.endswith(("/", os.sep)) else out

    async def run(on_update: Callable[[Task], Any] | None) -> Video:
        async with client:
            video = await client.generate(
                request, on_update=on_update, timeout=args.timeout, download=download
            )
            if target is not None:
                video = video.with_changes(path=await client.download(video, target))
            return video

    with progress_callback(_Progress(), enabled=not args.quiet) as on_update:
        video = _run(run(on_update))
    print(_video_json(video) if args.json else _describe(video), flush=True)
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    from .journal import Journal

    with Journal() as journal:
        entries = journal.entries(
            status=args.status,
            model=args.model,
            since=args.since,
            until=args.until,
            limit=args.limit or None,
        )
        if args.json:
            for entry in entries:
                print(json.dumps(_entry_dict(entry), default=str))
            return EXIT_OK
        if not entries:
            _say(f"Nothing in the journal at {journal.path} matches.")
            return EXIT_OK
        columns = ("when", "status", "model", "size", "len", "cost")
        print("{:<16}  {:<15} {:<15} {:>9} {:>3}  {:>6}  task / file / prompt".format(*columns))
        for entry in entries:
            print(_entry_line(entry))
        if args.limit and len(entries) == args.limit:
            _say(f"Showing the newest {args.limit}; --limit 0 shows all.")
    return EXIT_OK


def _entry_dict(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
        "base_url": entry.base_url,
        "simulated": entry.simulated,
        "model": entry.model,
        "prompt": entry.prompt,
        "request": entry.request,
        "task_id": entry.task_id,
        "status": entry.status,
        "progress": entry.progress,
        "error_code": entry.error_code,
        "error_message": entry.error_message,
        "video": entry.video.to_dict() if entry.video else None,
        "labels": entry.labels,
    }


_STATUS_WORDS = {"unknown_outcome": "outcome unknown", "in_progress": "in progress"}


def _entry_line(entry: JournalEntry) -> str:
    when = entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    status = _STATUS_WORDS.get(entry.status, entry.status)
    if entry.progress is not None and not entry.is_terminal:
        status = f"{status} {entry.progress:.0%}"
    video = entry.video
    cost = f"${video.cost:.2f}" if video is not None and video.cost is not None else ""
    size = str(entry.request.get("size", ""))
    seconds = f"{entry.request.get('seconds', '')}s"
    detail = entry.task_id or "(no task id)"
    if video is not None and video.path is not None:
        detail += f"  {video.path}"
    if entry.error_message and entry.status != "completed":
        detail += (
            f"  [{entry.error_code}] {entry.error_message}"
            if entry.error_code
            else f"  {entry.error_message}"
        )
    prompt = " ".join(entry.prompt.split())
    prompt = prompt if len(prompt) <= 60 else prompt[:59] + "…"
    return (
        f"{when:<16}  {status:<15} {entry.model:<15} {size:>9} {seconds:>3}  {cost:>6}  {detail}  {prompt!r}"
    )


def _resume(args: argparse.Namespace) -> int:
    client = _client(args)
    pending = client.journal.unfinished(client.base_url) if client.journal is not None else []
    if not args.quiet:
        for entry in pending:
            _say(f"Resuming task {entry.task_id} ({entry.status}): {entry.prompt[:60]!r}")

    async def run() -> list[Video | SoraError]:
        async with client:
            return await client.resume()

    results = _run(run())
    if not results:
        _say("Nothing to resume: every task in the journal for this service has ended.")
        return EXIT_OK
    failures = 0
    for result in results:
        if isinstance(result, SoraError):
            failures += 1
            if args.json:
                print(json.dumps({"error": type(result).__name__, "message": result.message}))
            else:
                print(f"error: {result.message}")
        elif args.json:
            print(_video_json(result))
        else:
            print(_describe(result))
    _say(f"Resumed {len(results)} task(s): {len(results) - failures} finished, {failures} failed.")
    return EXIT_OK if failures == 0 else EXIT_ERROR


def _delegate(command: str, rest: list[str]) -> int:
    if command == "cache":
        from . import cache

        return cache.main(rest)
    if command == "simulator":
        import runpy

        saved = sys.argv
        sys.argv = ["sora-widgets simulator", *rest]
        try:
            runpy.run_module("sora_widgets.simulator", run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.argv = saved
        return EXIT_OK
    from . import _demo  # lazily: pulls in JupyterLab plumbing

    result = _demo.main(rest)
    return int(result) if isinstance(result, int) else EXIT_OK


def _exit_code(exc: SoraError) -> int:
    if isinstance(exc, InvalidRequestError):
        return EXIT_INVALID
    if isinstance(exc, GenerationFailed):
        return EXIT_FAILED
    if isinstance(exc, UnknownOutcomeError):
        return EXIT_UNKNOWN_OUTCOME
    if isinstance(exc, PollTimeout):
        return EXIT_TIMEOUT
    return EXIT_ERROR


def _advice(exc: SoraError) -> str | None:
    if isinstance(exc, GenerationFailed) and exc.meaning:
        return f"Code {exc.code}: {exc.meaning}."
    if isinstance(exc, PollTimeout):
        return f"Task {exc.task_id} is still running on the service; `sora-widgets resume` finishes it."
    if isinstance(exc, UnknownOutcomeError):
        return "`sora-widgets history --status unknown_outcome` lists it; it was not resent."
    if isinstance(exc, DownloadError):
        return "The task is recorded in the journal; `sora-widgets resume` downloads it again."
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sora-widgets`` command line; returns the exit status.

    Args:
        argv: the arguments after the program name (default ``sys.argv[1:]``).
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in _DELEGATED:
        return _delegate(arguments[0], arguments[1:])
    parser = _parser()
    args = parser.parse_args(arguments)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_INVALID
    handlers = {"generate": _generate, "history": _history, "resume": _resume}
    try:
        return handlers[args.command](args)
    except SoraError as exc:
        _say(f"error: {exc.message}")
        advice = _advice(exc)
        if advice:
            _say(advice)
        return _exit_code(exc)
    except KeyboardInterrupt:
        _say(
            "Interrupted. A task already created keeps running on the service: "
            "`sora-widgets resume` finishes and downloads it."
        )
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover - `python -m sora_widgets.cli`
    sys.exit(main())
