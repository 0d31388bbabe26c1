"""``sora-widgets gateway ...``: run a classroom gateway and manage its students.

    sora-widgets gateway serve --port 8770 --upstream https://cloud.vtrix.ai
    sora-widgets gateway add alice --budget 5.00        # alice's key, one line on stdout
    sora-widgets gateway add teacher --admin            # the admin key for sw.Classroom
    sora-widgets gateway usage [--json]
    sora-widgets gateway revoke alice | reset alice | set-budget alice 8.00 | top-up alice 2

Every command takes ``--db`` (a SQLite file or ``postgresql://...``; default
``$SORA_WIDGETS_HOME/gateway/gateway.sqlite3``). The teacher's key for ``serve`` comes from
``VTRIX_API_KEY`` or the keyring and is never printed or logged.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime, timezone

from .._constants import DEFAULT_BASE_URL
from ..errors import InvalidRequestError
from ..models.money import format_money
from .guard import ConnectionLimits
from .ratelimit import Limit
from .store import Store, StoreError, StudentUsage, describe_db, from_micros, open_store

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sora-widgets gateway",
        description="A classroom gateway: students generate through it; the teacher's key never leaves it.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def db_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--db", default=None, help="SQLite file or postgresql://... (default: $SORA_WIDGETS_HOME/gateway)"
        )

    serve = sub.add_parser("serve", help="run the gateway", description="Serve the gateway until Ctrl+C.")
    serve.add_argument("--host", default="127.0.0.1", help="interface (0.0.0.0 for a classroom network)")
    serve.add_argument("--port", type=int, default=8770, help="port (0 picks a free one; default 8770)")
    serve.add_argument(
        "--upstream", default=DEFAULT_BASE_URL, help=f"the service (default {DEFAULT_BASE_URL})"
    )
    serve.add_argument(
        "--create-rate", type=Limit.parse, default=None, help="creates per student, e.g. 12/min"
    )
    serve.add_argument("--poll-rate", type=Limit.parse, default=None, help="polls per student, e.g. 10/s")
    serve.add_argument(
        "--max-body", type=int, default=None, help="largest request body in bytes (default 16 MiB)"
    )
    defaults = ConnectionLimits()
    guard_options: list[tuple[str, type, float, str]] = [
        ("--header-timeout", float, defaults.header_timeout_s, "seconds to send a request head (0: none)"),
        ("--body-timeout", float, defaults.body_timeout_s, "seconds a request body may take"),
        ("--max-connections", int, defaults.max_connections, "open connections in all (under `ulimit -n`)"),
        ("--max-per-client", int, defaults.max_per_client, "per client address (0 behind a reverse proxy)"),
    ]
    for flag, kind, default, text in guard_options:
        serve.add_argument(flag, type=kind, default=default, help=f"{text}; default %(default)g")
    model_option(serve)
    db_option(serve)

    add = sub.add_parser("add", help="add a student and print their key", description="Add a student.")
    add.add_argument("name")
    add.add_argument("--budget", default="0", help="dollars the student may spend (default 0)")
    add.add_argument("--admin", action="store_true", help="an admin key for the teacher (sw.Classroom)")
    add.add_argument("--new-key", action="store_true", help="replace an existing name's key (lifts a revoke)")
    db_option(add)

    usage = sub.add_parser("usage", help="per student: spent, reserved, tasks, last activity")
    usage.add_argument("--json", action="store_true", help="one JSON object per student, one per line")
    db_option(usage)

    for name, text in (("revoke", "stop a student's key at once"), ("reset", "spent back to $0")):
        p = sub.add_parser(name, help=text)
        p.add_argument("name")
        db_option(p)
    for name, text in (("set-budget", "set a budget in dollars"), ("top-up", "raise a budget by dollars")):
        p = sub.add_parser(name, help=text)
        p.add_argument("name")
        p.add_argument("amount")
        db_option(p)
    return parser


def _when(ts: float | None) -> str:
    if ts is None:
        return "-"
    return datetime.fromtimestamp(ts, tz=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def _usage_line(u: StudentUsage) -> str:
    flags = (" admin" if u.is_admin else "") + (" REVOKED" if u.revoked else "")
    money = (
        f"spent {format_money(from_micros(u.spent))}  reserved {format_money(from_micros(u.reserved))}  "
        f"remaining {format_money(from_micros(u.remaining))} of {format_money(from_micros(u.budget))}"
    )
    counts = (
        f"tasks {u.tasks} (running {u.running}, failed {u.failed}, unknown {u.unknown}), "
        f"over budget {u.over_budget}"
    )
    return f"{u.name:<16} {money}  {counts}  last {_when(u.last_activity)}{flags}"


def model_option(parser: argparse.ArgumentParser) -> None:
    """``--model ID[=USD_PER_S]``: the teacher's allow-list."""
    parser.add_argument(
        "--model",
        action="append",
        default=None,
        metavar="ID[=USD_PER_S]",
        help="allow a model (repeatable; default: the two Sora 2 Pro models), priced per second "
        "of video (e.g. kirin_v2_6_t2v=0.07); without a price the price table's, and a model "
        "with no known price is refused",
    )


