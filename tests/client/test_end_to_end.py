"""The client against the project's simulator: in-process (ASGI) and as a real loopback server."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from pathlib import Path

import av
import pytest

from sora_widgets.client import SoraClient
from sora_widgets.errors import (
    AuthenticationError,
    GenerationFailed,
    InvalidRequestError,
    ModerationBlocked,
    RateLimitError,
    SoraError,
    UnknownOutcomeError,
)
from sora_widgets.journal import Journal
from sora_widgets.models.task import Task
from sora_widgets.simulator import Simulator

KEY = "canary-E2E-KEY-91d0c7aa4f"


@pytest.fixture
def sim(tmp_path: Path) -> Simulator:
    return Simulator(speed="instant", state_dir=tmp_path / "sim")


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    j = Journal(tmp_path / "journal.sqlite3")
    yield j
    j.close()


def decoded_size(path: Path) -> tuple[int, int, int]:
    """(width, height, frames) of a real MP4, decoded with PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return stream.codec_context.width, stream.codec_context.height, frames


def test_default_client_without_a_key_is_the_in_process_simulator() -> None:
    client = SoraClient()
    assert client.simulated is True
    assert "simulated" in repr(client)
    assert client.simulator is not None
    task = client.create_sync(prompt="A paper boat on a puddle")
    assert task.status in ("pending", "in_progress")
    client.close()


def test_base_url_without_a_key_sends_the_placeholder(sim: Simulator, journal: Journal) -> None:
    strict = Simulator(speed="instant", state_dir=sim.engine.state_dir, valid_keys={"simulator"})
    with strict.serve() as url:
        client = SoraClient(connect=url, journal=journal)
        assert client.simulated is False and "simulated" not in repr(client)
        task = client.create_sync(prompt="A paper boat")
        assert task.id
        client.close()
    assert strict.ledger.created("simulator") == 1


async def test_in_process_generate_gives_a_real_video_of_the_requested_size(
    sim: Simulator, journal: Journal, tmp_path: Path
) -> None:
    async with SoraClient(KEY, connect=sim, journal=journal, download_dir=tmp_path / "v") as client:
        seen: list[Task] = []
        video = await client.generate(
            prompt="Wide shot of a red kite over a beach at dusk",
            size="1280x720",
            seconds=4,
            on_update=seen.append,
        )
    assert video.simulated and video.path is not None
    assert decoded_size(video.path)[:2] == (1280, 720)
    assert decoded_size(video.path)[2] >= 4 * 24
    assert seen[-1].status == "completed"
    assert video.cost is not None and video.cost > 0
    assert sim.ledger.created(KEY) == 1
    entry = journal.entry_for_task(video.task_id)
    assert entry is not None and entry.status == "completed" and entry.video is not None
    assert entry.video.path == video.path


@pytest.mark.parametrize(
    "magic",
    [
        "[sim:poll=503x3][sim:retry_after=0.2]",
        "[sim:poll=500x2][sim:poll=429x2][sim:retry_after=0.1]",
        "[sim:malformed=2]",
        "[sim:drop=2]",
        "[sim:unknown=2]",
        "[sim:truncate=2]",
        "[sim:expire]",
        "[sim:http=503x1]",
    ],
)
async def test_faults_are_ridden_out_end_to_end(
    sim: Simulator, journal: Journal, tmp_path: Path, magic: str
) -> None:
    async with SoraClient(KEY, connect=sim, journal=journal, download_dir=tmp_path / "v") as client:
        if magic == "[sim:http=503x1]":
            # A 5xx on a create is an unknown outcome (never resent); the task was not made here.
            with pytest.raises(UnknownOutcomeError):
                await client.generate(prompt=f"A fox in snow {magic}")
            assert sim.ledger.created(KEY) == 0
            return
        video = await client.generate(prompt=f"A fox in snow {magic}", size="720x1280")
    assert video.path is not None
    assert decoded_size(video.path)[:2] == (720, 1280)
    assert sim.ledger.created(KEY) == 1
    assert sorted(p.name for p in video.path.parent.iterdir()) == [video.path.name]


@pytest.mark.parametrize("lose", ["[sim:lose]", "[sim:lose=drop]"])
async def test_a_lost_create_is_billed_once_and_never_resent(
    sim: Simulator, journal: Journal, lose: str
) -> None:
    async with SoraClient(KEY, connect=sim, journal=journal) as client:
        with pytest.raises(UnknownOutcomeError) as info:
            await client.create(prompt=f"A lighthouse in fog {lose}")
    assert sim.ledger.created(KEY) == 1  # the service made it ...
    (entry,) = journal.entries()
    assert entry.status == "unknown_outcome"  # ... we say so, and did not send it again
    assert entry.id == info.value.journal_id


