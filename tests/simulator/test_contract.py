"""The wire contract over raw HTTP against a real loopback server (not through our client)."""

from __future__ import annotations

import itertools
import re
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from sora_widgets.models.wire import parse_task
from sora_widgets.simulator import Simulator

from .conftest import CREATE, KEY, FakeClock, asgi_client, body, poll_until


def test_create_and_poll_types_match_the_contract(api: httpx.Client) -> None:
    created = api.post(
        CREATE, json=body("Wide shot, a red kite over a beach at dusk", size="1280x720", seconds="8")
    )
    assert created.status_code == 200
    first = created.json()
    assert re.fullmatch(r"[0-9a-v]{20}", first["id"])
    assert first["status"] in ("pending", "in_progress")
    assert first["model"] == "sora_2_pro_t2v"
    assert type(first["created_at"]) is int

    done = poll_until(api, first["id"])
    assert done["status"] == "completed"
    assert done["id"] == first["id"] and type(done["created_at"]) is int
    assert "progress" not in done and "error" not in done
    content = done["output"][0]["content"][0]
    assert content["type"] == "video"
    assert isinstance(content["size"], str) and int(content["size"]) > 1000
    assert isinstance(content["duration"], str) and content["duration"] == "8"
    assert re.fullmatch(r"video_[0-9a-f]{48}", content["jobId"])
    assert content["url"].startswith(str(api.base_url).rstrip("/") + "/files/")
    usage = done["usage"]
    assert usage == {"cost": "2.400000", "discount": 0, "quantity": 8, "unit_price": "0.300000"}
    assert isinstance(done["metadata"], dict)

    task = parse_task(done)  # the shared parser reads it back
    assert task.usage is not None and task.usage.cost == Decimal("2.4")
    assert task.video is not None and task.video.job_id == content["jobId"]

    video = httpx.get(content["url"])
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"
    assert len(video.content) == int(content["size"])
    assert video.content[4:8] == b"ftyp"


def test_progress_is_a_float_while_running(tmp_path: Path, clock: FakeClock) -> None:
    sim = Simulator(speed="demo", state_dir=tmp_path, clock=clock)
    with sim.serve() as url, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}) as api:
        task_id = api.post(CREATE, json=body("a lighthouse in fog")).json()["id"]
        clock.advance(3.0)
        data = api.get(f"/model/v1/generation/task/{task_id}").json()
        assert data["status"] == "in_progress"
        assert type(data["progress"]) is float and 0.0 <= data["progress"] < 1.0
    sim.close()


def test_flat_body_is_accepted(api: httpx.Client) -> None:
    response = api.post(
        CREATE, json={"model": "sora_2_pro_t2v", "prompt": "a flat body", "size": "720x1280", "seconds": "4"}
    )
    assert response.status_code == 200
    assert poll_until(api, response.json()["id"])["status"] == "completed"


def test_seconds_as_int_and_defaults(api: httpx.Client) -> None:
    response = api.post(
        CREATE, json={"model": "sora_2_pro_t2v", "input": [{"params": {"prompt": "defaults"}}]}
    )
    assert response.status_code == 200
    done = poll_until(api, response.json()["id"])
    assert done["output"][0]["content"][0]["duration"] == "4"
    assert done["usage"]["cost"] == "1.200000"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"}, {"Authorization": KEY}],
)
def test_missing_or_malformed_auth_is_401(base_url: str, headers: dict[str, str]) -> None:
    for response in (
        httpx.post(base_url + CREATE, json=body("x"), headers=headers),
        httpx.get(base_url + "/model/v1/generation/task/abcdefghij0123456789", headers=headers),
    ):
        assert response.status_code == 401
        payload = response.json()
        assert payload["status"]["code"] == 401 and payload["data"] is None
        assert "Bearer" in payload["status"]["message"]


def test_valid_keys_are_enforced(tmp_path: Path) -> None:
    sim = Simulator(speed="instant", state_dir=tmp_path, valid_keys={"sk-good-key-123"})
    with sim.serve() as url:
        bad = httpx.post(url + CREATE, json=body("x"), headers={"Authorization": "Bearer sk-wrong-key"})
        good = httpx.post(url + CREATE, json=body("x"), headers={"Authorization": "Bearer sk-good-key-123"})
    sim.close()
    assert bad.status_code == 401 and good.status_code == 200
    assert sim.ledger.created("sk-wrong-key") == 0 and sim.ledger.created("sk-good-key-123") == 1


