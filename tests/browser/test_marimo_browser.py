"""The widgets in marimo (``marimo run --headless`` + headless Chromium, real key presses).

What a marimo user does today: a ``Video`` as a cell's last expression plays (``_display_``), a
``VideoPlayer`` wrapped in ``mo.ui.anywidget`` plays, typing into a ``PromptBuilder`` reaches
Python, and a ``StatusBar`` follows a generation that runs in the background while later cells
run. The Studio, Gallery and Prompt Lab compare view are ipywidgets boxes, not yet shown in
marimo (README, "In marimo").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from .conftest import ARTIFACTS, JupyterServer, safe_name, stop_server
from .marimo_harness import MarimoPage, start_marimo

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
IMPORTS = """
import marimo as mo
import sora_widgets as sw

client = sw.SoraClient()  # no key in the server's environment: the built-in simulator
"""
# Pause between keystrokes: longer than any debounce in the builder's front end.
KEY_DELAY_MS = 60

# The element that has focus, looking through shadow roots (marimo draws widgets in one).
DEEP_ACTIVE_JS = """
() => { let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement)
  a = a.shadowRoot.activeElement; return a ? a.className : null; }
"""


@pytest.fixture
def open_marimo(
    request: pytest.FixtureRequest, page: Any, tmp_path: Path
) -> Iterator[Callable[..., MarimoPage]]:
    """``open_marimo(cells=None, *, notebook=None) -> MarimoPage``: serve, open, return the page."""
    servers: list[JupyterServer] = []
    artifacts = ARTIFACTS / safe_name(request.node.name)
    artifacts.mkdir(parents=True, exist_ok=True)

    def _open(cells: Sequence[str] | None = None, *, notebook: Path | None = None) -> MarimoPage:
        server = start_marimo(tmp_path, cells, notebook=notebook)
        servers.append(server)
        app = MarimoPage(page=page, server=server, artifacts=artifacts, log=request.node.sora_page_log)
        app.goto()
        return app

    yield _open
    failed = any(getattr(getattr(request.node, f"rep_{w}", None), "failed", False) for w in ("setup", "call"))
    for server in servers:
        if failed:
            (artifacts / "server-marimo.log").write_text(server.log_tail(20_000))
        stop_server(server)


def test_a_video_as_last_expression_and_a_wrapped_player_play(open_marimo: Callable[..., MarimoPage]) -> None:
    app = open_marimo(
        [
            IMPORTS,
            "video = client.generate_sync(prompt='A red kite over a beach', size='1280x720', seconds=4)",
            "video",  # _display_: the player, not the text repr
            "mo.ui.anywidget(sw.VideoPlayer(video, compact=True))",
        ]
    )
    bare = app.wait_for_locator(app.cell(2).locator("video"), "the Video's player")
    wrapped = app.wait_for_locator(app.cell(3).locator("video"), "the wrapped VideoPlayer")
    for video in (bare, wrapped):
        state = app.wait_for_video(video)
        assert state["readyState"] >= 2 and state["error"] is None, state
        assert (state["videoWidth"], state["videoHeight"]) == (1280, 720), state
    assert "Video(" not in app.cell(2).inner_text(), "the text repr was shown instead of the player"
    # It really plays: time moves on after play().
    wrapped.evaluate("(v) => { v.muted = true; return v.play(); }")
    app.wait_for("(v) => v.currentTime > 0.2", "playback to advance", arg=wrapped.element_handle())
    # The filmstrip arrives through a binary message asked for on change:version (onTraits).
    strip = app.cell(2).locator("img.sw-player-filmstrip")
    app.wait_for("(i) => i.naturalWidth > 0", "the filmstrip", arg=strip.element_handle())
    app.screenshot("players")
    assert app.js_errors == []


def test_typing_in_a_prompt_builder_reaches_python(
    open_marimo: Callable[..., MarimoPage], tmp_path: Path
) -> None:
    seen = tmp_path / "root" / "seen.json"
    app = open_marimo(
        [
            IMPORTS,
            f"""
            import json, pathlib
            builder = sw.PromptBuilder()
            def _record(change):
                pathlib.Path({str(seen)!r}).write_text(json.dumps(change["new"]))
            builder.observe(_record, "text")
            mo.ui.anywidget(builder)
            """,
        ]
    )
    box = app.wait_for_locator(app.cell(1).locator("textarea.sw-pb-text"), "the prompt box")
    box.click()
    typed = "Wide shot of a lighthouse in fog"
    box.press_sequentially(typed, delay=KEY_DELAY_MS)
    app.page.keyboard.press("End")
    app.page.wait_for_timeout(500)
    assert "sw-pb-text" in (app.page.evaluate(DEEP_ACTIVE_JS) or ""), "focus left the prompt box"

    def python_has_it() -> bool:
        return seen.exists() and json.loads(seen.read_text()) == typed

    app.wait_until(python_has_it, "Python to receive the typed prompt", timeout_ms=30_000)
    app.screenshot("builder")
    assert app.js_errors == []


def test_a_status_bar_follows_a_background_generation(open_marimo: Callable[..., MarimoPage]) -> None:
    app = open_marimo(
        [
            IMPORTS,
            "bar = sw.StatusBar(label='kite')\nbar",
            """
            task = await client.create(prompt='A red kite over a windy beach', size='1280x720', seconds=4)
            job = bar.watch(task, client)
            """,
            'mo.md(f\'next cell ran; the job was {"done" if job.done() else "still running"}\')',
        ]
    )
    root = app.wait_for_locator(app.cell(1).locator("[data-phase]"), "the status bar")
    root.evaluate(
        "(r) => { window.__phases = [r.dataset.phase]; new MutationObserver(() => {"
        " if (window.__phases.at(-1) !== r.dataset.phase) window.__phases.push(r.dataset.phase); })"
        ".observe(r, { attributes: true, attributeFilter: ['data-phase'] }); }"
    )
    later = app.wait_for_locator(app.cell(3).get_by_text("next cell ran"), "the cell after the generation")
    assert "still running" in later.inner_text(), "the generation blocked the notebook"
    app.wait_for("() => window.__phases.at(-1) === 'succeeded'", "the bar to show success")
    phases = app.page.evaluate("() => window.__phases")
    assert phases[0] in ("idle", "running") and "running" in phases, phases
    assert "kite" in root.inner_text()
    app.screenshot("status-bar")
    assert app.js_errors == []


def test_the_prompt_lab_grid_updates_live(open_marimo: Callable[..., MarimoPage]) -> None:
    """The job grid listens to several traits: one event name per listener, or marimo never tells it."""
    app = open_marimo(
        [
            """
            import marimo as mo
            import sora_widgets as sw
            from sora_widgets.simulator import Simulator

            client = sw.SoraClient(simulator=Simulator(speed="instant"))
            """,
            """
            lab = sw.PromptLab(client, template="A red fox in fresh snow, {light}",
                               slots={"light": ["dusk", "dawn"]}, sizes=["1280x720"], seconds=[4], budget=5)
            lab
            """,
        ]
    )
    lab = app.wait_for_locator(app.cell(1).locator(".sw-lab"), "the Prompt Lab")
    run = lab.get_by_role("button", name="Run the sweep")
    run.focus()
    app.page.keyboard.press("Enter")  # a real key press on the button
    done = lab.locator(".sw-lab-cell[data-status='completed']")
    app.wait_until(lambda: done.count() == 2, "both jobs to show as completed in the grid", 90_000)
    thumbs = lab.locator("img.sw-lab-thumb")
    app.wait_until(lambda: thumbs.count() == 2, "a thumbnail for each finished job")
    app.screenshot("prompt-lab")


def test_the_marimo_quickstart_runs_as_an_app(open_marimo: Callable[..., MarimoPage], tmp_path: Path) -> None:
    notebook = tmp_path / "root" / "quickstart_marimo.py"
    notebook.parent.mkdir(parents=True, exist_ok=True)
    notebook.write_text((REPO_ROOT / "notebooks" / "quickstart_marimo.py").read_text(encoding="utf-8"))
    app = open_marimo(notebook=notebook)
    videos = app.page.locator("video")
    # The Video, its wrapped player, and the kite the StatusBar followed.
    app.wait_until(lambda: videos.count() == 3, "three players", timeout_ms=120_000)
    for i in range(3):
        state = app.wait_for_video(videos.nth(i))
        assert state["readyState"] >= 2 and state["videoWidth"] == 1280, state
    assert app.page.locator("[data-phase='succeeded']").count() == 1
    app.screenshot("quickstart")
    assert app.js_errors == []


# -- Gallery and Storyboard (one anywidget each) ------------------------------------------------

GALLERY_SETUP = """
import marimo as mo
import sora_widgets as sw
from sora_widgets.errors import GenerationFailed
from sora_widgets.simulator import Simulator

