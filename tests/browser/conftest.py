"""Real-browser harness: JupyterLab (or Notebook 7) + headless Debian Chromium via Playwright.

Write a browser test like this (mark it ``browser``; the fixtures do the rest)::

    import pytest

    pytestmark = pytest.mark.browser

    def test_player_plays(open_notebook):
        nb = open_notebook([
            "import sora_widgets as sw",
            "video = sw.SoraClient().generate_sync(prompt='a red kite', size='1280x720', seconds=4)",
            "sw.VideoPlayer(video)",
        ])
        nb.run_all()                                   # fails fast with the traceback on an error
        video = nb.output(2).locator("video")
        state = nb.wait_for_video(video)
        assert state["videoWidth"] == 1280
        nb.screenshot("player-light")
        nb.set_theme("dark")
        nb.screenshot("player-dark")

Fixtures (all documented below):

- ``jupyter_lab`` (session; one per pytest-xdist worker): a JupyterLab server on a free
  127.0.0.1 port, empty token, temporary root dir, its own settings (no news toasts, no notebook
  windowing), its own
  ``SORA_WIDGETS_HOME`` *per notebook directory* (an IPython startup file sets it to
  ``<notebook dir>/.sora-home``), and no ``VTRIX_API_KEY``/``VTRIX_BASE_URL``: kernels use the
  in-process simulator.
- ``jupyter_notebook7`` (session): the same for Jupyter Notebook 7 (started only if asked for).
- ``browser`` (module; see its docstring): Chromium from ``/usr/bin/chromium``
  (``$CHROMIUM``) with the flags from TESTING.md.
- ``page`` (function): a fresh browser context and page (1280x900). When the test fails, a
  full-page screenshot and the browser console are written to ``test-artifacts/<test name>/``
  (and by ``open_notebook``, the tail of the Jupyter server log).
- ``open_notebook`` (function): ``open_notebook(cells, *, server=None, name="test.ipynb")`` writes
  a notebook with ``cells`` (strings are code cells; pass ``nbformat`` cells for markdown) into a
  directory of its own, opens it (in JupyterLab: in the module's reusable JupyterLab page,
  ``lab_pages``, unless the test asks for ``page``; otherwise in ``page``) and waits for the
  kernel; returns a
  :class:`NotebookPage` with ``run_all``, ``run_cell``, ``output``, ``dismiss_toasts``,
  ``set_theme``, ``wait_for_video``, ``screenshot``, ``save`` and ``js_errors``.

Everything waits with generous timeouts (CI has 2 slow cores), and every wait that gives up says
what it was waiting for.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import nbformat
import pytest

playwright_sync = pytest.importorskip("playwright.sync_api")
Browser = playwright_sync.Browser
Locator = playwright_sync.Locator
Page = playwright_sync.Page

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# From TESTING.md: what Debian's Chromium needs to run headless as root in a container, offline.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # Let <video> play without a user gesture, so tests can check playback too.
    "--autoplay-policy=no-user-gesture-required",
]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

# Generous: two slow CI cores, a cold kernel import of numpy/av, and a server building its assets.
# A server start is a wait on a condition (its API answers), so a long limit costs nothing when
# the machine is idle; 120 s was not enough with seven other test runs on two cores (load 20),
# and one session server that fails to start fails every test of its worker.
SERVER_START_TIMEOUT_S = 240.0  # under pytest-timeout's 300 s, which counts fixture setup too
APP_READY_TIMEOUT_MS = 90_000
KERNEL_READY_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = 180_000
VIDEO_TIMEOUT_MS = 60_000
# A wait for what the page shows (Playwright's default is 5 s for expect(), 30 s for actions): a
# kernel's answer on a loaded machine can take longer than 5 s. A limit on a condition costs
# nothing when it is met early, so every expect() gets the actions' 30 s unless it says more.
EXPECT_TIMEOUT_MS = 30_000
playwright_sync.expect.set_options(timeout=EXPECT_TIMEOUT_MS)

# JupyterLab user settings for tests: no news/update toasts (no network here, and toasts cover
# buttons), and every cell kept in the DOM so locators find cells that are scrolled away.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
# Runs in every kernel: a SORA_WIDGETS_HOME per notebook directory, so tests never share a journal.
# (The server's environment already has no VTRIX_API_KEY/VTRIX_BASE_URL; see server_env.)
KERNEL_STARTUP = """\
import os as _os, pathlib as _pathlib
_os.environ["SORA_WIDGETS_HOME"] = str(_pathlib.Path.cwd() / ".sora-home")
del _os, _pathlib
"""

# Page errors thrown by Jupyter itself, not by any widget: Notebook 7.6's shortcut settings
# plugin throws this on every page load, even for an empty notebook with default settings.
KNOWN_UPSTREAM_PAGE_ERRORS = ("Cannot read properties of undefined (reading 'schema')",)

ServerKind = Literal["lab", "notebook7", "voila"]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def safe_name(text: str) -> str:
    """Turn a pytest node name into something usable as a directory name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:120] or "test"


