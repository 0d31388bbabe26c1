"""One request as a recorder knows it: :class:`JournalEntry`, and the statuses only a record has.

Pure data shared by every :class:`~sora_widgets.Recorder` (the SQLite journal, the in-memory
NullRecorder, one a user writes): the client reads entries back to resume and to wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .request import VideoRequest
from .task import COMPLETED, FAILED
from .video import Video

__all__ = ["REFUSED", "SENDING", "TERMINAL", "UNKNOWN_OUTCOME", "JournalEntry"]

SENDING = "sending"
UNKNOWN_OUTCOME = "unknown_outcome"
REFUSED = "refused"
# Once here, an entry's status never changes again.
TERMINAL = frozenset({COMPLETED, FAILED, REFUSED})


@dataclass(frozen=True)
class JournalEntry:
    """One request as the journal knows it: from "sending" to its final state and video.

    ``status`` is ``"sending"`` (written before the request left), ``"unknown_outcome"`` (the
    answer was lost: maybe billed, never resent), ``"refused"`` (the service said no before
    creating a task: nothing billed), a task status (``pending``, ``in_progress``,
    ``completed``, ``failed``) or a raw status the client did not recognise.
    """

    id: str
    created_at: datetime
    updated_at: datetime
    base_url: str
    simulated: bool
    model: str
    prompt: str
    request: dict[str, Any]
    task_id: str | None
    status: str
    progress: float | None
    error_code: str | None
    error_message: str | None
    video: Video | None
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def is_terminal(self) -> bool:
        """True once the status can no longer change (completed, failed or refused)."""
        return self.status in TERMINAL

    def to_request(self) -> VideoRequest | None:
        """The :class:`VideoRequest` again, or None when it had a local image (bytes not kept)."""
        try:
            return VideoRequest.from_dict(self.request)
        except ValueError:
            return None
