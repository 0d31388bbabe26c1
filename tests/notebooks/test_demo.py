"""`sora-widgets demo` preparation: where notebooks come from, what is copied, what is dropped.

The full command (JupyterLab opening on the quickstart, run in a browser) is proved in
tests/browser/test_demo_command.py; these cover the choices around it without a server.
"""

from __future__ import annotations

from pathlib import Path

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


def test_real_keeps_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VTRIX_API_KEY", "sk-canary-real-0000")
    assert _demo.main(["--dry-run", "--real", f"--workdir={tmp_path}"]) == 0
    out = capsys.readouterr().out
    assert "Ignoring" not in out
    assert "simulator" not in out
