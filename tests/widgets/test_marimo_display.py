"""marimo shows our objects with its own formatters: a Video (Film, Storyboard) as its widget
through ``_display_``, and every widget that is one anywidget, bare or in ``mo.ui.anywidget``.

This runs marimo's real formatting code in-process (what a cell's last expression goes through);
tests/browser/test_marimo_browser.py proves the same in a browser against ``marimo run``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marimo as mo
import pytest
from marimo._output.formatters.formatters import register_formatters
from marimo._output.formatting import try_format

import sora_widgets as sw
from sora_widgets import _display
from sora_widgets.models.video import Video
from sora_widgets.widgets.frames import FrameCompare
from sora_widgets.widgets.player import VideoPlayer
from sora_widgets.widgets.storyboard import StoryboardWidget

from .test_storyboard_widget import board_of

register_formatters()


def shown(obj: object) -> str:
    """What marimo puts in a cell's output for ``obj`` (HTML), failing on anything else."""
    result = try_format(obj)
    assert result.exception is None, result.exception
    assert result.mimetype == "text/html", (result.mimetype, str(result.data)[:200])
    return str(result.data)


def test_a_video_as_last_expression_is_a_player_in_marimo(landscape_video: Video) -> None:
    widget = landscape_video._display_()
    assert isinstance(widget, VideoPlayer) and widget.video == landscape_video
    html = shown(landscape_video)
    assert "<marimo-anywidget" in html
    assert repr(landscape_video) not in html  # the player, not the text repr


async def test_a_board_and_its_film_show_their_widgets_in_marimo(client: Any) -> None:
    board = board_of(client)
    widget = board._display_()
    assert isinstance(widget, StoryboardWidget) and widget.board is board
    assert board._display_() is widget  # one widget per board, as in Jupyter
    assert "<marimo-anywidget" in shown(board)
    film = await board.run()
    player = film._display_()
    assert isinstance(player, VideoPlayer) and player.video is not None
    assert player.video.path == film.path
    assert "<marimo-anywidget" in shown(film)


def test_widget_for_refuses_what_it_cannot_show() -> None:
    with pytest.raises(TypeError, match="no widget shows a str"):
        _display.widget_for("a prompt")


ANYWIDGETS: list[Callable[[], Any]] = [
    sw.VideoPlayer,
    sw.PromptBuilder,
    sw.StatusBar,
    sw.PromptLab,
    FrameCompare,
]


@pytest.mark.parametrize("make", ANYWIDGETS, ids=lambda f: f.__name__)
def test_every_single_anywidget_shows_bare_and_wrapped(make: Callable[[], Any]) -> None:
    widget = make()
    assert "<marimo-anywidget" in shown(widget)
    wrapped = mo.ui.anywidget(widget)
    assert "<marimo-anywidget" in shown(wrapped)
    assert wrapped.widget is widget