client = sw.SoraClient(simulator=Simulator(speed="instant"))
kite = client.generate_sync(prompt="A red kite over a beach at dusk", size="1280x720", seconds=4)
fox = client.generate_sync(prompt="A fox in fresh snow", size="720x1280", seconds=4)
try:
    client.generate_sync(prompt="A kite over the sea [sim:fail=097]", size="1280x720", seconds=4)
except GenerationFailed:
    pass
"""


def _click_plays(app: MarimoPage, cell: Any, tile_text: str, size: tuple[int, int]) -> None:
    """Click the tile whose title has ``tile_text`` and check the player decodes and plays it."""
    cell.locator(".sw-strip-tile", has_text=tile_text).click()
    video = app.wait_for_locator(cell.locator(".sw-gal-player video"), "the Gallery's player")
    app.wait_for(
        "([v, w]) => v.videoWidth === w",
        "the chosen video in the player",
        arg=[video.element_handle(), size[0]],
    )
    state = app.wait_for_video(video)
    assert state["readyState"] >= 2 and state["error"] is None, state
    assert (state["videoWidth"], state["videoHeight"]) == size, state
    video.evaluate("(v) => { v.muted = true; return v.play(); }")
    app.wait_for("(v) => v.currentTime > 0.2", "playback to advance", arg=video.element_handle())


# The colours a widget's text and text box get, looking into marimo's shadow root.
COLOURS_JS = """
(root) => { const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).map(Number);
  const scale = c.startsWith('color(') ? 1 : 255;  // "color(srgb 0.1 0.1 0.1)" or "rgb(25, 25, 25)"
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / scale; };
  const text = getComputedStyle(root.querySelector('.sw-gal-title')).color;
  const box = getComputedStyle(root.querySelector('input[type=search]')).backgroundColor;
  return {text: lum(text), box: lum(box)}; }
