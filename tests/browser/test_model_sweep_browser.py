"""The Prompt Lab's sweep over models in JupyterLab, with real key presses (headless Chromium).

The same prompt on three models of the simulator's catalog: the model ids are typed into the
lab's "Models to compare" box, Run is pressed, each card shows its model, its price (or
"unknown") and how long it ran, and the three videos, each of its own model's length, play side
by side in sync.
"""

from __future__ import annotations

from typing import Any

import pytest

from ._assert import assert_video_plays
from .conftest import NotebookPage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = """\
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="instant"))
lab = sw.PromptLab(client, prompts=["A heron lifts off a misty lake at dawn"])
lab
"""
MODELS = ["sora_2_pro_t2v", "kirin_v2_6_t2v", "spark_dance_v2_0"]


def test_the_same_prompt_on_three_models_side_by_side_in_sync(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook([SETUP])
    nb.run_all()
    lab = nb.output(0).locator(".sw-lab")
    lab.wait_for(timeout=60_000)
    summary = lab.locator(".sw-lab-summary")
    expect(summary).to_have_text("1 video · estimated $1.20", timeout=30_000)

    box = lab.get_by_label("Models to compare, one id per line", exact=True)
    box.click()
    for i, model in enumerate(MODELS):
        if i:
            nb.page.keyboard.press("Enter")
        box.press_sequentially(model, delay=5)
    nb.page.wait_for_timeout(400)  # longer than the box's debounce
    assert box.evaluate("(el) => el === el.getRootNode().activeElement")  # typing kept the focus
    # Each model's price or "unknown" (never $0), and what a model makes differently, said.
    expect(summary).to_contain_text("3 videos · estimated $1.20 + 2 unknown", timeout=30_000)
    expect(summary).to_contain_text("kirin_v2_6_t2v makes 5 s, not 4 s (it offers 5, 10)")

    lab.get_by_role("button", name="Run", exact=True).click()
    done = lab.locator(".sw-lab-cell[data-status='completed']")
    done.nth(2).wait_for(timeout=120_000)
    metas = lab.locator(".sw-lab-cell-meta").all_text_contents()
    assert [m.split(" · ")[:4] for m in metas] == [
        ["sora_2_pro_t2v", "720x1280", "4 s", "$1.20"],
        ["kirin_v2_6_t2v", "720x1280", "5 s", "unknown"],
        ["spark_dance_v2_0", "720x1280", "4 s", "unknown"],
    ]
    assert all(" · ran " in m and m.endswith(" s") for m in metas), metas

    compare = nb.output(0).locator(".sw-lab-compare-view")
    videos = compare.locator("video")
    expect(videos).to_have_count(3, timeout=30_000)
    captions = compare.locator(".sw-lab-tile-caption").all_text_contents()
    assert [c.split(" · ")[0] for c in captions] == [f"model: {m}" for m in MODELS]
    # Remix is Sora's: offered on the Sora tile only.
    expect(compare.get_by_role("button", name="Remix")).to_have_count(1)  # hidden ones have no role
    expect(compare.locator(".sw-lab-tile").first.get_by_role("button", name="Remix")).to_be_visible()
    for i in range(3):
        assert_video_plays(nb, videos.nth(i), width=720, height=1280)
    durations = videos.evaluate_all("(vs) => vs.map((v) => Math.round(v.duration))")
    assert durations == [4, 5, 4]  # each model's own length
    # Synced: play one and all play; seek one and all follow.
    videos.nth(1).evaluate("(v) => v.play()")
    nb.page.wait_for_function(
        "(box) => [...box.querySelectorAll('video')].every((v) => !v.paused)",
        arg=compare.element_handle(),
        timeout=30_000,
    )
    compare.locator("button[title='Pause all compared videos']").click()
    videos.nth(2).evaluate("(v) => { v.currentTime = 1.5; }")
    nb.page.wait_for_function(
        "(box) => [...box.querySelectorAll('video')]"
        ".every((v) => v.paused && Math.abs(v.currentTime - 1.5) < 0.05)",
        arg=compare.element_handle(),
        timeout=30_000,
    )
    assert nb.js_errors == []
    nb.screenshot("prompt-lab-three-models-light", target=nb.output(0))
