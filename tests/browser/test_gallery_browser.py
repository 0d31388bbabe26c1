"""The Gallery in JupyterLab (headless Chromium): one anywidget drawing its tiles and player.

A journal with two simulated videos and a failure; the Gallery as a cell's last expression lists
them, a click on a tile plays the decoded video, a click on the failure explains it (the player
steps aside), typing in the search box (real key presses) filters in Python.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import NotebookPage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = """\
import sora_widgets as sw
from sora_widgets.errors import GenerationFailed
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="instant"))
kite = client.generate_sync(prompt="A red kite over a beach at dusk", size="1280x720", seconds=4)
fox = client.generate_sync(prompt="A fox in fresh snow", size="720x1280", seconds=4)
try:
    client.generate_sync(prompt="A kite over the sea [sim:fail=097]", size="1280x720", seconds=4)
except GenerationFailed:
    pass
"""
# Pause between keystrokes, longer than the front end's input handling needs.
KEY_DELAY_MS = 60


def test_the_gallery_lists_plays_explains_and_filters(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook(
        [SETUP, "gallery = sw.Gallery(client)\ngallery", "print(len(gallery.entries), repr(gallery.search))"]
    )
    nb.run_one(0)
    nb.run_one(1)
    gallery = nb.output(1)
    # One widget view: no ipywidgets box around the parts any more.
    expect(gallery.locator(".sw-gallery")).to_have_count(1, timeout=60_000)
    assert gallery.locator(".widget-vbox").count() == 0
    tiles = gallery.locator(".sw-strip-tile")
    expect(tiles).to_have_count(3, timeout=60_000)
    expect(gallery.locator(".sw-gal-count")).to_have_text("3 requests, 2 videos")

    # A click on the kite's tile plays it: decoded, and time moves on.
    video = gallery.locator(".sw-player video")
    before = nb.video_src(video)
    gallery.locator(".sw-strip-tile", has_text="A red kite").click()
    state = nb.wait_for_video(video, replacing=before)
    assert (state["readyState"] >= 2, state["videoWidth"], state["videoHeight"], state["error"]) == (
        True,
        1280,
        720,
        None,
    ), state
    handle = video.element_handle()
    handle.evaluate("(v) => { v.muted = true; return v.play(); }")
    nb.page.wait_for_function("(v) => v.currentTime > 0.2", arg=handle, timeout=30_000)
    expect(gallery.locator(".sw-player-facts")).to_contain_text("1280 × 720")
    gallery.locator(".sw-strip-tile img").first.wait_for(timeout=30_000)  # thumbnails arrived
    nb.screenshot("gallery-light", target=gallery)
    nb.set_theme("dark")
    nb.screenshot("gallery-dark", target=gallery)
    nb.set_theme("light")

    # The failure explains itself; the player steps aside (nothing to play).
    gallery.locator(".sw-strip-tile[data-status='failed']").click()
    details = gallery.locator(".sw-gal-detail")
    expect(details).to_be_visible(timeout=30_000)
    expect(details).to_contain_text("002999097")
    expect(gallery.locator(".sw-gal-player")).to_be_hidden()
    nb.screenshot("gallery-failure-light", target=gallery)

    # Typing in the search box (real key presses) filters in Python; the video plays again.
    search = gallery.get_by_label("Search")
    search.click()
    search.press_sequentially("fox", delay=KEY_DELAY_MS)
    expect(tiles).to_have_count(1, timeout=30_000)
    expect(gallery.locator(".sw-gal-count")).to_have_text("1 request, 1 video")
    # The wait reads the player only once its source is no longer the kite's: the check used to
    # read the kite (still decoded) before the fox arrived on a busy machine.
    before = nb.video_src(video)
    video.evaluate("(v) => v.pause()")
    # A short window, as with a long list: the player starts below the visible area. The click
    # brings it into view, and it plays.
    nb.page.set_viewport_size({"width": 1280, "height": 480})
    tiles.first.scroll_into_view_if_needed()
    tiles.first.click()
    state = nb.wait_for_video(video, replacing=before)
    assert (state["videoWidth"], state["videoHeight"], state["error"]) == (720, 1280, None), state
    nb.page.wait_for_function(
        "(v) => !v.paused && v.currentTime > 0.1", arg=video.element_handle(), timeout=30_000
    )
    box = video.bounding_box()
    assert box is not None and box["y"] < 480 and box["y"] + box["height"] > 0, box  # on screen
    nb.screenshot("gallery-click-plays-in-view")
    nb.run_one(2)
    assert nb.printed(2) == "1 'fox'"
    assert nb.js_errors == []
