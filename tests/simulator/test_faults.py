"""Every fault the simulator can inject, seen over raw HTTP."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from sora_widgets.simulator import FaultPlan, Simulator
from sora_widgets.simulator.engine import MODERATION_MESSAGE, SIZE_MISMATCH_MESSAGE

from .conftest import CREATE, KEY, asgi_client, body, png_bytes, poll_until

# Fault tests share these words: the video is then rendered once and reused (renders are keyed
# by what is drawn, and magic words are not drawn).
W = "a lighthouse in fog"


def task_url(task_id: str) -> str:
    return f"/model/v1/generation/task/{task_id}"


@pytest.mark.parametrize("suffix", ["095", "096", "097", "098", "099"])
@pytest.mark.parametrize(("model", "prefix"), [("sora_2_pro_t2v", "002999"), ("sora_2_pro_i2v", "003000")])
def test_each_seed_error_code(api: httpx.Client, suffix: str, model: str, prefix: str) -> None:
    extra = {}
    if model.endswith("i2v"):
        extra["input_reference"] = base64.b64encode(png_bytes(720, 1280)).decode()
    created = api.post(CREATE, json=body(f"fails [sim:fail={suffix}]", model=model, **extra))
    assert created.status_code == 200
    done = poll_until(api, created.json()["id"])
    assert done["status"] == "failed"
    assert done["error"]["code"] == prefix + suffix
    assert isinstance(done["error"]["error_message"], str) and done["error"]["error_message"]
    assert "output" not in done and "usage" not in done


def test_moderation_word_and_magic_word(api: httpx.Client) -> None:
    for prompt in ("a scene full of gore", "a calm lake [sim:moderation]"):
        done = poll_until(api, api.post(CREATE, json=body(prompt)).json()["id"])
        assert done["status"] == "failed"
        assert done["error"] == {"code": "002999099", "error_message": MODERATION_MESSAGE}


def test_moderation_words_are_configurable(tmp_path: Path) -> None:
    sim = Simulator(speed="instant", state_dir=tmp_path, moderation_words=["kite"])
    with sim.serve() as url, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}) as api:
        blocked = poll_until(api, api.post(CREATE, json=body("a red kite")).json()["id"])
        fine = api.get(task_url(api.post(CREATE, json=body("a scene full of gore")).json()["id"])).json()
    sim.close()
    assert blocked["error"]["error_message"] == MODERATION_MESSAGE
    assert fine["status"] != "failed"


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (png_bytes(1280, 720), SIZE_MISMATCH_MESSAGE),  # landscape image for a portrait video
        (png_bytes(700, 1280), SIZE_MISMATCH_MESSAGE),
        (b"GIF89a" + b"\0" * 64, "Invalid image format"),
        (b"<html>not an image</html>", "Invalid image format"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "could not be decoded"),
    ],
)
def test_bad_reference_images_fail_the_task_with_099(api: httpx.Client, image: bytes, message: str) -> None:
    params = {"input_reference": "data:image/png;base64," + base64.b64encode(image).decode()}
    done = poll_until(
        api, api.post(CREATE, json=body("bad image", model="sora_2_pro_i2v", **params)).json()["id"]
    )
    assert done["status"] == "failed"
    assert done["error"]["code"] == "003000099"
    assert message in done["error"]["error_message"]


@pytest.mark.parametrize("status", [401, 402, 403, 429, 500, 503])
def test_create_http_errors_make_nothing(api: httpx.Client, shared_sim: Simulator, status: int) -> None:
    prompt = f"{W} [sim:http={status}] [sim:retry_after=7]"
    response = api.post(CREATE, json=body(prompt))
    assert response.status_code == status
    payload = response.json()
    if status in (401, 402):
        assert payload["status"]["code"] == status and payload["data"] is None
    elif status == 403:
        assert isinstance(payload["error"], str)
    else:
        assert isinstance(payload["message"], str)
    if status in (429, 503):
        assert response.headers["Retry-After"] == "7"
    assert shared_sim.ledger.by_prompt(prompt) == 0
    # the burst is over: the same request now creates exactly one task
    assert api.post(CREATE, json=body(prompt)).status_code == 200
    assert shared_sim.ledger.by_prompt(prompt) == 1


def test_create_burst_then_success(api: httpx.Client, shared_sim: Simulator) -> None:
    prompt = f"{W} [sim:http=429x3]"
    codes = [api.post(CREATE, json=body(prompt)).status_code for _ in range(4)]
    assert codes == [429, 429, 429, 200]
    assert shared_sim.ledger.by_prompt(prompt) == 1


def test_poll_bursts(api: httpx.Client) -> None:
    task_id = api.post(CREATE, json=body(f"{W} [sim:poll=500x2] [sim:poll=503] [sim:poll=429]")).json()["id"]
    responses = [api.get(task_url(task_id)) for _ in range(5)]
    assert [r.status_code for r in responses] == [500, 500, 503, 429, 200]
    assert "Retry-After" in responses[2].headers and "Retry-After" in responses[3].headers


def test_slow_answer_and_hang_trip_client_timeouts(api: httpx.Client) -> None:
    created = api.post(CREATE, json=body(f"{W} [sim:hang] [sim:hang_s=2]"))
    task_id = created.json()["id"]
    with pytest.raises(httpx.ReadTimeout):
        api.get(task_url(task_id), timeout=0.3)
    assert api.get(task_url(task_id)).status_code == 200  # only one poll hangs

    with pytest.raises(httpx.ReadTimeout):
        api.post(CREATE, json=body(f"{W} [sim:slow=2]"), timeout=0.3)


def test_malformed_json(api: httpx.Client) -> None:
    task_id = api.post(CREATE, json=body(f"{W} [sim:malformed=2]")).json()["id"]
    for _ in range(2):
        response = api.get(task_url(task_id))
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        with pytest.raises(ValueError):
            response.json()
    assert api.get(task_url(task_id)).json()["id"] == task_id


def test_connection_dropped_mid_answer(api: httpx.Client) -> None:
    task_id = api.post(CREATE, json=body(f"{W} [sim:drop]")).json()["id"]
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.get(task_url(task_id))
    assert api.get(task_url(task_id)).json()["id"] == task_id


def test_unknown_status_values(api: httpx.Client) -> None:
    task_id = api.post(CREATE, json=body(f"{W} [sim:unknown=paused_by_upstream]")).json()["id"]
    first, second = (api.get(task_url(task_id)).json() for _ in range(2))
    assert first["status"] == second["status"] == "paused_by_upstream"
    assert poll_until(api, task_id)["status"] == "completed"


def test_truncated_download_then_full(api: httpx.Client) -> None:
    done = poll_until(api, api.post(CREATE, json=body(f"{W} [sim:truncate]")).json()["id"])
    content = done["output"][0]["content"][0]
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        httpx.get(content["url"])
    full = httpx.get(content["url"])
    assert full.status_code == 200 and len(full.content) == int(content["size"])


def test_expired_url_then_fresh_one(api: httpx.Client) -> None:
    task_id = api.post(CREATE, json=body(f"{W} [sim:expire]")).json()["id"]
    first = poll_until(api, task_id)
    stale = first["output"][0]["content"][0]["url"]
    assert httpx.get(stale).status_code == 403
    fresh = api.get(task_url(task_id)).json()["output"][0]["content"][0]["url"]
    assert httpx.get(fresh).status_code == 200


@pytest.mark.parametrize("mode", ["504", "drop", "hang"])
def test_lost_create_answer_still_makes_and_bills_the_task(
    api: httpx.Client, shared_sim: Simulator, mode: str
) -> None:
    prompt = f"{W} [sim:lose={mode}] [sim:hang_s=1.5]"
    if mode == "504":
        assert api.post(CREATE, json=body(prompt)).status_code == 504
    elif mode == "drop":
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            api.post(CREATE, json=body(prompt))
    else:
        with pytest.raises(httpx.ReadTimeout):
            api.post(CREATE, json=body(prompt), timeout=0.3)
    made = [t for t in shared_sim.engine.tasks() if t.prompt == prompt]
    assert len(made) == 1
    shared_sim.wait_rendered(made[0].id)
    assert shared_sim.engine.is_billed(made[0])
    # the loss happens once: resending (what a careless client would do) makes a second task
    assert api.post(CREATE, json=body(prompt)).status_code == 200
    assert shared_sim.ledger.by_prompt(prompt) == 2


def test_done_at_create(api: httpx.Client) -> None:
    answer = api.post(CREATE, json=body(f"{W} [sim:done]")).json()
    assert answer["status"] == "completed"
    assert answer["output"][0]["content"][0]["url"]


def test_instance_fault_plan_and_live_edits(tmp_path: Path) -> None:
    plan = FaultPlan(create_http=[429], poll_http=[503, 500], retry_after=0.25, truncate_downloads=1)
    sim = Simulator(speed="instant", state_dir=tmp_path, faults=plan)
    with sim.serve() as url, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}) as api:
        refused = api.post(CREATE, json=body(W))
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "0.25"
        task_id = api.post(CREATE, json=body(W)).json()["id"]
        assert [api.get(task_url(task_id)).status_code for _ in range(3)] == [503, 500, 200]
        done = poll_until(api, task_id)
        link = done["output"][0]["content"][0]["url"]
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            httpx.get(link)
        assert httpx.get(link).status_code == 200
        sim.faults.poll_http += [502]  # injected while running
        sim.faults.unknown_status_polls = 0
        assert api.get(task_url(task_id)).status_code == 502
        assert api.get(task_url(task_id)).status_code == 200
    sim.close()
    assert sim.ledger.refused(KEY) == 1 and sim.ledger.created(KEY) == 1


async def test_faults_in_process_give_short_bodies(sim: Simulator) -> None:
    """Behind httpx.ASGITransport a broken connection shows up as a short body."""
    async with asgi_client(sim) as client:
        task_id = (await client.post(CREATE, json=body(f"{W} [sim:drop] [sim:truncate]"))).json()["id"]
        dropped = await client.get(task_url(task_id))
        assert len(dropped.content) < int(dropped.headers["content-length"])
        sim.wait_rendered(task_id)
        done = (await client.get(task_url(task_id))).json()
        video = await client.get(done["output"][0]["content"][0]["url"])
        assert len(video.content) < int(video.headers["content-length"])


def test_magic_words_parse() -> None:
    plan = FaultPlan.from_prompt("x [sim:poll=503x2] [SIM:Truncate=2] [sim:lose=drop] [sim:fail=003000096]")
    assert plan.poll_http == [503, 503] and plan.truncate_downloads == 2
    assert plan.lose_creates == 1 and plan.lose_mode == "drop" and plan.fail_code == "003000096"
    with pytest.raises(ValueError, match="unknown word"):
        FaultPlan.from_prompt("[sim:explode]")
    with pytest.raises(ValueError, match="unsupported HTTP status"):
        FaultPlan.from_prompt("[sim:poll=418]")


def test_creation_failure_without_id_and_moderation_at_creation(
    api: httpx.Client, shared_sim: Simulator
) -> None:
    prompt = f"{W} [sim:refuse]"
    refused = api.post(CREATE, json=body(prompt))
    assert refused.status_code == 200
    assert "id" not in refused.json()
    assert refused.json()["error"]["code"] == "002999099"
    blocked = api.post(CREATE, json=body(f"{W} [sim:moderation=http]"))
    assert blocked.status_code == 400 and blocked.json()["error"]["message"] == MODERATION_MESSAGE
    assert (
        shared_sim.ledger.by_prompt(prompt) == 0
        and shared_sim.ledger.by_prompt(f"{W} [sim:moderation=http]") == 0
    )


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("message", {"code": "002999096", "message": "Failed to parse the upstream result."}),
        ("number", {"code": 2999096, "error_message": "Failed to parse the upstream result."}),
        ("string", "Failed to parse the upstream result. (code 002999096)"),
    ],
)
def test_error_shapes_of_other_models(api: httpx.Client, shape: str, expected: object) -> None:
    done = poll_until(
        api, api.post(CREATE, json=body(f"{W} [sim:fail=096] [sim:error_shape={shape}]")).json()["id"]
    )
    assert done["status"] == "failed" and done["error"] == expected
