"""VideoPlayer: plays a :class:`~sora_widgets.Video` in the output cell.

The video bytes go to the browser in a custom message with a binary buffer, never in the widget
state a notebook saves (unless ``embed=True``): once when the player is displayed, ahead of the
display message, so the view it makes paints without a round trip (the front end holds them for
that view only); and whenever a view asks for a version it does not have (a player inside
another widget, a reloaded page, a second display).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import traitlets as t

from ..errors import LinkExpired
from ..models.video import Video
from ._base import SoraWidget, handles
from ._common import describe_error, format_cost
from ._control import PythonWins

if TYPE_CHECKING:
    from ..client import SoraClient

__all__ = ["VideoPlayer"]

_log = logging.getLogger("sora_widgets.widgets")


class VideoPlayer(PythonWins, SoraWidget, front="player"):
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

    # The traits Python drives with numbered control messages: its last change wins (_control).
    CONTROLLED = frozenset({"playing", "muted", "loop", "current_time"})

    prompt = t.Unicode("").tag(sync=True)
    video_model = t.Unicode("").tag(sync=True)
    task_id = t.Unicode("").tag(sync=True)
    size = t.Unicode("").tag(sync=True)
    seconds = t.Int(0).tag(sync=True)
    cost = t.Unicode("").tag(sync=True)
    simulated = t.Bool(False).tag(sync=True)
    remix_of = t.Unicode("").tag(sync=True)  # the remix_video_id this video was made from
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
    # A filmstrip of stills across the whole video under it (sent as JPEG bytes when a view asks).
    show_filmstrip = t.Bool(True).tag(sync=True)
    _embedded = t.Bytes(b"").tag(sync=True)
    # Names this model to its front end, which keeps bytes pushed at display time for the view
    # about to be made (anywidget hands initialize and render different model proxies).
    _key = t.Unicode("").tag(sync=True)

    @t.default("_key")
    def _default_key(self) -> str:
        return uuid.uuid4().hex

    # Number of the last playback change made in Python; a view starts acknowledging from it.

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
        # A video given here goes in the comm's opening message, with no update after it: the
        # front end can make the view sooner.
        facts = {} if video is None else {**self._facts(video), "version": 1}
        super().__init__(compact=compact, caption=caption, **{**facts, **kwargs})
        self.client = client
        self._video: Video | None = video
        self._view_ready = False  # no view has asked yet: sending the bytes now would be wasted
        self._pushed_version = -1  # the version sent ahead of a display message
        self._remix_callbacks: list[Callable[[Video], Any]] = []
        self.observe(self._on_embed_toggled, names="embed")
        self._start_control()
        if video is not None:
            self._shown(video)
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
            for name, value in self._facts(video).items():
                setattr(self, name, value)
            self.version += 1
        self._shown(video)

    @staticmethod
    def _facts(video: Video | None) -> dict[str, Any]:
        # The synced traits that describe a video (and reset playback for it).
        facts: dict[str, Any] = {"error": "", "playing": False, "current_time": 0.0, "duration": 0.0}
        if video is None:
            empty = dict.fromkeys(("prompt", "video_model", "task_id", "size", "cost", "remix_of"), "")
            return {**facts, **empty, "seconds": 0, "simulated": False, "has_video": False}
        return {
            **facts,
            "prompt": video.prompt,
            "video_model": video.model,
            "task_id": video.task_id,
            "size": video.size,
            "seconds": int(video.seconds),
            "cost": format_cost(video.cost),
            "simulated": video.simulated,
            "remix_of": remix_source(video),
            "has_video": video.path is not None,
        }

    def _shown(self, video: Video | None) -> None:
        if video is not None and video.path is None:
            self._fetch_missing_file(video)
        elif video is not None and video.path is not None and not Path(video.path).is_file():
            if self.client is not None and video.url:
                # Pruned from the video cache (sora-widgets cache): fetch it again while its link lives.
                self.has_video = False
                self._fetch_missing_file(video.with_changes(path=None))
                return
            self.has_video = False
            self.show_error(
                f"Cannot read the video file {video.path}: it is not there any more. "
                "Download it again with client.download(video)."
            )
        self._refresh_embedded()
        self._send_video()

    def _fetch_missing_file(self, video: Video) -> None:
        if self.client is None or not video.url:
            self.show_error(
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
                    self.show_error(
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
            self.in_background(fetch(), name=f"download {video.task_id}")
        except RuntimeError as exc:
            self.show_error(str(exc))

    def _read_bytes(self) -> bytes | None:
        video = self._video
        if video is None or video.path is None:
            return None
        try:
            return Path(video.path).read_bytes()
        except OSError as exc:
            self.show_error(
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

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        include = kwargs.get("include")
        if bundle is not None and (not include or "application/vnd.jupyter.widget-view+json" in include):
            self._push_video()
        return bundle

    def _push_video(self) -> None:
        # Being displayed: a view is about to be made. The bytes go now, ahead of the display
        # message (same channel, so they arrive first), and the front end keeps them for that
        # view: it paints without asking. Once per version; embedded players have them already.
        if self.embed or self._pushed_version == self.version:
            return
        data = self._read_bytes()
        if data is None:
            return
        self._pushed_version = self.version
        self.send(
            {"type": "video", "version": self.version, "mime": "video/mp4", "pushed": True}, buffers=[data]
        )

    def _on_embed_toggled(self, _change: Any = None) -> None:
        self._refresh_embedded()

    def _refresh_embedded(self) -> None:
        data = self._read_bytes() if self.embed else None
        self._embedded = data or b""

    # -- control from Python ----------------------------------------------------------------

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

    @handles("ready")
    def _view_is_ready(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        # A new view starts from the state it was given: Python's changes up to "seq".
        self._view_started(content.get("seq"))
        self._view_ready = True
        if content.get("have") != self.version:  # it did not get the bytes pushed at display
            self._send_video()

    @handles("download")
    def _download_pressed(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self._send_download()

    @handles("remix")
    def _remix_pressed(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self._remix()

    @handles("media_error")
    def _media_error(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self.show_error("The browser could not play this video: " + str(content.get("message", ""))[:300])

    @handles("want_filmstrip")
    def _filmstrip_wanted(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        """A view asks for the filmstrip of the video it shows (made in a thread, then sent)."""
        video = self._video
        if video is None or video.path is None or not self.show_filmstrip:
            return
        version, path = self.version, video.path

        def deliver(data: bytes, times: list[float]) -> None:
            if self._video is video and self.version == version:
                self.send({"type": "filmstrip", "version": version, "times": times}, buffers=[data])

        async def make() -> None:
            from ..av.frames import filmstrip_jpeg

            try:
                data, times = await asyncio.to_thread(filmstrip_jpeg, path)
            except OSError as exc:
                _log.warning("no filmstrip for %s: %s", video.task_id, describe_error(exc))
                return
            deliver(data, times)

        try:
            self.in_background(make(), name=f"filmstrip {video.task_id}")
        except RuntimeError:  # no running loop (a plain script driving the widget): do it now
            from ..av.frames import filmstrip_jpeg

            with contextlib.suppress(OSError):
                deliver(*filmstrip_jpeg(path))

    def _send_download(self) -> None:
        data = self._read_bytes()
        video = self._video
        if data is None or video is None:
            if not self.error:
                self.show_error("There is no video file to download yet.")
            return
        name = Path(video.path).name if video.path else f"{video.task_id}.mp4"
        self.send({"type": "file", "name": name, "mime": "video/mp4"}, buffers=[data])

    def _remix(self) -> None:
        video = self._video
        if video is None:
            return
        for callback in list(self._remix_callbacks):
            self.call_user(callback, video)


def remix_source(video: Video) -> str:
    """The id ``video`` is a remix of ("" when it is not a remix or its request is not known)."""
    return (video.request.remix_video_id or "") if video.request is not None else ""
