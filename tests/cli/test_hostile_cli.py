"""The command line against hostile answers (raw-socket server) and careless use: printable
text only, clear exit codes, no traceback, nothing broken kept, lines that fit the terminal."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sora_widgets.journal import Journal
from sora_widgets.models.request import VideoRequest
from sora_widgets.simulator.hostile import SCENARIOS, VIDEO, HostileServer

from .conftest import CLI, _script

# A hint of a day (or a date in 9999) must not be slept: with --timeout 3 the wait is cut at our
# deadline, where one last poll finds the video; the subprocess timeout (50 s, below even the
# 60 s ceiling) fails the test if the hint were slept.
_SLOW_HINTS = {"retry-after-200", "retry-after-date"}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_generate_against_each_hostile_answer(cli: CLI, name: str) -> None:
    scenario = SCENARIOS[name]
    out = cli.cwd / "out"
    with HostileServer(scenario) as server:
        timeout = "3" if name in _SLOW_HINTS else "600"
        result = cli("generate", "a kite over the sea", "--base-url", server.base_url, "--quiet",
                     "--timeout", timeout, "--out", f"{out}/", timeout=50)  # fmt: skip
    expected = scenario.exit_code
    assert result.code == expected, result.err
    for stream in (result.out, result.err):
        assert "\x1b" not in stream and "\u202e" not in stream and "\x07" not in stream
        assert "Traceback" not in stream
    kept = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert all(p.read_bytes() == VIDEO for p in kept)
    assert (len(kept) == 1) == (expected == 0)


def _fill_journal(home: Path, count: int) -> None:
    with Journal(home / "journal.sqlite3") as journal:
        for n in range(count):
            request = VideoRequest(f"shot {n}: " + "a very long prompt about a kite " * 5)
            entry = journal.record_request(request, base_url="http://127.0.0.1:9", simulated=False)
            journal.record_refused(entry, "bad\x1b[2J\x1b]0;pwned\x07 words from the server " * 3, code="400")


def test_history_with_an_unknown_status_exits_2_listing_the_valid_ones(cli: CLI) -> None:
    _fill_journal(cli.home, 1)
    result = cli("history", "--status", "bogus")
    assert result.code == 2
    for status in ("completed", "failed", "in_progress", "pending", "unknown_outcome", "refused"):
        assert status in result.err
    assert cli("history", "--status", "refused").code == 0
    assert cli("history", "--status", "outcome unknown").code == 0  # the display words work too


def test_history_lines_fit_the_terminal_and_show_no_control_characters(cli: CLI) -> None:
    _fill_journal(cli.home, 3)
    for columns in (60, 80, 132):
        cli.env["COLUMNS"] = str(columns)
        result = cli("history")
        assert result.code == 0, result.err
        lines = result.out.splitlines()
        assert len(lines) == 4
        assert all(len(line) <= columns for line in lines), lines
        assert "\x1b" not in result.out and "\x07" not in result.out


def test_history_piped_into_head_ends_quietly(cli: CLI) -> None:
    _fill_journal(cli.home, 1500)  # far more than a pipe buffer holds
    script = " ".join(_script())
    proc = subprocess.run(
        f"{script} history --limit 0 | head -n 2",
        shell=True,
        cwd=cli.cwd,
        env={**cli.env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert len(proc.stdout.splitlines()) == 2
    assert "BrokenPipeError" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert "Exception ignored" not in proc.stderr


def test_an_unwritable_home_says_how_to_choose_another(cli: CLI) -> None:
    cli.env["SORA_WIDGETS_HOME"] = "/proc/self"  # exists, takes no files, even for root
    result = cli("history")
    assert result.code == 1
    assert "not writable" in result.err and "SORA_WIDGETS_HOME" in result.err
    assert os.environ.get("SORA_WIDGETS_HOME") != "/proc/self"
