"""Storyboards end to end against the simulator: continuity, joins, failures, budget, resume."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from sora_widgets.av.film import last_frame, probe
from sora_widgets.client import SoraClient
from sora_widgets.simulator import Simulator
from sora_widgets.simulator.render import scaled_size
from sora_widgets.storyboard import (
    BLOCKED,
    DONE,
    FAILED,
    RUNNING,
    BudgetExceeded,
    Film,
    ShotFailed,
    Storyboard,
)

from .conftest import KEY, SMALL, STORY, count_frames, decode_frames, decoded_audio, first_frame

# Mean absolute difference (0-255 per channel) allowed between a picture and its re-encoded copy.
CODEC_TOLERANCE = 6.0


def story_board(client: SoraClient, continuity: str, **kwargs: object) -> Storyboard:
    board = Storyboard(client, size="landscape", seconds=4, continuity=continuity, **kwargs)  # type: ignore[arg-type]
    board.add(STORY[0])
    board.add(STORY[1], seconds=8)
    board.add(STORY[2])
    return board


def _thumbnail(path: str | Path) -> np.ndarray:
    """The tile thumbnail the widgets show for a video file, as RGB pixels."""
    from sora_widgets.widgets._common import video_thumbnail

    with Image.open(io.BytesIO(video_thumbnail(path))) as im:
        return np.asarray(im.convert("RGB"))


def mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


async def test_last_frame_chain_starts_each_shot_on_the_last_frame_of_the_one_before(
    full_size_client: SoraClient,
) -> None:
    client = full_size_client  # the frame sent must be the requested size, pixel for pixel
    board = story_board(client, "last_frame")
    film = await board.run()
    sim = client.simulator
    assert [v.model for v in film.shots] == ["sora_2_pro_t2v", "sora_2_pro_i2v", "sora_2_pro_i2v"]
    for before, after in pairwise(film.shots):
        assert before.path is not None and after.path is not None
        expected = np.asarray(last_frame(before.path))
        # What was sent: the simulator kept the reference image it received, byte for byte.
        task = sim.engine.get(after.task_id)
        assert task is not None and task.image_sha256
        sent = (sim.engine.state_dir / "inputs" / task.image_sha256).read_bytes()
        with Image.open(io.BytesIO(sent)) as im:
            assert im.size == (1280, 720)
            reference = np.asarray(im.convert("RGB"))
        assert np.array_equal(reference, expected)  # lossless PNG of the decoded last frame
        # What came back: the next shot's first picture is that frame again (within the codec).
        first = first_frame(after.path)
        assert mad(first, expected) < CODEC_TOLERANCE
        # ... and not just any picture: the previous shot's first frame is far from it.
        assert mad(first, first_frame(before.path)) > 4 * CODEC_TOLERANCE
        # Its thumbnail (Gallery and Studio tiles) is its own, not the previous shot's picture
        # its first frame repeats: a frame from further into the shot.
        thumb = _thumbnail(after.path)
        previous = np.asarray(Image.fromarray(expected).resize(thumb.shape[1::-1]))
        assert mad(thumb, previous) > 2 * CODEC_TOLERANCE, mad(thumb, previous)


async def test_remix_chain_carries_each_previous_shots_remix_id(client: SoraClient) -> None:
    board = story_board(client, "remix")
    film = await board.run()
    sim = client.simulator
    assert [v.model for v in film.shots] == ["sora_2_pro_t2v"] * 3
    assert film.shots[0].request is not None and film.shots[0].request.remix_video_id is None
    for before, after in pairwise(film.shots):
        assert before.remix_id and before.remix_id.startswith("video_")
        assert after.request is not None and after.request.remix_video_id == before.remix_id
        task = sim.engine.get(after.task_id)
        assert task is not None and task.remix_of == before.remix_id


async def test_independent_shots_carry_nothing_over(client: SoraClient) -> None:
    board = story_board(client, "none")
    film = await board.run()
    for video in film.shots:
        task = client.simulator.engine.get(video.task_id)
        assert task is not None and task.remix_of is None and task.image_sha256 is None
    assert [board.depends_on(i) for i in range(3)] == [None, None, None]


@pytest.mark.parametrize("continuity", ["last_frame", "remix"])
async def test_joined_film_is_the_sum_of_its_shots_copied_without_reencoding(
    client: SoraClient, continuity: str
) -> None:
    film = await story_board(client, continuity).run()
    shot_frames = [count_frames(v.path) for v in film.shots if v.path]
    assert shot_frames == [120, 240, 120]
    assert film.join == "copy"
    assert count_frames(film.path) == sum(shot_frames) == film.frames
    with av.open(str(film.path)) as container:
        stream = container.streams.video[0]
        assert float(stream.duration * stream.time_base) == pytest.approx(16.0, abs=1e-6)
        # The shots' own size, as drawn (the simulator here draws 1280x720 at a quarter).
        assert (stream.codec_context.width, stream.codec_context.height) == scaled_size(1280, 720, SMALL)
    assert film.duration == pytest.approx(16.0)
    assert film.starts == pytest.approx((0.0, 4.0, 12.0))
    # Copied packets decode to the very same pictures as the shots (no re-encoding).
    film_frames = decode_frames(film.path)
    shot2 = decode_frames(film.shots[1].path)  # type: ignore[arg-type]
    assert np.array_equal(film_frames[120], shot2[0])
    assert np.array_equal(film_frames[359], shot2[-1])
    assert film.cost == Decimal("4.80") == sum(v.cost for v in film.shots if v.cost is not None)


def slate_onsets(samples: np.ndarray, rate: int) -> list[float]:
    """Times where the loud slate tone that opens each simulated shot begins."""
    window = rate // 200  # 5 ms
    usable = len(samples) // window * window
    rms = np.sqrt((samples[:usable].reshape(-1, window) ** 2).mean(axis=1))
    loud = rms > 0.15
    edges = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    starts = ([0] if loud[0] else []) + list(edges)
    return [s * window / rate for s in starts]


async def test_sound_is_present_and_starts_with_each_shots_picture(client: SoraClient) -> None:
    film = await story_board(client, "last_frame").run()
    assert film.has_audio
    for video in film.shots:
        assert video.path is not None and probe(video.path).has_audio
    samples, rate = decoded_audio(film.path)
    # One track as long as the picture (AAC pads its last frame: under 1024 samples more).
    assert 16.0 <= len(samples) / rate < 16.0 + 1024 / rate + 1e-9
    onsets = slate_onsets(samples, rate)
    assert len(onsets) == 3
    for onset, start in zip(onsets, film.starts, strict=True):
        assert abs(onset - start) <= 0.011  # within about one 5 ms window and AAC's smear


async def test_a_failed_middle_shot_stops_what_continues_from_it_and_keeps_the_rest(
    client: SoraClient,
) -> None:
    board = Storyboard(client, seconds=4, continuity="last_frame")
    board.add(STORY[0])
    board.add(STORY[1] + " [sim:fail]")
    board.add(STORY[2])
    with pytest.raises(ShotFailed) as caught:
        await board.run()
    err = caught.value
    assert (err.index, err.failed, err.blocked) == (1, [1], [2])
    assert "shot 2 failed" in str(err) and "internal error" in str(err)
    assert "shot 3 continue" in str(err) and "shot 1 finished and are kept" in str(err)
    assert [s.status for s in board.states] == [DONE, FAILED, BLOCKED]
    assert board.film is None
    ledger = client.simulator.ledger
    assert ledger.created(KEY) == 2  # shot 3 was never sent

    board.edit(1, prompt=STORY[1])  # fix it, then run again: shot 1 is kept
    assert [p.action for p in board.plan()] == ["reuse", "generate", "generate"]
    film = await board.run()
    assert ledger.created(KEY) == 4 and ledger.by_prompt(STORY[0]) == 1
    assert film.shots[0].task_id == board.states[0].video.task_id  # type: ignore[union-attr]


async def test_a_failed_shot_does_not_stop_independent_shots(client: SoraClient) -> None:
    board = Storyboard(client, seconds=4, continuity="none")
    board.add(STORY[0])
    board.add(STORY[1] + " [sim:fail=096]")
    board.add(STORY[2])
    with pytest.raises(ShotFailed) as caught:
        await board.run()
    assert (caught.value.failed, caught.value.blocked) == ([1], [])
    assert [s.status for s in board.states] == [DONE, FAILED, DONE]
    assert client.simulator.ledger.created(KEY) == 3


async def test_budget_refuses_a_run_that_would_pass_it_before_sending_anything(client: SoraClient) -> None:
    board = story_board(client, "last_frame", budget="4.00")
    assert board.estimated_cost == Decimal("4.80")
    with pytest.raises(BudgetExceeded, match=r"\$4\.80.*budget of \$4\.00"):
        await board.run()
    assert client.simulator.ledger.created(KEY) == 0
    assert client.journal is not None and client.journal.entries() == []
    board.budget = Decimal("4.80")  # exactly the estimate is allowed
    await board.run()
    assert board.estimated_cost == Decimal("0")  # everything is made: a rerun costs nothing


async def test_editing_a_shot_remakes_it_and_only_the_shots_continuing_from_it(client: SoraClient) -> None:
    board = story_board(client, "last_frame")
    board.add("A heron watches from the reeds", continuity="none")
    await board.run()
    ledger = client.simulator.ledger
    assert ledger.created(KEY) == 4
    board.edit(1, prompt="Close-up of a dragonfly landing on the boat, golden light")
    assert [p.action for p in board.plan()] == ["reuse", "generate", "generate", "reuse"]
    assert board.estimated_cost == Decimal("2.40") + Decimal("1.20")  # the 8 s and the 4 s shot
    await board.run()
    assert ledger.created(KEY) == 6
    board.rerun_from(2)  # a new take of the last chained shot only
    assert [p.action for p in board.plan()] == ["reuse", "reuse", "generate", "reuse"]
    await board.run()
    assert ledger.created(KEY) == 7


async def test_running_again_creates_nothing(client: SoraClient) -> None:
    board = story_board(client, "remix")
    first = await board.run()
    again = await board.run()
    assert client.simulator.ledger.created(KEY) == 3
    assert [v.task_id for v in again.shots] == [v.task_id for v in first.shots]


async def test_resume_after_a_kernel_restart_creates_nothing_twice(
    make_client: Callable[..., SoraClient],
) -> None:
    client = make_client()
    board = story_board(client, "last_frame")
    run = asyncio.ensure_future(board.run())

    def die_when_shot_two_is_sent(b: Storyboard) -> None:
        state = b.states[1]
        if state.status == RUNNING and state.task_id and not run.done():
            run.cancel()  # the kernel dies: shot 2 is created, not finished; shot 3 never sent

    board.observe(die_when_shot_two_is_sent)
    with pytest.raises(asyncio.CancelledError):
        await run
    await client.aclose()
    sim = client.simulator
    assert sim.ledger.created(KEY) == 2
    sim.engine.close()

    restarted = make_client()  # a new kernel: new client, new simulator, same SORA_WIDGETS_HOME
    assert [p.action for p in Storyboard.load(board.id, client=restarted).plan()] == [
        "reuse",
        "resume",
        "generate",
    ]
    film = await Storyboard.resume(board.id, client=restarted)
    ledger = restarted.simulator.ledger
    assert ledger.created(KEY) == 3
    assert [ledger.by_prompt(p) for p in STORY] == [1, 1, 1]
    assert count_frames(film.path) == 480
    # The same board rebuilt from its cell after the restart (a new id) makes nothing either.
    again = story_board(restarted, "last_frame")
    assert again.estimated_cost == Decimal("0")
    await again.run()
    assert ledger.created(KEY) == 3
    await restarted.aclose()


async def test_every_shot_is_journaled_with_the_board_before_it_is_sent(client: SoraClient) -> None:
    board = story_board(client, "none")
    await board.run()
    assert client.journal is not None
    entries = client.journal.entries()
    assert sorted(e.labels["shot"] for e in entries) == ["1", "2", "3"]
    assert {e.labels["board"] for e in entries} == {board.id}
    keys = board.keys()
    assert sorted(e.labels["shot_key"] for e in entries) == sorted(keys)
    for entry in entries:  # the "sending" event came before the task id
        assert client.journal.events(entry.id)[0][1] == "sending"


async def test_to_json_shares_prompts_and_settings_only(client: SoraClient) -> None:
    board = story_board(client, "remix", budget=10, crossfade=0.5)
    board.add("An owl at night", image="https://cdn.example/owl.png", continuity="last_frame", seconds=12)
    text = board.to_json()
    assert KEY not in text and "video_" not in text and "data:" not in text
    copy = Storyboard.from_json(text, client=client)
    assert copy.to_dict() == json.loads(text)
    assert copy.keys() == board.keys()
    assert copy.depends_on(3) is None  # its own image: starts from it, not from shot 3
    assert copy.model_of(3) == "sora_2_pro_i2v"


async def test_film_round_trips_and_shows_as_a_video(client: SoraClient) -> None:
    film = await story_board(client, "none", crossfade=0.5).run()
    assert film.join == "reencode"
    assert count_frames(film.path) == 480 - 2 * 15 == film.frames
    assert film.duration == pytest.approx(15.0)
    assert Film.from_dict(json.loads(json.dumps(film.to_dict()))) == film
    video = film.as_video()
    assert video.path == film.path and video.cost == film.cost and video.size == "1280x720"


def test_bad_settings_are_refused_with_the_allowed_values() -> None:
    with pytest.raises(ValueError, match="continuity"):
        Storyboard(SoraClient(connect=Simulator(speed="instant"), journal=False), continuity="dissolve")
    board = Storyboard(SoraClient(connect=Simulator(speed="instant"), journal=False))
    with pytest.raises(ValueError, match="4, 8, 12"):
        board.add("a shot", seconds=5)
    with pytest.raises(ValueError, match="prompt"):
        board.add("   ")
    with pytest.raises(ValueError, match="no shots"):
        board.run_sync()


async def test_a_first_shot_with_its_own_image_and_per_shot_overrides(
    client: SoraClient, tmp_path: Path
) -> None:
    picture = tmp_path / "pond.jpg"
    Image.new("RGB", (1024, 1024), (30, 120, 70)).save(picture)  # square: fitted to the board
    board = Storyboard(client, size="landscape", seconds=4, continuity="last_frame")
    board.add(STORY[0], image=str(picture))
    board.add(STORY[1], seconds=12)
    board.add(STORY[2], continuity="remix")
    film = await board.run()
    sim = client.simulator
    assert [v.model for v in film.shots] == ["sora_2_pro_i2v", "sora_2_pro_i2v", "sora_2_pro_t2v"]
    assert [v.seconds for v in film.shots] == [4, 12, 4]
    first = sim.engine.get(film.shots[0].task_id)
    assert first is not None and first.image_sha256
    with Image.open(sim.engine.state_dir / "inputs" / first.image_sha256) as im:
        assert im.size == (1280, 720)
        assert np.abs(np.asarray(im.convert("RGB"))[360, 640].astype(int) - (30, 120, 70)).max() <= 3
    third = sim.engine.get(film.shots[2].task_id)
    assert third is not None and third.remix_of == film.shots[1].remix_id
    assert count_frames(film.path) == 600


async def test_a_lost_create_answer_is_never_resent_by_running_again(client: SoraClient) -> None:
    board = Storyboard(client, seconds=4, continuity="none")
    board.add(STORY[0])
    board.add(STORY[1] + " [sim:lose]")
    with pytest.raises(ShotFailed, match="answer was lost"):
        await board.run()
    ledger = client.simulator.ledger
    assert ledger.created(KEY) == 2  # the lost one was made (and may be billed)
    assert [p.action for p in board.plan()] == ["reuse", "unknown"]
    assert board.estimated_cost == Decimal("0")
    with pytest.raises(ShotFailed, match="not sent again"):
        await board.run()
    assert ledger.created(KEY) == 2
    board.rerun_from(1)  # the user checked: send it anew, on purpose
    assert [p.action for p in board.plan()] == ["reuse", "generate"]


async def test_independent_shots_run_together_and_chained_ones_in_turn(client: SoraClient) -> None:
    for mode, expected in (("none", 3), ("last_frame", 1)):
        board = story_board(client, mode)
        board.rerun_from(0)  # new takes, so nothing is reused from the other board
        peak = 0

        def count(b: Storyboard) -> None:
            nonlocal peak
            peak = max(peak, sum(s.status == RUNNING and s.task_id is not None for s in b.states))

        board.observe(count)
        await board.run()
        assert peak == expected, mode


async def test_a_running_board_refuses_edits(client: SoraClient) -> None:
    board = story_board(client, "none")
    run = asyncio.ensure_future(board.run())
    await asyncio.sleep(0)
    assert board.running
    for edit in (
        lambda: board.add("one more"),
        lambda: board.edit(0, prompt="changed"),
        lambda: board.remove(0),
        lambda: board.move(0, 1),
        lambda: board.rerun_from(0),
        lambda: board.configure(seconds=8),
    ):
        with pytest.raises(ValueError, match="running"):
            edit()
    with pytest.raises(ValueError, match="running already"):
        await board.run()
    await run
    assert [s.status for s in board.states] == [DONE] * 3 and not board.running
