"""Where the key and base URL come from, what the client says about itself, and what it never says."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from sora_widgets._constants import DEFAULT_BASE_URL, SIMULATOR_BASE_URL
from sora_widgets.client import Service, SoraClient
from sora_widgets.errors import AuthenticationError, InvalidRequestError

from .fakes import KEY, FakeGateway


def seen_keys(gateway: FakeGateway) -> list[str]:
    return [r.headers.get("authorization", "") for _, r in gateway.requests]


def test_key_from_argument_env_or_keyring(
    monkeypatch: pytest.MonkeyPatch, gateway: FakeGateway, tmp_path: Path
) -> None:
    def client(**kwargs: object) -> SoraClient:
        where = Service(transport=gateway.transport())  # the configured URL, through the fake
        return SoraClient(connect=where, journal=False, download_dir=tmp_path, **kwargs)  # type: ignore[arg-type]

    c = client(api_key=KEY)
    assert not c.simulated and c.base_url == DEFAULT_BASE_URL
    c.create_sync(prompt="a kite")
    monkeypatch.setenv("VTRIX_API_KEY", "env-key-123456")
    monkeypatch.setenv("VTRIX_BASE_URL", "https://gateway.example/")
    c = client()
    assert c.base_url == "https://gateway.example"
    c.create_sync(prompt="a kite")
    monkeypatch.delenv("VTRIX_API_KEY")
    monkeypatch.delenv("VTRIX_BASE_URL")
    fake_keyring = types.ModuleType("keyring")
    fake_keyring.get_password = lambda service, user: "ring-key-123456" if service == "sora-widgets" else None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake_keyring)
    c = client()
    assert not c.simulated
    c.create_sync(prompt="a kite")
    assert seen_keys(gateway) == [f"Bearer {KEY}", "Bearer env-key-123456", "Bearer ring-key-123456"]


def test_a_broken_keyring_means_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = types.ModuleType("keyring")

    def fail(service: str, user: str) -> str:
        raise RuntimeError("no backend")

    broken.get_password = fail  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", broken)
    client = SoraClient(journal=False)
    assert client.simulated and client.simulator is not None and client.base_url == SIMULATOR_BASE_URL


def test_no_key_for_the_real_service_is_refused_up_front() -> None:
    with pytest.raises(AuthenticationError, match="VTRIX_API_KEY"):
        SoraClient(connect=Service())


def test_base_url_without_key_uses_the_placeholder(gateway: FakeGateway, tmp_path: Path) -> None:
    c = SoraClient(connect=Service("http://127.0.0.1:9", transport=gateway.transport()), journal=False)
    c.create_sync(prompt="a kite")
    assert seen_keys(gateway) == ["Bearer simulator"]
    assert repr(c) == "SoraClient(connect=Service('http://127.0.0.1:9', transport=MockTransport))"


def test_repr_and_errors_never_show_the_key(gateway: FakeGateway) -> None:
    c = SoraClient(KEY, connect=Service("https://api.example", transport=gateway.transport()), journal=False)
    assert KEY not in repr(c) and KEY not in repr(c.transport) and KEY not in str(vars(c))
    with pytest.raises(InvalidRequestError) as info:
        SoraClient(KEY, image_form="raw")
    assert KEY not in str(info.value)
