"""Opening a video file for the frame and film helpers: the one place that says what they read.

Every failure is a :class:`~sora_widgets.errors.MediaError` (a :class:`SoraError` and an
:class:`OSError`, as the helpers document), never PyAV's own errors or an ``IndexError``:

- only an MP4 (FFmpeg's MP4/MOV demuxer) is opened, so an HTML page, a PNG or a text file saved
  as ``.mp4`` is refused at the door instead of being decoded as whatever FFmpeg guesses;
- a file without a video stream is refused by name;
- before anything is decoded, the declared picture size is checked against
  :data:`~sora_widgets._constants.MAX_DECODE_PIXELS`, and every decoded frame again (a stream may
  declare one size and carry another); decoders are strict (``err_detect=explode``), so damaged
  data stops the work instead of being concealed and copied into a film.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .._constants import MAX_DECODE_PIXELS
from ..errors import MediaError

__all__ = ["check_pixels", "decoded", "open_video"]

# FFmpeg's name for its ISO-BMFF demuxer (mov, mp4, m4a, 3gp, ...): what a Sora video is.
MP4_DEMUXER = "mp4"


def check_pixels(path: Path, width: int, height: int) -> None:
    """Refuse a picture bigger than :data:`MAX_DECODE_PIXELS` before it is decoded."""
    if width * height > MAX_DECODE_PIXELS:
        raise MediaError(
            f"{path.name} has {width}x{height} pictures; sora_widgets decodes at most "
            f"{MAX_DECODE_PIXELS:,} pixels per frame (Sora makes at most 1792x1024), so it was not decoded."
        )


@contextmanager
def open_video(path: str | Path, *, decode: bool = False) -> Iterator[tuple[Any, Any]]:
    """``(container, first video stream)`` of an MP4; with ``decode``, the stream set up to decode
    (size checked, strict, threaded). PyAV errors raised inside the block become MediaError too."""
    import av

    p = Path(path)
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
