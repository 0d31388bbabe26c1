"""VideoPlayer: bytes as binary buffers on request, downloads, remix, playback state both ways."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sora_widgets.models.video import Video
from sora_widgets.widgets.player import VideoPlayer

from .conftest import browser_sets, from_browser


def all_state_text(player: VideoPlayer) -> str:
    return repr(player.get_state()) + repr(player.comm.states())


def test_shows_the_facts_beside_the_video(landscape_video: Video) -> None:
    player = VideoPlayer(landscape_video)
    assert player.prompt == landscape_video.prompt
    assert (player.size, player.seconds, player.cost) == ("1280x720", 4, "$1.20")
    assert player.simulated and player.has_video
    assert player.error == ""


def test_video_bytes_go_as_a_binary_buffer_when_a_view_asks(
    landscape_video: Video, landscape_mp4: Path
) -> None:
    player = VideoPlayer(landscape_video)
    assert player.comm.custom("video") == []  # nobody is looking yet: nothing sent
    from_browser(player, {"type": "ready"})
    videos = player.comm.custom("video")
    assert len(videos) == 1
    content, buffers = videos[-1]
    assert content == {"type": "video", "version": player.version, "mime": "video/mp4"}
    assert buffers == [landscape_mp4.read_bytes()]
    assert buffers[0][4:8] == b"ftyp"
    # Nothing of the video is in the state a saved notebook would keep.
    assert player.get_state()["_embedded"] == b""
    assert "ftyp" not in all_state_text(player)


def test_embed_puts_the_video_in_the_state_only_when_asked(
    landscape_video: Video, landscape_mp4: Path
) -> None:
    player = VideoPlayer(landscape_video, embed=True)
    assert player.get_state()["_embedded"] == landscape_mp4.read_bytes()
    player.embed = False
    assert player.get_state()["_embedded"] == b""


def test_download_button_sends_the_file_for_a_blob_download(
    landscape_video: Video, landscape_mp4: Path
) -> None:
    player = VideoPlayer(landscape_video)
    from_browser(player, {"type": "download"})
    [(content, buffers)] = player.comm.custom("file")
    assert content == {"type": "file", "name": "kite.mp4", "mime": "video/mp4"}
    assert buffers == [landscape_mp4.read_bytes()]


def test_remix_button_calls_back_with_the_video_and_shows_callback_errors(landscape_video: Video) -> None:
    player = VideoPlayer(landscape_video)
    assert not player.show_remix
    seen: list[Video] = []
    player.on_remix(seen.append)
    assert player.show_remix
    from_browser(player, {"type": "remix"})
    assert seen == [landscape_video]

    def broken(_video: Video) -> None:
        raise ValueError("no remix today")

    player.on_remix(broken)
    from_browser(player, {"type": "remix"})
    assert player.error == "ValueError: no remix today"


def test_playback_state_readable_and_settable_from_python(landscape_video: Video) -> None:
    player = VideoPlayer(landscape_video)
    # The browser reports what the <video> does ...
    browser_sets(player, playing=True, current_time=1.25, duration=4.0, muted=True)
    assert (player.playing, player.current_time, player.duration, player.muted) == (True, 1.25, 4.0, True)
    # ... and Python drives it; each change goes to the browser as a state update.
    player.pause()
    player.seek(2.5)
    player.loop = True
    player.muted = False
    sent: dict[str, Any] = {}
    for state in player.comm.states():
        sent.update(state)
    assert sent["playing"] is False
    assert sent["current_time"] == 2.5
    assert sent["loop"] is True
    assert sent["muted"] is False
    player.play()
    assert player.comm.states()[-2:] == [{"playing": True}, {"_control_seq": 5}]
    # Python's changes also go as commands (the browser may ignore a state update for a key it
    # is reporting itself); what the browser reported is never echoed back as a command.
    commands = [c for c, _ in player.comm.custom("control")]
    assert commands == [
        {"type": "control", "seq": 1, "playing": False},
        {"type": "control", "seq": 2, "current_time": 2.5},
        {"type": "control", "seq": 3, "loop": True},
        {"type": "control", "seq": 4, "muted": False},
        {"type": "control", "seq": 5, "playing": True},
    ]


def test_a_browser_report_older_than_pythons_last_change_never_wins(landscape_video: Video) -> None:
    player = VideoPlayer(landscape_video)
    from_browser(player, {"type": "ready", "seq": player._control_seq})
    browser_sets(player, playing=True, current_time=0.3)  # playing, reporting its position
    player.pause()
    player.current_time = 2.0
    seq = player._control_seq
    # Reports the browser sent before it applied Python's pause and seek arrive afterwards ...
    browser_sets(player, current_time=0.5)
    browser_sets(player, playing=True, current_time=0.55, duration=4.0)
    # ... and lose: Python keeps its values, echoes them back, and takes the rest of the report.
    assert (player.playing, player.current_time, player.duration) == (False, 2.0, 4.0)
    echoes = [d["state"] for t, d, _ in player.comm.published if d.get("method") == "echo_update"]
    assert echoes[-2:] == [{"current_time": 2.0}, {"playing": False, "current_time": 2.0, "duration": 4.0}]
    # Once the browser has applied Python's last change (it says so with its number), what the
    # user does in the browser counts again.
    browser_sets(player, _ack=seq, current_time=2.0, playing=False)
    browser_sets(player, current_time=3.25)
    assert (player.playing, player.current_time) == (False, 3.25)
    browser_sets(player, playing=True)
    assert player.playing is True
    # An acknowledgement of an older change does not let an old report through.
    player.seek(1.0)
    browser_sets(player, _ack=seq, current_time=3.5)
    assert player.current_time == 1.0
    # A view that opens later starts from the number it was given.
    from_browser(player, {"type": "ready", "seq": player._control_seq})
    browser_sets(player, current_time=1.5)
    assert player.current_time == 1.5


def test_showing_another_video_bumps_the_version_and_resets_playback(
    landscape_video: Video, landscape_mp4: Path, tmp_path: Path
) -> None:
    player = VideoPlayer(landscape_video)
    browser_sets(player, playing=True, current_time=3.0)
    other_path = tmp_path / "other.mp4"
    other_path.write_bytes(landscape_mp4.read_bytes())
    from_browser(player, {"type": "ready"})
    version = player.version
    player.show(landscape_video.with_changes(task_id="second", path=other_path, prompt="Second"))
    assert player.version == version + 1
    assert (player.playing, player.current_time, player.task_id) == (False, 0.0, "second")
    content, _ = player.comm.custom("video")[-1]
    assert content["version"] == player.version


def test_a_missing_file_is_explained(landscape_video: Video, tmp_path: Path) -> None:
    player = VideoPlayer(landscape_video.with_changes(path=tmp_path / "gone.mp4"))
    assert "Cannot read the video file" in player.error
    assert "client.download" in player.error
    player = VideoPlayer(landscape_video.with_changes(path=None))
    assert "no local file" in player.error
    from_browser(player, {"type": "download"})
    assert player.comm.custom("file") == []


def test_compact_mode_for_grids(landscape_video: Video) -> None:
    player = VideoPlayer(landscape_video, compact=True, caption="variant 2")
    assert player.compact and player.caption == "variant 2"


async def test_a_video_without_a_file_is_downloaded_through_the_client(client: Any) -> None:
    video = await client.generate(prompt="A paper boat on a puddle", seconds=4, download=False)
    assert video.path is None
    player = VideoPlayer(video, client=client)
    from_browser(player, {"type": "ready"})  # a view is waiting for the bytes
    for _ in range(200):
        if player.has_video:
            break
        await asyncio.sleep(0.02)
    assert player.has_video and player.error == ""
    assert player.video is not None and player.video.path is not None
    _content, buffers = player.comm.custom("video")[-1]
    assert buffers[0] == Path(player.video.path).read_bytes()  # noqa: ASYNC240 - a test, after the fact


def test_displaying_pushes_the_bytes_once_ahead_of_the_display_and_never_into_state(
    landscape_video: Video, landscape_mp4: Path, tmp_path: Path
) -> None:
    player = VideoPlayer(landscape_video)
    assert player.comm.custom("video") == []  # made, not displayed: nothing sent
    data, _metadata = player._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    [(content, buffers)] = player.comm.custom("video")
    assert content == {"type": "video", "version": player.version, "mime": "video/mp4", "pushed": True}
    assert buffers == [landscape_mp4.read_bytes()]
    # The view made by that display took the pushed bytes: it says so, and nothing more is sent.
    from_browser(player, {"type": "ready", "have": player.version})
    player._repr_mimebundle_()  # displayed again: that view asks for them instead
    assert len(player.comm.custom("video")) == 1
    from_browser(player, {"type": "ready", "have": -1})
    assert len(player.comm.custom("video")) == 2
    # Another video, displayed: pushed again, for the new version only.
    other = tmp_path / "other.mp4"
    other.write_bytes(landscape_mp4.read_bytes())
    player.show(landscape_video.with_changes(task_id="second", path=other))
    sent = len(player.comm.custom("video"))  # the views there are get it at once
    player._repr_mimebundle_()
    assert len(player.comm.custom("video")) == sent + 1
    assert player.comm.custom("video")[-1][0]["version"] == player.version
    assert player.get_state()["_embedded"] == b""
    assert "ftyp" not in all_state_text(player)


def test_nothing_is_pushed_for_a_text_only_display_an_embedded_player_or_a_missing_file(
    landscape_video: Video, tmp_path: Path
) -> None:
    player = VideoPlayer(landscape_video)
    player._repr_mimebundle_(include=["text/plain"])
    assert player.comm.custom("video") == []
    embedded = VideoPlayer(landscape_video, embed=True)
    embedded._repr_mimebundle_()
    assert embedded.comm.custom("video") == []  # the bytes are in its state already
    from_browser(embedded, {"type": "ready", "have": embedded.version})
    assert embedded.comm.custom("video") == []
    missing = VideoPlayer(landscape_video.with_changes(path=tmp_path / "gone.mp4"))
    missing._repr_mimebundle_()
    assert missing.comm.custom("video") == []


def test_each_player_has_its_own_front_end_key(landscape_video: Video) -> None:
    a, b = VideoPlayer(landscape_video), VideoPlayer(landscape_video)
    assert a.get_state()["_key"] and a.get_state()["_key"] != b.get_state()["_key"]


def test_a_player_made_with_a_video_opens_with_its_facts_and_sends_no_update(landscape_video: Video) -> None:
    # One message instead of an opening and an update: the front end makes the view sooner.
    player = VideoPlayer(landscape_video)
    [opened] = [data for msg_type, data, _ in player.comm.published if msg_type == "comm_open"]
    state = opened["state"]
    assert (state["prompt"], state["size"], state["version"], state["has_video"]) == (
        landscape_video.prompt,
        "1280x720",
        1,
        True,
    )
    assert player.comm.states() == []
