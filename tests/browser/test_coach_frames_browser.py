"""The prompt coach's live checklist and the frame-by-frame compare in a real browser.

JupyterLab and Notebook 7, headless Chromium, real key presses (``press_sequentially``), the
in-process simulator at "instant" speed.
"""

from __future__ import annotations

from typing import Any

import pytest

from ._assert import assert_video_plays
from .conftest import NotebookPage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Longer than anything between a key press and the kernel's answer being drawn (there is no
# debounce in the builder: every input event is sent), with room for two slow CI cores.
PAUSE_MS = 600

# What is typed, chunk by chunk, and which element each chunk should tick.
CHUNKS = [
    ("Wide shot", "shot"),
    (" of a fox", "subject"),
    (" trotting", "action"),
    (" through a birch forest", "setting"),
    (" at golden hour", "lighting"),
    (", slow dolly-in", "camera"),
]


def _server(request: pytest.FixtureRequest, kind: str) -> Any:
    return request.getfixturevalue("jupyter_lab" if kind == "lab" else "jupyter_notebook7")


def _printed(nb: NotebookPage, index: int) -> str:
    return str(nb.output(index).locator(".jp-OutputArea-output").last.text_content(timeout=30_000)).strip()


def _ticked(builder: Any) -> set[str]:
    items = builder.locator(".sw-coach-item[data-present='true']")
    return {str(items.nth(i).get_attribute("data-element")) for i in range(items.count())}


@pytest.mark.parametrize("kind", ["lab", "notebook7"])
def test_checklist_follows_typing_and_keeps_focus(
    open_notebook: Any, request: pytest.FixtureRequest, kind: str
) -> None:
    nb: NotebookPage = open_notebook(
        [
            "import sora_widgets as sw\nbuilder = sw.PromptBuilder()\nbuilder",
            "print(repr(builder.text), builder.coach.get('missing'))",
        ],
        server=_server(request, kind),
    )
    nb.run_all()
    builder = nb.output(0)
    box = builder.locator("textarea.sw-pb-text")
    box.wait_for(timeout=60_000)
    checklist = builder.locator(".sw-coach")
    assert checklist.is_hidden()  # nothing typed yet: no checklist

    nb.dismiss_toasts()
    box.click()
    typed = ""
    expected: set[str] = set()
    for chunk, element in CHUNKS:
        box.press_sequentially(chunk, delay=30)
        typed += chunk
        expected.add(element)
        nb.page.wait_for_timeout(PAUSE_MS)
        # The checklist caught up with what was typed...
        nb.page.wait_for_function(
            "([root, want]) => [...root.querySelectorAll(\".sw-coach-item[data-present='true']\")]"
            ".map((li) => li.dataset.element).sort().join(',') === want",
            arg=[builder.element_handle(), ",".join(sorted(expected))],
            timeout=30_000,
        )
        # ...without taking the focus or a keystroke from the box.
        assert box.evaluate("(el) => document.activeElement === el"), f"focus left the box after {chunk!r}"
        assert box.input_value() == typed
    assert _ticked(builder) == {e for _, e in CHUNKS}
    assert builder.locator(".sw-coach-score").text_content() == "6/6"
    assert "ready to send" in str(builder.locator(".sw-coach-advice").text_content())

    # Splitting it into two shots is flagged as you type.
    box.press_sequentially(". Then cut to a close-up", delay=30)
    nb.page.wait_for_timeout(PAUSE_MS)
    builder.locator(".sw-coach-split").wait_for(state="visible", timeout=30_000)
    assert box.evaluate("(el) => document.activeElement === el")
    typed += ". Then cut to a close-up"
    # Every key reached the box (a fresh-clone run under heavy load once ended the Backspaces
    # below at "Wide shot of a": four keys short here, or four Backspaces too many there).
    expect(box).to_have_value(typed, timeout=30_000)

    # Delete back to the subject alone: the ticks go away again.
    for _ in range(len(typed) - len("Wide shot of a fox")):
        nb.page.keyboard.press("Backspace")
    nb.page.wait_for_timeout(PAUSE_MS)
    nb.page.wait_for_function(
        "(root) => [...root.querySelectorAll(\".sw-coach-item[data-present='true']\")]"
        ".map((li) => li.dataset.element).sort().join(',') === 'shot,subject'",
        arg=builder.element_handle(),
        timeout=30_000,
    )
    assert box.input_value() == "Wide shot of a fox"
    assert box.evaluate("(el) => document.activeElement === el")
    # The words that made each element present are highlighted next to it (as text, not markup).
    shot_words = builder.locator(".sw-coach-item[data-element='shot'] .sw-coach-word")
    assert shot_words.all_text_contents() == ["Wide shot"]
    assert builder.locator(".sw-coach-item[data-element='subject'] .sw-coach-word").all_text_contents() == [
        "fox"
    ]
    assert builder.locator(".sw-coach-item[data-element='lighting'] .sw-coach-word").count() == 0
    nb.screenshot(f"coach-checklist-{kind}", target=builder)

    # The kernel has exactly what the box shows.
    for _ in range(20):
        nb.run_cell(1)
        if _printed(nb, 1) == "'Wide shot of a fox' ['action', 'setting', 'lighting', 'camera']":
            break
        nb.page.wait_for_timeout(250)
    assert _printed(nb, 1) == "'Wide shot of a fox' ['action', 'setting', 'lighting', 'camera']"
    assert nb.js_errors == []