def make_notebook(cells: Sequence[str | nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """Build a v4 notebook with python3 kernelspec metadata (strings become code cells)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) if isinstance(c, str) else c for c in cells]
    return nb


@dataclass
class JupyterServer:
    """A running Jupyter server (JupyterLab or Notebook 7) owned by the test session."""

    kind: ServerKind
    url: str
    root: Path
    log_path: Path
    process: subprocess.Popen[bytes]

    def write_notebook(
        self, cells: Sequence[str | nbformat.NotebookNode], *, directory: str, name: str = "test.ipynb"
    ) -> Path:
        """Write a notebook into ``<root>/<directory>/<name>`` and return its path."""
        target_dir = self.root / directory
        target_dir.mkdir(parents=True, exist_ok=True)
        path = target_dir / name
        nbformat.write(make_notebook(cells), path)
        return path

    def url_for(self, path: Path) -> str:
        """Return the URL that opens ``path`` (a file under ``root``) in this server's UI.

        In JupyterLab each notebook gets a workspace of its own, reset on load: otherwise the
        server-side workspace would reopen the previous test's notebooks beside this one.
        """
        relative = path.relative_to(self.root).as_posix()
        if self.kind == "lab":
            workspace = re.sub(r"[^A-Za-z0-9]+", "-", relative)
            return f"{self.url}/lab/workspaces/{workspace}/tree/{relative}?reset"
        return f"{self.url}/notebooks/{relative}"

    def shutdown_sessions(self, path: Path) -> None:
        """Shut down the kernels of every session open on ``path`` (best effort)."""
        relative = path.relative_to(self.root).as_posix()
        try:
            with urllib.request.urlopen(f"{self.url}/api/sessions", timeout=10) as response:
                sessions = json.load(response)
            for session in sessions:
                if session.get("path") == relative:
                    endpoint = f"{self.url}/api/sessions/{session['id']}"
                    delete = urllib.request.Request(endpoint, method="DELETE")
                    urllib.request.urlopen(delete, timeout=30).close()
        except (urllib.error.URLError, OSError):
            pass  # the server is going away anyway

    def log_tail(self, chars: int = 4000) -> str:
        """Return the end of the server log (for failure reports)."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "<no server log>"


def server_env(base: Path, *, keep_credentials: bool = False) -> dict[str, str]:
    """Environment for a Jupyter server under ``base``: isolated settings, IPython dir and home.

    ``VTRIX_API_KEY``/``VTRIX_BASE_URL`` are removed unless ``keep_credentials`` (the demo test
    passes a canary key on purpose, to prove the demo command drops it).
    """
    env = dict(os.environ)
    if not keep_credentials:
        env.pop("VTRIX_API_KEY", None)
        env.pop("VTRIX_BASE_URL", None)
    settings = base / "settings"
    for relative, values in LAB_SETTINGS.items():
        target = settings / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    ipython_dir = base / "ipython"
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-sora-test-home.py").write_text(KERNEL_STARTUP)
    for name in ("workspaces", "runtime"):
        (base / name).mkdir(exist_ok=True)
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        IPYTHONDIR=str(ipython_dir),
        SORA_WIDGETS_HOME=str(base / "server-home"),
        # The server's own Python warnings are not ours to fail on.
        PYTHONWARNINGS="ignore",
    )
    return env


def server_command(kind: ServerKind, root: Path, port: int) -> list[str]:
    """The command line of a test server: loopback, empty token, app exposed to scripts."""
    module, app = ("jupyterlab", "LabApp") if kind == "lab" else ("notebook", "JupyterNotebookApp")
    command = [
        sys.executable,
        "-m",
        module,
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root}",
        # window.jupyterapp lets tests run commands instead of simulating keystrokes.
        f"--{app}.expose_app_in_browser=True",
    ]
    if kind == "lab":
        command.append("--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    return command


def start_server(
    kind: ServerKind,
    base: Path,
    *,
    command: Callable[[Path, int], list[str]] | None = None,
    env: dict[str, str] | None = None,
    ready_path: str = "/api/status",
) -> JupyterServer:
    """Start a Jupyter server under ``base`` and wait until its API answers.

    Args:
        kind: which UI it serves (decides notebook URLs).
        base: a private directory: ``root/`` (served files), settings, logs.
        command: ``command(root, port) -> argv``; default :func:`server_command`.
        env: the environment; default :func:`server_env`.
        ready_path: polled until it answers; any HTTP status counts except for the default
            ``/api/status``, which must say 200 (Voila has no API, so its tests poll a static URL).
    """
    root = base / "root"
    root.mkdir(parents=True, exist_ok=True)
    for attempt in range(PORT_ATTEMPTS):
        try:
            return _start_once(kind, base, root, command=command, env=env, ready_path=ready_path)
        except PortTaken:
            if attempt == PORT_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


# A port found free can be taken before the server binds it (pytest-xdist runs several sessions,
# each starting servers): the server then exits at once saying so, and we try another port.
PORT_ATTEMPTS = 3
_PORT_TAKEN = re.compile(r"address already in use|is already in use|errno 98", re.IGNORECASE)


class PortTaken(RuntimeError):
    """The server could not bind the port it was given (someone took it first)."""


def _start_once(
    kind: ServerKind,
    base: Path,
    root: Path,
    *,
    command: Callable[[Path, int], list[str]] | None,
    env: dict[str, str] | None,
    ready_path: str,
) -> JupyterServer:
    port = free_port()
    argv = (command or (lambda r, p: server_command(kind, r, p)))(root, port)
    log_path = base / "server.log"
    with log_path.open("wb") as log:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, env=env or server_env(base), cwd=root
        )
    url = f"http://127.0.0.1:{port}"
    server = JupyterServer(kind=kind, url=url, root=root, log_path=log_path, process=process)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            log_text = server.log_tail()
            if _PORT_TAKEN.search(log_text):
                raise PortTaken(f"{kind} server could not bind port {port}:\n{log_text}")
            raise RuntimeError(f"{kind} server exited with {process.returncode}:\n{log_text}")
        try:
            with urllib.request.urlopen(f"{url}{ready_path}", timeout=5) as response:
                if response.status == 200:
                    return server
        except urllib.error.HTTPError:
            if ready_path != "/api/status":
                return server
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(
                f"{kind} server did not answer within {SERVER_START_TIMEOUT_S}s:\n{server.log_tail()}"
            )
        time.sleep(0.25)


