"""Joining shots into one film, and reading frames back out of MP4s (PyAV).

Example:
    >>> import sora_widgets as sw
    >>> from sora_widgets.av.film import join_videos, last_frame
    >>> client = sw.SoraClient()                 # no key: the in-process simulator
    >>> shots = [client.generate_sync(prompt=p, seconds=4).path for p in ("A kite rises", "A kite dives")]
    >>> joined = join_videos(shots, "film.mp4")
    >>> joined.mode, joined.frames, joined.duration
    ('copy', 240, 8.0)
    >>> last_frame(joined.path).size
    (720, 1280)

- **Picture**: when every shot has the same codec, size, pixel format, time base and codec
  setup (``extradata``: the H.264 parameter sets), the coded packets are copied one after the
  other with their timestamps shifted: no re-encoding, no quality loss. Otherwise (or for a
  crossfade, which has to make new pictures) every shot is decoded and encoded again at the
  first shot's size and frame rate.
- **Sound**: where a shot has audio, it is decoded and laid on a single new AAC track, each
  shot's sound trimmed or padded with silence to exactly that shot's picture length, so picture
  and sound start together at every cut. (AAC frames of 1024 samples do not end on 30 fps frame
  boundaries, and every AAC file starts with encoder priming: copied AAC would slip by up to a
  frame at each join and click. Sound is the cheap part of a video to encode again.)
- Hard cuts by default; ``crossfade=`` seconds blends the end of each shot into the start of the
  next (picture and sound), so the film is that much shorter per join.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import MediaError
from ._open import check_pixels, declared_sizes, decoded, open_video

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "MAX_CROSSFADE_S",
    "JoinResult",
    "MediaInfo",
    "join_videos",
    "last_frame",
    "picture_size",
    "probe",
]

# A crossfade is a transition, not a scene: longer blends would eat most of a 4 s shot.
MAX_CROSSFADE_S = 1.0
# Settings of the re-encode path; the same as the simulator's files so both look alike.
X264_PRESET = "veryfast"
X264_CRF = "20"
AUDIO_RATE = 48_000


@dataclass(frozen=True)
class MediaInfo:
    """What :func:`probe` found in one MP4."""

    path: Path
    codec: str
    width: int
    height: int
    pix_fmt: str
    time_base: Fraction
    fps: Fraction
    frames: int
    duration: float
    setup: str  # sha256 of the codec's extradata: equal setups can be copied one after another
    has_audio: bool

    def copy_key(self) -> tuple[Any, ...]:
        """Two videos whose keys are equal can be joined by copying their packets."""
        return (self.codec, self.width, self.height, self.pix_fmt, self.time_base, self.fps, self.setup)


@dataclass(frozen=True)
class JoinResult:
    """The joined file and how it was made.

    Attributes:
        path: the MP4.
        mode: ``"copy"`` (packets copied, no quality loss) or ``"reencode"``.
        frames: picture frames in the film.
        duration: seconds of picture.
        has_audio: whether the film has a sound track.
        starts: where each shot starts in the film, in seconds.
    """

    path: Path
    mode: str
    frames: int
    duration: float
    has_audio: bool
    starts: tuple[float, ...]


def probe(path: str | Path) -> MediaInfo:
    """Codec, size, frame rate, frame count and duration of an MP4's video (counting packets).

    Raises:
        MediaError: (an OSError) the file cannot be opened, is not an MP4 or has no video stream.
    """
    path = Path(path)
    with open_video(path) as (container, stream):
        ctx = stream.codec_context
        tb = Fraction(stream.time_base or Fraction(1, 90_000))
        frames, end, start = 0, 0, None
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            frames += 1
            start = packet.pts if start is None else min(start, packet.pts)
            end = max(end, packet.pts + (packet.duration or 0))
        rate = Fraction(stream.average_rate or stream.guessed_rate or 30)
        duration = float((end - (start or 0)) * tb) if frames else 0.0
        return MediaInfo(
            path=path,
            codec=ctx.name,
            width=ctx.width,
            height=ctx.height,
            pix_fmt=str(ctx.pix_fmt),
            time_base=tb,
            fps=rate,
            frames=frames,
            duration=duration,
            setup=hashlib.sha256(bytes(ctx.extradata or b"")).hexdigest(),
            has_audio=bool(container.streams.audio),
        )


def picture_size(path: str | Path) -> tuple[int, int]:
    """``(width, height)`` of an MP4's pictures as its index declares them (nothing is decoded,
    and nothing is refused for its size: this is how a size is checked).

    Raises:
        MediaError: (an OSError) the file cannot be read or declares no video track.
    """
    sizes = declared_sizes(Path(path))
    if not sizes:
        raise MediaError(f"{Path(path).name} declares no video track.")
    return sizes[0]


def last_frame(path: str | Path) -> Image.Image:
    """The last picture of a video, as an RGB PIL image (decoded, so exactly what a player shows).

    Raises:
        MediaError: (an OSError) the file cannot be opened, is not an MP4, is damaged, has no
            decodable frame or pictures over the decoding cap.
    """
    with open_video(path, decode=True) as (container, stream):
        last = None
        for frame in decoded(container, stream, path):
            last = frame
        if last is None:
            raise MediaError(f"{Path(path).name} has no video frame.")
        image: Image.Image = last.to_image().convert("RGB")
        return image


def _audio_of(path: Path, samples: int) -> np.ndarray[Any, np.dtype[np.float32]]:
    """The first ``samples`` of a file's sound as mono float32 at 48 kHz (silence if it has none)."""
    import av

    out = np.zeros(samples, np.float32)
    with open_video(path) as (container, _):
        if not container.streams.audio:
            return out
        resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
        filled = 0
        for frame in container.decode(container.streams.audio[0]):
            for chunk in resampler.resample(frame):
                data = chunk.to_ndarray().reshape(-1)
                take = min(len(data), samples - filled)
                out[filled : filled + take] = data[:take]
                filled += take
            if filled >= samples:
                break
    return out


