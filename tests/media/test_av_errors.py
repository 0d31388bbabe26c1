"""The frame and film helpers' error contract on files nobody checked: every failure is a
MediaError (a SoraError and an OSError), a damaged shot is never joined, and pictures over the
decoding cap are refused before they are decoded. Media made here with PyAV, small and fast."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from sora_widgets._constants import MAX_DECODE_PIXELS
from sora_widgets.av import film, frames
from sora_widgets.errors import MediaError, SoraError


def write_video(
    path: Path, width: int = 128, height: int = 72, count: int = 30, *, audio: bool = False
) -> Path:
    """An H.264 MP4 of ``count`` moving pictures (and a second of sound with ``audio``)."""
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        sound = container.add_stream("aac", rate=48_000, layout="mono") if audio else None
        for i in range(count):
            picture = np.full((height, width, 3), (i * 8) % 256, np.uint8)
            picture[:, : width // 2, 0] = 200
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
        if sound is not None:
            samples = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="flt", layout="mono")
            samples.sample_rate, samples.pts = 48_000, 0
            container.mux(sound.encode(samples))
            container.mux(sound.encode())
    return path


def write_sound_only(path: Path) -> Path:
    with av.open(str(path), "w", format="mp4") as container:
        sound = container.add_stream("aac", rate=48_000, layout="mono")
        for k in range(5):
            samples = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="flt", layout="mono")
            samples.sample_rate, samples.pts = 48_000, k * 1024
            container.mux(sound.encode(samples))
        container.mux(sound.encode())
    return path


def damage(source: Path, dest: Path) -> Path:
    """``source`` with bytes of its picture data flipped (the boxes around them intact)."""
    data = bytearray(source.read_bytes())
    start = data.find(b"mdat") + 200
    for k in range(start, min(start + 1000, len(data) - 8), 7):
        data[k] ^= 0x5A
    dest.write_bytes(bytes(data))
    return dest


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("av-errors")
    good = write_video(folder / "good.mp4")
    png = folder / "still.mp4"
    Image.new("RGB", (64, 64), (200, 30, 30)).save(png, format="PNG")
    html = folder / "page.mp4"
    html.write_bytes(b"<html><body>Access denied</body></html>")
    empty = folder / "empty.mp4"
    empty.write_bytes(b"")
    return {
        "good": good,
        "damaged": damage(good, folder / "damaged.mp4"),
        "sound only": write_sound_only(folder / "sound.mp4"),
        "png named .mp4": png,
        "html named .mp4": html,
        "empty": empty,
        "missing": folder / "nowhere.mp4",
        "folder": folder,
    }


HELPERS: dict[str, Callable[[Path], Any]] = {
    "sample_frames": lambda p: frames.sample_frames(p, 4),
    "frames_at": lambda p: frames.frames_at(p, [0.0, 0.5]),
    "video_duration": frames.video_duration,
    "filmstrip_jpeg": frames.filmstrip_jpeg,
    "probe": film.probe,
    "last_frame": film.last_frame,
}
BAD = ["sound only", "png named .mp4", "html named .mp4", "empty", "missing", "folder"]


@pytest.mark.parametrize("helper", HELPERS)
@pytest.mark.parametrize("kind", BAD)
def test_every_helper_fails_with_a_media_error_naming_the_file(
    media: dict[str, Path], helper: str, kind: str
) -> None:
    frames.CACHE.clear()
    with pytest.raises(MediaError) as info:
        HELPERS[helper](media[kind])
    assert isinstance(info.value, SoraError) and isinstance(info.value, OSError)  # the documented contract
    assert media[kind].name in info.value.message
    assert info.value.advice


@pytest.mark.parametrize("helper", ["sample_frames", "frames_at", "filmstrip_jpeg", "last_frame"])
def test_damaged_picture_data_is_refused_not_concealed(media: dict[str, Path], helper: str) -> None:
    frames.CACHE.clear()
    with pytest.raises(MediaError, match=r"damaged\.mp4"):
        HELPERS[helper](media["damaged"])


def test_a_sound_only_file_says_it_has_no_video_stream(media: dict[str, Path]) -> None:
    with pytest.raises(MediaError, match="no video stream"):
        film.probe(media["sound only"])


def test_joining_with_a_damaged_shot_never_succeeds(media: dict[str, Path], tmp_path: Path) -> None:
    dest = tmp_path / "film.mp4"
    joined = film.join_videos([media["good"], media["good"]], dest)  # the same two, undamaged: copied
    assert joined.mode == "copy" and joined.frames == 60
    dest.unlink()
    for shots in ([media["good"], media["damaged"]], [media["damaged"], media["good"]]):
        for reencode in (False, True):
            with pytest.raises(MediaError, match=r"damaged\.mp4"):
                film.join_videos(shots, dest, reencode=reencode)
            assert not dest.exists() and list(tmp_path.iterdir()) == []  # no film, no .part left


def test_joining_a_file_that_is_not_an_mp4_is_a_media_error(media: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"page\.mp4"):
        film.join_videos([media["good"], media["html named .mp4"]], tmp_path / "film.mp4")


@pytest.fixture(scope="module")
def oversized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny file (a few kB) of one 2064x2064 picture: just over the cap."""
    side = 2064
    assert side * side > MAX_DECODE_PIXELS
    return write_video(tmp_path_factory.mktemp("big") / "big.mp4", side, side, 1)


