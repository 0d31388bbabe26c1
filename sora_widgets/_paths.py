"""Where sora_widgets keeps its files: one answer for the journal, the video cache, the
simulator's state and the demo's working notebooks; and one check that a path built from data
(a board's id, a digest, a task id) stays inside the folder it was meant for."""

from __future__ import annotations

import os
from pathlib import Path

from ._constants import ENV_HOME
from .errors import InvalidRequestError

__all__ = ["default_home", "is_inside", "path_inside"]


def default_home() -> Path:
    """``$SORA_WIDGETS_HOME`` when set, otherwise ``platformdirs.user_data_dir("sora-widgets")``.

    Read at call time, not import time, so tests and users can point it elsewhere at any moment.
    """
    override = os.environ.get(ENV_HOME, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs  # only needed when no override is set

    return Path(platformdirs.user_data_dir("sora-widgets"))


def is_inside(path: str | Path, folder: str | Path) -> bool:
    """True when ``path``, after resolving ``..`` and symbolic links, is ``folder`` or below it."""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return False
    return True


def path_inside(folder: str | Path, name: str, *, what: str) -> Path:
    """``folder / name``, refused unless it is a plain file name that stays inside ``folder``.

    Every path built from data (a board's id, an image digest, a task id) goes through here, so
    an id such as ``../../.bashrc``, an absolute path, a NUL or a symbolic link planted in the
    folder cannot make the project read or write outside it.

    Args:
        folder: the folder the file belongs in.
        name: the file's name (no separators).
        what: what the name is, for the message (``"board id 'x'"``).

    Raises:
        InvalidRequestError: ``name`` is empty, has a separator or a NUL, or leaves ``folder``.
    """
    plain = bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\x00")
    path = Path(folder) / name
    if not plain or not is_inside(path, folder) or path.resolve() == Path(folder).resolve():
        raise InvalidRequestError(
            f"{what} would make the file name {name[:80]!r}, which leaves its folder {folder}; "
            "nothing was read or written."
        )
    return path
