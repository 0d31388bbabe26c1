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
import contextlib
import dataclasses
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import __version__
from ._constants import DEFAULT_WAIT_TIMEOUT_S, ENV_API_KEY, ENV_BASE_URL
from ._progress import progress_callback
from ._text import clip_to_width, printable, shorten
from .errors import (
    GenerationFailed,
    InvalidRequestError,
    PollTimeout,
    SoraError,
    UnknownOutcomeError,
)
from .models.catalog import ORIENTATIONS
from .models.money import format_money
from .models.prices import format_estimate
from .models.task import Status, status_word

if TYPE_CHECKING:
    from .client import BatchResult, SoraClient
    from .journal import JournalEntry
    from .models.request import ReferenceImage, VideoRequest
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

_DELEGATED = ("simulator", "demo", "gateway", "cache")


def _say(*parts: object) -> None:
    """Messages for the person at the terminal go to stderr; results go to stdout.

    Both carry server and user text (error messages, prompts, ids): only printable characters
    reach the terminal, never a control sequence (see :func:`~sora_widgets._text.printable`).
    """
    print(*(printable(part) for part in parts), file=sys.stderr, flush=True)


def _out(text: str) -> None:
    """One line of results on stdout, printable characters only (JSON is escaped already)."""
    print(printable(text), flush=True)


