"""marimo shows our objects with its own formatters: a Video (Film, Storyboard) as its widget
through ``_display_``, and every widget that is one anywidget, bare or in ``mo.ui.anywidget``.

marimo's real formatting code (what a cell's last expression goes through) runs in a child
process; tests/browser/test_marimo_browser.py proves the same in a browser against ``marimo run``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sora_widgets import _display
from sora_widgets.models.video import Video
from sora_widgets.widgets.player import VideoPlayer
from sora_widgets.widgets.storyboard import StoryboardWidget

from .test_storyboard_widget import board_of

# marimo's formatters hook every ipywidget ever constructed (and the comm factory) for the rest
# of the process, so they run in a child process, never in the test session itself.
MARIMO_SCRIPT = textwrap.dedent(
    """
    import json
    import marimo as mo
    from marimo._output.formatters.formatters import register_formatters
    from marimo._output.formatting import try_format

    import sora_widgets as sw
    from sora_widgets.simulator import Simulator
    from sora_widgets.widgets.frames import FrameCompare

    register_formatters()

    def shown(obj):
        result = try_format(obj)
        return [result.mimetype, "<marimo-anywidget" in str(result.data), result.exception is None]

    client = sw.SoraClient(connect=Simulator(speed="instant"))
    video = client.generate_sync(prompt="a red kite", size="1280x720", seconds=4)
    report = {"video": shown(video), "video_repr_shown": repr(video) in str(try_format(video).data)}
    makers = {
        "VideoPlayer": sw.VideoPlayer,
        "PromptBuilder": sw.PromptBuilder,
        "StatusBar": sw.StatusBar,
        "PromptLab": sw.PromptLab,
        "FrameCompare": FrameCompare,
        "Gallery": lambda: sw.Gallery(client),
        "Studio": lambda: sw.Studio(client),
    }
    for name, make in makers.items():
        widget = make()
        wrapped = mo.ui.anywidget(widget)
        report[name] = [shown(widget), shown(wrapped), wrapped.widget is widget]
    board = sw.Storyboard(client, seconds=4)
    board.add("Wide shot of a lighthouse at dusk")
    report["board"] = shown(board)
    report["board_repr_shown"] = repr(board) in str(try_format(board).data)
    print(json.dumps(report))
    """
)


def test_marimo_shows_a_video_and_every_single_anywidget(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("VTRIX_API_KEY", "VTRIX_BASE_URL")}
    env.update(SORA_WIDGETS_HOME=str(tmp_path), MARIMO_SKIP_UPDATE_CHECK="1")
    done = subprocess.run(
        [sys.executable, "-c", MARIMO_SCRIPT], capture_output=True, text=True, timeout=240, env=env
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    shown_as_widget = ["text/html", True, True]
    assert report.pop("video") == shown_as_widget  # the player, through Video._display_
    assert report.pop("video_repr_shown") is False  # not the text repr
    assert report.pop("board") == shown_as_widget  # the board's widget, through _display_
    assert report.pop("board_repr_shown") is False
    widgets = ["VideoPlayer", "PromptBuilder", "StatusBar", "PromptLab", "FrameCompare", "Gallery", "Studio"]
    assert report == {name: [shown_as_widget, shown_as_widget, True] for name in widgets}


def test_a_video_as_last_expression_is_a_player_in_marimo(landscape_video: Video) -> None:
    _display.register_marimo()  # what importing sora_widgets does in a marimo kernel
    widget = landscape_video._display_()
    assert isinstance(widget, VideoPlayer) and widget.video == landscape_video


async def test_a_board_and_its_film_show_their_widgets_in_marimo(client: Any) -> None:
    _display.register_marimo()
    board = board_of(client)
    widget = board._display_()
    assert isinstance(widget, StoryboardWidget) and widget.board is board
    assert board._display_() is widget  # one widget per board, as in Jupyter
    film = await board.run()
    player = film._display_()
    assert isinstance(player, VideoPlayer) and player.video is not None
    assert player.video.path == film.path


def test_widget_for_refuses_what_it_cannot_show() -> None:
    with pytest.raises(TypeError, match="no widget shows a str"):
        _display.widget_for("a prompt")
