"""The client: :class:`SoraClient` creates, waits for, downloads, resumes and batches generations.

Behind this face, each private module has one job:

- ``_requests``: building a validated request (the remix-size lookup is injected);
- ``_create``: sending a create at most once and reporting its outcome;
- ``_wait``: one poll retried through transient failures, and the poll loop;
- ``_download``: saving a video (a fresh link when one expired, the cache policy);
- ``_batch``: ``iter_many``, ``generate_many`` and ``resume``, all giving :class:`BatchResult`;
- ``_recorder``: the :class:`Recorder` protocol the journal implements, and :class:`NullRecorder`;
- ``_failures``: the errors raised for what the service says;
- ``_config``: where requests go (``connect=``: a URL, a Simulator, a :class:`Service`) and the key.
"""

from __future__ import annotations

from ._batch import BatchResult, BatchUpdate
from ._client import SoraClient
from ._config import Connect, Service, keyring_key
from ._recorder import NullRecorder, Recorder
from ._requests import RequestLike
from ._wait import OnUpdate

__all__ = [
    "BatchResult",
    "BatchUpdate",
    "Connect",
    "NullRecorder",
    "OnUpdate",
    "Recorder",
    "RequestLike",
    "Service",
    "SoraClient",
    "keyring_key",
]
