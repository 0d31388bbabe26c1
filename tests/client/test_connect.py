"""``connect=``: one typed way to say where requests go, and the old keywords it replaces.

Each spelling is driven to the place it names: a URL to a real simulator served on loopback, a
Simulator in-process, a Service through an httpx transport (fault injection) or with its catalog
on another real server.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import sora_widgets as sw
from sora_widgets._constants import DEFAULT_BASE_URL, SIMULATOR_BASE_URL
from sora_widgets.client import Service, SoraClient
from sora_widgets.errors import AuthenticationError, InvalidRequestError
from sora_widgets.simulator import Simulator

from .fakes import BASE, KEY, FakeGateway

SECRET_URL = "https://bob:hunter2-secret@api.example/v1?token=tok-secret-123"
SECRETS = (KEY, "hunter2-secret", "tok-secret-123")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Simulator, str]]:
    sim = Simulator(speed="instant", state_dir=tmp_path / "served")
    with sim.serve() as url:
        yield sim, url
    sim.close()


def test_a_url_reaches_the_server_at_that_url(served: tuple[Simulator, str], tmp_path: Path) -> None:
    sim, url = served
    client = SoraClient(KEY, connect=url + "/", journal=False, download_dir=tmp_path / "v")
    task = client.create_sync(prompt="A kite [sim:fail=097]", seconds=4)
    assert client.get_sync(task.id).id == task.id
    client.close()
    assert sim.ledger.created(KEY) == 1 and not client.simulated and client.simulator is None
    assert client.base_url == url and repr(client) == f"SoraClient(connect={url!r})"


def test_a_service_can_read_its_catalog_from_another_server(
    served: tuple[Simulator, str], tmp_path: Path
) -> None:
    # Server A has retired Sora; server B still lists it: which list comes back says who was asked.
    _, url = served
    retired = Simulator(speed="instant", state_dir=tmp_path / "retired", retired=["sora"])
    with retired.serve() as retired_url:
        alone = SoraClient(KEY, connect=retired_url, journal=False)
        split = SoraClient(KEY, connect=Service(retired_url, models_url=url), journal=False)
        assert "sora_2_pro_t2v" not in {m.id for m in alone.models_sync()}
        assert "sora_2_pro_t2v" in {m.id for m in split.models_sync()}
        alone.close()
        split.close()
    retired.close()
    assert repr(split) == f"SoraClient(connect=Service({retired_url!r}, models_url={url!r}))"


def test_a_simulator_is_used_in_process(tmp_path: Path) -> None:
    sim = Simulator(speed="instant", state_dir=tmp_path / "sim")
    client = SoraClient(KEY, connect=sim, journal=False, download_dir=tmp_path / "v")
    client.create_sync(prompt="A paper boat [sim:fail=097]", seconds=4)
    assert client.simulator is sim and client.simulated
    assert sim.ledger.created(KEY) == 1
    assert repr(client) == "SoraClient(simulated: the built-in simulator)"
    assert "simulator.invalid" not in repr(client)


def test_a_service_sends_through_its_transport(gateway: FakeGateway, tmp_path: Path) -> None:
    client = SoraClient(KEY, connect=Service(BASE, transport=gateway.transport()), journal=False)
    task = client.create_sync(prompt="a kite")
    (_, sent), *_ = gateway.requests
    assert task.id and sent.url.host == "api.example" and sent.headers["authorization"] == f"Bearer {KEY}"
    assert repr(client) == f"SoraClient(connect=Service({BASE!r}, transport=MockTransport))"


def test_none_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, gateway: FakeGateway, tmp_path: Path
) -> None:
    monkeypatch.setenv("VTRIX_API_KEY", "env-key-123456")
    monkeypatch.setenv("VTRIX_BASE_URL", "https://gateway.example/")
    monkeypatch.setenv("VTRIX_MODELS_URL", "https://models.example/cat/")
    client = SoraClient(connect=Service(transport=gateway.transport()), journal=False)
    assert (
        client.base_url == "https://gateway.example" and client._catalog.url == "https://models.example/cat"
    )
    plain = SoraClient(journal=False)
    assert (
        repr(plain)
        == "SoraClient(connect=Service('https://gateway.example', models_url='https://models.example/cat'))"
    )
    monkeypatch.setenv("VTRIX_BASE_URL", "gateway.example")
    with pytest.raises(InvalidRequestError, match="VTRIX_BASE_URL is not an http"):
        SoraClient(journal=False)


def test_the_real_service_needs_a_key_and_a_url_alone_sends_the_placeholder(gateway: FakeGateway) -> None:
    with pytest.raises(AuthenticationError, match="VTRIX_API_KEY"):
        SoraClient(connect=DEFAULT_BASE_URL)
    with pytest.raises(AuthenticationError):
        SoraClient(connect=Service())
    client = SoraClient(connect=Service("http://127.0.0.1:9", transport=gateway.transport()), journal=False)
    client.create_sync(prompt="a kite")
    assert [r.headers["authorization"] for _, r in gateway.requests] == ["Bearer simulator"]


@pytest.mark.parametrize(
    ("connect", "error", "words"),
    [
        (3, TypeError, "not int"),
        (Path("/tmp"), TypeError, "not PosixPath"),
        ("localhost:8765", InvalidRequestError, "connect= (Service.url) is not an http(s) URL"),
        (KEY, InvalidRequestError, "must start with http:// or https://"),
    ],
)
def test_a_wrong_connect_is_refused_clearly(connect: Any, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=re.escape(words)) as info:
        SoraClient(KEY, connect=connect, journal=False)
    assert KEY not in str(info.value)


def test_a_wrong_service_field_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match=r"Service\.models_url must be a URL string"):
        Service("http://127.0.0.1:9", models_url=8765)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Service\.transport must be an httpx transport"):
        Service("http://127.0.0.1:9", transport=object())  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match=r"Service\.models_url is not an http"):
        Service("http://127.0.0.1:9", models_url="ftp://models.example")


def test_connect_and_an_old_keyword_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="drop base_url="):
        SoraClient(connect="http://127.0.0.1:9", base_url="http://127.0.0.1:9")


def test_secrets_are_in_no_repr_message_or_warning(gateway: FakeGateway) -> None:
    service = Service(SECRET_URL, models_url=SECRET_URL, transport=gateway.transport())
    client = SoraClient(KEY, connect=service, journal=False)
    with pytest.warns(DeprecationWarning) as caught:
        old = SoraClient(KEY, base_url=SECRET_URL, httpx_transport=gateway.transport(), journal=False)
    shown = [repr(service), repr(client), repr(client._where), repr(old), str(caught[0].message)]
    for text in shown:
        assert not any(secret in text for secret in SECRETS), text


# -- the old keywords: one release with a DeprecationWarning that says the new spelling ----------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"base_url": "http://127.0.0.1:9"}, "connect='http://127.0.0.1:9'"),
        ({"simulate": True}, "connect=sw.Simulator()"),
        ({"simulate": False}, "connect=sw.Service()"),
        ({"simulator": "sim"}, "connect=<your Simulator>"),
        ({"base_url": BASE, "httpx_transport": "t"}, f"sw.Service({BASE!r}, transport=<your transport>)"),
        ({"base_url": BASE, "models_url": "https://m.example"}, "models_url='https://m.example'"),
    ],
)
def test_each_old_keyword_warns_once_with_the_new_spelling(
    old: dict[str, Any], new: str, gateway: FakeGateway, tmp_path: Path
) -> None:
    old = dict(old)
    if old.get("simulator") == "sim":
        old["simulator"] = Simulator(speed="instant", state_dir=tmp_path / "sim")
    if old.get("httpx_transport") == "t":
        old["httpx_transport"] = gateway.transport()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = SoraClient(KEY, journal=False, **old)
    assert [w.category for w in caught] == [DeprecationWarning]
    assert new in str(caught[0].message) and caught[0].filename == __file__
    assert client.simulated == bool(old.get("simulate") or old.get("simulator"))


def test_the_old_keywords_still_reach_the_same_places(served: tuple[Simulator, str], tmp_path: Path) -> None:
    sim, url = served
    with pytest.warns(DeprecationWarning, match="connect="):
        client = SoraClient(KEY, base_url=url, journal=False, download_dir=tmp_path / "v")
    client.create_sync(prompt="a kite [sim:fail=097]")  # fails at once: no render to wait for
    client.close()
    assert sim.ledger.created(KEY) == 1
    in_process = Simulator(speed="instant", state_dir=tmp_path / "sim")
    with pytest.warns(DeprecationWarning, match="<your Simulator>"):
        simulated = SoraClient(KEY, simulator=in_process, journal=False)
    simulated.create_sync(prompt="a kite [sim:fail=097]")
    assert in_process.ledger.created(KEY) == 1 and simulated.base_url == SIMULATOR_BASE_URL


def test_the_face_exports_service() -> None:
    assert sw.Service is Service and "Service" in dir(sw)


def test_no_repr_shows_the_simulators_placeholder_url(gateway: FakeGateway) -> None:
    through = SoraClient(connect=Service(SIMULATOR_BASE_URL, transport=gateway.transport()), journal=False)
    with pytest.warns(DeprecationWarning):
        old = SoraClient(simulate=True, httpx_transport=gateway.transport(), journal=False)
    assert repr(through) == "SoraClient(connect=Service(simulator, transport=MockTransport))"
    assert repr(old) == "SoraClient(simulated, connect=Service(simulator, transport=MockTransport))"
