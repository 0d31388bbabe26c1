"""The Studio reads the model list at start and a model's spec only when it is picked (cached),
counted at a simulator served on loopback; the picker says "Loading…" meanwhile and says why
when a spec cannot be read."""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Iterator
from typing import Any

import pytest

from sora_widgets._serve import serve_asgi
from sora_widgets.client import SoraClient
from sora_widgets.errors import InvalidRequestError
from sora_widgets.simulator import Simulator
from sora_widgets.widgets.studio import Studio

from .conftest import browser_sets


@pytest.fixture
def counted(tmp_path: Any) -> Iterator[tuple[Simulator, str, collections.Counter[str]]]:
    """A simulator on loopback behind a counter of the catalog paths asked for."""
    seen: collections.Counter[str] = collections.Counter()
    with Simulator(speed="instant", state_dir=tmp_path / "sim") as sim:

        async def app(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and "/skill/models" in scope["path"]:
                seen["spec" if scope["path"].endswith("/spec") else "list"] += 1
            await sim.app(scope, receive, send)

        with serve_asgi(app, "127.0.0.1", 0, log_level="warning", lifespan="off", what="simulator") as url:
            yield sim, url, seen


async def test_specs_are_read_when_picked_not_at_start(
    counted: tuple[Simulator, str, collections.Counter[str]], tmp_path: Any
) -> None:
    sim, url, seen = counted
    client = SoraClient(connect=url, journal=False, download_dir=tmp_path)
    try:
        studio = Studio(client)
        await asyncio.gather(*studio._background.running)  # the list, read at start
        builder = studio.builder
        assert len(builder.model_choices) == 5 and (seen["list"], seen["spec"]) == (1, 0)

        browser_sets(builder, model="kirin_v2_6_t2v")
        assert (
            builder.model_note == "Loading the parameters of Kirin V2.6 - Text to Video (simulated example)…"
        )
        assert builder.controls == [] and builder.price == ""
        with pytest.raises(InvalidRequestError, match="Loading the parameters"):
            _ = builder.request  # nothing can be sent meanwhile (never the Sora form instead)
        spec = await builder.spec_ready()
        assert spec is not None and spec.model_id == "kirin_v2_6_t2v"
        assert builder.model_note == "kirin_v2_6_t2v" and "duration" in [c["name"] for c in builder.controls]
        assert seen["spec"] == 1

        browser_sets(builder, model="")
        browser_sets(builder, model="kirin_v2_6_t2v")  # picked again: cached
        await builder.spec_ready()
        assert seen["spec"] == 1 and builder.controls

        sim.retire("spark_dance_v2_0")  # gone from the service after the list was read
        browser_sets(builder, model="spark_dance_v2_0")
        assert await builder.spec_ready() is None
        assert builder.model_note.startswith("Could not read the parameters of spark_dance_v2_0: ")
        assert "closest video models it offers" in builder.model_note
        assert "spark_dance_v2_0," not in builder.model_note  # never offered as its own alternative
        with pytest.raises(InvalidRequestError, match="Could not read the parameters of spark_dance_v2_0"):
            _ = builder.request
        assert (seen["list"], seen["spec"]) == (1, 2)
    finally:
        await client.aclose()