SETUP_COMPARE = """\
import ipywidgets
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="instant"))
videos = [
    client.generate_sync(prompt="Wide shot of a red kite at dawn", size="1280x720", seconds=4),
    client.generate_sync(prompt="Wide shot of a red kite at dusk", size="1280x720", seconds=4),
]
players = [sw.VideoPlayer(v) for v in videos]
grid = sw.compare_frames(videos, n=4, client=client, players=players)
ipywidgets.VBox([ipywidgets.HBox(players), grid])
"""


@pytest.mark.parametrize("kind", ["lab", "notebook7"])
def test_clicking_a_frame_seeks_every_player(
    open_notebook: Any, request: pytest.FixtureRequest, kind: str
) -> None:
    nb: NotebookPage = open_notebook(
        [SETUP_COMPARE, "print(grid.times[2], [round(p.current_time, 3) for p in players])"],
        server=_server(request, kind),
    )
    nb.run_all()
    out = nb.output(0)
    # Rows labelled with what differs, the same four moments in both rows, every still loaded.
    labels = out.locator(".sw-fc-row .sw-fc-label[role='rowheader']")
    labels.first.wait_for(timeout=60_000)
    assert [labels.nth(i).text_content() for i in range(labels.count())] == ["…dawn", "…dusk"]
    times = out.locator(".sw-fc-time")
    assert times.count() == 4
    nb.page.wait_for_function(
        "(root) => { const imgs = [...root.querySelectorAll('.sw-fc-still img')];"
        " return imgs.length === 8 && imgs.every((i) => i.complete && i.naturalWidth > 0); }",
        arg=out.element_handle(),
        timeout=60_000,
    )
    videos = out.locator(".sw-player video")
    for i in range(2):
        assert_video_plays(nb, videos.nth(i))
    # Each player shows its filmstrip under it.
    nb.page.wait_for_function(
        "(root) => [...root.querySelectorAll('img.sw-player-filmstrip')]"
        ".filter((i) => !i.hidden && i.complete && i.naturalWidth === 8 * 128).length === 2",
        arg=out.element_handle(),
        timeout=60_000,
    )

    nb.dismiss_toasts()
    target = out.locator(".sw-fc-still[data-column='2']").nth(1)
    target.click()
    moment = float(str(times.nth(2).text_content()).split()[0])
    # Every player in the page went there (within a frame).
    nb.page.wait_for_function(
        "([root, t]) => [...root.querySelectorAll('.sw-player video')]"
        ".every((v) => Math.abs(v.currentTime - t) < 0.05 && !v.seeking)",
        arg=[out.element_handle(), moment],
        timeout=30_000,
    )
    assert out.locator(".sw-fc-still.sw-fc-selected").count() == 2
    nb.screenshot(f"frame-compare-{kind}", target=out)

    # And the kernel knows.
    expected = None
    for _ in range(20):
        nb.run_cell(1)
        first, rest = _printed(nb, 1).split(" ", 1)
        expected = float(first)
        if rest == str([round(expected, 3)] * 2):
            break
        nb.page.wait_for_timeout(250)
    assert rest == str([round(expected, 3)] * 2)
    assert nb.js_errors == []


LAB = """\
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="instant"))
lab = sw.PromptLab(client, template="Wide shot of a red fox trotting through snow at {light}, slow dolly-in",
                   slots={"light": ["dusk", "dawn"]}, sizes=["1280x720"], seconds=[4])
await lab.lab.run()
lab
"""


def test_prompt_lab_shows_the_coach_per_variant_and_compares_frame_by_frame(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook([LAB, "print(lab.frame_compare.times[3], round(lab.current_time, 3))"])
    nb.run_all()
    out = nb.output(0)
    coach = out.locator(".sw-lab-cell-coach")
    coach.first.wait_for(timeout=60_000)
    assert coach.count() == 2
    for i in range(2):
        text = str(coach.nth(i).text_content())
        assert text.startswith("coach 5/6") and "missing: lighting" in text, text
        assert "No light named" in str(coach.nth(i).get_attribute("title"))

    grid = out.locator(".sw-lab-compare-view .sw-fc")
    grid.wait_for(timeout=60_000)
    labels = grid.locator(".sw-fc-label[role='rowheader']")
    assert [labels.nth(i).text_content() for i in range(labels.count())] == ["light: dusk", "light: dawn"]
    nb.page.wait_for_function(
        "(root) => [...root.querySelectorAll('.sw-fc-still img')]"
        ".filter((i) => i.naturalWidth > 0).length === 12",
        arg=grid.element_handle(),
        timeout=60_000,
    )
    videos = out.locator(".sw-lab-compare-view video")
    for i in range(2):
        assert_video_plays(nb, videos.nth(i))
    nb.dismiss_toasts()
    grid.locator(".sw-fc-still[data-column='3']").first.click()
    moment = float(str(grid.locator(".sw-fc-time").nth(3).text_content()).split()[0])
    nb.page.wait_for_function(
        "([root, t]) => [...root.querySelectorAll('video')].every((v) => Math.abs(v.currentTime - t) < 0.05)",
        arg=[out.locator(".sw-lab-compare-view").element_handle(), moment],
        timeout=30_000,
    )
    nb.screenshot("prompt-lab-coach-and-frames", target=out)
    assert nb.js_errors == []
