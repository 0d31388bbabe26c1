"""The JSON the gateway speaks, both ways, in one place.

The client parses with the ``parse_*`` functions and builds with ``create_body`` (its
``params`` from :func:`request_params`); the simulator parses with ``read_create_body`` and
answers with ``task_payload``, :func:`http_error` and the error bodies below, and both sniff an
image's type with :func:`sniff_mime`. A change of contract is one edit here.

Parsing is tolerant of every variant in the spec (flat or nested
bodies, error as a string or an object with ``error_message`` or ``message``, numeric codes,
numbers as strings, wrapped ``{"data": ...}`` answers, unknown statuses and fields).

It is also defensive: :func:`decode_json` refuses bodies over :data:`MAX_ANSWER_BYTES` or nested
deeper than :data:`MAX_JSON_DEPTH`, every field is read with a type check, texts are clipped,
numbers are bounded and money goes through :func:`~.money.parse_money`. Whatever the bytes,
the only error is :class:`WireFormatError` (the transport reports it as ``MalformedResponse``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from .._text import shorten
from .money import parse_money
from .task import Task, TaskError, Usage, VideoAsset, normalize_status, utc_from_unix

if TYPE_CHECKING:
    from .request import VideoRequest

__all__ = [
    "IMAGE_MIMES",
    "MAX_ANSWER_BYTES",
    "MAX_JSON_DEPTH",
    "MODERATION_MESSAGE",
    "SIZE_MISMATCH_MESSAGE",
    "UPSTREAM_MESSAGES",
    "CreateParams",
    "ErrorShape",
    "ParamName",
    "WireFormatError",
    "create_body",
    "creation_refused_body",
    "decode_json",
    "error_body_advice",
    "error_body_message",
    "failed_task_error",
    "http_error",
    "moderation_refused_body",
    "param",
    "parse_task",
    "read_create_body",
    "request_params",
    "sniff_mime",
    "task_payload",
]


class WireFormatError(ValueError):
    """The JSON does not have the shape of a task (no id and no error), or is not readable JSON."""


# A task answer is about a kilobyte; a megabyte is far more than any real one and small to hold.
MAX_ANSWER_BYTES = 1024 * 1024
# Real answers nest four levels deep (output[0].content[0].url); 64 leaves room for any gateway's
# wrapping and stays far below Python's recursion limit.
MAX_JSON_DEPTH = 64
# Longest text kept from an answer's fields (messages, statuses, ids): enough for any real one.
MAX_TEXT_CHARS = 2000
# Sizes and counts beyond this are not real (a video of 2**53 bytes does not exist).
_MAX_INT = 2**53


def _too_deep(data: Any, limit: int) -> bool:
    """True when ``data`` nests deeper than ``limit`` (iterative: a deep value cannot recurse us)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
    return False


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text[:20]} is too large for a number")
    return number


