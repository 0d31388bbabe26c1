"""Procedural H.264 MP4 rendering for the simulator (PyAV + Pillow + numpy).

Every video is a pure function of its :class:`RenderSpec`: the same spec gives the same file.
Frames are built directly as ``yuv420p`` planes so no per-frame colour conversion is needed:
the expensive work (drawing the background, the prompt's words, the caption band) happens
once per video, and each frame is a few numpy slices of precomputed layers. A 12 s 1280x720
video renders in about two seconds on two cores (see ``benchmarks/``).

- text to video: a seeded gradient with soft shapes and the prompt's words, seen through a
  camera that drifts along a seeded Lissajous path, with an orbiting light and a caption band
  that shows the prompt word by word;
- image to video: the first frame is the reference image itself, then a slow zoom towards a
  seeded point (Ken Burns), with the caption band appearing after the first second;
- remix: the source's spec with the new prompt and a hue rotation, so the motion, framing and
  shapes stay those of the earlier video while its colours and words change.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import json
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

__all__ = ["AUDIO_RATE", "FPS", "RenderSpec", "audio_samples", "render_video", "seed_of"]

# Sora 2 Pro delivers about 30 fps; the browser and the decoder tests expect 24-30.
FPS = 30
# The quiet track of videos made with audio: AAC at the rate Sora's own files use.
AUDIO_RATE = 48_000
# A short, louder "slate" tone opens every video with audio, so a test can find where each shot's
# sound starts in a joined film; the rest is a soft hum whose pitch follows the seed.
AUDIO_SLATE_S = 0.05
AUDIO_SLATE_AMPLITUDE = 0.5
AUDIO_HUM_AMPLITUDE = 0.03
# libx264 "superfast" keeps a 12 s 720p render near two seconds with reasonable quality.
X264_PRESET = "ultrafast"
X264_CRF = "24"

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
)

U8 = NDArray[np.uint8]
F32 = NDArray[np.float32]


def seed_of(*parts: str) -> int:
    """A stable 63-bit seed from text (sha256, so it does not vary between runs like ``hash``)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 1


