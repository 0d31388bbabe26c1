"""Opening a video file for the frame and film helpers: the one place that says what they read.

Every failure is a :class:`~sora_widgets.errors.MediaError` (a :class:`SoraError` and an
:class:`OSError`, as the helpers document), never PyAV's own errors or an ``IndexError``:

- only an MP4 (FFmpeg's MP4/MOV demuxer) is opened, so an HTML page, a PNG or a text file saved
  as ``.mp4`` is refused at the door instead of being decoded as whatever FFmpeg guesses;
- a file without a video stream is refused by name;
- before anything is decoded, the picture size the file's index declares is checked against
  :data:`~sora_widgets._constants.MAX_DECODE_PIXELS` (read from the ``moov`` box in Python: FFmpeg
  decodes a first frame while it opens a file), then the size the codec reports, then every
  decoded frame (a stream may declare one size and carry another); decoders are strict
  (``err_detect=explode``), so damaged data stops the work instead of being concealed and copied
  into a film.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .._constants import MAX_DECODE_PIXELS
from ..errors import MediaError

__all__ = ["check_pixels", "declared_sizes", "decoded", "open_video"]

# FFmpeg's name for its ISO-BMFF demuxer (mov, mp4, m4a, 3gp, ...): what a Sora video is.
MP4_DEMUXER = "mp4"
# A 12 s video's index (moov) is tens of kB; an index past this is not read into memory.
_MAX_INDEX_BYTES = 32 * 1024 * 1024
# A real file has a handful of top-level boxes, and its index nests five deep to the sizes.
_MAX_TOP_BOXES = 10_000
_MAX_DEPTH = 8
_BOX_PATH = (b"moov", b"trak", b"minf", b"stbl")  # boxes of boxes on the way to the sample entries


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """``(type, payload start, payload end)`` of each whole box in ``data[start:end]``."""
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, offset)
        head = 8
        if size == 1 and offset + 16 <= end:
            size, head = struct.unpack_from(">Q", data, offset + 8)[0], 16
        elif size == 0:
            size = end - offset
        if size < head or offset + size > end:
            return
        yield kind, offset + head, offset + size
        offset += size


def _video_sizes(data: bytes, start: int, end: int, depth: int = 0) -> list[tuple[int, int]]:
    """Width and height of every sample entry of the video tracks below ``data[start:end]``."""
    sizes: list[tuple[int, int]] = []
    if depth > _MAX_DEPTH:
        return sizes
    for kind, a, b in _boxes(data, start, end):
        if kind == b"mdia":
            handler = next((data[x + 8 : x + 12] for k, x, _ in _boxes(data, a, b) if k == b"hdlr"), b"")
            if handler == b"vide":
                sizes += _video_sizes(data, a, b, depth + 1)
        elif kind in _BOX_PATH:
            sizes += _video_sizes(data, a, b, depth + 1)
        elif kind == b"stsd":  # version and flags, entry count, then the entries
            # A visual sample entry: 6 reserved, index, 16 bytes predefined/reserved, width, height.
            sizes += [
                struct.unpack_from(">HH", data, x + 24) for _, x, y in _boxes(data, a + 8, b) if y - x >= 28
            ]
    return sizes


def declared_sizes(path: Path) -> list[tuple[int, int]]:
    """The picture sizes an MP4's index declares for its video tracks, read without FFmpeg (an
    empty list when the file has no index sora_widgets can read; FFmpeg then says why)."""
    try:
        with path.open("rb") as fh:
            offset = 0
            for _ in range(_MAX_TOP_BOXES):
                fh.seek(offset)
                header = fh.read(16)
                if len(header) < 8:
                    return []
                size, kind = struct.unpack(">I4s", header[:8])
                head = 8
                if size == 1 and len(header) == 16:
                    size, head = struct.unpack(">Q", header[8:])[0], 16
                if size < head:
                    return []
                if kind == b"moov":
                    if size > _MAX_INDEX_BYTES:
                        raise MediaError(
                            f"{path.name} has an index of {size:,} bytes; it is not a video to read."
                        )
                    fh.seek(offset + head)
                    index = fh.read(size - head)
                    return _video_sizes(index, 0, len(index))
                offset += size
    except OSError as exc:
        if isinstance(exc, MediaError):
            raise
        raise MediaError(f"cannot read the video file {path}: {exc.strerror or exc}.") from None
    return []


def check_pixels(path: Path, width: int, height: int) -> None:
    """Refuse a picture bigger than :data:`MAX_DECODE_PIXELS` before it is decoded."""
    if width * height > MAX_DECODE_PIXELS:
        raise MediaError(
            f"{path.name} has {width}x{height} pictures; sora_widgets decodes at most "
            f"{MAX_DECODE_PIXELS:,} pixels per frame (2048x2048; the service makes 1280x720), "
            "so it was not decoded."
        )


@contextmanager
def open_video(path: str | Path, *, decode: bool = False) -> Iterator[tuple[Any, Any]]:
    """``(container, first video stream)`` of an MP4; with ``decode``, the stream set up to decode
    (size checked, strict, threaded). PyAV errors raised inside the block become MediaError too."""
    import av

    p = Path(path)
    for width, height in declared_sizes(p):
        check_pixels(p, width, height)
    try:
        with av.open(str(p), format=MP4_DEMUXER) as container:
            if not container.streams.video:
                raise MediaError(f"{p.name} has no video stream (is it a sound-only file?).")
            stream = container.streams.video[0]
            if decode:
                check_pixels(p, stream.codec_context.width, stream.codec_context.height)
                stream.thread_type = "AUTO"
                stream.codec_context.options = {"err_detect": "explode"}
            yield container, stream
    except av.error.FFmpegError as exc:
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise MediaError(f"cannot read the video file {p}: {reason}.") from None
        raise MediaError(f"{p} is not a readable MP4 video ({reason}); nothing was made from it.") from None


def decoded(container: Any, stream: Any, path: str | Path) -> Iterator[Any]:
    """The stream's frames, each checked against the pixel cap as it comes out of the decoder."""
    for frame in container.decode(stream):
        check_pixels(Path(path), frame.width, frame.height)
        yield frame
