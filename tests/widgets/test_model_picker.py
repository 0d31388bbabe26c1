"""The model picker: any catalog model's controls drawn from its spec, switching, price, Generate.

The specs are the simulator's real catalog (read through a real client) or written here as wire
data; the builder is driven through the same comm messages the browser sends.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest
from PIL import Image

from sora_widgets.errors import InvalidRequestError
from sora_widgets.models.prices import PriceTable
from sora_widgets.models.specs import ModelSpec
from sora_widgets.widgets._spec_controls import controls_for
from sora_widgets.widgets.prompt_builder import PromptBuilder
from sora_widgets.widgets.studio import Studio

from .conftest import RecordingComm, browser_sets, from_browser

# One parameter of every type and constraint the catalog describes.
EVERY_TYPE = ModelSpec.from_wire(
    {
        "model_id": "every_type_v1",
        "name": "Every type",
        "parameters": [
            {"name": "prompt", "type": "string", "required": True},
            {"name": "image", "type": "string", "required": True},
            {"name": "image_tail", "type": "string"},
            {"name": "mode", "type": "string", "constraints": {"enum": ["std", "pro"], "default": "std"}},
            {"name": "duration", "type": "int", "constraints": {"min": 1, "max": 16, "default": 5}},
            {"name": "seed", "type": "int", "constraints": {"min": 0, "max": 2147483647}},
            {"name": "cfg_scale", "type": "float", "constraints": {"min": 0, "max": 1}},
            {"name": "sound", "type": "bool", "constraints": {"default": False}},
            {"name": "negative_prompt", "type": "string", "constraints": {"max_length": 200}},
            {"name": "tags", "type": "array[string]"},
            {
                "name": "camera_control",
                "type": "object",
                "children": [
                    {
                        "name": "type",
                        "type": "string",
                        "required": True,
                        "constraints": {"enum": ["simple", "up"]},
                    },
                    {"name": "config", "type": "object", "children": [{"name": "zoom", "type": "number"}]},
                ],
            },
        ],
    }
)


def _png(width: int, height: int, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
async def specs(client: Any) -> list[ModelSpec]:
    """The simulator's catalog, read as the Studio reads it."""
    return [await client.model_spec(m.id) for m in await client.models()]


def test_every_parameter_type_has_its_control() -> None:
    controls = {c["name"]: c for c in controls_for(EVERY_TYPE)}
    kinds = {name: c["kind"] for name, c in controls.items()}
    assert kinds == {
        "image": "image",
        "image_tail": "image",
        "mode": "choice",
        "duration": "slider",  # a range with a default
        "seed": "number",  # too wide for a slider
        "cfg_scale": "number",  # no default: empty until typed, so nothing is sent
        "sound": "toggle",
        "negative_prompt": "text",
        "tags": "json",
        "camera_control.type": "choice",
        "camera_control.config.zoom": "number",
    }
    assert "prompt" not in controls  # the builder's own prompt box
    assert (controls["image"]["label"], controls["image_tail"]["label"]) == ("First frame", "Last frame")
    assert controls["mode"]["options"] == ["std", "pro"]
    assert (controls["duration"]["min"], controls["duration"]["max"], controls["duration"]["step"]) == (
        1,
        16,
        1,
    )
    assert controls["negative_prompt"]["max_length"] == 200
    assert controls["camera_control.type"]["required"]


def test_an_image_array_of_two_is_a_first_and_last_frame_pair(specs: list[ModelSpec]) -> None:
    vidu = next(s for s in specs if s.model_id == "viduq3_pro_start_end2video")
    pickers = [(c["name"], c["label"]) for c in controls_for(vidu) if c["kind"] == "image"]
    assert pickers == [("images.0", "First frame"), ("images.1", "Last frame")]


