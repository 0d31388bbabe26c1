"""A long session in a real JupyterLab: the prompt box keeps syncing while a cell is busy, players
give their media back when outputs are cleared, long Galleries paint each tile once and hold
images only for the tiles in view, and finished status bars leave nothing behind.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from .conftest import NotebookPage
from .test_widgets_browser import _printed

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Recorded in the page before JupyterLab loads: Blob URLs made and revoked, <video> elements
# that loaded something, and every strip tile ever added to the document.
PAGE_PROBES = """
(() => {
  const made = new Map();
  const revoked = new Set();
  const create = URL.createObjectURL.bind(URL);
  const revoke = URL.revokeObjectURL.bind(URL);
  URL.createObjectURL = (obj) => { const u = create(obj); made.set(u, (obj && obj.type) || ""); return u; };
  URL.revokeObjectURL = (u) => { revoked.add(u); return revoke(u); };
  const videos = new Set();
  const load = HTMLMediaElement.prototype.load;
  HTMLMediaElement.prototype.load = function () { videos.add(this); return load.call(this); };
  let tilesAdded = 0;
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType !== 1) continue;
      if (n.matches(".sw-strip-tile")) tilesAdded += 1;
      tilesAdded += n.querySelectorAll(".sw-strip-tile").length;
      // Every <video> that reaches the page, however its source is set (src or load()).
      if (n.matches("video")) videos.add(n);
      for (const v of n.querySelectorAll("video")) videos.add(v);
    }
  }).observe(document, { childList: true, subtree: true });
  window.__sw = {
    blobs: () => [...made].map(([url, type]) => ({ url, type, revoked: revoked.has(url) })),
    videos: () => [...videos].map((v) => ({ src: v.getAttribute("src") || "", current: v.currentSrc,
                                             ready: v.readyState, connected: v.isConnected })),
    tilesAdded: () => tilesAdded,
  };
})();
"""

STUDIO = """\
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="demo"))
studio = sw.Studio(client)
studio
"""


def test_prompt_box_typing_during_a_busy_cell_reaches_the_kernel(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook(
        [
            STUDIO,
            "import asyncio\n"
            "job = studio.generate(prompt='A lighthouse in fog', size='landscape')\n"
            "await asyncio.sleep(20)\nvideo = await job\nprint('done')",
            "print(repr(studio.builder.text), repr(studio.builder.prompt))",
        ]
    )
    nb.run_one(0)
    studio = nb.output(0)
    box = studio.get_by_label("Prompt")
    box.wait_for(timeout=60_000)
    box.click()
    box.press_sequentially("xyzz", delay=60)
    # The cell awaits a generation (demo speed: seconds); type on meanwhile, with real keys.
    nb.page.evaluate(
        "() => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = 1;"
        " nb.activeCell.model.executionCount = null; }"
    )
    nb.command("notebook:run-cell")
    nb.page.wait_for_timeout(1000)  # the cell has started awaiting (it takes 5-15 s)
    box.click()
    nb.page.keyboard.press("End")
    for key in "zzzQQ":
        nb.page.keyboard.press(key)
        nb.page.wait_for_timeout(150)
    assert box.input_value() == "xyzzzzzQQ"
    assert box.evaluate("(el) => document.activeElement === el")
    # Wait for the busy cell to end, then ask the kernel what it holds.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "done" not in (nb.output(1).text_content() or ""):
        nb.page.wait_for_timeout(250)
    out = ""
    for _ in range(20):
        nb.run_one(2)
        out = _printed(nb, 2).strip()
        if out.startswith("'xyzzzzzQQ'"):
            break
        nb.page.wait_for_timeout(500)
    assert out == "'xyzzzzzQQ' 'xyzzzzzQQ'"
    # The page still shows what was typed (no older value came back over it).
    assert box.input_value() == "xyzzzzzQQ"


# The kernel answers the last keys with the text from before them, as a slow kernel does when it
# applies a form the page sent at an earlier pause (it comes back as an ordinary update, which
# ipywidgets does not filter as it filters echoes). It lands after the last key and before the
# page's own form goes out: the page must send, and keep, what it shows.
OLDER_TEXT_BACK = """\
import sora_widgets as sw
builder = sw.PromptBuilder()
answered = []
def older_text_back(change):
    if change["new"] == "Wide shot of a fox" and not answered:
        answered.append(change["new"])
        builder.text = "Wide shot of a"
