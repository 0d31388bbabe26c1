"""JupyterLab as ``sora-widgets demo`` starts it: without a warning no demo user can act on.

Voila (which the demo installs) adds a "default" warnings filter for traitlets'
DeprecationWarnings to the whole server process when it is imported. notebook_shim then lists
every member of the server app, which reads the deprecated ``ServerApp.token`` trait, and the
terminal shows "ServerApp.token config is deprecated" although nobody set it (the demo and its
tests use ``IdentityProvider.token``); other extensions' deprecated traitlets calls show too.
Python's own policy hides DeprecationWarnings raised inside libraries (they are for their
developers); importing voila first, then putting that policy back for traitlets, restores it.
The server is otherwise unchanged, except at its end: once JupyterLab has stopped (its kernels,
terminals and extensions cleaned up, its loop stopped), the process exits at once. Its file
reads run on anyio worker threads, which are not daemon threads and are stopped only when the
task that first used them ends; after a stop signal that task never ends, so Python's exit
would wait for them forever (seen in a test run: "received signal 15, stopping", then an idle
server process left behind, its main thread in ``threading._shutdown``; upstream:
jupyterlab/jupyterlab#10442, jupyterlab/jupyter-collaboration#161).
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings


def main() -> int:
    """Run JupyterLab with the command line given (``python -m sora_widgets._demo_lab ...``)."""
    with contextlib.suppress(ImportError):
        import voila  # type: ignore[import-untyped]  # noqa: F401 - for its warnings filter, which ours follows

    warnings.filterwarnings("ignore", category=DeprecationWarning, module="traitlets")
    from jupyterlab.labapp import main as lab  # type: ignore[import-untyped]

    try:
        status = int(lab() or 0)
    except SystemExit as stop:  # JupyterLab's own exit (a port in use, a bad option)
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr)
    return status


def _exit_now(status: int) -> None:
    """Exit without waiting for threads nobody will stop (see the module docstring)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    _exit_now(main())
