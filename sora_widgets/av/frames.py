"""Frames of a video file: evenly spaced stills, stills at given times, filmstrips (PyAV + Pillow).

The decoding I/O of :meth:`Video.frames <sora_widgets.Video.frames>` and
:meth:`Video.filmstrip <sora_widgets.Video.filmstrip>` lives here, and so does the cache: frames
are decoded once per file (keyed by path, size and modification time, so a rewritten file is read
again) and kept in a least-recently-used cache bounded in bytes.

Example:
    >>> import sora_widgets as sw
    >>> video = sw.SoraClient().generate_sync(prompt="A kite at dusk", size="landscape", seconds=4)
    >>> stills = sample_frames(video.path, 8)
    >>> [round(s.time, 2) for s in stills][:3]
    [0.0, 0.57, 1.13]
    >>> filmstrip([s.image for s in stills], height=90).size   # 8 stills of 160x90 and 7 gaps
    (1294, 90)
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .._constants import FILMSTRIP_FRAMES, FILMSTRIP_HEIGHT, FRAME_CACHE_BYTES, MAX_FRAMES
from ..errors import MediaError
from ._open import decoded, open_video

__all__ = [
    "Still",
    "encode_jpeg",
    "filmstrip",
    "filmstrip_jpeg",
    "frames_at",
    "sample_frames",
    "video_duration",
]


@dataclass(frozen=True)
class Still:
    """One decoded frame: its index in the stream, its time in seconds, the image."""

    index: int
    time: float
    image: Image.Image


class _Cache:
    """Least-recently-used stills per (file, request), bounded by the bytes of their pixels."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._items: OrderedDict[tuple[object, ...], tuple[list[Still], int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> list[Still] | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: tuple[object, ...], stills: list[Still]) -> None:
        size = sum(len(s.image.getbands()) * s.image.width * s.image.height for s in stills)
        with self._lock:
            if key in self._items:
                self._bytes -= self._items.pop(key)[1]
            if size > self.budget:
                return
            self._items[key] = (stills, size)
            self._bytes += size
            while self._bytes > self.budget:
                _, (_, freed) = self._items.popitem(last=False)
                self._bytes -= freed

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        return self._bytes


CACHE = _Cache(FRAME_CACHE_BYTES)


def _file_key(path: str | Path) -> tuple[str, int, int]:
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise MediaError(f"cannot read the video file {p}: {exc.strerror or exc}.") from None
    return (str(p.resolve()), st.st_size, st.st_mtime_ns)


def _frame_times(path: str | Path) -> list[float]:
    """The presentation time of every frame, from the packets alone (no decoding)."""
    with open_video(path) as (container, stream):
        base = float(stream.time_base or 0) or 1.0 / 90000
        start = stream.start_time or 0
        times = sorted((p.pts - start) * base for p in container.demux(stream) if p.pts is not None)
    if not times:
        raise MediaError(f"{Path(path).name} has no video frames.")
    return times


def video_duration(path: str | Path) -> float:
    """Time of the last frame, in seconds from the first (0.0 for a one-frame video)."""
    return _frame_times(path)[-1]


def _decode(path: str | Path, wanted: Sequence[int]) -> dict[int, Still]:
    """Decode the frames at the given indexes (in presentation order), in one pass."""
    targets = set(wanted)
    last = max(targets)
    found: dict[int, Still] = {}
    previous: Still | None = None
    with open_video(path, decode=True) as (container, stream):
        base = float(stream.time_base or 0) or 1.0 / 90000
        start = stream.start_time or 0
        for i, frame in enumerate(decoded(container, stream, path)):
            if i in targets:
                t = ((frame.pts or 0) - start) * base
                previous = found[i] = Still(i, t, frame.to_image())
            if i >= last:
                break
    # A stream that has fewer frames than its packets promised: repeat the last one decoded.
    for i in targets - found.keys():
        if previous is None:
            raise MediaError(f"{Path(path).name} has no decodable video frame.")
        found[i] = previous
    return found


def sample_frames(path: str | Path, n: int = 8) -> list[Still]:
    """``n`` frames evenly spaced from the first frame to the last (cached per file).

    Raises:
        ValueError: ``n`` outside 1..MAX_FRAMES.
        MediaError: (an OSError) the file cannot be read, is not an MP4, has no video stream or
            no decodable frame, or its pictures are over the decoding cap.
    """
    if not 1 <= n <= MAX_FRAMES:
        raise ValueError(f"n must be between 1 and {MAX_FRAMES}, not {n}")
    key = (*_file_key(path), "even", n)
    cached = CACHE.get(key)
    if cached is not None:
        return list(cached)
    count = len(_frame_times(path))
    indexes = [0] if n == 1 else [round(k * (count - 1) / (n - 1)) for k in range(n)]
    decoded = _decode(path, indexes)
    stills = [decoded[i] for i in indexes]
    CACHE.put(key, stills)
    return list(stills)


def frames_at(path: str | Path, times: Sequence[float]) -> list[Still]:
    """The frame shown at each time (the last frame starting at or before it; cached per file).

    Times before the first frame give the first, after the last give the last.

    Raises:
        ValueError: more than MAX_FRAMES times.
        MediaError: (an OSError) the file cannot be read, is not an MP4, has no video stream or
            no decodable frame, or its pictures are over the decoding cap.
    """
    if not 1 <= len(times) <= MAX_FRAMES:
        raise ValueError(f"between 1 and {MAX_FRAMES} times, not {len(times)}")
    key = (*_file_key(path), "at", tuple(round(float(t), 4) for t in times))
    cached = CACHE.get(key)
    if cached is not None:
        return list(cached)
    frame_times = _frame_times(path)
    indexes = []
    for t in times:
        # last frame whose time is <= t (plus half a millisecond of rounding slack)
        k = max(0, sum(1 for ft in frame_times if ft <= float(t) + 5e-4) - 1)
        indexes.append(k)
    decoded = _decode(path, indexes)
    stills = [decoded[i] for i in indexes]
    CACHE.put(key, stills)
    return list(stills)


def filmstrip(images: Sequence[Image.Image], *, height: int = 90, gap: int = 2) -> Image.Image:
    """The images side by side, each scaled to ``height`` pixels high, on a dark background.

    Raises:
        ValueError: no images, or a height outside 8..2160.
    """
    if not images:
        raise ValueError("a filmstrip needs at least one image")
    if not 8 <= height <= 2160:
        raise ValueError(f"height must be between 8 and 2160 pixels, not {height}")
    scaled = [
        im.convert("RGB").resize((max(1, round(im.width * height / im.height)), height)) for im in images
    ]
    width = sum(im.width for im in scaled) + gap * (len(scaled) - 1)
    strip = Image.new("RGB", (width, height), (24, 24, 24))
    x = 0
    for im in scaled:
        strip.paste(im, (x, 0))
        x += im.width + gap
    return strip


def encode_jpeg(image: Image.Image, *, quality: int = 80) -> bytes:
    """JPEG bytes of ``image`` (what the widgets send to the browser)."""
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def filmstrip_jpeg(
    path: str | Path, n: int | None = None, height: int | None = None
) -> tuple[bytes, list[float]]:
    """A filmstrip of the video file as JPEG bytes, and the time of each of its stills.

    What the player, the Gallery and History show under a video (``n`` stills, ``height`` pixels
    high; defaults in ``_constants``).
    """
    stills = sample_frames(path, n or FILMSTRIP_FRAMES)
    strip = filmstrip([s.image for s in stills], height=height or FILMSTRIP_HEIGHT, gap=0)
    return encode_jpeg(strip, quality=75), [round(s.time, 4) for s in stills]
