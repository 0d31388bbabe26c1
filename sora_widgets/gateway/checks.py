"""What the gateway reads from a student's create, and the one body it forwards.

A student's body is parsed strictly and bounded (:func:`~sora_widgets.models.wire.decode_json`
with ``strict`` and ``max_items``), its priced parameters are checked, and the body that goes
upstream is rebuilt from those parameters only: extra top-level fields (``n``,
``callback_url``), a second ``input`` item or unknown parameters never reach the service. The
rebuilt body is encoded here, before any money is reserved, so nothing can fail between the
reservation and the forward.

The price lives in :func:`price` alone, so a price table or allow-list changes one function.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..models.catalog import MODELS, ModelProfile
from ..models.money import format_money
from ..models.wire import CreateParams, WireFormatError, decode_json, param, read_create_body, request_params
from .store import Refusal, from_micros, to_micros

__all__ = ["MAX_BODY_ITEMS", "BadCreate", "Forward", "budget_advice", "price", "read_create"]

# A create body has a handful of objects; commas come from the prompt (at most a few thousand
# characters). Twenty thousand is far above any real body and small to parse.
MAX_BODY_ITEMS = 20_000
# Real bodies nest four levels (input[0].params.prompt); 32 leaves room for any wrapping.
MAX_BODY_DEPTH = 32


class BadCreate(ValueError):
    """The create cannot be forwarded (the message is the 400 answer)."""


@dataclass(frozen=True)
class Forward:
    """A checked create: what is priced, journaled and sent."""

    spec: ModelProfile
    params: CreateParams
    body: dict[str, Any]
    price: int  # micro-dollars

    @property
    def seconds(self) -> int:
        """The priced length."""
        return int(self.params["seconds"])


def price(spec: ModelProfile, seconds: int) -> int:
    """What a video of ``seconds`` costs with ``spec``, in micro-dollars: the one pricing rule."""
    return to_micros(spec.estimate_cost(seconds))


def budget_advice(refusal: Refusal, spec: ModelProfile, seconds: int) -> str:
    """What a student over budget can do: the one piece of advice they see (issue 28).

    A shorter video is suggested only when one fits what is left; otherwise the top-up the
    shortest video needs.
    """
    left = refusal.remaining

    def dollars(micros: int) -> str:
        return format_money(from_micros(micros))

    fits = [s for s in sorted(spec.seconds) if s < seconds and price(spec, s) <= left]
    if fits:
        return (
            f"Choose a {fits[-1]}-second video ({dollars(price(spec, fits[-1]))}), which fits the "
            f"{dollars(left)} left, or ask your teacher for a top-up of {dollars(refusal.amount - left)}."
        )
    shortest = min(spec.seconds)
    if shortest < seconds:
        return (
            f"Ask your teacher for a top-up: even the shortest video ({shortest} s, "
            f"{dollars(price(spec, shortest))}) needs {dollars(price(spec, shortest) - left)} "
            "more than is left."
        )
    return f"Ask your teacher for a top-up of {dollars(refusal.amount - left)}."


def _text(params: dict[str, Any], name: Any, default: str | None = None) -> str | None:
    value = param(params, name, default)
    if value is None or isinstance(value, str):
        return value
    raise BadCreate(f"{name} must be a string, not {type(value).__name__}")


def encode(body: dict[str, Any]) -> bytes:
    """The bytes the transport sends (httpx's encoding); BadCreate when they cannot exist."""
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        raise BadCreate("the request is not valid text (a lone surrogate or a non-finite number)") from None


def read_create(raw: bytes, max_bytes: int) -> Forward:
    """Parse, check and rebuild a create body (blocking: run it off the event loop).

    Raises:
        BadCreate: not strict, bounded JSON; an unknown model; a length the model does not make;
            a size it does not make; a parameter of the wrong type.
    """
    try:
        body = decode_json(
            raw,
            max_bytes=max_bytes,
            max_depth=MAX_BODY_DEPTH,
            max_items=MAX_BODY_ITEMS,
            strict=True,
            what="the request body",
        )
        model, params = read_create_body(body)
    except WireFormatError as exc:
        raise BadCreate(f"{exc}; send a JSON object") from None
    spec = MODELS.get(model or "")
    if spec is None:
        raise BadCreate(f"unknown or missing model {model!r}; use one of {', '.join(MODELS)}")
    seconds = param(params, "seconds", spec.default_seconds)
    allowed = [str(s) for s in spec.seconds]
    if isinstance(seconds, bool) or not isinstance(seconds, (int, str)) or str(seconds) not in allowed:
        raise BadCreate(f"seconds must be one of {', '.join(allowed)}, not {shown(seconds)}")
    size = _text(params, "size", spec.default_size)
    if size not in spec.sizes:
        raise BadCreate(f"size must be one of {', '.join(spec.sizes)}, not {shown(size)}")
    prompt = _text(params, "prompt")
    if not prompt or not prompt.strip():
        raise BadCreate("prompt is required")
    rebuilt = request_params(
        prompt=prompt,
        size=str(size),
        seconds=str(seconds),
        input_reference=_text(params, "input_reference"),
        remix_video_id=_text(params, "remix_video_id"),
    )
    forward = {"model": spec.id, "input": [{"params": rebuilt}]}
    encode(forward)
    return Forward(spec=spec, params=rebuilt, body=forward, price=price(spec, int(str(seconds))))


def shown(value: Any) -> str:
    """A value a student sent, short enough for a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