def test_unknown_task_is_404(api: httpx.Client) -> None:
    response = api.get("/model/v1/generation/task/doesnotexist00000000")
    assert response.status_code == 404
    assert "not found" in response.json()["message"]


def test_another_keys_task_is_404(api: httpx.Client, base_url: str) -> None:
    task_id = api.post(CREATE, json=body("mine only")).json()["id"]
    other = httpx.get(
        f"{base_url}/model/v1/generation/task/{task_id}", headers={"Authorization": "Bearer sk-other"}
    )
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"input": [{"params": {"prompt": "x"}}]}, "model"),
        (body("x", size="1920x1080"), "size"),
        (body("x", seconds="5"), "seconds"),
        (body("   "), "prompt"),
        (body("x", model="sora_2_pro_i2v"), "input_reference"),
        (body("x", input_reference="abc"), "input_reference"),
        (body("x [sim:nonsense]"), "magic word"),
        ([1, 2], "body"),
    ],
)
def test_enums_and_required_fields_are_checked(api: httpx.Client, payload: object, needle: str) -> None:
    response = api.post(CREATE, json=payload)
    assert response.status_code == 400
    assert needle in response.json()["message"]


def test_an_unknown_model_is_not_found_as_a_gateway_says_it(api: httpx.Client) -> None:
    response = api.post(CREATE, json=body("x", model="sora_3"))
    assert response.status_code == 404 and response.json() == {"message": "Model not found: sora_3"}


def test_invalid_json_is_400(api: httpx.Client) -> None:
    response = api.post(CREATE, content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_lifecycle_with_a_fake_clock(tmp_path: Path, clock: FakeClock) -> None:
    sim = Simulator(speed="demo", state_dir=tmp_path, clock=clock)
    with sim.serve() as url, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}) as api:
        task_id = api.post(CREATE, json=body("a slow train through snow")).json()["id"]
        seen = [api.get(f"/model/v1/generation/task/{task_id}").json()]
        assert seen[0]["status"] == "pending" and "progress" not in seen[0]
        for _ in range(40):
            clock.advance(0.5)
            seen.append(api.get(f"/model/v1/generation/task/{task_id}").json())
        sim.wait_rendered(task_id)
        clock.advance(1.0)
        final = api.get(f"/model/v1/generation/task/{task_id}").json()
    sim.close()
    statuses = [s["status"] for s in seen]
    assert "in_progress" in statuses and statuses.index("in_progress") > 0
    progress = [s["progress"] for s in seen if s["status"] == "in_progress"]
    assert progress == sorted(progress), "progress must never go backwards"
    assert len(set(progress)) > 5, "progress must rise"
    steps = [b - a for a, b in itertools.pairwise(progress) if b > a]
    assert max(steps) > min(steps) * 1.3, "progress should be a little irregular"
    assert final["status"] == "completed"
    # demo tasks take 5-15 s by design
    meta = final["metadata"]
    assert 5 <= meta["finished_at"] - meta["submitted_at"] <= 16


def test_result_url_expires_with_403_and_a_poll_refreshes_it(tmp_path: Path, clock: FakeClock) -> None:
    sim = Simulator(speed="instant", state_dir=tmp_path, clock=clock, result_ttl_s=60)
    with sim.serve() as url, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}) as api:
        task_id = api.post(CREATE, json=body("expiring link")).json()["id"]
        sim.wait_rendered(task_id)
        link = api.get(f"/model/v1/generation/task/{task_id}").json()["output"][0]["content"][0]["url"]
        assert httpx.get(link).status_code == 200
        clock.advance(61)
        expired = httpx.get(link)
        assert expired.status_code == 403
        assert "AccessDenied" in expired.text and "expired" in expired.text
        fresh = api.get(f"/model/v1/generation/task/{task_id}").json()["output"][0]["content"][0]["url"]
        assert fresh != link and httpx.get(fresh).status_code == 200
        tampered = fresh.replace("exp=", "exp=9")
        assert httpx.get(tampered).status_code == 403
        assert httpx.get(f"{url}/files/nothing.mp4").status_code == 403
    sim.close()


