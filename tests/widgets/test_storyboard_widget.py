"""StoryboardWidget through the comm boundary: cards from the board, edits, runs, film and strips."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import anywidget
import av
import ipywidgets
from IPython.core.formatters import DisplayFormatter
from ipywidgets.widgets.widget import _instances
from PIL import Image

from sora_widgets import _display
from sora_widgets.storyboard import MAX_SHOTS, Storyboard
from sora_widgets.widgets.player import VideoPlayer
from sora_widgets.widgets.storyboard import StoryboardWidget

from .conftest import CANARY_KEY, from_browser, until

SHOTS = ("Wide shot of a paper boat on a pond at dawn", "Close-up of a frog on the boat, golden light")


def board_of(client: Any, **kwargs: Any) -> Storyboard:
    board = Storyboard(client, **kwargs)
    for prompt in SHOTS:
        board.add(prompt)
    return board


def test_no_trait_shadows_an_ipywidgets_name() -> None:
    reserved = set(dir(anywidget.AnyWidget)) | set(dir(ipywidgets.VBox))
    own = set(StoryboardWidget.class_trait_names(sync=True)) - set(anywidget.AnyWidget.class_trait_names())
    assert own and not own & reserved


async def test_a_board_displays_as_its_one_widget_and_a_film_as_a_player(client: Any) -> None:
    shell: Any = SimpleNamespace(display_formatter=DisplayFormatter(), kernel=object())
    assert _display.register(shell)
    board = board_of(client)
    data, _ = shell.display_formatter.format(board)
    widget = _instances[data["application/vnd.jupyter.widget-view+json"]["model_id"]]
    assert isinstance(widget, StoryboardWidget) and widget.board is board
    again, _ = shell.display_formatter.format(board)
    assert (
        again["application/vnd.jupyter.widget-view+json"] == data["application/vnd.jupyter.widget-view+json"]
    )
    assert data["text/plain"] == repr(board)
    film = await board.run()
    shown, _ = shell.display_formatter.format(film)
    player = _instances[shown["application/vnd.jupyter.widget-view+json"]["model_id"]]
    assert isinstance(player, VideoPlayer) and player.video is not None and player.video.path == film.path
    assert shown["text/plain"] == repr(film)
    widget.close()
    assert StoryboardWidget.for_board(board) is not widget  # a closed widget is not shown again
    board.add("one more shot")  # and no longer follows the board
    assert len(widget.shots) == 2


async def test_cards_and_prices_follow_the_board_and_edits_from_the_browser(client: Any) -> None:
    board = board_of(client, seconds=4, continuity="remix")
    widget = StoryboardWidget(board)
    assert [s["prompt"] for s in widget.shots] == list(SHOTS)
    assert [s["mode"] for s in widget.shots] == ["none", "remix"]
    assert widget.total_cost == widget.run_cost == "$2.40"
    assert widget.run_note == "2 of 2 shots to make"

    from_browser(widget, {"type": "edit", "index": 1, "field": "seconds", "value": 12})
    assert board.seconds_of(1) == 12 and widget.shots[1]["price"] == "$3.60" and widget.total_cost == "$4.80"
    from_browser(widget, {"type": "edit", "index": 1, "field": "continuity", "value": "last_frame"})
    assert board.mode_of(1) == "last_frame" and board.model_of(1) == "sora_2_pro_i2v"
    from_browser(widget, {"type": "edit", "index": 0, "field": "prompt", "value": "A heron in the reeds"})
    assert board.shots[0].prompt == "A heron in the reeds"
    from_browser(widget, {"type": "add"})  # nothing typed: refused, no stand-in text is sent
    assert "the prompt is empty" in widget.error and len(board) == 2
    from_browser(widget, {"type": "add", "prompt": "  A gull lands  "})
    assert len(board) == 3 and len(widget.shots) == 3 and widget.error == ""
    from_browser(widget, {"type": "move", "index": 2, "to": 0})
    assert board.shots[0].prompt == "A gull lands"
    from_browser(widget, {"type": "remove", "index": 0})
    assert [s["prompt"] for s in widget.shots] == ["A heron in the reeds", SHOTS[1]]
    from_browser(widget, {"type": "settings", "continuity": "none", "seconds": 8})
    assert (board.continuity, board.seconds, widget.continuity, widget.seconds) == ("none", 8, "none", 8)
    from_browser(widget, {"type": "edit", "index": 0, "field": "seconds", "value": 5})
    assert "5" in widget.error and board.seconds_of(0) == 8  # refused, said so, nothing changed
    assert CANARY_KEY not in json.dumps(widget.get_state(), default=str)
    # A malformed message (no index) is shown in the widget, not raised into the kernel's log.
    from_browser(widget, {"type": "remove"})
    assert "index" in widget.error and len(board) == 2
    from_browser(widget, {"type": "add", "prompt": "A kite at night"})
    assert widget.error == "" and len(board) == 3  # the next good edit clears it


async def test_a_message_that_asks_is_answered_after_the_state_it_changed(client: Any) -> None:
    # The page keeps a card's words until the kernel answers the edit it sent, and knows a new
    # shot the board refused by its number: the answer must come after the state update it
    # caused, say whether it was taken, and name the view that asked.
    board = board_of(client)
    widget = StoryboardWidget(board)
    out: list[dict[str, Any]] = []
    widget._send = lambda msg, buffers=None: out.append(msg)  # type: ignore[method-assign]
    edit = {"type": "edit", "index": 0, "field": "prompt", "value": "A heron in the reeds"}
    from_browser(widget, {**edit, "view": "v1", "ack": 7})
    kinds = [m["method"] if m["method"] != "custom" else m["content"]["type"] for m in out]
    assert "update" in kinds and kinds[-1] == "ack" and kinds.index("update") < len(kinds) - 1
    assert out[-1]["content"] == {"type": "ack", "view": "v1", "ack": 7, "ok": True}
    assert any("A heron in the reeds" in json.dumps(m.get("state", {})) for m in out[:-1])
    # A new shot's answer says where it went (a shot added from Python first takes the place
    # the page counted on).
    board.add("A shot added from Python")
    out.clear()
    from_browser(widget, {"type": "add", "prompt": "A frog on the boat", "view": "v1", "ack": 8})
    where = out[-1]["content"]
    assert where == {"type": "ack", "view": "v1", "ack": 8, "ok": True, "index": len(board) - 1}
    assert board.shots[where["index"]].prompt == "A frog on the boat"
    for _ in range(MAX_SHOTS - len(board)):
        board.add("Another shot of the pond")
    out.clear()
    from_browser(widget, {"type": "add", "prompt": "One shot too many", "view": "v1", "ack": 9})
    assert out[-1]["content"] == {"type": "ack", "view": "v1", "ack": 9, "ok": False}
    assert f"at most {MAX_SHOTS} shots" in widget.error and len(board) == MAX_SHOTS
    out.clear()
    from_browser(widget, {"type": "remove", "index": 0})  # did not ask: no answer
    assert not [m for m in out if m["method"] == "custom"]


async def test_run_from_the_browser_fills_the_cards_and_sends_film_and_filmstrips(
    client: Any, recording_comms: Any
) -> None:
    board = board_of(client, seconds=4)
    widget = StoryboardWidget(board)
    comm = recording_comms[-1]
    from_browser(widget, {"type": "ready"})
    from_browser(widget, {"type": "run"})
    await until(lambda: widget.done, "finished the film")
    assert widget.shot_statuses == ["done", "done"]
    assert widget.film["frames"] == 240 and widget.film["join"] == "copy"
    films = comm.custom("film")
    assert len(films) == 1
    with av.open(io.BytesIO(films[0][1][0])) as container:
        assert sum(1 for _ in container.decode(container.streams.video[0])) == 240
    await until(lambda: all(s["thumb"] for s in widget.shots), "drew the filmstrips")
    strips = comm.custom("thumb")
    assert sorted(c["task_id"] for c, _ in strips) == sorted(s["task_id"] for s in widget.shots)
    with Image.open(io.BytesIO(strips[0][1][0])) as strip:
        assert strip.format == "JPEG" and strip.height == 90 and strip.width > 3 * 150
    assert widget.run_note.startswith("Every shot is made") and widget.run_cost == "$0.00"

    # a new view gets the strips and the film again
    before = len(comm.custom("film"))
    from_browser(widget, {"type": "ready"})
    assert len(comm.custom("film")) == before + 1

    # Rerun from here: shot 2 is made again (the price is shown first), shot 1 is kept
    created = client.simulator.ledger.created(CANARY_KEY)
    board.rerun_from(1)
    assert widget.run_cost == "$1.20" and widget.shots[1]["action"] == "generate"
    from_browser(widget, {"type": "run"})
    await until(lambda: not board.running and widget.done, "ran again")
    assert client.simulator.ledger.created(CANARY_KEY) == created + 1


async def test_a_refused_run_and_a_failed_shot_show_in_the_widget(client: Any) -> None:
    board = board_of(client, budget=Decimal("1.00"))
    widget = StoryboardWidget(board)
    from_browser(widget, {"type": "run"})
    await until(lambda: bool(widget.error), "showed the refusal")
    assert "budget of $1.00" in widget.error and "nothing was sent" in widget.error
    board.configure(budget=10)
    board.edit(0, prompt=SHOTS[0] + " [sim:fail]")
    from_browser(widget, {"type": "run"})
    await until(lambda: not board.running and "shot 1 failed" in widget.error, "showed the failure")
    assert widget.shot_statuses == ["failed", "blocked"]
    assert "did not finish" in widget.shots[1]["message"]
