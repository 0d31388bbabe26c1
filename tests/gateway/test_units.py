"""The gateway's pure parts: rate-limit schedules on an injected clock, rates as text, money."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sora_widgets.errors import InvalidRequestError
from sora_widgets.gateway.ratelimit import Limit, RateLimiter
from sora_widgets.gateway.store import StoreError, from_micros, settled_cost, to_micros
from sora_widgets.models.money import MAX_AMOUNT, parse_amount


def test_token_bucket_schedule_is_exact() -> None:
    now = [100.0]
    limiter = RateLimiter({"create": Limit(burst=3, per_second=0.5)}, clock=lambda: now[0])
    assert [limiter.take("ana", "create") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("ana", "create") == pytest.approx(2.0)  # one token refills in 2 s
    assert limiter.take("ben", "create") == 0.0  # per student
    now[0] += 1.0
    assert limiter.take("ana", "create") == pytest.approx(1.0)  # half a token so far
    now[0] += 1.0
    assert limiter.take("ana", "create") == 0.0
    now[0] += 1000.0  # refills up to the burst, not beyond
    assert [limiter.take("ana", "create") for _ in range(4)][-1] == pytest.approx(2.0)


@given(
    count=st.integers(min_value=1, max_value=10_000),
    unit=st.sampled_from(["s", "min", "h"]),
    takes=st.integers(min_value=0, max_value=50),
)
def test_a_burst_is_the_count_and_never_more(count: int, unit: str, takes: int) -> None:
    limit = Limit.parse(f"{count}/{unit}")
    assert limit.burst == count
    assert limit.per_second == pytest.approx(count / {"s": 1, "min": 60, "h": 3600}[unit])
    limiter = RateLimiter({"poll": limit}, clock=lambda: 0.0)
    allowed = sum(1 for _ in range(takes) if limiter.take("x", "poll") == 0.0)
    assert allowed == min(takes, count)


@pytest.mark.parametrize("text", ["", "fast", "0/s", "-3/min", "5/fortnight", "nan/s"])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Limit.parse(text)


@given(st.decimals(min_value=0, max_value=100_000, places=6, allow_nan=False))
def test_money_round_trips_exactly(amount: Decimal) -> None:
    assert from_micros(to_micros(amount)) == amount


@pytest.mark.parametrize("text", ["lots", "NaN", "Infinity", "1e"])
def test_not_an_amount(text: str) -> None:
    with pytest.raises(StoreError):
        to_micros(text)


def test_gateway_errors_need_no_simulator_nor_pyav() -> None:
    """The error table is the wire contract's (models.wire): a gateway process never loads the simulator."""
    code = (
        "import sys, json\n"
        "from sora_widgets.gateway.app import _error\n"
        "answer = _error(429, 'slow down', headers={'X-Extra': '1'})\n"
        "print(json.dumps({'status': answer.status_code, 'body': json.loads(answer.body),\n"
        "  'retry': answer.headers.get('retry-after'), 'extra': answer.headers.get('x-extra'),\n"
        "  'loaded': sorted(m for m in sys.modules if m == 'av' or m.startswith('sora_widgets.simulator')),\n"
        "}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    seen = json.loads(done.stdout)
    assert seen["loaded"] == []
    assert seen["status"] == 429
    assert seen["body"] == {"message": "slow down"}
    assert seen["retry"] == "1"
    assert seen["extra"] == "1"


@given(st.text(max_size=60) | st.from_regex(r"\$?-?[0-9_.,eE+]{0,14}", fullmatch=True))
def test_the_money_parser_on_arbitrary_text_answers_an_amount_in_bounds_or_a_clear_refusal(text: str) -> None:
    """The one parser of typed amounts (CLI and admin API): never a crash, never out of bounds."""
    try:
        amount = parse_amount(text, field="budget")
    except InvalidRequestError as exc:
        assert exc.message.startswith("budget ")  # names the field
        assert len(exc.message) < 200
        return
    assert Decimal(0) <= amount <= MAX_AMOUNT and amount.is_finite()
    assert isinstance(amount.as_tuple().exponent, int) and amount.as_tuple().exponent >= -6
    assert "_" not in text and "e" not in text.lower() and "," not in text
    assert parse_amount(format(amount, "f")) == amount


@given(st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False))
def test_every_amount_a_teacher_writes_is_read_as_written(amount: Decimal) -> None:
    assert parse_amount(f"{amount:.2f}") == parse_amount(f"${amount:.2f}") == amount


@pytest.mark.parametrize(
    "value",
    ["1e30", "1_000", "1,000", "NaN", "-1", "Infinity", "100000.01", "١٢", 1e40, float("nan"), True, None],
)
def test_amounts_that_are_not_plain_dollars_are_refused(value: object) -> None:
    with pytest.raises(InvalidRequestError, match=r"^top-up "):
        parse_amount(value, field="top-up")


@pytest.mark.parametrize(
    ("reported", "held", "charged"),
    [
        (None, 1_200_000, 1_200_000),
        (-5, 1_200_000, 0),
        (10**12, 1_200_000, 3_600_000),
        (1_250_000, 1_200_000, 1_250_000),
    ],
)
def test_a_reported_cost_is_trusted_only_within_reason(reported: int | None, held: int, charged: int) -> None:
    assert settled_cost(reported, held) == charged


@pytest.mark.parametrize(
    "raw",
    [b'{"a": NaN}', b'{"a": -Infinity}', b'{"a": 1e999}', b"[" * 50 + b"]" * 50, b"[" + b"0," * 200 + b"0]"],
)
def test_strict_bounded_decoding_refuses_what_cannot_be_sent_on(raw: bytes) -> None:
    from sora_widgets.models.wire import WireFormatError, decode_json

    assert decode_json(b'{"a": 1.5, "b": [1, 2]}', strict=True, max_items=10) == {"a": 1.5, "b": [1, 2]}
    with pytest.raises(WireFormatError, match=r"^the request body "):
        decode_json(raw, strict=True, max_items=100, max_depth=32, what="the request body")
