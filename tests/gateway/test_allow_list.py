"""The teacher's allow-list: any catalog model the teacher lists and prices goes through, over real
sockets (student client -> gateway -> simulator), and nothing else is forwarded or held."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

from sora_widgets import SoraClient
from sora_widgets.gateway import Gateway
from sora_widgets.gateway.cli import _allow_list
from sora_widgets.simulator import Simulator

CREATE = "/model/v1/generation"
MODELS = "/api/v1/skill/models"
ALLOW = {"sora_2_pro_t2v": None, "kirin_v2_6_t2v": "0.07", "viduq3_pro_start_end2video": None}

MakeGateway = Callable[..., tuple[Gateway, str]]


def usage_of(gateway: Gateway, name: str) -> dict[str, Any]:
    return next(u.to_json() for u in gateway.store.usage() if u.name == name)


async def test_a_listed_and_priced_model_goes_through_at_the_teachers_price(
    make_gateway: MakeGateway,
    sim: Simulator,
    teacher_key: str,
    student_client: Callable[[str, str], SoraClient],
) -> None:
    gateway, url = make_gateway(models=ALLOW)
    key = gateway.store.add("ada", "5")
    client = student_client(url, key)
    listed = [m.id for m in await client.models()]
    video = await client.generate(
        model="kirin_v2_6_t2v", prompt="A kite at dusk", duration=5, aspect_ratio="1:1"
    )
    assert listed == ["kirin_v2_6_t2v", "sora_2_pro_t2v", "viduq3_pro_start_end2video"]
    assert video.path is not None and video.path.exists()
    assert sim.ledger.created(teacher_key) == 1
    assert Decimal(usage_of(gateway, "ada")["spent"]) == Decimal("0.35")  # 5 s at the teacher's $0.07


async def test_models_off_the_list_or_without_a_price_are_refused_before_anything_is_held(
    make_gateway: MakeGateway, sim: Simulator, teacher_key: str
) -> None:
    gateway, url = make_gateway(models=ALLOW)
    key = gateway.store.add("sam", "5")
    auth = {"Authorization": f"Bearer {key}"}

    def body(model: str, **params: Any) -> dict[str, Any]:
        return {"model": model, "input": [{"params": params}]}

    async with httpx.AsyncClient(base_url=url, headers=auth) as http:
        unlisted = await http.post(
            CREATE, json=body("spark_dance_v2_0", content=[{"type": "text", "text": "x"}])
        )
        unpriced = await http.post(CREATE, json=body("viduq3_pro_start_end2video", images=["x"], duration=4))
        misspelt = await http.post(CREATE, json=body("kirin_v2_6_t2v", prompt="x", duraton=5))
        spec = await http.get(f"{MODELS}/spark_dance_v2_0/spec")
        listed = await http.get(MODELS, params={"keywords": "vidu"})
    assert unlisted.status_code == unpriced.status_code == misspelt.status_code == 400
    assert "not on this class's list" in unlisted.json()["message"]
    assert "no price on this class gateway" in unpriced.json()["message"]
    assert "did you mean 'duration'" in misspelt.json()["message"]
    assert spec.status_code == 404 and spec.json()["status"]["code"] == 404
    assert [m["id"] for m in listed.json()["data"]["models"]] == ["viduq3_pro_start_end2video"]
    assert sim.ledger.created(teacher_key) == 0 and usage_of(gateway, "sam")["reserved"] == "0.00"


def test_the_serve_flag_reads_ids_and_prices() -> None:
    assert _allow_list(["kirin_v2_6_t2v=0.07", " sora_2_pro_t2v "]) == {
        "kirin_v2_6_t2v": "0.07",
        "sora_2_pro_t2v": None,
    }
    assert _allow_list(None) is None


def _png(colour: str) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), colour).save(buffer, "PNG")
    return buffer.getvalue()


async def test_a_model_at_its_own_endpoint_is_polled_there_and_settles(
    make_gateway: MakeGateway,
    sim_url: str,
    teacher_key: str,
    student_client: Callable[[str, str], SoraClient],
    tmp_path: Any,
) -> None:
    """The Vidu-like model creates at /model/v2/generation: the gateway keeps that endpoint with the
    task and polls {endpoint}/task/{id} (the simulator, like the service, knows the task only
    there), when a student polls and when the gateway settles on its own."""
    gateway, url = make_gateway(models={"viduq3_pro_start_end2video": "0.10"})
    key = gateway.store.add("vi", "5")
    client = student_client(url, key)
    video = await client.generate(
        model="viduq3_pro_start_end2video",
        prompt="The red card turns blue",
        images=[_png("red"), _png("blue")],
    )
    assert video.model == "viduq3_pro_start_end2video" and video.path is not None and video.path.exists()
    [row] = gateway.store.tasks("vi")
    assert (row.state, row.path) == ("completed", "/model/v2/generation")
    assert Decimal(usage_of(gateway, "vi")["spent"]) == Decimal("0.50")  # 5 s at the teacher's $0.10
    # The settling loop (no student polling) asks at the same endpoint: a task made upstream with
    # the teacher's key and journaled as running is settled from there.
    body = {
        "model": "viduq3_pro_start_end2video",
        "input": [
            {"params": {"images": [f"data:image/png;base64,{base64.b64encode(_png('red')).decode()}"]}}
        ],
    }
    async with httpx.AsyncClient(
        base_url=sim_url, headers={"Authorization": f"Bearer {teacher_key}"}
    ) as http:
        made = (await http.post("/model/v2/generation", json=body)).json()
    held = gateway.store.reserve(
        "vi",
        500_000,
        model="viduq3_pro_start_end2video",
        prompt="p",
        seconds=5,
        size=None,
        path="/model/v2/generation",
    )
    assert isinstance(held, str)
    gateway.store.forwarded(held, made["id"])
    assert [r.upstream_id for r in gateway.store.running()] == [made["id"]]
    # A gateway started again on the same book (its own connections, on this loop) settles it.
    later = Gateway(tmp_path / "gateway.sqlite3", upstream=sim_url, api_key=teacher_key, models={})
    try:
        for _ in range(300):  # the render takes a moment; a poll at the wrong path never settles it
            assert await later.settle_once() == 1
            if not later.store.running():
                break
            await asyncio.sleep(0.1)
    finally:
        await later.upstream.aclose()
        later.close()
    assert gateway.store.running() == []  # polled where it lives, it has ended
    assert {r.state for r in gateway.store.tasks("vi")} == {"completed"}


def test_a_book_made_before_tasks_kept_their_endpoint_opens_and_gets_the_column(tmp_path: Any) -> None:
    import sqlite3

    from sora_widgets.gateway.store import open_store

    db = tmp_path / "old.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE gw_tasks (id TEXT PRIMARY KEY, student TEXT NOT NULL, upstream_id TEXT UNIQUE, "
            "model TEXT NOT NULL, prompt TEXT NOT NULL, seconds INTEGER NOT NULL, size TEXT, "
            "state TEXT NOT NULL, reserved BIGINT NOT NULL, cost BIGINT, video_url TEXT, job_id TEXT, "
            "error TEXT, "
            "created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)"
        )
        conn.execute(
            "INSERT INTO gw_tasks VALUES ('gw1', 'ada', 'task_1', 'sora_2_pro_t2v', 'p', 4, NULL, 'running', "
            "1200000, NULL, NULL, NULL, NULL, 1, 1)"
        )
    store = open_store(db)
    try:
        [row] = store.running()
        assert (row.upstream_id, row.path) == ("task_1", None)  # an old task: the default path
        store.add("ada", "5")
        held = store.reserve(
            "ada", 1, model="m", prompt="p", seconds=4, size=None, path="/model/v2/generation"
        )
        assert isinstance(held, str)
        assert {r.path for r in store.tasks("ada")} == {None, "/model/v2/generation"}
    finally:
        store.close()
