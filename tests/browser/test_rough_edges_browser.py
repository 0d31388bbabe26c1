"""Rough edges of the Studio and the Prompt Lab that only the page shows: where the focus goes,
what the words say, what is drawn in the dark theme, what a click downloads.

Typing goes through the real keyboard (``keyboard.type``, ``press``), never ``fill()``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import NotebookPage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAUSE_MS = 800  # longer than the widgets' debounces, with a margin for load

CELLS = [
    """\
import json
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="instant"))
studio = sw.Studio(client)
lab = sw.PromptLab(client, template="A fox by {place}, {light}",
                   slots={"place": ["a lake", "a wide slow river"], "light": ["dusk"]},
                   sizes=["1280x720"], seconds=[4])
""",
    "studio",
    "await studio.generate(prompt='A red kite at dusk', size='landscape'); None",
    "lab",
    "await lab.lab.run(); None",
    "print(json.dumps([studio.builder.text, studio.builder.remix_id, studio.builder.prompt]))",
]

# Relative luminance (0 dark .. 1 light) of a CSS rgb()/rgba() colour.
LUMINANCE_JS = """(colour) => {
  const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""


def _focused(locator: Any) -> bool:
    return bool(locator.evaluate("(el) => el === document.activeElement"))


def test_studio_remix_clear_file_and_header(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook(CELLS)
    nb.run_one(0)
    nb.run_one(1)
    studio = nb.output(1)
    prompt = studio.locator("textarea.sw-pb-text")
    prompt.wait_for(timeout=60_000)

    # The file input is drawn as a button: its "No file chosen" takes no room on the page.
    chooser = studio.get_by_role("button", name="Choose image…")
    assert chooser.is_visible()
    native = studio.locator("input[type=file]")
    box = native.bounding_box()
    assert box is None or (box["width"] <= 1 and box["height"] <= 1), f"the native file input shows: {box}"

    nb.run_one(2)
    counts = studio.locator(".sw-studio-counts")
    counts.filter(has_text="spent").wait_for(timeout=60_000)
    assert counts.inner_text().endswith("$1.20 spent (simulated)")

    # Remix: focus goes to the prompt, with a hint there; the price line names the remix.
    remix = studio.locator(".sw-player-actions button", has_text="Remix")
    remix.wait_for(timeout=60_000)
    remix.click()
    nb.page.wait_for_function(
        "(el) => el === document.activeElement", arg=prompt.element_handle(), timeout=30_000
    )
    hint = studio.locator(".sw-pb-hint")
    assert hint.is_visible() and hint.inner_text().startswith("Remix of ")
    # The hint is scrolled into view with the box, not left above the top of the page.
    assert hint.evaluate("(el) => el.getBoundingClientRect().top >= 0")
    price = studio.locator(".sw-pb-price")
    assert "Remix of " in price.inner_text() and "Text to Video" not in price.inner_text()
    nb.screenshot("studio-remix-hint", studio)

    # Typing goes straight into the prompt (no click needed), then Clear empties the form.
    nb.page.keyboard.type("The same kite at night", delay=30)
    nb.page.wait_for_timeout(PAUSE_MS)
    assert prompt.input_value() == "The same kite at night" and _focused(prompt)
    studio.get_by_role("button", name="Clear", exact=True).click()
    assert prompt.input_value() == ""  # the page empties the boxes at once
    # The hint and the price are the kernel's answer to Clear: wait for it (a busy machine's
    # kernel can take longer than any fixed pause; the old hint and price would be read).
    expect(hint).to_be_hidden(timeout=30_000)
    expect(price).to_contain_text("Text to Video", timeout=30_000)
    nb.run_one(5)
    assert json.loads(nb.printed(5)) == ["", "", ""]
    assert nb.js_errors == []
    for theme in ("light", "dark"):
        nb.set_theme(theme)
        nb.screenshot(f"studio-{theme}", studio)
    nb.set_theme("light")


def test_prompt_lab_words_titles_timeline_and_export(open_notebook: Any, tmp_path: Path) -> None:
    nb: NotebookPage = open_notebook(CELLS)
    nb.run_one(0)
    nb.run_one(3)
    lab = nb.output(3).locator(".sw-lab")
    lab.wait_for(timeout=60_000)
    nb.run_one(4)
    statuses = lab.locator(".sw-lab-cell-status")
    # Both cards, not only the first: the grid can show one finished job before the other.
    expect(statuses.filter(has_text="Completed")).to_have_count(2, timeout=60_000)
    words = statuses.all_inner_texts()
    # The Studio's words, not the wire's ("completed", "in_progress").
    assert len(words) == 2 and all(w.startswith("Completed · ") for w in words), words

    # Card titles: only the value that differs, in full (not cut off with an ellipsis).
    titles = lab.locator(".sw-lab-cell-title")
    assert titles.all_inner_texts() == ["place: a lake", "place: a wide slow river"]
    assert titles.evaluate_all("(ts) => ts.every((t) => t.scrollWidth <= t.clientWidth + 1)")

    # The timeline is drawn inline, its text in the theme's colour: light text in the dark theme.
    timeline = lab.locator(".sw-lab-timeline svg")
    timeline.wait_for(timeout=30_000)
    assert lab.locator("img.sw-lab-timeline").count() == 0
    for theme in ("light", "dark"):
        nb.set_theme(theme)
        fill = timeline.locator("text").first.evaluate("(t) => getComputedStyle(t).fill")
        luminance = nb.page.evaluate(LUMINANCE_JS, fill)
        if theme == "dark":
            assert luminance > 0.6, f"dark theme: the timeline's text is dark ({fill})"
        else:
            assert luminance < 0.4, f"light theme: the timeline's text is light ({fill})"
        nb.screenshot(f"prompt-lab-{theme}", nb.output(3))
    nb.set_theme("light")

    # Export: the browser downloads the lab's CSV and JSON.
    with nb.page.expect_download(timeout=30_000) as got:
        lab.get_by_role("button", name="Export CSV").click()
    download = got.value
    assert download.suggested_filename == "prompt-lab.csv"
    saved = tmp_path / "lab.csv"
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("index,place,light") and text.count("completed") == 2
    with nb.page.expect_download(timeout=30_000) as got:
        lab.get_by_role("button", name="Export JSON").click()
    saved = tmp_path / "lab.json"
    got.value.save_as(saved)
    assert [row["place"] for row in json.loads(saved.read_text(encoding="utf-8"))] == [
        "a lake",
        "a wide slow river",
    ]
    assert nb.js_errors == []