def stop_server(server: JupyterServer) -> None:
    """Stop the server (and with it its kernels), politely first."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """A JupyterLab server for the whole session (see the module docstring)."""
    server = start_server("lab", tmp_path_factory.mktemp("jupyterlab"))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def jupyter_notebook7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """A Jupyter Notebook 7 server for the whole session, started on first use."""
    server = start_server("notebook7", tmp_path_factory.mktemp("notebook7"))
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (no browser download needed).

    Module-scoped on purpose: Playwright's sync API keeps an event loop marked as running while
    it is started, which breaks every pytest-asyncio test that runs after it in the session. A
    module of browser tests must therefore hold only sync tests.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set $CHROMIUM)")
    with playwright_sync.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Remember each phase's report on the item so fixtures can tell that a test failed."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """Return (and create) ``test-artifacts/<test name>/`` for the requesting test."""
    path = ARTIFACTS / safe_name(request.node.name)
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class PageLog:
    """What the browser said while a test ran."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


VIEWPORT = {"width": 1280, "height": 900}


def _new_page(browser: Any) -> Any:
    """A page in a browser context of its own (1280x900, 30 s default timeout)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    return context.new_page()


def _listen(page: Any, log: PageLog) -> Callable[[], None]:
    """Record ``page``'s console and uncaught errors in ``log``; return what stops recording."""

    def console(msg: Any) -> None:
        log.console.append(f"[{msg.type}] {msg.text}")

    def error(exc: Any) -> None:
        log.errors.append(f"{exc}\n{exc.stack or ''}")

    page.on("console", console)
    page.on("pageerror", error)

    def stop() -> None:
        page.remove_listener("console", console)
        page.remove_listener("pageerror", error)

    return stop


