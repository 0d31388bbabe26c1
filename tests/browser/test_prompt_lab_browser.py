"""PromptLab in a real browser: run a sweep from the Run button, then compare in sync.

The kernel talks to the in-process simulator; Chromium decodes the real H.264 files the lab
sends over the widget's binary channel.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from .conftest import NotebookPage, write_test_mp4

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = """\
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="instant"))
lab = sw.PromptLab(client, template="A red fox in fresh snow, {light}",
                   slots={"light": ["dusk", "dawn", "noon"]}, sizes=["1280x720"], seconds=[4], budget=5)
lab
"""
REPORT = (
    "print([j.status for j in lab.lab.jobs], [v.favourite for v in lab.lab.results], lab.compare_indexes)"
)
SEEK = "lab.seek_all(1.0)"

STATE_JS = """(videos) => videos.map((v) => ({paused: v.paused, time: v.currentTime,
  ready: v.readyState, width: v.videoWidth, duration: v.duration}))"""


def _states(compare: Any) -> list[dict[str, Any]]:
    return compare.locator("video").evaluate_all(STATE_JS)  # type: ignore[no-any-return]


def _wait(nb: NotebookPage, compare: Any, predicate_js: str, what: str) -> None:
    handle = compare.element_handle()
    try:
        nb.page.wait_for_function(
            "(box) => { const vs = [...box.querySelectorAll('video')];"
            f" return vs.length === 3 && ({predicate_js}); }}",
            arg=handle,
            timeout=30_000,
        )
    except Exception as exc:
        raise AssertionError(f"compared videos never {what}: {_states(compare)}") from exc


def test_prompt_lab_runs_and_compares_in_sync(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook([SETUP, REPORT, SEEK])
    nb.run_all()
    out = nb.output(0)
    lab = out.locator(".sw-lab")
    lab.wait_for(timeout=60_000)
    # the plan is shown before anything runs
    summary = lab.locator(".sw-lab-summary")
    assert summary.text_content() == "3 videos · estimated $3.60 · budget $5.00: 3 will run ($3.60)"

    lab.get_by_role("button", name="Run", exact=True).click()
    cells = lab.locator(".sw-lab-cell[data-status='completed']")
    cells.nth(2).wait_for(timeout=120_000)
    assert cells.count() == 3
    # After the run the summary is priced again (nothing left to run), and the money is said to
    # be simulated.
    expect(summary).to_contain_text("budget $5.00 ($3.60 already sent): 0 will run", timeout=30_000)
    expect(lab.locator(".sw-lab-spent")).to_have_text("sent so far: $3.60 (simulated)")
    # Cards are counted from 1, as people count.
    assert lab.get_by_label("Compare variant 1", exact=True).count() == 1
    assert lab.get_by_label("Compare variant 0", exact=True).count() == 0
    # the sizes offered and the status words come from Python (model catalog, models.task.Status)
    assert lab.get_by_label("Size Landscape 1280×720").is_checked()
    assert not lab.get_by_label("Size Portrait 720×1280").is_checked()
    assert cells.first.locator(".sw-lab-cell-status").text_content().startswith("Completed · ")
    # finished videos appear in the grid as they complete (first-frame thumbnails)
    for i in range(3):
        thumb = lab.locator("img.sw-lab-thumb").nth(i)
        thumb.wait_for(timeout=30_000)
        nb.page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
        assert thumb.evaluate("(img) => [img.naturalWidth, img.naturalHeight]") == [320, 180]
    # the timeline is drawn inline (theme colours), one row per job
    lab.locator(".sw-lab-timeline svg rect.run").nth(2).wait_for(timeout=30_000)

    # after the run the finished videos are side by side, drawn by the lab's own front end
    compare = out.locator(".sw-lab-compare-view")
    compare.locator(".sw-lab-tile video").nth(2).wait_for(timeout=30_000)
    captions = compare.locator(".sw-lab-tile-caption").all_text_contents()
    assert captions == ["light: dusk", "light: dawn", "light: noon"]
    for i in range(3):
        state = nb.wait_for_video(compare.locator("video").nth(i))
        assert (state["videoWidth"], state["error"]) == (1280, None), state

    videos = compare.locator("video")
    # play one: all play
    videos.nth(1).evaluate("(v) => v.play()")
    _wait(nb, compare, "vs.every((v) => !v.paused)", "all played")
    # pause another: all pause
    videos.nth(2).evaluate("(v) => v.pause()")
    _wait(nb, compare, "vs.every((v) => v.paused)", "all paused")
    # seek the first: all follow
    videos.nth(0).evaluate("(v) => { v.currentTime = 2.5; }")
    _wait(nb, compare, "vs.every((v) => Math.abs(v.currentTime - 2.5) < 0.05)", "followed a seek to 2.5 s")
    # seek a follower: the leader and the others follow too
    videos.nth(2).evaluate("(v) => { v.currentTime = 0.5; }")
    _wait(nb, compare, "vs.every((v) => Math.abs(v.currentTime - 0.5) < 0.05)", "followed a seek to 0.5 s")
    # a person seeks a follower while it is still being moved to the leader (the browser then
    # fires one "seeked", for the last seek): it is the person's seek, and all follow it
    moved = videos.evaluate_all(
        """(vs) => new Promise((resolve) => {
          const onSeeking = () => { vs[2].currentTime = 1.5; resolve(true); };
          vs[2].addEventListener("seeking", onSeeking, { once: true });
          vs[0].currentTime = 3.0;
          setTimeout(() => resolve(false), 20000);
        })"""
    )
    assert moved, f"a seek of the leader to 3.0 s never moved follower 3: {_states(compare)}"
    _wait(nb, compare, "vs.every((v) => Math.abs(v.currentTime - 1.5) < 0.05)", "followed a mid-follow seek")
    # A follower's late "seeked" for a seek this code has already replaced (Chromium fires it
    # while the newer seek is under way: test_chromium_fires_a_superseded_seeks_seeked) is
    # neither this code's nor a person's. Here it reaches follower 2 while it follows the leader
    # to 2.0, and the person then seeks the leader on to 3.0: the person's last seek wins.
    videos.evaluate_all(
        """(vs) => {
          vs[0].addEventListener("seeked", () => {
            vs[1].dispatchEvent(new Event("seeked"));
            vs[0].currentTime = 3.0;
          }, { once: true });
          vs[0].currentTime = 2.0;
        }"""
    )
    _wait(
        nb,
        compare,
        "vs.every((v) => Math.abs(v.currentTime - 3.0) < 0.05 && !v.seeking)",
        "followed the person's last seek past a superseded seek's late event",
    )
    # seek from Python moves all, and a seek never starts playback
    nb.run_cell(2)
    _wait(nb, compare, "vs.every((v) => Math.abs(v.currentTime - 1) < 0.05)", "followed lab.seek_all(1.0)")
    assert all(s["paused"] for s in _states(compare))
    compare.locator("button[title='Play all compared videos']").click()
    _wait(nb, compare, "vs.every((v) => !v.paused)", "all played from the Play all button")
    compare.locator("button[title='Pause all compared videos']").click()
    _wait(nb, compare, "vs.every((v) => v.paused)", "all paused from the Pause all button")

    # favourite from the compare grid lands on the Video objects in the kernel
    compare.locator("button[title='Favourite variant 2']").click()
    lab.locator("button[aria-label='Favourite variant 2'][aria-pressed='true']").wait_for(timeout=30_000)
    nb.run_cell(1)
    assert nb.output(1).inner_text().strip() == (
        "['completed', 'completed', 'completed'] [False, True, False] [0, 1, 2]"
    )
    # An edit after the run: "noon" becomes "fog" (typed). The cards still show the last run,
    # and say what Run will do: noon's card goes, and the summary names the new variant.
    values = lab.get_by_label("Values for {light}, one per line")
    values.click()
    nb.page.keyboard.press("Control+End")
    for _ in "noon":
        nb.page.keyboard.press("Backspace")
    values.press_sequentially("fog", delay=60)
    expect(summary).to_contain_text("1 will run ($1.20) · new on Run: light: fog", timeout=30_000)
    noon = lab.locator(".sw-lab-cell", has_text="light: noon")
    expect(noon).to_have_attribute("data-next", "dropped")
    expect(noon.locator(".sw-lab-cell-status")).to_contain_text("edited out: goes on Run")
    assert lab.locator(".sw-lab-cell[data-next='']").count() == 2  # dusk and dawn: reused as they are
    nb.screenshot("prompt-lab-after-edit", target=lab)
    assert nb.js_errors == []
    nb.screenshot("prompt-lab-light")
    nb.set_theme("dark")
    nb.screenshot("prompt-lab-dark")
    nb.set_theme("light")


QUICK = """\
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="instant"))
lab = sw.PromptLab(client, template="A red fox in fresh snow, {light}", slots={"light": ["dusk"]},
                   sizes=["1280x720"], seconds=[4])
