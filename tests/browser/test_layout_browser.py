"""Nothing placed where nobody can read it: boxes measured in JupyterLab (headless Chromium).

One notebook, one kernel, several views a person meets:

- the teaching demo's section 3 (its own cells, read from ``notebooks/teaching_demo.ipynb``):
  the captions under the three small players stay inside their columns, with the full text on
  hover;
- a portrait video's filmstrip keeps the player's width and the stills' aspect (not stretched
  to the row and blurred);
- ``client.history``'s table keeps its File column inside the output, prompts at most two lines;
- a Gallery tile's "remix of video_..." stays inside the tile.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import NotebookPage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEACHING_DEMO = Path(__file__).resolve().parents[2] / "notebooks" / "teaching_demo.ipynb"
# The demo's setup, its builder (section 1) and section 3 ("change one part at a time").
SECTION_3_CELLS = (1, 3, 8)
LONG_PROMPT = (
    "Wide shot of a lighthouse keeper climbing the spiral stairs with a lantern at night, storm "
    "outside, rain streaking the windows, warm lamplight against cold blue, slow handheld follow "
    "shot, the sea crashing on the rocks below"
)
MORE = f"""\
portrait = await client.generate(prompt="A heron standing in a misty river", size="720x1280", seconds=4)
remixed = await client.generate(prompt={LONG_PROMPT!r}, remix_video_id=results[0].video.remix_id)
sw.VideoPlayer(portrait)
"""

# The boxes of `selector`'s matches under `root`, with what each shows and would show.
BOXES_JS = """(root, selector) => [...root.querySelectorAll(selector)].map((el) => {
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
          height: r.height, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
          text: el.textContent, title: el.getAttribute('title') || el.closest('[title]')?.title || ''};
})"""


def boxes(root: Any, selector: str) -> list[dict[str, Any]]:
    """Measured boxes of the elements under ``root`` (a locator) that match ``selector``."""
    return list(root.evaluate(BOXES_JS, selector))


def inside(inner: dict[str, Any], outer: dict[str, Any], slack: float = 1.0) -> bool:
    """Whether box ``inner`` lies within box ``outer`` (left and right edges, in pixels)."""
    return bool(inner["left"] >= outer["left"] - slack and inner["right"] <= outer["right"] + slack)


def overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two boxes share any area."""
    across = min(a["right"], b["right"]) - max(a["left"], b["left"])
    down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return bool(across > 1 and down > 1)


def _section_3_cells() -> list[str]:
    cells = json.loads(TEACHING_DEMO.read_text())["cells"]
    return ["".join(cells[i]["source"]) for i in SECTION_3_CELLS]


def test_captions_filmstrip_history_and_tiles_stay_in_their_boxes(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook(
        [*_section_3_cells(), MORE, "client.history", "sw.Gallery(client)"], name="layout.ipynb"
    )
    nb.run_all()
    # Every view is checked, and every one that fails is reported (not only the first).
    problems = []
    for view in (_section_3_captions, _portrait_filmstrip, _history_table, _remix_tile):
        try:
            view(nb)
        except AssertionError as exc:
            problems.append(f"{view.__name__}: {exc}")
    assert problems == []
    assert nb.js_errors == []


def _section_3_captions(nb: NotebookPage) -> None:
    """Section 3: three players in equal columns, each caption inside its own column."""
    section = nb.output(2)
    expect(section.locator(".sw-player-caption")).to_have_count(3, timeout=60_000)
    players = boxes(section, ".sw-player")
    captions = boxes(section, ".sw-player-caption")
    assert len(players) == 3 and players[0]["width"] < 400, players
    for caption, player in zip(captions, players, strict=True):
        assert inside(caption, player), (caption, player)
        # Cut short with an ellipsis, and the whole prompt on hover.
        assert caption["scrollWidth"] > caption["clientWidth"] and caption["title"] == caption["text"]
    assert not any(overlap(a, b) for a in captions for b in captions if a is not b), captions
    nb.screenshot("teaching-demo-section-3", target=section)


def _portrait_filmstrip(nb: NotebookPage) -> None:
    """A portrait video: the filmstrip is as wide as the video, its stills keep their aspect and
    are never stretched past their own pixels (which blurs them)."""
    player = nb.output(3)
    strip = player.locator(".sw-player-filmstrip")
    expect(strip).to_be_visible(timeout=60_000)
    nb.page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=strip.element_handle())
    stage = boxes(player, ".sw-player-stage")[0]
    shown = strip.evaluate(
        "(img) => ({w: img.getBoundingClientRect().width, h: img.getBoundingClientRect().height,"
        " nw: img.naturalWidth, nh: img.naturalHeight})"
    )
    assert abs(shown["w"] - stage["width"]) <= 1 and stage["height"] > stage["width"], (shown, stage)
    assert shown["w"] <= shown["nw"], shown
    assert abs(shown["w"] / shown["h"] - shown["nw"] / shown["nh"]) < 0.05, shown
    nb.screenshot("portrait-filmstrip", target=player)


