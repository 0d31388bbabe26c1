"""The one slot the composition root fills: how a client built without a recorder gets storage.

The client may not import the journal or the cache (they sit beside it, not below it), yet
``SoraClient()`` must journal by default. So the package face, the composition root, puts a
factory here when ``sora_widgets`` is imported (:func:`sora_widgets._compose.install`), and the
client asks this module, which imports nothing at run time, for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client._recorder import Recorder, Storage

__all__ = ["StorageFactory", "storage_factory", "wire_storage"]

#: Builds a client's storage from its recorder (None: the default one).
StorageFactory = Callable[["Recorder | None"], "Storage"]

_factory: list[StorageFactory] = []


def wire_storage(factory: StorageFactory) -> None:
    """Make ``factory`` what every client built from now on gets its storage from."""
    _factory[:] = [factory]


def storage_factory() -> StorageFactory | None:
    """The wired factory, or None (then clients keep nothing on disk)."""
    return _factory[0] if _factory else None
