"""Fixtures shared by every test: an isolated home and no real credentials."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Let Ctrl-C (SIGINT) reach the processes tests start, however pytest itself was started.

    A shell without job control starts background commands (``bash .ci/run &``, CI runners)
    with SIGINT ignored; children inherit an ignored signal, and Python then never raises
    KeyboardInterrupt, so a test that presses Ctrl-C on the CLI would wait for nothing. A
    handler (unlike "ignored") is reset to the default in every child.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Every test gets its own SORA_WIDGETS_HOME and starts with no key, base URL or COLUMNS set."""
    home = tmp_path_factory.mktemp("sora-home")
    monkeypatch.setenv("SORA_WIDGETS_HOME", str(home))
    monkeypatch.delenv("VTRIX_API_KEY", raising=False)
    monkeypatch.delenv("VTRIX_BASE_URL", raising=False)
    # pytest-xdist workers set COLUMNS=80 and LINES=24; subprocesses (the CLI) would then cut
    # their lines to 80 columns. Every test starts with the environment of a plain pytest run.
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    from sora_widgets.client import keyring_key

    keyring_key.cache_clear()  # the keyring is read once per process; each test starts afresh
    yield home
