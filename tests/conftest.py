"""Fixtures shared by every test: an isolated home and no real credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


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
