"""VideoPlayer: plays a :class:`~sora_widgets.Video` in the output cell.

The video bytes go to the browser in a custom message with a binary buffer when a view asks
for them, so nothing of the video is kept in the widget state a notebook saves (unless
``embed=True``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets as t

from ..errors import LinkExpired
from ..models.video import Video
from ._common import BackgroundTasks, describe_error, format_cost, widget_css, widget_esm

if TYPE_CHECKING:
    from ..client import SoraClient

__all__ = ["VideoPlayer"]


class VideoPlayer(anywidget.AnyWidget):
    """A video player with the prompt, size, length and cost beside it.

    Example:
        >>> player = VideoPlayer(video)                 # doctest: +SKIP
        >>> player.play(); player.current_time = 1.5    # doctest: +SKIP
        >>> player.playing, player.muted, player.loop   # doctest: +SKIP

    ``playing``, ``muted``, ``loop`` and ``current_time`` follow the browser and can be set
    from Python (setting ``current_time`` seeks). ``compact=True`` shows the video alone with a
    one-line caption, for grids. ``on_remix(callback)`` shows a Remix button that calls
    ``callback(video)``. ``embed=True`` keeps the video in the saved widget state so that an
    exported notebook plays it without a kernel (the notebook grows by the video's size).
    """

    _esm = widget_esm("player")
    _css = widget_css("player")

    prompt = t.Unicode("").tag(sync=True)
    video_model = t.Unicode("").tag(sync=True)
    task_id = t.Unicode("").tag(sync=True)
    size = t.Unicode("").tag(sync=True)
    seconds = t.Int(0).tag(sync=True)
    cost = t.Unicode("").tag(sync=True)
    simulated = t.Bool(False).tag(sync=True)
    caption = t.Unicode("").tag(sync=True)
    version = t.Int(0).tag(sync=True)  # bumped per video shown, so views fetch the new bytes
    has_video = t.Bool(False).tag(sync=True)

    playing = t.Bool(False).tag(sync=True)
    muted = t.Bool(False).tag(sync=True)
    loop = t.Bool(False).tag(sync=True)
    current_time = t.Float(0.0).tag(sync=True)
    duration = t.Float(0.0).tag(sync=True)

    compact = t.Bool(False).tag(sync=True)
    show_remix = t.Bool(False).tag(sync=True)
    embed = t.Bool(False).tag(sync=True)
    error = t.Unicode("").tag(sync=True)
    _embedded = t.Bytes(b"").tag(sync=True)

    def __init__(
        self,
        video: Video | None = None,
        *,
        client: SoraClient | None = None,
        compact: bool = False,
        embed: bool = False,
        caption: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(compact=compact, caption=caption, **kwargs)
        self.client = client
        self._video: Video | None = None
        self._view_ready = False  # no view has asked yet: sending the bytes now would be wasted
        self._remix_callbacks: list[Callable[[Video], Any]] = []
        self._background = BackgroundTasks(self._show_error)
        self.on_msg(self._on_front_message)
        self.observe(self._on_embed_toggled, names="embed")
        self.observe(self._on_control, names=["playing", "current_time", "muted", "loop"])
        if video is not None:
            self.show(video)
        self.embed = embed

    # -- what is shown ---------------------------------------------------------------------

    @property
    def video(self) -> Video | None:
        """The :class:`~sora_widgets.Video` shown, or None."""
        return self._video

    @video.setter
    def video(self, video: Video | None) -> None:
        self.show(video)

    def show(self, video: Video | None) -> None:
        """Show another video (None empties the player)."""
        self._video = video
        with self.hold_sync():
            self.error = ""
            self.playing = False
            self.current_time = 0.0
            self.duration = 0.0
            if video is None:
                self.prompt = self.video_model = self.task_id = self.size = self.cost = ""
                self.seconds = 0
                self.simulated = False
                self.has_video = False
            else:
                self.prompt = video.prompt
                self.video_model = video.model
                self.task_id = video.task_id
                self.size = video.size
                self.seconds = int(video.seconds)
                self.cost = format_cost(video.cost)
                self.simulated = video.simulated
                self.has_video = video.path is not None
            self.version += 1
        if video is not None and video.path is None:
            self._fetch_missing_file(video)
        elif video is not None and video.path is not None and not Path(video.path).is_file():
            if self.client is not None and video.url:
                # Pruned from the video cache (sora-widgets cache): fetch it again while its link lives.
                self.has_video = False
                self._fetch_missing_file(video.with_changes(path=None))
                return
            self.has_video = False
            self.error = (
                f"Cannot read the video file {video.path}: it is not there any more. "
                "Download it again with client.download(video)."
            )
        self._refresh_embedded()
        self._send_video()

    def _fetch_missing_file(self, video: Video) -> None:
        if self.client is None or not video.url:
            self.error = (
                "This video has no local file to play. Download it first: "
                "video = await client.download(video), then show it again."
            )
            return
        client = self.client

        async def fetch() -> None:
            try:
                path = await client.download(video)
            except LinkExpired:
                if self._video is not None and self._video.task_id == video.task_id:
                    self.error = (
                        f"The file of {video.task_id} is not on this computer any more (pruned from "
                        "the video cache, or never saved) and its download link has expired, so it "
                        "cannot be fetched again. The journal keeps the request: generate it again "
                        "to get a new video."
                    )
                return
            if self._video is not None and self._video.task_id == video.task_id:
                self._video = video.with_changes(path=path)
                self.has_video = True
                self._refresh_embedded()
                self._send_video()

        try:
            self._background.start(fetch(), name=f"download {video.task_id}")
        except RuntimeError as exc:
            self.error = str(exc)

    def _read_bytes(self) -> bytes | None:
        video = self._video
        if video is None or video.path is None:
            return None
        try:
            return Path(video.path).read_bytes()
        except OSError as exc:
            self.error = (
                f"Cannot read the video file {video.path}: {exc.strerror or exc}. "
                "Download it again with client.download(video)."
            )
            return None

    def _send_video(self) -> None:
        if not self._view_ready:
            return
        data = self._read_bytes()
        if data is None:
            return
        self.send({"type": "video", "version": self.version, "mime": "video/mp4"}, buffers=[data])

    def _on_embed_toggled(self, _change: Any = None) -> None:
        self._refresh_embedded()

    def _refresh_embedded(self) -> None:
        data = self._read_bytes() if self.embed else None
        self._embedded = data or b""

    # -- control from Python ----------------------------------------------------------------

    def _on_control(self, change: Any) -> None:
        # A change made in Python also goes as a command: the browser ignores a state update for a
        # key while its own report of that key is in flight (ipywidgets' echo rule), and
        # current_time is reported several times a second while playing. Changes that came from
        # the browser are under ipywidgets' property lock and are not sent back.
        name = change["name"]
        if name in getattr(self, "_property_lock", {}):
            return
        self.send({"type": "control", name: change["new"]})

    def play(self) -> None:
        """Start playing (in every view of this player)."""
        self.playing = True

    def pause(self) -> None:
        """Pause."""
        self.playing = False

    def seek(self, seconds: float) -> None:
        """Jump to ``seconds`` from the start (same as setting ``current_time``)."""
        self.current_time = max(0.0, float(seconds))

    def on_remix(self, callback: Callable[[Video], Any]) -> None:
        """Show the Remix button; pressing it calls ``callback(video)``."""
        self._remix_callbacks.append(callback)
        self.show_remix = True

    # -- messages from the browser ----------------------------------------------------------

    def _on_front_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "ready":
            self._view_ready = True
            self._send_video()
        elif kind == "download":
            self._send_download()
        elif kind == "remix":
            self._remix()
        elif kind == "media_error":
            self.error = "The browser could not play this video: " + str(content.get("message", ""))[:300]

    def _send_download(self) -> None:
        data = self._read_bytes()
        video = self._video
        if data is None or video is None:
            if not self.error:
                self.error = "There is no video file to download yet."
            return
        name = Path(video.path).name if video.path else f"{video.task_id}.mp4"
        self.send({"type": "file", "name": name, "mime": "video/mp4"}, buffers=[data])

    def _remix(self) -> None:
        video = self._video
        if video is None:
            return
        for callback in list(self._remix_callbacks):
            try:
                result = callback(video)
                if asyncio.iscoroutine(result):
                    self._background.start(result, name="remix callback")
            except Exception as exc:  # noqa: BLE001 - user code and I/O: show any failure in the widget
                self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        self.error = describe_error(exc)
