"""Money as the service reports it, parsed into a bounded :class:`~decimal.Decimal`.

A cost arrives as a JSON string or number from a server we do not control. ``"1e999999999"``
is a valid Decimal whose formatting takes a gigabyte, so every amount passes
:func:`parse_money` (bounded magnitude and precision) before anything stores or formats it,
and :func:`format_money` is the one place that turns an amount into text.

Amounts a person types (a teacher's budget or top-up, on the command line or through the
gateway's admin API) go through :func:`parse_amount`, which is stricter: plain decimal dollars
only, at most :data:`MAX_AMOUNT`.

Example:
    >>> parse_money("2.400000"), parse_money("1e999999999")
    (Decimal('2.400000'), None)
    >>> format_money(Decimal("2.4")), format_money(None), format_money("1e999999999")
    ('$2.40', '', 'unreadable cost')
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import InvalidRequestError

__all__ = [
    "MAX_AMOUNT",
    "MAX_MONEY",
    "MONEY_PLACES",
    "UNREADABLE_COST",
    "format_money",
    "parse_amount",
    "parse_money",
]

# No single Sora task costs more than a few dollars; a million is far above any real bill and far
# below anything whose text would be long.
MAX_MONEY = Decimal(1_000_000)
# The gateway reports six decimal places; finer amounts are noise.
MONEY_PLACES = Decimal("0.000001")
# Longer texts are not amounts (the longest sane one, "-1000000.000000", has 15 characters).
_MAX_MONEY_CHARS = 40
UNREADABLE_COST = "unreadable cost"
# The ceiling of an amount a person types (a class budget, a top-up): a class does not need more
# than $100,000, and anything above is a typo ("1e30", an extra row of zeros).
MAX_AMOUNT = Decimal(100_000)
# Plain dollars as people write them: "5", "5.00", "$0.5", ".25". Not "1e3", "1_000", "1,000",
# "NaN" or non-ASCII digits, all of which Python's Decimal would read as something.
_AMOUNT = re.compile(r"\$?([0-9]{1,7}(?:\.[0-9]{0,6})?|\.[0-9]{1,6})")


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


def parse_amount(value: Any, *, field: str = "amount", ceiling: Decimal = MAX_AMOUNT) -> Decimal:
    """An amount of dollars a person typed, from 0 to ``ceiling`` with at most six decimals.

    Text must be plain dollars (``"5"``, ``"5.00"``, ``"$0.50"``); an int or a Decimal is taken
    as it is; a float only as its shortest text. Everything else is refused with a message
    naming ``field``, before anything is stored.

    Example:
        >>> parse_amount("$5.5"), parse_amount(" 12 ")
        (Decimal('5.5'), Decimal('12'))
        >>> try:
        ...     parse_amount("1e30", field="budget")
        ... except ValueError as exc:
        ...     print(exc)
        budget must be plain dollars such as 5 or 2.50 (up to $100000), not '1e30'

    Raises:
        InvalidRequestError: not an amount, negative, above ``ceiling`` or finer than a micro-dollar.
    """
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    if isinstance(value, bool) or value is None:
        raise InvalidRequestError(f"{field} must be an amount of dollars, not {shown}")
    if isinstance(value, Decimal):
        # adjusted() reads the exponent without expanding it: Decimal("1e999999") stays cheap.
        text = format(value, "f") if value.is_finite() and value.adjusted() < 8 else "nan"
    elif isinstance(value, int):
        text = str(value) if abs(value) < 10**8 else "too large"
    else:
        text = (repr(value) if isinstance(value, float) else str(value)).strip()
    negative = text.startswith("-")
    match = _AMOUNT.fullmatch(text[1:].strip() if negative else text)
    if match is None:
        raise InvalidRequestError(
            f"{field} must be plain dollars such as 5 or 2.50 (up to ${ceiling}), not {shown}"
        )
    amount = Decimal(match.group(1))
    if negative and amount:
        raise InvalidRequestError(f"{field} cannot be negative ({shown})")
    if amount > ceiling:
        raise InvalidRequestError(f"{field} must be at most ${ceiling}, not {shown}")
    return amount