async def test_the_picker_offers_sora_first_then_the_catalog_in_order(specs: list[ModelSpec]) -> None:
    builder = PromptBuilder(models=specs)
    ids = [c["id"] for c in builder.model_choices]
    others = [s.model_id for s in specs if not s.model_id.startswith("sora_")]
    assert ids == ["", *others]
    assert builder.model_choices[0]["label"] == "Sora 2 Pro"
    assert builder.controls == [] and builder.spec is None
    with pytest.raises(Exception, match="not offered"):
        builder.model = "no_such_model"


async def test_picking_a_model_draws_its_controls_and_builds_its_request(specs: list[ModelSpec]) -> None:
    builder = PromptBuilder(models=specs)
    browser_sets(builder, model="kirin_v2_6_t2v", text="A red kite over a beach at dusk")
    assert {c["name"] for c in builder.controls} >= {
        "duration",
        "aspect_ratio",
        "sound",
        "camera_control.type",
    }
    assert builder.values["duration"] == 5  # the spec's defaults are shown and sent
    browser_sets(builder, values={**builder.values, "duration": "10", "aspect_ratio": "9:16", "sound": True})
    request = builder.request
    assert request.model == "kirin_v2_6_t2v"
    assert dict(request.params or {})["duration"] == 10  # typed as the spec declares
    assert dict(request.params or {})["sound"] is True
    assert (request.size, request.seconds) == ("720x1280", 10)
    assert request.prompt == "A red kite over a beach at dusk"
    assert builder.coach, "the coach checklist still runs on the prompt"


async def test_switching_models_keeps_what_still_applies(specs: list[ModelSpec]) -> None:
    builder = PromptBuilder(models=specs)
    builder.text = "A lighthouse in fog"
    builder.model = "kirin_v2_6_t2v"
    builder.values = {**builder.values, "aspect_ratio": "9:16", "duration": "10", "mode": "pro"}
    builder.model = "viduq3_pro_start_end2video"
    kept = builder.values
    assert kept["aspect_ratio"] == "9:16" and kept["duration"] == "10"  # same names, still valid
    assert "mode" not in kept  # Vidu has no mode
    builder.set_image(_png(64, 48), slot="images.0")
    builder.model = "kirin_v2_6_i2v"
    assert "images.0" not in builder.slots  # Kling's pickers are image / image_tail
    assert builder.values["duration"] == "10"  # in Kling's enum (5, 10)
    builder.model = ""
    assert builder.text == "A lighthouse in fog" and builder.controls == []
    assert builder.request.model == "sora_2_pro_t2v"


async def test_a_choice_value_the_new_model_does_not_offer_is_dropped(specs: list[ModelSpec]) -> None:
    builder = PromptBuilder(models=specs)
    builder.model = "viduq3_pro_start_end2video"
    builder.values = {**builder.values, "duration": 7}
    builder.model = "kirin_v2_6_t2v"
    assert builder.values["duration"] == 5  # 7 is not in (5, 10): the default again


async def test_price_is_unknown_never_zero_until_the_user_prices_the_model(specs: list[ModelSpec]) -> None:
    prices = PriceTable()
    builder = PromptBuilder(models=specs, prices=prices)
    builder.model = "kirin_v2_6_t2v"
    assert builder.price.startswith("unknown")
    assert "$0" not in builder.price
    prices.set("kirin_v2_6_t2v", per_second="0.10")
    builder.values = {**builder.values, "duration": "10"}
    assert builder.price.startswith("$1.00")
    builder.model = ""
    assert builder.price.startswith("$1.20  ·  4 s × $0.30/s")  # the Sora line as before


