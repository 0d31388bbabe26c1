"""The client's parts: typed events to a Recorder (the Journal, or a NullRecorder), the request
builder with its injected remix-size lookup, and every batch giving BatchResult."""

from __future__ import annotations

import glob
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

import sora_widgets as sw
from sora_widgets.client import BatchResult, NullRecorder, Recorder, Service, SoraClient
from sora_widgets.client._requests import RequestBuilder
from sora_widgets.errors import GenerationFailed, UnknownOutcomeError
from sora_widgets.journal import Journal, JournalEntry
from sora_widgets.models.request import VideoRequest
from sora_widgets.models.task import Task
from sora_widgets.models.video import Video
from sora_widgets.simulator import Simulator

from .fakes import KEY, FakeGateway, status


class SpyJournal(Journal):
    """A real journal that also notes which event the client reported, in order."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.events: list[str] = []

    def on_sending(
        self,
        request: VideoRequest,
        *,
        base_url: str,
        simulated: bool,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        self.events.append("sending")
        return super().on_sending(request, base_url=base_url, simulated=simulated, labels=labels)

    def on_created(self, entry_id: str, task: Task) -> None:
        self.events.append("created")
        super().on_created(entry_id, task)

    def on_progress(self, entry_id: str, task: Task) -> None:
        self.events.append(f"progress {task.status}")
        super().on_progress(entry_id, task)

    def on_failed(self, entry_id: str, task: Task) -> None:
        self.events.append("failed")
        super().on_failed(entry_id, task)

    def on_completed(self, entry_id: str, video: Video) -> None:
        self.events.append("completed")
        super().on_completed(entry_id, video)

    def on_downloaded(self, entry_id: str, video: Video) -> None:
        assert video.path is not None
        self.events.append("downloaded")
        super().on_downloaded(entry_id, video)

    def on_refused(self, entry_id: str, message: str, code: str | None = None) -> None:
        self.events.append(f"refused {code}")
        super().on_refused(entry_id, message, code)

    def on_outcome_unknown(self, entry_id: str, message: str) -> None:
        self.events.append("outcome unknown")
        super().on_outcome_unknown(entry_id, message)


@pytest.fixture
def spy(tmp_path: Path) -> SpyJournal:
    j = SpyJournal(tmp_path / "spy.sqlite3")
    yield j  # type: ignore[misc]
    j.close()


def test_the_journal_and_the_null_recorder_are_recorders(journal: Journal) -> None:
    recorder: Recorder = journal  # checked by mypy too: Journal implements the protocol
    assert isinstance(recorder, Recorder)
    assert isinstance(NullRecorder(), Recorder)
    assert sw.Recorder is Recorder and sw.NullRecorder is NullRecorder


async def test_a_generation_is_reported_as_typed_events_in_order(
    make_client: Callable[..., SoraClient], spy: SpyJournal
) -> None:
    client = make_client(journal=spy)
    assert client.recorder is spy
    await client.generate(prompt="a kite polls=2")
    await client.aclose()
    assert spy.events == [
        "sending", "created", "progress in_progress", "progress completed", "completed", "downloaded"
    ]  # fmt: skip
    (entry,) = spy.entries()
    assert entry.status == "completed" and entry.video is not None and entry.video.path is not None


async def test_failures_refusals_and_lost_answers_are_their_own_events(
    make_client: Callable[..., SoraClient], spy: SpyJournal, gateway: FakeGateway
) -> None:
    client = make_client(journal=spy)
    with pytest.raises(GenerationFailed):
        await client.generate(prompt="a kite FAIL polls=1")
    assert spy.events[-1] == "failed" and "completed" not in spy.events
    spy.events.clear()
    gateway.create_faults = [status(401, {"message": "invalid key"})]
    with pytest.raises(sw.AuthenticationError):
        await client.create(prompt="a kite")
    assert spy.events == ["sending", "refused 401"]
    spy.events.clear()
    gateway.create_faults = [gateway.lost_after_create(httpx.ReadTimeout("no answer"))]
    with pytest.raises(UnknownOutcomeError):
        await client.create(prompt="a kite")
    assert spy.events == ["sending", "outcome unknown"]
    await client.aclose()
    assert [e.status for e in spy.entries()] == ["unknown_outcome", "refused", "failed"]


async def test_a_recorder_failure_after_the_fact_never_loses_the_video(
    make_client: Callable[..., SoraClient], journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal, "record_task", broken)
    client = make_client()
    video = await client.generate(prompt="a kite")
    await client.aclose()
    assert video.path is not None and video.path.is_file()


async def test_without_a_journal_nothing_is_written_but_a_wait_keeps_prompt_and_labels(
    gateway: FakeGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SORA_WIDGETS_HOME", str(tmp_path / "home"))
    client = SoraClient(
        KEY, connect=Service("https://api.example", transport=gateway.transport()), journal=False,
        download_dir=tmp_path / "videos", sleep=_no_sleep,
    )  # fmt: skip
    assert client.journal is None and isinstance(client.recorder, NullRecorder)
    task = await client.create(prompt="a kite at dusk", labels={"take": "2"})
    video = await client.wait(task.id)
    assert video.prompt == "a kite at dusk" and video.labels == {"take": "2"}
    assert await client.resume() == []
    await client.aclose()
    assert not (tmp_path / "home").exists()  # no journal file anywhere


async def _no_sleep(_seconds: float) -> None:
    return None


def test_the_request_builder_asks_the_injected_lookup_for_a_remix_size() -> None:
    asked: list[str] = []

    def sizes(remix_id: str) -> str | None:
        asked.append(remix_id)
        return "1280x720" if remix_id == "video_known" else None

    build = RequestBuilder(sizes).build
    assert build(prompt="night", remix_video_id="video_known").size == "1280x720"
    assert build(prompt="night", remix_video_id="video_other").size == "720x1280"  # the default
    assert build(prompt="asked", remix_video_id="video_known", size="720x1280").size == "720x1280"
    assert build(prompt="no remix").size == "720x1280"
    assert asked == ["video_known", "video_other"]  # only a remix without a size asks


async def test_resume_gives_batch_results_like_generate_many(
    make_client: Callable[..., SoraClient], gateway: FakeGateway
) -> None:
    first = make_client()
    await first.create(prompt="a kite FAIL")
    await first.create(prompt="a kite")
    await first.aclose()
    second = make_client()
    resumed = await second.resume()
    batch = await second.generate_many(["one", "two FAIL"])
    await second.aclose()
    for results in (resumed, batch):
        assert all(isinstance(r, BatchResult) for r in results)
        assert [r.index for r in results] == list(range(len(results)))
        assert sorted(r.ok for r in results) == [False, True]
        assert all(r.finished_at is not None for r in results)
    failed = next(r for r in resumed if not r.ok)
    assert isinstance(failed.error, GenerationFailed) and failed.video is None
    assert failed.request is not None and failed.request.prompt == "a kite FAIL"


class ListRecorder:
    """A recorder written from scratch, as a user would: events in a list, entries in memory.

    It implements the :class:`Recorder` protocol and nothing else (it is no Journal).
    """

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self.entries: dict[str, JournalEntry] = {}

    def on_sending(
        self,
        request: VideoRequest,
        *,
        base_url: str,
        simulated: bool,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        now = datetime.now(timezone.utc)
        entry = JournalEntry(
            id=f"entry-{len(self.entries)}", created_at=now, updated_at=now, base_url=base_url,
            simulated=simulated, model=request.model, prompt=request.prompt, request=request.to_dict(),
            task_id=None, status="sending", progress=None, error_code=None, error_message=None,
            video=None, labels=dict(labels or {}),
        )  # fmt: skip
        self.entries[entry.id] = entry
        self.events.append(("sending", request.prompt))
        return entry.id

    def _set(self, entry_id: str, **changes: Any) -> None:
        self.entries[entry_id] = replace(self.entries[entry_id], **changes)

    def on_created(self, entry_id: str, task: Task) -> None:
        self.events.append(("created", task.id))
        self._set(entry_id, task_id=task.id, status=task.status)

    def on_progress(self, entry_id: str, task: Task) -> None:
        self.events.append(("progress", task.status))
        self._set(entry_id, status=task.status)

    def on_completed(self, entry_id: str, video: Video) -> None:
        self.events.append(("completed", video.task_id))
        self._set(entry_id, status="completed", video=video)

    def on_failed(self, entry_id: str, task: Task) -> None:
        self.events.append(("failed", task.id))
        self._set(entry_id, status="failed")

    def on_refused(self, entry_id: str, message: str, code: str | None = None) -> None:
        self.events.append(("refused", str(code)))
        self._set(entry_id, status="refused")

    def on_outcome_unknown(self, entry_id: str, message: str) -> None:
        self.events.append(("outcome unknown", entry_id))
        self._set(entry_id, status="unknown_outcome")

    def on_downloaded(self, entry_id: str, video: Video) -> None:
        assert video.path is not None
        self.events.append(("downloaded", video.path.name))
        self._set(entry_id, video=video)

    def entry_for_task(self, task_id: str) -> JournalEntry | None:
        return next((e for e in self.entries.values() if e.task_id == task_id), None)

    def video_size(self, remix_id: str) -> str | None:
        videos = [e.video for e in self.entries.values() if e.video is not None]
        return next((v.size for v in videos if remix_id in (v.remix_id, v.task_id)), None)

    def to_resume(self, base_url: str) -> list[JournalEntry]:
        ended = ("completed", "failed", "refused")
        return [
            e for e in self.entries.values() if e.base_url == base_url and e.task_id and e.status not in ended
        ]


async def test_a_recorder_written_by_a_user_drives_a_generation_and_a_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SORA_WIDGETS_HOME", str(tmp_path / "home"))
    simulator = Simulator(speed="instant")
    recorder = ListRecorder()
    first = SoraClient(connect=simulator, journal=recorder, download_dir=tmp_path / "videos")
    assert first.recorder is recorder and first.journal is None
    task = await first.create(prompt="a kite over the dunes", labels={"take": "1"})
    await first.aclose()  # as if the kernel restarted: only the recorder knows the task
    second = SoraClient(connect=simulator, journal=recorder, download_dir=tmp_path / "videos")
    (resumed,) = await second.resume()
    assert resumed.ok and resumed.video is not None and resumed.video.task_id == task.id
    assert resumed.video.labels == {"take": "1"} and resumed.video.path is not None
    assert resumed.video.path.is_file()
    assert recorder.events[:2] == [("sending", "a kite over the dunes"), ("created", task.id)]
    assert recorder.events[-2:] == [("completed", task.id), ("downloaded", f"{task.id}.mp4")]
    video = await second.generate(prompt="a boat at dawn", size="1280x720", seconds=4)
    remix = second.build_request(prompt="the boat at night", remix_video_id=video.remix_id)
    await second.aclose()
    assert remix.size == "1280x720"  # asked of the recorder, not of a journal
    assert ("sending", "a boat at dawn") in recorder.events and recorder.events[-1][0] == "downloaded"
    assert recorder.to_resume(second.base_url) == []
    assert not glob.glob(f"{tmp_path}/**/*.sqlite3", recursive=True)  # no journal opened behind our back


async def test_a_recorder_that_cannot_record_stops_the_send(tmp_path: Path) -> None:
    class Full(ListRecorder):
        def on_sending(self, request: VideoRequest, **kwargs: Any) -> str:  # type: ignore[override]
            raise OSError(28, "No space left on device")

    simulator = Simulator(speed="instant")
    client = SoraClient(connect=simulator, journal=Full(), download_dir=tmp_path)
    with pytest.raises(sw.SoraError, match=r"could not record the request \(OSError.*nothing was sent"):
        await client.create(prompt="a kite")
    await client.aclose()
    assert simulator.ledger.total_created == 0


def test_a_client_built_without_a_recorder_journals_to_the_default_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SORA_WIDGETS_HOME", str(tmp_path))
    client = SoraClient(connect=Simulator(speed="instant"))
    assert isinstance(client.recorder, Journal) and client.journal is client.recorder
    assert client.journal.path == tmp_path / "journal.sqlite3"
    assert client.download_dir == tmp_path / "videos"
    client.journal.close()
