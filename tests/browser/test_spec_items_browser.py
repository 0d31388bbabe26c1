"""The typed-items editor in JupyterLab, with real key presses (headless Chromium).

The Seedance-like example takes a ``content`` array of typed items: a text item is added and
typed into, an image item added and its file picked (fitted and previewed as sent), moved above
the text with the keyboard (its image goes with it), Generate pressed, the items sent in the order
shown, and the video plays at the size its ratio asks for.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from ._assert import assert_controls_named, assert_video_plays
from .conftest import NotebookPage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = """\
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="instant"))
studio = sw.Studio(client)
studio
"""
REPORT = """\
import json
content = studio.builder.request.params["content"]
print(json.dumps([{k: (v if k != "image_url" else "image") for k, v in item.items()} for item in content]))
"""


def test_typed_items_text_and_image_then_generate(open_notebook: Any, tmp_path: Path) -> None:
    photo = tmp_path / "boat.png"
    Image.new("RGB", (400, 300), "teal").save(photo, "PNG")
    nb: NotebookPage = open_notebook([SETUP, REPORT])
    nb.run_one(0)
    studio = nb.output(0)
    studio.locator(".sw-studio-header").wait_for(timeout=60_000)
    keyboard = nb.page.keyboard

    picker = studio.get_by_label("Model", exact=True)
    expect(picker.locator("option[value='spark_dance_v2_0']")).to_have_count(1, timeout=30_000)
    picker.focus()
    for _ in range(6):
        if picker.input_value() == "spark_dance_v2_0":
            break
        keyboard.press("ArrowDown")
    expect(picker).to_have_value("spark_dance_v2_0", timeout=10_000)

    # A text item: "Add item" with the type chosen, then typed into.
    add = studio.get_by_role("button", name="Add item", exact=True)
    add.wait_for(timeout=10_000)
    expect(studio.get_by_text("The prompt box is sent first, as a text item")).to_be_visible()
    add.focus()
    keyboard.press("Enter")
    text = studio.get_by_label("Item 1 text", exact=True)
    text.press_sequentially("A paper boat drifts down a rainy street")
    expect(text).to_have_value("A paper boat drifts down a rainy street")

    # An image item: choose its type with the keyboard, add it, pick the file.
    kind = studio.get_by_label("New item type", exact=True)
    kind.focus()
    keyboard.press("i")  # type-ahead: "image_url"
    expect(kind).to_have_value("image_url")
    add.focus()
    keyboard.press("Enter")
    expect(studio.get_by_label("Item 2 type", exact=True)).to_have_value("image_url", timeout=10_000)
    # Picked at once, as ci7 did under load (the rows then met the kernel's older values: kept now).
    studio.get_by_label("Item 2 image *", exact=True).set_input_files(str(photo))
    # A locator, not a handle: the check reads whichever <img> the row holds when the bytes come.
    preview = studio.get_by_role("img", name="Item 2 image as it will be sent")
    expect(preview).to_have_js_property("naturalWidth", 1280, timeout=30_000)
    expect(preview).to_have_js_property("naturalHeight", 720)
    role = studio.get_by_label("Item 2 role", exact=True)
    role.focus()
    keyboard.press("f")  # "first_frame"
    expect(role).to_have_value("first_frame")
    # The text item survives the image row being added and painted.
    expect(text).to_have_value("A paper boat drifts down a rainy street")
    assert_controls_named(nb, ".sw-root")
    nb.screenshot("typed-items-light", target=studio.locator(".sw-pb"))

    # Move the image above the text, from the keyboard: its picture and role go with it, and the
    # keyboard stays on the item (at the top now, so on its "down" button).
    studio.get_by_role("button", name="Move item 2 up", exact=True).focus()
    keyboard.press("Enter")
    expect(studio.get_by_label("Item 1 type", exact=True)).to_have_value("image_url", timeout=10_000)
    expect(studio.get_by_label("Item 1 role", exact=True)).to_have_value("first_frame")
    text = studio.get_by_label("Item 2 text", exact=True)
    expect(text).to_have_value("A paper boat drifts down a rainy street")
    expect(studio.get_by_role("button", name="Move item 1 down", exact=True)).to_be_focused()
    moved = studio.get_by_role("img", name="Item 1 image as it will be sent")
    expect(moved).to_have_js_property("naturalWidth", 1280, timeout=30_000)
    nb.screenshot("typed-items-moved", target=studio.locator(".sw-pb"))

    studio.get_by_role("button", name="Generate").click()
    studio.locator(".sw-strip-tile[data-status='completed']").first.wait_for(timeout=120_000)
    assert_video_plays(nb, studio.locator(".sw-player video"), width=1280, height=720)
    assert nb.js_errors == []
    nb.run_one(1)
    sent = json.loads(str(nb.output(1).locator(".jp-OutputArea-output").last.text_content()))
    assert sent == [  # in the order shown (the prompt box is empty: no item of its own)
        {"type": "image_url", "image_url": "image", "role": "first_frame"},
        {"type": "text", "text": "A paper boat drifts down a rainy street"},
    ]

    # Remove the image row: the text row stays, the image picker goes.
    studio.get_by_role("button", name="Remove item 1", exact=True).click()
    expect(studio.get_by_label("Item 2 type", exact=True)).to_have_count(0, timeout=10_000)
    expect(studio.get_by_label("Item 1 text", exact=True)).to_have_value(
        "A paper boat drifts down a rainy street"
    )
