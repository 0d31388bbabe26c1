"""The simulator fetches an http(s) ``input_reference`` only when told to (issue 23).

In a class rehearsal it is the gateway's upstream; fetching any URL a student sends would make
the teacher's machine a port scanner of its own network. A real loopback server stands for
that network and counts every request that reaches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sora_widgets._serve import serve_asgi
from sora_widgets.simulator import Simulator
from sora_widgets.simulator.__main__ import build_parser

from .conftest import CREATE, KEY, body, png_bytes, poll_until


@pytest.fixture(scope="module")
def network() -> Iterator[tuple[str, list[str]]]:
    """A server on the 'teacher's network' serving a valid 1280x720 PNG; its hits are listed."""
    hits: list[str] = []
    picture = png_bytes(1280, 720)

    async def image(request: Request) -> Response:
        hits.append(request.url.path)
        return Response(picture, media_type="image/png")

    app = Starlette(routes=[Route("/{path:path}", image)])
    with serve_asgi(app, lifespan="off", what="network") as url:
        yield url, hits


def create_with_url(sim: Simulator, url: str) -> dict[str, object]:
    with sim.serve() as base, httpx.Client(base_url=base, headers={"Authorization": f"Bearer {KEY}"}) as api:
        made = api.post(
            CREATE, json=body("A boat", model="sora_2_pro_i2v", size="1280x720", input_reference=url)
        )
        assert made.status_code == 200, made.text
        return poll_until(api, made.json()["id"])


@pytest.mark.parametrize("path", ["/admin/secret.png", "/:22"])
def test_by_default_no_url_is_fetched(tmp_path: Path, network: tuple[str, list[str]], path: str) -> None:
    url, hits = network
    before = len(hits)
    sim = Simulator(speed="instant", state_dir=tmp_path / "sim")
    try:
        done = create_with_url(sim, url + path)
    finally:
        sim.close()
    assert len(hits) == before
    assert done["status"] == "failed"
    assert "fetches no input_reference URL" in str(done["error"]) and "--fetch-urls" in str(done["error"])


def test_fetching_is_an_explicit_option(tmp_path: Path, network: tuple[str, list[str]]) -> None:
    url, hits = network
    before = len(hits)
    sim = Simulator(speed="instant", state_dir=tmp_path / "sim", fetch_urls=True)
    try:
        done = create_with_url(sim, url + "/boat.png")
    finally:
        sim.close()
    assert hits[before:] == ["/boat.png"]
    assert done["status"] == "completed"
    assert build_parser().parse_args(["--fetch-urls"]).fetch_urls is True
    assert build_parser().parse_args([]).fetch_urls is False
