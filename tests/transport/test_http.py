"""Transport: HTTP statuses, bodies and network failures mapped onto the error tree.

httpx.MockTransport stands in for the network here only to inject faults at the transport.
"""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sora_widgets.errors import (
    AuthenticationError,
    BadRequestError,
    ConnectionFailed,
    InsufficientBalanceError,
    MalformedResponse,
    NotFoundError,
    RateLimitError,
    RequestTimeout,
    ServerError,
    SoraError,
)
from sora_widgets.transport import Transport, parse_retry_after
from sora_widgets.transport.json_api import JsonApi
from tests.mp4bytes import fake_mp4

KEY = "canary-KEY-7f3a9c1e5b"
BASE = "https://api.example"


def make(handler: Callable[[httpx.Request], httpx.Response]) -> Transport:
    return Transport(BASE, KEY, httpx_transport=httpx.MockTransport(handler))


async def test_create_posts_json_with_bearer_auth_and_returns_the_answer() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "abc", "status": "pending"}, headers={"Retry-After": "3"})

    t = make(handler)
    answer = await t.create({"model": "sora_2_pro_t2v", "input": [{"params": {"prompt": "x"}}]})
    await t.aclose()
    assert answer.data == {"id": "abc", "status": "pending"}
    assert answer.retry_after == 3.0
    (request,) = seen
    assert request.method == "POST"
    assert str(request.url) == f"{BASE}/model/v1/generation"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"] == "application/json"


async def test_get_task_quotes_the_id() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return httpx.Response(200, json={"id": "a b", "status": "pending"})

    t = make(handler)
    await t.get_task("a b")
    await t.aclose()
    assert seen == ["/model/v1/generation/task/a%20b"]
    with pytest.raises(NotFoundError):
        await make(handler).get_task("")


@pytest.mark.parametrize(
    ("status", "body", "error", "words"),
    [
        (401, {"message": "invalid api key"}, AuthenticationError,
         ["401", "invalid api key", "VTRIX_API_KEY"]),
        (402, {"status": {"code": 402, "message": "Insufficient credits", "error_code": 40201}, "data": None},
         InsufficientBalanceError, ["402", "Insufficient credits", "Top up"]),
        (403, {"error": "permission denied"}, InsufficientBalanceError, ["403", "permission denied"]),
        (404, {"error": {"message": "task not found"}}, NotFoundError, ["404", "task not found"]),
        (400, {"error": {"code": 1001, "message": "size must be 720x1280 or 1280x720"}}, BadRequestError,
         ["400", "size must be"]),
        (422, "unprocessable", BadRequestError, ["422", "unprocessable"]),
        (500, {"message": "internal error"}, ServerError, ["500", "internal error", "try again"]),
        (502, "<html><body>Bad gateway</body></html>", ServerError, ["502"]),
        (503, None, ServerError, ["503"]),
    ],
)  # fmt: skip
async def test_http_errors_map_onto_the_tree(
    status: int, body: Any, error: type[SoraError], words: list[str]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(status, text=body)
        if body is None:
            return httpx.Response(status)
        return httpx.Response(status, json=body)

    t = make(handler)
    with pytest.raises(error) as info:
        await t.get_task("abc")
    await t.aclose()
    text = str(info.value)
    for word in words:
        assert word in text
    assert "<html" not in text
    assert info.value.status_code == status  # type: ignore[attr-defined]


async def test_429_carries_retry_after_and_closes_the_rate_gate() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json={"message": "rate limit exceeded"}, headers={"Retry-After": "7"})

    t = make(handler)
    with pytest.raises(RateLimitError) as info:
        await t.create({})
    await t.aclose()
    assert info.value.retry_after == 7.0
    assert "7 s" in str(info.value)
    assert t.rate_gate.blocks == 1
    assert 6.0 < t.rate_gate.remaining() <= 7.0


def test_parse_retry_after() -> None:
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(" 2.5 ") == 2.5
    assert parse_retry_after("-1") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert parse_retry_after(date, now=1_000_000) == 30.0
    assert parse_retry_after(email.utils.formatdate(999_000, usegmt=True), now=1_000_000) == 0.0


