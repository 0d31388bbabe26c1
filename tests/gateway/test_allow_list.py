"""The teacher's allow-list: any catalog model the teacher lists and prices goes through, over real
sockets (student client -> gateway -> simulator), and nothing else is forwarded or held."""

from __future__ import annotations

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
