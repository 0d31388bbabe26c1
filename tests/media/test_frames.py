"""Video.frames / Video.filmstrip / frames_at against known frames of simulator videos."""

from __future__ import annotations

import io
import itertools
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import sora_widgets as sw
from sora_widgets.av import frames as fr
from sora_widgets.simulator import Simulator
from sora_widgets.simulator.render import FPS


def _picture(width: int, height: int, seed: int) -> bytes:
    """A smooth structured picture (noise would not survive H.264 for a comparison)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    r = 127 + 120 * np.sin(xx / (40 + 30 * rng.random()))
    g = 127 + 120 * np.cos(yy / (35 + 30 * rng.random()))
    b = 255 * (xx + yy) / (width + height)
    buf = io.BytesIO()
    Image.fromarray(np.stack([r, g, b], axis=-1).clip(0, 255).astype(np.uint8)).save(buf, "PNG")
    return buf.getvalue()


def _grey(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.float32)


def _same_luma(a: Image.Image, b: Image.Image) -> float:
    """Share of pixels whose luma (Y of YCbCr) is within 8 levels in both images."""
    ya = np.asarray(a.convert("YCbCr"))[..., 0].astype(np.float32)
    yb = np.asarray(b.convert("YCbCr"))[..., 0].astype(np.float32)
    return float((np.abs(ya - yb) < 8).mean())


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> sw.SoraClient:
    home = tmp_path_factory.mktemp("frames-home")
    return sw.SoraClient(
        connect=Simulator(speed="instant", state_dir=home / "sim"),
        journal=False,
        download_dir=home / "videos",
    )


@pytest.fixture(scope="module")
def t2v(client: sw.SoraClient) -> sw.Video:
    return client.generate_sync(prompt="A red kite over a beach at dusk", size="1280x720", seconds=4)


def test_frames_are_evenly_spaced_from_first_to_last(t2v: sw.Video) -> None:
    assert t2v.path is not None
    stills = fr.sample_frames(t2v.path, 5)
    count = 4 * FPS
    assert [s.index for s in stills] == [round(k * (count - 1) / 4) for k in range(5)]
    assert stills[0].time == 0.0
    assert stills[-1].time == pytest.approx((count - 1) / FPS, abs=1e-3)
    images = sw.video_frames(t2v, 5)
    assert [im.size for im in images] == [(1280, 720)] * 5
    # consecutive samples differ (the simulator's camera drifts), the first equals frame 0
    assert all(np.abs(_grey(a) - _grey(b)).mean() > 1.0 for a, b in itertools.pairwise(images))
    first = fr.frames_at(t2v.path, [0.0])[0].image
    assert np.abs(_grey(first) - _grey(images[0])).max() == 0


def test_frames_at_gives_the_frame_shown_at_each_time(t2v: sw.Video) -> None:
    assert t2v.path is not None
    stills = fr.frames_at(t2v.path, [0.0, 1.0, 1.02, 3.9, 99.0])
    assert [s.index for s in stills] == [0, 30, 30, 117, 119]
    assert stills[1].time == pytest.approx(1.0, abs=1e-3)
    assert fr.video_duration(t2v.path) == pytest.approx(119 / FPS, abs=1e-3)


def test_first_frame_of_an_image_to_video_is_its_reference_image(client: sw.SoraClient) -> None:
    picture = _picture(1280, 720, seed=3)
    video = client.generate_sync(prompt="The picture comes alive", size="1280x720", seconds=4, image=picture)
    first = sw.video_frames(video, 3)[0]
    reference = Image.open(io.BytesIO(picture)).convert("RGB")
    diff = np.abs(np.asarray(first, dtype=np.float32) - np.asarray(reference, dtype=np.float32))
    assert diff.mean() < 6.0, diff.mean()  # H.264 at CRF 24 plus 4:2:0 chroma: a few levels
    other = Image.open(io.BytesIO(_picture(1280, 720, seed=11))).convert("RGB")
    assert np.abs(np.asarray(first, dtype=np.float32) - np.asarray(other, dtype=np.float32)).mean() > 20


def test_a_remix_frames_derive_from_its_source(client: sw.SoraClient, t2v: sw.Video) -> None:
    remix = client.generate_sync(
        prompt="The same kite, in a different mood", remix_video_id=t2v.remix_id, size="1280x720", seconds=4
    )
    unrelated = client.generate_sync(prompt="A submarine in a deep trench", size="1280x720", seconds=4)
    for source_frame, remix_frame, other_frame in zip(
        sw.video_frames(t2v, 4), sw.video_frames(remix, 4), sw.video_frames(unrelated, 4), strict=True
    ):
        # Same shapes, motion and framing: the brightness (luma) matches almost everywhere but
        # for the words; an unrelated video matches in few places.
        same = _same_luma(source_frame, remix_frame)
        assert same > 0.85, same
        assert _same_luma(source_frame, other_frame) < 0.6
        # the remix is not a copy: its colours turn
        assert np.abs(np.asarray(source_frame, float) - np.asarray(remix_frame, float)).mean() > 5


def test_filmstrip_is_one_horizontal_image_of_the_frames(t2v: sw.Video) -> None:
    strip = sw.video_filmstrip(t2v, 4, height=90)
    assert strip.height == 90
    assert strip.width == 4 * 160 + 3 * 2
    tile = strip.crop((162, 0, 322, 90))
    expected = sw.video_frames(t2v, 4)[1].resize((160, 90))
    assert np.abs(_grey(tile) - _grey(expected)).mean() < 1.0
    with pytest.raises(ValueError, match="height"):
        sw.video_filmstrip(t2v, 4, height=3)


def test_frames_are_cached_per_file_and_a_rewritten_file_is_read_again(
    t2v: sw.Video, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert t2v.path is not None
    copy = tmp_path / "copy.mp4"
    copy.write_bytes(Path(t2v.path).read_bytes())
    decodes: list[str] = []
    real = fr._decode
    monkeypatch.setattr(fr, "_decode", lambda path, wanted: decodes.append(str(path)) or real(path, wanted))
    first = fr.sample_frames(copy, 3)
    again = fr.sample_frames(copy, 3)
    assert len(decodes) == 1 and [s.index for s in first] == [s.index for s in again]
    os.utime(copy, ns=(1_000_000_000, 1_000_000_000))  # same bytes, new mtime: read again
    fr.sample_frames(copy, 3)
    assert len(decodes) == 2


def test_the_cache_is_bounded_in_bytes() -> None:
    cache = fr._Cache(budget=3 * 10 * 10 * 3)
    still = fr.Still(0, 0.0, Image.new("RGB", (10, 10)))
    for k in range(5):
        cache.put(("f", k), [still])
    assert cache.nbytes <= cache.budget
    assert cache.get(("f", 0)) is None and cache.get(("f", 4)) is not None
    cache.put(("big",), [fr.Still(0, 0.0, Image.new("RGB", (100, 100)))])
    assert cache.get(("big",)) is None  # larger than the whole budget: not kept


def test_a_video_without_a_file_is_downloaded_first_or_says_how(client: sw.SoraClient, t2v: sw.Video) -> None:
    gone = t2v.with_changes(path=None)
    with pytest.raises(sw.DownloadError, match=r"pass the client that made it"):
        sw.video_frames(gone, 2)
    assert [im.size for im in sw.video_frames(gone, 2, client=client)] == [(1280, 720)] * 2
    nowhere = t2v.with_changes(path=None, url=None)
    with pytest.raises(sw.DownloadError, match="no URL"):
        sw.video_frames(nowhere, 2, client=client)


def test_a_broken_file_gives_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"<html>not a video</html>")
    video = sw.Video(task_id="t1", model="sora_2_pro_t2v", prompt="x", size="1280x720", seconds=4, path=bad)
    with pytest.raises(OSError):
        sw.video_frames(video, 2)
    with pytest.raises(ValueError, match="between 1 and"):
        fr.sample_frames(bad, 0)