async def test_image_pickers_fit_to_the_model_size_and_preview(
    specs: list[ModelSpec], recording_comms: list[RecordingComm]
) -> None:
    builder = PromptBuilder(models=specs)
    builder.model = "viduq3_pro_start_end2video"
    builder.values = {**builder.values, "aspect_ratio": "9:16"}
    from_browser(builder, {"type": "upload", "slot": "images.1", "name": "end.png"}, [_png(300, 200)])
    assert "end.png → 720x1280" in builder.slots["images.1"]["label"]
    [comm] = [c for c in recording_comms if c.comm_id == builder.comm.comm_id]
    content, buffers = comm.custom("slot_image")[-1]
    assert content["slot"] == "images.1"
    assert Image.open(io.BytesIO(buffers[0])).size == (720, 1280)
    builder.text = "A kite rises"
    assert "images" in builder.problem or builder.problem == ""  # a lone last frame is the service's call
    from_browser(builder, {"type": "clear_image", "slot": "images.1"})
    assert builder.slots == {}
    with pytest.raises(InvalidRequestError, match=r"image_tail.*images\.0, images\.1"):
        builder.set_image(_png(10, 10), slot="image_tail")


async def test_an_image_picked_for_a_square_aspect_ratio_is_fitted_square(
    specs: list[ModelSpec], recording_comms: list[RecordingComm]
) -> None:
    builder = PromptBuilder(models=specs)
    builder.model = "viduq3_pro_start_end2video"
    builder.values = {**builder.values, "aspect_ratio": "1:1"}
    from_browser(builder, {"type": "upload", "slot": "images.0", "name": "start.png"}, [_png(300, 200)])
    assert builder.error == ""
    assert "start.png → 720x720" in builder.slots["images.0"]["label"]
    builder.values = {**builder.values, "aspect_ratio": "16:9"}  # refitted when the shape changes
    assert "start.png → 1280x720" in builder.slots["images.0"]["label"]


async def test_values_from_the_page_are_plain_scalars_only(specs: list[ModelSpec]) -> None:
    builder = PromptBuilder(models=specs)
    browser_sets(builder, model="kirin_v2_6_t2v")
    browser_sets(builder, values={"mode": "pro", "evil": {"nested": [1]}})
    assert builder.values["mode"] == "pro"
    assert "evil" not in builder.values


async def test_the_studio_picker_generates_with_a_catalog_model(client: Any) -> None:
    studio = Studio(client)
    await studio.load_models()
    builder = studio.builder
    assert "kirin_v2_6_t2v" in [c["id"] for c in builder.model_choices]
    browser_sets(builder, model="kirin_v2_6_t2v")  # picked: its spec is read now
    await builder.spec_ready()
    form = {
        "model": "kirin_v2_6_t2v",
        "text": "A heron over a misty lake",
        "values": {"aspect_ratio": "9:16", "duration": "5"},
    }
    from_browser(builder, {"type": "submit", "form": form})
    assert builder.error == ""
    await asyncio.gather(*studio.running)
    video = studio.last
    assert video is not None
    assert (video.model, video.size, video.seconds) == ("kirin_v2_6_t2v", "720x1280", 5)
    assert video.cost is None or video.cost >= 0


async def test_a_retired_model_says_so_in_the_status_bar_and_names_the_alternatives(client: Any) -> None:
    studio = Studio(client)
    await studio.load_models()
    studio.builder.model = "kirin_v2_6_t2v"
    await studio.builder.spec_ready()
    studio.builder.text = "A fox in snow"
    client.simulator.catalog.retire("kirin_v2_6_t2v")
    created = client.simulator.ledger.total_created
    job = studio.generate()
    with pytest.raises(Exception, match="kirin_v2_6_t2v"):
        await job
    [bar] = studio.status_bars
    assert "kirin_v2_6_t2v" in bar.error_message
    assert "closest video models it offers" in bar.error_message
    # Only the service's own words about the model, never the client's wording for a lost task.
    assert 'answered by the service with "Model not found: kirin_v2_6_t2v"' in bar.error_message
    assert "task" not in bar.error_message.lower() and "base url" not in bar.error_message.lower()
    assert "Nothing was created or billed" in bar.error_message
    assert client.simulator.ledger.total_created == created
