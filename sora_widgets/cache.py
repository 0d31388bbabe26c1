"""The video cache: which downloaded videos stay on disk, and the ``sora-widgets cache`` command.

Example:
    >>> from sora_widgets import cache
    >>> path = cache.save_policy(cache.CachePolicy(max_bytes=2 * 10**9, max_age_days=30))
    >>> report = cache.report()            # what is on disk, what was pruned
    >>> report.policy.max_age_days, report.pruned
    (30, 0)
    >>> cache.prune(dry_run=True).removed  # what the policy would delete now
    []

Finished videos are saved under ``$SORA_WIDGETS_HOME/videos``. Left alone, that folder only
grows; a :class:`CachePolicy` bounds it by size and/or age. Favourites and the most recent
results are always kept. Pruning deletes files only: the journal keeps every entry (prompt,
cost, task id, result link) and records that its file was pruned, so ``History`` and the
Gallery still list it, and showing it in a player downloads it again while its result link
still works (links expire after hours at the real service; after that the player says so).

A saved policy (``sora-widgets cache policy --max-size 2GB``) is applied after each download
into the cache folder. Files outside that folder (``client.download(video, "my/folder")``,
``sora-widgets generate --out``) are never touched.

Command line::

    sora-widgets cache                                   # show the cache and its policy
    sora-widgets cache prune --max-size 500MB --dry-run  # what would go
    sora-widgets cache prune --max-age 30d               # delete files older than 30 days
    sora-widgets cache policy --max-size 2GB --keep-recent 20   # keep it bounded from now on
    sora-widgets cache keep <task id>                    # a favourite: never pruned
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._paths import is_inside
from ._strict_json import loads_strict
from .errors import InvalidRequestError

if TYPE_CHECKING:
    from .journal import Journal, JournalEntry

__all__ = [
    "CachePolicy",
    "CacheReport",
    "CachedFile",
    "PruneResult",
    "enforce",
    "load_policy",
    "main",
    "parse_age",
    "parse_size",
    "plan_prune",
    "prune",
    "report",
    "save_policy",
    "set_favourite",
]

_log = logging.getLogger("sora_widgets.cache")

POLICY_FILE = "cache-policy.json"
VIDEOS_DIR = "videos"
# The newest results a policy keeps when it says nothing: what a person just made is what they
# most likely want to replay.
DEFAULT_KEEP_RECENT = 20
# Applied automatically after a download, at least the newest video stays (the one just saved).
MIN_KEEP_RECENT_AUTO = 1

# Ceilings of a policy's numbers: far beyond any disk and any lifetime, and small enough that
# arithmetic on them (a cutoff date, a total) never overflows.
MAX_CACHE_BYTES = 10**18
MAX_AGE_DAYS = 36_500
MAX_KEEP_RECENT = 10**9

_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
          "t": 10**12, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}  # fmt: skip
_AGE_UNITS = {"d": 86_400.0, "h": 3_600.0, "m": 60.0, "w": 7 * 86_400.0}


def parse_size(text: str) -> int:
    """``"500MB"`` -> 500_000_000; ``"2GiB"`` -> 2_147_483_648; ``"1.5G"``; a bare number is bytes.

    Raises:
        ValueError: not a size.
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"{text!r} is not a size; use bytes or a unit: 500MB, 2GB, 1.5GiB")
    return int(float(match.group(1)) * _UNITS[unit])


