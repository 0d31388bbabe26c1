"""Issue 23's gateway items (and issue 28's over-budget message) against the served gateway:
bodies that cannot be forwarded, untrusted money, secrets in what is shown, the slash redirect."""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from sora_widgets.errors import InsufficientBalanceError
from sora_widgets.gateway import Gateway
from sora_widgets.gateway.cli import main as gateway_cli
from sora_widgets.gateway.store import describe_db, open_store
from sora_widgets.models.wire import task_payload
from sora_widgets.simulator import Simulator

from .conftest import TEACHER_KEY
from .test_end_to_end import CREATE, SHOT, MakeGateway, MakeStudent, usage_of


def nested(params: str) -> bytes:
    return b'{"model": "sora_2_pro_t2v", "input": [{"params": {' + params.encode() + b"}}]}"


UNFORWARDABLE = {
    # Python's parser reads these; no JSON encoder can send them on (they used to answer 500
    # after the money was reserved, leaving it "outcome unknown").
    "NaN in an extra field": nested('"prompt": "a kite", "n": NaN'),
    "Infinity as seconds": nested('"prompt": "a kite", "seconds": Infinity'),
    "1e999 in a parameter": nested('"prompt": "a kite", "quality": 1e999'),
    "a lone surrogate in the prompt": nested('"prompt": "a kite \\ud800"'),
    "a number as the prompt": nested('"prompt": 12'),
    "deep nesting": b'{"model": "sora_2_pro_t2v", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "nesting just past the bound": b'{"model": "sora_2_pro_t2v", "x": ' + b"[" * 40 + b"]" * 40 + b"}",
    "many tiny objects": b'{"model": "sora_2_pro_t2v", "prompt": "x", "junk": [' + b"{}," * 30_000 + b"{}]}",
    "an unknown size": nested('"prompt": "a kite", "size": "99999x99999"'),
}


@pytest.mark.parametrize("raw", list(UNFORWARDABLE.values()), ids=list(UNFORWARDABLE))
async def test_a_body_that_cannot_be_forwarded_is_400_and_holds_nothing(
    make_gateway: MakeGateway, sim: Simulator, teacher_key: str, raw: bytes
) -> None:
    gateway, url = make_gateway()
    key = gateway.store.add("nia", "5")
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
        answer = await http.post(CREATE, content=raw, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"]  # a reason, in the shape the client reads
    assert gateway.store.tasks("nia") == [] and usage_of(gateway, "nia")["reserved"] == "0.00"
    assert sim.ledger.created(teacher_key) == 0


async def upstream_reporting(cost: str) -> Any:
    """A served upstream whose every task completes at once, reporting ``cost``."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def task(task_id: str) -> dict[str, Any]:
        return task_payload(
            task_id=task_id,
            model="sora_2_pro_t2v",
            status="completed",
            created_at=1,
            video_url="https://cdn.example/v.mp4",
            job_id="job1",
            cost=Decimal(cost),
        )

    async def create(request: Request) -> JSONResponse:
        return JSONResponse(task("t1"))

    async def poll(request: Request) -> JSONResponse:
        return JSONResponse(task(request.path_params["task_id"]))

    return Starlette(
        routes=[Route(CREATE, create, methods=["POST"]), Route(CREATE + "/task/{task_id}", poll)]
    )


@pytest.mark.parametrize(("reported", "spent"), [("-50", "0.00"), ("900000", "3.60"), ("1.25", "1.25")])
async def test_money_reported_by_upstream_is_clamped_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, reported: str, spent: str
) -> None:
    from sora_widgets.gateway.app import serve_app

    caplog.set_level(logging.WARNING, logger="sora_widgets.gateway")
    with serve_app(await upstream_reporting(reported)) as upstream_url:
        gateway = Gateway(tmp_path / "g.sqlite3", upstream=upstream_url, api_key=TEACHER_KEY)
        key = gateway.store.add("ola", "5")
        with gateway.serve() as url:
            async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
                made = await http.post(
                    CREATE, json={"model": "sora_2_pro_t2v", "prompt": SHOT, "seconds": "4"}
                )
        line = usage_of(gateway, "ola")
        gateway.close()
    assert made.status_code == 200, made.text
    # $1.20 was held; a negative cost would have refilled the budget, a huge one emptied it.
    assert (line["spent"], line["reserved"]) == (spent, "0.00")
    assert Decimal(line["remaining"]) <= Decimal("5")
    clamped = [r.getMessage() for r in caplog.records if "reported a cost" in r.getMessage()]
    assert len(clamped) == (0 if reported == "1.25" else 1)


@pytest.mark.parametrize(
    ("budget", "seconds", "advice", "not_said"),
    [
        ("2.00", 8, "Choose a 4-second video ($1.20), which fits the $2.00 left", "even the shortest"),
        ("1.00", 8, "even the shortest video (4 s, $1.20) needs $0.20 more", "Choose a"),
        ("1.00", 4, "Ask your teacher for a top-up of $0.20", "shorter"),
    ],
)
async def test_a_student_over_budget_is_told_one_thing_by_the_gateway(
    make_gateway: MakeGateway,
    student_client: MakeStudent,
    budget: str,
    seconds: int,
    advice: str,
    not_said: str,
) -> None:
    """Issue 28: one message, from the source that knows (who to ask, what would fit)."""
    from sora_widgets.widgets.status_bar import StatusBar

    gateway, url = make_gateway()
    key = gateway.store.add("pia", budget)
    with pytest.raises(InsufficientBalanceError) as refused:
        await student_client(url, key).create(prompt=SHOT, seconds=seconds)
    error = refused.value
    assert advice in error.advice and not_said not in error.advice
    said = str(error)
    assert "Top up the account" not in said and "check that the key may use" not in said
    assert said.count("teacher") <= 1 and "402" in said and f"budget of ${budget}" in said
    bar = StatusBar()
    bar.fail(error)
    assert bar.error_advice == error.advice and "Top up the account" not in bar.error_message


def test_typed_amounts_go_through_one_parser_with_a_ceiling(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "book.sqlite3")
    assert gateway_cli(["add", "bo", "--budget", "1", "--db", db]) == 0
    capsys.readouterr()
    refused = [
        ["set-budget", "bo", "1e30"],
        ["top-up", "bo", "1e25"],
        ["add", "cy", "--budget", "1e40"],
        ["set-budget", "bo", "1_000"],
        ["set-budget", "bo", "NaN"],
        ["set-budget", "bo", "-1"],
        ["set-budget", "bo", "100000.01"],
        ["top-up", "bo", "99999.5"],  # would pass the ceiling
    ]
    for argv in refused:
        assert gateway_cli([*argv, "--db", db]) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("error: ") and "Traceback" not in err and err.count("\n") == 1, err
    book = open_store(db)
    assert [(u.name, u.budget) for u in book.usage()] == [("bo", 1_000_000)]
    book.close()
    assert gateway_cli(["set-budget", "bo", "$100000", "--db", db]) == 0


async def test_the_admin_api_refuses_bad_amounts_with_a_400_reason(make_gateway: MakeGateway) -> None:
    gateway, url = make_gateway()
    admin = gateway.store.add("teach", admin=True)
    gateway.store.add("dee", "1")
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {admin}"}) as http:
        answers = [
            await http.post("/gateway/v1/students", content=b'{"name": "eve", "budget": 1e30}'),
            await http.post("/gateway/v1/students", json={"name": "eve", "budget": "1_000"}),
            await http.post("/gateway/v1/students", content=b'{"name": "eve", "budget": NaN}'),
            await http.post("/gateway/v1/students/dee/budget", json={"add": "1e25"}),
            await http.post("/gateway/v1/students/dee/budget", json={"add": [1]}),
            await http.post("/gateway/v1/students/dee/budget", json={"budget": -1}),
        ]
        good = await http.post("/gateway/v1/students/dee/budget", json={"add": 2.5})
    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert "dollars" in answer.json()["message"] or "negative" in answer.json()["message"]
    assert good.status_code == 200 and good.json()["budget"] == "3.50"
    assert [u.name for u in gateway.store.usage()] == ["dee", "teach"]


def test_a_dsn_password_and_upstream_credentials_are_never_shown(tmp_path: Path) -> None:
    dsn = (
        "postgresql://ann:pw-CANARY-dsn-1234@db.example:5432/class?sslmode=require&password=pw-CANARY-q-5678"
    )
    shown = describe_db(dsn)
    assert shown == "postgresql://db.example:5432/class" and "CANARY" not in shown
    gateway = Gateway(
        tmp_path / "g.sqlite3", upstream="https://me:pw-CANARY-up-9012@up.example/v1", api_key=TEACHER_KEY
    )
    try:
        assert "CANARY" not in repr(gateway) and "CANARY" not in repr(gateway.upstream)
        assert "up.example/v1" in repr(gateway)
    finally:
        gateway.close()


def test_a_postgresql_books_password_is_not_in_the_serve_banner(
    pg_db: str, sim_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real banner of ``gateway serve`` with a DSN carrying ``?password=`` and an upstream
    carrying ``user:pass@`` (the served gateway is stopped by a SIGTERM-like interrupt)."""
    import sora_widgets._serve as serving

    def stop_at_once(serving_cm: Any, banner: Callable[[str], str], close: Callable[[], None]) -> int:
        with serving_cm as url:
            print(banner(url))
        close()
        return 0

    monkeypatch.setattr(serving, "run_until_interrupted", stop_at_once)
    upstream = sim_url.replace("http://", "http://me:pw-CANARY-up-9012@")
    db = f"{pg_db}?password=pw-CANARY-q-5678"
    assert gateway_cli(["serve", "--port", "0", "--db", db, "--upstream", upstream]) == 0
    out = capsys.readouterr()
    assert "class gateway serving at" in out.out
    assert "CANARY" not in out.out + out.err
    book = open_store(db)
    try:
        assert "CANARY" not in repr(book)
    finally:
        book.close()


def raw_get(url: str, target: str, host: str) -> bytes:
    """One GET with exactly this request target and Host header, over a plain socket."""
    import socket
    import urllib.parse

    where = urllib.parse.urlsplit(url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer.split(b"\r\n\r\n", 1)[0].lower()


def test_the_slash_redirect_is_relative_and_never_echoes_the_host(make_gateway: MakeGateway) -> None:
    _, url = make_gateway()
    slash = raw_get(url, "/healthz/?x=1", "evil.example")
    assert slash.startswith(b"http/1.1 307") and b"\r\nlocation: /healthz?x=1" in slash
    assert b"evil" not in slash
    for target in ("//evil.example/", "/nothing/"):
        head = raw_get(url, target, "evil.example")
        assert head.startswith(b"http/1.1 404") and b"location" not in head, (target, head)
