"""Real-browser harness for marimo: ``marimo run --headless`` on a loopback port + Chromium.

Reuses the JupyterLab harness's pieces (free ports, Chromium flags, artefacts, server start/stop
and its isolated environment) and adds what marimo needs:

- :func:`marimo_source` writes cells (strings of code) as a marimo ``.py`` app; a cell with
  ``await`` becomes an ``async def`` cell. marimo derives each cell's inputs and outputs from
  its code, so the cell functions take and return nothing here.
- :func:`start_marimo` serves one notebook with ``marimo run`` (no token, no browser, no
  sandbox, tracebacks shown), with no update check and marimo's config, state and cache dirs
  inside the test's directory, and ``SORA_WIDGETS_HOME`` there too (one journal per test).
- :class:`MarimoPage` opens the app and waits for outputs, failing at once, with the cell's
  text, when a cell shows an error.

In ``marimo run`` every page load is a new session that runs the notebook top to bottom; cell
outputs are ``.marimo-cell`` elements in notebook order (cells without output stay in the DOM).
Widgets are drawn inside ``<marimo-anywidget>`` (open shadow roots, which Playwright locators
pierce).
"""

from __future__ import annotations

import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .conftest import (
    APP_READY_TIMEOUT_MS,
    RUN_TIMEOUT_MS,
    VIDEO_TIMEOUT_MS,
    JupyterServer,
    PageLog,
    safe_name,
    server_env,
    start_server,
)

NOTEBOOK_NAME = "notebook.py"


def marimo_source(cells: Sequence[str]) -> str:
    """A marimo app file whose cells run ``cells`` (code strings) in order."""
    parts = ["import marimo", "", 'app = marimo.App(width="medium")', ""]
    for code in cells:
        body = textwrap.indent(textwrap.dedent(code).strip() or "pass", "    ")
        kind = "async def" if "await " in code else "def"
        parts += ["", "@app.cell", f"{kind} _():", body, "    return", ""]
    parts += ["", 'if __name__ == "__main__":', "    app.run()", ""]
    return "\n".join(parts)


def marimo_env(base: Path) -> dict[str, str]:
    """The Jupyter harness's isolated environment, plus marimo's: offline and inside ``base``."""
    env = server_env(base)
    env.update(
        # marimo checks PyPI for a newer version at start unless told not to (no network here).
        MARIMO_SKIP_UPDATE_CHECK="1",
        # marimo's user config (marimo.toml), state and cache: the test's own, never the user's.
        XDG_CONFIG_HOME=str(base / "xdg-config"),
        XDG_STATE_HOME=str(base / "xdg-state"),
        XDG_CACHE_HOME=str(base / "xdg-cache"),
        # The kernel runs in marimo's server process: one journal per test.
        SORA_WIDGETS_HOME=str(base / "root" / ".sora-home"),
    )
    return env


def marimo_command(notebook: Path) -> Callable[[Path, int], list[str]]:
    """``command(root, port)`` for :func:`start_server`: ``marimo run`` of ``notebook``."""

    def command(root: Path, port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "marimo",
            "--yes",  # never wait on a prompt (no stdin in CI)
            "run",
            str(notebook),
            "--headless",
            "--host=127.0.0.1",
            f"--port={port}",
            "--no-token",
            "--no-sandbox",
            "--show-tracebacks",
        ]

    return command


def start_marimo(
    base: Path, cells: Sequence[str] | None = None, *, notebook: Path | None = None
) -> JupyterServer:
    """Serve ``cells`` (written as ``<base>/root/notebook.py``) or an existing ``notebook``.

    Returns the harness's server record (``kind`` is ``"voila"``: an app without Jupyter's API);
    stop it with ``conftest.stop_server``.
    """
    root = base / "root"
    root.mkdir(parents=True, exist_ok=True)
    if notebook is None:
        notebook = root / NOTEBOOK_NAME
        notebook.write_text(marimo_source(cells or []), encoding="utf-8")
    return start_server(
        "voila", base, command=marimo_command(notebook), env=marimo_env(base), ready_path="/health"
    )


_ERRORS_JS = """
() => [...document.querySelectorAll('.marimo-cell.has-error')].map((c) => c.innerText.slice(0, 4000))
"""


@dataclass
class MarimoPage:
    """A marimo app open in the browser."""

    page: Any
    server: JupyterServer
    artifacts: Path
    log: PageLog

    def goto(self, query: str = "") -> None:
        """Open the app (``query``: e.g. ``"?theme=dark"``) and wait until marimo has drawn its cells."""
        self.page.goto(self.server.url + query, timeout=APP_READY_TIMEOUT_MS)
        self.page.locator(".marimo-cell").first.wait_for(state="attached", timeout=APP_READY_TIMEOUT_MS)

    def cell(self, index: int) -> Any:
        """Locator of the output of the cell at ``index`` (in notebook order)."""
        return self.page.locator(".marimo-cell").nth(index)

    def errors(self) -> list[str]:
        """The text of every cell that shows an error (traceback included)."""
        found: list[str] = self.page.evaluate(_ERRORS_JS)
        return found

    def wait_until(self, check: Callable[[], Any], what: str, timeout_ms: int = RUN_TIMEOUT_MS) -> Any:
        """Poll ``check()`` until it is truthy and return it; fail at once on a cell error."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            errors = self.errors()
            if errors:
                self.screenshot("error")
                raise AssertionError(f"a cell failed while waiting for {what}:\n" + "\n\n".join(errors))
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                self.screenshot("timeout")
                raise AssertionError(f"gave up after {timeout_ms} ms waiting for {what}")
            self.page.wait_for_timeout(200)

    def wait_for(self, js: str, what: str, arg: Any = None, timeout_ms: int = RUN_TIMEOUT_MS) -> Any:
        """Wait until ``js`` (a page function taking ``arg``) is truthy; fail at once on a cell error."""
        return self.wait_until(lambda: self.page.evaluate(js, arg), what, timeout_ms)

    def wait_for_locator(self, locator: Any, what: str, timeout_ms: int = RUN_TIMEOUT_MS) -> Any:
        """Wait until ``locator`` is attached and return its first match; fail at once on a cell error."""
        self.wait_until(lambda: locator.count() > 0, what, timeout_ms)
        return locator.first

    def wait_for_video(
        self, video: Any, timeout_ms: int = VIDEO_TIMEOUT_MS, *, replacing: str | None = None
    ) -> dict[str, Any]:
        """As ``NotebookPage.wait_for_video``: the ``<video>``'s state once it decoded (or failed)."""
        from .conftest import NotebookPage

        return NotebookPage.wait_for_video(self, video, timeout_ms, replacing=replacing)  # type: ignore[arg-type]

    def screenshot(self, name: str, target: Any | None = None) -> Path:
        """Save a screenshot of the page (or of ``target``) to the test's artefacts."""
        path = self.artifacts / f"{safe_name(name)}.png"
        (target or self.page).screenshot(path=str(path))
        return path

    @property
    def js_errors(self) -> list[str]:
        """Uncaught errors thrown by scripts in the page so far (widget bugs show up here)."""
        return list(self.log.errors)