class _AudioWriter:
    """One AAC track fed in pieces, with continuous timestamps."""

    def __init__(self, container: Any) -> None:
        self.container = container
        self.stream = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        self.written = 0

    def write(self, samples: np.ndarray[Any, np.dtype[np.float32]]) -> None:
        import av

        if not len(samples):
            return
        frame = av.AudioFrame.from_ndarray(samples[None, :], format="flt", layout="mono")
        frame.sample_rate, frame.pts = AUDIO_RATE, self.written
        self.written += len(samples)
        for packet in self.stream.encode(frame):
            self.container.mux(packet)

    def close(self) -> None:
        for packet in self.stream.encode():
            self.container.mux(packet)


def _samples_for(seconds: float | Fraction) -> int:
    return round(seconds * AUDIO_RATE)


def _copy_join(infos: Sequence[MediaInfo], container: Any, with_audio: bool) -> tuple[list[float], int]:
    with open_video(infos[0].path) as (_, template):
        add = getattr(container, "add_stream_from_template", None)
        out_stream = add(template) if add is not None else container.add_stream(template=template)
    # Every stream must exist before the first packet is written (the header lists them).
    audio = _AudioWriter(container) if with_audio else None
    starts: list[float] = []
    offset = 0  # in the shared time base
    for info in infos:
        starts.append(float(offset * info.time_base))
        with open_video(info.path, decode=True) as (src, stream):
            first: int | None = None
            end = 0
            pictures = 0
            for packet in src.demux(stream):
                if packet.pts is None or packet.size == 0:
                    continue
                # Decoded as it is copied (strictly): a damaged shot stops the join, never slips in.
                pictures += _checked_pictures(stream.decode(packet), info.path)
                if first is None:
                    first = packet.pts
                shift = offset - first
                end = max(end, packet.pts + (packet.duration or 0) - first)
                packet.pts += shift
                if packet.dts is not None:
                    packet.dts += shift
                packet.stream = out_stream
                container.mux(packet)
            pictures += _checked_pictures(stream.decode(None), info.path)
        if pictures != info.frames:
            raise MediaError(
                f"{info.path.name} is damaged: {info.frames} pictures listed, {pictures} decoded; "
                "it was not joined."
            )
        if audio is not None:
            audio.write(_audio_of(info.path, _samples_for(info.frames / info.fps)))
        offset += end
    if audio is not None:
        audio.close()
    return starts, sum(i.frames for i in infos)


def _checked_pictures(frames: Any, path: Path) -> int:
    """How many pictures ``frames`` holds, each checked against the decoding cap."""
    count = 0
    for frame in frames:
        check_pixels(path, frame.width, frame.height)
        count += 1
    return count


def _decoded_frames(info: MediaInfo, width: int, height: int, fps: Fraction) -> Iterator[Any]:
    """The shot's pictures as yuv420p arrays at the film's size, retimed to the film's rate."""
    want = round(info.frames / info.fps * fps)  # frames this shot lasts at the film's rate
    made = 0
    last = None
    with open_video(info.path, decode=True) as (src, stream):
        for index, frame in enumerate(decoded(src, stream, info.path)):
            picture = frame.reformat(width=width, height=height, format="yuv420p").to_ndarray()
            last = picture
            shown_until = Fraction(index + 1) / info.fps
            while made < want and Fraction(made) / fps < shown_until:
                yield picture
                made += 1
    while last is not None and made < want:
        yield last
        made += 1


