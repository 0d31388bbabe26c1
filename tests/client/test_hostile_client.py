"""The client against hostile answers and careless input (fake gateway, fake clock)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sora_widgets._constants import MAX_SERVER_HINT_S, MAX_UNKNOWN_STATUS_S
from sora_widgets.client import Service, SoraClient
from sora_widgets.errors import InvalidRequestError, PollTimeout, UnknownOutcomeError, redact
from sora_widgets.journal import Journal
from sora_widgets.models.wire import task_payload
from tests.fake_time import FakeTime

from .fakes import KEY, FakeGateway, status

DEEP = b"[" * 50_000 + b"]" * 50_000


async def test_a_deep_create_answer_is_an_unknown_outcome_journaled_as_such(
    make_client: Callable[..., SoraClient], gateway: FakeGateway, journal: Journal
) -> None:
    gateway.create_faults.append(gateway.created_then(httpx.Response(200, content=DEEP)))
    client = make_client()
    with pytest.raises(UnknownOutcomeError) as info:
        await client.create(prompt="a kite")
    await client.aclose()
    assert len(gateway.posts) == 1  # never resent
    (entry,) = journal.entries()
    assert entry.status == "unknown_outcome" and entry.id == info.value.journal_id


async def test_deep_poll_answers_are_retried_and_wait_finishes(
    make_client: Callable[..., SoraClient], gateway: FakeGateway
) -> None:
    gateway.poll_faults.extend([status(200, DEEP), status(200, b"\xff not json"), status(200, [1])])
    client = make_client()
    video = await client.generate(prompt="a kite polls=2")
    await client.aclose()
    assert video.path is not None and video.path.is_file()


async def test_retry_after_86400_on_a_200_poll_never_sleeps_past_the_ceiling(
    make_client: Callable[..., SoraClient], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    def hinted(request: httpx.Request) -> httpx.Response:
        task = gateway.tasks[request.url.path.rsplit("/", 1)[-1]]
        task.polls += 1
        return httpx.Response(200, json=gateway.payload(task), headers={"Retry-After": "86400"})

    gateway.poll_faults.extend([hinted, hinted])
    client = make_client()
    video = await client.generate(prompt="a kite polls=3", timeout=3600)
    await client.aclose()
    assert video.path is not None
    assert max(fake_time.sleeps) <= MAX_SERVER_HINT_S
    assert fake_time.now - 1000.0 < 4 * MAX_SERVER_HINT_S


async def test_a_hint_never_pushes_a_wait_past_our_deadline(
    make_client: Callable[..., SoraClient], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    def hinted(request: httpx.Request) -> httpx.Response:
        task = gateway.tasks[request.url.path.rsplit("/", 1)[-1]]
        return httpx.Response(200, json=gateway.payload(task), headers={"Retry-After": "50"})

    gateway.poll_faults.extend([hinted] * 20)
    client = make_client()
    with pytest.raises(PollTimeout):
        await client.generate(prompt="a kite polls=30", timeout=20)
    await client.aclose()
    assert fake_time.now - 1000.0 <= 20.0 + 1e-6


async def test_a_task_stuck_in_an_undocumented_status_is_capped_and_said_so(
    make_client: Callable[..., SoraClient], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    def weird(request: httpx.Request) -> httpx.Response:
        task_id = request.url.path.rsplit("/", 1)[-1]
        body = task_payload(task_id=task_id, model="sora_2_pro_t2v", status="upstream_parked", created_at=1)
        return httpx.Response(200, json=body)

    gateway.poll_faults.extend([weird] * 5000)
    client = make_client()
    with pytest.raises(PollTimeout, match="does not document") as info:
        await client.generate(prompt="a kite", timeout=24 * 3600)
    await client.aclose()
    assert "upstream_parked" in str(info.value)
    waited = fake_time.now - 1000.0
    assert MAX_UNKNOWN_STATUS_S <= waited < MAX_UNKNOWN_STATUS_S + 2 * MAX_SERVER_HINT_S


@pytest.mark.parametrize("key", [f"{KEY}\n", f"  {KEY}  ", f"\t{KEY}\r\n"])
async def test_a_key_with_surrounding_whitespace_works(
    make_client: Callable[..., SoraClient], gateway: FakeGateway, key: str
) -> None:
    client = make_client(api_key=key)
    await client.create(prompt="a kite")
    await client.aclose()
    assert gateway.posts[0].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("key", [f"{KEY}é", f"{KEY[:6]}\u200b{KEY[6:]}", f"{KEY[:6]} {KEY[6:]}"])
def test_a_key_that_is_no_header_value_is_refused_clearly_and_never_quoted(
    make_client: Callable[..., SoraClient], gateway: FakeGateway, key: str
) -> None:
    with pytest.raises(InvalidRequestError, match="Copy the key again") as info:
        make_client(api_key=key)
    assert not gateway.requests
    assert KEY[:6] not in str(info.value) and KEY[6:] not in str(info.value)


def test_short_and_placeholder_keys_do_not_mangle_messages(make_client: Callable[..., SoraClient]) -> None:
    make_client(api_key="test")
    SoraClient(connect="http://127.0.0.1:9", journal=False)  # sends the placeholder "simulator"
    assert redact("the latest built-in simulator") == "the latest built-in simulator"


async def test_credentials_in_base_url_are_never_shown(
    gateway: FakeGateway,
    fake_time: FakeTime,
    journal: Journal,
    tmp_path: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway.poll_faults.append(status(404, {"message": "no"}))
    client = SoraClient(
        KEY,
        connect=Service(
            "https://bob:hunter2-secret@api.example/?token=tok-secret-123", transport=gateway.transport()
        ),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        journal=journal,
        download_dir=tmp_path,
    )
    task = await client.create(prompt="a kite")
    with pytest.raises(Exception) as info:
        await client.get(task.id)
    await client.aclose()
    shown = " ".join(
        [repr(client), repr(client.transport), client.base_url, str(info.value), caplog.text]
        + [e.base_url for e in journal.entries()]
    )
    for secret in ("bob", "hunter2", "tok-secret"):
        assert secret not in shown
    assert client.base_url == "https://api.example"
    assert gateway.posts[0].url.host == "api.example"


async def test_a_damaged_journal_row_is_skipped_reported_once_and_resume_still_works(
    make_client: Callable[..., SoraClient],
    gateway: FakeGateway,
    journal: Journal,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_client()
    tasks = [await client.create(prompt=f"a kite number {n} polls=2") for n in range(3)]
    await client.aclose()
    bad = journal.entry_for_task(tasks[1].id)
    assert bad is not None
    with journal._write() as cur:
        cur.execute("UPDATE entries SET request = ? WHERE id = ?", ("{not json", bad.id))
    caplog.set_level(logging.WARNING, logger="sora_widgets.journal")
    assert {e.task_id for e in journal.entries()} == {tasks[0].id, tasks[2].id}
    assert {e.task_id for e in journal.unfinished()} == {tasks[0].id, tasks[2].id}
    reports = [r for r in caplog.records if bad.id in r.getMessage()]
    assert len(reports) == 1 and journal.unreadable == {bad.id}
    fresh = make_client()
    results = await fresh.resume()
    await fresh.aclose()
    assert sorted(r.video.task_id for r in results if r.video is not None) == sorted(
        [tasks[0].id, tasks[2].id]
    )


def test_a_home_that_is_not_writable_says_so_and_how_to_choose_another() -> None:
    from sora_widgets.errors import SoraError

    # /proc/self exists and takes no new files, even for root (chmod would not stop root).
    with pytest.raises(SoraError) as info:
        Journal("/proc/self/journal.sqlite3")
    text = str(info.value)
    assert "not writable" in text and "SORA_WIDGETS_HOME" in text and "journal=False" in text
    assert "damaged" not in text


async def test_a_429_hint_on_a_poll_never_holds_the_wait_past_our_deadline(
    make_client: Callable[..., SoraClient], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    gateway.poll_faults.extend([status(429, {"message": "slow down"}, {"Retry-After": "86400"})] * 50)
    client = make_client()
    with pytest.raises(PollTimeout):
        await client.generate(prompt="a kite polls=30", timeout=20)
    await client.aclose()
    assert fake_time.now - 1000.0 <= 20.0 + 1e-6
