"""The client reads the account's model catalog and makes videos with any model it describes.

Against the in-process simulator (its catalog, its example models, its "model not found");
``httpx.MockTransport`` only where a fault or a header must be seen.
"""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

import sora_widgets as sw
from sora_widgets.client._catalog import Catalog, endpoint_path
from sora_widgets.errors import InvalidRequestError, MalformedResponse, ModelUnavailableError
from sora_widgets.journal import Journal
from sora_widgets.simulator import Simulator
from sora_widgets.transport import Transport


@pytest.fixture
def sim() -> Simulator:
    return Simulator(speed="instant")


@pytest.fixture
async def client(sim: Simulator, tmp_path: Path) -> AsyncIterator[sw.SoraClient]:
    journal = Journal(tmp_path / "journal.sqlite3")
    c = sw.SoraClient(connect=sim, journal=journal, download_dir=tmp_path / "videos")
    yield c
    await c.aclose()
    journal.close()


async def test_models_reads_every_page_and_is_cached(sim: Simulator) -> None:
    transport = Transport("http://simulator.invalid", "simulator", app=sim.app)
    one_page = await Catalog(transport, base_url="http://simulator.invalid").models()
    paged = Catalog(transport, base_url="http://simulator.invalid", page_size=2)
    many_pages = await paged.models()
    assert len(one_page) >= 5 and many_pages == one_page  # 2 per page: three pages and more
    assert {"sora_2_pro_t2v", "kirin_v2_6_t2v"} <= {m.id for m in many_pages}
    sim.retire("kirin_v2_6_t2v")
    assert "kirin_v2_6_t2v" in {m.id for m in await paged.models()}  # cached
    assert "kirin_v2_6_t2v" not in {m.id for m in await paged.models(refresh=True)}
    await transport.aclose()


async def test_model_spec_and_its_blocking_twin(client: sw.SoraClient) -> None:
    spec = await client.model_spec("kirin_v2_6_t2v")
    assert isinstance(spec, sw.ModelSpec) and spec.model_id == "kirin_v2_6_t2v"
    assert await client.model_spec("kirin_v2_6_t2v") is spec  # cached
    assert {"prompt", "duration", "sound", "camera_control"} <= {p.name for p in spec.parameters}
    assert all(isinstance(p, sw.ModelParam) for p in spec.parameters)


async def test_an_unknown_model_names_the_closest_and_sends_nothing(
    client: sw.SoraClient, sim: Simulator
) -> None:
    with pytest.raises(ModelUnavailableError) as caught:
        await client.create(model="kirin_v2_6_t2vv", prompt="A fox in snow")
    assert caught.value.alternatives[0] == "kirin_v2_6_t2v"
    assert "kirin_v2_6_t2v" in str(caught.value) and "Nothing was sent" in str(caught.value)
    assert client.history.entries() == []  # nothing journaled, so nothing sent


async def test_a_retired_sora_model_is_unavailable_naming_the_video_models_offered(
    client: sw.SoraClient, sim: Simulator
) -> None:
    sim.retire("sora")
    with pytest.raises(ModelUnavailableError) as caught:
        await client.generate(prompt="A kite over a beach at dusk", seconds=4)
    assert "not found" in str(caught.value)
    assert caught.value.alternatives and not any(a.startswith("sora") for a in caught.value.alternatives)
    # Now the catalog has been read: the next create is refused before anything is sent.
    entries = len(client.history.entries())
    with pytest.raises(ModelUnavailableError):
        await client.create(prompt="A kite", model="sora_2_pro_t2v")
    assert len(client.history.entries()) == entries


async def test_a_non_sora_model_end_to_end(client: sw.SoraClient) -> None:
    video = await client.generate(
        model="kirin_v2_6_t2v",
        prompt="A fox runs through fresh snow at dawn",
        duration="10",
        sound="true",
        aspect_ratio="9:16",
        **{"camera_control.type": "simple"},
    )
    assert (video.model, video.seconds, video.size) == ("kirin_v2_6_t2v", 10, "720x1280")
    assert video.path is not None and video.path.read_bytes()[4:8] == b"ftyp"
    sent = client.history.entries()[0].request["params"]
    # typed as the spec declares: an integer, a boolean, a nested object
    assert sent["duration"] == 10 and sent["sound"] is True and sent["camera_control"] == {"type": "simple"}


async def test_a_model_at_its_own_endpoint_with_an_image_list(client: sw.SoraClient, tmp_path: Path) -> None:
    spec = await client.model_spec("viduq3_pro_start_end2video")
    assert endpoint_path(spec.endpoint, client.base_url) != "/model/v1/generation"
    first = tmp_path / "first.png"
    Image.new("RGB", (64, 36), "red").save(first)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), "blue").save(buffer, "PNG")
    video = await client.generate(
        model="viduq3_pro_start_end2video",
        prompt="The red card turns blue",
        images=[first, buffer.getvalue()],
    )
    assert video.model == "viduq3_pro_start_end2video" and video.path is not None
    described = client.history.entries()[0].request["params"]["images"]
    assert [d["kind"] for d in described] == ["inline", "inline"]  # the journal keeps no image bytes


async def test_misspelt_and_mistyped_parameters_are_refused_before_sending(client: sw.SoraClient) -> None:
    with pytest.raises(InvalidRequestError, match="did you mean 'duration'"):
        await client.create(model="kirin_v2_6_t2v", prompt="A fox", durration=5)
    with pytest.raises(InvalidRequestError, match="duration=7 is not allowed"):
        await client.create(model="kirin_v2_6_t2v", prompt="A fox", duration=7)
    with pytest.raises(InvalidRequestError, match="unknown request field"):
        await client.create(prompt="A fox", duration=5)
    assert client.history.entries() == []