def _reencode_join(
    infos: Sequence[MediaInfo], container: Any, with_audio: bool, crossfade: float
) -> tuple[list[float], int]:
    import av

    first = infos[0]
    width, height, fps = first.width, first.height, Fraction(first.fps).limit_denominator(1001)
    stream = container.add_stream("libx264", rate=fps)
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    stream.options = {"preset": X264_PRESET, "crf": X264_CRF}
    audio = _AudioWriter(container) if with_audio else None
    fade = round(crossfade * fps)
    fade_samples = _samples_for(fade / fps)
    written = 0
    starts: list[float] = []
    held: deque[Any] = deque()  # the previous shot's last `fade` pictures, to blend into this one
    held_sound = np.zeros(0, np.float32)

    def emit(picture: Any) -> None:
        nonlocal written
        frame = av.VideoFrame.from_ndarray(picture, format="yuv420p")
        frame.pts = written
        written += 1
        for packet in stream.encode(frame):
            container.mux(packet)

    for k, info in enumerate(infos):
        starts.append(float(Fraction(written + len(held)) / fps) - (fade / fps if k and fade else 0.0))
        last_shot = k == len(infos) - 1
        buffer: deque[Any] = deque()
        for index, picture in enumerate(_decoded_frames(info, width, height, fps)):
            if held and index < fade:
                weight = (index + 1) / (fade + 1)
                before = held.popleft().astype(np.float32)
                blended = before * (1 - weight) + picture.astype(np.float32) * weight
                picture = np.clip(np.rint(blended), 0, 255).astype(np.uint8)
            buffer.append(picture)
            if len(buffer) > (0 if last_shot else fade):
                emit(buffer.popleft())
        while held:  # a shot shorter than the fade: show the rest of the previous one
            emit(held.popleft())
        held = buffer if not last_shot else deque()
        if last_shot:
            while buffer:
                emit(buffer.popleft())
        if audio is not None:
            sound = _audio_of(info.path, _samples_for(info.frames / info.fps))
            if len(held_sound):
                n = min(len(held_sound), len(sound))
                ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
                sound[:n] = held_sound[:n] * (1 - ramp) + sound[:n] * ramp
            keep = 0 if last_shot else min(fade_samples, len(sound))
            audio.write(sound[: len(sound) - keep])
            held_sound = sound[len(sound) - keep :]
    for packet in stream.encode():
        container.mux(packet)
    if audio is not None:
        audio.close()
    return starts, written


def join_videos(
    paths: Sequence[str | Path], dest: str | Path, *, crossfade: float = 0.0, reencode: bool = False
) -> JoinResult:
    """Join MP4s into one, in order (written to a temporary file, then renamed into place).

    Args:
        paths: the shots, in order (at least one).
        dest: the film's path.
        crossfade: seconds each shot blends into the next (0 = hard cuts); at most 1 s.
        reencode: encode again even when the packets could be copied.

    Raises:
        ValueError: no paths, or a crossfade out of range.
        MediaError: (an OSError) a shot cannot be read, is not an MP4, is damaged or is over the
            decoding cap; nothing is written.
        OSError: the film cannot be written.
    """
    import av

    if not paths:
        raise ValueError("nothing to join: give at least one video")
    if not 0.0 <= crossfade <= MAX_CROSSFADE_S:
        raise ValueError(f"crossfade={crossfade!r}; use 0 (hard cuts) up to {MAX_CROSSFADE_S} s")
    infos = [probe(p) for p in paths]
    copy = not reencode and not crossfade and len({i.copy_key() for i in infos}) == 1
    has_audio = any(i.has_audio for i in infos)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".mp4.part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as container:
            if copy:
                starts, frames = _copy_join(infos, container, has_audio)
            else:
                starts, frames = _reencode_join(infos, container, has_audio, crossfade)
        tmp.replace(dest)
    finally:
        tmp.unlink(missing_ok=True)
    fps = infos[0].fps
    return JoinResult(
        path=dest,
        mode="copy" if copy else "reencode",
        frames=frames,
        duration=sum(i.duration for i in infos) if copy else float(Fraction(frames) / fps),
        has_audio=has_audio,
        starts=tuple(starts),
    )
