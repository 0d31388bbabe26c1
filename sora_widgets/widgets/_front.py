"""Each widget's front end, put together from the files in ``static/`` (and re-read when they change).

anywidget loads a widget's ESM as one module that cannot import its sibling files, so a widget's
code is assembled here: the shared ``_dom.js`` helpers, the shared parts it draws (``coach``,
``player``, ...), then its own file, then one generated line that exports the file's functions
by naming convention: ``static/player.js`` defines ``mountPlayer({model, el})`` (anywidget's
``render``) and may define ``initPlayer({model})`` (anywidget's ``initialize``). A composite
widget (the Studio) lists the parts it draws and calls their mount functions itself.

The CSS is ``base.css``, then the parts' CSS, then the widget's own.

With ``ANYWIDGET_HMR=1`` and a source checkout (not site-packages), a watcher thread re-reads the
files when one changes and every live widget gets its new code, as anywidget does for a single
file (hot reload).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from anywidget._file_contents import VirtualFileContents

__all__ = ["STATIC", "Front", "front"]

STATIC = Path(__file__).parent / "static"

_fronts: dict[tuple[str, tuple[str, ...]], Front] = {}
_lock = threading.Lock()
_watcher: threading.Thread | None = None


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


@dataclass
class Front:
    """One widget's front-end code and styles, as anywidget ``VirtualFileContents``."""

    name: str
    parts: tuple[str, ...]
    esm: VirtualFileContents
    css: VirtualFileContents

    @property
    def mount_function(self) -> str:
        """The JavaScript function that draws the widget, e.g. ``mountPlayer``."""
        return f"mount{_camel(self.name)}"

    def read(self) -> tuple[str, str]:
        """The ESM and CSS as they are in ``static/`` now."""
        js_files = ["_dom", *self.parts, self.name]
        init = f"init{_camel(self.name)}"
        esm = "\n".join((STATIC / f"{f}.js").read_text(encoding="utf-8") for f in js_files)
        esm += (
            f'\nexport default {{ initialize: typeof {init} === "function" ? {init} : undefined, '
            f"render: {self.mount_function} }};\n"
        )
        css_files = ["base", *self.parts, self.name]
        css = "\n".join(
            (STATIC / f"{f}.css").read_text(encoding="utf-8")
            for f in css_files
            if (STATIC / f"{f}.css").is_file()
        )
        return esm, css

    def reload(self) -> None:
        """Re-read the files; live widgets get the new code through anywidget's signal."""
        esm, css = self.read()
        if esm != self.esm.contents:
            self.esm.contents = esm
        if css != self.css.contents:
            self.css.contents = css


def front(name: str, *parts: str) -> Front:
    """The front end of the widget whose code is ``static/<name>.js`` (one object per name and parts)."""
    key = (name, parts)
    with _lock:
        found = _fronts.get(key)
        if found is None:
            made = Front(name, parts, VirtualFileContents(""), VirtualFileContents(""))
            esm, css = made.read()
            made.esm = VirtualFileContents(esm)
            made.css = VirtualFileContents(css)
            _fronts[key] = found = made
    _maybe_watch()
    return found


def _hmr_wanted() -> bool:
    if os.environ.get("ANYWIDGET_HMR", "").lower() not in {"1", "true"}:
        return False
    if "site-packages" in STATIC.parts or "dist-packages" in STATIC.parts:
        return False
    return importlib.util.find_spec("watchfiles") is not None


def _maybe_watch() -> None:
    global _watcher
    if _watcher is not None or not _hmr_wanted():
        return

    def watch() -> None:
        watchfiles = importlib.import_module("watchfiles")
        for _changes in watchfiles.watch(STATIC):
            with _lock:
                fronts = list(_fronts.values())
            for each in fronts:
                try:
                    each.reload()
                except OSError:  # a file mid-save: the next change event reads it whole
                    continue

    _watcher = threading.Thread(target=watch, name="sora-widgets-hmr", daemon=True)
    _watcher.start()
