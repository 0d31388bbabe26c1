"""Money as the service reports it, parsed into a bounded :class:`~decimal.Decimal`.

A cost arrives as a JSON string or number from a server we do not control. ``"1e999999999"``
is a valid Decimal whose formatting takes a gigabyte, so every amount passes
:func:`parse_money` (bounded magnitude and precision) before anything stores or formats it,
and :func:`format_money` is the one place that turns an amount into text.

Example:
    >>> parse_money("2.400000"), parse_money("1e999999999")
    (Decimal('2.400000'), None)
    >>> format_money(Decimal("2.4")), format_money(None), format_money("1e999999999")
    ('$2.40', '', 'unreadable cost')
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["MAX_MONEY", "MONEY_PLACES", "UNREADABLE_COST", "format_money", "parse_money"]

# No single Sora task costs more than a few dollars; a million is far above any real bill and far
# below anything whose text would be long.
MAX_MONEY = Decimal(1_000_000)
# The gateway reports six decimal places; finer amounts are noise.
MONEY_PLACES = Decimal("0.000001")
# Longer texts are not amounts (the longest sane one, "-1000000.000000", has 15 characters).
_MAX_MONEY_CHARS = 40
UNREADABLE_COST = "unreadable cost"


def parse_money(value: Any) -> Decimal | None:
    """A bounded Decimal (at most :data:`MAX_MONEY` either way, six places) or None when
    ``value`` is missing or is not a sane amount (too long, too big, NaN, infinite, a bool)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    else:
        text = value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
        text = text.strip()
        if not text or len(text) > _MAX_MONEY_CHARS:
            return None
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
    if not number.is_finite():
        return None
    # adjusted() reads the exponent without expanding the digits, so 1e999999999 costs nothing.
    if not number or number.adjusted() < -12:
        return Decimal(0)
    if number.adjusted() > 6 or abs(number) > MAX_MONEY:
        return None
    exponent = number.as_tuple().exponent
    return number.quantize(MONEY_PLACES) if isinstance(exponent, int) and exponent < -6 else number


def format_money(value: Any) -> str:
    """``Decimal('2.4')`` -> ``"$2.40"``; None -> ``""``; anything unreadable -> ``"unreadable cost"``."""
    if value is None:
        return ""
    amount = parse_money(value)
    if amount is None:
        return UNREADABLE_COST
    return f"${amount:.2f}"
