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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .._constants import CREATE_PATH
from ..errors import InvalidRequestError
from ..models.catalog import MODELS, ModelProfile
from ..models.money import format_money
from ..models.prices import PriceTable
from ..models.specs import ModelSpec
from ..models.wire import WireFormatError, decode_json, param, read_create_body, request_params
from .store import Refusal, from_micros, to_micros

__all__ = [
    "MAX_BODY_ITEMS",
    "BadCreate",
    "ClassModels",
    "Forward",
    "NeedSpec",
    "budget_advice",
    "class_models",
    "price",
    "read_create",
]

# A create body has a handful of objects; commas come from the prompt (at most a few thousand
# characters). Twenty thousand is far above any real body and small to parse.
MAX_BODY_ITEMS = 20_000
# Real bodies nest four levels (input[0].params.prompt); 32 leaves room for any wrapping.
MAX_BODY_DEPTH = 32


class BadCreate(ValueError):
    """The create cannot be forwarded (the message is the 400 answer)."""


class NeedSpec(Exception):
    """An allowed model whose spec the gateway has not read yet (the caller fetches it, retries)."""

    def __init__(self, model: str) -> None:
        super().__init__(model)
        self.model = model


@dataclass
class ClassModels:
    """The teacher's allow-list: which models students may use and what they cost.

    Attributes:
        allowed: the model ids the gateway forwards (others are refused with 400).
        prices: the price table (the Sora prices bundled; the teacher's prices set on it). An
            allowed model without a price is refused: no budget can hold an unknown amount.
        specs: the specs of allowed models other than Sora, read from the service's catalog.
    """

    allowed: frozenset[str] = frozenset(MODELS)
    prices: PriceTable = field(default_factory=PriceTable)
    specs: dict[str, ModelSpec] = field(default_factory=dict)


def class_models(allow: Mapping[str, Any] | None) -> ClassModels:
    """The allow-list from the teacher's ``{model id: USD per second or None}`` (None: the price
    table's own price); no list means the two Sora 2 Pro models.

    Raises:
        InvalidRequestError: a price that is not an amount of money.
    """
    if allow is None:
        return ClassModels()
    table = PriceTable()
    for model, per_second in allow.items():
        if per_second is not None:
            table.set(model, per_second=per_second)
    return ClassModels(allowed=frozenset(allow), prices=table)


@dataclass(frozen=True)
class Forward:
    """A checked create: what is priced, journaled and sent."""

    spec: ModelProfile | None  # a Sora model's profile (None for other catalog models)
    params: Mapping[str, Any]
    body: dict[str, Any]
    price: int  # micro-dollars
    seconds: int  # the priced length
    model: str
    path: str = CREATE_PATH  # the model's endpoint path upstream


def price(spec: ModelProfile, seconds: int) -> int:
    """What a video of ``seconds`` costs with ``spec``, in micro-dollars: the one pricing rule."""
    return to_micros(spec.estimate_cost(seconds))


def budget_advice(refusal: Refusal, spec: ModelProfile | None, seconds: int) -> str:
    """What a student over budget can do: the one piece of advice they see (issue 28).

    A shorter video is suggested only when one fits what is left; otherwise the top-up the
    shortest video needs.
    """
    left = refusal.remaining

    def dollars(micros: int) -> str:
        return format_money(from_micros(micros))

    if spec is None:  # a catalog model: its lengths are priced by the table, not a profile
        return f"Ask your teacher for a top-up of {dollars(refusal.amount - left)}."
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


def read_create(raw: bytes, max_bytes: int, models: ClassModels | None = None) -> Forward:
    """Parse, check and rebuild a create body (blocking: run it off the event loop).

    Raises:
        BadCreate: not strict, bounded JSON; a model not on the allow-list, or without a price;
            a length or size the model does not make; a parameter the model's spec refuses.
        NeedSpec: an allowed model whose spec has not been read yet.
    """
    models = models if models is not None else ClassModels()
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
    if model not in models.allowed:
        listed = ", ".join(sorted(models.allowed))
        raise BadCreate(f"model {shown(model)} is not on this class's list; use one of {listed}")
    spec = MODELS.get(model)
    if spec is None:
        return _read_catalog_model(model, params, models)
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
    length = int(str(seconds))
    return Forward(spec, rebuilt, forward, price(spec, length), length, spec.id)


def _read_catalog_model(model: str, params: dict[str, Any], models: ClassModels) -> Forward:
    """A create for an allowed model other than Sora: checked and typed by its own spec."""
    spec = models.specs.get(model)
    if spec is None:
        raise NeedSpec(model)
    try:
        checked = spec.validate(params)  # only the spec's own parameters survive
    except InvalidRequestError as exc:
        raise BadCreate(str(exc)) from None
    length = spec.length_param
    seconds = checked.get(length.name, length.default) if length is not None else 0
    cost = models.prices.estimate(model, int(float(str(seconds or 0))))
    if cost is None:
        raise BadCreate(
            f"{model} has no price on this class gateway, so no budget can hold it; the teacher can "
            f"price it (sora-widgets gateway serve --model {model}=DOLLARS_PER_SECOND)"
        )
    body = {"model": model, "input": [{"params": checked}]}
    encode(body)
    path = urlsplit(spec.endpoint).path or CREATE_PATH
    return Forward(None, checked, body, to_micros(cost), int(float(str(seconds or 0))), model, path)


def shown(value: Any) -> str:
    """A value a student sent, short enough for a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
