"""A progress bar (tqdm) for blocking calls: text in a terminal, a bar in a notebook cell."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from ._text import printable
from .models.task import Task

__all__ = ["in_notebook", "progress_callback"]


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where widgets, not text bars, show progress)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    get_ipython = getattr(shell, "get_ipython", None)
    ip = get_ipython() if callable(get_ipython) else None
    return ip is not None and getattr(ip, "kernel", None) is not None


def bar_wanted() -> bool:
    """True when a blocking call should draw a bar: in a terminal or a notebook cell (a cell
    that blocks for a whole render would otherwise show nothing at all)."""
    stream = sys.stderr
    return in_notebook() or (stream is not None and stream.isatty())


@contextmanager
def progress_callback(
    user_callback: Callable[[Task], Any] | None,
    *,
    enabled: bool | None = None,
    file: IO[str] | None = None,
) -> Iterator[Callable[[Task], Any] | None]:
    """Yield an ``on_update`` callback that drives a tqdm bar and then calls ``user_callback``.

    Args:
        user_callback: the caller's own ``on_update``, still called (its result passed back).
        enabled: True forces the bar, False suppresses it, None shows it in a terminal only.
        file: where the bar is drawn (default stderr).
    """
    if not (bar_wanted() if enabled is None else enabled):
        yield user_callback
        return
    # In a notebook, tqdm's widget bar in the cell (not text on the cell's red stderr).
    if in_notebook() and file is None:
        from tqdm.notebook import tqdm
    else:
        from tqdm import tqdm

    class StatusBar(tqdm):  # type: ignore[misc]
        """A tqdm bar with a ``{status}`` field: tqdm puts ", " in front of ``{postfix}``,
        which drew "| , pending <id>"."""

        status = ""

        @property
        def format_dict(self) -> dict[str, Any]:
            return {**super().format_dict, "status": self.status}

    size = shutil.get_terminal_size((80, 20))
    bar = StatusBar(
        total=100,
        desc="Sora",
        unit="%",
        file=file,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {status} [{elapsed}]",
        leave=True,
        # A terminal that reports no size (some CI and pty setups) would hide the bar.
        ncols=min(100, size.columns or 80),
        nrows=size.lines or 20,
    )

    def update(task: Task) -> Any:
        # The caller's callback first: it may remember the task (an interrupt then names it),
        # and the bar must not show an id that an interrupt a moment later could not name.
        result = user_callback(task) if user_callback is not None else None
        if task.progress is not None:
            bar.n = round(task.progress * 100)
        bar.status = printable(f"{task.status} {task.id}", keep_newlines=False)
        bar.refresh()
        return result

    try:
        yield update
    finally:
        bar.close()