def _history_table(nb: NotebookPage) -> None:
    """The history table: every column inside the output, File included; prompts one or two lines."""
    history = nb.output(4)
    area = boxes(history, ".jp-OutputArea-output")[-1]
    table = boxes(history, "table")[0]
    assert inside(table, area), (table, area)
    heads = {b["text"]: b for b in boxes(history, "th")}
    assert inside(heads["File"], area) and heads["File"]["width"] > 40, heads["File"]
    line = float(
        history.locator("td").first.evaluate("(td) => parseFloat(getComputedStyle(td).lineHeight) || 18")
    )
    prompt = history.locator("td", has_text="Wide shot of a lighthouse")
    assert prompt.evaluate("(el) => el.getBoundingClientRect().height") <= 2 * line + 8
    # The short facts (when, status, model, size, length, cost) are read whole, not cut.
    short = history.evaluate(
        "(root) => [...root.querySelectorAll('tr')].filter((tr) => tr.cells.length > 6)"
        ".flatMap((tr) => [...tr.cells].slice(0, 6)).map((cell) => cell.firstElementChild || cell)"
        ".filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent)"
    )
    assert short == [], short
    names = [b for b in boxes(history, "td") if b["text"].endswith(".mp4")]
    assert names and all(inside(b, area) for b in names), names
    nb.screenshot("history-table", target=history)


def _remix_tile(nb: NotebookPage) -> None:
    """The Gallery's remix tile: "remix of video_..." wraps inside the tile."""
    gallery = nb.output(5)
    tile = gallery.locator(".sw-strip-tile", has_text="remix of")
    expect(tile).to_have_count(1, timeout=60_000)
    sub = boxes(tile, ".sw-strip-sub")[0]
    frame = tile.evaluate(
        "(el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right}; }"
    )
    assert inside(sub, frame) and sub["scrollWidth"] <= sub["clientWidth"] + 1, (sub, frame)
    nb.screenshot("gallery-remix-tile", target=gallery)


STUDIO = """\
import sora_widgets as sw
from sora_widgets.simulator import Simulator
studio = sw.Studio(sw.SoraClient(connect=Simulator(speed="instant")))
studio
"""


def test_controls_under_the_coach_stay_put_while_it_catches_up(open_notebook: Any) -> None:
    """The coach's report comes back from the kernel after the typing (late on a busy machine).
    A checklist that shrank then moved Length and Generate under the pointer (a fresh clone's
    click on "8 s" landed beside it). While a prompt is being written the panel keeps its
    tallest height, so the controls under it stay where the person saw them."""
    nb: NotebookPage = open_notebook([STUDIO])
    nb.run_one(0)
    studio = nb.output(0)
    studio.locator(".sw-studio-header").wait_for(timeout=60_000)
    score = studio.locator(".sw-coach-score")
    tops = "(els) => els.map((el) => Math.round(el.getBoundingClientRect().top))"
    targets = studio.locator("label:has-text('8 s'), button:text-is('Generate')")
    box = studio.get_by_label("Prompt")
    # "Will be sent" (what shot details add) never flickers in while only the text is typed.
    studio.locator(".sw-pb-composed").evaluate(
        "(el) => { window.__composedShown = 0; new MutationObserver(() => { if (!el.hidden)"
        " window.__composedShown += 1; }).observe(el, {attributes: true}); }"
    )
    box.press_sequentially("Wide shot of a red kite", delay=20)
    expect(score).to_have_text("2/6", timeout=30_000)
    expect(studio.locator(".sw-coach-advice li")).to_have_count(4)
    before = targets.evaluate_all(tops)
    nb.screenshot("coach-four-lines", target=studio.locator(".sw-pb"))
    box.press_sequentially(" gliding over a beach at dusk, golden hour light, slow dolly in", delay=20)
    expect(score).to_have_text("6/6", timeout=30_000)
    expect(studio.locator(".sw-coach-advice li")).to_have_count(1)
    nb.page.wait_for_timeout(600)  # longer than any debounce: the coach has caught up
    after = targets.evaluate_all(tops)
    assert len(before) == 2 and after == before, (before, after)
    assert nb.page.evaluate("() => window.__composedShown") == 0
    nb.screenshot("coach-kept-height", target=studio.locator(".sw-pb"))
    # Cleared, the panel goes and its reserved height with it: the next prompt starts afresh.
    box.press("Control+a")
    box.press("Delete")
    expect(studio.locator(".sw-coach")).to_be_hidden(timeout=30_000)
    # Pasted whole: one report, the panel's own height.
    box.fill("Wide shot of a red kite gliding over a beach at dusk, golden hour light, slow dolly in")
    expect(score).to_have_text("6/6", timeout=30_000)
    nb.page.wait_for_timeout(600)
    assert targets.evaluate_all(tops)[0] < before[0], "the reserved height outlived the prompt"
