"""Retry policies: exact backoff schedules with injected sleep and randomness."""

from __future__ import annotations

import pytest

from sora_widgets.errors import (
    AuthenticationError,
    BadRequestError,
    ConnectionFailed,
    MalformedResponse,
    RateLimitError,
    RequestTimeout,
    ServerError,
    SoraError,
)
from sora_widgets.transport.retry import (
    RETRY_AFTER_CAP_S,
    RateGate,
    backoff_delay,
    create_may_retry,
    create_outcome_unknown,
    create_retrying,
    poll_retrying,
    retry_delay,
)
from tests.fake_time import FakeTime


def server_error() -> ServerError:
    return ServerError("boom", status_code=503)


def test_backoff_is_capped_equal_jitter() -> None:
    assert [backoff_delay(n, base=0.5, cap=4, rand=lambda: 1.0) for n in range(1, 7)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        4.0,
        4.0,
    ]
    assert [backoff_delay(n, base=0.5, cap=4, rand=lambda: 0.0) for n in range(1, 5)] == [0.25, 0.5, 1.0, 2.0]


def test_retry_after_wins_and_is_capped() -> None:
    limited = RateLimitError("slow down", retry_after=7.0)
    assert retry_delay(limited, 1, rand=lambda: 0.0) == 7.0
    assert retry_delay(RateLimitError("x", retry_after=10_000), 1) == RETRY_AFTER_CAP_S
    assert retry_delay(RateLimitError("x", retry_after=None), 2, base=1, rand=lambda: 1.0) == 2.0
    assert retry_delay(server_error(), 3, base=1, cap=100, rand=lambda: 1.0) == 4.0


async def test_poll_retry_rides_out_transient_errors_with_exact_sleeps() -> None:
    t = FakeTime()
    failures: list[SoraError] = [
        server_error(),
        RequestTimeout("slow"),
        ConnectionFailed("reset"),
        MalformedResponse("garbled"),
        RateLimitError("429", retry_after=3.0),
    ]
    calls = 0

    async def call() -> str:
        nonlocal calls
        calls += 1
        if failures:
            raise failures.pop(0)
        return "ok"

    async for attempt in poll_retrying(attempts=6, sleep=t.sleep, rand=lambda: 1.0, base=1, cap=100):
        with attempt:
            result = await call()
    assert result == "ok"
    assert calls == 6
    assert t.sleeps == [1.0, 2.0, 4.0, 8.0, 3.0]


async def test_poll_retry_gives_up_after_attempts_and_reraises_the_last_error() -> None:
    t = FakeTime()

    async def call() -> None:
        raise server_error()

    with pytest.raises(ServerError):
        async for attempt in poll_retrying(attempts=3, sleep=t.sleep, rand=lambda: 0.0, base=1):
            with attempt:
                await call()
    assert t.sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationError("no", status_code=401),
        BadRequestError("no", status_code=400),
    ],
)
async def test_poll_retry_does_not_retry_refusals(error: SoraError) -> None:
    t = FakeTime()
    with pytest.raises(type(error)):
        async for attempt in poll_retrying(sleep=t.sleep):
            with attempt:
                raise error
    assert t.sleeps == []


async def test_poll_retry_never_sleeps_past_the_deadline() -> None:
    t = FakeTime()
    with pytest.raises(ServerError):
        async for attempt in poll_retrying(
            attempts=50, sleep=t.sleep, rand=lambda: 1.0, base=4, cap=100, deadline=10.0, clock=t.clock
        ):
            with attempt:
                raise server_error()
    assert t.sleeps == [4.0, 6.0]
    assert t.now == 10.0


@pytest.mark.parametrize(
    ("error", "may_retry", "unknown"),
    [
        (ConnectionFailed("refused", request_sent=False), True, False),
        (ConnectionFailed("reset mid-request"), False, True),
        (RateLimitError("429", retry_after=1.0), True, False),
        (RequestTimeout("slow"), False, True),
        (ServerError("500", status_code=500), False, True),
        (MalformedResponse("garbled"), False, True),
        (BadRequestError("400", status_code=400), False, False),
        (AuthenticationError("401", status_code=401), False, False),
    ],
)
def test_create_policy_truth_table(error: SoraError, may_retry: bool, unknown: bool) -> None:
    assert create_may_retry(error) is may_retry
    assert create_outcome_unknown(error) is unknown


async def test_create_retry_resends_only_what_never_arrived() -> None:
    t = FakeTime()
    sent = []
    outcomes: list[SoraError | None] = [
        ConnectionFailed("refused", request_sent=False),
        RateLimitError("429", retry_after=2.5),
        None,
    ]

    async def post() -> str:
        outcome = outcomes.pop(0)
        sent.append(outcome)
        if outcome is not None:
            raise outcome
        return "created"

    async for attempt in create_retrying(sleep=t.sleep, rand=lambda: 1.0, base=1):
        with attempt:
            result = await post()
    assert result == "created"
    assert len(sent) == 3
    assert t.sleeps == [1.0, 2.5]


async def test_create_retry_never_resends_after_a_timeout() -> None:
    t = FakeTime()
    sent = 0

    async def post() -> None:
        nonlocal sent
        sent += 1
        raise RequestTimeout("no answer")

    with pytest.raises(RequestTimeout):
        async for attempt in create_retrying(sleep=t.sleep):
            with attempt:
                await post()
    assert sent == 1
    assert t.sleeps == []


async def test_rate_gate_holds_everyone_until_retry_after() -> None:
    t = FakeTime()
    gate = RateGate(clock=t.clock, sleep=t.sleep)
    await gate.wait()
    assert t.sleeps == []
    gate.block(5.0)
    gate.block(2.0)  # a shorter hint never shortens the pause
    assert gate.remaining() == 5.0
    await gate.wait()
    assert t.sleeps == [5.0]
    assert gate.remaining() == 0.0
    gate.block(None)
    assert gate.remaining() == 2.0
    assert gate.blocks == 3
