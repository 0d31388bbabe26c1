"""The widgets in marimo (``marimo run --headless`` + headless Chromium, real key presses).

What a marimo user does today: a ``Video`` as a cell's last expression plays (``_display_``), a
``VideoPlayer`` wrapped in ``mo.ui.anywidget`` plays, typing into a ``PromptBuilder`` reaches
Python, a ``StatusBar`` follows a generation that runs in the background while later cells
run, and the Studio (one anywidget drawing its parts) types, generates and plays, bare or wrapped;
the Gallery lists and plays; the Prompt Lab runs a typed sweep and compares in sync.
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
    """``open_marimo(cells=None, *, notebook=None, query="") -> MarimoPage``: serve, open, return the page."""
    servers: list[JupyterServer] = []
    artifacts = ARTIFACTS / safe_name(request.node.name)
    artifacts.mkdir(parents=True, exist_ok=True)

    def _open(
        cells: Sequence[str] | None = None, *, notebook: Path | None = None, query: str = ""
    ) -> MarimoPage:
        server = start_marimo(tmp_path, cells, notebook=notebook)
        servers.append(server)
        app = MarimoPage(page=page, server=server, artifacts=artifacts, log=request.node.sora_page_log)
        app.goto(query)
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

            client = sw.SoraClient(connect=Simulator(speed="instant"))
            """,
            """
            lab = sw.PromptLab(client, template="A red fox in fresh snow, {light}",
                               slots={"light": ["dusk", "dawn"]}, sizes=["1280x720"], seconds=[4], budget=5)
            lab
            """,
        ]
    )
    lab = app.wait_for_locator(app.cell(1).locator(".sw-lab"), "the Prompt Lab")
    run = lab.get_by_role("button", name="Run", exact=True)
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
    # The Video, its wrapped player, the kite the StatusBar followed, and the Studio's player.
    app.wait_until(lambda: videos.count() == 4, "four players", timeout_ms=120_000)
    for i in range(4):
        state = app.wait_for_video(videos.nth(i))
        assert state["readyState"] >= 2 and state["videoWidth"] == 1280, state
    # The StatusBar's generation stays shown as done; the Studio's folded into its strip.
    app.wait_until(lambda: app.page.locator("[data-phase='succeeded']").count() == 1, "one finished bar")
    studio = app.page.locator(".sw-studio")
    app.wait_for_locator(studio.locator(".sw-strip-tile[data-status='completed']"), "the Studio's tile")
    assert "lighthouse keeper" in studio.locator(".sw-player").inner_text()
    app.wait_for_locator(app.page.get_by_text("The Studio made"), "the cell that awaited the Studio's job")
    app.screenshot("quickstart")
    assert app.js_errors == []


# Every status line the Studio's bars box shows, as (phase, label) pairs in the order they came:
# the lines live in marimo's shadow root, so the observer watches the box itself.
WATCH_BARS_JS = """
(bars) => {
  window.__seen = [];
  const note = () => {
    for (const line of bars.querySelectorAll('.sw-status')) {
      const entry = [line.dataset.phase, line.querySelector('.sw-status-label').textContent];
      const last = window.__seen.at(-1);
      if (!last || last[0] !== entry[0] || last[1] !== entry[1]) window.__seen.push(entry);
    }
  };
  new MutationObserver(note).observe(bars, { subtree: true, childList: true, attributes: true });
  note();
}
"""


