"""A journal entry's row in the database, and the one filter builder every query uses.

The entry itself is data every recorder shares: :mod:`sora_widgets.models.entry`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any, TypedDict, cast

from ..models.entry import REFUSED, SENDING, TERMINAL, UNKNOWN_OUTCOME, JournalEntry
from ..models.task import COMPLETED, FAILED, Task
from ..models.video import Video

__all__ = [
    "COMPLETED",
    "FAILED",
    "REFUSED",
    "SENDING",
    "TERMINAL",
    "UNKNOWN_OUTCOME",
    "EntryFilter",
    "JournalEntry",
    "filter_sql",
    "known_filters",
]

_COLUMNS = (
    "id, created_at, updated_at, base_url, simulated, model, prompt, request, task_id, status, "
    "progress, error_code, error_message, video, labels"
)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _timestamp(value: datetime | date) -> float:
    """Unix seconds of a datetime or date; naive values are local time, as Python treats them."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.timestamp()


def _entry(row: tuple[Any, ...]) -> JournalEntry:
    (entry_id, created, updated, base_url, simulated, model, prompt, request, task_id, status,
     progress, error_code, error_message, video, labels) = row  # fmt: skip
    request_dict, label_dict = json.loads(request), json.loads(labels or "{}")
    if not isinstance(request_dict, dict) or not isinstance(label_dict, dict):
        raise ValueError("the request or labels column is not a JSON object")
    return JournalEntry(
        id=entry_id,
        created_at=_utc(created),
        updated_at=_utc(updated),
        base_url=base_url,
        simulated=bool(simulated),
        model=model,
        prompt=prompt,
        request=request_dict,
        task_id=task_id,
        status=status,
        progress=progress,
        error_code=error_code,
        error_message=error_message,
        video=Video.from_dict(json.loads(video)) if video else None,
        labels=label_dict,
    )


class EntryFilter(TypedDict, total=False):
    """The filters every journal query takes (``Journal.entries``, ``count``, ``page``, ...).

    Keys:
        status: one status or several (``"completed"``, ``"failed"``, ``"unknown_outcome"``...).
        model: a model id (``"sora_2_pro_i2v"``), or ``"t2v"`` / ``"i2v"`` for short.
        since: created at or after this time (a naive datetime or a date is local time).
        until: created before this time.
        base_url: only entries sent to this service.
    """

    status: str | Iterable[str] | None
    model: str | None
    since: datetime | date | None
    until: datetime | date | None
    base_url: str | None


_FILTER_NAMES = frozenset(EntryFilter.__annotations__)


def known_filters(filters: Mapping[str, Any]) -> EntryFilter:
    """The filters that are set (None means "not filtered").

    Raises:
        TypeError: a filter this journal does not know (the names are :class:`EntryFilter`'s).
    """
    unknown = set(filters) - _FILTER_NAMES
    if unknown:
        raise TypeError(
            f"unknown journal filter(s) {', '.join(sorted(unknown))}; use {', '.join(sorted(_FILTER_NAMES))}"
        )
    return cast(EntryFilter, {k: v for k, v in filters.items() if v is not None})


def filter_sql(filters: EntryFilter) -> tuple[str, list[Any]]:
    """The WHERE clause (constant text, ``?`` placeholders) and its values for the filters:
    the one place journal filters become SQL.

    Raises:
        TypeError: a filter this journal does not know (the names are :class:`EntryFilter`'s).
    """
    filters = known_filters(filters)
    clauses = ["1 = 1"]
    params: list[Any] = []
    status = filters.get("status")
    if status is not None:
        statuses = [status] if isinstance(status, str) else list(status)
        clauses.append(f"status IN ({', '.join('?' * len(statuses))})")
        params.extend(statuses)
    model = filters.get("model")
    if model is not None:
        if model in ("t2v", "i2v"):
            clauses.append("model LIKE ? ESCAPE '\\'")
            params.append(f"%\\_{model}")
        else:
            clauses.append("model = ?")
            params.append(model)
    since = filters.get("since")
    if since is not None:
        clauses.append("created_at >= ?")
        params.append(_timestamp(since))
    until = filters.get("until")
    if until is not None:
        clauses.append("created_at < ?")
        params.append(_timestamp(until))
    base_url = filters.get("base_url")
    if base_url is not None:
        clauses.append("base_url = ?")
        params.append(base_url)
    return " AND ".join(clauses), params


def _entry_task(entry: JournalEntry) -> Task | None:
    """The last known task state of an entry, for :func:`merge_update`."""
    if entry.task_id is None or entry.status in (SENDING, UNKNOWN_OUTCOME, REFUSED):
        return None
    return Task(id=entry.task_id, model=entry.model, status=entry.status, progress=entry.progress)
