"""The marimo quickstart (notebooks/quickstart_marimo.py) runs top to bottom against the simulator.

marimo notebooks are Python files: ``python notebook.py`` runs every cell in order (``app.run()``)
and raises on the first error. ``marimo check`` is marimo's own linter for the file format. The
browser side (the app served by ``marimo run``) is in tests/browser/test_marimo_browser.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO_ROOT / "notebooks" / "quickstart_marimo.py"

pytestmark = pytest.mark.notebooks


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VTRIX_API_KEY", "VTRIX_BASE_URL")}
    env.update(SORA_WIDGETS_HOME=str(home), MARIMO_SKIP_UPDATE_CHECK="1", PYTHONWARNINGS="error")
    return env


def test_marimo_checks_the_notebook_format() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "marimo", "check", str(NOTEBOOK)],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(Path.cwd()),
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_marimo_quickstart_runs_top_to_bottom(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = subprocess.run(
        [sys.executable, str(NOTEBOOK)],
        capture_output=True,
        text=True,
        timeout=200,
        cwd=tmp_path,
        env=_env(home),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    # The three generations (the sync one, the one the StatusBar followed, the Studio's) finished.
    assert len(list((home / "videos").glob("*.mp4"))) == 3, sorted((home / "videos").iterdir())
