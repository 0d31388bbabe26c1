"""Hostile answers: whatever a server (or anything on the path) sends, the client raises a
SoraError or gets a Task; it never crashes, never sleeps for hours, never formats a gigabyte.

Property tests (hypothesis) drive the wire parser with arbitrary JSON and arbitrary bytes,
money parsing with arbitrary text and numbers, and the transport with hostile bodies.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sora_widgets._constants import MAX_SERVER_HINT_S
from sora_widgets.errors import InvalidRequestError, MalformedResponse, SoraError
from sora_widgets.models.money import MAX_MONEY, format_money, parse_money
from sora_widgets.models.task import Task
from sora_widgets.models.video import Video
from sora_widgets.models.wire import MAX_JSON_DEPTH, WireFormatError, decode_json, parse_task
from sora_widgets.transport import Transport, clean_api_key, parse_retry_after
from sora_widgets.transport.retry import RateGate, retry_delay
from tests import strategies

KEY = "canary-HOSTILE-KEY-4c1d9e"
BASE = "https://api.example"

json_values = strategies.json_values(allow_nan=False)
# Task-shaped dicts whose every field may be any JSON value: where the parser is most at risk.
task_like = strategies.task_like(json_values)


def _parse_bytes(raw: bytes) -> Task | None:
    try:
        return parse_task(decode_json(raw), fallback_id="t1")
    except WireFormatError:
        return None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=json_values | task_like)
def test_parse_task_on_arbitrary_json_gives_a_task_or_wire_format_error(data: Any) -> None:
    for fallback in (None, "t1"):
        try:
            task = parse_task(data, fallback_id=fallback)
        except WireFormatError:
            continue
        assert isinstance(task.id, str) and task.id
        assert len(repr(task)) < 200_000
        if task.usage is not None and task.usage.cost is not None:
            assert abs(task.usage.cost) <= MAX_MONEY


@settings(max_examples=300)
@given(raw=st.binary(max_size=400) | json_values.map(lambda v: json.dumps(v).encode()))
def test_decode_and_parse_on_arbitrary_bytes_never_raise_anything_else(raw: bytes) -> None:
    _parse_bytes(raw)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 100_000])
def test_deep_nesting_is_a_wire_format_error_not_a_recursion_error(depth: int) -> None:
    for raw in (b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth):
        with pytest.raises(WireFormatError, match="nests deeper"):
            decode_json(raw)


def test_normal_answers_and_moderate_nesting_still_decode() -> None:
    body = json.dumps({"id": "a", "status": "completed", "output": [{"content": [{"url": "https://x/v"}]}]})
    assert decode_json(body.encode())["id"] == "a"
    assert decode_json(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH) is not None


def test_oversized_answers_are_refused_before_parsing() -> None:
    with pytest.raises(WireFormatError, match="more than"):
        decode_json(b'"' + b"x" * (2 * 1024 * 1024) + b'"')


# -- money ------------------------------------------------------------------------------------


@settings(max_examples=300)
@given(value=st.text(max_size=60) | st.integers() | st.floats() | st.decimals() | st.none() | st.booleans())
def test_money_is_bounded_or_none_and_formats_short(value: Any) -> None:
    amount = parse_money(value)
    if amount is not None:
        assert amount.is_finite() and abs(amount) <= MAX_MONEY
    assert len(format_money(value)) <= len("unreadable cost") + 12


@pytest.mark.parametrize("cost", ["1e999999999", "-1e999999999", "NaN", "Infinity", "1" * 5000, "12e7"])
def test_absurd_costs_never_reach_a_repr(cost: str) -> None:
    task = parse_task({"id": "a", "status": "completed", "usage": {"cost": cost}})
    assert task.usage is not None and task.usage.cost is None
    video = Video(task_id="a", model="sora_2_pro_t2v", prompt="p", size="720x1280", seconds=4, cost=cost)  # type: ignore[arg-type]
    assert video.cost is None and len(repr(video)) < 300
    assert format_money(cost) == "unreadable cost"


def test_a_journal_row_with_an_absurd_cost_is_bounded_on_the_way_in() -> None:
    video = Video.from_dict(
        {
            "task_id": "a",
            "model": "sora_2_pro_t2v",
            "prompt": "p",
            "size": "720x1280",
            "seconds": 4,
            "cost": "1e999999999",
        }
    )
    assert video.cost is None
    assert Video.from_dict({**video.to_dict(), "cost": "2.400000"}).cost == Decimal("2.4")


# -- hints ------------------------------------------------------------------------------------


@settings(max_examples=200)
@given(value=st.text(max_size=80) | st.floats(allow_nan=True).map(str) | st.integers().map(str))
def test_every_retry_after_is_none_or_within_the_one_ceiling(value: str) -> None:
    seconds = parse_retry_after(value, now=1_000_000.0)
    assert seconds is None or 0.0 <= seconds <= MAX_SERVER_HINT_S


def test_huge_hints_are_clipped_on_any_status_and_in_every_consumer() -> None:
    assert parse_retry_after("86400") == MAX_SERVER_HINT_S
    assert parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now=0.0) == MAX_SERVER_HINT_S

    class Hinted(Exception):
        retry_after = float("inf")

    assert retry_delay(Hinted(), 1, rand=lambda: 1.0) <= 20.0  # inf is not a hint: own backoff
    gate = RateGate(clock=lambda: 0.0)
    gate.block(float("inf"))
    gate.block(10**9)
    assert gate.remaining() <= MAX_SERVER_HINT_S


async def test_a_200_poll_with_retry_after_86400_gives_a_bounded_hint() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"id": "a", "status": "in_progress"}, headers={"Retry-After": "86400"}
        )

    t = Transport(BASE, KEY, httpx_transport=httpx.MockTransport(handler))
    answer = await t.get_task("a")
    await t.aclose()
    assert answer.retry_after == MAX_SERVER_HINT_S


# -- transport on hostile bodies --------------------------------------------------------------


class _Chunks(httpx.AsyncByteStream):
    def __init__(self, chunk: bytes, count: int) -> None:
        self.chunk, self.count = chunk, count

    async def __aiter__(self) -> Any:
        for _ in range(self.count):
            yield self.chunk


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(lambda: httpx.Response(200, content=b"[" * 50_000 + b"]" * 50_000), id="deep"),
        pytest.param(lambda: httpx.Response(200, content=b"\xff\xfe not json"), id="bytes"),
        pytest.param(lambda: httpx.Response(200, stream=_Chunks(b" " * 65536, 64)), id="endless"),
        pytest.param(lambda: httpx.Response(200, json=[1, 2, 3]), id="list"),
    ],
)
async def test_unreadable_answers_are_malformed_response(response: Any) -> None:
    t = Transport(BASE, KEY, httpx_transport=httpx.MockTransport(lambda request: response()))
    with pytest.raises(MalformedResponse):
        answer = await t.get_task("a")
        try:
            parse_task(answer.data, fallback_id="a")
        except WireFormatError as exc:
            raise MalformedResponse(str(exc)) from None
    await t.aclose()


@settings(max_examples=60, deadline=None)
@given(raw=st.binary(max_size=300), status=st.sampled_from([200, 201, 400, 401, 404, 429, 500, 503]))
async def test_transport_raises_only_sora_errors_on_arbitrary_bodies(raw: bytes, status: int) -> None:
    t = Transport(
        BASE, KEY, httpx_transport=httpx.MockTransport(lambda request: httpx.Response(status, content=raw))
    )
    try:
        await t.get_task("a")
    except SoraError as exc:
        assert KEY not in str(exc)
    finally:
        await t.aclose()


# -- keys -------------------------------------------------------------------------------------


def test_a_key_with_surrounding_whitespace_is_stripped() -> None:
    assert clean_api_key(f"  {KEY}\n") == KEY


@pytest.mark.parametrize(
    "bad", [f"{KEY}é", f"{KEY[:5]} {KEY[5:]}", f"{KEY}\x00x", "\u200bkey-with-zero-width", "  \n"]
)
def test_a_key_that_cannot_be_a_header_is_refused_before_sending_without_quoting_it(bad: str) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"id": "a"})

    with pytest.raises(InvalidRequestError) as info:
        Transport(BASE, bad, httpx_transport=httpx.MockTransport(handler))
    assert not sent
    assert bad.strip() not in str(info.value) or not bad.strip()
    assert KEY not in str(info.value)


class _Counting(httpx.AsyncByteStream):
    """An endless body that counts how much of it the client pulled."""

    def __init__(self, chunk: bytes) -> None:
        self.chunk, self.pulled = chunk, 0

    async def __aiter__(self) -> Any:
        while self.pulled < 200 * 1024 * 1024:
            self.pulled += len(self.chunk)
            yield self.chunk


@pytest.mark.parametrize("packed", [False, True])
async def test_an_endless_answer_is_read_no_further_than_the_cap(packed: bool) -> None:
    import gzip

    from sora_widgets.models.wire import MAX_ANSWER_BYTES

    chunk = gzip.compress(b" " * 1024 * 1024) if packed else b" " * 65536
    body = _Counting(chunk)
    headers = {"content-encoding": "gzip"} if packed else {}
    # Each packed chunk is a whole gzip member; httpx unpacks concatenated members one by one.
    t = Transport(
        BASE,
        KEY,
        httpx_transport=httpx.MockTransport(lambda r: httpx.Response(200, headers=headers, stream=body)),
    )
    with pytest.raises(MalformedResponse, match="more than"):
        await t.get_task("a")
    await t.aclose()
    unpacked_per_chunk = 1024 * 1024 if packed else len(chunk)
    assert body.pulled // len(chunk) * unpacked_per_chunk <= MAX_ANSWER_BYTES + 2 * unpacked_per_chunk
