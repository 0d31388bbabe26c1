"""One page of a model list, as the catalog's ``/api/v1/skill/models`` answers it (pure data).

Shared by the simulator (which is the catalog) and the classroom gateway (which lists the
teacher's allowed models), so both filter and page the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from .specs import ModelInfo

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "envelope", "list_answer", "list_page", "paging"]

DEFAULT_PAGE_SIZE = 20  # the vendor CLI's own default for `models list`
MAX_PAGE_SIZE = 100  # a bound on one answer, whatever a client asks for


def _positive(text: str | None, default: int, name: str) -> int:
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {text[:40]!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be 1 or more, not {value}")
    return value


def paging(page: str | None, page_size: str | None) -> tuple[int, int]:
    """``page`` and ``page_size`` from a query string (absent -> 1 and 20; the size at most 100).

    Raises:
        ValueError: naming the field that is not a whole number of 1 or more.
    """
    return _positive(page, 1, "page"), min(
        MAX_PAGE_SIZE, _positive(page_size, DEFAULT_PAGE_SIZE, "page_size")
    )


def list_page(
    models: Iterable[ModelInfo], page: int, page_size: int, kind: str = "", keywords: str = ""
) -> dict[str, Any]:
    """The list's ``data``: models filtered by ``type`` (exact, any case) and ``keywords`` (every
    word in the id, name or description, any case), then one page of them.

    Example:
        >>> infos = [ModelInfo("a_t2v", "A", "video"), ModelInfo("b_img", "B", "image")]
        >>> list_page(infos, 1, 20, kind="VIDEO")["total"]
        1
    """
    words = keywords.lower().split()
    found = [
        asdict(m)
        for m in models
        if (not kind or m.type.lower() == kind.lower())
        and all(w in f"{m.id} {m.name} {m.description}".lower() for w in words)
    ]
    start = (page - 1) * page_size
    return {
        "models": found[start : start + page_size],
        "total": len(found),
        "page": page,
        "page_size": page_size,
        "total_pages": math.ceil(len(found) / page_size),
    }


def envelope(data: Any, code: int = 0, message: str = "success") -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) of a catalog answer ``{"data", "status": {"code", "message"}}``: code 0
    is success; an error carries its HTTP status as its code (the vendor CLI reads "status 404"
    as "model not found")."""
    return code or 200, {"data": data, "status": {"code": code, "message": message}}


def list_answer(models: Iterable[ModelInfo], query: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) of ``GET /api/v1/skill/models`` for these models and query string
    (``page``, ``page_size``, ``type``, ``keywords``); bad paging is the envelope's 400."""
    try:
        page, size = paging(query.get("page"), query.get("page_size"))
    except ValueError as exc:
        return envelope(None, 400, str(exc))
    return envelope(list_page(models, page, size, query.get("type", ""), query.get("keywords", "")))