def test_file_supports_head_and_ranges_for_browsers(api: httpx.Client) -> None:
    done = poll_until(api, api.post(CREATE, json=body("ranges please")).json()["id"])
    link = done["output"][0]["content"][0]["url"]
    head = httpx.head(link)
    assert (
        head.status_code == 200 and head.headers["content-length"] == done["output"][0]["content"][0]["size"]
    )
    part = httpx.get(link, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    assert part.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(
        link, headers={"Origin": "http://127.0.0.1:1", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204 and "Range" in preflight.headers["access-control-allow-headers"]


def test_remix_uses_the_job_id(api: httpx.Client) -> None:
    source = poll_until(api, api.post(CREATE, json=body("a paper boat on a pond")).json()["id"])
    job = source["output"][0]["content"][0]["jobId"]
    remix = poll_until(api, api.post(CREATE, json=body("the boat at night", remix_video_id=job)).json()["id"])
    assert remix["status"] == "completed"
    assert remix["output"][0]["content"][0]["jobId"] != job
    unknown = poll_until(
        api, api.post(CREATE, json=body("nope", remix_video_id="video_unknown")).json()["id"]
    )
    assert unknown["status"] == "failed" and unknown["error"]["code"] == "002999097"
    assert "video_unknown" in unknown["error"]["error_message"]


def test_health_endpoint(base_url: str) -> None:
    info = httpx.get(base_url + "/").json()
    assert info["simulated"] is True and info["speed"] == "instant"


async def test_in_process_behind_asgi_transport(sim: Simulator) -> None:
    async with asgi_client(sim) as client:
        task_id = (await client.post(CREATE, json=body("in process"))).json()["id"]
        sim.wait_rendered(task_id)
        done = (await client.get(f"/model/v1/generation/task/{task_id}")).json()
        link = done["output"][0]["content"][0]["url"]
        assert link.startswith("http://simulator.invalid/files/")
        video = await client.get(link, headers={"Authorization": ""})
        assert video.status_code == 200 and video.content[4:8] == b"ftyp"


def test_instant_progress_follows_the_render(sim: Simulator) -> None:
    task = sim.engine.create(KEY, body("progress follows the render", size="1280x720", seconds="12"))[0]
    seen = []
    while True:
        snap = sim.engine.snapshot(task)
        if snap.status == "completed":
            break
        assert snap.status == "in_progress" and snap.progress is not None
        seen.append(snap.progress)
        time.sleep(0.02)
    assert seen == sorted(seen) and seen[0] < 0.5 and len(set(seen)) > 3


def test_a_restarted_simulator_never_reports_less_progress_than_before(tmp_path: Path) -> None:
    # The durability machine saw 0.1675 then 0.05 on a loaded machine: the restarted simulator's
    # render of the same video started over, and with it the progress it reported.
    first = Simulator(speed="instant", state_dir=tmp_path / "sim")
    task = first.engine.create(KEY, body("a restart mid-render", size="1280x720", seconds="12"))[0]
    before = 0.0
    while before < 0.2:
        snap = first.engine.snapshot(task)
        assert snap.status == "in_progress", "rendered before it could be interrupted"
        before = snap.progress or 0.0
        time.sleep(0.02)
    first.close()  # the render stops, its partial file goes
    again = Simulator(speed="instant", state_dir=tmp_path / "sim")
    try:
        seen = []
        while True:
            snap = again.engine.snapshot(again.engine.get(task.id) or task)
            if snap.status == "completed":
                break
            seen.append(snap.progress or 0.0)
            time.sleep(0.02)
        assert seen and min(seen) >= before and seen == sorted(seen)
        # The render's thread removes the mark just after the file appears (the task is completed
        # from that moment): once the render has returned, the mark is gone (ci44 looked between).
        again.wait_rendered(task.id)
        assert not list((tmp_path / "sim").rglob("*.progress"))
    finally:
        again.close()


async def test_rendering_runs_in_a_worker_thread_not_on_the_event_loop(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import threading

    from sora_widgets.simulator import _renders as engine_module

    seen: list[tuple[str, bool]] = []
    real = engine_module.render_video

    def spy(*args: object, **kwargs: object) -> int:
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        seen.append((threading.current_thread().name, on_loop))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_module, "render_video", spy)
    async with asgi_client(sim) as client:
        task_id = (await client.post(CREATE, json=body("rendered off the loop"))).json()["id"]
        sim.wait_rendered(task_id)
    assert len(seen) == 1
    name, on_loop = seen[0]
    assert name.startswith("sim-render") and not on_loop
