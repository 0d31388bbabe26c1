"""A class through one gateway in front of a loopback simulator: real HTTP all the way."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import av
import httpx
import pytest

from sora_widgets.client import SoraClient
from sora_widgets.errors import (
    AuthenticationError,
    GenerationFailed,
    InsufficientBalanceError,
    NotFoundError,
    UnknownOutcomeError,
)
from sora_widgets.gateway import Gateway
from sora_widgets.simulator import Simulator

from .conftest import TEACHER_KEY

MakeGateway = Callable[..., tuple[Gateway, str]]
MakeStudent = Callable[[str, str], SoraClient]
CREATE = "/model/v1/generation"
# One shot for (almost) every test: the simulator renders identical shots once, and fault words
# are not drawn, so "SHOT [sim:...]" shares the render too. That keeps this module fast.
SHOT = "Wide shot of a red kite over a beach, slow dolly in"


def usage_of(gateway: Gateway, name: str) -> dict[str, Any]:
    return next(u.to_json() for u in gateway.store.usage() if u.name == name)


async def poll_until_done(http: httpx.AsyncClient, key: str, task_id: str) -> dict[str, Any]:
    for _ in range(200):
        answer = await http.get(f"{CREATE}/task/{task_id}", headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        if data["status"] in ("completed", "failed"):
            return data
        await asyncio.sleep(0.1)
    raise AssertionError("the task never ended")


async def test_three_students_generate_real_videos_without_ever_seeing_the_key(
    make_gateway: MakeGateway,
    student_client: MakeStudent,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
    teacher_key: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway, url = make_gateway()
    keys = {name: gateway.store.add(name, "5.00") for name in ("alice", "bob", "carol")}
    clients = {name: student_client(url, key) for name, key in keys.items()}
    prompts = dict.fromkeys(keys, SHOT)

    videos = await asyncio.gather(*(clients[n].generate(prompt=prompts[n], seconds=4) for n in keys))

    for video in videos:
        assert video.path is not None and video.path.exists()
        with av.open(str(video.path)) as container:
            assert container.streams.video[0].codec_context.width == 720
        assert video.cost == Decimal("1.2")
        assert TEACHER_KEY not in repr(video) and TEACHER_KEY not in str(video.url)
    # Upstream saw only the teacher's key, once per video; no student key ever reached it.
    assert sim.ledger.created(teacher_key) == 3
    assert all(sim.ledger.created(key) == 0 for key in keys.values())
    for name in keys:
        line = usage_of(gateway, name)
        assert (line["spent"], line["reserved"], line["remaining"]) == ("1.20", "0.00", "3.80")
        assert (line["tasks"], line["completed"], line["running"]) == (1, 1, 0)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert TEACHER_KEY not in logged and teacher_key not in logged
    assert all(key not in logged for key in keys.values())


async def test_another_students_task_is_404_exactly_like_an_unknown_id(make_gateway: MakeGateway) -> None:
    gateway, url = make_gateway()
    alice, bob = gateway.store.add("alice", "5"), gateway.store.add("bob", "5")
    async with httpx.AsyncClient(base_url=url) as http:
        made = await http.post(
            CREATE,
            json={"model": "sora_2_pro_t2v", "input": [{"params": {"prompt": SHOT}}]},
            headers={"Authorization": f"Bearer {alice}"},
        )
        assert made.status_code == 200, made.text
        task_id = made.json()["id"]
        theirs = await http.get(f"{CREATE}/task/{task_id}", headers={"Authorization": f"Bearer {bob}"})
        nobodys_id = "z" * len(task_id)
        unknown = await http.get(f"{CREATE}/task/{nobodys_id}", headers={"Authorization": f"Bearer {bob}"})
        mine = await http.get(f"{CREATE}/task/{task_id}", headers={"Authorization": f"Bearer {alice}"})
    assert mine.status_code == 200 and mine.json()["id"] == task_id
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == json.loads(unknown.text.replace(nobodys_id, task_id))
    assert set(theirs.headers) - {"date"} == set(unknown.headers) - {"date"}


@pytest.mark.parametrize(
    "body",
    [
        # The documentation pages show the parameters flat ...
        {
            "model": "sora_2_pro_t2v",
            "prompt": SHOT,
            "size": "720x1280",
            "seconds": "8",
        },
        # ... every real client (the vendor CLI included) nests them.
        {
            "model": "sora_2_pro_t2v",
            "input": [{"params": {"prompt": SHOT, "size": "720x1280", "seconds": "8"}}],
        },
    ],
    ids=["flat", "nested"],
)
async def test_vendor_cli_wire_format_passes_through(
    make_gateway: MakeGateway, sim: Simulator, body: dict[str, Any], teacher_key: str
) -> None:
    gateway, url = make_gateway()
    key = gateway.store.add("dana", "5")
    async with httpx.AsyncClient(base_url=url) as http:
        made = await http.post(CREATE, json=body, headers={"Authorization": f"Bearer {key}"})
        assert made.status_code == 200, made.text
        if made.json()["status"] != "completed":  # (the shared simulator may have this video already)
            assert usage_of(gateway, "dana")["reserved"] == "2.40"  # 8 s x $0.30, held before forwarding
        done = await poll_until_done(http, key, made.json()["id"])
    # The types the vendor's Go client decodes into, exactly as upstream sent them.
    assert done["status"] == "completed"
    assert isinstance(done["created_at"], int)
    assert done["usage"]["cost"] == "2.400000" and isinstance(done["usage"]["quantity"], int)
    content = done["output"][0]["content"][0]
    assert isinstance(content["duration"], str) and content["url"].startswith("http://127.0.0.1")
    line = usage_of(gateway, "dana")
    assert (line["spent"], line["reserved"]) == ("2.40", "0.00")
    assert sim.ledger.created(teacher_key) == 1


async def test_unknown_and_revoked_keys_get_401_and_revocation_is_immediate(
    make_gateway: MakeGateway, student_client: MakeStudent, sim: Simulator, teacher_key: str
) -> None:
    gateway, url = make_gateway()
    key = gateway.store.add("erin", "5")
    client = student_client(url, key)
    task = await client.create(prompt=SHOT, seconds=4)
    with pytest.raises(AuthenticationError):
        await student_client(url, "sk-class-not-a-real-key-000000000000").create(prompt="Anything")
    gateway.store.revoke("erin")
    with pytest.raises(AuthenticationError):
        await client.get(task.id)
    with pytest.raises(AuthenticationError):
        await client.create(prompt="Another sailboat")
    async with httpx.AsyncClient(base_url=url) as http:
        bare = await http.post(CREATE, json={"model": "sora_2_pro_t2v", "prompt": "x"})
    assert bare.status_code == 401 and bare.headers["www-authenticate"] == "Bearer"
    assert sim.ledger.created(teacher_key) == 1
    # A new key lifts the revocation; the running task is still there.
    fresh = gateway.store.add("erin", "5", new_key=True)
    assert (await student_client(url, fresh).get(task.id)).id == task.id


async def test_a_create_over_budget_is_402_naming_the_budget_and_never_forwarded(
    make_gateway: MakeGateway, student_client: MakeStudent, sim: Simulator, teacher_key: str
) -> None:
    gateway, url = make_gateway()
    key = gateway.store.add("finn", "2.00")
    client = student_client(url, key)
    video = await client.generate(prompt=SHOT, seconds=4)  # $1.20 of $2.00
    assert video.cost == Decimal("1.2")
    with pytest.raises(InsufficientBalanceError) as refused:
        await client.create(prompt=SHOT, seconds=4)  # $1.20 > $0.80 left
    message = str(refused.value)
    assert "budget of $2.00" in message and "$0.80 left" in message and "402" in message
    assert sim.ledger.created(teacher_key) == 1
    gateway.store.top_up("finn", "0.40")
    assert (await client.generate(prompt=SHOT, seconds=4)).cost == Decimal("1.2")
    assert usage_of(gateway, "finn")["remaining"] == "0.00"


async def test_rate_limit_answers_429_with_retry_after_and_forwards_nothing(
    make_gateway: MakeGateway, sim: Simulator, teacher_key: str
) -> None:
    from sora_widgets.gateway.ratelimit import Limit

    gateway, url = make_gateway(limits={"create": Limit(burst=2, per_second=1 / 60)})
    key = gateway.store.add("gus", "50")
    body = {"model": "sora_2_pro_t2v", "prompt": SHOT}
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
        answers = [await http.post(CREATE, json=body) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[2].headers["retry-after"]) >= 1
    assert sim.ledger.created(teacher_key) == 2
    line = usage_of(gateway, "gus")
    assert Decimal(line["spent"]) + Decimal(line["reserved"]) == Decimal("2.40")


async def test_request_bodies_are_size_limited(
    make_gateway: MakeGateway, sim: Simulator, teacher_key: str
) -> None:
    gateway, url = make_gateway(max_body_bytes=2000)
    key = gateway.store.add("hana", "50")
    big = {"model": "sora_2_pro_i2v", "prompt": "A boat", "input_reference": "A" * 5000}
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
        declared = await http.post(CREATE, json=big)

        async def stream() -> Any:  # no Content-Length: the limit holds while reading
            for _ in range(10):
                yield b" " * 1000

        streamed = await http.post(CREATE, content=stream())
    assert declared.status_code == streamed.status_code == 413
    assert sim.ledger.created(teacher_key) == 0 and usage_of(gateway, "hana")["reserved"] == "0.00"


async def test_a_restarted_gateway_keeps_tasks_and_budgets_and_finishes_the_task(
    make_gateway: MakeGateway, student_client: MakeStudent, tmp_path: Any, teacher_key: str
) -> None:
    # A simulator on a clock we move: the task is certainly still running when the gateway stops.
    now = [1_800_000_000.0]
    slow = Simulator(speed="demo", state_dir=tmp_path / "slow-sim", clock=lambda: now[0])
    with slow, slow.serve() as slow_url:
        gateway, url = make_gateway(upstream=slow_url)
        key = gateway.store.add("ivy", "5")
        task = await student_client(url, key).create(prompt=SHOT, seconds=8)
        assert task.status in ("pending", "in_progress")
        assert usage_of(gateway, "ivy")["reserved"] == "2.40"
        gateway.close()  # the old process's book is closed; a new gateway opens the same file

        again, url2 = make_gateway(upstream=slow_url)
        line = usage_of(again, "ivy")
        assert (line["reserved"], line["running"], line["budget"]) == ("2.40", 1, "5.00")
        now[0] += 60  # the render finishes while the new gateway runs
        video = await student_client(url2, key).wait(task.id)  # the same key works after the restart
        assert video.path is not None and video.path.exists()
        line = usage_of(again, "ivy")
        assert (line["spent"], line["reserved"], line["completed"]) == ("2.40", "0.00", 1)
        assert slow.ledger.created(teacher_key) == 1


async def test_a_gateway_that_stopped_mid_forward_keeps_the_money_held_and_never_resends(
    tmp_path: Any, sim: Simulator, sim_url: str, teacher_key: str
) -> None:
    from sora_widgets.gateway.store import open_store

    now = [1_000_000.0]
    store = open_store(tmp_path / "book.sqlite3", clock=lambda: now[0])
    store.add("jo", "5")
    # Journaled, then the process died before the upstream answered.
    row = store.reserve("jo", 1_200_000, model="sora_2_pro_t2v", prompt="A fox", seconds=4, size=None)
    assert isinstance(row, str)
    now[0] += 600  # the new gateway starts ten minutes later
    gateway = Gateway(store, upstream=sim_url, api_key=teacher_key)
    line = next(u for u in gateway.store.usage() if u.name == "jo")
    assert (line.unknown, line.running, line.reserved) == (1, 0, 1_200_000)
    await gateway.settle_once()
    assert sim.ledger.created(teacher_key) == 0  # never resent
    gateway.store.reset("jo")  # the teacher checked and writes it off
    line = next(u for u in gateway.store.usage() if u.name == "jo")
    assert (line.unknown, line.reserved, line.spent) == (0, 0, 0)
    gateway.close()


# --- the upstream's faults, passed through honestly -----------------------------------------------


async def test_upstream_task_failure_reaches_the_student_and_releases_the_money(
    make_gateway: MakeGateway, student_client: MakeStudent
) -> None:
    gateway, url = make_gateway()
    client = student_client(url, gateway.store.add("kai", "5"))
    with pytest.raises(GenerationFailed) as failed:
        await client.generate(prompt="A storm over the sea [sim:fail=096]", seconds=12)
    assert failed.value.code == "002999096"
    line = usage_of(gateway, "kai")
    assert (line["spent"], line["reserved"], line["failed"]) == ("0.00", "0.00", 1)


async def test_lost_upstream_answer_is_outcome_unknown_held_and_never_resent(
    make_gateway: MakeGateway, student_client: MakeStudent, sim: Simulator
) -> None:
    gateway, url = make_gateway()
    client = student_client(url, gateway.store.add("lea", "5"))
    prompt = f"{SHOT} [sim:lose]"
    with pytest.raises(UnknownOutcomeError):
        await client.create(prompt=prompt, seconds=4)
    assert sim.ledger.by_prompt(prompt) == 1  # made upstream, answer lost, not resent
    line = usage_of(gateway, "lea")
    assert (line["unknown"], line["reserved"], line["spent"]) == (1, "1.20", "0.00")
    admin_view = [t for t in gateway.store.tasks("lea") if t.state == "unknown"]
    assert len(admin_view) == 1 and "504" in (admin_view[0].error or "")


@pytest.mark.parametrize(
    ("words", "status", "created"),
    [("[sim:http=429]", 429, 0), ("[sim:moderation=http]", 400, 0), ("[sim:http=503]", 503, 0)],
)
async def test_upstream_http_refusals_pass_through_with_their_status(
    make_gateway: MakeGateway, sim: Simulator, words: str, status: int, created: int, teacher_key: str
) -> None:
    gateway, url = make_gateway()
    key = gateway.store.add("max", "5")
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
        answer = await http.post(CREATE, json={"model": "sora_2_pro_t2v", "prompt": f"{SHOT} {words}"})
    assert answer.status_code == status
    if status in (429, 503):
        assert answer.headers["retry-after"]
    assert sim.ledger.created(teacher_key) == created
    line = usage_of(gateway, "max")
    # Refused (4xx): released. A 5xx may or may not have made the task: held as unknown.
    assert line["reserved"] == ("1.20" if status >= 500 else "0.00")


async def test_a_429_from_upstream_is_retried_by_the_client_and_charged_once(
    make_gateway: MakeGateway, student_client: MakeStudent, sim: Simulator, teacher_key: str
) -> None:
    gateway, url = make_gateway()
    client = student_client(url, gateway.store.add("nia", "5"))
    video = await client.generate(prompt=f"{SHOT} [sim:http=429] [sim:retry_after=0.1]")
    assert video.path is not None
    assert sim.ledger.created(teacher_key) == 1
    assert usage_of(gateway, "nia")["spent"] == "1.20"


async def test_poll_faults_pass_through_and_the_client_rides_them_out(
    make_gateway: MakeGateway, student_client: MakeStudent, sim: Simulator
) -> None:
    gateway, url = make_gateway()
    key = gateway.store.add("oli", "5")
    prompt = f"{SHOT} [sim:poll=503x2] [sim:retry_after=0.1]"
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
        made = await http.post(CREATE, json={"model": "sora_2_pro_t2v", "prompt": prompt})
        first = await http.get(f"{CREATE}/task/{made.json()['id']}")
    assert first.status_code == 503 and first.headers["retry-after"] == "0.1"
    video = await student_client(url, key).wait(made.json()["id"])
    assert video.path is not None
    assert usage_of(gateway, "oli")["spent"] == "1.20"


@pytest.mark.parametrize("words", ["[sim:malformed]", "[sim:drop]"])
async def test_a_broken_poll_answer_is_a_502_and_the_client_rides_it_out(
    make_gateway: MakeGateway, student_client: MakeStudent, words: str
) -> None:
    gateway, url = make_gateway()
    key = gateway.store.add("ola", "5")
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
        made = await http.post(CREATE, json={"model": "sora_2_pro_t2v", "prompt": f"{SHOT} {words}"})
        first = await http.get(f"{CREATE}/task/{made.json()['id']}")
    assert first.status_code == 502 and "message" in first.json()
    video = await student_client(url, key).wait(made.json()["id"])
    assert video.path is not None and usage_of(gateway, "ola")["spent"] == "1.20"


async def test_refused_create_with_no_id_passes_through_and_releases(
    make_gateway: MakeGateway, student_client: MakeStudent, sim: Simulator, teacher_key: str
) -> None:
    gateway, url = make_gateway()
    client = student_client(url, gateway.store.add("pat", "5"))
    with pytest.raises(Exception) as refused:
        await client.create(prompt="A tower [sim:refuse]")
    assert "002999099" in str(refused.value) or "refused" in str(refused.value)
    assert usage_of(gateway, "pat")["reserved"] == "0.00"
    assert sim.ledger.created(teacher_key) == 0


async def test_remix_only_of_ones_own_videos(
    make_gateway: MakeGateway, student_client: MakeStudent, sim: Simulator
) -> None:
    gateway, url = make_gateway()
    alice = student_client(url, gateway.store.add("quin", "10"))
    bob = student_client(url, gateway.store.add("rae", "10"))
    video = await alice.generate(prompt=SHOT, seconds=4)
    assert video.remix_id
    remix = await alice.generate(prompt="The same kite at night", remix_video_id=video.remix_id, seconds=4)
    assert remix.path is not None
    with pytest.raises(Exception, match="your own videos"):
        await bob.create(prompt="Steal it", remix_video_id=video.remix_id, seconds=4)
    assert sim.ledger.by_prompt("Steal it") == 0


async def test_unknown_model_or_length_is_refused_before_anything_is_held(
    make_gateway: MakeGateway, sim: Simulator, teacher_key: str
) -> None:
    gateway, url = make_gateway()
    key = gateway.store.add("sam", "5")
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
        bad_model = await http.post(CREATE, json={"model": "gpt-video", "prompt": "x"})
        bad_len = await http.post(CREATE, json={"model": "sora_2_pro_t2v", "prompt": "x", "seconds": "60"})
        not_json = await http.post(CREATE, content=b"{nope")
    assert bad_model.status_code == bad_len.status_code == not_json.status_code == 400
    assert sim.ledger.created(teacher_key) == 0 and usage_of(gateway, "sam")["reserved"] == "0.00"


async def test_gateway_fetches_no_url_and_forwards_only_the_checked_parameters(tmp_path: Any) -> None:
    """A reference image given as a URL goes upstream untouched; the gateway fetches nothing; and
    what goes upstream is rebuilt from the priced, checked parameters: extra fields (``n``,
    ``callback_url``), a second ``input`` item and unknown parameters never leave the gateway."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from sora_widgets.gateway.app import serve_app

    canary_hits: list[str] = []
    seen: list[tuple[str, Any]] = []

    async def canary(request: Request) -> JSONResponse:
        canary_hits.append(str(request.url))
        return JSONResponse({})

    async def upstream_create(request: Request) -> JSONResponse:
        seen.append((request.headers["authorization"], await request.json()))
        return JSONResponse({"id": "t1", "status": "pending", "model": "sora_2_pro_i2v", "created_at": 1})

    canary_app = Starlette(routes=[Route("/{path:path}", canary, methods=["GET", "HEAD"])])
    upstream_app = Starlette(routes=[Route(CREATE, upstream_create, methods=["POST"])])
    with serve_app(canary_app) as canary_url, serve_app(upstream_app) as upstream_url:
        gateway = Gateway(tmp_path / "g.sqlite3", upstream=upstream_url, api_key=TEACHER_KEY)
        key = gateway.store.add("tia", "5")
        image_url = f"{canary_url}/boat.png"
        params = {"prompt": "A boat", "input_reference": image_url, "seconds": "4", "n": 8, "quality": "max"}
        body = {
            "model": "sora_2_pro_i2v",
            "input": [{"params": params}, {"params": {"prompt": "Another", "seconds": "12"}}],
            "n": 4,
            "callback_url": f"{canary_url}/hook",
        }
        with gateway.serve() as url:
            async with httpx.AsyncClient(base_url=url) as http:
                answer = await http.post(CREATE, json=body, headers={"Authorization": f"Bearer {key}"})
        gateway.close()
    assert answer.status_code == 200, answer.text
    assert canary_hits == []
    checked = {"prompt": "A boat", "size": "720x1280", "seconds": "4", "input_reference": image_url}
    assert seen == [(f"Bearer {TEACHER_KEY}", {"model": "sora_2_pro_i2v", "input": [{"params": checked}]})]


