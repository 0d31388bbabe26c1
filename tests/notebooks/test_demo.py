"""`sora-widgets demo` preparation: where notebooks come from, what is copied, what is dropped.

The full command (JupyterLab opening on the quickstart, run in a browser) is proved in
tests/browser/test_demo_command.py; these cover the choices around it without a server.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from sora_widgets import _demo

REPO_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_finds_the_repository_notebooks() -> None:
    assert _demo.find_notebooks() == REPO_NOTEBOOKS


def test_a_directory_without_the_quickstart_is_refused_with_advice(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="--notebooks DIR"):
        _demo.find_notebooks(str(tmp_path))


def test_workdir_follows_sora_widgets_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SORA_WIDGETS_HOME", str(tmp_path))
    assert _demo.default_workdir() == tmp_path / "notebooks"


def test_copies_keep_the_users_edits_unless_reset(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "quickstart.ipynb").write_text("original")
    (source / ".hidden").write_text("not copied")
    work = tmp_path / "work"

    assert _demo.prepare_workdir(source, work) == [work / "quickstart.ipynb"]
    assert not (work / ".hidden").exists()
    (work / "quickstart.ipynb").write_text("edited by the user")

    assert _demo.prepare_workdir(source, work) == []
    assert (work / "quickstart.ipynb").read_text() == "edited by the user"

    assert _demo.prepare_workdir(source, work, reset=True) == [work / "quickstart.ipynb"]
    assert (work / "quickstart.ipynb").read_text() == "original"


def test_dry_run_prepares_and_prints_the_jupyterlab_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VTRIX_API_KEY", "sk-canary-dry-run-0000")
    work = tmp_path / "work"
    assert _demo.main(["--dry-run", f"--workdir={work}", "--port=9999"]) == 0
    out = capsys.readouterr().out
    assert sorted(p.name for p in work.glob("*.ipynb")) == sorted(
        p.name for p in REPO_NOTEBOOKS.glob("*.ipynb")
    )
    assert "--LabApp.default_url=/lab/tree/quickstart.ipynb" in out
    assert f"--ServerApp.root_dir={work}" in out
    assert out.rstrip().endswith("--port=9999")  # unknown options go to JupyterLab
    assert "Ignoring VTRIX_API_KEY" in out
    assert "sk-canary" not in out


def test_demo_never_asks_for_news_and_keeps_its_output_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "/users/own/config")
    work = tmp_path / "work"
    assert _demo.main(["--dry-run", f"--workdir={work}"]) == 0
    out = capsys.readouterr().out
    # The demo's JupyterLab defaults: "get Jupyter news?" answered Never, no update checks.
    config = work / ".sora-demo-jupyter"
    defaults = json.loads((config / "labconfig" / "default_setting_overrides.json").read_text())
    notification = defaults["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    # ...found first on JUPYTER_CONFIG_PATH, the user's own path kept after it.
    assert f"JUPYTER_CONFIG_PATH={config}{os.pathsep}/users/own/config" in out
    # Server INFO lines off (the URL banner is logged as CRITICAL, so it still shows), and a
    # later --ServerApp.log_level from the user still wins.
    command = _demo.jupyter_command(work, ["--ServerApp.log_level=INFO"])
    assert command.index("--ServerApp.log_level=WARN") < command.index("--ServerApp.log_level=INFO")


def test_real_keeps_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VTRIX_API_KEY", "sk-canary-real-0000")
    assert _demo.main(["--dry-run", "--real", f"--workdir={tmp_path}"]) == 0
    out = capsys.readouterr().out
    assert "Ignoring" not in out
    assert "simulator" not in out


def _jupyter_answers(port: int) -> bool:
    """Whether JupyterLab answers on ``port`` (another program there is not it)."""
    import http.client
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2) as answer:
            return "started" in json.loads(answer.read())
    except (OSError, http.client.HTTPException, ValueError):
        return False


def _start_demo(tmp_path: Path) -> tuple[Any, int]:
    """The demo on a free port, once JupyterLab answers there.

    A port found free can be taken by another program before JupyterLab binds it (parallel
    test sessions: a fresh clone's run saw another server's bytes there). JupyterLab is told
    not to move to another port, so it exits instead, and the demo is started again on a new one.
    A demo still starting is waited for (on a machine shared with other heavy jobs JupyterLab
    took more than 90 s to answer), never killed and started again.
    """
    import socket
    import subprocess
    import sys
    import time

    for _attempt in range(5):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        demo = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sora_widgets.cli",
                "demo",
                "--no-browser",
                f"--port={port}",
                "--ServerApp.port_retries=0",
                "--ServerApp.ip=127.0.0.1",
                "--IdentityProvider.token=",
            ],
            env={**os.environ, "SORA_WIDGETS_HOME": str(tmp_path)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 400
        while demo.poll() is None and time.monotonic() < deadline:
            if _jupyter_answers(port):
                return demo, port
            time.sleep(0.5)
        if demo.poll() is None:
            _stop_and_wait_gone(demo, port)
            pytest.fail("JupyterLab did not answer within 400 s of the demo's start")
    pytest.fail("JupyterLab never answered: its port was taken five times")


def _stop_and_wait_gone(demo: Any, port: int) -> None:
    """Stop the demo as `kill` does; JupyterLab must be gone within 30 s, the demo too."""
    import signal
    import subprocess
    import time

    demo.send_signal(signal.SIGTERM)
    try:
        demo.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("the demo did not stop within 30 s of a SIGTERM (JupyterLab never exited)")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not _jupyter_answers(port):
            return  # the server is gone with the demo
        time.sleep(0.5)
    pytest.fail("JupyterLab still answers after the demo was stopped")


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_stopping_the_demo_stops_jupyterlab_too(tmp_path: Path) -> None:
    """A `kill` of the demo (or a closed terminal) must not leave JupyterLab running orphaned."""
    demo, port = _start_demo(tmp_path)
    try:
        _stop_and_wait_gone(demo, port)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait(timeout=30)  # reaped here, not warned about in a later test


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_demo_killed_outright_takes_jupyterlab_with_it(tmp_path: Path) -> None:
    """`kill -9` of the demo (an IDE stopping its terminal) cannot be passed on to JupyterLab:
    the child is set to get a SIGTERM when the demo's process ends (Linux)."""
    import contextlib
    import time

    psutil = pytest.importorskip("psutil")
    if not sys.platform.startswith("linux"):
        pytest.skip("a parent-death signal is Linux's")
    demo, port = _start_demo(tmp_path)
    lab = psutil.Process(demo.pid).children(recursive=True)
    try:
        demo.kill()
        demo.wait(timeout=30)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(p.is_running() and p.status() != "zombie" for p in lab):
            time.sleep(0.5)
        assert not _jupyter_answers(port), "JupyterLab still answers after the demo was killed"
        assert not [p.pid for p in lab if p.is_running() and p.status() != "zombie"]
    finally:
        for process in lab:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
