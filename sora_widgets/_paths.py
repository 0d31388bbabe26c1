"""Where sora_widgets keeps its files: one answer for the journal, the video cache, the
simulator's state and the demo's working notebooks."""

from __future__ import annotations

import os
from pathlib import Path

from ._constants import ENV_HOME

__all__ = ["default_home"]


def default_home() -> Path:
    """``$SORA_WIDGETS_HOME`` when set, otherwise ``platformdirs.user_data_dir("sora-widgets")``.

    Read at call time, not import time, so tests and users can point it elsewhere at any moment.
    """
    override = os.environ.get(ENV_HOME, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs  # only needed when no override is set

    return Path(platformdirs.user_data_dir("sora-widgets"))
