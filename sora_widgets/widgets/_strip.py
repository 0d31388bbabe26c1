"""ResultStrip: thumbnails of videos (and cards for tasks without one), shared by Studio and Gallery."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import traitlets as t

from ..models.task import status_vocabulary
from ..models.video import Video
from ._base import SoraWidget, handles
from ._common import describe_error, format_cost, video_thumbnail

__all__ = ["ResultStrip", "StripItem"]

_log = logging.getLogger("sora_widgets.widgets")
# Thumbnails kept in the kernel (about 10 KB each): enough for every tile of a long scroll,
# bounded for a history of thousands. An evicted one is made again if a view asks.
_MAX_THUMBS = 1000
# Keys honoured from one "want" message (a view asks only for the tiles it shows).
_MAX_WANT = 256


@dataclass(frozen=True)
class StripItem:
    """One tile: a key, its text, and the video file to take a thumbnail from (if any)."""

    key: str
    title: str
    subtitle: str = ""
    status: str = "completed"
    path: Path | None = None
    portrait: bool = False

    @classmethod
    def from_video(cls, video: Video, *, key: str | None = None) -> StripItem:
        """A tile for a finished :class:`~sora_widgets.Video`."""
        cost = format_cost(video.cost)
        remix_of = (video.request.remix_video_id or "") if video.request is not None else ""
        parts = [
            f"remix of {remix_of}" if remix_of else "",
            f"{video.seconds} s",
            video.orientation,
            cost,
            "simulated" if video.simulated else "",
        ]
        return cls(
            key=key or video.task_id,
            title=video.prompt,
            subtitle=" · ".join(p for p in parts if p),
            status="completed",
            path=Path(video.path) if video.path else None,
            portrait=video.height > video.width,
        )


class ResultStrip(SoraWidget, front="strip"):
    """A row (``arrangement="strip"``) or grid (``arrangement="grid"``) of clickable result tiles.

    Thumbnails (middle frames, small JPEGs) are made from local files and sent as binary
    buffers when a view asks for them; they are not part of the saved widget state.
    """

    items = t.List(t.Dict()).tag(sync=True)
    _statuses = t.Dict(status_vocabulary()).tag(sync=True)  # the words a tile's status is shown with
    selected = t.Unicode("").tag(sync=True)
    arrangement = t.Enum(("strip", "grid"), default_value="strip").tag(sync=True)
    empty_text = t.Unicode("No results yet").tag(sync=True)
    label = t.Unicode("Results").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._items: list[StripItem] = []
        # key -> JPEG, least recently asked for first; bounded so a long history stays small.
        self._thumbs: OrderedDict[str, bytes] = OrderedDict()
        self._making: set[str] = set()
        self._select_callbacks: list[Callable[[str], Any]] = []
        self._view_ready = False  # thumbnails go out once a view has asked for them

    def set_items(self, items: Sequence[StripItem]) -> None:
        """Show these tiles (in this order); thumbnails follow as views ask for them."""
        self._items = list(items)
        self.items = [
            {
                "key": i.key,
                "title": i.title,
                "subtitle": i.subtitle,
                "status": i.status,
                "thumb": i.path is not None,
                "portrait": i.portrait,
            }
            for i in self._items
        ]

    def add(self, item: StripItem) -> None:
        """Put a tile first (replacing one with the same key)."""
        self.set_items([item, *(i for i in self._items if i.key != item.key)])

    def on_select(self, callback: Callable[[str], Any]) -> None:
        """Call ``callback(key)`` when a tile is chosen."""
        self._select_callbacks.append(callback)

    def select(self, key: str) -> None:
        """Highlight the tile ``key`` and call the ``on_select`` callbacks (as a click does)."""
        if key not in {i.key for i in self._items}:
            return
        self.selected = key
        for callback in list(self._select_callbacks):
            self.call_user(callback, key)

    def _want(self, keys: Sequence[str]) -> None:
        """Send the thumbnails a view asks for (the tiles it shows), making missing ones first."""
        by_key = {i.key: i for i in self._items}
        wanted = [by_key[k] for k in dict.fromkeys(keys[:_MAX_WANT]) if k in by_key]
        ready = [i.key for i in wanted if i.key in self._thumbs]
        for key in ready:
            self._thumbs.move_to_end(key)
        self._send_thumbs(ready)
        self._make_thumbs([i for i in wanted if i.path is not None and i.key not in self._thumbs])

    def _make_thumbs(self, missing: list[StripItem]) -> None:
        missing = [i for i in missing if i.key not in self._making]
        if not missing:
            return
        self._making.update(i.key for i in missing)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            for item in missing:
                self._thumb_for(item)
            self._send_thumbs([i.key for i in missing])
            return
        self.in_background(self._make_thumbs_in_thread(missing), name="thumbnails")

    async def _make_thumbs_in_thread(self, items: list[StripItem]) -> None:
        # Decoding a frame takes tens of ms each; keep the kernel's loop free meanwhile.
        try:
            for item in items:
                await asyncio.to_thread(self._thumb_for, item)
                self._send_thumbs([item.key])
        finally:
            self._making.difference_update(i.key for i in items)

    def _thumb_for(self, item: StripItem) -> None:
        self._making.discard(item.key)
        if item.path is None:
            return
        try:
            self._thumbs[item.key] = video_thumbnail(item.path)
        except Exception as exc:  # noqa: BLE001 - a broken or missing file must not break the strip
            _log.warning("no thumbnail for %s: %s", item.key, describe_error(exc))
            return
        while len(self._thumbs) > _MAX_THUMBS:
            self._thumbs.popitem(last=False)

    def _send_thumbs(self, keys: Sequence[str] | None = None) -> None:
        if not self._view_ready:
            return
        wanted = keys if keys is not None else [i.key for i in self._items]
        for key in wanted:
            data = self._thumbs.get(key)
            if data is not None:
                self.send({"type": "thumb", "key": key, "mime": "image/jpeg"}, buffers=[data])

    def _background_failed(self, exc: BaseException) -> None:
        # A thumbnail that cannot be made leaves its tile without a picture; the strip goes on.
        _log.warning("thumbnail failed: %s", describe_error(exc))

    # -- messages from the page ------------------------------------------------------------------

    @handles("ready")
    def _ready(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self._view_ready = True

    @handles("want")
    def _wanted(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self._view_ready = True
        keys = content.get("keys")
        if isinstance(keys, list):
            self._want([str(k) for k in keys])

    @handles("select")
    def _chosen(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self.select(str(content.get("key", "")))
