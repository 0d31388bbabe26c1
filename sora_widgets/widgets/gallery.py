"""Gallery: browse the journal's history (across kernel restarts) and replay videos."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets
import traitlets as t

from ..errors import entry_advice
from ..job import Job
from ..models.catalog import MODELS
from ..models.task import Status, status_word
from ._base import SoraWidget, handles
from ._common import describe_error, format_cost
from ._strip import ResultStrip, StripItem
from .player import VideoPlayer

if TYPE_CHECKING:
    from ..client import SoraClient
    from ..journal import History, JournalEntry

__all__ = ["Gallery"]

# Filter choices shown in the browser -> the journal statuses they stand for.
STATUS_FILTERS: dict[str, tuple[str, ...] | None] = {
    "all": None,
    "completed": ("completed",),
    "running": ("sending", "pending", "in_progress"),
    "failed": ("failed", "refused"),
    "unknown_outcome": ("unknown_outcome",),
}
# The filter choices as the browser lists them: [value, label], the statuses' own words.
_FILTER_CHOICES = [
    ["all", "All"],
    ["completed", Status.COMPLETED.word],
    ["running", "Running"],
    ["failed", f"{Status.FAILED.word} or {Status.REFUSED.listed}"],
    ["unknown_outcome", Status.UNKNOWN_OUTCOME.word],
]


class Gallery(SoraWidget, front="gallery"):
    """Every request the journal remembers, newest first: replay videos, read failures.

    Example:
        >>> gallery = Gallery(client)          # or Gallery() for the default journal  # doctest: +SKIP
        >>> gallery                            # doctest: +SKIP
        >>> gallery.entries[0].status, gallery.videos[:3]   # doctest: +SKIP

    Completed entries show a thumbnail and play in the player below; failed, refused,
    unfinished and "outcome unknown" entries show their request and what happened. Requests
    whose outcome is unknown are never resent from here. With a ``client``, a
    "Resume unfinished" button finishes running tasks (``client.resume()``; nothing new is
    created) and a video whose file is missing is downloaded again.

    One anywidget: the filters, count and details are its own traits; the tiles
    (``gallery.strip``) and the player (``gallery.player``) are widgets made once, here, and
    drawn by the Gallery's front end (Jupyter and marimo alike).

    Args:
        client: a :class:`~sora_widgets.SoraClient`; its ``history`` is shown.
        history: a :class:`~sora_widgets.History` to show instead (default: the client's, or
            ``History()``).
        limit: how many entries to list at most.
    """

    status = t.Enum(tuple(STATUS_FILTERS), default_value="all").tag(sync=True)
    status_choices = t.List(t.List(t.Unicode()), default_value=_FILTER_CHOICES).tag(sync=True)
    model = t.Unicode("").tag(sync=True)  # "" = all models
    model_choices = t.List(t.Dict()).tag(sync=True)
    search = t.Unicode("").tag(sync=True)
    count = t.Unicode("").tag(sync=True)
    detail = t.List(t.List(t.Unicode())).tag(sync=True)  # [[term, value], ...]
    detail_title = t.Unicode("").tag(sync=True)
    can_resume = t.Bool(False).tag(sync=True)
    unfinished = t.Int(0).tag(sync=True)
    busy = t.Bool(False).tag(sync=True)
    # The parts, made once in __init__ and drawn by gallery.js (childModel + mountStrip/mountPlayer).
    strip = t.Instance(ResultStrip).tag(sync=True, **ipywidgets.widget_serialization)
    player = t.Instance(VideoPlayer).tag(sync=True, **ipywidgets.widget_serialization)

    def __init__(
        self,
        client: SoraClient | None = None,
        *,
        history: History | None = None,
        limit: int = 200,
        **kwargs: Any,
    ) -> None:
        if history is None:
            if client is not None:
                history = client.history
            else:
                from ..journal import History

                history = History()
        super().__init__(
            model_choices=[{"id": m.id, "label": m.title} for m in MODELS.values()],
            can_resume=client is not None,
            strip=ResultStrip(arrangement="grid", label="", empty_text="Nothing in the history matches."),
            player=VideoPlayer(client=client),
            **kwargs,
        )
        self.client = client
        self.history = history
        self.limit = limit
        self.entries: list[JournalEntry] = []
        self.observe(self._on_filters, names=["status", "model", "search"])
        self.strip.on_select(self._select)
        self.refresh()

    @property
    def controls(self) -> Gallery:
        """The widget holding the filters and details: the Gallery itself (kept for older code)."""
        return self

    @property
    def videos(self) -> list[Any]:
        """The Videos of the completed entries listed now."""
        return [e.video for e in self.entries if e.video is not None and e.status == "completed"]

    @property
    def selected(self) -> JournalEntry | None:
        """The entry chosen last, or None."""
        key = self.strip.selected
        return next((e for e in self.entries if e.id == key), None)

    def select(self, entry: JournalEntry | str) -> None:
        """Choose an entry (or its id), as clicking its tile does: play its video or explain it."""
        self.strip.select(entry if isinstance(entry, str) else entry.id)

    def refresh(self) -> None:
        """Read the journal again and list what matches the filters."""
        try:
            found = self.history.entries(
                status=STATUS_FILTERS[self.status],
                model=self.model or None,
                limit=self.limit,
            )
            unfinished = len(self.history.unfinished())
        except Exception as exc:  # noqa: BLE001 - a journal problem is shown, not raised into a callback
            self.show_error(exc)
            return
        words = self.search.lower().split()
        if words:
            found = [e for e in found if all(w in f"{e.prompt} {e.task_id or ''}".lower() for w in words)]
        self.entries = found
        self.strip.set_items([_item(e) for e in found])
        with self.hold_sync():
            self.error = ""
            self.unfinished = unfinished
            total = len(found)
            videos = sum(1 for e in found if e.video is not None and e.status == "completed")
            self.count = f"{total} request{'s' * (total != 1)}, {videos} video{'s' * (videos != 1)}"

    def _on_filters(self, _change: Any = None) -> None:
        self.refresh()

    @handles("refresh")
    def _on_refresh(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self.refresh()

    def _select(self, key: str) -> None:
        entry = next((e for e in self.entries if e.id == key), None)
        if entry is None:
            return
        if entry.video is not None and entry.status == "completed":
            with self.hold_sync():
                self.detail = []
                self.detail_title = ""
            self.player.show(entry.video)
        else:
            self.player.show(None)
            # A non-empty detail hides the player in the front end (there is nothing to play).
            with self.hold_sync():
                self.detail_title = status_word(entry.status)
                self.detail = _describe(entry)

    @handles("resume")
    def _on_resume(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self.resume()

    def resume(self) -> Job[None] | None:
        """Finish every unfinished task in the background (``client.resume()``), then refresh.

        Returns the background :class:`~sora_widgets.Job` (``await`` it), or None when nothing
        can be resumed (no client, or no running event loop: the reason is shown in the widget;
        use ``client.resume_sync()`` there).
        """
        if self.client is None:
            self.show_error("Resuming needs a client: Gallery(client).")
            return None
        try:
            return Job(self.in_background(self._resume(self.client), name="gallery resume"), "resume")
        except RuntimeError:
            # No event loop runs between cells here (a plain script or console): say what works.
            self.show_error(
                "Resuming runs in the background of a notebook kernel, and no event loop is running "
                "here: use client.resume_sync(), then gallery.refresh()."
            )
            return None

    async def _resume(self, client: SoraClient) -> None:
        self.busy = True
        try:
            results = await client.resume()
        finally:
            self.busy = False
        self.refresh()
        problems = [describe_error(r) for r in results if isinstance(r, BaseException)]
        if problems:
            self.show_error("Some tasks did not finish: " + "; ".join(problems))

    def _background_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.show_error(exc)

    def close(self) -> None:
        """Close the Gallery and its parts (the strip and the player live and end with it)."""
        self.strip.close()
        self.player.close()
        super().close()


def _item(entry: JournalEntry) -> StripItem:
    video = entry.video
    if video is not None and entry.status == "completed":
        return StripItem.from_video(video, key=entry.id)
    request = entry.request or {}
    parts = [
        f"{request.get('seconds')} s" if request.get("seconds") else "",
        str(request.get("size") or ""),
        entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
    ]
    return StripItem(
        key=entry.id,
        title=entry.prompt,
        subtitle=" · ".join(p for p in parts if p),
        status=entry.status,
        path=None,
    )


def _describe(entry: JournalEntry) -> list[list[str]]:
    request = entry.request or {}
    rows: list[tuple[str, str]] = [
        ("Status", status_word(entry.status, listed=True)),
        ("Prompt", entry.prompt),
        ("Model", entry.model),
        ("Size", str(request.get("size") or "")),
        ("Length", f"{request.get('seconds')} s" if request.get("seconds") else ""),
        ("Estimated price", _price(request)),
        ("Task id", entry.task_id or "none (no answer was received)"),
        ("Sent to", entry.base_url + (" (simulator)" if entry.simulated else "")),
        ("Created", entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")),
    ]
    if request.get("remix_video_id"):
        rows.append(("Remix of", str(request["remix_video_id"])))
    image = request.get("image")
    if isinstance(image, dict):
        rows.append(("Reference image", str(image.get("url") or f"{image.get('size')} {image.get('mime')}")))
    if entry.progress is not None and entry.status in ("pending", "in_progress"):
        rows.append(("Progress", f"{round(entry.progress * 100)}%"))
    if entry.error_code:
        spec = MODELS.get(entry.model)
        meaning = spec.meaning(entry.error_code) if spec else None
        rows.append(("Error code", entry.error_code + (f" — {meaning}" if meaning else "")))
    if entry.error_message:
        rows.append(("Message", entry.error_message))
    rows.append(("What to do", entry_advice(entry.status, model=entry.model, code=entry.error_code)))
    return [[k, v] for k, v in rows if v]


def _price(request: dict[str, Any]) -> str:
    spec = MODELS.get(str(request.get("model") or ""))
    try:
        return format_cost(spec.estimate_cost(int(request["seconds"]))) if spec else ""
    except (KeyError, TypeError, ValueError):
        return ""