def decode_json(
    content: bytes | str,
    *,
    max_bytes: int = MAX_ANSWER_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
    max_items: int | None = None,
    strict: bool = False,
    what: str = "the answer",
) -> Any:
    """Decode an answer body, refusing what no real answer looks like.

    The normal path is one ``json.loads`` plus two byte counts: the depth walk runs only when
    the body has more brackets than ``max_depth``, which a real task answer never has.

    Args:
        content: the body.
        max_bytes: larger bodies are refused unread.
        max_depth: deeper nesting is refused.
        max_items: when given, a body with more than this many containers and separators
            (``{``, ``[`` and ``,``, counted in the bytes before parsing) is refused unparsed, so
            a body of millions of tiny objects never becomes millions of Python objects.
        strict: refuse ``NaN``, ``Infinity`` and numbers too large for a float (``1e999``),
            which Python's parser accepts and no JSON encoder can send on.
        what: how messages name the body ("the answer", "the request body").

    Raises:
        WireFormatError: too big, not UTF-8 JSON, nested deeper than ``max_depth``, too many
            items, or (``strict``) a number that is not finite.
    """
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else bytes(content)
    if len(raw) > max_bytes:
        raise WireFormatError(f"{what} is {len(raw):,} bytes, more than the {max_bytes:,} allowed")
    if max_items is not None and raw.count(b"{") + raw.count(b"[") + raw.count(b",") > max_items:
        raise WireFormatError(f"{what} has more than {max_items:,} JSON values; no real one has")
    hooks: dict[str, Any] = {"parse_constant": _no_constant, "parse_float": _finite_float} if strict else {}
    try:
        data = json.loads(raw, **hooks)
    except RecursionError:
        raise WireFormatError(f"{what} nests deeper than {max_depth} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:
        reason = str(exc).split(":")[0] if strict and "number" in str(exc) else type(exc).__name__
        raise WireFormatError(f"{what} is not JSON ({reason})") from None
    if raw.count(b"[") + raw.count(b"{") > max_depth and _too_deep(data, max_depth):
        raise WireFormatError(f"{what} nests deeper than {max_depth} levels")
    return data


def _text(value: Any, limit: int = MAX_TEXT_CHARS) -> str:
    """A field as text, clipped; containers are named, not printed."""
    if isinstance(value, (dict, list)):
        return f"({type(value).__name__})"
    text = value if isinstance(value, str) else str(value)
    return shorten(text, limit)


# ---------------------------------------------------------------------------------------------
# request parameters and image content


class CreateParams(TypedDict, total=False):
    """The ``params`` of a create, as they travel (every value a string)."""

    prompt: str
    size: str
    seconds: str
    input_reference: str  # an https URL, a data: URL or bare base64
    remix_video_id: str


#: The name of one create parameter (what :func:`param` reads).
ParamName = Literal["prompt", "size", "seconds", "input_reference", "remix_video_id"]


def request_params(
    *,
    prompt: str,
    size: str,
    seconds: int | str,
    input_reference: str | None = None,
    remix_video_id: str | None = None,
) -> CreateParams:
    """The ``params`` object of a create (what :meth:`VideoRequest.to_params` sends).

    Example:
        >>> request_params(prompt="a kite", size="1280x720", seconds=4)
        {'prompt': 'a kite', 'size': '1280x720', 'seconds': '4'}
    """
    params: CreateParams = {"prompt": prompt, "size": size, "seconds": str(seconds)}
    if input_reference is not None:
        params["input_reference"] = input_reference
    if remix_video_id:
        params["remix_video_id"] = remix_video_id
    return params


def param(params: Mapping[str, Any], name: ParamName, default: Any = None) -> Any:
    """One parameter of a received create body, as sent (not yet checked)."""
    return params.get(name, default)


def create_body(request: VideoRequest, image_form: str = "data_url") -> dict[str, Any]:
    """The POST body for a request, nested the way every real client sends it."""
    return {"model": request.model, "input": [{"params": request.to_params(image_form)}]}


#: The image types the service takes as ``input_reference``, by their magic bytes.
IMAGE_MIMES = ("image/jpeg", "image/png", "image/webp")


def sniff_mime(data: bytes) -> str | None:
    """The MIME type of an accepted image format by its magic bytes, or None.

    Only JPEG, PNG and WebP are recognised, because those are what the service accepts.

    Example:
        >>> sniff_mime(b"\\x89PNG\\r\\n\\x1a\\n...."), sniff_mime(b"GIF89a")
        ('image/png', None)
    """
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


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
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    try:
        number = float(_text(value, 40).strip())
    except (TypeError, ValueError, OverflowError):
        return None
    return int(number) if math.isfinite(number) and abs(number) <= _MAX_INT else None


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, (dict, list)):
        return None
    return parse_money(value)


def _as_progress(value: Any) -> float | None:
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    try:
        number = float(_text(value, 40).strip().rstrip("%"))
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
        code_text = None if code is None or code == "" else _text(code, 64)
        return TaskError(code=code_text, message=_text(message) or "the service gave no message")
    return TaskError(code=None, message=_text(value))


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
            if not isinstance(item, Mapping) or not isinstance(item.get("url"), str) or not item["url"]:
                continue
            duration = item.get("duration")
            job = item.get("jobId", item.get("job_id"))
            size = _as_int(item.get("size"))
            assets.append(
                VideoAsset(
                    url=_text(item["url"], 8192),
                    type=_text(item.get("type") or "video", 64),
                    size_bytes=size if size is not None and size >= 0 else None,
                    job_id=_text(job, 256) if job not in (None, "") else None,
                    duration=_text(duration, 32) if duration is not None else None,
                )
            )
    return tuple(assets)


