"""The Studio's model picker in JupyterLab, driven with real key presses (headless Chromium).

A non-Sora model from the simulator's catalog is picked with the keyboard, its spec-drawn
controls set, the prompt typed, Generate pressed: the video plays at the model's own size. Then
the model is retired at the service and the next Generate says so in the status bar.
"""

from __future__ import annotations

from typing import Any

import pytest

from ._assert import assert_controls_named, assert_video_plays
from .conftest import NotebookPage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = """\
import sora_widgets as sw
from sora_widgets.simulator import Simulator
sim = Simulator(speed="instant")
client = sw.SoraClient(connect=sim)
studio = sw.Studio(client)
studio
"""
KLING_T2V = "Kirin V2.6 - Text to Video (simulated example)"


def test_pick_a_catalog_model_with_the_keyboard_generate_and_play(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook([SETUP, 'sim.catalog.retire("kirin_v2_6_t2v")'])
    nb.run_one(0)
    studio = nb.output(0)
    studio.locator(".sw-studio-header").wait_for(timeout=60_000)
    keyboard = nb.page.keyboard

    picker = studio.get_by_label("Model", exact=True)
    expect(picker.locator("option")).to_have_count(5, timeout=30_000)  # Sora 2 Pro + 4 examples
    assert picker.locator("option").first.text_content() == "Sora 2 Pro"
    # Pick with the keyboard: focus the picker, arrow down to the Kling-like text-to-video model.
    picker.focus()
    for _ in range(5):
        if picker.evaluate("(s) => s.selectedOptions[0].textContent") == KLING_T2V:
            break
        keyboard.press("ArrowDown")
    expect(picker).to_have_value("kirin_v2_6_t2v", timeout=30_000)

    # Its controls, drawn from its spec: choices, toggles, a slider; the Sora rows are gone.
    ratio = studio.get_by_label("Aspect ratio", exact=True)
    ratio.wait_for(timeout=30_000)
    expect(studio.get_by_text("Orientation", exact=True)).to_be_hidden()
    ratio.focus()
    keyboard.press("9")  # type-ahead: "9:16"
    expect(ratio).to_have_value("9:16")
    sound = studio.get_by_label("Sound", exact=True)
    sound.focus()
    keyboard.press("Space")
    expect(sound).to_be_checked()
    studio.get_by_label("Negative prompt", exact=True).press_sequentially("blur")
    studio.get_by_label("Prompt", exact=True).press_sequentially("A heron lifts off a misty lake")
    price = studio.locator(".sw-pb-price")
    expect(price).to_contain_text("unknown", timeout=30_000)
    assert "$0" not in str(price.text_content())
    expect(studio.locator(".sw-coach-list")).to_be_visible()  # the coach checklist still shows
    nb.screenshot("model-picker-kling-light", target=studio.locator(".sw-pb"))
    assert_controls_named(nb, ".sw-root")

    studio.get_by_role("button", name="Generate").click()
    studio.locator(".sw-strip-tile[data-status='completed']").first.wait_for(timeout=120_000)
    assert_video_plays(nb, studio.locator(".sw-player video"), width=720, height=1280)
    nb.screenshot("model-picker-played-light", target=studio)

    # The service retires the model: the next Generate says so in the status bar, with the
    # closest models it still offers.
    nb.run_one(1)
    # A new prompt: the same request again within a minute would first ask "Generate again".
    studio.get_by_label("Prompt", exact=True).press_sequentially(" at dawn")
    expect(studio.get_by_label("Prompt", exact=True)).to_have_value("A heron lifts off a misty lake at dawn")
    studio.get_by_role("button", name="Generate").click()
    error = studio.locator(".sw-status-error").first
    expect(error).to_contain_text("kirin_v2_6_t2v", timeout=60_000)
    expect(error).to_contain_text("closest video models it offers")
    expect(error).not_to_contain_text("task")  # the service's words about a model, not a task's advice
    nb.screenshot("model-retired-status-light", target=studio.locator(".sw-status").first)
    assert nb.js_errors == []
