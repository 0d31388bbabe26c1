"""A three-shot storyboard built, run and played in JupyterLab (headless Chromium), both chains.

The kernel uses the in-process simulator at "instant" speed, with sound. Shots 2 and 3 are added
and typed with the keyboard, one is moved with Alt+Up / Alt+Down, the board runs on Ctrl+Enter,
and the joined film plays in the widget's own <video>.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ._assert import assert_controls_named, assert_video_plays
from .conftest import NotebookPage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = (
    "Wide shot of a paper boat on a pond at dawn, slow dolly in",
    "Close-up of a frog landing on the boat",
    "The boat drifts into the mist",
)
SETUP = """\
import json
import sora_widgets as sw
from sora_widgets.simulator import FaultPlan, Simulator
client = sw.SoraClient(connect=Simulator(speed="instant", faults=FaultPlan(audio=True)))
board = sw.Storyboard(client, size="landscape", seconds=4, continuity={mode!r})
board.add({first!r})
board
"""
BUSY = "import time\ntime.sleep(6)"
REPORT = """\
shots = [s.video for s in board.states]
print(json.dumps({
    "prompts": [s.prompt for s in board.shots],
    "seconds": [board.seconds_of(i) for i in range(len(board))],
    "statuses": [s.status for s in board.states],
    "models": [v.model for v in shots],
    "remix_of": [v.request.remix_video_id for v in shots],
    "remix_ids": [v.remix_id for v in shots],
    "frames": board.film.frames,
    "audio": board.film.has_audio,
    "created": client.simulator.ledger.total_created,
}))
"""


def _focused_label(nb: NotebookPage) -> str:
    return str(nb.page.evaluate("() => document.activeElement?.getAttribute('aria-label') || ''"))


def _type_new_shot(nb: NotebookPage, board: Any, number: int, text: str, *, pause: bool = True) -> None:
    """Press Add shot from the keyboard, then type the prompt into the card that gets the focus
    (as a person does: no select-all first). Without ``pause`` the next Add shot comes right
    after the last key, before the kernel has this shot (a quick person)."""
    board.get_by_role("button", name="Add shot").focus()
    nb.page.keyboard.press("Enter")
    box = board.get_by_label(f"Prompt of shot {number}")
    box.wait_for(timeout=30_000)
    nb.page.wait_for_function(
        "(n) => document.activeElement?.getAttribute('aria-label') === `Prompt of shot ${n}`",
        arg=number,
        timeout=30_000,
    )
    # The new card is empty, with its hint as a placeholder: a person types straight into it.
    assert box.input_value() == "" and box.get_attribute("placeholder") == "Describe the next shot"
    box.press_sequentially(text, delay=15)
    if not pause:
        return
    nb.page.wait_for_timeout(600)  # longer than the widget's edit debounce
    assert _focused_label(nb) == f"Prompt of shot {number}"  # the refresh did not steal focus


@pytest.mark.parametrize("mode", ["last_frame", "remix"])
def test_build_run_and_play_a_three_shot_board(open_notebook: Any, mode: str) -> None:
    nb: NotebookPage = open_notebook([SETUP.format(mode=mode, first=SHOTS[0]), REPORT, BUSY])
    nb.run_one(0)
    board = nb.output(0).locator(".sw-sb")
    board.wait_for(timeout=60_000)
    expect(board.locator(".sw-sb-card")).to_have_count(1)
    assert board.locator(".sw-badge-sim").is_visible()

    # Shot 3 is added while shot 2 is still on its way to a busy kernel (a cell is running): a
    # new card opens at once (the press used to put the keyboard back into shot 2's card, so
    # shot 3's words joined shot 2), and each card keeps its own words when the kernel answers.
    nb.page.evaluate(
        "() => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = 2;"
        " nb.activeCell.model.executionCount = null; }"
    )
    nb.command("notebook:run-cell")  # not waited for: the kernel is busy while shots are typed
    _type_new_shot(nb, board, 2, SHOTS[1], pause=False)
    _type_new_shot(nb, board, 3, SHOTS[2])
    expect(board.get_by_label("Prompt of shot 2")).to_have_value(SHOTS[1])
    board.get_by_label("Length of shot 2").select_option("8")
    price = board.locator(".sw-sb-price")
    expect(price).to_contain_text("Total $4.80", timeout=30_000)
    expect(price).to_contain_text("this run $4.80 (3 of 3 shots to make)")
    expect(board.locator(".sw-sb-card").nth(1).locator(".sw-sb-card-price")).to_have_text("$2.40")

    # Reorder from the keyboard: Alt+Up moves shot 3 up (focus follows it), Alt+Down back.
    prompts = board.locator(".sw-sb-prompt")
    board.get_by_label("Prompt of shot 3").focus()
    nb.page.keyboard.press("Alt+ArrowUp")
    expect(prompts.nth(1)).to_have_value(SHOTS[2], timeout=30_000)
    nb.page.wait_for_function(
        "() => document.activeElement?.getAttribute('aria-label') === 'Prompt of shot 2'", timeout=30_000
    )
    nb.page.keyboard.press("Alt+ArrowDown")
    expect(prompts.nth(2)).to_have_value(SHOTS[2], timeout=30_000)
    expect(prompts.nth(1)).to_have_value(SHOTS[1])

    # Ctrl+Enter in a prompt runs the board.
    board.get_by_label("Prompt of shot 1").focus()
    nb.page.keyboard.press("Control+Enter")
    done = board.locator(".sw-sb-card[data-status='done']")
    expect(done).to_have_count(3, timeout=180_000)
    for i in range(3):
        bar = board.get_by_role("progressbar", name=f"Progress of shot {i + 1}")
        assert bar.get_attribute("aria-valuenow") == "100"
        strip = board.get_by_role("img", name=f"Shot {i + 1}: first, middle and last frame")
        strip.wait_for(timeout=60_000)
        nb.page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=strip.element_handle(), timeout=30_000
        )
        assert strip.evaluate("(img) => img.naturalHeight") == 90
    if mode == "last_frame":
        expect(board.locator(".sw-sb-link").nth(1)).to_contain_text("starts on the last frame")

    film = board.get_by_label("The joined film")
    state = assert_video_plays(nb, film)
    assert abs(state["duration"] - 16.0) < 0.1, state
    expect(board.locator(".sw-sb-film-facts")).to_contain_text(
        "3 shots · 16 s · $4.80 · joined without re-encoding · with sound"
    )
    # Play it with the keyboard's space bar on the focused player; time moves on.
    film.evaluate("(v) => { v.muted = true; }")
    film.focus()
    nb.page.keyboard.press("Space")
    nb.page.wait_for_function(
        "(v) => !v.paused && v.currentTime > 0.5", arg=film.element_handle(), timeout=30_000
    )
    film.evaluate("(v) => v.pause()")

    nb.run_one(1)
    report = json.loads(str(nb.output(1).locator(".jp-OutputArea-output").last.text_content()))
    assert report["prompts"] == list(SHOTS) and report["seconds"] == [4, 8, 4]
    assert report["statuses"] == ["done"] * 3 and report["frames"] == 480 and report["audio"] is True
    assert report["created"] == 3
    if mode == "last_frame":
        assert report["models"] == ["sora_2_pro_t2v", "sora_2_pro_i2v", "sora_2_pro_i2v"]
        assert report["remix_of"] == [None, None, None]
    else:
        assert report["models"] == ["sora_2_pro_t2v"] * 3
        assert report["remix_of"] == [None, *report["remix_ids"][:2]]

    assert_controls_named(nb, ".sw-sb")
    assert nb.js_errors == []
    nb.screenshot(f"storyboard-{mode}-light", target=board)
    nb.set_theme("dark")
    nb.screenshot(f"storyboard-{mode}-dark", target=board)
    nb.set_theme("light")