def _parse_usage(value: Any) -> Usage | None:
    if not isinstance(value, Mapping):
        return None
    discount = value.get("discount")
    try:
        discount_value = float(discount) if isinstance(discount, (int, float, str)) else None
    except (TypeError, ValueError, OverflowError):
        discount_value = None
    if discount_value is not None and not math.isfinite(discount_value):
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
    if isinstance(task_id, int) and abs(task_id) > _MAX_INT:
        raise WireFormatError("the task id is a number too big to be an id")
    if isinstance(task_id, str) and len(task_id) > 256:
        raise WireFormatError(f"the task id is {len(task_id):,} characters long, not an id")
    raw_status = data.get("status")
    if isinstance(raw_status, (dict, list)):
        raise WireFormatError(f"the status is a {type(raw_status).__name__}, not a word")
    if raw_status is not None:
        raw_status = _text(raw_status, 64)
    status = normalize_status(raw_status)
    if raw_status is None and error is not None:
        status = "failed"
    metadata = data.get("metadata")
    return Task(
        id=str(task_id),
        model=_text(data["model"], 128) if data.get("model") is not None else None,
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


def error_body_advice(body: Any) -> str | None:
    """What to do, when an error body says it (``{"advice": "..."}``, as the class gateway sends
    beside its message): the source that knows, which replaces the client's generic advice."""
    if isinstance(body, Mapping) and isinstance(body.get("advice"), str) and body["advice"].strip():
        return _text(body["advice"].strip(), 500)
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
        payload["error"] = failed_task_error(error_code, error_message)
    if metadata is not None:
        payload["metadata"] = dict(metadata)
    return payload


# ---------------------------------------------------------------------------------------------
# error bodies

#: Upstream wording for each error code suffix, as the gateway passes it through.
UPSTREAM_MESSAGES = {
    "095": "Video generation failed: internal error while rendering.",
    "096": "Failed to parse the upstream result.",
    "097": "Upstream returned HTTP 500: Internal Server Error",
    "098": "Failed to check the upstream task status.",
    "099": "Failed to create the upstream task.",
}
MODERATION_MESSAGE = "Your request was blocked by our moderation system."
SIZE_MISMATCH_MESSAGE = "Inpaint image must match the requested width and height"
#: How a failed task's ``error`` is written: the standard object, ``message`` instead of
#: ``error_message``, the code as a JSON number, or a plain string (all seen from gateways).
ErrorShape = Literal["standard", "message", "number", "string"]


def creation_refused_body(code: str, message: str = UPSTREAM_MESSAGES["099"]) -> dict[str, Any]:
    """An HTTP 200 create answer with an ``error`` and no id: the task was not created."""
    return {"error": {"code": code, "error_message": message}}


def moderation_refused_body() -> dict[str, Any]:
    """The HTTP 400 body of a create that moderation refused before any task was made."""
    return {"error": {"code": "moderation_blocked", "message": MODERATION_MESSAGE}}


def failed_task_error(code: str | None, message: str | None, shape: str = "standard") -> Any:
    """A failed task's ``error`` field in one of the :data:`ErrorShape` shapes.

    Example:
        >>> failed_task_error("003000095", "boom", "number")
        {'code': 3000095, 'error_message': 'boom'}
    """
    if shape == "message":
        return {"code": code, "message": message}
    if shape == "number":
        return {"code": int(code or 0), "error_message": message}
    if shape == "string":
        return f"{message} (code {code})"
    return {"code": code or "", "error_message": message or ""}


def http_error(
    status: int, *, retry_after: float = 1.0, message: str | None = None
) -> tuple[Any, dict[str, str]]:
    """Body and headers of an HTTP error, in the shapes the spec lists for each status.

    The one table of error shapes: the simulator answers with it and the gateway too.
    """
    headers: dict[str, str] = {}
    if status in (429, 503):
        headers["Retry-After"] = f"{retry_after:g}"
    if status == 401:
        body: Any = {
            "status": {"code": 401, "message": message or "Invalid or missing API key", "error_code": 40101},
            "data": None,
        }
    elif status == 402:
        body = {
            "status": {"code": 402, "message": message or "Insufficient credits", "error_code": 40201},
            "data": None,
        }
    elif status == 403:
        body = {"error": message or "Insufficient balance or permission denied"}
    elif status == 404:
        body = {"message": message or "task not found"}
    elif status == 429:
        body = {"message": message or "Rate limit exceeded, please retry later"}
    elif status >= 500:
        body = {
            "message": message
            or {
                500: "Internal server error",
                502: "Bad gateway",
                503: "Service unavailable",
                504: "Gateway timeout",
            }.get(status, "Server error")
        }
    else:
        body = {"message": message or "Bad request"}
    return body, headers