def test_an_endpoint_on_another_host_never_gets_the_key() -> None:
    base = "https://gateway.example"
    assert endpoint_path("https://cloud.vtrix.ai/model/v2/generation", base) == "/model/v2/generation"
    assert endpoint_path("https://gateway.example/x/gen", base) == "/x/gen"
    assert endpoint_path("/model/v1/generation", base) == "/model/v1/generation"
    assert endpoint_path("", base) == "/model/v1/generation"
    with pytest.raises(InvalidRequestError, match="only sent to the base URL"):
        endpoint_path("https://evil.example/model/v1/generation", base)


# -- the wire, seen through a spy or a fault ----------------------------------------------------


def _spy(answers: dict[str, Any], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = answers.get(request.url.path)
        if body is None:
            return httpx.Response(404, json={"message": "no such path"})
        if isinstance(body, Exception):
            raise body
        return httpx.Response(200, content=json.dumps(body).encode())

    return httpx.MockTransport(handle)


def _envelope(data: Any, code: int = 0) -> dict[str, Any]:
    return {"data": data, "status": {"code": code, "message": "ok"}}


async def test_catalog_calls_carry_no_key_and_go_to_models_url(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    listing = {"models": [{"id": "m1", "type": "video"}], "total": 1, "page": 1, "total_pages": 1}
    transport = _spy({"/cat/api/v1/skill/models": _envelope(listing)}, seen)
    key = "vx-" + "CatalogNoKey0123456789"
    client = sw.SoraClient(
        key,
        connect=sw.Service(
            "https://api.example", models_url="https://models.example/cat", transport=transport
        ),
        journal=False,
    )
    assert [m.id for m in await client.models()] == ["m1"]
    assert seen[0].url.host == "models.example" and "authorization" not in seen[0].headers
    await client.aclose()


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (_envelope(None), MalformedResponse),
        ({"data": {"models": "x"}, "status": {"code": 200}}, MalformedResponse),
        (_envelope({}, code=500), sw.APIError),
    ],
)
async def test_a_bad_catalog_answer_is_a_clear_error(answer: Any, error: type[Exception]) -> None:
    transport = _spy({"/api/v1/skill/models": answer}, [])
    client = sw.SoraClient(
        "vx-" + "CatalogBad0123456789",
        connect=sw.Service("https://api.example", transport=transport),
        journal=False,
    )
    with pytest.raises(error):
        await client.models()
    await client.aclose()


async def test_without_a_catalog_the_bundled_specs_stand_in() -> None:
    transport = _spy({"/api/v1/skill/models": httpx.ConnectError("down")}, [])
    client = sw.SoraClient(
        "vx-" + "CatalogOff0123456789",
        connect=sw.Service("https://api.example", transport=transport),
        journal=False,
    )
    assert [m.id for m in await client.models()] == ["sora_2_pro_t2v", "sora_2_pro_i2v"]
    assert (await client.model_spec("sora_2_pro_i2v")).requires_image
    with pytest.raises(ModelUnavailableError, match="sora_2_pro_t2v"):
        await client.model_spec("kirin_v2_6_t2v")
    await client.aclose()


def test_the_blocking_twins(sim: Simulator, tmp_path: Path) -> None:
    client = sw.SoraClient(connect=sim, journal=False, download_dir=tmp_path)
    assert "kirin_v2_6_t2v" in {m.id for m in client.models_sync()}
    assert client.model_spec_sync("sora_2_pro_t2v").lengths == (4, 8, 12)
    client.close()


def test_prices_unknown_is_never_zero() -> None:
    table = sw.PriceTable()
    assert table.estimate("kirin_v2_6_t2v", 5) is None
    table.set("kirin_v2_6_t2v", per_second="0.10", per_video=1)
    assert str(table.estimate("kirin_v2_6_t2v", 5)) == "1.50"
    assert str(table.estimate("sora_2_pro_t2v", 12)) == "3.60"
    with pytest.raises(InvalidRequestError):
        table.set("x", per_second="-1")
    request = sw.VideoRequest(
        prompt="x", model="kirin_v2_6_t2v", params={"prompt": "x"}, size="1280x720", seconds=5
    )
    assert request.estimated_cost is None


def test_the_repr_names_the_built_in_simulator_not_its_placeholder_url(sim: Simulator) -> None:
    client = sw.SoraClient(connect=sim, journal=False)
    assert repr(client) == "SoraClient(simulated: the built-in simulator)"
    client.close()


class _RecordingASGI(httpx.ASGITransport):
    """The simulator in process, noting every path asked for (to see where polls go)."""

    def __init__(self, app: Any) -> None:
        super().__init__(app=app)
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await super().handle_async_request(request)


async def test_after_a_restart_a_task_is_polled_at_its_model_endpoint(sim: Simulator, tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    image = io.BytesIO()
    Image.new("RGB", (64, 36), "red").save(image, "PNG")
    first = sw.SoraClient(
        connect=sw.Service("http://simulator.invalid", transport=_RecordingASGI(sim.app)), journal=journal
    )
    task = await first.create(
        model="viduq3_pro_start_end2video", prompt="A red card", images=[image.getvalue()]
    )
    await first.aclose()
    spy = _RecordingASGI(sim.app)
    again = sw.SoraClient(
        connect=sw.Service("http://simulator.invalid", transport=spy),
        journal=journal,
        download_dir=tmp_path / "v",
    )
    video = await again.wait(task.id)  # a new client: only the journal knows the endpoint
    assert video.model == "viduq3_pro_start_end2video"
    polls = [p for p in spy.paths if "/task/" in p]
    assert polls and all(p.startswith("/model/v2/generation/task/") for p in polls)
    await again.aclose()
    journal.close()
