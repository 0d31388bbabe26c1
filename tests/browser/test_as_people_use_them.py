"""The widgets as people use them: the real keyboard, pauses, clicks between widgets, re-runs,
and Python and the browser driving the same players at once with the CPU busy.

Typing goes through Playwright's keyboard (``press_sequentially``, ``keyboard.press``), never
``fill()``: only real key events meet the notebook's shortcuts. Between bursts of typing the
tests wait longer than any debounce in the widgets, then check that the box still has focus and
that the kernel holds what was typed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from ._assert import assert_video_plays
from .conftest import NotebookPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Longer than the widgets' longest debounce (250 ms in the Prompt Lab) with a margin for load.
PAUSE_MS = 800
TYPE_DELAY_MS = 40

SETUP = """\
import json, time
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="instant"))
studio = sw.Studio(client)
lab = sw.PromptLab(client, template="A fox by {place}, {light}",
                   slots={"place": ["a lake"], "light": ["dusk"]}, sizes=["1280x720"], seconds=[4])
"""
TYPING_CELLS = [
    SETUP,
    "studio",
    "lab",
    "print(json.dumps([studio.builder.text, studio.builder.subject]))",
    "print(json.dumps([lab.mode, lab.slots, lab.prompts]))",
]


@pytest.fixture
def busy_cpu() -> Iterator[None]:
    """Two processes spinning on the CPU (the machine has two cores), stopped by their pid."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait(timeout=10)


def _focused(locator: Any) -> bool:
    return bool(locator.evaluate("(el) => el === document.activeElement"))


def _type(nb: NotebookPage, box: Any, text: str) -> None:
    """Type ``text`` key by key; "\\n" is a press of Enter. Then pause past every debounce."""
    for i, part in enumerate(text.split("\n")):
        if i:
            nb.page.keyboard.press("Enter")
        if part:
            box.press_sequentially(part, delay=TYPE_DELAY_MS)
    nb.page.wait_for_timeout(PAUSE_MS)


def _assert_typing_stays_in_the_widgets(nb: NotebookPage) -> None:
    before = nb.sources()
    nb.run_one(0)
    nb.run_one(1)
    nb.run_one(2)
    studio, lab = nb.output(1), nb.output(2)
    prompt = studio.locator("textarea.sw-pb-text")
    prompt.wait_for(timeout=60_000)

    # The Studio's prompt: Enter starts a new line, focus stays through the pauses.
    prompt.click()
    _type(nb, prompt, "Wide shot of a red kite\nover the sea")
    assert _focused(prompt), "focus left the Studio's prompt box"
    _type(nb, prompt, " at dusk")
    assert prompt.input_value() == "Wide shot of a red kite\nover the sea at dusk"
    assert _focused(prompt)

    # A shot-detail field: Enter stays in the field (no notebook command), typing goes on.
    studio.locator("summary", has_text="Shot details").click()
    subject = studio.get_by_label("Subject", exact=True)
    subject.click()
    _type(nb, subject, "a red kite\n soaring")
    assert subject.input_value() == "a red kite soaring"
    assert _focused(subject), "focus left the Subject field"

    # The Prompt Lab's slot box: the debounced save must not replace (and blur) the box.
    slot = lab.get_by_label("Values for {place}, one per line")
    slot.click()
    nb.page.keyboard.press("Control+End")
    _type(nb, slot, "\na river")
    assert _focused(slot), "the Prompt Lab's save blurred the slot box"
    _type(nb, slot, " bank")
    assert _focused(slot), "the Prompt Lab's save blurred the slot box"
    assert slot.input_value() == "a lake\na river bank"

    # Click back into the Studio and go on typing there, then to the Lab's list of prompts.
    prompt.click()
    nb.page.keyboard.press("Control+End")
    _type(nb, prompt, ", slow dolly in")
    assert prompt.input_value().endswith("at dusk, slow dolly in")
    lab.get_by_label("List of prompts").check()
    prompts = lab.get_by_label("Prompts, one per line")
    prompts.click()
    _type(nb, prompts, "A kite over the sea\nA boat at dawn")
    assert _focused(prompts), "focus left the Prompt Lab's list of prompts"
    assert prompts.input_value() == "A kite over the sea\nA boat at dawn"

    # Nothing typed reached a notebook cell, and the kernel got every word.
    assert nb.sources() == before
    nb.run_one(3)
    assert json.loads(nb.printed(3)) == [
        "Wide shot of a red kite\nover the sea at dusk, slow dolly in",
        "a red kite soaring",
    ]
    nb.run_one(4)
    assert json.loads(nb.printed(4)) == [
        "prompts",
        {"place": ["a lake", "a river bank"], "light": ["dusk"]},
        ["A kite over the sea", "A boat at dawn"],
    ]
    # Re-running the cell that shows the lab gives a fresh view of the same state.
    nb.run_one(2)
    again = nb.output(2).get_by_label("Prompts, one per line")
    again.wait_for(timeout=30_000)
    assert again.input_value() == "A kite over the sea\nA boat at dawn"
    assert nb.js_errors == []