@pytest.mark.parametrize("helper", ["sample_frames", "frames_at", "filmstrip_jpeg", "last_frame"])
def test_pictures_over_the_cap_are_refused_before_decoding(
    oversized: Path, helper: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_ffmpeg(*args: object, **kwargs: object) -> None:
        raise AssertionError("FFmpeg opened the file (it decodes a first picture while opening)")

    monkeypatch.setattr(av, "open", no_ffmpeg)  # refused from the index, before FFmpeg sees it
    frames.CACHE.clear()
    assert oversized.stat().st_size < 64_000
    with pytest.raises(MediaError, match=r"2064x2064 pictures; sora_widgets decodes at most"):
        HELPERS[helper](oversized)
    assert frames.CACHE.nbytes == 0


def test_the_cap_also_holds_for_a_stream_whose_pictures_differ_from_its_header(
    media: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The header is checked before decoding; every decoded picture is checked again. Here the
    # header passes (the check before decoding is skipped) and the first decoded picture does not.
    from sora_widgets.av import _open

    calls: list[tuple[int, int]] = []

    def cap_after_header(path: Path, width: int, height: int) -> None:
        calls.append((width, height))
        # Checks: the index (reading times), then the index, the codec, a decoded picture.
        if len(calls) > 3:
            raise MediaError(f"{path.name}: over the cap")

    monkeypatch.setattr(_open, "check_pixels", cap_after_header)
    frames.CACHE.clear()
    with pytest.raises(MediaError, match="over the cap"):
        frames.sample_frames(media["good"], 2)
    assert calls == [(128, 72)] * 4


def test_the_declared_size_is_read_from_the_index_without_ffmpeg(
    media: dict[str, Path], oversized: Path, tmp_path: Path
) -> None:
    assert _open_module().declared_sizes(media["good"]) == [(128, 72)]  # index at the end
    assert film.picture_size(oversized) == (2064, 2064)  # a size check, not a refusal
    assert _open_module().declared_sizes(media["sound only"]) == []
    assert _open_module().declared_sizes(media["html named .mp4"]) == []
    with pytest.raises(MediaError, match="cannot read the video file"):
        _open_module().declared_sizes(media["missing"])


def _open_module() -> Any:
    from sora_widgets.av import _open

    return _open


KINDS = st.sampled_from([b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd", b"hdlr", b"avc1", b"free"])


def _box(kind: bytes, payload: bytes, lie: int) -> bytes:
    return max(0, len(payload) + 8 + lie).to_bytes(4, "big") + kind + payload


BOXES = st.recursive(
    st.builds(_box, KINDS, st.binary(max_size=40), st.sampled_from([0, 0, 0, -9, 7])),
    lambda inner: st.builds(
        lambda kind, children, lie: _box(kind, b"".join(children), lie),
        KINDS,
        st.lists(inner, max_size=3),
        st.sampled_from([0, 0, 0, -3, 5]),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.binary(max_size=300), BOXES),
    st.sampled_from([b"", b"\x00\x00\x00\x10ftypisom\x00\x00\x00\x00"]),
)
def test_the_index_reader_on_any_bytes_gives_sizes_or_a_media_error(body: bytes, head: bytes) -> None:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".mp4") as fh:
        fh.write(head + body)
        fh.flush()
        try:
            sizes = _open_module().declared_sizes(Path(fh.name))
        except MediaError:
            return
    assert all(0 <= w < 65536 and 0 <= h < 65536 for w, h in sizes)