def _failed(request: pytest.FixtureRequest) -> bool:
    """Whether the requesting test failed (in its setup or its call)."""
    return any(getattr(getattr(request.node, f"rep_{w}", None), "failed", False) for w in ("setup", "call"))


def _keep_failure(page: Any, log: PageLog, request: pytest.FixtureRequest) -> None:
    """Write the failed test's full-page screenshot and browser console to its artefacts."""
    target = artifacts_dir(request)
    try:
        page.screenshot(path=str(target / "FAILED.png"), full_page=True)
    except Exception as exc:  # a crashed page must not hide the real failure
        (target / "FAILED-screenshot-error.txt").write_text(repr(exc))
    (target / "console.txt").write_text("\n".join([*log.console, "-- page errors --", *log.errors]))


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page; on failure its screenshot and console go to ``test-artifacts/<test>/``."""
    new_page = _new_page(browser)
    log = PageLog()
    _listen(new_page, log)
    request.node.sora_page_log = log  # read by open_notebook for NotebookPage.js_errors
    yield new_page
    if _failed(request):
        _keep_failure(new_page, log, request)
    new_page.context.close()


# Whether a JupyterLab page handed back by a passed test can open the next test's notebook: the
# app is there, every main-area document was closed (JupyterLab then shows its Launcher) and with
# them every widget view (no cell, output or widget element is left in the page), no dialog is
# open and the theme is light again.
_REUSABLE_JS = """
() => {
  const app = window.jupyterapp;
  return !!app && [...app.shell.widgets("main")].every((w) => !w.context)
    && !document.querySelector(".jp-Dialog, .jp-Notebook, .jp-OutputArea, [class^='sw-'], [class*=' sw-']")
    && document.body.dataset.jpThemeLight === "true";
}
"""
# Close every document in the main area without asking (its kernel is shut down by the caller).
_CLOSE_ALL_JS = """
() => { for (const w of [...window.jupyterapp.shell.widgets("main")]) w.dispose(); }
"""


class LabPages:
    """At most one JupyterLab page kept between the tests of a module (see ``open_notebook``).

    Loading JupyterLab in a fresh page costs seconds of CPU per test (most of a browser test's
    setup on two cores); opening the next notebook in a page that already shows the app does
    not. A page is handed back only by a test that passed and asked for no ``page`` of its own,
    with its documents closed and its kernel shut down; it is taken again only if nothing of
    the previous test is left in it (``_REUSABLE_JS``), with the viewport and permissions reset.
    Each test still gets its own notebook, kernel and widget manager.
    """

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self._page: Any = None
        self._server: JupyterServer | None = None

    def take(self, server: JupyterServer) -> tuple[Any, bool]:
        """A page for a notebook on ``server``, and whether it already shows that server's app."""
        page, self._page = self._page, None
        if page is not None and self._server is server and page.url.startswith(server.url + "/"):
            try:
                if page.evaluate(_REUSABLE_JS):
                    page.set_viewport_size(VIEWPORT)
                    page.context.clear_permissions()
                    return page, True
            except playwright_sync.Error:
                pass
        if page is not None:
            page.context.close()
        return _new_page(self.browser), False

    def give_back(self, page: Any, server: JupyterServer) -> None:
        """Close every document in ``page`` and keep it for the next notebook on ``server``
        (the caller shuts the kernels down); a page that cannot do that is closed instead."""
        self.close()
        try:
            page.evaluate(_CLOSE_ALL_JS)
        except playwright_sync.Error:
            page.context.close()
            return
        self._page, self._server = page, server

    def close(self) -> None:
        """Close the kept page, if any."""
        if self._page is not None:
            self._page.context.close()
            self._page = None


@pytest.fixture(scope="module")
def lab_pages(browser: Any) -> Iterator[LabPages]:
    """The module's reusable JupyterLab page (same scope as ``browser``, which it lives in)."""
    pages = LabPages(browser)
    yield pages
    pages.close()