"""


def test_a_gallery_as_last_expression_and_wrapped_lists_and_plays(
    open_marimo: Callable[..., MarimoPage], tmp_path: Path
) -> None:
    # marimo follows the system's light or dark scheme (its "system" theme), so both can be seen.
    config = tmp_path / "xdg-config" / "marimo" / "marimo.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[display]\ntheme = "system"\n', encoding="utf-8")
    app = open_marimo(
        [GALLERY_SETUP, "gallery = sw.Gallery(client)\ngallery", "mo.ui.anywidget(sw.Gallery(client))"]
    )
    for index in (1, 2):
        cell = app.cell(index)
        tiles = cell.locator(".sw-strip-tile")
        app.wait_until(lambda tiles=tiles: tiles.count() == 3, f"three tiles in cell {index}")
        assert "Jupyter widgets are not supported" not in cell.inner_text()
        assert "3 requests, 2 videos" in cell.locator(".sw-gal-count").inner_text()
    bare, wrapped = app.cell(1), app.cell(2)
    _click_plays(app, bare, "A red kite", (1280, 720))
    _click_plays(app, wrapped, "A fox", (720, 1280))
    # A failure explains itself and the player steps aside.
    bare.locator(".sw-strip-tile[data-status='failed']").click()
    details = app.wait_for_locator(bare.locator(".sw-gal-detail:visible"), "the failure's details")
    assert "002999097" in details.inner_text()
    app.wait_until(lambda: bare.locator(".sw-gal-player").is_hidden(), "the player to step aside")
    bare.locator(".sw-strip-tile", has_text="A red kite").click()
    app.wait_until(lambda: bare.locator(".sw-gal-player").is_visible(), "the player to come back")
    bare.locator(".sw-strip-tile img").first.wait_for(timeout=30_000)  # thumbnails arrived
    app.wait_for_video(bare.locator(".sw-gal-player video"))
    bare.scroll_into_view_if_needed()
    gallery = bare.locator(".sw-gallery")
    light = gallery.evaluate(COLOURS_JS)
    assert light["text"] < 0.4 < light["box"], light  # dark text, light text box
    app.screenshot("gallery-light", target=bare)
    # In marimo's dark theme the widget takes marimo's colours (no JupyterLab variables there).
    app.page.emulate_media(color_scheme="dark")
    app.wait_for("() => document.body.classList.contains('dark')", "marimo's dark theme")
    app.wait_until(lambda: gallery.evaluate(COLOURS_JS)["text"] > 0.6, "light text in the dark theme")
    dark = gallery.evaluate(COLOURS_JS)
    assert dark["box"] < 0.3, dark
    app.screenshot("gallery-dark", target=bare)
    app.page.emulate_media(color_scheme="light")
    assert app.js_errors == []


def test_a_storyboard_as_last_expression_shows_its_widget(open_marimo: Callable[..., MarimoPage]) -> None:
    app = open_marimo(
        [
            IMPORTS,
            """
            board = sw.Storyboard(client, seconds=4)
            board.add("Wide shot of a lighthouse at dusk, slow push in")
            board.add("Close-up of the lamp turning on, warm light")
            board
            """,
        ]
    )
    cards = app.cell(1).locator(".sw-sb-card")
    app.wait_until(lambda: cards.count() == 2, "the board's two shot cards")
    assert "lighthouse" in cards.first.locator("textarea").input_value()
    assert "Storyboard(" not in app.cell(1).inner_text()  # the widget, not the text repr
    app.screenshot("storyboard")
    assert app.js_errors == []
