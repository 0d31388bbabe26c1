"""SoraWidget: what every widget of this package shares (front end, errors, tasks, messages, callbacks).

A widget names its front end in the class statement::

    class VideoPlayer(SoraWidget, front="player"): ...
    class Studio(SoraWidget, front="studio"): ...

and gets, without writing them again:

- its ESM and CSS, the bundle ``static/dist/<front>.js``/``.css`` (:mod:`._front`; anywidget's hot
  reload with ``ANYWIDGET_HMR=1``);
- an ``error`` trait its front end shows, and :meth:`show_error` to fill it (redacted, one line);
- background asyncio tasks kept alive until they finish, a failure shown in ``error``
  (:meth:`in_background`);
- front-end messages dispatched to methods marked ``@handles("type")`` (no if/elif chain); a
  handler that raises shows the error in the widget instead of losing it in a log; a message
  that carries ``view`` and ``ack`` (a number) is answered, once handled, with
  ``{"type": "ack", "view", "ack", "ok"}``: the state updates it caused were sent before that
  answer, so the view knows which of its edits the state now holds, and which were refused (a
  handler that returns a dict adds it to the answer: where a new item went, say);
- one way to call a user's callback, plain or ``async`` (:meth:`call_user`);
- unknown keyword arguments refused with a close match (``VideoPlayer(compcat=True)`` is a
  ``TypeError`` naming ``compact``), instead of traitlets' silent acceptance.
"""

from __future__ import annotations

import asyncio
import difflib
import inspect
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, ClassVar, TypeVar

import anywidget
import traitlets as t

from ._common import BackgroundTasks, describe_error
from ._control import sequence_number
from ._front import bundle

__all__ = ["SoraWidget", "handles"]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

# Keyword arguments every ipywidgets widget takes besides its traits.
_WIDGET_KWARGS = frozenset({"layout", "log", "comm", "keys"})


def handles(*kinds: str) -> Callable[[F], F]:
    """Mark a method as the handler of front-end messages of these ``type``\\ s.

    The method is called as ``method(self, content, buffers)``; ``content`` is the message dict.
    """

    def mark(method: F) -> F:
        method.__sora_handles__ = kinds  # type: ignore[attr-defined]
        return method

    return mark


class SoraWidget(anywidget.AnyWidget):
    """Base class of the package's widgets (see the module docstring for what it gives)."""

    error = t.Unicode("").tag(sync=True)

    _message_handlers: ClassVar[dict[str, str]] = {}
    _front_name: ClassVar[str | None] = None

    def __init_subclass__(cls, front: str | None = None, **kwargs: Any) -> None:
        if front is not None:
            cls._esm, cls._css = bundle(front)  # anywidget reads (and hot-reloads) the files
            cls._front_name = front
        super().__init_subclass__(**kwargs)
        handlers: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                for kind in getattr(value, "__sora_handles__", ()):
                    handlers[kind] = name
        cls._message_handlers = handlers

    def __init__(self, **kwargs: Any) -> None:
        unknown = [k for k in kwargs if k not in _WIDGET_KWARGS and not self.has_trait(k)]
        if unknown:
            known = sorted(n for n in self.trait_names() if not n.startswith("_"))
            hints = []
            for name in unknown:
                close = difflib.get_close_matches(name, known, n=1)
                hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise TypeError(f"{type(self).__name__}() got unexpected keyword argument(s) {', '.join(hints)}")
        super().__init__(**kwargs)
        self._background = BackgroundTasks(self._background_failed)
        self.on_msg(self._dispatch_message)

    # -- a form sent with a button press -----------------------------------------------------

    def _take_form(self, form: Any, names: Iterable[str]) -> None:
        """Take the form as the page showed it when a button was pressed (Generate, Run).

        The page sends its controls' values with the press: their own trait updates may still be
        waiting (a debounce) or held back by ipywidgets while the kernel is busy, and would then
        arrive after the press. Each of ``names`` whose value differs is set; traits validate,
        so a bad value raises ``TraitError`` (shown in the widget) before anything runs.
        """
        if not isinstance(form, dict):
            return
        with self.hold_trait_notifications():
            for name in names:
                if name in form and form[name] != getattr(self, name):
                    setattr(self, name, form[name])

    # -- errors ---------------------------------------------------------------------------------

    def show_error(self, exc: BaseException | str | None) -> None:
        """Show ``exc`` in the widget (one redacted line), or clear the message with None."""
        if exc is None:
            self.error = ""
        elif isinstance(exc, str):
            self.error = exc
        else:
            self.error = describe_error(exc)

    def _background_failed(self, exc: BaseException) -> None:
        """A background task failed: show it (subclasses may also record it)."""
        self.show_error(exc)

    # -- background tasks -----------------------------------------------------------------------

    def in_background(self, coro: Coroutine[Any, Any, T], *, name: str | None = None) -> asyncio.Task[T]:
        """Run ``coro`` in the background on the running loop, kept alive until it ends.

        Raises:
            RuntimeError: outside a running event loop, saying what to use instead.
        """
        return self._background.start(coro, name=name)

    # -- front-end messages ---------------------------------------------------------------------

    def _dispatch_message(self, _widget: Any, content: Any, buffers: list[Any] | None) -> None:
        if not isinstance(content, dict):
            return
        name = self._message_handlers.get(str(content.get("type", "")))
        if name is None:
            return
        ok = True
        facts: dict[str, Any] = {}
        try:
            result = getattr(self, name)(content, list(buffers or []))
            if inspect.isawaitable(result):
                self.in_background(_awaited(result), name=f"{type(self).__name__}.{name}")
            elif isinstance(result, dict):
                facts = result
        except Exception as exc:  # noqa: BLE001 - user input and I/O: show, never lose it
            ok = False
            self.show_error(exc)
        if "ack" in content and content.get("view"):
            # Asked for: say this message is handled (after the state it changed, which went first).
            ack = sequence_number(content["ack"])
            self.send({**facts, "type": "ack", "view": str(content["view"])[:64], "ack": ack, "ok": ok})

    # -- user callbacks -------------------------------------------------------------------------

    def call_user(self, callback: Callable[..., Any], *args: Any) -> None:
        """Call a user's callback, plain or ``async``; a failure is shown in the widget.

        An ``async`` callback runs in the background (the widget stays live meanwhile).
        """
        try:
            result = callback(*args)
            if inspect.isawaitable(result):
                self.in_background(_awaited(result), name=getattr(callback, "__name__", "callback"))
        except Exception as exc:  # noqa: BLE001 - user code: show any failure in the widget
            self.show_error(exc)


async def _awaited(awaitable: Any) -> Any:
    return await awaitable