# JavaScript run in the page: the state of the open notebook, read from JupyterLab's own models.
_NOTEBOOK_STATE_JS = """
() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext) return null;
  const cells = w.content.widgets.filter((c) => c.model.type === "code");
  const errors = [];
  for (const c of cells) {
    for (const o of c.model.outputs.toJSON()) {
      if (o.output_type !== "error") continue;
      errors.push(`${o.ename}: ${o.evalue}\\n${(o.traceback || []).join("\\n")}`);
    }
  }
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  return {
    status: kernel ? kernel.status : "no kernel",
    pending: cells.filter((c) => c.model.executionCount === null).length,
    errors,
  };
}
"""
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# The state of one cell: run (execution count set), kernel status, and its error outputs.
_CELL_STATE_JS = """
(i) => {
  const w = window.jupyterapp.shell.currentWidget;
  const cell = w.content.widgets[i];
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  const errors = cell.model.outputs.toJSON().filter((o) => o.output_type === "error")
    .map((o) => `${o.ename}: ${o.evalue}\\n${(o.traceback || []).join("\\n")}`);
  return {done: cell.model.executionCount !== null, status: kernel ? kernel.status : "none", errors};
}
"""


@dataclass
class NotebookPage:
    """A notebook open in the browser, with the actions browser tests need."""

    page: Any
    server: JupyterServer
    path: Path
    artifacts: Path
    log: PageLog = field(default_factory=PageLog)

    @property
    def app_name(self) -> str:
        return self.server.kind

    def goto(self, url: str | None = None) -> None:
        """Open the notebook (or ``url``, which must open it) and wait until its kernel is idle."""
        self.page.goto(url or self.server.url_for(self.path))
        self.page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext",
            timeout=APP_READY_TIMEOUT_MS,
        )
        self._wait_for_kernel()

    def open_in_place(self) -> None:
        """Open the notebook in the page, which already shows its JupyterLab (no reload), and
        wait until its kernel is idle, as :meth:`goto` does."""
        relative = self.path.relative_to(self.server.root).as_posix()
        self.page.evaluate(
            "(p) => { window.jupyterapp.commands.execute('docmanager:open', {path: p}); }", relative
        )
        self.page.wait_for_function(
            "(p) => { const w = window.jupyterapp.shell.currentWidget;"
            " return w && w.context && w.context.path === p && w.sessionContext; }",
            arg=relative,
            timeout=APP_READY_TIMEOUT_MS,
        )
        self._wait_for_kernel()

    def _wait_for_kernel(self) -> None:
        self.page.evaluate(
            "async () => { const w = window.jupyterapp.shell.currentWidget;"
            " await w.context.ready; await w.sessionContext.ready; }"
        )
        self.page.wait_for_function(
            "() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;"
            " return k && k.status === 'idle'; }",
            timeout=KERNEL_READY_TIMEOUT_MS,
        )
        self.dismiss_toasts()

    def command(self, name: str, args: dict[str, Any] | None = None) -> Any:
        """Run a JupyterLab command by id (e.g. ``notebook:run-all-cells``)."""
        return self.page.evaluate(
            "([name, args]) => window.jupyterapp.commands.execute(name, args)", [name, args or {}]
        )

    def state(self) -> dict[str, Any]:
        """Kernel status, number of code cells not yet run, and error outputs (with tracebacks)."""
        result: dict[str, Any] = self.page.evaluate(_NOTEBOOK_STATE_JS)
        result["errors"] = [_ANSI.sub("", e) for e in result["errors"]]
        return result

    def wait_until_done(self, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
        """Wait until every code cell has run and the kernel is idle; fail at once on an error output."""
        deadline = time.monotonic() + timeout_ms / 1000
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = self.state()
            if state["errors"]:
                self.screenshot("error")
                raise AssertionError("a cell raised:\n" + "\n\n".join(state["errors"]))
            if state["pending"] == 0 and state["status"] == "idle":
                return
            self.page.wait_for_timeout(250)
        self.screenshot("timeout")
        raise AssertionError(f"notebook still running after {timeout_ms} ms: {state}")

    def run_all(self, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
        """Clear outputs, run every cell, and wait for the kernel (fails with the traceback)."""
        self.dismiss_toasts()
        self.command("notebook:clear-all-cell-outputs")
        self.command("notebook:run-all-cells")
        self.wait_until_done(timeout_ms)

    def run_cell(self, index: int, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
        """Run the cell at ``index`` (counting all cells) and wait for the kernel."""
        self.page.evaluate(
            "(i) => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = i;"
            " nb.activeCell.model.executionCount = null; }",
            index,
        )
        self.command("notebook:run-cell")
        self.wait_until_done(timeout_ms)

    def run_one(self, index: int, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
        """Run only the cell at ``index`` (again, if it ran before) and wait until it is done.

        Unlike :meth:`run_cell`, other cells not yet run stay unrun: a test can run its cells
        one by one, in any order, as many times as a person would. Fails with the traceback.
        """
        self.dismiss_toasts()
        self.page.evaluate(
            "(i) => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = i;"
            " nb.activeCell.model.executionCount = null; }",
            index,
        )
        self.command("notebook:run-cell")
        deadline = time.monotonic() + timeout_ms / 1000
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = self.page.evaluate(_CELL_STATE_JS, index)
            if state["errors"]:
                errors = [_ANSI.sub("", e) for e in state["errors"]]
                raise AssertionError(f"cell {index} raised:\n" + "\n".join(errors))
            if state["done"] and state["status"] == "idle":
                return
            self.page.wait_for_timeout(100)
        raise AssertionError(f"cell {index} still running after {timeout_ms} ms: {state}")

    def sources(self) -> list[str]:
        """The source of every cell as the notebook holds it now."""
        return self.page.evaluate(  # type: ignore[no-any-return]
            "() => window.jupyterapp.shell.currentWidget.content.widgets"
            ".map((c) => c.model.sharedModel.getSource())"
        )

    def set_source(self, index: int, source: str) -> None:
        """Replace the source of the cell at ``index`` (as if the user had edited it)."""
        self.page.evaluate(
            "([i, s]) => window.jupyterapp.shell.currentWidget.content.widgets[i]"
            ".model.sharedModel.setSource(s)",
            [index, source],
        )

    def printed(self, index: int) -> str:
        """The text of the last output of the cell at ``index`` (what it printed), stripped."""
        text = self.output(index).locator(".jp-OutputArea-output").last.text_content(timeout=30_000)
        return str(text).strip()

    def cell(self, index: int) -> Any:
        """Locator of the cell at ``index`` (counting all cells, markdown included)."""
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def output(self, index: int) -> Any:
        """Locator of the output area of the cell at ``index``."""
        return self.cell(index).locator(".jp-OutputArea")

    def dismiss_toasts(self) -> None:
        """Close every notification toast (they can sit on top of buttons)."""
        buttons = self.page.locator(".jp-Notification-Toast-Close")
        for _ in range(buttons.count()):
            try:
                buttons.first.click(timeout=2_000)
            except playwright_sync.Error:
                break

    def set_theme(self, theme: Literal["light", "dark"]) -> None:
        """Switch JupyterLab's theme and wait until the page has restyled."""
        name = "JupyterLab Dark" if theme == "dark" else "JupyterLab Light"
        self.command("apputils:change-theme", {"theme": name})
        self.page.wait_for_function(
            "(light) => document.body.dataset.jpThemeLight === light",
            arg="true" if theme == "light" else "false",
        )
        self.page.wait_for_timeout(300)  # CSS transitions settle

    def wait_for_video(
        self, video: Any, timeout_ms: int = VIDEO_TIMEOUT_MS, *, replacing: str | None = None
    ) -> dict[str, Any]:
        """Wait until a ``<video>`` has its first frame decoded (or failed); return its state.

        The state has ``readyState``, ``videoWidth``, ``videoHeight``, ``duration`` and ``error``
        (a MediaError code or None). Assert on these; a video that really loaded has
        ``readyState >= 2`` and ``videoWidth`` equal to the requested width.

        After an action that changes the video (a click on another tile), pass the source it had
        before (``replacing=nb.video_src(video)``, read before the action): the wait then holds
        out for a new source. Without it, the old video, still decoded, would satisfy the wait
        before the new one arrived (seen on a busy machine's first run).
        """
        video.wait_for(state="attached", timeout=timeout_ms)
        handle = video.element_handle()
        # On timeout, report the state below; the test's assertion says what was expected.
        with contextlib.suppress(playwright_sync.TimeoutError):
            self.page.wait_for_function(
                "([v, old]) => (old === null || v.currentSrc !== old)"
                " && (v.readyState >= 2 || v.error !== null)",
                arg=[handle, replacing],
                timeout=timeout_ms,
            )
        state: dict[str, Any] = handle.evaluate(
            "(v) => ({readyState: v.readyState, videoWidth: v.videoWidth, videoHeight: v.videoHeight,"
            " duration: v.duration, error: v.error ? v.error.code : null, src: v.currentSrc.slice(0, 64)})"
        )
        return state

    def video_src(self, video: Any) -> str:
        """The source a ``<video>`` plays now ("" when none, or not on the page yet): read it
        before an action that should change it, for :meth:`wait_for_video`'s ``replacing``."""
        if video.count() == 0:
            return ""
        return str(video.first.evaluate("(v) => v.currentSrc"))

    def screenshot(self, name: str, target: Any | None = None) -> Path:
        """Save a screenshot of the page (or of ``target``, a locator) to the test's artefacts."""
        path = self.artifacts / f"{safe_name(name)}.png"
        if target is None:
            self.page.screenshot(path=str(path))
        else:
            target.screenshot(path=str(path))
        return path

    def save(self) -> Path:
        """Save the notebook from the browser and return its path on disk."""
        self.command("docmanager:save")
        self.page.wait_for_function(
            "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000
        )
        return self.path

    @property
    def js_errors(self) -> list[str]:
        """Uncaught errors thrown by scripts in the page so far (widget bugs show up here).

        Errors Jupyter itself is known to throw (``KNOWN_UPSTREAM_PAGE_ERRORS``) are left out.
        """
        return [e for e in self.log.errors if not e.startswith(KNOWN_UPSTREAM_PAGE_ERRORS)]


@pytest.fixture
def open_notebook(
    request: pytest.FixtureRequest, lab_pages: LabPages
) -> Iterator[Callable[..., NotebookPage]]:
    """Return ``open(cells, *, server=None, name="test.ipynb") -> NotebookPage``.

    ``server`` defaults to the session's JupyterLab; pass ``jupyter_notebook7`` to use Notebook 7.
    Each test gets its own directory in the server root (its kernel's cwd and SORA_WIDGETS_HOME).
    A test's first JupyterLab notebook opens in the module's reusable JupyterLab page
    (:class:`LabPages`) unless the test asks for ``page`` itself (to prepare it, e.g. with an init
    script): then, and for Notebook 7, it opens in the test's fresh ``page``.
    """
    directory = safe_name(request.node.name)
    artifacts = artifacts_dir(request)
    opened: list[NotebookPage] = []
    kept: dict[str, Any] = {}  # the reusable page this test took, and what stops its log

    def _open(
        cells: Sequence[str | nbformat.NotebookNode],
        *,
        server: JupyterServer | None = None,
        name: str = "test.ipynb",
    ) -> NotebookPage:
        chosen = server if server is not None else request.getfixturevalue("jupyter_lab")
        path = chosen.write_notebook(cells, directory=directory, name=name)
        if chosen.kind == "lab" and not opened and "page" not in request.fixturenames:
            page, in_place = lab_pages.take(chosen)
            log = PageLog()
            request.node.sora_page_log = log
            kept.update(page=page, server=chosen, log=log, stop=_listen(page, log))
        else:
            page, in_place = request.getfixturevalue("page"), False
        notebook = NotebookPage(
            page=page, server=chosen, path=path, artifacts=artifacts, log=request.node.sora_page_log
        )
        opened.append(notebook)
        if in_place:
            notebook.open_in_place()
        else:
            notebook.goto()
        return notebook

    yield _open
    failed = _failed(request)
    if kept:
        kept["stop"]()
        if failed:
            _keep_failure(kept["page"], kept["log"], request)
            kept["page"].context.close()
        else:
            lab_pages.give_back(kept["page"], kept["server"])
    for notebook in opened:
        if failed:
            (artifacts / f"server-{notebook.server.kind}.log").write_text(notebook.server.log_tail(20_000))
        # Free the kernel: a session runs many tests on one server.
        notebook.server.shutdown_sessions(notebook.path)


def write_test_mp4(
    path: Path, *, width: int = 320, height: int = 240, frames: int = 24, fps: int = 24
) -> Path:
    """Encode a small real H.264 MP4 with PyAV (a moving gradient), for harness tests."""
    import av  # heavy imports only where needed
    import numpy as np

    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        ys, xs = np.mgrid[0:height, 0:width]
        for i in range(frames):
            rgb = np.stack(
                [(xs * 255 // width + i * 8) % 256, ys * 255 // height, np.full_like(xs, 128)], axis=-1
            ).astype(np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
