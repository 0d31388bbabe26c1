"""What a video costs before it is made: a price table, because the catalog's specs carry no price.

The Sora 2 Pro prices are bundled ($0.30 per second of 720p video, what the upstream charges);
any model's price can be set per second or per video. A model without a known price is
estimated as unknown (None, shown as ``"unknown"``), never as $0. :func:`estimate_cost` is the one
pricing function: requests, the CLI, widgets and the classroom gateway all call it.

Example:
    >>> table = PriceTable()
    >>> table.estimate("sora_2_pro_t2v", 8), table.estimate("kirin_v2_6_t2v", 5)
    (Decimal('2.40'), None)
    >>> table.set("kirin_v2_6_t2v", per_second=Decimal("0.10"))
    >>> format_estimate(table.estimate("kirin_v2_6_t2v", 5)), format_estimate(None)
    ('$0.50', 'unknown')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import InvalidRequestError
from .money import MAX_MONEY, format_money, parse_money

__all__ = [
    "BUNDLED_PRICES",
    "DEFAULT_PRICES",
    "UNKNOWN_PRICE",
    "Price",
    "PriceTable",
    "estimate_cost",
    "format_estimate",
]

UNKNOWN_PRICE = "unknown"
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Price:
    """A model's price: per second of video, plus (or instead) a fixed amount per video, in USD."""

    per_second: Decimal = Decimal(0)
    per_video: Decimal = Decimal(0)

    def cost(self, seconds: float | int | str) -> Decimal:
        """What a video of ``seconds`` costs, to the cent."""
        return (self.per_video + self.per_second * Decimal(str(seconds))).quantize(_CENT)


#: The bundled prices: Sora 2 Pro's upstream charge of $0.30 per second of 720p video.
BUNDLED_PRICES: Mapping[str, Price] = {
    "sora_2_pro_t2v": Price(per_second=Decimal("0.30")),
    "sora_2_pro_i2v": Price(per_second=Decimal("0.30")),
}


def _amount(value: Any, what: str) -> Decimal:
    amount = parse_money(value) if not isinstance(value, float) else parse_money(repr(value))
    if amount is None or amount < 0 or amount > MAX_MONEY:
        raise InvalidRequestError(
            f"{what}={value!r} is not a price; give an amount in USD such as Decimal('0.10')."
        )
    return amount


class PriceTable:
    """Prices by model id: the bundled ones, and any the user sets.

    Example:
        >>> prices = PriceTable()
        >>> prices.set("viduq3_pro_text2video", per_video=Decimal("0.40"))
        >>> prices.get("viduq3_pro_text2video")
        Price(per_second=Decimal('0'), per_video=Decimal('0.40'))
    """

    def __init__(self, prices: Mapping[str, Price] | None = None) -> None:
        self._prices: dict[str, Price] = dict(BUNDLED_PRICES if prices is None else prices)

    def __repr__(self) -> str:
        return f"PriceTable({len(self._prices)} models)"

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._prices

    def __iter__(self) -> Iterator[str]:
        return iter(self._prices)

    def set(self, model_id: str, *, per_second: Any = None, per_video: Any = None) -> None:
        """Set a model's price per second of video and/or per video (USD; Decimal, int or text).

        Raises:
            InvalidRequestError: neither given, or not an amount.
        """
        if per_second is None and per_video is None:
            raise InvalidRequestError("give per_second=... or per_video=... (USD), or both.")
        self._prices[str(model_id)] = Price(
            per_second=_amount(per_second, "per_second") if per_second is not None else Decimal(0),
            per_video=_amount(per_video, "per_video") if per_video is not None else Decimal(0),
        )

    def forget(self, model_id: str) -> None:
        """Remove a model's price (it becomes unknown)."""
        self._prices.pop(model_id, None)

    def get(self, model_id: str) -> Price | None:
        """The model's price, or None when unknown."""
        return self._prices.get(model_id)

    def estimate(self, model_id: str, seconds: float | int | str) -> Decimal | None:
        """What a video of ``seconds`` from the model costs, or None when its price is unknown."""
        return estimate_cost(model_id, seconds, self)

    def copy(self) -> PriceTable:
        """An independent copy."""
        return PriceTable(self._prices)


#: The process-wide table: ``client.prices`` is this one unless the client was given its own, so a
#: price set there reaches every estimate (requests, widgets, the CLI).
DEFAULT_PRICES = PriceTable()


def estimate_cost(
    model_id: str, seconds: float | int | str, table: PriceTable | None = None
) -> Decimal | None:
    """The one pricing function: the cost of ``seconds`` of video from ``model_id`` by ``table``
    (default: the bundled prices), or None when the model has no known price."""
    price = (table or DEFAULT_PRICES).get(model_id)
    return None if price is None else price.cost(seconds)


def format_estimate(cost: Decimal | None) -> str:
    """``Decimal('2.4')`` -> ``"$2.40"``; an unknown price -> ``"unknown"`` (never "$0")."""
    return UNKNOWN_PRICE if cost is None else format_money(cost)
