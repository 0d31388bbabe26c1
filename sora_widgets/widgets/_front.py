"""Where each widget's front end is: an esbuild bundle in ``static/dist/`` (see ``package.json``).

The sources are ES modules in ``static/``: each imports the helpers and parts it uses
(``import { h, listen } from "./_dom.js"``, ``import { mountPlayer } from "./player.js"``) and its
own CSS (``import "./player.css"``; ``_dom.js`` imports ``base.css``). A displayed widget's file
ends with ``export default { initialize, render }``; ``npm run build`` bundles each such file,
with everything it imports, into ``static/dist/<name>.js`` and ``static/dist/<name>.css``. The
bundles are committed, so an install needs no Node.

anywidget loads them as files (``_esm``/``_css`` are paths) and reloads them itself: with
``ANYWIDGET_HMR=1`` and ``npm run dev`` (esbuild ``--watch``) running, every live widget gets
the new code when a source changes.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DIST", "STATIC", "bundle"]

STATIC = Path(__file__).parent / "static"
DIST = STATIC / "dist"


def bundle(name: str) -> tuple[Path, Path]:
    """The bundled ESM and CSS of the widget whose source is ``static/<name>.js``.

    Raises:
        FileNotFoundError: no bundle for ``name`` (its file lacks ``export default`` or
            ``npm run build`` was not run after adding it).
    """
    esm, css = DIST / f"{name}.js", DIST / f"{name}.css"
    if not esm.is_file():
        raise FileNotFoundError(
            f"{esm} is missing: give static/{name}.js an `export default` and run `npm run build`"
        )
    return esm, css
