"""The coach in the widgets (builder checklist, lab per variant) and the frame widgets
(FrameCompare, the player's filmstrip), through the same comm boundary the browser uses."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import sora_widgets as sw
from sora_widgets.models.video import Video
from sora_widgets.widgets.frames import FrameCompare, compare_frames, differences
from sora_widgets.widgets.player import VideoPlayer
from sora_widgets.widgets.prompt_builder import PromptBuilder
from sora_widgets.widgets.prompt_lab import PromptLab

from .conftest import browser_sets, from_browser


def _jpeg_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "JPEG"
        return im.size


# -- the coach in the PromptBuilder (and so the Studio) --------------------------------------


def test_builder_checklist_follows_what_the_browser_types() -> None:
    builder = PromptBuilder()
    assert builder.coach == {}  # nothing typed: no checklist
    browser_sets(builder, text="a dog on a beach")
    assert builder.coach["missing"] == ["shot", "action", "lighting", "camera"]
    assert builder.coach["present"] == {"subject": ["dog"], "setting": ["beach"]}
    # the update went to the browser as state (the checklist is drawn from it)
    assert any("coach" in state for state in builder.comm.states())
    browser_sets(builder, text="Wide shot of a dog running on a beach at golden hour, slow dolly-in")
    assert builder.coach["missing"] == []
    assert builder.coach["advice"] == ["All six elements are there and it is one shot: ready to send."]
    assert builder.report.ready


def test_builder_checklist_counts_the_shot_fields_and_a_custom_vocabulary() -> None:
    vocab = sw.CoachVocabulary.default().extend(subject=["axolotl"])
    builder = PromptBuilder(vocabulary=vocab)
    builder.subject = "an axolotl"
    builder.lighting = "soft blue glow"
    builder.camera = "static tripod"
    assert set(builder.coach["present"]) == {"subject", "lighting", "camera"}
    builder.text = "Then cut to a close-up."
    assert builder.coach["single_purpose"] is False


def test_the_studio_builder_has_the_checklist() -> None:
    from sora_widgets.simulator import Simulator

    studio = sw.Studio(sw.SoraClient(connect=Simulator(speed="instant"), journal=False))
    studio.builder.text = "Close-up of a potter shaping clay"
    assert studio.builder.coach["present"]["shot"] == ["Close-up"]
    assert "coach" in studio.builder._esm and "coachChecklist" in studio.builder._esm


# -- the coach in the Prompt Lab ------------------------------------------------------------


def test_lab_shows_the_coach_report_per_variant() -> None:
    lab = PromptLab(
        template="{shot} of a fox in the snow, {light}",
        slots={"shot": ["Wide shot", "A fox"], "light": ["golden hour", "then cut to a dog"]},
    )
    reports = lab.lab.coach_reports()
    assert len(reports) == 4
    by_prompt = {r.prompt: r for r in reports}
    for row in lab.jobs:
        report = by_prompt[row["prompt"]]
        assert row["coach"]["score"] == report.score
        assert row["coach"]["missing"] == report.missing
        assert row["coach"]["single_purpose"] == report.single_purpose
    assert any(not row["coach"]["single_purpose"] for row in lab.jobs)
    assert {row["coach"]["score"] for row in lab.jobs} != {6}


# -- what differs -----------------------------------------------------------------------------


def test_rows_are_labelled_with_what_differs(landscape_video: Video) -> None:
    a = landscape_video
    b = a.with_changes(task_id="b", prompt="Wide shot of a red kite over a beach at dawn", seconds=8)
    assert differences([a, b]) == ["4 s · …dusk", "8 s · …dawn"]
    swept = [
        a.with_changes(labels={"light": "dusk", "shot": "wide"}),
        b.with_changes(labels={"light": "dawn", "shot": "wide"}),
    ]
    assert differences(swept) == ["light: dusk", "light: dawn"]
    assert differences([a]) == [""]


# -- FrameCompare ---------------------------------------------------------------------------


@pytest.fixture
def two_videos(landscape_video: Video, tmp_path: Path) -> list[Video]:
    from sora_widgets.simulator.render import RenderSpec, render_video, seed_of

    other = tmp_path / "other.mp4"
    render_video(
        RenderSpec(width=1280, height=720, seconds=8, prompt="a blue kite", seed=seed_of("blue")), other
    )
    b = landscape_video.with_changes(
        task_id="other", prompt="Wide shot of a blue kite", seconds=8, path=other
    )
    return [landscape_video, b]


def test_compare_frames_uses_the_same_moments_in_every_row(two_videos: list[Video]) -> None:
    grid = compare_frames(two_videos, n=5)
    assert isinstance(grid, FrameCompare) and isinstance(grid, sw.FrameCompare)
    # the shortest video is 4 s (120 frames): columns from 0 to its last frame
    assert grid.times == pytest.approx([0.0, 0.9917, 1.9833, 2.975, 3.9667], abs=1e-3)
    assert grid.labels == differences(two_videos)
    stills = grid.frames()
    assert [len(row) for row in stills] == [5, 5]
    assert all(im.size == (1280, 720) for row in stills for im in row)
    # same moment, different videos: different pictures
    assert stills[0][2].tobytes() != stills[1][2].tobytes()


def test_stills_go_as_binary_messages_only_when_a_view_asks(two_videos: list[Video]) -> None:
    grid = FrameCompare(two_videos, n=4)
    assert grid.comm.custom("row") == []
    from_browser(grid, {"type": "ready"})
    rows = grid.comm.custom("row")
    assert [content["key"] for content, _ in rows] == [r["key"] for r in grid.rows]
    for content, buffers in rows:
        assert content["times"] == grid.times
        assert len(buffers) == 4
        assert all(_jpeg_size(b)[1] == 120 for b in buffers)
    state = repr(grid.get_state()) + repr(grid.comm.states())
    assert "JFIF" not in state and "\\xff\\xd8" not in state  # no image bytes in the saved state


async def test_stills_are_decoded_off_the_event_loop_in_a_kernel(two_videos: list[Video]) -> None:
    grid = FrameCompare(two_videos, n=3)
    from_browser(grid, {"type": "ready"})  # inside a running loop: made in a thread
    for _ in range(300):
        if len(grid.comm.custom("row")) == 2:
            break
        await asyncio.sleep(0.05)
    assert len(grid.comm.custom("row")) == 2


def test_clicking_a_still_seeks_every_linked_player(two_videos: list[Video]) -> None:
    players = [VideoPlayer(v) for v in two_videos]
    seen: list[float] = []
    grid = compare_frames(two_videos, n=4, players=players)
    grid.on_seek(seen.append)
    from_browser(grid, {"type": "seek", "time": grid.times[2]})
    assert grid.selected_time == pytest.approx(grid.times[2])
    assert [p.current_time for p in players] == [pytest.approx(grid.times[2])] * 2
    # the players were told to seek (a control message, as the browser gets it)
    for p in players:
        assert any("current_time" in content for content, _ in p.comm.custom("control"))
    assert seen == [pytest.approx(grid.times[2])]


async def test_an_async_seek_callback_is_awaited_and_a_failing_one_is_shown(two_videos: list[Video]) -> None:
    grid = compare_frames(two_videos, n=3)
    seen: list[float] = []

    async def later(seconds: float) -> None:
        await asyncio.sleep(0)
        seen.append(seconds)

    def broken(_seconds: float) -> None:
        raise ValueError("no such moment in my notes")

    grid.on_seek(later)
    grid.on_seek(broken)
    from_browser(grid, {"type": "seek", "time": grid.times[1]})
    assert "no such moment" in grid.error
    for _ in range(100):
        if seen:
            break
        await asyncio.sleep(0.01)
    assert seen == [pytest.approx(grid.times[1])]
    from_browser(grid, {"type": "seek", "time": "soon"})  # a malformed message is shown, not raised
    assert "soon" in grid.error


def test_a_video_that_cannot_be_read_is_reported_and_the_rest_still_compare(
    two_videos: list[Video], tmp_path: Path
) -> None:
    gone = two_videos[0].with_changes(task_id="gone", path=tmp_path / "missing.mp4", url=None)
    grid = compare_frames([gone, *two_videos], n=3)
    assert "gone" in grid.error or "no URL" in grid.error
    assert len(grid.times) == 3
    assert [len(r) for r in grid.frames()] == [0, 3, 3]
    with pytest.raises(ValueError, match="between 1 and"):
        compare_frames(two_videos, n=0)


async def test_lab_compare_grid_has_the_frame_compare_linked_to_its_players(client: Any) -> None:
    lab = PromptLab(client, template="A kite at {time}", slots={"time": ["dawn", "dusk"]}, sizes=["1280x720"])
    await lab.lab.run()
    assert len(lab.lab.results) == 2
    grid = lab.frame_compare
    assert [v.task_id for v in grid.videos] == [v.task_id for v in lab.lab.results]
    assert grid.labels == ["time: dawn", "time: dusk"]
    grid.seek(1.5)  # a click on a still: every compared video goes there
    assert lab.current_time == 1.5
    # the grid is the lab's child widget, made with it and drawn by the lab's front end
    assert lab.get_state()["frame_compare"] == f"IPY_MODEL_{grid.model_id}"


# -- the player's filmstrip -----------------------------------------------------------------


def test_player_sends_a_filmstrip_when_a_view_asks(landscape_video: Video) -> None:
    player = VideoPlayer(landscape_video)
    assert player.comm.custom("filmstrip") == []
    from_browser(player, {"type": "want_filmstrip", "version": player.version})
    [(content, buffers)] = player.comm.custom("filmstrip")
    assert content["version"] == player.version
    assert len(content["times"]) == 8 and content["times"][0] == 0.0
    assert content["times"][-1] == pytest.approx(119 / 30, abs=1e-3)
    width, height = _jpeg_size(buffers[0])
    assert height == 72 and width == 8 * 128
    assert "JFIF" not in repr(player.get_state())
    player.show_filmstrip = False
    from_browser(player, {"type": "want_filmstrip", "version": player.version})
    assert len(player.comm.custom("filmstrip")) == 1  # turned off: nothing more sent


def test_history_html_shows_a_filmstrip_per_video(landscape_video: Video, tmp_path: Path) -> None:
    from sora_widgets.journal import History, Journal

    journal = Journal(tmp_path / "journal.sqlite3")
    entry_id = journal.record_request(sw.VideoRequest(landscape_video.prompt), base_url="x", simulated=True)
    journal.record_video(entry_id, landscape_video)
    history = History(journal)
    page = history._repr_html_()
    assert page.count("data:image/jpeg;base64,") == 1
    assert f"Filmstrip of {landscape_video.task_id}: 6 stills" in page
    history.filmstrips = False
    assert "data:image/jpeg" not in history._repr_html_()
