"""StoryboardWidget: a board's shot cards, their status while it runs, and the joined film.

One anywidget draws everything from its own state: the cards (prompt, length, how each shot
continues from the one before, price, a status bar, a filmstrip of the result), the price before
Run, and the film. It creates no other widget after it is shown. Filmstrips and the film travel as
binary buffers in custom messages when a view asks for them, never in the saved state.
"""

from __future__ import annotations

import asyncio
import io
import weakref
from pathlib import Path
from typing import Any

import traitlets as t

from ..errors import InvalidRequestError, SoraError
from ..models.catalog import T2V
from ..models.task import status_vocabulary
from ..storyboard import CONTINUITY, DONE, Storyboard
from ._base import SoraWidget, handles
from ._common import format_cost

__all__ = ["StoryboardWidget"]

# The words the cards use for each way a shot continues from the one before.
CONTINUITY_TEXT = {
    "last_frame": "starts on the last frame",
    "remix": "remixes the shot before",
    "none": "independent",
}
# A filmstrip: this many frames of a shot side by side, each this high (pixels).
STRIP_FRAMES = 3
STRIP_HEIGHT = 90

_widgets: weakref.WeakKeyDictionary[Storyboard, StoryboardWidget] = weakref.WeakKeyDictionary()


def filmstrip(path: str | Path, *, frames: int = STRIP_FRAMES, height: int = STRIP_HEIGHT) -> bytes:
    """A JPEG of a video's first, middle and last frames side by side (PyAV decode, Pillow).

    Raises:
        OSError: the file cannot be read or has no frames.
    """
    import av
    from PIL import Image

    from ..av.film import probe

    total = probe(path).frames
    wanted = sorted({round(i * (total - 1) / max(1, frames - 1)) for i in range(frames)})
    pictures: list[Any] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for index, frame in enumerate(container.decode(stream)):
            if index in wanted:
                image = frame.to_image()
                image.thumbnail((height * 4, height))
                pictures.append(image)
    if not pictures:
        raise OSError(f"{path} has no video frame")
    width = sum(p.width for p in pictures) + 2 * (len(pictures) - 1)
    strip = Image.new("RGB", (width, pictures[0].height), (0, 0, 0))
    x = 0
    for picture in pictures:
        strip.paste(picture, (x, 0))
        x += picture.width + 2
    out = io.BytesIO()
    strip.save(out, format="JPEG", quality=80)
    return out.getvalue()


