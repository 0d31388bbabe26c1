"""FrameCompare: videos frame by frame, one row per video, one column per moment."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import traitlets as t

from .._text import shorten
from ..av.video import video_file
from ..models.variants import differing_labels
from ..models.video import Video
from ._base import SoraWidget, handles
from ._common import describe_error

if TYPE_CHECKING:
    from ..client import SoraClient
    from .player import VideoPlayer

__all__ = ["FrameCompare", "compare_frames", "differences"]

_log = logging.getLogger("sora_widgets.widgets")
_THUMB_HEIGHT = 120  # pixels of each still sent to the browser (shown smaller; sharp on HiDPI)


def differences(videos: Sequence[Video]) -> list[str]:
    """One short label per video saying what differs from the others.

    The slot values of a sweep when the videos carry them (``video.labels``), otherwise the
    size, length or model when those differ, and the prompt words not shared by every prompt.

    Example:
        >>> a = Video(task_id="a", model="m", prompt="A fox in snow at dawn", size="1280x720", seconds=4)
        >>> b = a.with_changes(task_id="b", prompt="A fox in snow at dusk", seconds=8)
        >>> differences([a, b])
        ['4 s · …dawn', '8 s · …dusk']
    """
    if not videos:
        return []
    if all(v.labels for v in videos):
        labels = differing_labels([dict(v.labels) for v in videos])
        if any(labels):
            return [" · ".join(f"{k}: {val}" for k, val in lab.items()) for lab in labels]
    fields: list[list[str]] = [[] for _ in videos]
    shows: tuple[Callable[[Video], str], ...] = (
        lambda v: v.size.replace("x", "×"),
        lambda v: f"{v.seconds} s",
        lambda v: v.model,
    )
    for show in shows:
        values = [show(v) for v in videos]
        if len(set(values)) > 1:
            for out, value in zip(fields, values, strict=True):
                out.append(value)
    word_lists = [v.prompt.split() for v in videos]
    if len({" ".join(w) for w in word_lists}) > 1:
        # Common prefix and suffix (in words) removed, what is left is what differs.
        prefix = 0
        while all(len(w) > prefix for w in word_lists) and len({w[prefix] for w in word_lists}) == 1:
            prefix += 1
        suffix = 0
        while (
            all(len(w) - prefix > suffix for w in word_lists)
            and len({w[len(w) - 1 - suffix] for w in word_lists}) == 1
        ):
            suffix += 1
        for out, words in zip(fields, word_lists, strict=True):
            middle = " ".join(words[prefix : len(words) - suffix]) or "(nothing)"
            middle = shorten(middle, 60)
            out.append(("…" if prefix else "") + middle + ("…" if suffix else ""))
    return [" · ".join(f) for f in fields]


class FrameCompare(SoraWidget, front="frames"):
    """Videos side by side frame by frame: one row per video, one column per moment.

    Example:
        >>> grid = sw.compare_frames([video_a, video_b], n=6)        # doctest: +SKIP
        >>> grid                                                      # doctest: +SKIP
        >>> grid.times, grid.labels                                   # doctest: +SKIP

    The columns are the same moments in every row: ``n`` times evenly spaced from 0 to the end
    of the shortest video. Rows are labelled with what differs between the videos
    (:func:`differences`). Clicking a still seeks every linked player (``players=``, or
    :meth:`link_players`) to that moment and calls the :meth:`on_seek` callbacks.

    Stills are decoded when a view first asks for them, in a thread, and sent as JPEG bytes in
    binary messages: nothing of them is kept in the saved widget state.
    """

    rows = t.List(t.Dict()).tag(sync=True)  # [{"key", "label", "prompt", "portrait"}]
    times = t.List(t.Float()).tag(sync=True)
    selected_time = t.Float(-1.0).tag(sync=True)
    title = t.Unicode("Frame by frame").tag(sync=True)
    error = t.Unicode("").tag(sync=True)

    def __init__(
        self,
        videos: Sequence[Video] = (),
        *,
        n: int = 6,
        client: SoraClient | None = None,
        players: Sequence[VideoPlayer] = (),
        labels: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        from .._constants import MAX_FRAMES

        if not 1 <= n <= MAX_FRAMES:
            raise ValueError(f"n must be between 1 and {MAX_FRAMES}, not {n}")
        super().__init__(**kwargs)
        self.n = n
        self.client = client
        self._videos: list[Video] = []
        self._players: list[VideoPlayer] = list(players)
        self._seek_callbacks: list[Callable[[float], Any]] = []
        self._jpegs: dict[str, list[bytes]] = {}  # row key -> JPEG per column, for the current times
        self._view_ready = False
        self.set_videos(videos, labels=labels)

    # -- what is compared --------------------------------------------------------------------

    @property
    def videos(self) -> list[Video]:
        """The compared videos, one per row."""
        return list(self._videos)

    @property
    def labels(self) -> list[str]:
        """Each row's label (what differs)."""
        return [str(r["label"]) for r in self.rows]

    def set_videos(self, videos: Sequence[Video], *, labels: Sequence[str] | None = None) -> None:
        """Compare these videos (their files are downloaded first when needed)."""
        videos = list(videos)
        if labels is not None and len(labels) != len(videos):
            raise ValueError(f"{len(labels)} labels for {len(videos)} videos")
        shown = list(labels) if labels is not None else differences(videos)
        resolved = []
        self.error = ""
        for video in videos:
            try:
                resolved.append(video.with_changes(path=video_file(video, self.client)))
            except Exception as exc:  # noqa: BLE001 - show which video cannot be read, keep the rest
                self._add_error(exc)
                resolved.append(video.with_changes(path=None))  # its row stays empty
        self._videos = resolved
        self._jpegs = {}
        with self.hold_sync():
            self.rows = [
                {
                    "key": f"{k}:{v.task_id}",
                    "label": label,
                    "prompt": v.prompt,
                    "portrait": v.height > v.width,
                }
                for k, (v, label) in enumerate(zip(resolved, shown, strict=True))
            ]
            self.times = self._common_times()
            self.selected_time = -1.0
        self._send_all()

    def _common_times(self) -> list[float]:
        from ..av.frames import video_duration

        ends = []
        for video in self._videos:
            if video.path is None:
                continue
            try:
                ends.append(video_duration(video.path))
            except OSError as exc:
                self._add_error(exc)
        if not ends:
            return []
        end = min(ends)
        if self.n == 1:
            return [0.0]
        return [round(end * k / (self.n - 1), 4) for k in range(self.n)]

    def frames(self) -> list[list[Any]]:
        """The stills as PIL images: one list per row, one image per column (decoded now)."""
        from ..av.frames import frames_at

        out: list[list[Any]] = []
        for video in self._videos:
            if video.path is None or not self.times:
                out.append([])
                continue
            out.append([s.image for s in frames_at(video.path, self.times)])
        return out

    # -- seeking ------------------------------------------------------------------------------

    def link_players(self, players: Sequence[VideoPlayer]) -> None:
        """Seek these players when a still is clicked."""
        self._players = list(players)

    def on_seek(self, callback: Callable[[float], Any]) -> None:
        """Call ``callback(seconds)`` when a still is clicked."""
        self._seek_callbacks.append(callback)

    def seek(self, seconds: float) -> None:
        """What clicking a still does: mark that moment and seek every linked player there."""
        seconds = max(0.0, float(seconds))
        self.selected_time = seconds
        for player in list(self._players):
            player.seek(seconds)
        for callback in list(self._seek_callbacks):
            self.call_user(callback, seconds)

    # -- to the browser ----------------------------------------------------------------------

    def _row_jpegs(self, key: str, video: Video) -> list[bytes]:
        from ..av.frames import encode_jpeg, frames_at

        if video.path is None or not self.times:
            return []
        stills = frames_at(video.path, self.times)
        out: list[bytes] = []
        for still in stills:
            image = still.image
            width = max(1, round(image.width * _THUMB_HEIGHT / image.height))
            out.append(encode_jpeg(image.resize((width, _THUMB_HEIGHT)), quality=78))
        return out

    def _send_row(self, key: str) -> None:
        data = self._jpegs.get(key)
        if data and self._view_ready:
            self.send({"type": "row", "key": key, "times": self.times, "mime": "image/jpeg"}, buffers=data)

    def _send_all(self) -> None:
        if not self._view_ready:
            return
        pending = []
        for row, video in zip(self.rows, self._videos, strict=True):
            key = str(row["key"])
            if key in self._jpegs:
                self._send_row(key)
            else:
                pending.append((key, video))
        if not pending:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            for key, video in pending:
                self._make_row(key, video)
            return
        self.in_background(self._make_rows_in_thread(pending), name="frame compare")

    def _make_row(self, key: str, video: Video) -> None:
        try:
            self._jpegs[key] = self._row_jpegs(key, video)
        except OSError as exc:
            self._add_error(exc)
            return
        self._send_row(key)

    async def _make_rows_in_thread(self, pending: list[tuple[str, Video]]) -> None:
        # Decoding takes a fraction of a second per video: keep the kernel's loop free meanwhile.
        times = list(self.times)
        for key, video in pending:
            try:
                data = await asyncio.to_thread(self._row_jpegs, key, video)
            except OSError as exc:
                self._add_error(exc)
                continue
            if times != list(self.times):
                return  # the videos changed meanwhile; a newer run is on its way
            self._jpegs[key] = data
            self._send_row(key)

    # -- from the browser --------------------------------------------------------------------

    @handles("ready")
    def _on_ready(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self._view_ready = True
        self._send_all()

    @handles("seek")
    def _on_seek(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self.seek(float(content.get("time", 0.0)))

    def _add_error(self, exc: BaseException) -> None:
        """Show one more problem (one line per video that cannot be read), keeping the others."""
        text = describe_error(exc)
        _log.warning("frame compare: %s", text)
        self.show_error(text if not self.error else f"{self.error}\n{text}")

    def _background_failed(self, exc: BaseException) -> None:
        self._add_error(exc)


def compare_frames(
    videos: Sequence[Video],
    n: int = 6,
    *,
    client: SoraClient | None = None,
    players: Sequence[VideoPlayer] = (),
    labels: Sequence[str] | None = None,
) -> FrameCompare:
    """A grid of ``videos`` frame by frame: one row per video, one column per moment.

    Example:
        >>> sw.compare_frames(lab.results, n=6)     # doctest: +SKIP

    Args:
        videos: the videos (files are downloaded first when needed, with ``client``).
        n: how many moments (columns), evenly spaced from the start to the end of the shortest.
        client: the client that made them (needed for simulated videos without a local file).
        players: players to seek when a still is clicked.
        labels: row labels (default: what differs between the videos).
    """
    return FrameCompare(videos, n=n, client=client, players=players, labels=labels)