builder.observe(older_text_back, "text")
builder
"""


def test_an_older_text_from_the_kernel_after_the_last_key_loses_no_keys(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook([OLDER_TEXT_BACK, "print(repr(builder.text), answered)"])
    nb.run_one(0)
    box = nb.output(0).get_by_label("Prompt")
    box.wait_for(timeout=60_000)
    box.click()
    box.press_sequentially("Wide shot of a fox", delay=30)
    out = ""
    for _ in range(40):  # until the kernel holds the page's text again (it did get the older one)
        nb.run_one(1)
        out = nb.printed(1)
        if out == "'Wide shot of a fox' ['Wide shot of a fox']":
            break
        nb.page.wait_for_timeout(250)
    assert out == "'Wide shot of a fox' ['Wide shot of a fox']"
    # No key was lost in the page either (before the fix both ended at "Wide shot of a").
    assert box.input_value() == "Wide shot of a fox"
    assert nb.js_errors == []


def test_players_give_their_media_back_when_outputs_are_cleared(open_notebook: Any, page: Any) -> None:
    page.add_init_script(PAGE_PROBES)
    nb: NotebookPage = open_notebook(
        [
            "import sora_widgets as sw\nfrom sora_widgets.simulator import Simulator\n"
            "client = sw.SoraClient(connect=Simulator(speed='instant'))\n"
            "video = client.generate_sync(prompt='A red kite', size='1280x720', seconds=4)",
            "sw.VideoPlayer(video)",
            "sw.VideoPlayer(video)",
        ]
    )
    nb.run_all()
    for index in (1, 2):
        state = nb.wait_for_video(nb.output(index).locator("video"))
        assert state["videoWidth"] == 1280, state
    videos = nb.page.evaluate("() => window.__sw.videos()")
    assert len(videos) == 2 and all(v["current"].startswith("blob:") for v in videos), videos
    nb.command("notebook:clear-all-cell-outputs")
    released = "() => window.__sw.videos().every((v) => !v.connected && v.ready === 0 && v.src === '')"
    for _ in range(120):
        if nb.page.evaluate(released):
            break
        nb.page.wait_for_timeout(250)
    assert nb.page.evaluate(released), nb.page.evaluate("() => window.__sw.videos()")
    blobs = [b for b in nb.page.evaluate("() => window.__sw.blobs()") if b["type"] == "video/mp4"]
    assert len(blobs) == 2 and all(b["revoked"] for b in blobs), blobs
    assert nb.js_errors == []


def test_a_long_gallery_paints_each_tile_once_and_holds_only_visible_images(
    open_notebook: Any, page: Any
) -> None:
    page.add_init_script(PAGE_PROBES)
    count = 120
    nb: NotebookPage = open_notebook(
        [
            "import sora_widgets as sw\nfrom sora_widgets.simulator import Simulator\n"
            "client = sw.SoraClient(connect=Simulator(speed='instant'))\n"
            "video = client.generate_sync(prompt='A red kite', size='1280x720', seconds=4)\n"
            "journal = client.journal\n"
            f"for n in range({count - 1}):\n"
            "    entry = journal.record_request(video.request, base_url=client.base_url, simulated=True)\n"
            "    journal.record_video(entry, video.with_changes(task_id=f'copy{n:03d}'))",
            "gallery = sw.Gallery(client, limit=500)\ngallery",
        ]
    )
    nb.run_all()
    gallery = nb.output(1)
    tiles = gallery.locator(".sw-strip-tile")
    expect(tiles).to_have_count(count, timeout=60_000)
    images = gallery.locator(".sw-strip-tile img")
    images.first.wait_for(timeout=60_000)
    nb.page.wait_for_timeout(1500)  # let every thumbnail asked for arrive
    shown = images.count()
    # Each tile was built once, however many thumbnails arrived after it.
    assert nb.page.evaluate("() => window.__sw.tilesAdded()") == count
    # Only tiles on (or near) the screen hold an image.
    assert 0 < shown < count // 2, shown
    # Scrolled to the end: the last tiles get theirs, the first ones let go of theirs.
    tiles.last.scroll_into_view_if_needed()
    gallery.locator(".sw-strip-tile").last.locator("img").wait_for(timeout=30_000)
    # The first tiles let go once the page sees them leave the screen (an observer's callback,
    # later on a busy machine): wait for that rather than reading after a fixed pause.
    expect(tiles.first.locator("img")).to_have_count(0)
    assert images.count() < count // 2
    assert nb.page.evaluate("() => window.__sw.tilesAdded()") == count
    # Thumbnails dropped were revoked, not leaked: live blobs and images, counted in one read
    # (a thumbnail arriving between two reads is neither a leak nor a loss), until they agree.
    agree = (
        "(root) => window.__sw.blobs().filter((b) => b.type === 'image/jpeg' && !b.revoked).length"
        " === root.querySelectorAll('.sw-strip-tile img').length"
    )
    try:
        nb.page.wait_for_function(agree, arg=gallery.element_handle(), timeout=30_000)
    except Exception as exc:
        blobs = [b for b in nb.page.evaluate("() => window.__sw.blobs()") if b["type"] == "image/jpeg"]
        live = [b for b in blobs if not b["revoked"]]
        raise AssertionError(f"{len(live)} live thumbnails for {images.count()} images") from exc
    assert nb.js_errors == []


def test_finished_status_bars_leave_no_widget_in_the_kernel_or_the_page(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook(
        [
            "import sora_widgets as sw\nfrom sora_widgets.simulator import Simulator\n"
            "from ipywidgets.widgets.widget import _instances\n"
            "client = sw.SoraClient(connect=Simulator(speed='instant'))\n"
            "studio = sw.Studio(client)\nstudio",
            "before = len(_instances)\n"
            "for n in range(3):\n"
            "    await studio.generate(prompt=f'A kite number {n}')\n"
            "import asyncio; await asyncio.sleep(0.1)\n"
            "print(len(_instances) - before, len(studio.status_bars), len(studio.results))",
        ]
    )
    nb.run_all()
    assert _printed(nb, 1).strip() == "0 0 3"
    studio = nb.output(0)
    expect(studio.locator(".sw-strip-tile")).to_have_count(3, timeout=30_000)
    expect(studio.locator(".sw-status")).to_have_count(0, timeout=30_000)
    # The new video is not pushed below the fold by finished bars: the player sits right under
    # the form (the bars' box is empty).
    assert studio.locator(".sw-studio-bars").evaluate("(el) => el.getBoundingClientRect().height") < 5
