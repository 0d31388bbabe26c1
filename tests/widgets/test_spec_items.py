"""The typed-items editor (a Seedance-like ``content`` array): drawn from the spec, rows in the
builder's values, an image item picked, fitted and sent like any image parameter, errors named.

The spec is the simulator's real example (read through a real client); the builder is driven
through the comm messages the browser sends, and the Studio generates on the real simulator.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from sora_widgets.errors import InvalidRequestError
from sora_widgets.models.request import ReferenceImage
from sora_widgets.models.specs import ModelSpec
from sora_widgets.simulator._catalog import bundled_entries
from sora_widgets.widgets._spec_controls import controls_for, image_slots, kept_values, params_of, swap_rows
from sora_widgets.widgets.prompt_builder import PromptBuilder
from sora_widgets.widgets.studio import Studio

from .conftest import RecordingComm, browser_sets, from_browser

DANCE = "spark_dance_v2_0"
# The simulator's own example, as its catalog serves it (for the property test: no event loop).
DANCE_SPEC = ModelSpec.from_wire(next(e for e in bundled_entries() if e.id == DANCE).spec_for("http://sim"))


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
async def specs(client: Any) -> list[ModelSpec]:
    return [await client.model_spec(m.id) for m in await client.models()]


def _dance(specs: list[ModelSpec]) -> ModelSpec:
    return next(s for s in specs if s.model_id == DANCE)


async def test_the_content_array_is_an_items_editor_drawn_from_the_spec(specs: list[ModelSpec]) -> None:
    [items] = [c for c in controls_for(_dance(specs)) if c["name"] == "content"]
    assert items["kind"] == "items" and items["required"] is True and items["max_items"] == 12
    assert items["types"] == ["text", "image_url", "video_url", "audio_url"]
    kinds = {t: [(f["name"], f["kind"]) for f in fields] for t, fields in items["fields"].items()}
    assert kinds["text"] == [("text", "text")]
    assert kinds["image_url"] == [("image_url.url", "image"), ("role", "choice")]
    assert kinds["video_url"][0] == ("video_url.url", "text")
    assert items["takes_prompt"] is True  # the model has no prompt parameter: the box feeds the content
    # Other arrays keep the JSON box.
    others = [c["kind"] for s in specs for c in controls_for(s) if c["name"] == "tags"]
    assert all(kind == "json" for kind in others)


@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["text", "video_url", "audio_url"]), st.text(min_size=1, max_size=12)),
        max_size=6,
    ),
    gap=st.integers(min_value=1, max_value=5),
)
def test_rows_round_trip_to_a_list_in_row_order(rows: list[tuple[str, str]], gap: int) -> None:
    spec, controls = DANCE_SPEC, controls_for(DANCE_SPEC)
    values: dict[str, Any] = {}
    for i, (kind, text) in enumerate(rows):
        row = (len(rows) - i) * gap  # ids in any spacing; order is by id
        field = "text" if kind == "text" else f"{kind}.url"
        values |= {f"content.{row}.type": kind, f"content.{row}.{field}": text, f"content.{row}.stale": "x"}
    sent = params_of(values, {}, controls).get("content", [])
    expected = [{"type": k, ("text" if k == "text" else f"{k}.url"): t} for k, t in reversed(rows)]
    assert sent == expected
    assert kept_values(values, controls) == {k: v for k, v in values.items() if not k.endswith("stale")}
    typed = spec.validate({"content": sent}) if sent else {}
    assert [item["type"] for item in typed.get("content", [])] == [k for k, _ in reversed(rows)]


async def test_an_image_item_is_picked_fitted_and_sent_like_any_image(
    specs: list[ModelSpec], recording_comms: list[RecordingComm]
) -> None:
    builder = PromptBuilder(models=specs)
    browser_sets(builder, model=DANCE, text="A paper boat on a rainy street")
    values = {**builder.values, "ratio": "9:16", "content.0.type": "text", "content.0.text": "slow pan"}
    browser_sets(builder, values={**values, "content.3.type": "image_url", "content.3.role": "first_frame"})
    assert image_slots(builder.controls, builder.values) == ["content.3.image_url.url"]
    from_browser(
        builder, {"type": "upload", "slot": "content.3.image_url.url", "name": "boat.png"}, [_png(300, 200)]
    )
    assert "boat.png → 720x1280" in builder.slots["content.3.image_url.url"]["label"]
    [comm] = [c for c in recording_comms if c.comm_id == builder.comm.comm_id]
    content, buffers = comm.custom("slot_image")[-1]
    assert content["slot"] == "content.3.image_url.url"
    assert Image.open(io.BytesIO(buffers[0])).size == (720, 1280)

    sent = list(dict(builder.request.params or {})["content"])
    assert sent[0] == {"type": "text", "text": "A paper boat on a rainy street"}  # the prompt box first
    assert sent[1] == {"type": "text", "text": "slow pan"}
    assert sent[2]["role"] == "first_frame"
    image = sent[2]["image_url"]["url"]
    assert isinstance(image, ReferenceImage) and (image.width, image.height) == (720, 1280)

    # Removing the row drops its image too.
    browser_sets(builder, values={k: v for k, v in builder.values.items() if not k.startswith("content.3.")})
    assert builder.slots == {}
    assert [i["type"] for i in dict(builder.request.params or {})["content"]] == ["text", "text"]


@given(
    ids=st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=6, unique=True),
    pick=st.data(),
)
def test_trading_two_rows_moves_one_item_and_nothing_else(ids: list[int], pick: st.DataObject) -> None:
    controls = controls_for(DANCE_SPEC)
    values: dict[str, Any] = {"ratio": "16:9", "other.1.text": "not an item"}
    for row in ids:
        values |= {f"content.{row}.type": "text", f"content.{row}.text": f"item {row}"}
    order = sorted(ids)
    at = pick.draw(st.integers(min_value=0, max_value=len(order) - 2))
    a, b = order[at], order[at + 1]
    traded = swap_rows(values, "content", a, b)
    texts = [item["text"] for item in params_of(traded, {}, controls)["content"]]
    expected = [f"item {row}" for row in order]
    expected[at], expected[at + 1] = expected[at + 1], expected[at]
    assert texts == expected  # the item moved one place; the others kept theirs
    assert swap_rows(traded, "content", a, b) == values  # and back
    assert {k: v for k, v in traded.items() if not k.startswith("content.")} == {
        k: v for k, v in values.items() if not k.startswith("content.")
    }


async def test_moving_an_image_item_takes_its_picked_image_with_it(
    specs: list[ModelSpec], recording_comms: list[RecordingComm]
) -> None:
    builder = PromptBuilder(models=specs)
    browser_sets(builder, model=DANCE, text="A paper boat")
    rows = {"content.0.type": "text", "content.0.text": "slow pan", "content.1.type": "image_url"}
    browser_sets(builder, values={**builder.values, **rows, "content.1.role": "first_frame"})
    from_browser(
        builder, {"type": "upload", "slot": "content.1.image_url.url", "name": "boat.png"}, [_png(300, 200)]
    )
    # Move the image up, as the page does: the kernel's message first, then the traded values.
    page = swap_rows(builder.values, "content", 0, 1)
    from_browser(builder, {"type": "move_item", "name": "content", "row": 1, "to": 0})
    assert "boat.png" in builder.slots["content.0.image_url.url"]["label"]
    assert "content.1.image_url.url" not in builder.slots
    browser_sets(builder, values=page)  # the page's copy: the same
    sent = list(dict(builder.request.params or {})["content"])
    assert [i["type"] for i in sent] == ["text", "image_url", "text"]  # the prompt box first
    assert sent[1]["role"] == "first_frame" and isinstance(sent[1]["image_url"]["url"], ReferenceImage)
    assert sent[2] == {"type": "text", "text": "slow pan"}
    [comm] = [c for c in recording_comms if c.comm_id == builder.comm.comm_id]
    assert comm.custom("slot_image")[-1][0]["slot"] == "content.0.image_url.url"  # the preview follows
    from_browser(builder, {"type": "move_item", "name": "images", "row": 0, "to": 1})
    assert "images" in builder.error and "no list of typed items" in builder.error


async def test_an_image_picked_for_a_row_the_kernel_has_not_heard_of_yet_is_kept(
    specs: list[ModelSpec],
) -> None:
    # ci21: the row's state update was held back by ipywidgets while the upload (a custom
    # message) went at once; the kernel had no such picker and the picked image was lost.
    builder = PromptBuilder(models=specs)
    browser_sets(builder, model=DANCE, text="A paper boat")
    page = {
        **builder.values,
        "content.0.type": "text",
        "content.0.text": "rain",
        "content.1.type": "image_url",
    }
    slot = "content.1.image_url.url"
    from_browser(
        builder,
        {"type": "upload", "slot": slot, "name": "boat.png", "form": {"values": page}},
        [_png(300, 200)],
    )
    assert "boat.png" in builder.slots[slot]["label"] and builder.error == ""
    browser_sets(builder, values=page)  # the held-back update, arriving late: nothing lost
    assert "boat.png" in builder.slots[slot]["label"]


async def test_a_form_built_on_the_model_before_keeps_only_what_the_picked_model_draws(
    specs: list[ModelSpec],
) -> None:
    # ci8: arrowing through the models on a loaded machine, the page's form reached the kernel
    # with the Vidu-like model's values (aspect_ratio) under the Seedance-like model picked by
    # then; Generate was refused ("aspect_ratio is not a parameter of this model").
    builder = PromptBuilder(models=specs)
    browser_sets(builder, model=DANCE, text="A paper boat")
    assert builder.values["ratio"] == "16:9"  # the model's own defaults
    stale = {"aspect_ratio": "16:9", "duration": 5, "content.0.type": "text", "content.0.text": "rain"}
    from_browser(builder, {"type": "form", "view": "v1", "seq": 1, "form": {"model": DANCE, "values": stale}})
    assert "aspect_ratio" not in builder.values
    assert builder.values["content.0.text"] == "rain" and builder.values["duration"] == 5
    assert builder.problem == ""
    assert [i["type"] for i in dict(builder.request.params or {})["content"]] == ["text", "text"]


async def test_an_invalid_item_names_its_position_and_field(specs: list[ModelSpec]) -> None:
    builder = PromptBuilder(models=specs)
    browser_sets(builder, model=DANCE, text="A kite")
    rows = {"content.0.type": "text", "content.0.text": "x", "content.1.type": "image_url"}
    browser_sets(builder, values={**builder.values, **rows})
    with pytest.raises(
        InvalidRequestError,
        match=r"content\[2\]\.image_url\.url is required \(the item's type is image_url\)",
    ):
        _ = builder.request
    browser_sets(builder, values={**builder.values, "content.1.type": "text"})
    with pytest.raises(InvalidRequestError, match=r"content\[2\]\.text is required"):
        _ = builder.request
    browser_sets(
        builder, text="", values={k: v for k, v in builder.values.items() if not k.startswith("content.")}
    )
    with pytest.raises(InvalidRequestError, match=r"content is required"):  # the one validator's words
        _ = builder.request
    many = {f"content.{i}.type": "text" for i in range(13)} | {f"content.{i}.text": "t" for i in range(13)}
    browser_sets(builder, values={**builder.values, **many})
    with pytest.raises(InvalidRequestError, match=r"content has 13 items; at most 12"):
        _ = builder.request


async def test_the_studio_generates_with_typed_items(client: Any) -> None:
    studio = Studio(client)
    await studio.load_models()
    builder = studio.builder
    browser_sets(builder, model=DANCE)
    await builder.spec_ready()
    from_browser(
        builder, {"type": "upload", "slot": "content.1.image_url.url", "name": "a.png"}, [_png(64, 48)]
    )
    assert builder.error  # no such row yet: refused, nothing sent
    rows = {"content.0.type": "text", "content.0.text": "A lantern", "content.1.type": "image_url"}
    browser_sets(builder, values={**builder.values, "ratio": "16:9", **rows})
    from_browser(
        builder, {"type": "upload", "slot": "content.1.image_url.url", "name": "a.png"}, [_png(64, 48)]
    )
    from_browser(builder, {"type": "submit", "form": {"model": DANCE, "text": "", "values": builder.values}})
    assert builder.error == ""
    await asyncio.gather(*studio.running)
    video = studio.last
    assert video is not None and (video.model, video.size) == (DANCE, "1280x720")


async def test_a_local_file_inside_an_item_is_loaded_like_any_image(
    specs: list[ModelSpec], tmp_path: Any
) -> None:
    # From code, as a person writes it: a path inside the item. It used to go out as the path.
    from sora_widgets.client._requests import catalog_request

    spec = next(s for s in specs if s.model_id == DANCE)
    picture = tmp_path / "first.png"
    picture.write_bytes(_png(64, 48))
    content = [
        {"type": "text", "text": "A lantern"},
        {"type": "image_url", "image_url": {"url": str(picture)}, "role": "first_frame"},
        {"type": "image_url", "image_url": {"url": "https://example.org/a.png"}},
    ]
    request = catalog_request(spec, {"content": content, "ratio": "16:9"}, endpoint=spec.endpoint)
    sent = request.params["content"]
    assert isinstance(sent[1]["image_url"]["url"], ReferenceImage)
    assert sent[1]["image_url"]["url"].size == "64x48" and sent[1]["role"] == "first_frame"
    assert sent[2]["image_url"]["url"] == "https://example.org/a.png"  # a URL is kept
    assert sent[0] == {"type": "text", "text": "A lantern"}
    assert content[1]["image_url"]["url"] == str(picture)  # the caller's list is not changed
