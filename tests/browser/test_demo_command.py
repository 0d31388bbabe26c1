"""`sora-widgets demo` as a newcomer meets it: JupyterLab opens on the quickstart, and it runs.

The command is started exactly as `make demo` starts it (plus loopback/no-token options so the
test browser can connect), with a canary VTRIX_API_KEY in its environment: the demo must drop
it and use the simulator. The quickstart is then run top to bottom in the real browser, the
Studio and the player are checked to show decodable video, and screenshots are kept in
test-artifacts/ (the README's Studio picture comes from here).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from .conftest import JupyterServer, NotebookPage, server_env, start_server, stop_server

pytestmark = pytest.mark.browser

CANARY_KEY = "sk-canary-demo-must-not-use-this-0000"
# Cell indexes in notebooks/quickstart.ipynb (markdown cells count).
STUDIO_CELL, PLAYER_CELL, KEY_CELL = 3, 7, 12


def demo_command(root: Path, port: int) -> list[str]:
    script = Path(sys.executable).with_name("sora-widgets")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "sora_widgets.cli"]
    return [
        *launcher,
        "demo",
        f"--workdir={root}",
        # Passed through to JupyterLab: what a test browser needs, nothing else changed.
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--LabApp.expose_app_in_browser=True",
    ]


@pytest.fixture
def demo_server(tmp_path: Path) -> JupyterServer:
    env = server_env(tmp_path, keep_credentials=True)
    env["VTRIX_API_KEY"] = CANARY_KEY
    # A newcomer's terminal: Python's own warning policy, not the harness's "ignore everything".
    env.pop("PYTHONWARNINGS", None)
    server = start_server("lab", tmp_path, command=demo_command, env=env)
    yield server
    stop_server(server)


def test_demo_opens_quickstart_and_it_runs_in_the_browser(demo_server: JupyterServer, page, request) -> None:
    quickstart = demo_server.root / "quickstart.ipynb"
    assert quickstart.is_file(), "the demo copies the notebooks into its working directory"
    assert "Ignoring VTRIX_API_KEY" in demo_server.log_tail(20_000)

    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "demo"
    artifacts.mkdir(parents=True, exist_ok=True)
    nb = NotebookPage(
        page=page, server=demo_server, path=quickstart, artifacts=artifacts, log=request.node.sora_page_log
    )
    nb.goto(demo_server.url)  # the bare URL: the demo's default page must be the quickstart
    assert page.url.endswith("/lab/tree/quickstart.ipynb")
    nb.screenshot("01-quickstart-opened")

    nb.run_all()

    studio = nb.output(STUDIO_CELL)
    studio_video = studio.locator("video").first
    state = nb.wait_for_video(studio_video)
    assert state["readyState"] >= 2 and state["error"] is None, state
    assert (state["videoWidth"], state["videoHeight"]) == (1280, 720), state

    player_state = nb.wait_for_video(nb.output(PLAYER_CELL).locator("video").first)
    assert (player_state["videoWidth"], player_state["videoHeight"]) == (720, 1280), player_state

    assert "No VTRIX_API_KEY" in nb.output(KEY_CELL).inner_text()
    assert nb.js_errors == []
    assert CANARY_KEY not in page.content()

    # Tall enough that the whole Studio fits: element screenshots cannot scroll JupyterLab's panel.
    page.set_viewport_size({"width": 1280, "height": 2000})
    studio.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    nb.screenshot("02-studio-light", target=studio)
    nb.set_theme("dark")
    nb.screenshot("03-studio-dark", target=studio)
    nb.set_theme("light")

    # The terminal showed a token DeprecationWarning and one "Kernel is running over TCP without
    # encryption" per kernel: after a whole quickstart run it shows no warning at all.
    log = demo_server.log_tail(200_000)
    warned = [line for line in log.splitlines() if re.search(r"\w+Warning: |without encryption", line)]
    assert warned == [], warned


def test_demo_asks_no_news_question_and_its_output_shows_the_url(demo_server: JupyterServer, page) -> None:
    import httpx

    # JupyterLab's own answer: the demo's default for "fetch news" is Never, so it never asks.
    answer = httpx.get(
        f"{demo_server.url}/lab/api/settings/@jupyterlab/apputils-extension:notification", timeout=30
    ).json()
    assert answer["schema"]["properties"]["fetchNews"]["default"] == "false"
    page.goto(demo_server.url)
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget", timeout=120_000
    )
    page.wait_for_timeout(3_000)  # the question comes a moment after the page is ready
    assert page.get_by_text("Jupyter news").count() == 0, "JupyterLab asked about news"
    # The output: our lines and the server's URL, without a screen of INFO log lines above it.
    log = demo_server.log_tail(50_000)
    assert "Starting JupyterLab on quickstart.ipynb" in log
    opened = log.index("Open the demo in your browser:")
    assert log[opened:].splitlines()[1].strip() == f"{demo_server.url}/lab/tree/quickstart.ipynb"
    info = [line for line in log.splitlines() if line.startswith("[I ")]
    assert info == [], info[:5]