lab
"""


def test_run_pressed_right_after_typing_runs_what_the_page_shows(open_notebook: Any) -> None:
    report = "print([(j.variant.values['light'], j.status) for j in lab.lab.jobs])"
    nb: NotebookPage = open_notebook([QUICK, report])
    nb.run_one(0)
    lab = nb.output(0).locator(".sw-lab")
    values = lab.get_by_label("Values for {light}, one per line")
    values.click()
    nb.page.keyboard.press("Control+End")
    nb.page.keyboard.press("Enter")
    values.press_sequentially("noon", delay=20)
    # Run at once, inside the box's save debounce: the press carries the sweep the page shows
    # (before, the older sweep ran: one video, and "noon" was left for the next Run).
    lab.get_by_role("button", name="Run", exact=True).click()
    expect(lab.locator(".sw-lab-cell[data-status='completed']")).to_have_count(2, timeout=60_000)
    nb.run_one(1)
    assert nb.printed(1) == "[('dusk', 'completed'), ('noon', 'completed')]"
    assert nb.js_errors == []


def test_chromium_fires_a_superseded_seeks_seeked(page: Any, tmp_path: Path) -> None:
    """The premise of the compare view's ``video.seeking`` check, on the browser the tests use.

    A seek started after the previous seek ended, but before that seek's "seeked" event ran,
    gets two "seeked" events: the old one first, fired while the video is seeking again (its
    currentTime already the new target), then its own. A view that took the first for the end
    of the newer seek would take the second for a person's (test above).
    """
    mp4 = write_test_mp4(tmp_path / "clip.mp4", frames=96)  # 4 s at 24 fps
    page.set_content("<video muted preload='auto'></video>")
    page.evaluate(
        """async (b64) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const v = document.querySelector("video");
          v.src = URL.createObjectURL(new Blob([bytes], { type: "video/mp4" }));
          await new Promise((resolve) => v.addEventListener("loadeddata", resolve, { once: true }));
        }""",
        base64.b64encode(mp4.read_bytes()).decode("ascii"),
    )
    events = page.evaluate(
        """() => new Promise((resolve) => {
          const v = document.querySelector("video");
          const log = [];
          const note = (e) => log.push([e.type, Math.round(v.currentTime * 10) / 10, v.seeking]);
          v.addEventListener("seeking", note);
          v.addEventListener("seeked", note);
          // "timeupdate" runs when the seek has ended, before its "seeked" (queued behind it).
          v.addEventListener("timeupdate", () => { v.currentTime = 0.5; }, { once: true });
          v.addEventListener("seeked", () => { if (!v.seeking) resolve(log); });
          v.currentTime = 2.5;
          setTimeout(() => resolve(log), 20000);
        })"""
    )
    assert events == [
        ["seeking", 2.5, True],
        ["seeked", 0.5, True],  # the replaced seek's, late
        ["seeking", 0.5, True],
        ["seeked", 0.5, False],
    ], events
