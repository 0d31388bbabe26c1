"""Decoded video properties: size, length, frame rate, codec, the reference frame, determinism."""

from __future__ import annotations

import base64
import io
import time
from pathlib import Path

import av
import httpx
import numpy as np
import pytest
from PIL import Image

from sora_widgets.simulator import Simulator
from sora_widgets.simulator.render import RenderSpec, render_video, seed_of

from .conftest import CREATE, KEY, body, png_bytes, poll_until


class Decoded:
    """What a decoder sees: stream properties, the frame count and some frames as RGB."""

    def __init__(self, source: Path | bytes, keep: tuple[int, ...] = (0, 15, 30, -1)) -> None:
        opened = io.BytesIO(source) if isinstance(source, bytes) else str(source)
        with av.open(opened) as container:
            stream = container.streams.video[0]
            self.codec = stream.codec_context.name
            self.width, self.height = stream.codec_context.width, stream.codec_context.height
            self.pix_fmt = stream.codec_context.pix_fmt
            self.fps = float(stream.average_rate or 0)
            self.duration = float(container.duration or 0) / 1_000_000
            raw = list(container.decode(stream))  # decoding is cheap; RGB conversion is not
        self.count = len(raw)
        self.frames = {i: raw[i].to_ndarray(format="rgb24") for i in keep if -self.count <= i < self.count}

    def __getitem__(self, index: int) -> np.ndarray:
        return self.frames[index]


def spec(prompt: str, **changes: object) -> RenderSpec:
    values: dict[str, object] = {
        "width": 720,
        "height": 1280,
        "seconds": 4,
        "prompt": prompt,
        "seed": seed_of(prompt),
    }
    values.update(changes)
    return RenderSpec(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("size", "seconds"), [("1280x720", "12"), ("720x1280", "4"), ("720x1280", "8")])
def test_served_video_has_the_requested_size_and_length(api: httpx.Client, size: str, seconds: str) -> None:
    done = poll_until(
        api,
        api.post(CREATE, json=body(f"a kite, {size}, {seconds}s", size=size, seconds=seconds)).json()["id"],
    )
    data = httpx.get(done["output"][0]["content"][0]["url"]).content
    video = Decoded(data)
    width, height = (int(v) for v in size.split("x"))
    assert (video.width, video.height) == (width, height)
    assert video.codec == "h264"
    assert video.pix_fmt == "yuv420p"
    assert 24 <= video.fps <= 30
    assert video.count == int(seconds) * int(video.fps)
    assert abs(video.duration - int(seconds)) < 0.1
    assert video[0].shape == (height, width, 3)
    # +faststart: the index (moov) comes before the media data, so browsers can start at once
    assert data.find(b"moov") < data.find(b"mdat")


def test_identical_requests_give_identical_videos(tmp_path: Path) -> None:
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    render_video(spec("a red kite over a beach"), a)
    render_video(spec("a red kite over a beach"), b)
    assert a.read_bytes() == b.read_bytes()


def test_the_video_depends_on_the_prompt(tmp_path: Path) -> None:
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    render_video(spec("a red kite over a beach", seconds=4), a)
    render_video(spec("a green submarine in a storm", seconds=4), b)
    fa, fb = Decoded(a), Decoded(b)
    diff = np.abs(fa[30].astype(int) - fb[30].astype(int)).mean()
    assert diff > 20, diff
    # the picture moves: the camera drifts and a light orbits
    assert np.abs(fa[0].astype(int) - fa[-1].astype(int)).mean() > 5


def test_the_prompt_words_are_drawn(tmp_path: Path) -> None:
    """White text is drawn over the middle of the picture: with words there are many near-white pixels."""
    path = tmp_path / "words.mp4"
    render_video(spec("WORDS WORDS WORDS WORDS"), path)
    middle = Decoded(path)[15][400:900]
    white = (middle.min(axis=-1) > 225).mean()
    assert white > 0.02, white


def test_image_to_video_starts_on_the_reference_then_moves(api: httpx.Client) -> None:
    reference = png_bytes(1280, 720, seed=3)
    params = {"input_reference": "data:image/png;base64," + base64.b64encode(reference).decode()}
    done = poll_until(
        api,
        api.post(
            CREATE, json=body("the camera moves in", model="sora_2_pro_i2v", size="1280x720", **params)
        ).json()["id"],
    )
    assert done["status"] == "completed", done
    frames = Decoded(httpx.get(done["output"][0]["content"][0]["url"]).content)
    ref = np.asarray(Image.open(io.BytesIO(reference)).convert("RGB")).astype(int)
    first = np.abs(frames[0].astype(int) - ref).mean()
    last = np.abs(frames[-1].astype(int) - ref).mean()
    assert first < 6, first  # the first frame is the reference (up to compression)
    assert last > first + 5, (first, last)  # then the camera has moved


def test_jpeg_and_webp_references_are_accepted(api: httpx.Client, shared_sim: Simulator) -> None:
    for fmt in ("JPEG", "WEBP"):
        data = png_bytes(720, 1280, seed=5, fmt=fmt)
        params = {"input_reference": base64.b64encode(data).decode()}  # raw base64 works too
        task_id = api.post(CREATE, json=body(f"{fmt} ref", model="sora_2_pro_i2v", **params)).json()["id"]
        # A refused image fails at once; an accepted one is rendering.
        assert api.get(f"/model/v1/generation/task/{task_id}").json()["status"] != "failed"
        record = shared_sim.task(task_id)
        assert record is not None and record.outcome == "completed" and record.image_sha256