def test_the_studio_types_generates_and_plays_bare_and_wrapped(
    open_marimo: Callable[..., MarimoPage],
) -> None:
    """The Studio is one anywidget: as a cell's last expression and in ``mo.ui.anywidget``."""
    app = open_marimo(
        [
            IMPORTS,
            "studio = sw.Studio(client)\nstudio",  # the simulator at demo speed: seconds per video
            "wrapped = mo.ui.anywidget(sw.Studio(client))\nwrapped",
        ],
        query="?theme=system",  # marimo follows the browser's colour scheme: light, then dark
    )
    bare, wrapped = app.cell(1), app.cell(2)
    for studio in (bare, wrapped):
        app.wait_for_locator(studio.locator(".sw-studio-header .sw-badge-sim"), "the Studio's header")
        # The parts, drawn by the Studio's own front end from its child widgets' models.
        app.wait_for_locator(studio.locator(".sw-studio textarea.sw-pb-text"), "the Studio's prompt box")
        app.wait_for_locator(studio.locator(".sw-studio .sw-player"), "the Studio's player")
        app.wait_for_locator(studio.locator(".sw-studio .sw-strip-empty"), "the Studio's results strip")
    assert "not supported" not in bare.inner_text()

    # Typed with the keyboard, in the wrapped Studio first: focus stays in the box.
    box = wrapped.locator("textarea.sw-pb-text")
    box.click()
    box.press_sequentially("A paper boat", delay=KEY_DELAY_MS)
    app.page.keyboard.press("Enter")  # a new line, not a marimo shortcut
    box.press_sequentially("on a puddle", delay=KEY_DELAY_MS)
    assert box.input_value() == "A paper boat\non a puddle"
    assert "sw-pb-text" in (app.page.evaluate(DEEP_ACTIVE_JS) or ""), "focus left the wrapped prompt box"
    app.wait_for_locator(wrapped.locator(".sw-pb-price", has_text="$"), "the wrapped Studio's price")

    # Then the bare Studio: type, choose landscape, press Generate.
    bars = bare.locator(".sw-studio-bars")
    bars.evaluate(WATCH_BARS_JS)
    prompt = "Wide shot of a red kite over a beach at dusk"
    box = bare.locator("textarea.sw-pb-text")
    box.click()
    box.press_sequentially(prompt, delay=KEY_DELAY_MS)
    bare.get_by_text("Landscape 1280×720").click()
    app.wait_for_locator(bare.locator(".sw-pb-price", has_text="$1.20"), "the price of 4 s")
    bare.get_by_role("button", name="Generate").click()

    # The status line shows the generation running, with its label, then folds into the strip.
    app.wait_until(
        lambda: any(
            p == "running" and prompt[:20] in label for p, label in app.page.evaluate("() => window.__seen")
        ),
        "the status line of the generation, running",
    )
    tile = bare.locator(".sw-strip-tile[data-status='completed']")
    app.wait_for_locator(tile, "the result's tile in the strip", timeout_ms=120_000)
    app.wait_until(lambda: bare.locator(".sw-status").count() == 0, "the finished status line to fold away")
    seen = app.page.evaluate("() => window.__seen")
    phases = [phase for phase, _ in seen]
    assert phases[0] == "running" and "succeeded" in phases, seen

    # The player plays the new video: decoded at the size asked for, and time moves on.
    video = bare.locator(".sw-player video")
    state = app.wait_for_video(video)
    assert (state["readyState"] >= 2, state["videoWidth"], state["videoHeight"], state["error"]) == (
        True,
        1280,
        720,
        None,
    ), state
    assert prompt in bare.locator(".sw-player").inner_text()  # what was typed reached Python
    video.evaluate("(v) => { v.muted = true; return v.play(); }")
    app.wait_for("(v) => v.currentTime > 0.2", "playback to advance", arg=video.element_handle())
    app.wait_for_locator(bare.locator(".sw-studio-counts", has_text="1 done"), "the header's count")

    # The same request again within the minute is a deliberate "Generate again" with its price.
    bare.get_by_role("button", name="Generate", exact=True).click()
    bare.get_by_role("button", name="Generate again ($1.20)").click(timeout=60_000)
    # "Stop watching" in a status line reaches Python through the Studio (the line is a record,
    # not a widget): the job stops, the badge and the line say so and how to pick the task up.
    bare.locator(".sw-status").get_by_role("button", name="Stop watching").click(timeout=60_000)
    stopped = bare.locator(".sw-status[data-phase='stopped']")
    app.wait_for_locator(stopped, "the status line to say it stopped watching")
    assert stopped.locator(".sw-status-badge").inner_text() == "stopped watching"
    assert "client.resume()" in stopped.locator(".sw-status-note").inner_text()
    assert bare.locator(".sw-status").count() == 1  # kept readable until the next generation
    app.screenshot("studio-marimo-stopped-watching")
    # "Watch again", from the keyboard, follows the same task to its tile: no new create.
    again = stopped.get_by_role("button", name="Watch again")
    again.focus()
    app.page.keyboard.press("Enter")
    app.wait_until(
        lambda: bare.locator(".sw-strip-tile[data-status='completed']").count() == 2,
        "the watched-again task's tile",
        timeout_ms=120_000,
    )
    title = bare.locator(".sw-studio-title")
    assert _lightness(title) < 0.3  # dark text on marimo's light page
    app.screenshot("studio-marimo-light")
    # marimo's dark theme: the widgets' colours follow it (marimo defines no --jp-* colours).
    app.page.emulate_media(color_scheme="dark")
    app.wait_until(lambda: _lightness(title) > 0.7, "light text on marimo's dark page")
    assert _lightness(bare.locator(".sw-player-facts")) > 0.5
    app.screenshot("studio-marimo-dark")
    assert app.js_errors == []


