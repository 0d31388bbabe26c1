"""join_videos on its own: copy when it can, re-encode when it must, sound in place, crossfades."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sora_widgets.av.film import join_videos, last_frame, probe
from sora_widgets.simulator.render import RenderSpec, render_video, seed_of

from .conftest import count_frames, decode_frames, decoded_audio, first_frame


def clip(
    folder: Path, name: str, *, seconds: int = 2, size: tuple[int, int] = (320, 180), audio: bool = True
) -> Path:
    spec = RenderSpec(
        width=size[0], height=size[1], seconds=seconds, prompt=name, seed=seed_of(name), audio=audio
    )
    path = folder / f"{name}.mp4"
    render_video(spec, path)
    return path


def test_equal_setups_are_copied_packet_for_packet(tmp_path: Path) -> None:
    a, b = clip(tmp_path, "one"), clip(tmp_path, "two", seconds=4)
    joined = join_videos([a, b], tmp_path / "film.mp4")
    assert joined.mode == "copy"
    assert (joined.frames, joined.duration, joined.starts) == (180, 6.0, (0.0, 2.0))
    frames = decode_frames(joined.path)
    assert len(frames) == 180
    assert np.array_equal(frames[59], decode_frames(a)[-1])
    assert np.array_equal(frames[60], decode_frames(b)[0])
    # The tests' helper that decodes only a video's first picture gets that same picture.
    assert np.array_equal(first_frame(b), decode_frames(b)[0])


def test_different_encoder_setups_or_sizes_are_encoded_again(tmp_path: Path) -> None:
    a, b = clip(tmp_path, "one"), clip(tmp_path, "two")
    other = join_videos([b], tmp_path / "b-again.mp4", reencode=True).path  # another x264 setup
    assert probe(other).setup != probe(a).setup
    joined = join_videos([a, other], tmp_path / "film.mp4")
    assert joined.mode == "reencode"
    assert count_frames(joined.path) == 120
    tall = clip(tmp_path, "tall", size=(180, 320))
    mixed = join_videos([a, tall], tmp_path / "mixed.mp4")
    info = probe(mixed.path)
    assert (mixed.mode, info.width, info.height, info.frames) == ("reencode", 320, 180, 120)
    assert info.duration == pytest.approx(4.0)


def test_a_shot_without_sound_is_silence_of_its_own_length(tmp_path: Path) -> None:
    loud, quiet = clip(tmp_path, "loud"), clip(tmp_path, "quiet", audio=False)
    joined = join_videos([loud, quiet, loud], tmp_path / "film.mp4")
    assert joined.has_audio and joined.mode == "copy"
    samples, rate = decoded_audio(joined.path)
    assert 6 * rate <= len(samples) < 6 * rate + 1024
    assert np.abs(samples[int(2.2 * rate) : int(3.8 * rate)]).max() < 1e-3  # the silent shot
    assert np.sqrt((samples[4 * rate : 4 * rate + rate // 50] ** 2).mean()) > 0.2  # third slate on time
    assert not join_videos([quiet], tmp_path / "silent.mp4").has_audio


def test_a_crossfade_blends_the_cut_and_shortens_the_film_by_the_overlap(tmp_path: Path) -> None:
    a, b = clip(tmp_path, "one"), clip(tmp_path, "two")
    joined = join_videos([a, b], tmp_path / "film.mp4", crossfade=0.5)
    assert joined.mode == "reencode"
    assert joined.frames == count_frames(joined.path) == 120 - 15
    assert joined.duration == pytest.approx(3.5)
    frames = decode_frames(joined.path)
    end_a, start_b = decode_frames(a)[52].astype(float), decode_frames(b)[7].astype(float)
    middle = frames[52].astype(float)  # halfway through the fade: half of each
    assert np.abs(middle - (end_a + start_b) / 2).mean() < np.abs(middle - end_a).mean()
    assert np.abs(middle - (end_a + start_b) / 2).mean() < np.abs(middle - start_b).mean()
    samples, rate = decoded_audio(joined.path)
    assert 3.5 * rate <= len(samples) < 3.5 * rate + 1024


def test_last_frame_is_the_final_decoded_picture(tmp_path: Path) -> None:
    path = clip(tmp_path, "one")
    assert np.array_equal(np.asarray(last_frame(path)), decode_frames(path)[-1])


def test_bad_joins_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one"):
        join_videos([], tmp_path / "x.mp4")
    with pytest.raises(ValueError, match="crossfade"):
        join_videos([clip(tmp_path, "one")], tmp_path / "x.mp4", crossfade=2.0)
    assert not (tmp_path / "x.mp4").exists()


def b_frame_clip(path: Path, frames: int, shade: int) -> Path:
    """An H.264 clip with B-frames (decode order differs from display order), as encoders
    outside this project usually make them."""
    import av

    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        stream.options = {"preset": "medium", "bf": "3"}
        for i in range(frames):
            picture = np.full((180, 320, 3), shade, np.uint8)
            picture[:, (i * 7) % 320] = 255  # a moving line: every frame differs
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def test_clips_with_b_frames_are_copied_in_display_order(tmp_path: Path) -> None:
    import av

    a = b_frame_clip(tmp_path / "a.mp4", 60, 40)
    b = b_frame_clip(tmp_path / "b.mp4", 45, 200)
    with av.open(str(a)) as container:
        packets = [p for p in container.demux(container.streams.video[0]) if p.pts is not None]
        assert any(p.dts is not None and p.dts < p.pts for p in packets)  # really B-frames
    joined = join_videos([a, b, a], tmp_path / "film.mp4")
    assert joined.mode == "copy" and joined.starts == (0.0, 2.0, 3.5)
    frames = decode_frames(joined.path)
    assert len(frames) == 165
    expected = decode_frames(a) + decode_frames(b) + decode_frames(a)
    assert all(np.array_equal(x, y) for x, y in zip(frames, expected, strict=True))