def _allow_list(models: list[str] | None) -> dict[str, str | None] | None:
    """``["kirin_v2_6_t2v=0.07", "sora_2_pro_t2v"]`` -> ``{id: price or None}``; None: the default."""
    if not models:
        return None
    allow: dict[str, str | None] = {}
    for item in models:
        model, _, price = item.partition("=")
        allow[model.strip()] = price.strip() or None
    return allow


def _serve(args: argparse.Namespace) -> int:
    from .app import DEFAULT_MAX_BODY_BYTES, Gateway

    limits = {}
    if args.create_rate is not None:
        limits["create"] = args.create_rate
    if args.poll_rate is not None:
        limits["poll"] = args.poll_rate
    try:
        connection_limits = ConnectionLimits(
            header_timeout_s=args.header_timeout,
            body_timeout_s=args.body_timeout,
            max_connections=args.max_connections,
            max_per_client=args.max_per_client,
        )
        gateway = Gateway(
            args.db,
            upstream=args.upstream,
            limits=limits,
            max_body_bytes=args.max_body or DEFAULT_MAX_BODY_BYTES,
            connection_limits=connection_limits,
            models=_allow_list(args.model),
        )
    except (ValueError, InvalidRequestError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from .._serve import run_until_interrupted

    def banner(url: str) -> str:
        return (
            f"class gateway serving at {url}, forwarding to {gateway.upstream.base_url}; "
            f"book: {describe_db(args.db)}. Students set VTRIX_BASE_URL={url} and their own key. "
            "Ctrl+C stops."
        )

    return run_until_interrupted(gateway.serve(args.host, args.port), banner, gateway.close)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sora-widgets gateway``; returns the exit status (2 for a bad command)."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command == "serve":
        return _serve(args)
    try:
        store = open_store(args.db)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "add":
            key = store.add(args.name, args.budget, admin=args.admin, new_key=args.new_key)
            print(key, flush=True)
            kind = (
                "admin key"
                if args.admin
                else f"key (budget {format_money(from_micros(store_budget(store, args.name)))})"
            )
            print(f"{args.name}'s {kind}: shown once, only its hash is kept.", file=sys.stderr)
        elif args.command == "usage":
            lines = store.usage()
            for line in lines:
                print(json.dumps(line.to_json()) if args.json else _usage_line(line))
            if not lines and not args.json:
                print("no students yet: sora-widgets gateway add NAME --budget 5.00", file=sys.stderr)
        elif args.command == "revoke":
            store.revoke(args.name)
            print(f"{args.name}'s key no longer works.", file=sys.stderr)
        elif args.command == "reset":
            store.reset(args.name)
            print(f"{args.name}'s spending starts again from $0.", file=sys.stderr)
        elif args.command == "set-budget":
            store.set_budget(args.name, args.amount)
            print(
                f"{args.name}'s budget is now {format_money(from_micros(store_budget(store, args.name)))}.",
                file=sys.stderr,
            )
        elif args.command == "top-up":
            store.top_up(args.name, args.amount)
            print(
                f"{args.name}'s budget is now {format_money(from_micros(store_budget(store, args.name)))}.",
                file=sys.stderr,
            )
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0


def store_budget(store: Store, name: str) -> int:
    """A student's budget in micro-dollars (for the confirmation lines)."""
    return next((u.budget for u in store.usage() if u.name == name), 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