def _width() -> int | None:
    """Columns to fit: ``COLUMNS`` when set, else the terminal of stdout, else that of stderr
    (``history | head`` still shows on the terminal); None when no terminal is involved."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(40, int(columns))
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream.isatty():
                return max(40, os.get_terminal_size(stream.fileno()).columns)
        except (AttributeError, OSError, ValueError):
            continue
    return None


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


def _catalog_options(gen: argparse.ArgumentParser) -> None:
    """``generate --model ID --param KEY=VALUE``: any model of the catalog."""
    gen.add_argument("--model", help="any model id from `sora-widgets models` (default: Sora 2 Pro)")
    gen.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter of the model's spec (repeatable): duration=5, camera_control.type=simple, "
        'images=\'["a.png","b.png"]\' (values are read as the spec\'s types; arrays as JSON)',
    )


def _models_parser(sub: Any) -> None:
    """``models [--json]`` and ``models spec ID [--json]``."""
    mods = sub.add_parser(
        "models",
        help="list the account's models, or show one's spec (models spec ID)",
        description="List every model of the catalog, or show one model's spec: `models spec ID`.",
    )
    mods.add_argument(
        "what", nargs="*", metavar="spec ID", help="`spec` and a model id to show its parameters"
    )
    mods.add_argument("--json", action="store_true", help="print JSON (the list, or the spec's wire form)")
    _service_options(mods)


def _service_options(p: argparse.ArgumentParser) -> None:
    """The options that say which service a command talks to."""
    p.add_argument(
        "--base-url", help=f"the gateway (default: ${ENV_BASE_URL}, else the real API if a key is set)"
    )
    p.add_argument("--simulate", action="store_true", help="use the built-in simulator even if a key is set")
    p.add_argument(
        "--simulator-speed",
        choices=("instant", "demo", "realistic"),
        default="demo",
        help="how fast the built-in simulator renders (default: demo, 5-15 s)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sora-widgets",
        description="Sora 2 Pro video generation through the Vtrix API (or the built-in simulator).",
        epilog="With no API key and no base URL, the built-in simulator answers: nothing is billed.",
    )
    parser.add_argument("--version", action="version", version=f"sora-widgets {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gen = sub.add_parser("generate", help="generate one video and save it", description="Generate one video.")
    gen.add_argument(
        "prompt", nargs="?", help="the shot: type, subject, action, setting, lighting, camera movement"
    )
    _catalog_options(gen)
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
    _service_options(gen)

    _models_parser(sub)

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
    _service_options(res)

    sub.add_parser(
        "simulator", help="run the local simulator server (python -m sora_widgets.simulator)", add_help=False
    )
    sub.add_parser(
        "demo", help="open JupyterLab on the quickstart notebook, with the simulator", add_help=False
    )
    sub.add_parser(
        "gateway", help="a classroom gateway: serve, add, usage, revoke, reset, set-budget", add_help=False
    )
    sub.add_parser(
        "cache", help="show or prune downloaded videos (cache prune --max-size 2GB)", add_help=False
    )
    return parser


# ---------------------------------------------------------------------------------------------
# commands


def _client(args: argparse.Namespace) -> SoraClient:
    from .client import Connect, Service, SoraClient

    if args.simulate and args.base_url:
        raise InvalidRequestError("use either --simulate (built-in simulator) or --base-url, not both.")
    wants_sim = args.simulate or (
        args.base_url is None and not _env(ENV_BASE_URL) and not _env(ENV_API_KEY) and not _keyring_has_key()
    )
    connect: Connect = Service(args.base_url)  # None: the configured URL
    if wants_sim:
        from .simulator import Simulator  # heavy: only when simulating

        connect = Simulator(speed=args.simulator_speed)
    client = SoraClient(connect=connect)
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
        size = ORIENTATIONS["landscape" if image.width >= image.height else "portrait"]
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
    cost = format_money(video.cost) or "cost n/a"
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


def _key_values(pairs: list[str]) -> dict[str, str]:
    """``["duration=5", "camera_control.type=simple"]`` -> a dict, as the vendor CLI's ``run`` reads
    ``--param`` (the first ``=`` splits; dotted names reach into objects; the spec types the values)."""
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidRequestError(f"--param {pair!r} is not KEY=VALUE (for example duration=5).")
        found[key.strip()] = value
    return found


def _generate(args: argparse.Namespace) -> int:
    from .models.catalog import MODELS
    from .models.request import VideoRequest

    if args.param or (args.model and args.model not in MODELS):
        return _generate_any(args)
    image, size = _image(args, args.size)
    fields: dict[str, Any] = {"prompt": args.prompt, "size": size, "seconds": args.seconds, "image": image}
    if args.remix:
        fields["remix_video_id"] = args.remix
    if args.model:
        fields["model"] = args.model
    request = VideoRequest(**{k: v for k, v in fields.items() if v is not None})
    estimate = format_money(request.estimated_cost)
    _say(f"{request.model}: {request.size}, {request.seconds} s, estimated {estimate}.")
    client = _client(args)
    download = not args.no_download and args.out is None
    target: Path | str | None = None
    if args.out is not None and not args.no_download:
        # Absolute, so the journal's record still points at the file from any directory.
        out = Path(args.out).expanduser().absolute()
        target = f"{out}{os.sep}" if args.out.endswith(("/", os.sep)) else out

    async def prepared(_client: SoraClient) -> VideoRequest:
        return request

    return _generate_and_save(args, client, prepared, download=download, target=target)


def _generate_and_save(
    args: argparse.Namespace,
    client: SoraClient,
    prepare: Callable[[SoraClient], Awaitable[VideoRequest]],
    *,
    download: bool,
    target: Path | str | None,
) -> int:
    """Make the request ``prepare`` gives, wait for it with a progress bar, save it, print it."""

    async def run(on_update: Callable[[Task], Any] | None) -> Video:
        async with client:
            request = await prepare(client)
            video = await client.generate(
                request, on_update=on_update, timeout=args.timeout, download=download
            )
            if target is not None:
                video = video.with_changes(path=await client.download(video, target))
            return video

    with progress_callback(_Progress(), enabled=not args.quiet) as on_update:
        video = _run(run(on_update))
    _out(_video_json(video) if args.json else _describe(video))
    return EXIT_OK


def _generate_any(args: argparse.Namespace) -> int:
    """``generate --model ID --param k=v ...``: any catalog model, checked against its spec first."""
    if not args.model:
        raise InvalidRequestError("--param needs --model ID (see `sora-widgets models`).")
    if args.fit or args.remix:
        raise InvalidRequestError(
            "--fit and --remix are Sora options; give the model's own parameters with --param."
        )
    given = {"prompt": args.prompt, "size": args.size, "seconds": args.seconds, "image": args.image}
    params = {k: v for k, v in given.items() if v is not None} | _key_values(args.param)
    client = _client(args)
    download = not args.no_download
    out = Path(args.out).expanduser().absolute() if args.out is not None and download else None

    async def prepared(client: SoraClient) -> VideoRequest:
        request = await client.prepare(model=args.model, **params)
        estimate = format_estimate(client.estimate(request.model, request.seconds))
        _say(f"{request.model}: {request.size}, {request.seconds} s, estimated {estimate}.")
        return request

    return _generate_and_save(args, client, prepared, download=download, target=out)


def _models(args: argparse.Namespace) -> int:
    """``models [--json]`` lists the catalog; ``models spec ID [--json]`` shows one spec."""
    what = list(args.what)
    if what and (what[0] != "spec" or len(what) != 2):
        raise InvalidRequestError("use `sora-widgets models` to list, or `sora-widgets models spec ID`.")
    client = _client(args)

    async def run() -> Any:
        async with client:
            return await client.model_spec(what[1]) if what else await client.models()

    found = _run(run())
    if isinstance(found, list):
        if args.json:
            _out(json.dumps([dataclasses.asdict(m) for m in found]))
        for info in [] if args.json else found:
            _out(f"{info.id:32} {info.type or '-':8} {info.name}")
        return EXIT_OK
    if args.json:
        _out(json.dumps(found.to_wire(), indent=2, default=str))
        return EXIT_OK
    _out(f"{found.model_id}  {found.name}  ({found.vendor or 'vendor n/a'})")
    _out(f"create: {found.method} {found.endpoint or '(the default endpoint)'}")
    for line in _param_lines(found.parameters, ""):
        _out(line)
    return EXIT_OK


def _param_lines(params: Sequence[Any], prefix: str) -> list[str]:
    lines: list[str] = []
    for p in params:
        rules = [f"one of {', '.join(p.enum)}" if p.enum else ""]
        rules += [
            f"min {p.min:g}" if p.min is not None else "",
            f"max {p.max:g}" if p.max is not None else "",
        ]
        rules += [f"default {p.default}" if p.default is not None else "", "image" if p.carries_image else ""]
        shown = "; ".join(r for r in rules if r)
        need = "required" if p.required else "optional"
        lines.append(f"  {prefix + p.name:32} {p.type:8} {need:8} {shown}".rstrip())
        lines.extend(_param_lines(p.children, f"{prefix}{p.name}."))
    return lines


def _history(args: argparse.Namespace) -> int:
    from .journal import Journal

    with Journal() as journal:
        status = _status_filter(journal, args.status)
        entries = journal.entries(
            status=status,
            model=args.model,
            since=args.since,
            until=args.until,
            limit=args.limit or None,
        )
        if args.json:
            for entry in entries:
                _out(json.dumps(_entry_dict(entry), default=str))
            return EXIT_OK
        if not entries:
            _say(f"Nothing in the journal at {journal.path} matches.")
            return EXIT_OK
        width = _width()
        columns = ("when", "status", "kind", "size", "len", "cost")
        header = "{:<16}  {:<15} {:<4} {:>9} {:>3}  {:>8}  task / error / prompt / file".format(*columns)
        _out(clip_to_width(header, width) if width else header)
        for entry in entries:
            _out(_entry_line(entry, width))
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


def _status_filter(journal: Any, text: str | None) -> list[str] | None:
    """The statuses ``--status`` asks for (comma-separated; display words accepted), or a clear
    InvalidRequestError listing the valid ones."""
    if text is None:
        return None
    from .journal import REFUSED, SENDING, UNKNOWN_OUTCOME
    from .models.task import COMPLETED, FAILED, IN_PROGRESS, PENDING

    known = [COMPLETED, FAILED, IN_PROGRESS, PENDING, SENDING, UNKNOWN_OUTCOME, REFUSED]
    # Statuses a gateway invented are kept raw in the journal; they are valid filters too.
    seen = sorted({entry.status for entry in journal.entries()} - set(known))
    words = {status.listed: status.value for status in Status}
    wanted: list[str] = []
    for part in text.split(","):
        name = " ".join(part.strip().lower().split())
        name = words.get(name, name.replace("-", "_").replace(" ", "_"))
        if name not in known and name not in seen:
            raise InvalidRequestError(
                f"--status {printable(part.strip(), keep_newlines=False)!r} is not a status; use one of "
                f"{', '.join(known + seen)} (several with commas)."
            )
        wanted.append(name)
    return wanted


def _entry_line(entry: JournalEntry, width: int | None = None) -> str:
    when = entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    status = status_word(entry.status, listed=True)
    if entry.progress is not None and not entry.is_terminal:
        status = f"{status} {entry.progress:.0%}"
    video = entry.video
    cost = format_money(video.cost) if video is not None else ""
    size = str(entry.request.get("size", ""))
    seconds = f"{entry.request.get('seconds', '')}s"
    kind = entry.model.rsplit("_", 1)[-1][:4]
    detail = entry.task_id or "(no task id)"
    if entry.error_message and entry.status != "completed":
        error = " ".join(entry.error_message.split())
        detail += f"  [{entry.error_code}] {error}" if entry.error_code else f"  {error}"
    prompt = " ".join(entry.prompt.split())
    prompt = shorten(prompt, 60)
    detail += f"  {prompt!r}"
    if video is not None and video.path is not None:
        detail += f"  {video.path}"
    line = f"{when:<16}  {printable(status)[:15]:<15} {kind:<4} {size:>9} {seconds:>3}  {cost:>8}  {detail}"
    line = printable(line, keep_newlines=False)
    return clip_to_width(line, width) if width else line


def _resume(args: argparse.Namespace) -> int:
    client = _client(args)
    pending = client.journal.unfinished(client.base_url) if client.journal is not None else []
    if not args.quiet:
        for entry in pending:
            _say(f"Resuming task {entry.task_id} ({entry.status}): {entry.prompt[:60]!r}")

    async def run() -> list[BatchResult]:
        async with client:
            return await client.resume()

    results = _run(run())
    if not results:
        _say("Nothing to resume: every task in the journal for this service has ended.")
        return EXIT_OK
    failures = 0
    for result in results:
        if result.video is None:
            failures += 1
            error = result.error
            message = error.message if isinstance(error, SoraError) else str(error)
            if args.json:
                _out(json.dumps({"error": type(error).__name__, "message": message}))
            else:
                _out(f"error: {message}")
        elif args.json:
            _out(_video_json(result.video))
        else:
            _out(_describe(result.video))
    _say(f"Resumed {len(results)} task(s): {len(results) - failures} finished, {failures} failed.")
    return EXIT_OK if failures == 0 else EXIT_ERROR


def _delegate(command: str, rest: list[str]) -> int:
    if command == "gateway":
        from .gateway.cli import main as gateway_main  # lazily: Starlette, the book

        return gateway_main(rest)
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
    handlers = {"generate": _generate, "history": _history, "resume": _resume, "models": _models}
    try:
        return handlers[args.command](args)
    except BrokenPipeError:
        # The reader stopped reading (`sora-widgets history | head`): stop quietly, as `cat` does.
        # stdout goes to /dev/null so Python's flush at exit does not fail a second time.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except SoraError as exc:
        _say(f"error: {exc.message}")
        _say(exc.advice)  # what to do: the error carries it
        return _exit_code(exc)
    except KeyboardInterrupt:
        _say(
            "Interrupted. A task already created keeps running on the service: "
            "`sora-widgets resume` finishes and downloads it."
        )
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover - `python -m sora_widgets.cli`
    sys.exit(main())