def _lightness(locator: Any) -> float:
    """The lightness (0 black .. 1 white) of an element's text colour, as the page computes it."""
    rgb = locator.evaluate("(el) => getComputedStyle(el).color.match(/[\\d.]+/g).slice(0, 3).map(Number)")
    return float(max(rgb) + min(rgb)) / 2 / 255


# -- the Prompt Lab in marimo: a sweep typed with real keys, a live grid, a compare in sync ------

LAB_CELLS = [
    """
    import marimo as mo
    import sora_widgets as sw
    from sora_widgets.simulator import Simulator

    client = sw.SoraClient(connect=Simulator(speed="instant"))
    """,
    """
    lab = sw.PromptLab(client, sizes=["1280x720"], seconds=[4], budget=5)
    lab
    """,
]
# Every status a job card has shown, in order (recorded in the page, inside marimo's shadow root).
RECORD_STATUSES_JS = """(grid) => { window.__labStatuses = [];
  new MutationObserver((changes) => { for (const c of changes) if (c.attributeName === 'data-status')
    window.__labStatuses.push(c.target.dataset.status); })
  .observe(grid, { subtree: true, attributes: true, attributeFilter: ['data-status'] }); }"""


def _screenshot_whole(app: MarimoPage, widget: Any, name: str) -> None:
    """A screenshot of all of ``widget``: marimo paints only what is in the viewport."""
    app.page.set_viewport_size({"width": 1280, "height": 1700})
    widget.scroll_into_view_if_needed()
    app.page.wait_for_timeout(500)
    app.screenshot(name, widget)


def _times(videos: Any) -> list[float]:
    return [float(t) for t in videos.evaluate_all("(vs) => vs.map((v) => v.currentTime)")]


