"""Studio, player and gallery in a real browser (JupyterLab and Notebook 7, headless Chromium).

The kernel uses the in-process simulator at "instant" speed; Chromium decodes the real H.264
files that reach it over the widgets' binary channel.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from ._assert import assert_controls_named, assert_video_plays
from .conftest import NotebookPage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = """\
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="instant"))
studio = sw.Studio(client)
studio
"""


def _wait_video(nb: NotebookPage, handle: Any, predicate: str) -> None:
    try:
        nb.page.wait_for_function(f"(v) => {predicate}", arg=handle, timeout=30_000)
    except Exception as exc:
        state = handle.evaluate(
            "(v) => ({paused: v.paused, time: v.currentTime, muted: v.muted, loop: v.loop,"
            " ready: v.readyState, seeking: v.seeking, events: v._events})"
        )
        raise AssertionError(f"video never got to {predicate}: {state}") from exc


def _eventually_prints(nb: NotebookPage, index: int, ok: Any, attempts: int = 20) -> None:
    """Run a cell that prints widget state until it shows ``ok``.

    The browser's reports reach the kernel asynchronously (ipywidgets queues them while earlier
    messages are in flight), so a cell run just after a browser event may see the older value.
    """
    out = ""
    for _ in range(attempts):
        nb.run_one(index)
        out = _printed(nb, index).strip()
        if ok(out):
            return
        nb.page.wait_for_timeout(250)
    raise AssertionError(f"cell {index} kept printing {out!r}")


def _wait_phase(studio: Any, phase: str, count: int = 1, timeout: int = 120_000) -> None:
    if phase == "succeeded":
        # A finished generation's status bar is folded into the strip: its tile is what stays.
        target = studio.locator(".sw-strip-tile[data-status='completed']").nth(count - 1)
    else:
        target = studio.locator(f".sw-status[data-phase='{phase}']").nth(count - 1)
    try:
        target.wait_for(timeout=timeout)
    except Exception as exc:
        # Say what the Studio showed instead: its alerts, status bars and tiles.
        shown = studio.evaluate(
            """(el) => ({
                alerts: [...el.querySelectorAll('[role=alert]')].map((n) => n.textContent).filter(Boolean),
                bars: [...el.querySelectorAll('.sw-status')].map((n) => [n.dataset.phase, n.textContent]),
                tiles: [...el.querySelectorAll('.sw-strip-tile')].map((n) => n.dataset.status),
                buttons: [...el.querySelectorAll('.sw-pb button')].map((n) => [n.textContent, n.disabled]),
            })"""
        )
        raise AssertionError(f"no {phase!r} #{count} within {timeout} ms; the Studio showed {shown}") from exc


def _printed(nb: NotebookPage, index: int) -> str:
    return str(nb.output(index).locator(".jp-OutputArea-output").last.text_content(timeout=30_000))


def test_studio_generate_watch_play_remix_gallery(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook(
        [
            SETUP,
            "print(len(studio.results), studio.last.request.remix_video_id == studio.results[0].remix_id)",
            "studio.last",
            "gallery = sw.Gallery(client)\ngallery",
            "import pathlib; print(sum(p.stat().st_size for p in client.download_dir.glob('*.mp4')))",
        ]
    )
    nb.run_one(0)
    studio = nb.output(0)
    studio.locator(".sw-studio-header").wait_for(timeout=60_000)
    assert studio.locator(".sw-badge-sim").first.is_visible()

    # Fill the form the way a user does: labelled controls, then Generate. With no prompt yet,
    # Generate waits and says why.
    generate = studio.get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_disabled()
    expect(studio.locator(".sw-pb-empty")).to_have_text("Type a prompt to generate")
    studio.get_by_label("Prompt").press_sequentially(
        "Wide shot of a red kite over a beach at dusk, slow dolly in"
    )
    studio.get_by_label("Landscape 1280×720").check()
    studio.get_by_label("8 s").check()
    expect(studio.locator(".sw-pb-price")).to_contain_text("$2.40", timeout=30_000)
    expect(generate).to_be_enabled()
    expect(studio.locator(".sw-pb-empty")).to_be_hidden()
    # A double click starts one generation; a second one is a deliberate "Generate again".
    generate.dblclick()
    expect(studio.get_by_role("button", name="Generate again ($2.40)")).to_be_visible(timeout=30_000)
    nb.screenshot("studio-generate-again-light", target=studio.locator(".sw-pb"))

    _wait_phase(studio, "succeeded")
    # The finished status bar was folded into the strip and its widget closed: none is left.
    expect(studio.locator(".sw-status")).to_have_count(0, timeout=30_000)

    video = studio.locator(".sw-player video")
    state = assert_video_plays(nb, video)
    assert state["src"].startswith("blob:")
    assert abs(state["duration"] - 8.0) < 0.5
    facts = studio.locator(".sw-player-facts").text_content()
    assert "1280 × 720" in str(facts) and "8 s" in str(facts) and "$2.40" in str(facts)
    # Only tiles on (or near) the screen hold a thumbnail: scroll to the strip as a person would.
    studio.locator(".sw-strip-tile").first.scroll_into_view_if_needed()
    studio.locator(".sw-strip-tile img").first.wait_for(timeout=30_000)  # thumbnail arrived
    lower = studio.locator(".sw-player, .sw-strip")
    nb.screenshot("studio-light", target=studio)
    studio.locator(".sw-strip").scroll_into_view_if_needed()
    nb.screenshot("studio-player-light", target=studio.locator(".sw-player"))
    nb.screenshot("studio-strip-light", target=studio.locator(".sw-strip"))
    nb.set_theme("dark")
    nb.screenshot("studio-dark", target=studio)
    nb.screenshot("studio-player-dark", target=studio.locator(".sw-player"))
    nb.screenshot("studio-strip-dark", target=studio.locator(".sw-strip"))
    nb.set_theme("light")
    assert lower.count() == 2

    # Remix from the result: the player's Remix button picks the source in the form.
    studio.locator(".sw-player").get_by_role("button", name="Remix").click()
    remix_select = studio.get_by_label("Remix of")
    nb.page.wait_for_function("(s) => s.value !== ''", arg=remix_select.element_handle(), timeout=30_000)
    prompt = studio.get_by_label("Prompt")
    prompt.click()
    nb.page.keyboard.press("Control+A")  # replacing the text on purpose, as a person does
    prompt.press_sequentially("The same kite at night under a full moon")
    expect(studio.get_by_role("button", name="Generate again ($2.40)")).to_be_hidden()  # a new request
    generate.click()
    _wait_phase(studio, "succeeded", count=2)
    studio.locator(".sw-strip-tile").nth(1).wait_for(timeout=30_000)
    nb.run_one(1)
    assert _printed(nb, 1).strip() == "2 True"

    # A Video as the last expression of a cell is a player.
    nb.run_one(2)
    shown = nb.output(2).locator(".sw-player video")
    state = nb.wait_for_video(shown)
    assert (state["videoWidth"], state["error"]) == (1280, None), state

    # The gallery lists both from the journal and replays the one clicked.
    nb.run_one(3)
    gallery = nb.output(3)
    tiles = gallery.locator(".sw-strip-tile")
    tiles.nth(1).wait_for(timeout=30_000)
    assert tiles.count() == 2
    before = nb.video_src(gallery.locator(".sw-player video"))
    tiles.nth(1).click()
    state = nb.wait_for_video(gallery.locator(".sw-player video"), replacing=before)
    assert (state["videoWidth"], state["error"]) == (1280, None), state
    nb.screenshot("gallery-light", target=gallery)
    nb.set_theme("dark")
    nb.screenshot("gallery-dark", target=gallery)
    nb.set_theme("light")

    # Every control of every widget on the page has a name a screen reader can say.
    assert_controls_named(nb, ".sw-root")
    assert nb.page.locator(".sw-root input, .sw-root button").count() > 20

    # The saved notebook does not carry the videos.
    nb.run_one(4)
    video_bytes = int(_printed(nb, 4).strip())
    saved = nb.save().read_bytes()
    assert video_bytes > 100_000
    assert len(saved) < video_bytes / 2, (len(saved), video_bytes)
    assert b"AAAAIGZ0eXBpc29t" not in saved and b"ftypisom" not in saved  # no MP4, raw or base64
    assert nb.js_errors == []


def test_image_to_video_with_an_uploaded_image(open_notebook: Any, tmp_path: Path) -> None:
    photo = tmp_path / "beach.jpg"
    Image.new("RGB", (1600, 1200), (30, 90, 160)).save(photo, format="JPEG")
    nb: NotebookPage = open_notebook([SETUP, "print(studio.last.model, studio.last.size)"])
    nb.run_one(0)
    studio = nb.output(0)
    studio.locator(".sw-studio-header").wait_for(timeout=60_000)
    studio.get_by_label("Prompt").press_sequentially("The waves start rolling in, gentle camera push")
    studio.get_by_label("Portrait 720×1280").check()
    # The hidden file input is no Tab stop: Shift+Tab from "Choose image…" leaves the field.
    studio.get_by_role("button", name="Choose image…").focus()
    nb.page.keyboard.press("Shift+Tab")
    assert nb.page.evaluate("() => document.activeElement?.type") != "file"
    studio.get_by_label("Reference image (optional)").set_input_files(str(photo))
    preview = studio.get_by_role("img", name="Reference image as it will be sent")
    nb.page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=preview.element_handle(), timeout=30_000
    )
    size = preview.evaluate("(img) => [img.naturalWidth, img.naturalHeight]")
    assert size == [720, 1280]
    expect(studio.locator(".sw-pb-notes")).to_contain_text("cover-cropped from 1600x1200 to 720x1280")
    expect(studio.locator(".sw-pb-price")).to_contain_text("Image to Video")
    nb.screenshot("builder-image-light", target=studio.locator(".sw-pb"))
    nb.set_theme("dark")
    nb.screenshot("builder-image-dark", target=studio.locator(".sw-pb"))
    nb.set_theme("light")
    studio.get_by_role("button", name="Generate").click()
    _wait_phase(studio, "succeeded")
    state = nb.wait_for_video(studio.locator(".sw-player video"))
    assert (state["videoWidth"], state["videoHeight"], state["error"]) == (720, 1280, None), state
    nb.run_one(1)
    assert _printed(nb, 1).strip() == "sora_2_pro_i2v 720x1280"


def test_failure_is_explained_in_the_status_bar(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook([SETUP])
    nb.run_one(0)
    studio = nb.output(0)
    studio.locator(".sw-studio-header").wait_for(timeout=60_000)
    # The shot fields compose the prompt as one types.
    studio.get_by_text("Shot details (optional)").click()
    studio.get_by_label("Shot type").press_sequentially("Wide shot")
    studio.get_by_label("Subject").press_sequentially("a red kite")
    studio.get_by_label("Lighting").press_sequentially("golden hour")
    expect(studio.locator(".sw-pb-composed")).to_have_text(
        "Will be sent: Wide shot of a red kite. Lighting: golden hour.", timeout=30_000
    )
    nb.screenshot("builder-shot-details-light", target=studio.locator(".sw-pb"))
    for name in ("Shot type", "Subject", "Lighting"):  # emptied as a person does: select all, delete
        studio.get_by_label(name).click()
        nb.page.keyboard.press("Control+A")
        nb.page.keyboard.press("Backspace")
    studio.get_by_label("Prompt").press_sequentially("A kite over the sea <b>bold</b> [sim:fail=097]")
    studio.get_by_role("button", name="Generate").click()
    _wait_phase(studio, "failed")
    error = studio.locator(".sw-status-error")
    text = str(error.text_content())
    assert "Error 002999097" in text and "HTTP error response" in text and "What to do:" in text
    # The task id is copyable.
    bar = studio.locator(".sw-status").first
    nb.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    bar.get_by_role("button", name="Copy task id").click()
    expect(bar.get_by_role("button", name="Copy task id")).to_have_text("Copied")
    copied = nb.page.evaluate("() => navigator.clipboard.readText()")
    assert copied == bar.get_by_label("Task id", exact=True).input_value() and len(copied) >= 8
    # Server and user text is text, never markup.
    assert studio.locator(".sw-status b, .sw-pb-composed b").count() == 0
    nb.screenshot("status-failed-light", target=studio.locator(".sw-status").first)
    # The whole Studio from its header down (the page, as a person sees it): one widget.
    studio.locator(".sw-studio-header").scroll_into_view_if_needed()
    nb.screenshot("studio-failed-light")
    nb.set_theme("dark")
    nb.screenshot("status-failed-dark", target=studio.locator(".sw-status").first)
    studio.locator(".sw-studio-header").scroll_into_view_if_needed()
    nb.screenshot("studio-failed-dark")
    nb.set_theme("light")

    # After a kernel restart the old Studio says it is disconnected and how to get a live one;
    # its controls take no clicks or keys (it used to look usable and throw "Cannot send").
    offline = studio.locator(".sw-studio-offline")
    assert offline.is_hidden()
    nb.page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    expect(offline).to_be_visible(timeout=60_000)
    expect(offline).to_contain_text("Re-run its cell")
    prompt = studio.get_by_label("Prompt")
    assert prompt.evaluate("(box) => box.closest('[inert]') !== null")
    studio.locator(".sw-studio-header").scroll_into_view_if_needed()
    nb.screenshot("studio-disconnected-light")
    assert not [e for e in nb.js_errors if "Cannot send" in e]


def test_studio_in_notebook_7(open_notebook: Any, jupyter_notebook7: Any) -> None:
    nb: NotebookPage = open_notebook(
        [
            SETUP,
            "video = await studio.generate(prompt='A lighthouse in fog', size='landscape')\n"
            "print(video.size)",
        ],
        server=jupyter_notebook7,
    )
    nb.run_all()
    assert _printed(nb, 1).strip() == "1280x720"
    studio = nb.output(0)
    state = nb.wait_for_video(studio.locator(".sw-player video"))
    assert (state["videoWidth"], state["error"]) == (1280, None), state
    nb.screenshot("studio-notebook7", target=studio)


def test_player_controlled_from_python_and_read_back(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook(
        [
            "import sora_widgets as sw\nfrom sora_widgets.simulator import Simulator\n"
            "client = sw.SoraClient(connect=Simulator(speed='instant'))\n"
            "video = await client.generate(prompt='A red kite at dusk', size='landscape')\n"
            "player = sw.VideoPlayer(video)\nplayer",
            "player.muted = True\nplayer.loop = True\nplayer.play()",
            "print(player.playing, player.current_time > 0, round(player.duration))",
            "player.pause()\nplayer.current_time = 2.0",
            "print(player.playing, round(player.current_time, 1))",
        ]
    )
    nb.run_one(0)
    video = nb.output(0).locator(".sw-player video")
    assert_video_plays(nb, video)
    handle = video.element_handle()
    handle.evaluate(
        "(v) => { v._events = []; for (const e of ['play', 'pause', 'seeking', 'seeked'])"
        " v.addEventListener(e, () => v._events.push([e, v.currentTime])); }"
    )
    nb.run_one(1)
    _wait_video(nb, handle, "!v.paused && v.muted && v.loop && v.currentTime > 0.3")
    _eventually_prints(nb, 2, lambda out: out == "True True 4")
    nb.run_one(3)
    _wait_video(nb, handle, "v.paused && Math.abs(v.currentTime - 2.0) < 0.1")
    _eventually_prints(nb, 4, lambda out: out == "False 2.0")
    # A click in the browser shows up in Python too.
    video.evaluate("(v) => v.play()")
    _wait_video(nb, handle, "!v.paused && v.currentTime > 2.3")
    _eventually_prints(nb, 4, lambda out: out.startswith("True ") and float(out.split()[1]) > 2.0)


def test_a_displayed_player_paints_from_the_bytes_pushed_with_its_display(open_notebook: Any) -> None:
    # The bytes travel ahead of the display message; the view paints from them without asking
    # (no request, no second copy). A second display of the same player asks, and gets them once.
    nb: NotebookPage = open_notebook(
        [
            "import sora_widgets as sw\nfrom sora_widgets.simulator import Simulator\n"
            "client = sw.SoraClient(connect=Simulator(speed='instant'))\n"
            "video = await client.generate(prompt='A red kite at dusk', size='landscape')\n"
            "player = sw.VideoPlayer(video)\nasked = []\n_send = player._send_video\n"
            "player._send_video = lambda: (asked.append(player.version), _send())[1]\nplayer",
            "print(player._view_ready, player._pushed_version == player.version, len(asked))",
            "player",
        ]
    )
    nb.run_one(0)
    state = nb.wait_for_video(nb.output(0).locator(".sw-player video"))
    assert (state["videoWidth"], state["error"]) == (1280, None), state
    _eventually_prints(nb, 1, lambda out: out.startswith("True "))
    assert _printed(nb, 1).strip() == "True True 0"
    nb.run_one(2)
    state = nb.wait_for_video(nb.output(2).locator(".sw-player video"))
    assert (state["videoWidth"], state["error"]) == (1280, None), state
    _eventually_prints(nb, 1, lambda out: out == "True True 1")


CANARY = "sk-canary-browser-5f0e1d2c3b4a69788796"


def test_saved_notebook_with_widget_state_has_no_key_and_no_video(open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook(
        [
            # The key comes from a file, as from a secret store: it is not in the notebook's source.
            "import pathlib\nimport sora_widgets as sw\nfrom sora_widgets.simulator import Simulator\n"
            "key = pathlib.Path('key.txt').read_text().strip()\n"
            "client = sw.SoraClient(key, connect=Simulator(speed='instant'))\n"
            "studio = sw.Studio(client)\nstudio",
            "video = await studio.generate(prompt='A red kite at dusk', size='landscape')\n"
            "print(video.path.stat().st_size)",
            "video",
        ]
    )
    (nb.path.parent / "key.txt").write_text(CANARY)
    # Save the widget state with the notebook too (JupyterLab's "Save Widget State Automatically").
    nb.command("@jupyter-widgets/jupyterlab-manager:saveWidgetState")
    try:
        nb.run_one(0)
        nb.output(0).locator(".sw-studio-header").wait_for(timeout=60_000)
        nb.run_one(1)
        size = int(_printed(nb, 1).strip())
        nb.run_one(2)
        state = nb.wait_for_video(nb.output(2).locator(".sw-player video"))
        assert (state["videoWidth"], state["error"]) == (1280, None), state
        saved = nb.save().read_bytes()
        notebook = json.loads(saved)
        widget_state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
        assert len(widget_state) > 5  # the state really was saved
        assert CANARY.encode() not in saved
        assert b"ftypisom" not in saved and b"AAAAIGZ0eXBpc29t" not in saved
        # The players are in the state, their videos are not.
        assert len(saved) < size, (len(saved), size)
    finally:  # the setting lives on the session's server: leave it as other tests expect
        nb.command("@jupyter-widgets/jupyterlab-manager:saveWidgetState")
