"""Run the installed ``sora-widgets`` console script in a subprocess, against the simulator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sora_widgets.simulator import Simulator


def _script() -> list[str]:
    """The real console entry point: the venv's ``sora-widgets`` script."""
    found = Path(sys.executable).with_name("sora-widgets")
    if found.exists():
        return [str(found)]
    on_path = shutil.which("sora-widgets")
    assert on_path, "the sora-widgets console script is not installed (pip install -e .)"
    return [on_path]


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


class CLI:
    """Runs ``sora-widgets ...`` with an isolated home and no credentials."""

    def __init__(self, home: Path, cwd: Path) -> None:
        self.home = home
        self.cwd = cwd
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("VTRIX_")}
        self.env["SORA_WIDGETS_HOME"] = str(home)
        self.env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
        self.env["PYTHONWARNINGS"] = "error::ResourceWarning"

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*_script(), *args],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def __call__(self, *args: str, timeout: float = 120) -> Result:
        proc = subprocess.run(
            [*_script(), *args], cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli(_isolated_home: Path, tmp_path: Path) -> CLI:
    return CLI(_isolated_home, tmp_path)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Simulator, str]]:
    """A real simulator server on loopback (instant speed)."""
    with Simulator(speed="instant", state_dir=tmp_path / "sim-state") as sim, sim.serve() as base_url:
        yield sim, base_url


@pytest.fixture
def slow_server(tmp_path: Path) -> Iterator[tuple[Simulator, str]]:
    """A real simulator server whose tasks take 5-15 s (demo speed)."""
    with Simulator(speed="demo", state_dir=tmp_path / "sim-state") as sim, sim.serve() as base_url:
        yield sim, base_url


@dataclass
class HeldServer:
    """A real simulator server on loopback whose clock stands still until the test moves it.

    Its tasks stay ``pending``/``in_progress`` for as long as the test needs (however slow the
    machine is), and :meth:`finish` makes every task done at once: no race against a render timer.
    """

    sim: Simulator
    url: str
    now: list[float]

    def finish(self) -> None:
        """Move the simulator's clock past every task's end (demo tasks take 5-15 s)."""
        self.now[0] += 600


@pytest.fixture
def held_server(tmp_path: Path) -> Iterator[HeldServer]:
    """A demo-speed simulator on a clock the test moves (see :class:`HeldServer`)."""
    now = [time.time()]
    with (
        Simulator(speed="demo", state_dir=tmp_path / "sim-state", clock=lambda: now[0]) as sim,
        sim.serve() as base_url,
    ):
        yield HeldServer(sim, base_url, now)