async def test_a_429_storm_is_refused_without_creating(sim: Simulator, journal: Journal) -> None:
    async with SoraClient(KEY, connect=sim, journal=journal) as client:
        with pytest.raises(RateLimitError):
            await client.create(prompt="A fox [sim:http=429x10][sim:retry_after=0.05]")
    assert sim.ledger.created(KEY) == 0
    assert journal.entries()[0].status == "refused"


async def test_failures_carry_code_and_meaning(sim: Simulator, journal: Journal) -> None:
    async with SoraClient(KEY, connect=sim, journal=journal, auto_download=False) as client:
        with pytest.raises(GenerationFailed) as info:
            await client.generate(prompt="A fox [sim:fail=096]")
        assert info.value.code == "002999096"
        assert info.value.meaning == "result parsing error"
        assert info.value.task_id
        with pytest.raises(ModerationBlocked):
            await client.generate(prompt="A fox [sim:moderation]")


async def test_validation_errors_never_reach_the_simulator(sim: Simulator, journal: Journal) -> None:
    async with SoraClient(KEY, connect=sim, journal=journal) as client:
        for fields in ({"prompt": ""}, {"prompt": "x", "size": "1920x1080"}, {"prompt": "x", "seconds": 10}):
            with pytest.raises(InvalidRequestError):
                await client.create(**fields)  # type: ignore[arg-type]
    assert sim.ledger.total_created == 0


async def test_wrong_key_is_an_authentication_error(tmp_path: Path, journal: Journal) -> None:
    sim = Simulator(speed="instant", state_dir=tmp_path / "sim", valid_keys={"the-right-key-123"})
    async with SoraClient(KEY, connect=sim, journal=journal) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.create(prompt="A fox")
    assert KEY not in str(info.value)


def test_real_loopback_server_generate_sync_and_no_key_anywhere(
    sim: Simulator, journal: Journal, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with sim.serve() as url:
        client = SoraClient(KEY, connect=url, journal=journal, download_dir=tmp_path / "v")
        video = client.generate_sync(
            prompt="A tram at night [sim:poll=503x2][sim:retry_after=0.1]", progress=False
        )
        errors: list[SoraError] = []
        try:
            client.generate_sync(prompt="A tram [sim:fail]", progress=False)
        except GenerationFailed as exc:
            errors.append(exc)
        client.close()
    assert video.path is not None and decoded_size(video.path)[:2] == (720, 1280)
    assert sim.ledger.created(KEY) == 2
    texts = [repr(client), repr(video), str(errors[0]), "".join(traceback.format_exception(errors[0]))]
    texts += [r.getMessage() for r in caplog.records]
    assert any("HTTP Request" in r.getMessage() for r in caplog.records)  # httpx did log, at DEBUG/INFO
    for text in texts:
        assert KEY not in text
    assert KEY.encode() not in journal.path.read_bytes()


async def test_resume_after_kernel_and_simulator_restart(tmp_path: Path) -> None:
    state = tmp_path / "sim"
    journal_path = tmp_path / "journal.sqlite3"
    first_sim = Simulator(speed="instant", state_dir=state)
    first_journal = Journal(journal_path)
    client = SoraClient(KEY, connect=first_sim, journal=first_journal)
    tasks = [await client.create(prompt=f"A kite, take {n}") for n in range(2)]
    await client.aclose()
    first_journal.close()
    # Both the kernel and the simulator restart; the journal and the simulator's state survive.
    second_sim = Simulator(speed="instant", state_dir=state)
    second_journal = Journal(journal_path)
    resumed = SoraClient(KEY, connect=second_sim, journal=second_journal, download_dir=tmp_path / "v")
    results = await resumed.resume()
    await resumed.aclose()
    assert sorted(r.video.task_id for r in results if r.video is not None) == sorted(t.id for t in tasks)
    assert second_sim.ledger.total_created == len(tasks)  # the same two, none created anew
    assert second_journal.unfinished() == []
    for result in results:
        assert result.video is not None and result.video.path is not None and result.video.path.is_file()
    second_journal.close()


async def test_image_to_video_from_a_file_path(sim: Simulator, journal: Journal, tmp_path: Path) -> None:
    from PIL import Image

    boat = tmp_path / "boat.png"
    Image.new("RGB", (720, 1280), (30, 90, 160)).save(boat)
    wrong = tmp_path / "wide.jpg"
    Image.new("RGB", (1280, 720), (30, 90, 160)).save(wrong)
    async with SoraClient(KEY, connect=sim, journal=journal, download_dir=tmp_path / "v") as client:
        with pytest.raises(InvalidRequestError, match="fit_image"):
            await client.create(prompt="The boat drifts right", image=str(wrong), size="portrait")
        assert sim.ledger.total_created == 0
        video = await client.generate(prompt="The boat drifts right", image=str(boat), size="portrait")
    assert video.model == "sora_2_pro_i2v"
    assert video.path is not None and decoded_size(video.path)[:2] == (720, 1280)