async def test_admin_endpoints_need_the_admin_key(make_gateway: MakeGateway) -> None:
    gateway, url = make_gateway()
    student = gateway.store.add("uma", "5")
    admin = gateway.store.add("teacher", admin=True)
    async with httpx.AsyncClient(base_url=url) as http:
        as_student = await http.get("/gateway/v1/students", headers={"Authorization": f"Bearer {student}"})
        as_nobody = await http.get("/gateway/v1/students")
        as_admin = await http.get("/gateway/v1/students", headers={"Authorization": f"Bearer {admin}"})
    assert (as_student.status_code, as_nobody.status_code, as_admin.status_code) == (403, 401, 200)
    names = [s["name"] for s in as_admin.json()["students"]]
    assert names == ["teacher", "uma"]
    assert student not in as_admin.text and admin not in as_admin.text and TEACHER_KEY not in as_admin.text
    from sora_widgets.gateway import GatewayAdmin

    teacher = GatewayAdmin(url, admin)
    new_key = await teacher.add("newbie", "2.00")
    await teacher.aclose()
    assert gateway.store.principal(new_key) is not None
    assert new_key not in repr(teacher)


async def test_not_found_errors_for_unknown_students_in_admin_calls(make_gateway: MakeGateway) -> None:
    from sora_widgets.gateway import GatewayAdmin

    gateway, url = make_gateway()
    admin = GatewayAdmin(url, gateway.store.add("teacher", admin=True))
    with pytest.raises(NotFoundError):
        await admin.revoke("nobody")
    await admin.aclose()


async def test_the_gateway_settles_tasks_nobody_polls(
    tmp_path: Any, sim: Simulator, sim_url: str, teacher_key: str
) -> None:
    """A student closed the notebook right after pressing Generate: the budget still settles."""
    gateway = Gateway(tmp_path / "g.sqlite3", upstream=sim_url, api_key=teacher_key)
    key = gateway.store.add("val", "5")
    transport = httpx.ASGITransport(app=gateway.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        made = await http.post(
            CREATE,
            json={"model": "sora_2_pro_t2v", "prompt": "A gull over a harbour at noon, static camera"},
            headers={"Authorization": f"Bearer {key}"},
        )
    assert made.status_code == 200
    await asyncio.to_thread(sim.wait_rendered, made.json()["id"])
    assert usage_of(gateway, "val")["spent"] == "0.00"
    assert await gateway.settle_once() == 1
    line = usage_of(gateway, "val")
    assert (line["spent"], line["reserved"], line["completed"]) == ("1.20", "0.00", 1)
    assert await gateway.settle_once() == 0  # nothing left running
    await gateway.upstream.aclose()
    gateway.close()