def test_the_prompt_lab_sweep_typed_runs_live_and_compares_in_sync(
    open_marimo: Callable[..., MarimoPage],
) -> None:
    app = open_marimo(LAB_CELLS)
    lab = app.wait_for_locator(app.cell(1).locator(".sw-lab"), "the Prompt Lab")
    # The sweep is typed the way a person types it: the template, then the slot's values.
    template = lab.get_by_label("Prompt template; write slots as {name}")
    template.click()
    template.press_sequentially("A red fox in fresh snow, {light}", delay=KEY_DELAY_MS)
    values = app.wait_for_locator(lab.get_by_label("Values for {light}, one per line"), "the slot box")
    values.click()
    values.press_sequentially("dusk", delay=KEY_DELAY_MS)
    app.page.keyboard.press("Enter")  # a new line in the box, not a notebook shortcut
    values.press_sequentially("dawn", delay=KEY_DELAY_MS)
    app.page.wait_for_timeout(500)  # past the save's debounce: focus must still be in the box
    assert "sw-lab-slot" in str(values.evaluate("(a) => a.parentElement.className")), "slot box replaced"
    assert values.evaluate("(a) => a.getRootNode().activeElement === a"), "the save blurred the slot box"
    summary = lab.locator(".sw-lab-summary")
    app.wait_until(
        lambda: summary.text_content() == "2 videos · estimated $2.40 · budget $5.00: 2 will run ($2.40)",
        "Python to price the typed sweep",
    )

    grid = lab.locator(".sw-lab-grid")
    grid.evaluate(RECORD_STATUSES_JS)
    run = lab.get_by_role("button", name="Run", exact=True)
    run.focus()
    app.page.keyboard.press("Enter")
    done = lab.locator(".sw-lab-cell[data-status='completed']")
    app.wait_until(lambda: done.count() == 2, "both jobs to show as completed in the grid", 90_000)
    seen = app.page.evaluate("() => window.__labStatuses")
    # The grid followed the run as it went, not only its end.
    assert {"waiting", "completed"} <= set(seen) and len(seen) >= 4, seen
    titles = lab.locator(".sw-lab-cell-title").all_text_contents()
    assert titles == ["light: dusk", "light: dawn"]

    # The compare: both videos decoded, side by side, in sync.
    compare = lab.locator(".sw-lab-compare-view")
    videos = compare.locator("video")
    app.wait_until(lambda: videos.count() == 2, "two compared videos")
    for i in range(2):
        state = app.wait_for_video(videos.nth(i))
        assert (state["videoWidth"], state["error"]) == (1280, None), state
    assert compare.locator(".sw-lab-tile-caption").all_text_contents() == ["light: dusk", "light: dawn"]
    # Play one: both play, and time advances in every one of them.
    videos.nth(1).evaluate("(v) => v.play()")
    start = _times(videos)
    app.wait_until(
        lambda: all(t > s + 0.5 for t, s in zip(_times(videos), start, strict=True)),
        f"every compared video to advance from {start}",
    )
    # Pause all (a real click): all stop, at the same moment.
    compare.get_by_title("Pause all compared videos").click()
    app.wait_for("(vs) => vs.every((v) => v.paused)", "all to pause", arg=videos.element_handles())
    app.wait_until(lambda: abs(_times(videos)[0] - _times(videos)[1]) < 0.05, "the videos to line up")
    # Seek a follower in the page: the leader follows.
    videos.nth(1).evaluate("(v) => { v.currentTime = 2.5; }")
    app.wait_until(lambda: all(abs(t - 2.5) < 0.05 for t in _times(videos)), "both at 2.5 s")
    # A still of the frame-by-frame grid seeks from Python (lab.seek_all): both go there.
    frames = compare.locator(".sw-fc")
    still = app.wait_for_locator(frames.locator(".sw-fc-still[data-column='1']"), "the frame grid")
    moment = float(str(frames.locator(".sw-fc-time").nth(1).text_content()).split()[0])
    still.click()
    app.wait_until(
        lambda: all(abs(t - moment) < 0.05 for t in _times(videos)), f"both to go to {moment} from Python"
    )
    app.page.wait_for_timeout(1_000)
    assert all(abs(t - moment) < 0.05 for t in _times(videos)), "a stale report snapped a video back"
    _screenshot_whole(app, lab, "prompt-lab-compare-light")
    assert app.js_errors == []


# The colour of an element's text and the luminance (0 dark .. 1 light) of both.
LUMINANCE_JS = """(node) => { const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => (0.299 * r + 0.587 * g + 0.114 * b) / 255;
  return lum(rgb(getComputedStyle(node).color)); }"""


def test_the_prompt_lab_reads_in_marimos_dark_theme(
    open_marimo: Callable[..., MarimoPage], tmp_path: Path
) -> None:
    """marimo has no --jp-* variables: the lab takes marimo's own theme colours (light text on dark)."""
    config = tmp_path / "xdg-config" / "marimo"
    config.mkdir(parents=True)
    (config / "marimo.toml").write_text('[display]\ntheme = "dark"\n', encoding="utf-8")
    cells = [
        LAB_CELLS[0],
        """
        lab = sw.PromptLab(client, template="A red fox in fresh snow, {light}",
                           slots={"light": ["dusk", "dawn"]}, sizes=["1280x720"], seconds=[4], budget=5)
        await lab.lab.run()
        lab
        """,
    ]
    app = open_marimo(cells)
    lab = app.wait_for_locator(app.cell(1).locator(".sw-lab"), "the Prompt Lab")
    videos = lab.locator(".sw-lab-compare-view video")
    app.wait_until(lambda: videos.count() == 2, "two compared videos")
    for i in range(2):
        app.wait_for_video(videos.nth(i))
    texts = (
        ".sw-lab-summary",
        ".sw-lab-cell-title",
        ".sw-lab-tile-caption",
        ".sw-lab-timeline text",
        ".sw-fc-title",
    )
    for selector in texts:
        light = lab.locator(selector).first.evaluate(LUMINANCE_JS)
        assert light > 0.6, f"{selector} is dark text on marimo's dark page ({light:.2f})"
    _screenshot_whole(app, lab, "prompt-lab-compare-dark")


# -- Gallery and Storyboard (one anywidget each) ------------------------------------------------

GALLERY_SETUP = """
import marimo as mo
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