@pytest.mark.parametrize(
    ("exc", "error", "sent"),
    [
        (httpx.ConnectError("refused"), ConnectionFailed, False),
        (httpx.ConnectTimeout("slow connect"), ConnectionFailed, False),
        (httpx.ReadTimeout("slow answer"), RequestTimeout, None),
        (httpx.WriteTimeout("slow upload"), RequestTimeout, None),
        (httpx.ReadError("connection reset by peer"), ConnectionFailed, True),
        (httpx.RemoteProtocolError("peer closed connection"), ConnectionFailed, True),
    ],
)
async def test_network_failures(exc: Exception, error: type[SoraError], sent: bool | None) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    t = make(handler)
    with pytest.raises(error) as info:
        await t.create({"model": "m"})
    await t.aclose()
    if sent is not None:
        assert info.value.request_sent is sent  # type: ignore[attr-defined]
    assert info.value.__cause__ is None  # httpx's own text is not chained into ours


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.PoolTimeout("no free connection"),
        httpx.ReadTimeout("slow answer"),
        httpx.ReadError("connection reset by peer"),
        httpx.UnsupportedProtocol("gopher"),
    ],
)
async def test_the_admin_json_client_maps_network_failures_as_the_transport_does(exc: Exception) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    t = make(handler)
    api = JsonApi(BASE, KEY, httpx_transport=httpx.MockTransport(handler))
    with pytest.raises(SoraError) as by_transport:
        await t.create({"model": "m"})
    with pytest.raises(SoraError) as by_api:
        await api.call("POST", "/v1/tasks")
    await t.aclose()
    await api.aclose()
    assert type(by_api.value) is type(by_transport.value)
    assert getattr(by_api.value, "request_sent", None) == getattr(by_transport.value, "request_sent", None)
    assert str(by_api.value).split(" while ")[0] == str(by_transport.value).split(" while ")[0]
    assert by_api.value.__cause__ is None


@pytest.mark.parametrize("content", [b"{not json", b"", b"\xff\xfe garbage", b"<html>ok</html>"])
async def test_garbled_answers_are_malformed(content: bytes) -> None:
    t = make(lambda request: httpx.Response(200, content=content))
    with pytest.raises(MalformedResponse):
        await t.get_task("abc")
    await t.aclose()


async def test_redirect_on_the_api_is_not_followed() -> None:
    t = make(lambda request: httpx.Response(302, headers={"Location": "https://elsewhere.example/"}))
    with pytest.raises(ServerError, match="redirect"):
        await t.get_task("abc")
    await t.aclose()


async def test_the_key_never_reaches_a_download_host_nor_logs_nor_repr(
    caplog: pytest.LogCaptureFixture,
) -> None:
    mp4 = fake_mp4(64)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "cdn.example":
            return httpx.Response(200, content=mp4, headers={"content-type": "video/mp4"})
        if request.url.path.endswith("/redirect.mp4"):
            return httpx.Response(302, headers={"Location": "https://cdn.example/v.mp4"})
        return httpx.Response(401, json={"message": f"bad key {KEY}"})

    caplog.set_level(logging.DEBUG)
    t = make(handler)
    with pytest.raises(AuthenticationError) as info:
        await t.get_task("abc")
    path = await t.download(f"{BASE}/files/redirect.mp4", _tmp_dir() / "v.mp4")
    await t.aclose()
    assert path.read_bytes() == mp4
    assert KEY not in str(info.value)
    assert KEY not in repr(t)
    downloads = [r for r in seen if r.url.path.endswith(".mp4")]
    assert len(downloads) == 2
    for request in downloads:
        assert "authorization" not in request.headers
        assert all(KEY not in v for v in request.headers.values())
    assert caplog.records, "httpx should have logged at DEBUG"
    for record in caplog.records:
        assert KEY not in record.getMessage()


def _tmp_dir() -> Any:
    import os
    from pathlib import Path

    return Path(os.environ["SORA_WIDGETS_HOME"]) / "dl"
