"""wait(), download(), resume(): polls ride out faults, deadlines, failures, journal order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from sora_widgets.client import SoraClient
from sora_widgets.errors import (
    DownloadError,
    GenerationFailed,
    LinkExpired,
    ModerationBlocked,
    NotFoundError,
    PollTimeout,
)
from sora_widgets.journal import Journal
from sora_widgets.models.task import Task
from tests.fake_time import FakeTime

from .fakes import MP4, FakeGateway, raises, status


async def test_generate_polls_to_the_end_downloads_and_journals(
    client: SoraClient, gateway: FakeGateway, journal: Journal, tmp_path: Path
) -> None:
    seen: list[Task] = []
    video = await client.generate(
        prompt="Wide shot of a red kite", size="1280x720", seconds=8, on_update=seen.append
    )
    assert [t.status for t in seen] == ["pending", "in_progress", "in_progress", "completed"]
    progress = [t.progress for t in seen[1:]]
    assert progress == sorted(progress) and progress[-1] == 1.0
    assert video.task_id == "task0001"
    assert (video.size, video.seconds, video.model) == ("1280x720", 8, "sora_2_pro_t2v")
    assert video.path == tmp_path / "videos" / "task0001.mp4"
    assert video.path.read_bytes() == MP4
    assert video.request is not None and video.request.prompt == "Wide shot of a red kite"
    entry = journal.entry_for_task("task0001")
    assert entry is not None and entry.status == "completed"
    assert entry.video is not None and entry.video.path == video.path
    assert len(gateway.polls) == 3


async def test_task_id_is_on_disk_before_the_first_poll(
    client: SoraClient, gateway: FakeGateway, journal: Journal
) -> None:
    seen_on_disk: list[str | None] = []

    def check(task_id: str) -> None:
        other = Journal(journal.path)  # another connection, as another kernel would have
        entry = other.entry_for_task(task_id)
        seen_on_disk.append(entry.task_id if entry else None)
        other.close()

    gateway.on_first_poll = check
    await client.generate(prompt="a kite")
    assert seen_on_disk == ["task0001"]


async def test_polls_ride_out_every_transient_fault(
    client: SoraClient, gateway: FakeGateway, fake_time: FakeTime
) -> None:
    gateway.polls_to_finish = 2
    gateway.poll_faults = [
        status(500, {"message": "internal error"}),
        status(503, b"", {"Retry-After": "6"}),
        raises(httpx.ReadTimeout("slow")),
        raises(httpx.ReadError("connection reset by peer")),
        status(200, b"{garbled"),
        status(429, {"message": "rate limit"}, {"Retry-After": "3"}),
        status(200, {"id": "task0001", "status": "warming_up"}),
        None,
        status(502, b"<html>bad gateway</html>"),
        None,
    ]
    seen: list[Task] = []
    video = await client.generate(prompt="a kite", on_update=seen.append)
    assert video.path is not None and video.path.read_bytes() == MP4
    assert 6.0 in fake_time.sleeps and 3.0 in fake_time.sleeps
    assert "warming_up" in [t.status for t in seen]
    assert seen[-1].status == "completed"
    assert gateway.poll_faults == []


async def test_unknown_status_then_completed(client: SoraClient, gateway: FakeGateway) -> None:
    gateway.poll_faults = [status(200, {"data": {"id": "task0001", "status": "Rendering-Stage-2"}})] * 3
    video = await client.generate(prompt="a kite")
    assert video.task_id == "task0001"


async def test_deadline_raises_poll_timeout_and_the_task_can_be_waited_again(
    client: SoraClient, gateway: FakeGateway, journal: Journal, fake_time: FakeTime
) -> None:
    gateway.polls_to_finish = 1000
    task = await client.create(prompt="a kite")
    start = fake_time.now
    with pytest.raises(PollTimeout) as info:
        await client.wait(task, timeout=60)
    assert fake_time.now - start == pytest.approx(60.0)
    assert info.value.task_id == "task0001"
    assert isinstance(info.value.last_task, Task) and info.value.last_task.status == "in_progress"
    assert "has not failed" in str(info.value) and "resume" in str(info.value)
    entry = journal.entry_for_task("task0001")
    assert entry is not None and entry.status == "in_progress"
    gateway.tasks["task0001"].polls_needed = gateway.tasks["task0001"].polls + 2
    video = await client.wait("task0001")
    assert video.prompt == "a kite"


async def test_deadline_holds_even_when_every_poll_fails(
    client: SoraClient, gateway: FakeGateway, fake_time: FakeTime
) -> None:
    task = await client.create(prompt="a kite")
    gateway.poll_faults = [status(503, b"down")] * 10_000
    start = fake_time.now
    with pytest.raises(PollTimeout):
        await client.wait(task, timeout=120)
    assert fake_time.now - start <= 120.0 + 1e-6
    assert len(gateway.polls) > 10


async def test_failed_task_raises_generation_failed_with_the_codes_meaning(
    client: SoraClient, journal: Journal
) -> None:
    with pytest.raises(GenerationFailed) as info:
        await client.generate(prompt="a kite FAIL")
    error = info.value
    assert not isinstance(error, ModerationBlocked)
    assert (error.task_id, error.code, error.meaning) == (
        "task0001",
        "002999095",
        "internal generation error",
    )
    assert "internal error while generating" in str(error)
    assert "simplify the prompt" in str(error)  # the catalog's advice
    assert isinstance(error.task, Task) and error.task.status == "failed"
    entry = journal.entry_for_task("task0001")
    assert entry is not None and entry.status == "failed" and entry.error_code == "002999095"


async def test_moderation_failure_is_moderation_blocked(client: SoraClient) -> None:
    with pytest.raises(ModerationBlocked) as info:
        await client.generate(prompt="a kite MODERATE")
    assert info.value.code == "002999097"
    assert info.value.meaning == "HTTP error response"
    assert "blocked by our moderation system" in str(info.value)
    assert isinstance(info.value, GenerationFailed)


async def test_unknown_task_is_not_found(client: SoraClient) -> None:
    with pytest.raises(NotFoundError):
        await client.wait("nope")


async def test_async_and_sync_callbacks(client: SoraClient) -> None:
    calls: list[str] = []

    async def async_cb(task: Task) -> None:
        calls.append(task.status)

    await client.generate(prompt="a kite", on_update=async_cb)
    assert calls[-1] == "completed"


async def test_expired_link_is_refreshed_once_through_a_poll(
    client: SoraClient, gateway: FakeGateway, journal: Journal
) -> None:
    video = await client.generate(prompt="a kite", download=False)
    assert video.path is None
    gateway.expired_urls.add(video.url or "")
    gateway.tasks["task0001"].url_version = 1
    path = await client.download(video)
    assert path.read_bytes() == MP4
    assert [str(r.url).rsplit("/", 1)[-1] for r in gateway.downloads] == [
        "task0001-v0.mp4",
        "task0001-v1.mp4",
    ]
    entry = journal.entry_for_task("task0001")
    assert entry is not None and entry.video is not None and entry.video.path == path


async def test_expired_link_without_a_fresh_one_is_link_expired(
    client: SoraClient, gateway: FakeGateway
) -> None:
    video = await client.generate(prompt="a kite", download=False)
    gateway.expired_urls.add(video.url or "")
    with pytest.raises(LinkExpired):
        await client.download(video)


async def test_download_destinations(client: SoraClient, tmp_path: Path) -> None:
    video = await client.generate(prompt="a kite", download=False)
    into_dir = await client.download(video, str(tmp_path / "out") + "/")
    assert into_dir == tmp_path / "out" / "task0001.mp4"
    named = await client.download(video, tmp_path / "named.mp4")
    assert named.read_bytes() == MP4
    with pytest.raises(DownloadError, match="no result URL"):
        await client.download(video.with_changes(url=None))


async def test_resume_after_a_restart_finishes_without_creating(
    make_client: Any, gateway: FakeGateway, journal: Journal
) -> None:
    first = make_client()
    await first.create(prompt="first kite", seconds=8)
    await first.create(prompt="second kite")
    await first.aclose()  # the kernel dies here
    second = make_client()
    results = await second.resume()
    await second.aclose()
    assert len(gateway.posts) == 2
    videos = [r.video for r in results if r.video is not None]
    assert sorted(v.prompt for v in videos) == ["first kite", "second kite"]
    assert all(v.path is not None and v.path.read_bytes() == MP4 for v in videos)
    assert {e.status for e in journal.entries()} == {"completed"}
    assert journal.unfinished() == []


async def test_resume_downloads_completed_videos_that_were_never_saved(
    make_client: Any, gateway: FakeGateway
) -> None:
    client = make_client()
    video = await client.generate(prompt="a kite", download=False)
    assert video.path is None
    (result,) = await client.resume()
    await client.aclose()
    assert result.video is not None and result.ok
    assert result.video.path is not None and result.video.path.read_bytes() == MP4
    assert len(gateway.posts) == 1


async def test_resume_keeps_errors_as_results(make_client: Any, gateway: FakeGateway) -> None:
    client = make_client()
    await client.create(prompt="a kite FAIL")
    await client.create(prompt="a kite")
    results = await client.resume()
    await client.aclose()
    kinds = sorted(type(r.video if r.ok else r.error).__name__ for r in results)
    assert kinds == ["GenerationFailed", "Video"]