class StoryboardWidget(SoraWidget, front="storyboard"):
    """The widget of a :class:`~sora_widgets.Storyboard` (shown when the board is displayed).

    Example:
        >>> board = sw.Storyboard()                 # doctest: +SKIP
        >>> board                                   # the widget, in a notebook  # doctest: +SKIP
        >>> StoryboardWidget.for_board(board)       # the same widget object     # doctest: +SKIP

    Cards can be edited, added, removed and reordered (buttons, or Alt+Up / Alt+Down in a card);
    Ctrl+Enter in a prompt or the Run button runs the board; "Rerun from here" asks for a new
    take of a shot and of the shots that continue from it, with the price shown first.
    """

    board_id = t.Unicode("").tag(sync=True)
    size = t.Unicode("").tag(sync=True)
    seconds = t.Int(4).tag(sync=True)
    continuity = t.Unicode("last_frame").tag(sync=True)
    seconds_choices = t.List(t.Int()).tag(sync=True)
    continuity_choices = t.List(t.List(t.Unicode())).tag(sync=True)  # [[value, words], ...]
    shots = t.List(t.Dict()).tag(sync=True)
    _statuses = t.Dict(status_vocabulary()).tag(sync=True)  # the words shot statuses are shown with
    total_cost = t.Unicode("").tag(sync=True)
    run_cost = t.Unicode("").tag(sync=True)
    run_note = t.Unicode("").tag(sync=True)
    budget = t.Unicode("").tag(sync=True)
    running = t.Bool(False).tag(sync=True)
    error = t.Unicode("").tag(sync=True)
    film = t.Dict().tag(sync=True)  # {} until a film exists
    film_version = t.Int(0).tag(sync=True)
    simulated = t.Bool(False).tag(sync=True)

    def __init__(self, board: Storyboard, **kwargs: Any) -> None:
        super().__init__(
            seconds_choices=list(T2V.seconds),
            continuity_choices=[[m, CONTINUITY_TEXT[m]] for m in CONTINUITY],
            **kwargs,
        )
        self.board = board
        self._actions: list[str] = []
        self._thumbs: dict[str, bytes] = {}
        self._thumbs_pending: set[str] = set()
        self._view_ready = False
        board.observe(self._on_board)
        self._replan()
        self._sync()
        _widgets[board] = self

    @classmethod
    def for_board(cls, board: Storyboard) -> StoryboardWidget:
        """The board's widget (made on first use, the same one afterwards)."""
        widget = _widgets.get(board)
        return widget if widget is not None else cls(board)

    def close(self) -> None:
        """Close the widget and stop following its board (the board itself stays usable)."""
        self.board.unobserve(self._on_board)
        if _widgets.get(self.board) is self:
            del _widgets[self.board]
        self._background.cancel_all()
        super().close()

    # -- from the board --------------------------------------------------------------------

    def _on_board(self, board: Storyboard) -> None:
        if not board.running:
            self._replan()
        self._sync()

    def _replan(self) -> None:
        board = self.board
        try:
            self._actions = [p.action for p in board.plan()] if board.shots else []
            cost = board.estimated_cost if board.shots else None
        except (SoraError, OSError) as exc:  # a broken journal must not break the widget
            self._actions = ["generate"] * len(board.shots)
            cost = board.total_cost
            self.show_error(exc)
        making = self._actions.count("generate")
        self.run_cost = format_cost(cost) if cost is not None else ""
        if not board.shots:
            self.run_note = "Add a shot to start."
        elif making == 0 and "resume" not in self._actions:
            self.run_note = "Every shot is made: Run joins them again at no cost."
        else:
            resumed = self._actions.count("resume")
            self.run_note = f"{making} of {len(board.shots)} shots to make" + (
                f", {resumed} to finish" if resumed else ""
            )

    def _sync(self) -> None:
        board = self.board
        cards = []
        for i, shot in enumerate(board.shots):
            state = board.states[i]
            video = state.video
            if video is not None and video.path is not None and video.task_id not in self._thumbs:
                self._make_thumb(video.task_id, Path(video.path))
            cards.append(
                {
                    "prompt": shot.prompt,
                    "seconds": board.seconds_of(i),
                    "own_seconds": shot.seconds or 0,
                    "continuity": shot.continuity or "",
                    "mode": board.mode_of(i),
                    "depends": board.depends_on(i) is not None,
                    "has_image": shot.image is not None,
                    "status": state.status,
                    "progress": -1.0 if state.progress is None else float(state.progress),
                    "message": state.message,
                    "task_id": state.task_id or "",
                    "action": self._actions[i] if i < len(self._actions) else "generate",
                    "price": format_cost(price) if (price := board.price_of(i)) is not None else "unknown",
                    "cost": format_cost(video.cost) if video is not None else "",
                    "thumb": video.task_id if video is not None and video.task_id in self._thumbs else "",
                }
            )
        shown = {c["task_id"] for c in cards}
        for task_id in [k for k in self._thumbs if k not in shown]:  # old takes: let them go
            del self._thumbs[task_id]
        film = board.film
        with self.hold_sync():
            self.board_id = board.id
            self.size = board.size
            self.seconds = board.seconds
            self.continuity = board.continuity
            self.shots = cards
            total = board.total_cost
            self.total_cost = (format_cost(total) if total is not None else "unknown") if board.shots else ""
            self.budget = format_cost(board.budget) if board.budget is not None else ""
            self.running = board.running
            self.simulated = board.client.simulated
            film_info = (
                {
                    "duration": round(film.duration, 2),
                    "frames": film.frames,
                    "join": film.join,
                    "audio": film.has_audio,
                    "cost": format_cost(film.cost),
                    "shots": len(film.shots),
                    "name": Path(film.path).name,
                }
                if film is not None
                else {}
            )
            if film_info != self.film:
                self.film = film_info
                if film is not None:
                    self.film_version += 1
                    self._send_film()

    # -- binary payloads -------------------------------------------------------------------

    def _make_thumb(self, task_id: str, path: Path) -> None:
        if task_id in self._thumbs_pending:
            return
        self._thumbs_pending.add(task_id)

        async def make() -> None:
            try:
                self._thumbs[task_id] = await asyncio.to_thread(filmstrip, path)
            except OSError:
                return
            finally:
                self._thumbs_pending.discard(task_id)
            self._send_thumb(task_id)
            self._sync()

        try:
            self.in_background(make(), name=f"filmstrip {task_id}")
        except RuntimeError:  # no running loop (a plain script): make it now
            self._thumbs_pending.discard(task_id)
            try:
                self._thumbs[task_id] = filmstrip(path)
            except OSError:
                return

    def _send_thumb(self, task_id: str) -> None:
        data = self._thumbs.get(task_id)
        if self._view_ready and data is not None:
            self.send({"type": "thumb", "task_id": task_id, "mime": "image/jpeg"}, buffers=[data])

    def _send_film(self) -> None:
        film = self.board.film
        if not self._view_ready or film is None:
            return
        try:
            data = Path(film.path).read_bytes()
        except OSError as exc:
            self.show_error(f"Cannot read the film {film.path}: {exc.strerror or exc}.")
            return
        self.send({"type": "film", "version": self.film_version, "mime": "video/mp4"}, buffers=[data])

    # -- from the browser ------------------------------------------------------------------

    # Each handler is called as handler(content, buffers); what it raises is shown in `error`.

    @handles("ready")
    def _on_ready(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self._view_ready = True
        for task_id in list(self._thumbs):
            self._send_thumb(task_id)
        self._send_film()

    def _editable(self) -> None:
        if self.board.running:
            raise InvalidRequestError("the board is running: wait for it to finish before editing.")
        self.show_error(None)

    @handles("edit")
    def _on_edit(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self._editable()
        index, name, value = int(content["index"]), str(content["field"]), content.get("value")
        if name == "prompt":
            if str(value or "").strip() == self.board.shots[index].prompt:
                return
            self.board.edit(index, prompt=str(value or ""))
        elif name == "seconds":
            self.board.edit(index, seconds=int(value) if value else None)
        elif name == "continuity":
            self.board.edit(index, continuity=str(value) if value else None)
        else:
            raise InvalidRequestError(f"cannot edit {name!r} here.")

    @handles("add")
    def _on_add(self, content: dict[str, Any], _buffers: list[Any]) -> dict[str, int]:
        self._editable()
        # No stand-in text: a shot is added with what the person typed (the page's new card
        # shows "Describe the next shot" as a placeholder only), or refused when empty. The
        # answer says where it went: a shot added from Python meanwhile may have taken the
        # place the page expected.
        return {"index": self.board.add(str(content.get("prompt") or ""))}

    @handles("remove")
    def _on_remove(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self._editable()
        self.board.remove(int(content["index"]))

    @handles("move")
    def _on_move(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self._editable()
        index, to = int(content["index"]), int(content["to"])
        if 0 <= to < len(self.board.shots):
            self.board.move(index, to)

    @handles("settings")
    def _on_settings(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self._editable()
        settings = {k: content[k] for k in ("continuity", "seconds") if k in content}
        self.board.configure(**settings)

    @handles("run")
    def _on_run(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        if self.board.running:
            return
        self.show_error(None)
        self.in_background(self._run(), name=f"storyboard {self.board.id}")

    @handles("rerun")
    def _on_rerun(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self._editable()
        self.board.rerun_from(int(content["index"]))

    async def _run(self) -> None:
        try:
            await self.board.run()
        except SoraError as exc:
            self.show_error(exc)

    # -- Python side -----------------------------------------------------------------------

    @property
    def shot_statuses(self) -> list[str]:
        """Each shot's status as the cards show it."""
        return [s["status"] for s in self.shots]

    @property
    def done(self) -> bool:
        """True when every shot is made and the film is joined."""
        return bool(self.shots) and all(s == DONE for s in self.shot_statuses) and bool(self.film)