def test_remix_is_visibly_derived_from_its_source(tmp_path: Path) -> None:
    source = spec("a paper boat on a pond", width=1280, height=720)
    remix = source.remixed(prompt="a paper boat on a pond", width=1280, height=720, seconds=4, label="remix")
    other = spec("a paper boat on a pond but different", width=1280, height=720)
    paths = [tmp_path / f"{n}.mp4" for n in ("s", "r", "o")]
    for s, p in zip((source, remix, other), paths, strict=True):
        render_video(s, p)
    fs, fr, fo = (Decoded(p, keep=(15,))[15] for p in paths)

    def luma_edges(frame: np.ndarray) -> np.ndarray:
        gray = frame.astype(float).mean(axis=-1)
        return np.abs(np.diff(gray, axis=1))[:600]

    def corr(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.corrcoef(luma_edges(a).ravel(), luma_edges(b).ravel())[0, 1])

    assert np.abs(fs.astype(int) - fr.astype(int)).mean() > 10  # colours changed
    assert corr(fs, fr) > corr(fs, fo) + 0.2  # but the structure and framing are the source's


def test_simulated_band_is_at_the_top_clear_of_the_native_controls(tmp_path: Path) -> None:
    # Browsers draw their video controls over the bottom of the picture: the "SIMULATED"
    # caption band is at the top, where they never cover it.
    out = tmp_path / "band.mp4"
    render_video(spec("a red kite over a beach", width=1280, height=720), out)
    frame = Decoded(out, keep=(30,))[30].astype(int)
    band_h = max(32, 720 // 11) // 2 * 2
    band_colour = np.array([12, 12, 16])
    top = np.abs(frame[2 : band_h - 2, 4:12] - band_colour).mean()  # left of the label text
    bottom = np.abs(frame[720 - band_h + 2 : 720 - 8, 4:12] - band_colour).mean()
    assert top < 12, "no dark caption band at the top of the frame"
    assert bottom > 24, "the caption band is still at the bottom, under the controls"


@pytest.mark.parametrize("word", ["in", "a", "Wide", "extraordinarily-long-hyphenated-word"])
def test_a_caption_word_never_runs_into_the_simulated_label_on_a_portrait_frame(word: str) -> None:
    from PIL import ImageDraw

    from sora_widgets.simulator.render import label_font_for, place_word

    width, height = 720, 1280
    band_h = max(32, height // 11) // 2 * 2  # as the renderer sizes the band
    d = ImageDraw.Draw(Image.new("RGB", (width, band_h)))
    label_font = label_font_for("SIMULATED · sora_2_pro_t2v", width, band_h)
    label_end = band_h // 3 + d.textlength("SIMULATED · sora_2_pro_t2v", font=label_font)
    x, font = place_word(d, word, width, band_h, label_end)
    assert x >= label_end + band_h // 3  # clear of the label, with a gap
    assert x + d.textlength(word, font=font) <= width  # and inside the frame


def test_closing_the_simulator_stops_a_running_render_and_leaves_no_file(tmp_path: Path) -> None:
    """A closed simulator serves nothing: its running render stops (rather than keeping ``close``
    busy for the whole video) and neither the video nor its partial file is left behind."""
    from sora_widgets.simulator._renders import RenderCancelled

    sim = Simulator(speed="instant", state_dir=tmp_path)
    with sim.serve() as url, httpx.Client(base_url=url, headers={"Authorization": "Bearer k"}) as api:
        task_id = api.post(CREATE, json=body("a long pan over a harbour", seconds="12")).json()["id"]
    task = sim.engine.get(task_id)
    assert task is not None
    future = sim.engine.render_future(task)
    assert future is not None
    for _ in range(600):  # until the render has begun writing its partial file
        if any(tmp_path.rglob("*.part")) or future.done():
            break
        time.sleep(0.1)
    sim.close()
    assert isinstance(future.exception(timeout=60), RenderCancelled)
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".mp4", ".part")]


def test_render_scale_draws_smaller_and_answers_with_the_size_asked(tmp_path: Path) -> None:
    """The test-only knob: a quarter-size drawing; the task, its answer and its price are unchanged."""
    small = Simulator(speed="instant", state_dir=tmp_path / "sim", render_scale=0.25)
    reference = "data:image/png;base64," + base64.b64encode(png_bytes(1280, 720, seed=5)).decode()
    try:
        with (
            small.serve() as url,
            httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}, timeout=30) as api,
        ):
            for extra in ({}, {"model": "sora_2_pro_i2v", "input_reference": reference}):
                created = api.post(CREATE, json=body("a kite", size="1280x720", **extra)).json()
                done = poll_until(api, created["id"])
                assert done["status"] == "completed", done  # the full-size reference was accepted
                video = Decoded(httpx.get(done["output"][0]["content"][0]["url"]).content)
                assert (video.width, video.height, video.count) == (320, 180, 4 * 30)
                task = small.engine.get(created["id"])
                assert task is not None and task.size == "1280x720"
    finally:
        small.close()
    for bad in (0, 1.5):
        with pytest.raises(ValueError, match="render_scale"):
            Simulator(speed="instant", state_dir=tmp_path / "bad", render_scale=bad)
