"""generate_many / iter_many: bounded concurrency, backing off together, failures kept as results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sora_widgets.client import BatchResult, SoraClient
from sora_widgets.errors import GenerationFailed, InvalidRequestError, ModerationBlocked
from sora_widgets.journal import Journal
from sora_widgets.models.request import VideoRequest
from sora_widgets.models.task import Task
from sora_widgets.simulator import Simulator
from tests.fake_time import FakeTime

from .fakes import MP4, FakeGateway, status


async def test_failures_are_results_and_concurrency_is_bounded(
    client: SoraClient, gateway: FakeGateway
) -> None:
    requests: list[Any] = [f"A fox in a forest, take {n} polls={2 + n % 3}" for n in range(6)]
    requests[2] = "A fox FAIL"
    requests.insert(4, {"prompt": "A fox", "size": "square"})
    requests.append(VideoRequest("A fox in snow", size="landscape", seconds=8))
    updates: list[tuple[int, Task]] = []
    results = await client.generate_many(
        requests, concurrency=3, on_update=lambda i, t: updates.append((i, t))
    )
    assert [r.index for r in results] == list(range(len(requests)))
    assert gateway.max_active <= 3
    assert gateway.max_active == 3  # it did run jobs side by side
    failed = {r.index: r.error for r in results if r.error is not None}
    assert set(failed) == {2, 4}
    assert isinstance(failed[2], GenerationFailed)
    assert isinstance(failed[4], InvalidRequestError) and results[4].request is None
    for r in results:
        if r.index not in failed:
            assert r.ok and r.video is not None and r.video.path is not None
            assert r.video.path.read_bytes() == MP4
            assert r.queued_at is not None and r.started_at is not None and r.finished_at is not None
            assert r.queued_at <= r.started_at <= r.finished_at
    assert results[-1].video is not None and results[-1].video.size == "1280x720"
    assert {i for i, _ in updates} == set(range(len(requests))) - {4}
    assert len(gateway.posts) == len(requests) - 1


async def test_iter_many_yields_in_completion_order(client: SoraClient) -> None:
    order = [r.index async for r in client.iter_many(["slow polls=9", "fast polls=1", "mid polls=4"])]
    assert order == [1, 2, 0]


async def test_a_429_holds_every_job_back_together(
    client: SoraClient, gateway: FakeGateway, fake_time: FakeTime
) -> None:
    gateway.polls_to_finish = 6
    # The 4th request the gateway sees (some job's first poll or a create) is a 429 for 5 s.
    gateway.poll_faults = [None, None, status(429, {"message": "rate limit"}, {"Retry-After": "5"})]
    results = await client.generate_many([f"A fox, take {n}" for n in range(4)], concurrency=4)
    assert all(r.ok for r in results)
    times = [t for t, _ in gateway.requests]
    paths = [r.url.path for _, r in gateway.requests]
    # The 429 answered the third poll; nothing at all was sent until its Retry-After had passed.
    poll_indexes = [i for i, p in enumerate(paths) if p.startswith("/model/v1/generation/task/")]
    i429 = poll_indexes[2]
    for later in times[i429 + 1 :]:
        assert later >= times[i429] + 5.0
    assert client.transport.rate_gate.blocks == 1


async def test_cancelling_the_iteration_cancels_the_jobs(client: SoraClient, gateway: FakeGateway) -> None:
    gateway.polls_to_finish = 50
    async for result in client.iter_many(["quick polls=1", "long 1", "long 2"], concurrency=3):
        assert result.index == 0
        break
    # The other jobs stopped polling; their tasks stay in the journal, resumable.
    polls_before = len(gateway.polls)
    await client.get("task0002")
    assert len(gateway.polls) == polls_before + 1
    assert {e.task_id for e in client.journal.unfinished()} == {"task0002", "task0003"}  # type: ignore[union-attr]


async def test_concurrency_must_be_positive(client: SoraClient) -> None:
    with pytest.raises(InvalidRequestError):
        await client.generate_many(["a"], concurrency=0)


@pytest.mark.slow
async def test_sweep_of_twelve_variants_against_the_simulator(tmp_path: Path) -> None:
    """The issue's sweep: 12 variants with injected failures and 429s, against the simulator."""
    # Concurrency, retries, failures and files are checked, never pixels: drawn at a quarter size.
    sim = Simulator(speed="instant", state_dir=tmp_path / "sim", render_scale=0.25)
    journal = Journal(tmp_path / "journal.sqlite3")
    client = SoraClient("sk-sweep-key", connect=sim, journal=journal, download_dir=tmp_path / "v")
    active = peak = 0
    original = client.generate

    async def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        try:
            return await original(*args, **kwargs)
        finally:
            active -= 1

    client.generate = counting  # type: ignore[method-assign]
    prompts = [
        f"A {animal} in {place}"
        for animal in ("fox", "owl", "hare")
        for place in ("snow", "rain", "fog", "sun")
    ]
    prompts[1] += " [sim:fail]"
    prompts[5] += " [sim:moderation]"
    prompts[3] += " [sim:http=429x1][sim:retry_after=0.2]"
    prompts[8] += " [sim:http=429x2][sim:retry_after=0.1]"
    prompts[10] += " [sim:poll=503x2][sim:retry_after=0.1]"
    results: list[BatchResult] = []
    async for result in client.iter_many(prompts, concurrency=3):
        results.append(result)
    await client.aclose()
    assert sorted(r.index for r in results) == list(range(12))
    assert peak == 3
    errors = {r.index: type(r.error) for r in results if r.error is not None}
    assert errors == {1: GenerationFailed, 5: ModerationBlocked}
    for r in results:
        if r.index not in errors:
            assert r.video is not None and r.video.path is not None and r.video.path.is_file()
    assert sim.ledger.created("sk-sweep-key") == 12  # nothing created twice
    assert client.transport.rate_gate.blocks >= 3
    journal.close()


async def test_batch_labels_reach_the_journal_and_the_videos(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    client = SoraClient(
        "sk-labels-test-000000",
        connect=Simulator(speed="instant", state_dir=tmp_path / "sim"),
        journal=journal,
        download_dir=tmp_path / "videos",
    )
    labels = [{"shot": "Wide shot"}, {"shot": "Close-up"}]
    results = await client.generate_many(
        [f"{shot} of a fox in snow" for shot in ("Wide shot", "Close-up")], labels=labels
    )
    assert [r.video.labels for r in results if r.video] == labels
    assert sorted(e.labels["shot"] for e in journal.entries()) == ["Close-up", "Wide shot"]
    with pytest.raises(InvalidRequestError, match="labels has 1 entries for 2 requests"):
        await client.generate_many(["a", "b"], labels=labels[:1])
    await client.aclose()
    journal.close()