def parse_age(text: str) -> float:
    """``"30d"`` -> 30.0 days; ``"12h"`` -> 0.5; ``"2w"`` -> 14.0; a bare number is days.

    Raises:
        ValueError: not an age.
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([dhmwDHMW]?)\s*", text)
    if match is None:
        raise ValueError(f"{text!r} is not an age; use 30d, 12h, 90m or 2w")
    seconds = float(match.group(1)) * _AGE_UNITS[(match.group(2) or "d").lower()]
    return seconds / 86_400.0


def _check_number(name: str, value: object, ceiling: float, *, whole: bool, optional: bool) -> None:
    """Refuse a policy value that is not a number of the right kind from 0 up to ``ceiling``."""
    if value is None and optional:
        return
    kinds = (int,) if whole else (int, float)
    fine = isinstance(value, kinds) and not isinstance(value, bool) and 0 <= value <= ceiling  # NaN: False
    if not fine:
        kind = "a whole number" if whole else "a number"
        shown = repr(value)[:40] if isinstance(value, (int, float, str)) else type(value).__name__
        null = " (or null: no limit)" if optional else ""
        raise InvalidRequestError(f"{name}: {shown}; use {kind} from 0 up to {ceiling:,}{null}.")


def _format_bytes(size: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


@dataclass(frozen=True)
class CachePolicy:
    """How much of the video cache to keep.

    Example:
        >>> CachePolicy(max_bytes=parse_size("2GB"), max_age_days=30).describe()
        'at most 2.0 GB, files older than 30 days removed; the 20 newest and favourites always kept'

    Args:
        max_bytes: prune the oldest files until the cache is at most this big (None: no size limit).
        max_age_days: prune files of results older than this (None: no age limit).
        keep_recent: the newest results whose files are always kept.
        keep_favourites: never prune a favourite (``cache.set_favourite``, ``sora-widgets cache keep``).
    """

    max_bytes: int | None = None
    max_age_days: float | None = None
    keep_recent: int = DEFAULT_KEEP_RECENT
    keep_favourites: bool = True

    def __post_init__(self) -> None:
        _check_number("max_bytes", self.max_bytes, MAX_CACHE_BYTES, whole=True, optional=True)
        _check_number("max_age_days", self.max_age_days, MAX_AGE_DAYS, whole=False, optional=True)
        _check_number("keep_recent", self.keep_recent, MAX_KEEP_RECENT, whole=True, optional=False)
        if not isinstance(self.keep_favourites, bool):
            raise InvalidRequestError(f"keep_favourites: {self.keep_favourites!r}; use true or false.")

    @property
    def limited(self) -> bool:
        """True when the policy removes anything at all."""
        return self.max_bytes is not None or self.max_age_days is not None

    def describe(self) -> str:
        """The policy in one line."""
        limits = []
        if self.max_bytes is not None:
            limits.append(f"at most {_format_bytes(self.max_bytes)}")
        if self.max_age_days is not None:
            limits.append(f"files older than {self.max_age_days:g} days removed")
        kept = [f"the {self.keep_recent} newest"] if self.keep_recent else []
        if self.keep_favourites:
            kept.append("favourites")
        head = ", ".join(limits) if limits else "no limit (everything is kept)"
        return head + (f"; {' and '.join(kept)} always kept" if kept and limits else "")


def _home(journal: Journal | None) -> Path:
    if journal is not None:
        return journal.home
    from ._paths import default_home

    return default_home()


def load_policy(home: str | Path | None = None, *, strict: bool = False) -> CachePolicy:
    """The saved policy (``<home>/cache-policy.json``), or the default: keep everything.

    A file that is not a valid policy (not JSON, ``NaN``, ``1e308``, ``1.5`` files to keep, a
    list...) prunes nothing: after a download it is logged and ignored; with ``strict`` (the
    ``sora-widgets cache`` command) it is refused.

    Raises:
        InvalidRequestError: with ``strict``, the file is not a valid policy; the message names
            the file and the field, and says how to save a good one.
    """
    path = Path(home if home is not None else _home(None)) / POLICY_FILE
    try:
        return _read_policy(path)
    except FileNotFoundError:
        return CachePolicy()
    except (OSError, InvalidRequestError) as exc:
        reason = exc.message if isinstance(exc, InvalidRequestError) else (exc.strerror or str(exc))
        if strict:
            raise InvalidRequestError(
                f"the cache policy in {path} is not valid ({reason}); nothing was pruned. Save a new "
                "one with `sora-widgets cache policy --max-size 2GB` (or `--off`), or delete the file."
            ) from None
        _log.warning("ignoring the cache policy in %s (%s); nothing is pruned", path, reason)
        return CachePolicy()


def _read_policy(path: Path) -> CachePolicy:
    data = loads_strict(path.read_text(encoding="utf-8", errors="replace"))
    if not isinstance(data, dict):
        raise InvalidRequestError(f"a policy is a JSON object, not a {type(data).__name__}")
    return CachePolicy(**{k: v for k, v in data.items() if k in CachePolicy.__dataclass_fields__})


def save_policy(policy: CachePolicy, home: str | Path | None = None) -> Path:
    """Save ``policy``; it is applied after every download into the cache folder from now on."""
    folder = Path(home if home is not None else _home(None))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / POLICY_FILE
    path.write_text(json.dumps(asdict(policy), indent=2) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class CachedFile:
    """One downloaded video in the cache folder, as the journal knows it."""

    entry_id: str
    task_id: str
    path: Path
    size: int
    created_at: datetime
    favourite: bool
    prompt: str = ""


@dataclass(frozen=True)
class CacheReport:
    """What the cache holds: files (newest first), their total size, what was pruned, the policy."""

    folder: Path
    files: list[CachedFile]
    pruned: int
    policy: CachePolicy

    @property
    def total_bytes(self) -> int:
        """Bytes of all files listed."""
        return sum(f.size for f in self.files)

    def __str__(self) -> str:
        lines = [
            f"Video cache: {self.folder}",
            f"  {len(self.files)} files, {_format_bytes(self.total_bytes)}"
            + (f"; oldest from {self.files[-1].created_at.astimezone():%Y-%m-%d}" if self.files else ""),
            f"  favourites: {sum(f.favourite for f in self.files)}",
            f"  pruned earlier (in the journal, downloaded again on demand): {self.pruned}",
            f"  policy: {self.policy.describe()}",
        ]
        return "\n".join(lines)


@dataclass(frozen=True)
class PruneResult:
    """What a prune removed (or would remove, with ``dry_run``) and what is left."""

    removed: list[CachedFile]
    kept: list[CachedFile]
    dry_run: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def freed_bytes(self) -> int:
        """Bytes removed (or that would be)."""
        return sum(f.size for f in self.removed)

    def __str__(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        left = sum(f.size for f in self.kept)
        text = (
            f"{verb} {len(self.removed)} files ({_format_bytes(self.freed_bytes)}); "
            f"{len(self.kept)} files ({_format_bytes(left)}) kept"
        )
        return "\n".join([text, *(f"  could not remove: {e}" for e in self.errors)])


def _files(journal: Journal) -> list[CachedFile]:
    """Cached files of completed entries, newest first; only files inside the cache folder."""
    folder = journal.home / VIDEOS_DIR
    out = []
    for entry in journal.iter_entries(videos=True):
        video = entry.video
        if video is None or video.path is None:
            continue
        path = Path(video.path)
        if not is_inside(path, folder):
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue
        out.append(
            CachedFile(
                entry_id=entry.id,
                task_id=entry.task_id or video.task_id,
                path=path,
                size=size,
                created_at=entry.created_at,
                favourite=_is_favourite(entry),
                prompt=entry.prompt,
            )
        )
    return out


def _is_favourite(entry: JournalEntry) -> bool:
    flag = entry.labels.get("favourite", "")
    return bool(entry.video is not None and entry.video.favourite) or flag.lower() in ("1", "yes", "true")


def plan_prune(files: Sequence[CachedFile], policy: CachePolicy, now: datetime) -> list[CachedFile]:
    """The files ``policy`` removes, oldest first (a pure function: nothing is touched).

    ``files`` are newest first. The newest ``keep_recent`` and (with ``keep_favourites``) the
    favourites are never chosen. Files past ``max_age_days`` go first; then the oldest go
    until the rest fits ``max_bytes``.
    """
    protected = {f.entry_id for f in files[: policy.keep_recent]}
    if policy.keep_favourites:
        protected |= {f.entry_id for f in files if f.favourite}
    candidates = [f for f in reversed(files) if f.entry_id not in protected]  # oldest first
    chosen: dict[str, CachedFile] = {}
    if policy.max_age_days is not None:
        cutoff = now - timedelta(days=policy.max_age_days)
        chosen.update((f.entry_id, f) for f in candidates if f.created_at < cutoff)
    if policy.max_bytes is not None:
        total = sum(f.size for f in files) - sum(f.size for f in chosen.values())
        for f in candidates:
            if total <= policy.max_bytes:
                break
            if f.entry_id not in chosen:
                chosen[f.entry_id] = f
                total -= f.size
    return [f for f in candidates if f.entry_id in chosen]


def _open(journal: Journal | None) -> tuple[Journal, bool]:
    if journal is not None:
        return journal, False
    from .journal import Journal

    return Journal(), True


def report(journal: Journal | None = None) -> CacheReport:
    """What the cache folder holds and its policy."""
    journal, close = _open(journal)
    try:
        files = _files(journal)
        pruned_ids = journal.pruned_entries()
        still = sum(1 for f in files if f.entry_id in pruned_ids)
        return CacheReport(
            folder=journal.home / VIDEOS_DIR,
            files=files,
            pruned=len(pruned_ids) - still,
            policy=load_policy(journal.home),
        )
    finally:
        if close:
            journal.close()


def prune(
    journal: Journal | None = None,
    policy: CachePolicy | None = None,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> PruneResult:
    """Delete the files ``policy`` (default: the saved one) removes; the journal keeps the entries.

    Each pruned entry's video keeps its link but loses its path, and the journal records when
    and what was pruned; a player showing it downloads it again while the link works.
    """
    journal, close = _open(journal)
    try:
        policy = policy if policy is not None else load_policy(journal.home)
        files = _files(journal)
        doomed = plan_prune(files, policy, now or datetime.now(timezone.utc)) if policy.limited else []
        errors: list[str] = []
        removed: list[CachedFile] = []
        for f in doomed:
            if dry_run:
                removed.append(f)
                continue
            try:
                f.path.unlink(missing_ok=True)
            except OSError as exc:
                errors.append(f"{f.path}: {exc.strerror or exc}")
                continue
            journal.record_pruned(f.entry_id, size=f.size)
            removed.append(f)
        gone = {f.entry_id for f in removed}
        return PruneResult(
            removed=removed, kept=[f for f in files if f.entry_id not in gone], dry_run=dry_run, errors=errors
        )
    finally:
        if close:
            journal.close()


def _folder_state(folder: Path) -> tuple[int, float | None]:
    """(total bytes, oldest modification time) of the MP4 files in ``folder``: a cheap check."""
    total, oldest = 0, None
    try:
        with os.scandir(folder) as it:
            for item in it:
                if item.name.endswith(".mp4") and item.is_file():
                    st = item.stat()
                    total += st.st_size
                    oldest = st.st_mtime if oldest is None else min(oldest, st.st_mtime)
    except OSError:
        return 0, None
    return total, oldest


def enforce(journal: Journal, *, now: datetime | None = None) -> PruneResult | None:
    """Apply the saved policy if the cache folder is past its limits (called after downloads).

    Reads the folder first (one ``scandir``) and the journal only when something is over.
    At least the newest result is always kept here, whatever the policy says.
    """
    policy = load_policy(journal.home)
    if not policy.limited:
        return None
    moment = now or datetime.now(timezone.utc)
    total, oldest = _folder_state(journal.home / VIDEOS_DIR)
    over_size = policy.max_bytes is not None and total > policy.max_bytes
    over_age = (
        policy.max_age_days is not None
        and oldest is not None
        and oldest < (moment - timedelta(days=policy.max_age_days)).timestamp()
    )
    if not (over_size or over_age):
        return None
    if policy.keep_recent < MIN_KEEP_RECENT_AUTO:
        policy = CachePolicy(
            policy.max_bytes, policy.max_age_days, MIN_KEEP_RECENT_AUTO, policy.keep_favourites
        )
    return prune(journal, policy, now=moment)


def set_favourite(journal: Journal | None, key: str, value: bool = True) -> JournalEntry:
    """Mark the entry with this task id (or entry id) as a favourite (never pruned), or unmark it.

    Raises:
        KeyError: no entry has this task id or entry id.
        ValueError: the entry has no video.
    """
    journal, close = _open(journal)
    try:
        entry = journal.entry_for_task(key) or journal.get(key)
        if entry is None:
            raise KeyError(f"no journal entry for {key!r}")
        if entry.video is None:
            raise ValueError(f"{key} has no video to keep")
        journal.record_video(entry.id, entry.video.with_changes(favourite=value))
        updated = journal.get(entry.id)
        assert updated is not None
        return updated
    finally:
        if close:
            journal.close()


# ---------------------------------------------------------------------------------------------
# sora-widgets cache ...


def _policy_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-size", type=_arg(parse_size), help="keep at most this much: 500MB, 2GB, 1.5GiB")
    p.add_argument("--max-age", type=_arg(parse_age), help="remove files older than this: 30d, 12h, 2w")
    p.add_argument(
        "--keep-recent", type=int, help=f"always keep the N newest (default {DEFAULT_KEEP_RECENT})"
    )
    p.add_argument(
        "--no-keep-favourites", action="store_true", help="favourites may be pruned too (default: kept)"
    )


def _arg(parse: Any) -> Any:
    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sora-widgets cache",
        description="Show and prune the downloaded videos; the journal keeps every entry.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    pr = sub.add_parser("prune", help="delete files by size or age (favourites and recent ones stay)")
    _policy_args(pr)
    pr.add_argument("--dry-run", "-n", action="store_true", help="only say what would be removed")
    pr.add_argument("--json", action="store_true", help="print JSON")
    po = sub.add_parser("policy", help="save the policy applied after every download")
    _policy_args(po)
    po.add_argument("--off", action="store_true", help="no limits: keep everything")
    keep = sub.add_parser("keep", help="mark a video as a favourite: never pruned")
    keep.add_argument("task_id", nargs="+", help="task ids (or journal entry ids)")
    keep.add_argument("--undo", action="store_true", help="no longer a favourite")
    return parser


def _policy_from(args: argparse.Namespace, base: CachePolicy) -> CachePolicy:
    return CachePolicy(
        max_bytes=args.max_size if args.max_size is not None else base.max_bytes,
        max_age_days=args.max_age if args.max_age is not None else base.max_age_days,
        keep_recent=args.keep_recent if args.keep_recent is not None else base.keep_recent,
        keep_favourites=False if args.no_keep_favourites else base.keep_favourites,
    )


def _file_json(f: CachedFile) -> dict[str, Any]:
    return {
        "task_id": f.task_id,
        "entry_id": f.entry_id,
        "path": str(f.path),
        "bytes": f.size,
        "created_at": f.created_at.isoformat(),
        "favourite": f.favourite,
    }


def main(argv: Iterable[str] | None = None) -> int:
    """``sora-widgets cache [prune|policy|keep] ...``; returns the exit status."""
    from .errors import SoraError
    from .journal import Journal

    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        journal = Journal()
    except SoraError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    with journal:
        try:
            return _run(args, journal)
        except InvalidRequestError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 2


def _run(args: argparse.Namespace, journal: Journal) -> int:
    """One ``sora-widgets cache`` action; a saved policy that is not valid is refused, by name."""
    if args.action is None:
        load_policy(journal.home, strict=True)
        info = report(journal)
        if args.json:
            print(json.dumps({
                "folder": str(info.folder), "bytes": info.total_bytes, "pruned": info.pruned,
                "policy": asdict(info.policy), "files": [_file_json(f) for f in info.files],
            }))  # fmt: skip
        else:
            print(info)
        return 0
    if args.action == "policy":
        # A broken saved policy is what this action replaces: start from the default, not refuse.
        policy = CachePolicy() if args.off else _policy_from(args, load_policy(journal.home))
        path = save_policy(policy, journal.home)
        print(f"Saved to {path}: {policy.describe()}")
        return 0
    if args.action == "keep":
        status = 0
        for key in args.task_id:
            try:
                set_favourite(journal, key, not args.undo)
                print(f"{key}: {'no longer a favourite' if args.undo else 'favourite, never pruned'}")
            except (KeyError, ValueError) as exc:
                print(f"error: {exc.args[0]}", file=sys.stderr)
                status = 2
        return status
    policy = _policy_from(args, load_policy(journal.home, strict=True))
    if not policy.limited:
        print(
            "error: say how much to keep (--max-size 2GB and/or --max-age 30d), or save a policy "
            "with `sora-widgets cache policy ...`.",
            file=sys.stderr,
        )
        return 2
    result = prune(journal, policy, dry_run=args.dry_run)
    if args.json:
        print(json.dumps({
            "dry_run": result.dry_run, "freed_bytes": result.freed_bytes,
            "removed": [_file_json(f) for f in result.removed], "kept": len(result.kept),
            "errors": result.errors,
        }))  # fmt: skip
    else:
        print(result)
        for f in result.removed:
            print(f"  {f.created_at.astimezone():%Y-%m-%d %H:%M}  {_format_bytes(f.size):>9}  {f.task_id}")
    return 1 if result.errors else 0
