"""The ``client`` fixture for test folders whose conftest defines ``make_client``.

A conftest imports it (``from tests.client_fixture import client``); pytest then finds it by
name, and its ``make_client`` is the one of the folder whose test asks for ``client``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from sora_widgets import SoraClient


@pytest.fixture
async def client(make_client: Callable[..., SoraClient]) -> AsyncIterator[SoraClient]:
    """``make_client()`` with no arguments, closed after the test."""
    c = make_client()
    yield c
    await c.aclose()