def test_typing_in_jupyterlab_stays_in_the_widgets(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook(TYPING_CELLS)
    _assert_typing_stays_in_the_widgets(nb)
    for theme in ("light", "dark"):
        nb.set_theme(theme)
        nb.screenshot(f"studio-typed-{theme}", nb.output(1))
        nb.screenshot(f"prompt-lab-typed-{theme}", nb.output(2))
    nb.set_theme("light")


def test_typing_in_notebook_7_stays_in_the_widgets(open_notebook: Any, jupyter_notebook7: Any) -> None:
    nb: NotebookPage = open_notebook(TYPING_CELLS, server=jupyter_notebook7)
    _assert_typing_stays_in_the_widgets(nb)
    nb.screenshot("typing-notebook7")


# -- Python and the browser driving the same player -----------------------------------------

PLAYER_CELLS = [
    "import time\nimport sora_widgets as sw\nfrom sora_widgets.simulator import Simulator\n"
    "client = sw.SoraClient(connect=Simulator(speed='instant'))\n"
    "video = await client.generate(prompt='A red kite at dusk', size='1280x720', seconds=4)\n"
    "player = sw.VideoPlayer(video)\nplayer.muted = True\nplayer.loop = True\nplayer",
    "player.play()",
    # While the kernel sleeps the browser goes on reporting its position; those reports reach
    # the kernel after the pause and the seek, which must win over them.
    "time.sleep(0.5)\nplayer.pause()\nplayer.current_time = TARGET",
    "print(player.playing, player.current_time)",
]
TARGETS = [2.0, 0.5, 3.0, 1.25, 2.5, 1.0, 3.5, 0.75]


def _wait(nb: NotebookPage, handle: Any, predicate: str, what: str, timeout_ms: int = 30_000) -> None:
    try:
        nb.page.wait_for_function(f"(v) => {predicate}", arg=handle, timeout=timeout_ms)
    except Exception as exc:
        state = handle.evaluate("(v) => ({paused: v.paused, time: v.currentTime, seeks: v._seeks})")
        raise AssertionError(f"{what}: {state}") from exc


def test_a_seek_from_python_right_after_play_wins_every_time(open_notebook: Any, busy_cpu: None) -> None:
    nb: NotebookPage = open_notebook(PLAYER_CELLS)
    nb.run_one(0)
    video = nb.output(0).locator(".sw-player video")
    assert_video_plays(nb, video)
    handle = video.element_handle()
    handle.evaluate(
        "(v) => { v._seeks = []; v.addEventListener('seeking', () => v._seeks.push(v.currentTime)); }"
    )
    for target in TARGETS:
        source = PLAYER_CELLS[2].replace("TARGET", repr(target))
        nb.set_source(2, source)
        handle.evaluate("(v) => { v._seeks = []; }")
        nb.run_one(1)
        _wait(nb, handle, "!v.paused", f"never started playing before the seek to {target}")
        nb.run_one(2)
        at_target = f"v.paused && Math.abs(v.currentTime - {target}) < 0.05"
        _wait(nb, handle, at_target, f"never paused at {target}")
        nb.page.wait_for_timeout(1_500)  # late reports and their echoes arrive in this time
        assert handle.evaluate(f"(v) => {at_target}"), (
            f"snapped back after the seek to {target}: seeks {handle.evaluate('(v) => v._seeks')}, "
            f"now at {handle.evaluate('(v) => v.currentTime')}"
        )
        nb.run_one(3)
        assert nb.printed(3) == f"False {target}", f"the kernel lost the seek to {target}"
    assert nb.js_errors == []


# -- the Prompt Lab: a rebuilt sweep's thumbnails, and its synchronised compare -------------

LAB_CELLS = [
    "import json, time\nimport av\nfrom PIL import Image\nimport sora_widgets as sw\n"
    "from sora_widgets.simulator import Simulator\n"
    "client = sw.SoraClient(connect=Simulator(speed='instant'))\n"
    "lab = sw.PromptLab(client, template='A fox in snow, {light}', slots={'light': ['red dusk', 'noon']},\n"
    "                   sizes=['1280x720'], seconds=[4])\n"
    # The thumbnail is the middle frame: the last one starting at or before half the length.
    "def first_frames():\n"
    "    out = {}\n"
    "    for video in lab.lab.results:\n"
    "        with av.open(str(video.path)) as f:\n"
    "            frames = list(f.decode(video=0))\n"
    "        middle = [fr for fr in frames if fr.time <= frames[-1].time / 2 + 5e-4][-1]\n"
    "        out[video.task_id] = list(middle.to_image().convert('L').resize((16, 9)).getdata())\n"
    "    return out\n"
    "lab",
    "await lab.lab.run()\nprint(json.dumps(first_frames()))",
    "lab.slots = {'light': ['blue night', 'green dawn']}\n"
    "await lab.lab.run()\nprint(json.dumps(first_frames()))",
    "lab.play_all()",
    "time.sleep(0.5)\nlab.pause_all()\nlab.seek_all(TARGET)",
    "print((lab.playing, lab.current_time))",
]
# The same 16x9 grey picture, drawn from the <img> the page shows.
THUMB_PIXELS_JS = """(img) => {
  const c = document.createElement("canvas"); c.width = 16; c.height = 9;
  const g = c.getContext("2d"); g.drawImage(img, 0, 0, 16, 9);
  const d = g.getImageData(0, 0, 16, 9).data; const out = [];
  for (let i = 0; i < d.length; i += 4) out.push(0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]);
  return out;
}"""


# Every playback event of the compared videos, so a failure says what happened in which order.
EVENT_LOG_JS = """(b) => {
  b._log = [];
  [...b.querySelectorAll('video')].forEach((v, i) => {
    for (const type of ['play', 'pause', 'seeking', 'seeked', 'ended', 'waiting', 'playing']) {
      v.addEventListener(type, () => {
        if (type === 'play') v._played = true;
        b._log.push(`${i}:${type} t=${v.currentTime.toFixed(3)} paused=${v.paused} seeking=${v.seeking}`);
      });
    }
  });
}"""


def _wait_all(nb: NotebookPage, box: Any, predicate: str, what: str) -> None:
    """Wait until every compared video meets ``predicate`` (of ``v``); on a timeout, say why."""
    try:
        nb.page.wait_for_function(
            f"(b) => [...b.querySelectorAll('video')].every((v) => {predicate})", arg=box, timeout=30_000
        )
    except Exception as exc:
        state = box.evaluate(
            "(b) => ({videos: [...b.querySelectorAll('video')]"
            ".map((v) => [v.paused, v.currentTime, v.seeking, v.ended, v.readyState]), log: b._log,"
            " note: (b.closest('.sw-lab') || b).querySelector('.sw-lab-message')?.textContent})"
        )
        raise AssertionError(f"{what}: {state}") from exc


def _distance(a: list[float], b: list[float]) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


def _thumbs(nb: NotebookPage, lab: Any, keys: list[str]) -> list[list[float]]:
    pixels = []
    for key in keys:
        img = lab.locator(f"img.sw-lab-thumb[data-key='{key}']")
        img.wait_for(timeout=60_000)
        nb.page.wait_for_function("(i) => i.complete && i.naturalWidth > 0", arg=img.element_handle())
        pixels.append(img.evaluate(THUMB_PIXELS_JS))
    return pixels


def test_prompt_lab_thumbnails_and_compare_under_load(open_notebook: Any, busy_cpu: None) -> None:
    nb: NotebookPage = open_notebook(LAB_CELLS)
    nb.run_one(0)
    lab = nb.output(0).locator(".sw-lab")
    lab.wait_for(timeout=60_000)
    nb.run_one(1)
    first = json.loads(nb.printed(1))
    old = _thumbs(nb, lab, list(first))
    for pixels, real in zip(old, first.values(), strict=True):
        assert _distance(pixels, real) < 12, "a thumbnail is not its video's middle frame"

    # Edit the sweep and run it again: every card shows the new video's middle frame.
    nb.run_one(2)
    second = json.loads(nb.printed(2))
    assert not set(second) & set(first)
    new = _thumbs(nb, lab, list(second))
    for i, (pixels, real) in enumerate(zip(new, second.values(), strict=True)):
        assert _distance(pixels, real) < _distance(pixels, old[i]), f"card {i} shows the previous run's video"
        assert _distance(pixels, real) < 12
    assert lab.locator("img.sw-lab-thumb").count() == 2

    # The compare grid: a pause and a seek from Python right after playback starts win too.
    compare = nb.output(0).locator(".sw-lab-compare-view")
    videos = compare.locator("video")
    videos.nth(1).wait_for(timeout=60_000)
    for i in range(2):
        nb.wait_for_video(videos.nth(i))
    box = compare.element_handle()
    box.evaluate(EVENT_LOG_JS)
    for target in TARGETS[:5]:
        source = LAB_CELLS[4].replace("TARGET", repr(target))
        nb.set_source(4, source)
        box.evaluate(
            "(b) => { b._log = []; b.querySelectorAll('video').forEach((v) => { v._played = false; }); }"
        )
        nb.run_one(3)
        # Started playing (a video started at 3.0 may reach its end, 1 s on, before a busy
        # machine gets here: that is a pause the kernel is told of, and the test goes on).
        _wait_all(nb, box, "v._played", f"never all played before the seek to {target}")
        nb.run_one(4)
        at_target = f"v.paused && Math.abs(v.currentTime - {target}) < 0.05"
        settled = f"[...b.querySelectorAll('video')].every((v) => {at_target})"
        _wait_all(nb, box, at_target, f"never settled at {target}")
        nb.page.wait_for_timeout(1_500)
        times = compare.locator("video").evaluate_all("(vs) => vs.map((v) => [v.paused, v.currentTime])")
        assert nb.page.evaluate(f"(b) => {settled}", box), f"the compared videos left {target}: {times}"
        nb.run_one(5)
        assert nb.printed(5) == repr((False, target)), f"the kernel lost seek_all({target})"
    assert nb.js_errors == []
    for theme in ("light", "dark"):
        nb.set_theme(theme)
        nb.screenshot(f"prompt-lab-rerun-{theme}", nb.output(0))
    nb.set_theme("light")
