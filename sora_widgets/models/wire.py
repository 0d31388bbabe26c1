"""The JSON the gateway speaks, both ways, in one place.

The client parses with the ``parse_*`` functions and builds with ``create_body``; the
simulator parses with ``read_create_body`` and answers with ``task_payload``. A change of
contract is one edit here. Parsing is tolerant of every variant in the spec (flat or nested
bodies, error as a string or an object with ``error_message`` or ``message``, numeric codes,
numbers as strings, wrapped ``{"data": ...}`` answers, unknown statuses and fields).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .request import VideoRequest
from .task import Task, TaskError, Usage, VideoAsset, normalize_status, utc_from_unix

__all__ = [
    "WireFormatError",
    "create_body",
    "error_body_message",
    "parse_task",
    "read_create_body",
    "task_payload",
]


class WireFormatError(ValueError):
    """The JSON does not have the shape of a task (no id and no error)."""


def create_body(request: VideoRequest, image_form: str = "data_url") -> dict[str, Any]:
    """The POST body for a request, nested the way every real client sends it."""
    return {"model": request.model, "input": [{"params": request.to_params(image_form)}]}


def read_create_body(body: Any) -> tuple[str | None, dict[str, Any]]:
    """(model, params) from a create body, nested (``input[0].params``) or flat."""
    if not isinstance(body, Mapping):
        raise WireFormatError("the body is not a JSON object")
    model = body.get("model")
    params: dict[str, Any] = {}
    entries = body.get("input")
    if isinstance(entries, list) and entries and isinstance(entries[0], Mapping):
        inner = entries[0].get("params", entries[0])
        if isinstance(inner, Mapping):
            params.update(inner)
    elif isinstance(entries, Mapping):
        inner = entries.get("params", entries)
        if isinstance(inner, Mapping):
            params.update(inner)
    for key, value in body.items():
        if key not in ("model", "input") and key not in params:
            params[key] = value
    return (str(model) if model is not None else None), params


def _unwrap(data: Any) -> Any:
    """Some gateways wrap answers as ``{"data": {...}}``; take the inner task if so."""
    if isinstance(data, Mapping) and "id" not in data and "status" not in data:
        inner = data.get("data")
        if isinstance(inner, Mapping):
            return inner
    return data


def _as_int(value: Any) -> int | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) else None


def _as_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _as_progress(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().rstrip("%"))
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or number < 0:
        return None
    if number > 1.0:
        # Some gateways report percent; but 1.0000001 is float noise around "done", not 0.01 %.
        number = 1.0 if number <= 1.01 or number > 100.0 else number / 100.0
    return number


def parse_error(value: Any) -> TaskError | None:
    """A :class:`TaskError` from ``{"code", "error_message"|"message"}``, a string, or None."""
    if value is None or value == "" or value == {}:
        return None
    if isinstance(value, Mapping):
        code = value.get("code", value.get("error_code"))
        message = (
            value.get("error_message")
            or value.get("message")
            or value.get("msg")
            or value.get("detail")
            or ""
        )
        code_text = None if code is None or code == "" else str(code)
        return TaskError(code=code_text, message=str(message) or "the service gave no message")
    return TaskError(code=None, message=str(value))


def _parse_assets(output: Any) -> tuple[VideoAsset, ...]:
    assets: list[VideoAsset] = []
    blocks = output if isinstance(output, list) else [output] if isinstance(output, Mapping) else []
    for block in blocks:
        if not isinstance(block, Mapping):
            continue
        content = block.get("content")
        if isinstance(content, Mapping):  # one item sent bare instead of in a list
            content = [content]
        items = content if isinstance(content, list) else [block] if "url" in block else []
        for item in items:
            if not isinstance(item, Mapping) or not item.get("url"):
                continue
            duration = item.get("duration")
            job = item.get("jobId", item.get("job_id"))
            assets.append(
                VideoAsset(
                    url=str(item["url"]),
                    type=str(item.get("type") or "video"),
                    size_bytes=_as_int(item.get("size")),
                    job_id=str(job) if job not in (None, "") else None,
                    duration=str(duration) if duration is not None else None,
                )
            )
    return tuple(assets)


def _parse_usage(value: Any) -> Usage | None:
    if not isinstance(value, Mapping):
        return None
    discount = value.get("discount")
    try:
        discount_value = float(discount) if discount is not None else None
    except (TypeError, ValueError):
        discount_value = None
    return Usage(
        cost=_as_decimal(value.get("cost")),
        discount=discount_value,
        quantity=_as_int(value.get("quantity")),
        unit_price=_as_decimal(value.get("unit_price")),
    )


def parse_task(data: Any, *, fallback_id: str | None = None) -> Task:
    """A :class:`Task` from a create or poll answer.

    Args:
        data: the decoded JSON.
        fallback_id: the id we asked about, used when a poll answer omits it.

    Raises:
        WireFormatError: when the answer is not a task at all. An answer with no id but an
            ``error`` is a creation failure: the error text is in the exception message.
    """
    data = _unwrap(data)
    if not isinstance(data, Mapping):
        raise WireFormatError(f"expected a JSON object, got {type(data).__name__}")
    task_id = data.get("id", data.get("task_id", data.get("taskId")))
    if isinstance(task_id, bool) or not isinstance(task_id, (str, int, type(None))):
        raise WireFormatError(f"the task id is a {type(task_id).__name__}, not a string")
    error = parse_error(data.get("error"))
    if task_id in (None, ""):
        if fallback_id is None:
            if error is not None:
                raise WireFormatError(f"the service refused to create the task: {error}")
            raise WireFormatError("the answer has no task id")
        task_id = fallback_id
    raw_status = data.get("status")
    status = normalize_status(raw_status)
    if raw_status is None and error is not None:
        status = "failed"
    metadata = data.get("metadata")
    return Task(
        id=str(task_id),
        model=str(data["model"]) if data.get("model") is not None else None,
        status=status,
        raw_status=str(raw_status) if raw_status is not None else None,
        progress=_as_progress(data.get("progress")),
        created_at=utc_from_unix(data.get("created_at")),
        error=error,
        usage=_parse_usage(data.get("usage")),
        assets=_parse_assets(data.get("output")),
        metadata=dict(metadata) if isinstance(metadata, Mapping) else {},
        raw=dict(data),
    )


def error_body_message(body: Any) -> str | None:
    """The human message from an HTTP error body, in any of the shapes vendor clients accept:
    ``{"message"}``, ``{"error": "..."}``, ``{"error": {"message"}}``,
    ``{"status": {"code", "message"}, "data": null}``."""
    if isinstance(body, str):
        return body.strip() or None
    if not isinstance(body, Mapping):
        return None
    for key in ("message", "error_message", "detail", "msg"):
        if isinstance(body.get(key), str) and body[key].strip():
            return str(body[key]).strip()
    error = body.get("error")
    if isinstance(error, str) and error.strip():
        return error.strip()
    if isinstance(error, Mapping):
        found = error_body_message(error)
        if found:
            return found
    status = body.get("status")
    if isinstance(status, Mapping):
        return error_body_message(status)
    return None


def task_payload(
    *,
    task_id: str,
    model: str,
    status: str,
    created_at: int,
    progress: float | None = None,
    video_url: str | None = None,
    video_size: int | None = None,
    job_id: str | None = None,
    duration: str | None = None,
    cost: Decimal | None = None,
    discount: float = 0,
    quantity: int | None = None,
    unit_price: Decimal | None = None,
    error_code: str | None = None,
    error_message: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A task exactly as the real gateway sends it, with the JSON types its clients decode:
    ``created_at`` int, ``progress`` float, ``usage.cost``/``unit_price`` strings,
    ``usage.quantity`` int, content ``size`` and ``duration`` strings."""
    payload: dict[str, Any] = {
        "id": task_id,
        "status": status,
        "model": model,
        "created_at": int(created_at),
    }
    if progress is not None and status not in ("completed", "failed"):
        payload["progress"] = float(progress)
    if video_url is not None:
        content: dict[str, Any] = {"type": "video", "url": video_url}
        if video_size is not None:
            content["size"] = str(video_size)
        if job_id is not None:
            content["jobId"] = job_id
        if duration is not None:
            content["duration"] = str(duration)
        payload["output"] = [{"content": [content]}]
    if cost is not None:
        usage: dict[str, Any] = {"cost": f"{cost:.6f}", "discount": discount}
        if quantity is not None:
            usage["quantity"] = int(quantity)
        if unit_price is not None:
            usage["unit_price"] = f"{unit_price:.6f}"
        payload["usage"] = usage
    if error_code is not None or error_message is not None:
        payload["error"] = {"code": error_code or "", "error_message": error_message or ""}
    if metadata is not None:
        payload["metadata"] = dict(metadata)
    return payload
