"""Client fixtures: a fake gateway behind httpx.MockTransport, a fake clock, a real journal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sora_widgets.client import Service, SoraClient
from sora_widgets.journal import Journal
from tests.client_fixture import client  # noqa: F401  (a fixture, found by name)
from tests.fake_time import FakeTime

from .fakes import BASE, KEY, FakeGateway


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime(start=1000.0)


@pytest.fixture
def gateway(fake_time: FakeTime) -> FakeGateway:
    return FakeGateway(clock=fake_time.clock)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    j = Journal(tmp_path / "journal.sqlite3")
    yield j  # type: ignore[misc]
    j.close()


@pytest.fixture
def make_client(
    gateway: FakeGateway, fake_time: FakeTime, journal: Journal, tmp_path: Path
) -> Callable[..., SoraClient]:
    def make(**overrides: Any) -> SoraClient:
        kwargs: dict[str, Any] = {
            "connect": Service(BASE, transport=gateway.transport()),
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "rand": lambda: 0.5,
            "journal": journal,
            "download_dir": tmp_path / "videos",
        }
        kwargs.update(overrides)
        return SoraClient(kwargs.pop("api_key", KEY), **kwargs)

    return make
