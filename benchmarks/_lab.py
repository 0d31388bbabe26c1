"""JupyterLab and headless Chromium for the browser benchmarks (delivery, long_session).

The server and browser come from the browser-test harness (``tests/browser/conftest.py``), so a
benchmark measures the same setup the browser tests check.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._common import REPO_ROOT


@contextlib.contextmanager
def lab_notebook(name: str, cells: list[str], init_script: str, timeout_ms: int) -> Iterator[LabNotebook]:
    """A fresh JupyterLab holding ``cells`` as ``<name>/<name>.ipynb`` and a Chromium page (with
    ``init_script`` run before each document) ready to open it with :meth:`LabNotebook.open`."""
    sys.path.insert(0, str(REPO_ROOT))
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server

    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        server = start_server("lab", Path(tmp))
        try:
            path = server.write_notebook(cells, directory=name, name=f"{name}.ipynb")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.set_default_timeout(timeout_ms)
                page = context.new_page()
                page.add_init_script(init_script)
                yield LabNotebook(page, context, server, path)
                context.close()
                browser.close()
        finally:
            stop_server(server)


class LabNotebook:
    """The few JupyterLab actions the benchmarks need, on top of the browser tests' harness."""

    def __init__(self, page: Any, context: Any, server: Any, path: Path) -> None:
        self.page, self.context, self.server, self.path = page, context, server, path

    def open(self) -> None:
        """Open the notebook and wait until its kernel is idle (as the browser tests do)."""
        from tests.browser.conftest import NotebookPage

        NotebookPage(self.page, self.server, self.path, artifacts=self.path.parent).goto()

    def clear_outputs(self) -> None:
        self.page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")

    def run_cell(self, index: int, timeout_ms: int = 120_000) -> None:
        """Run the cell at ``index`` (other cells stay as they are) and wait for the kernel."""
        self.page.evaluate(
            "(i) => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = i;"
            " nb.activeCell.model.executionCount = null; }",
            index,
        )
        self.page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-cell')")
        self.page.wait_for_function(
            "(i) => { const w = window.jupyterapp.shell.currentWidget;"
            " const c = w.content.widgets[i]; const k = w.sessionContext.session?.kernel;"
            " return c.model.executionCount !== null && k && k.status === 'idle'; }",
            arg=index,
            timeout=timeout_ms,
        )
        errors = self.page.evaluate(
            "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.outputs.toJSON()"
            ".filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue)",
            index,
        )
        if errors:
            raise RuntimeError(f"cell {index} raised: {errors}")

    def output_text(self, index: int) -> str:
        """What the cell at ``index`` printed (its stream outputs)."""
        text: str = self.page.evaluate(
            "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.outputs.toJSON()"
            ".filter(o => o.output_type === 'stream').map(o => o.text).join('')",
            index,
        )
        return text
