"""Show a :class:`~sora_widgets.Video` as a player when it is the last expression of a cell
(a :class:`~sora_widgets.Film` too; a :class:`~sora_widgets.Storyboard` shows its widget).

Two hosts, one widget (:func:`widget_for`):

- Jupyter (IPython): registered lazily by name (``for_type_by_name``), so neither the models nor
  the widgets are imported until a Video is actually displayed, and nothing happens outside IPython.
- marimo: :func:`register_marimo` gives ``Video``, ``Film`` and ``Storyboard`` marimo's display
  hook, ``_display_`` = :func:`widget_for`, when the package is imported in a marimo kernel (marimo
  is loaded first there); marimo shows any anywidget itself (bare or through
  ``mo.ui.anywidget``). marimo is never imported here.

The objects themselves know nothing of screens: a Video is data, and this module (the display
layer) is what knows both them and the widgets.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["register", "register_marimo", "widget_for"]

# (module, class) of what a cell shows as a widget; by name, so nothing is imported for IPython.
_VIDEO = ("sora_widgets.models.video", "Video")
_STORYBOARD = ("sora_widgets.storyboard._storyboard", "Storyboard")
_FILM = ("sora_widgets.storyboard._film", "Film")
_registered: set[int] = set()


def widget_for(obj: Any) -> Any:
    """The anywidget that shows ``obj``: a VideoPlayer for a Video or a Film, a Storyboard's widget.

    Raises:
        TypeError: for anything else.
    """
    kind = type(obj).__name__
    if kind == "Video":
        from .widgets.player import VideoPlayer

        return VideoPlayer(obj)
    if kind == "Film":
        return widget_for(obj.as_video())
    if kind == "Storyboard":
        from .widgets.storyboard import StoryboardWidget

        return StoryboardWidget.for_board(obj)
    raise TypeError(f"no widget shows a {kind}")


def _video_mimebundle(video: Any, include: Any = None, exclude: Any = None) -> Any:
    from .widgets.player import VideoPlayer

    player = VideoPlayer(video)
    bundle = player._repr_mimebundle_()
    # Keep the text form a plain Video repr, so a console or an export still says what it is.
    if isinstance(bundle, tuple):
        data, metadata = bundle
        return {**data, "text/plain": repr(video)}, metadata
    if isinstance(bundle, dict):
        return {**bundle, "text/plain": repr(video)}
    return bundle


def _storyboard_mimebundle(board: Any, include: Any = None, exclude: Any = None) -> Any:
    from .widgets.storyboard import StoryboardWidget

    bundle = StoryboardWidget.for_board(board)._repr_mimebundle_()
    if isinstance(bundle, tuple):
        data, metadata = bundle
        return {**data, "text/plain": repr(board)}, metadata
    return bundle


def _film_mimebundle(film: Any, include: Any = None, exclude: Any = None) -> Any:
    bundle = _video_mimebundle(film.as_video())
    if isinstance(bundle, tuple):
        data, metadata = bundle
        return {**data, "text/plain": repr(film)}, metadata
    return bundle


def register_marimo() -> None:
    """Give Video, Film and Storyboard marimo's display hook: ``_display_`` returns their widget.

    marimo looks the hook up on the object, so it is set on the classes (harmless elsewhere: it
    only builds a widget when called). Run by :func:`register` when marimo is loaded.
    """
    from .models.video import Video
    from .storyboard import Film, Storyboard

    for cls in (Video, Film, Storyboard):
        setattr(cls, "_display_", widget_for)  # noqa: B010 - a hook on classes that do not declare it


def register(ip: Any = None) -> bool:
    """Teach the running IPython shell to display Videos with a :class:`VideoPlayer` (and, in a
    marimo kernel, marimo too: :func:`register_marimo`).

    Returns True when a kernel's shell was found (registering twice is harmless).
    """
    if "marimo" in sys.modules:
        register_marimo()
    if ip is None:
        if "IPython" not in sys.modules:  # not in IPython: importing it here would be wasted time
            return False
        from IPython import get_ipython

        ip = get_ipython()
    if ip is None or getattr(ip, "display_formatter", None) is None:
        return False
    if getattr(ip, "kernel", None) is None:  # a terminal IPython has no widgets to show
        return False
    if id(ip) in _registered:
        return True
    formatter = ip.display_formatter.mimebundle_formatter
    formatter.for_type_by_name(*_VIDEO, _video_mimebundle)
    formatter.for_type_by_name(*_STORYBOARD, _storyboard_mimebundle)
    formatter.for_type_by_name(*_FILM, _film_mimebundle)
    _registered.add(id(ip))
    return True
