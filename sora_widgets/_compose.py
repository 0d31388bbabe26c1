"""The composition root: the parts a default :class:`~sora_widgets.SoraClient` is built from.

The client speaks only to a :class:`~sora_widgets.Recorder` it is given; this module, above
both, decides that "no recorder" means the default :class:`~sora_widgets.Journal`, that videos
go to the journal's ``videos`` folder, and that the video cache policy
(:mod:`sora_widgets.cache`) runs after each download there. ``sora_widgets/__init__`` installs it
when the package is imported; the imports here run only when a client is built.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ._paths import default_home
from ._wiring import wire_storage

if TYPE_CHECKING:
    from .client import Recorder
    from .client._recorder import Storage
    from .journal import Journal

__all__ = ["install", "storage"]

log = logging.getLogger("sora_widgets.client")


def _tidy(journal: Journal) -> None:
    """Apply the saved video cache policy (``sora-widgets cache policy``) after a download."""
    from . import cache

    try:
        result = cache.enforce(journal)
    except Exception as exc:  # noqa: BLE001 - pruning is housekeeping: never fail a download for it
        log.warning("the video cache policy could not be applied: %s", exc)
        return
    if result is not None and result.removed:
        log.info("video cache: %s", result)


def storage(recorder: Recorder | None) -> Storage:
    """The storage of a client: ``recorder``, or the default journal when None; a journal's
    videos go to its ``videos`` folder, kept by the cache policy."""
    from .client._recorder import Storage
    from .journal import History, Journal

    chosen: Recorder = Journal() if recorder is None else recorder
    if not isinstance(chosen, Journal):
        return Storage(chosen, default_home() / "videos", history=History)
    journal = chosen
    return Storage(
        journal,
        Path(journal.home) / "videos",
        tidy_videos=lambda: _tidy(journal),
        journal=journal,
        history=lambda: History(journal),
    )


def install() -> None:
    """Wire :func:`storage` in: every client built from now on gets its storage from it."""
    wire_storage(storage)
