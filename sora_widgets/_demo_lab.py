"""JupyterLab as ``sora-widgets demo`` starts it: without a warning no demo user can act on.

Voila (which the demo installs) adds a "default" warnings filter for traitlets'
DeprecationWarnings to the whole server process when it is imported. notebook_shim then lists
every member of the server app, which reads the deprecated ``ServerApp.token`` trait, and the
terminal shows "ServerApp.token config is deprecated" although nobody set it (the demo and its
tests use ``IdentityProvider.token``); other extensions' deprecated traitlets calls show too.
Python's own policy hides DeprecationWarnings raised inside libraries (they are for their
developers); importing voila first, then putting that policy back for traitlets, restores it.
The server is otherwise unchanged.
"""

from __future__ import annotations

import contextlib
import sys
import warnings


def main() -> int:
    """Run JupyterLab with the command line given (``python -m sora_widgets._demo_lab ...``)."""
    with contextlib.suppress(ImportError):
        import voila  # type: ignore[import-untyped]  # noqa: F401 - for its warnings filter, which ours follows

    warnings.filterwarnings("ignore", category=DeprecationWarning, module="traitlets")
    from jupyterlab.labapp import main as lab  # type: ignore[import-untyped]

    return int(lab() or 0)


if __name__ == "__main__":
    sys.exit(main())
