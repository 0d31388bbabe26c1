"""A Video displayed on its own shows a VideoPlayer (through IPython's real display formatter)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from IPython.core.formatters import DisplayFormatter
from ipywidgets.widgets.widget import _instances

from sora_widgets import _display
from sora_widgets.models.video import Video
from sora_widgets.widgets.player import VideoPlayer


def test_a_video_formats_as_a_player_widget(landscape_video: Video) -> None:
    shell: Any = SimpleNamespace(display_formatter=DisplayFormatter(), kernel=object())
    assert _display.register(shell)
    data, _metadata = shell.display_formatter.format(landscape_video)
    view = data["application/vnd.jupyter.widget-view+json"]
    player = _instances[view["model_id"]]
    assert isinstance(player, VideoPlayer)
    assert player.video == landscape_video
    assert data["text/plain"] == repr(landscape_video)


def test_without_a_kernel_nothing_is_registered() -> None:
    assert _display.register(SimpleNamespace(display_formatter=None)) is False
    terminal: Any = SimpleNamespace(display_formatter=DisplayFormatter(), kernel=None)
    assert _display.register(terminal) is False
    data, _ = terminal.display_formatter.format(SimpleNamespace())
    assert "application/vnd.jupyter.widget-view+json" not in data


def test_no_widget_trait_shadows_an_ipywidgets_name() -> None:
    """A trait called ``model_id`` or ``layout`` silently breaks display; none of ours may."""
    import anywidget
    import ipywidgets

    from sora_widgets.widgets import _strip, gallery, prompt_builder, status_bar, studio

    reserved = set(dir(anywidget.AnyWidget)) | set(dir(ipywidgets.VBox))
    classes = [
        VideoPlayer,
        status_bar.StatusBar,
        prompt_builder.PromptBuilder,
        studio.Studio,
        gallery.Gallery,
        _strip.ResultStrip,
    ]
    for cls in classes:
        own = set(cls.class_trait_names(sync=True)) - set(anywidget.AnyWidget.class_trait_names())
        assert own, cls
        assert not own & reserved, (cls.__name__, own & reserved)


async def test_a_gallery_formats_as_its_own_widget_view(client: Any) -> None:
    """One anywidget: the cell's output is the Gallery's own view (its parts are drawn inside it)."""
    from sora_widgets.widgets.gallery import Gallery

    await client.generate(prompt="A red kite at dusk", size="landscape")
    gallery = Gallery(client)
    shell: Any = SimpleNamespace(display_formatter=DisplayFormatter(), kernel=object())
    data, _metadata = shell.display_formatter.format(gallery)
    view = data["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == gallery.model_id
    assert _instances[view["model_id"]] is gallery