@dataclass(frozen=True)
class RenderSpec:
    """Everything a rendered video depends on.

    Example:
        >>> spec = RenderSpec(width=1280, height=720, seconds=4, prompt="a kite", seed=seed_of("a kite"))
        >>> spec.frame_count
        120
    """

    width: int
    height: int
    seconds: int
    prompt: str
    seed: int
    label: str = "SIMULATED"
    hue_shift: float = 0.0  # radians of chroma rotation; remixes turn the palette
    image_sha256: str | None = None  # reference image (bytes are passed separately)
    fps: int = FPS
    audio: bool = False  # a quiet AAC track (real Sora videos carry sound); opt-in, see FaultPlan.audio

    @property
    def frame_count(self) -> int:
        """Number of frames in the video."""
        return self.seconds * self.fps

    def key(self) -> str:
        """A content key for this spec: the result file's name."""
        data = asdict(self)
        if not data["audio"]:
            del data["audio"]  # silent videos keep the keys (and files) they had before audio existed
        text = json.dumps(data, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for the simulator's state directory)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RenderSpec:
        """Inverse of :meth:`to_dict`."""
        return cls(**data)

    def remixed(self, *, prompt: str, width: int, height: int, seconds: int, label: str) -> RenderSpec:
        """The spec of a remix: same seed (shapes, motion, framing), new words, turned colours."""
        turn = 0.9 + (seed_of("remix", prompt) % 1000) / 1000.0 * 3.0  # 0.9..3.9 rad: visibly different
        return replace(
            self,
            prompt=prompt,
            width=width,
            height=height,
            seconds=seconds,
            label=label,
            hue_shift=(self.hue_shift + turn) % (2 * math.pi),
        )


# --- colour helpers -------------------------------------------------------------------------


def _rgb_to_yuv(rgb: NDArray[Any]) -> tuple[F32, F32, F32]:
    """BT.601 limited range, the matrix decoders assume for untagged or smpte170m video."""
    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    y = 16.0 + 0.256788 * r + 0.504129 * g + 0.097906 * b
    u = 128.0 - 0.148223 * r - 0.290993 * g + 0.439216 * b
    v = 128.0 + 0.439216 * r - 0.367788 * g - 0.071427 * b
    return y, u, v


def _subsample(plane: F32) -> F32:
    h, w = plane.shape
    p = plane[: h // 2 * 2, : w // 2 * 2]
    return (p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2]) * 0.25


def _rotate_chroma(u: F32, v: F32, angle: float) -> tuple[F32, F32]:
    if not angle:
        return u, v
    c, s = math.cos(angle), math.sin(angle)
    du, dv = u - 128.0, v - 128.0
    return 128.0 + c * du - s * dv, 128.0 + s * du + c * dv


def _planes_from_rgb(rgb: NDArray[Any], hue_shift: float) -> tuple[U8, U8, U8]:
    y, u, v = _rgb_to_yuv(rgb)
    u2, v2 = _rotate_chroma(_subsample(u), _subsample(v), hue_shift)
    return _u8(y), _u8(u2), _u8(v2)


def _u8(plane: F32) -> U8:
    return np.clip(np.rint(plane), 0, 255).astype(np.uint8)


def _palette(rng: np.random.Generator, count: int) -> list[tuple[int, int, int]]:
    base = float(rng.random())
    colours = []
    for i in range(count):
        hue = (base + i * (0.18 + 0.1 * float(rng.random()))) % 1.0
        light = 0.35 + 0.35 * float(rng.random())
        sat = 0.55 + 0.4 * float(rng.random())
        r, g, b = colorsys.hls_to_rgb(hue, light, sat)
        colours.append((int(r * 255), int(g * 255), int(b * 255)))
    return colours


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in _FONT_CANDIDATES:
        if os.path.exists(candidate):  # noqa: PTH110 - plain check on a constant path
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def _words(prompt: str, limit: int = 48) -> list[str]:
    words = prompt.split()
    if len(words) > limit:
        words = [*words[:limit], "…"]
    return words or ["(empty)"]


def _wrap(draw: ImageDraw.ImageDraw, words: list[str], font: Any, max_width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}".strip()
        if line and draw.textlength(trial, font=font) > max_width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


# --- layers -----------------------------------------------------------------------------------


def _t2v_canvas(spec: RenderSpec, cw: int, ch: int) -> Image.Image:
    """The big still picture the camera drifts over: gradient, soft shapes, the prompt's words."""
    rng = np.random.default_rng(spec.seed)
    top, bottom, accent, shape_a, shape_b = _palette(rng, 5)
    t = np.linspace(0.0, 1.0, ch, dtype=np.float32)[:, None, None]
    grad = (np.array(top, np.float32) * (1 - t) + np.array(bottom, np.float32) * t) * 0.85
    canvas = Image.fromarray(np.broadcast_to(grad, (ch, cw, 3)).astype(np.uint8), "RGB")

    # Shapes are painted opaque on a copy and blended through a blurred mask: blurring an RGBA
    # layer over transparent black would give every shape a dark halo.
    painted = canvas.copy()
    mask = Image.new("L", (cw, ch), 0)
    pd, md = ImageDraw.Draw(painted), ImageDraw.Draw(mask)
    scale = min(cw, ch)
    for i in range(7):
        colour = (shape_a, shape_b, accent)[i % 3]
        r = int(scale * (0.08 + 0.22 * rng.random()))
        x, y = int(cw * rng.random()), int(ch * rng.random())
        box = (x - r, y - r, x + r, y + r)
        pd.ellipse(box, fill=colour)
        md.ellipse(box, fill=int(90 + 100 * rng.random()))
    for _ in range(3):
        x0 = int(cw * rng.random())
        stripe = [
            (x0, 0),
            (x0 + int(scale * 0.12), 0),
            (x0 - int(scale * 0.3), ch),
            (x0 - int(scale * 0.42), ch),
        ]
        pd.polygon(stripe, fill=accent)
        md.polygon(stripe, fill=50)
    canvas = Image.composite(
        painted, canvas, mask.filter(ImageFilter.GaussianBlur(radius=max(2, scale // 60)))
    )

    draw = ImageDraw.Draw(canvas)
    words = _words(spec.prompt)
    # 72% wide: with the camera drifting up to 11% either way, the words stay in the frame.
    box_w, box_h = int(spec.width * 0.72), int(spec.height * 0.55)
    size = max(18, spec.height // 9 if spec.width > spec.height else spec.width // 9)
    while True:
        font = _font(size)
        lines = _wrap(draw, words, font, box_w)
        line_h = int(size * 1.2)
        if len(lines) * line_h <= box_h or size <= 16:
            break
        size = int(size * 0.88)
    total_h = len(lines) * line_h
    y = (ch - total_h) // 2
    for line in lines[: max(1, box_h // line_h + 1)]:
        width = int(draw.textlength(line, font=font))
        x = (cw - width) // 2
        draw.text((x + 3, y + 3), line, font=font, fill=(0, 0, 0))
        draw.text((x, y), line, font=font, fill=(255, 255, 255))
        y += line_h
    return canvas


def _band_images(spec: RenderSpec, band_h: int) -> list[Image.Image]:
    """One caption band per prompt word: label, the current word, then a progress bar is drawn live."""
    words = _words(spec.prompt)
    label_font = label_font_for(spec.label, spec.width, band_h)
    bands = []
    for word in words:
        band = Image.new("RGB", (spec.width, band_h), (12, 12, 16))
        d = ImageDraw.Draw(band)
        d.text((band_h // 3, band_h // 2), spec.label, font=label_font, fill=(255, 196, 0), anchor="lm")
        label_end = band_h // 3 + d.textlength(spec.label, font=label_font)
        x, word_font = place_word(d, word, spec.width, band_h, label_end)
        d.text((x, band_h // 2), word, font=word_font, fill=(240, 240, 240), anchor="lm")
        bands.append(band)
    return bands


def label_font_for(label: str, width: int, band_h: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The label's font: a third of the band, smaller when the label would take more than
    :data:`LABEL_SHARE` of the frame's width (a 720 px portrait frame left no room for words)."""
    size = max(10, band_h // 3)
    font = _font(size)
    while font.getlength(label) > width * LABEL_SHARE and size > 8:
        size -= 1
        font = _font(size)
    return font


# The share of the frame's width the "SIMULATED · model" label may take; the words get the rest.
LABEL_SHARE = 0.4


def place_word(
    d: ImageDraw.ImageDraw, word: str, width: int, band_h: int, label_end: float
) -> tuple[float, ImageFont.FreeTypeFont | ImageFont.ImageFont]:
    """Where a caption word starts, and in what font: centred when there is room, else right of
    the "SIMULATED · model" label (never over it: portrait frames are only 720 px wide), in a
    smaller font if it would not fit there."""
    gap = band_h // 3
    size = max(12, int(band_h * 0.55))
    font = _font(size)
    room = width - label_end - 2 * gap
    while d.textlength(word, font=font) > room and size > 8:
        size -= 2
        font = _font(size)
    return max(width / 2 - d.textlength(word, font=font) / 2, label_end + gap), font


def _sprite(spec: RenderSpec, radius: int) -> tuple[U8, U8, U8, NDArray[np.bool_], NDArray[np.bool_]]:
    rng = np.random.default_rng(spec.seed ^ 0x5EED)
    colour = _palette(rng, 1)[0]
    glow = tuple(min(255, c + 90) for c in colour)
    size = radius * 2
    img = Image.new("RGB", (size, size), (0, 0, 0))
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(img).ellipse((0, 0, size - 1, size - 1), fill=glow)
    ImageDraw.Draw(img).ellipse((size // 4, size // 4, size * 3 // 4, size * 3 // 4), fill=(255, 255, 255))
    ImageDraw.Draw(mask).ellipse((0, 0, size - 1, size - 1), fill=255)
    y, u, v = _planes_from_rgb(np.asarray(img), spec.hue_shift)
    m = np.asarray(mask) > 127
    return y, u, v, m, m[0::2, 0::2]


# --- frame assembly ---------------------------------------------------------------------------


class _Frames:
    """Writes frames into one reusable ``yuv420p`` buffer."""

    def __init__(self, width: int, height: int) -> None:
        self.w, self.h = width, height
        self.buf: U8 = np.empty((height * 3 // 2, width), np.uint8)
        self.y = self.buf[:height]
        self.u = self.buf[height : height + height // 4].reshape(height // 2, width // 2)
        self.v = self.buf[height + height // 4 :].reshape(height // 2, width // 2)

    def put(self, y: U8, u: U8, v: U8, x0: int, y0: int) -> None:
        """Copy a window of full planes whose top-left is (x0, y0) (even numbers)."""
        self.y[:] = y[y0 : y0 + self.h, x0 : x0 + self.w]
        self.u[:] = u[y0 // 2 : y0 // 2 + self.h // 2, x0 // 2 : x0 // 2 + self.w // 2]
        self.v[:] = v[y0 // 2 : y0 // 2 + self.h // 2, x0 // 2 : x0 // 2 + self.w // 2]

    def band(self, planes: tuple[U8, U8, U8], top: int) -> None:
        y, u, v = planes
        self.y[top : top + y.shape[0]] = y
        self.u[top // 2 : top // 2 + u.shape[0]] = u
        self.v[top // 2 : top // 2 + v.shape[0]] = v

    def sprite(self, sp: tuple[U8, U8, U8, NDArray[np.bool_], NDArray[np.bool_]], cx: int, cy: int) -> None:
        y, u, v, m, mc = sp
        size = y.shape[0]
        x0 = int(np.clip(cx - size // 2, 0, self.w - size)) // 2 * 2
        y0 = int(np.clip(cy - size // 2, 0, self.h - size)) // 2 * 2
        np.copyto(self.y[y0 : y0 + size, x0 : x0 + size], y, where=m)
        half = size // 2
        np.copyto(self.u[y0 // 2 : y0 // 2 + half, x0 // 2 : x0 // 2 + half], u, where=mc)
        np.copyto(self.v[y0 // 2 : y0 // 2 + half, x0 // 2 : x0 // 2 + half], v, where=mc)


def _even(value: float) -> int:
    return int(value) // 2 * 2


def scaled_size(width: int, height: int, scale: float) -> tuple[int, int]:
    """``width`` x ``height`` times ``scale``, in even pixels (yuv420p halves both sides), at least 16.

    Example:
        >>> scaled_size(1280, 720, 0.25)
        (320, 180)
    """
    if scale == 1:
        return width, height
    return max(16, _even(width * scale)), max(16, _even(height * scale))


def _t2v_frames(spec: RenderSpec, frames: _Frames) -> Any:
    w, h = spec.width, spec.height
    mx, my = _even(w * 0.12), _even(h * 0.12)
    cw, ch = w + 2 * mx, h + 2 * my
    cy, cu, cv = _planes_from_rgb(np.asarray(_t2v_canvas(spec, cw, ch)), spec.hue_shift)
    band_h = _even(max(32, h // 11))
    bands = [_planes_from_rgb(np.asarray(b), 0.0) for b in _band_images(spec, band_h)]
    sprite = _sprite(spec, _even(min(w, h) * 0.07))
    rng = np.random.default_rng(spec.seed ^ 0xCA11)
    fx, fy = 0.35 + 0.5 * rng.random(), 0.25 + 0.5 * rng.random()
    px, py = rng.random() * 2 * math.pi, rng.random() * 2 * math.pi
    ox, oy = 0.6 + 0.8 * rng.random(), 0.5 + 0.7 * rng.random()
    n = spec.frame_count
    for i in range(n):
        t = i / spec.fps
        x0 = _even(mx + mx * 0.95 * math.sin(fx * t + px))
        y0 = _even(my + my * 0.95 * math.sin(fy * t + py))
        frames.put(cy, cu, cv, x0, y0)
        frames.sprite(
            sprite,
            int(w / 2 + w * 0.36 * math.cos(ox * t + py)),
            int(h * 0.42 + h * 0.3 * math.sin(oy * t + px)),
        )
        frames.band(bands[min(len(bands) - 1, i * len(bands) // n)], 0)
        frames.y[h - 4 : h, : int(w * (i + 1) / n)] = 210
        yield frames.buf


def _fit_image(data: bytes, w: int, h: int) -> Image.Image:
    with Image.open(io.BytesIO(data)) as im:
        image = ImageOps.exif_transpose(im).convert("RGB")
    if image.size != (w, h):  # only for remixes of an image video at another size
        image = ImageOps.fit(image, (w, h), Image.Resampling.BILINEAR)
    return image


def _i2v_frames(spec: RenderSpec, image: bytes, frames: _Frames) -> Any:
    import av  # heavy: imported only when a video is made

    w, h = spec.width, spec.height
    y, u, v = _planes_from_rgb(np.asarray(_fit_image(image, w, h)), spec.hue_shift)
    band_h = _even(max(32, h // 11))
    bands = [_planes_from_rgb(np.asarray(b), 0.0) for b in _band_images(spec, band_h)]
    rng = np.random.default_rng(spec.seed ^ 0x1A2B)
    fx, fy = 0.3 + 0.4 * rng.random(), 0.3 + 0.4 * rng.random()  # the point the camera moves towards
    zoom_end = 1.10 + 0.06 * rng.random()
    n = spec.frame_count
    last_box: tuple[int, int, int, int] | None = None
    zoomed: U8 = np.empty_like(frames.buf)
    for i in range(n):
        p = i / max(1, n - 1)
        z = 1.0 + (zoom_end - 1.0) * p * p * (3 - 2 * p)
        # Crop boxes snap to multiples of 4 so yuv420p planes stay aligned; swscale does the zoom
        # (SIMD, a few ms per frame), and the frames between two snaps repeat (cheap to encode).
        bw, bh = int(w / z) // 4 * 4, int(h / z) // 4 * 4
        x0, y0 = _even((w - bw) * fx), _even((h - bh) * fy)
        box = (x0, y0, bw, bh)
        if box != last_box:
            if (bw, bh) == (w, h):
                frames.y[:], frames.u[:], frames.v[:] = y, u, v
                zoomed[:] = frames.buf
            else:
                crop = np.empty((bh * 3 // 2, bw), np.uint8)
                crop[:bh] = y[y0 : y0 + bh, x0 : x0 + bw]
                crop[bh : bh + bh // 4].reshape(bh // 2, bw // 2)[:] = u[
                    y0 // 2 : y0 // 2 + bh // 2, x0 // 2 : x0 // 2 + bw // 2
                ]
                crop[bh + bh // 4 :].reshape(bh // 2, bw // 2)[:] = v[
                    y0 // 2 : y0 // 2 + bh // 2, x0 // 2 : x0 // 2 + bw // 2
                ]
                scaled = av.VideoFrame.from_ndarray(crop, format="yuv420p").reformat(
                    width=w, height=h, interpolation="BILINEAR"
                )
                zoomed[:] = scaled.to_ndarray()
            last_box = box
        frames.buf[:] = zoomed
        if i >= spec.fps:  # the first second shows the reference image alone
            frames.band(bands[min(len(bands) - 1, i * len(bands) // n)], 0)
        yield frames.buf


def audio_samples(spec: RenderSpec, start: int, stop: int) -> NDArray[np.float32]:
    """Samples ``start:stop`` (mono, float32 in -1..1) of the quiet track of ``spec``."""
    n = np.arange(start, stop, dtype=np.float64)
    t = n / AUDIO_RATE
    hum = 110.0 + (spec.seed % 440)  # 110..549 Hz, seeded: each shot sounds a little different
    out = AUDIO_HUM_AMPLITUDE * np.sin(2 * math.pi * hum * t)
    slate = t < AUDIO_SLATE_S
    out[slate] = AUDIO_SLATE_AMPLITUDE * np.sin(2 * math.pi * 1000.0 * t[slate])
    return out.astype(np.float32)


def render_video(
    spec: RenderSpec,
    dest: str | Path,
    *,
    image: bytes | None = None,
    threads: int = 0,
    on_progress: Callable[[float], None] | None = None,
) -> int:
    """Render ``spec`` to an MP4 at ``dest`` (written to a temp file, then renamed into place).

    Args:
        spec: what to draw.
        dest: the final path; the directory must exist.
        image: the reference image bytes for image-to-video specs.
        threads: libx264 threads (0 = automatic).
        on_progress: called with the fraction of frames encoded, now and then.

    Returns:
        The size of the file in bytes.
    """
    import av  # heavy: imported only when a video is made

    dest = Path(dest)
    frames = _Frames(spec.width, spec.height)
    source = _i2v_frames(spec, image, frames) if image is not None else _t2v_frames(spec, frames)
    fd, tmp_name = tempfile.mkstemp(suffix=".mp4.part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # +faststart puts the index first so browsers start playing before the whole file arrives.
        with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as container:
            stream = container.add_stream("libx264", rate=spec.fps)
            stream.width, stream.height, stream.pix_fmt = spec.width, spec.height, "yuv420p"
            stream.options = {
                "preset": X264_PRESET,
                "crf": X264_CRF,
                "threads": str(threads),
                # Tag the matrix the frames were built with, so browsers show the right colours.
                "x264-params": "colorprim=smpte170m:transfer=smpte170m:colormatrix=smpte170m",
            }
            sound = container.add_stream("aac", rate=AUDIO_RATE, layout="mono") if spec.audio else None
            total_samples = spec.seconds * AUDIO_RATE
            done_samples = 0
            for index, buf in enumerate(source):
                frame = av.VideoFrame.from_ndarray(buf, format="yuv420p")
                frame.pts = index
                for packet in stream.encode(frame):
                    container.mux(packet)
                if sound is not None:  # the sound of this frame's time span, interleaved with it
                    upto = (index + 1) * total_samples // spec.frame_count
                    chunk = av.AudioFrame.from_ndarray(
                        audio_samples(spec, done_samples, upto)[None, :], format="fltp", layout="mono"
                    )
                    chunk.sample_rate, chunk.pts = AUDIO_RATE, done_samples
                    done_samples = upto
                    for packet in sound.encode(chunk):
                        container.mux(packet)
                if on_progress is not None and index % 15 == 0:
                    on_progress(index / spec.frame_count)
            for packet in stream.encode():
                container.mux(packet)
            if sound is not None:
                for packet in sound.encode():
                    container.mux(packet)
        tmp.replace(dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest.stat().st_size
