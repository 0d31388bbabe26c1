"""Prompt variants as pure data: expand, count, price, cap, label, export (and timeline rows).

A sweep is a template with ``{slots}`` crossed with lists of values (or a plain list of
prompts), crossed with sizes and lengths. Everything here is computed before anything is
sent, so the Prompt Lab can show how many videos a sweep makes and what it would cost.

Example:
    >>> vs = expand("{shot} of a fox in {setting}", {"shot": ["Wide shot", "Close-up"],
    ...             "setting": ["snow", "a forest"]}, seconds=[4, 8])
    >>> len(vs), total_cost(vs)
    (8, Decimal('14.40'))
    >>> vs[1].request.prompt, vs[1].label()
    ('Wide shot of a fox in snow', 'shot=Wide shot · setting=snow · size=720x1280 · seconds=8')
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import InvalidRequestError
from .catalog import T2V
from .request import ReferenceImage, VideoRequest, normalize_seconds, normalize_size

__all__ = [
    "MAX_VARIANTS",
    "RESERVED_KEYS",
    "TimelineRow",
    "Variant",
    "check_count",
    "count_variants",
    "differing_labels",
    "expand",
    "fit_budget",
    "prompt_cells",
    "rows_to_csv",
    "rows_to_json",
    "spread_order",
    "template_slots",
    "total_cost",
    "varying_keys",
]

# A sweep bigger than this is almost certainly a typo in a value list (and costs hundreds of dollars).
MAX_VARIANTS = 200
# Keys every variant carries besides its slots; a slot may not take these names.
RESERVED_KEYS = ("prompt", "size", "seconds")


@dataclass(frozen=True)
class Variant:
    """One cell of a sweep: the request to send and the values that made it.

    ``values`` holds the slot values (or ``prompt`` for a plain list of prompts) followed by
    ``size`` and ``seconds``, all as strings, in a stable order.
    """

    index: int
    request: VideoRequest
    values: dict[str, str] = field(default_factory=dict)

    @property
    def estimate(self) -> Decimal | None:
        """Estimated price of this variant in USD, or None when the model has no known price."""
        return self.request.estimated_cost

    @property
    def estimated_cost(self) -> Decimal:
        """Estimated price of this variant in USD.

        Raises:
            InvalidRequestError: the model has no known price (a budget cannot be kept); set one
                with ``client.prices.set(model, per_second=...)``.
        """
        cost = self.request.estimated_cost
        if cost is None:
            raise InvalidRequestError(
                f"{self.request.model} has no known price, so a budget cannot be kept; set one with "
                f"client.prices.set({self.request.model!r}, per_second=Decimal('...'))."
            )
        return cost

    def label(self, keys: Iterable[str] | None = None) -> str:
        """``"shot=Close-up · seconds=8"`` for the given keys (all values when None)."""
        chosen = list(self.values) if keys is None else [k for k in keys if k in self.values]
        return " · ".join(f"{k}={self.values[k]}" for k in chosen)


def template_slots(template: str) -> list[str]:
    """The slot names of a template, in order of first appearance.

    Raises:
        InvalidRequestError: for positional ``{}`` slots, format specs, or unbalanced braces.
    """
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise InvalidRequestError(
            f"the template has unbalanced braces ({exc}); write a slot as {{name}} and a literal "
            "brace as {{ or }}."
        ) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier():
            raise InvalidRequestError(
                f"slot {{{name}}} in the template needs a name made of letters, digits and _, "
                "for example {setting}."
            )
        if spec or conversion:
            raise InvalidRequestError(f"slot {{{name}}} may not carry a format spec or conversion.")
        if name not in names:
            names.append(name)
    return names


def _as_list(value: Any, what: str) -> list[Any]:
    if isinstance(value, (str, int, float)) or value is None:
        return [value]
    items = list(value)
    if not items:
        raise InvalidRequestError(f"{what} is an empty list; give at least one value.")
    return items


def _dedupe(items: Sequence[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _slot_lists(template: str, slots: Mapping[str, Any] | None) -> dict[str, list[str]]:
    names = template_slots(template)
    given = dict(slots or {})
    for name in names:
        if name in RESERVED_KEYS:
            raise InvalidRequestError(
                f"slot {{{name}}} clashes with a built-in column; rename it (for example {{{name}_}})."
            )
    missing = [n for n in names if n not in given]
    if missing:
        raise InvalidRequestError(
            f"the template uses {', '.join('{' + n + '}' for n in missing)} but no values were given "
            f"for {'it' if len(missing) == 1 else 'them'}; pass slots={{{missing[0]!r}: [...]}}."
        )
    unused = [n for n in given if n not in names]
    if unused:
        raise InvalidRequestError(
            f"values were given for {', '.join(unused)} but the template has no such slot; "
            f"its slots are {', '.join(names) or '(none)'}."
        )
    out: dict[str, list[str]] = {}
    for name in names:
        values = [str(v).strip() for v in _as_list(given[name], f"slot {name!r}")]
        if any(not v for v in values):
            raise InvalidRequestError(f"slot {name!r} has an empty value; remove it or fill it in.")
        out[name] = _dedupe(values)
    return out


def prompt_cells(
    template: str | None, slots: Mapping[str, Any] | None, prompts: Sequence[str] | None, *, times: int = 1
) -> list[tuple[str, dict[str, str]]]:
    """The prompts of a sweep with the values that made each (a template's slot values, or
    ``{"prompt": ...}``), validated; ``times`` is how many videos each makes (for the cap).

    Raises:
        InvalidRequestError: as :func:`expand`.
    """
    if (template is None) == (prompts is None):
        raise InvalidRequestError(
            "give either a template with slots (template='{shot} of a fox', slots={'shot': [...]}) "
            "or a plain list of prompts (prompts=[...]), not both and not neither."
        )
    if template is not None:
        lists = _slot_lists(template, slots)
        names = list(lists)
        combos = itertools.product(*(lists[n] for n in names)) if names else iter([()])
        check_count(math.prod(len(v) for v in lists.values()) * times)
        cells = []
        for combo in combos:
            values = dict(zip(names, combo, strict=True))
            cells.append((template.format(**values), values))
        return cells
    if slots:
        raise InvalidRequestError("slots only apply to a template; a plain list of prompts takes none.")
    assert prompts is not None
    plain = [str(p).strip() for p in _as_list(prompts, "prompts")]
    if any(not p for p in plain):
        raise InvalidRequestError("one of the prompts is empty; remove it or fill it in.")
    check_count(len(plain) * times)
    return [(p, {"prompt": p}) for p in _dedupe(plain)]


def _axes(
    template: str | None,
    slots: Mapping[str, Any] | None,
    prompts: Sequence[str] | None,
    sizes: Any,
    seconds: Any,
) -> tuple[list[tuple[str, dict[str, str]]], list[str], list[int]]:
    """(prompt and its values, sizes, seconds) for a sweep, validated."""
    if (template is None) == (prompts is None):
        prompt_cells(template, slots, prompts)  # says what to give
    size_list = _dedupe([normalize_size(s, T2V) for s in _as_list(sizes, "sizes")])
    seconds_list = _dedupe([normalize_seconds(s, T2V) for s in _as_list(seconds, "seconds")])
    cells = prompt_cells(template, slots, prompts, times=len(size_list) * len(seconds_list))
    return cells, size_list, seconds_list


def check_count(count: int) -> None:
    """Refuse a sweep of more than :data:`MAX_VARIANTS` videos (almost certainly a typo)."""
    if count > MAX_VARIANTS:
        raise InvalidRequestError(
            f"this sweep makes {count:,} videos, more than the {MAX_VARIANTS} a lab runs at once; "
            "shorten the value lists or split the sweep."
        )


def count_variants(
    template: str | None = None,
    slots: Mapping[str, Any] | None = None,
    *,
    prompts: Sequence[str] | None = None,
    sizes: Any = (T2V.default_size,),
    seconds: Any = (T2V.default_seconds,),
) -> int:
    """How many videos a sweep makes, without building the requests."""
    cells, size_list, seconds_list = _axes(template, slots, prompts, sizes, seconds)
    return len(cells) * len(size_list) * len(seconds_list)


def expand(
    template: str | None = None,
    slots: Mapping[str, Any] | None = None,
    *,
    prompts: Sequence[str] | None = None,
    sizes: Any = (T2V.default_size,),
    seconds: Any = (T2V.default_seconds,),
    image: ReferenceImage | str | None = None,
) -> list[Variant]:
    """Every variant of a sweep, each a validated :class:`VideoRequest` with its values.

    Order: prompts (slots vary last-fastest, as ``itertools.product``), then sizes, then
    lengths, so neighbours differ in one thing where they can.

    Args:
        template: a prompt with ``{slot}`` placeholders (``{{`` for a literal brace).
        slots: slot name -> list of values (a single string counts as one value).
        prompts: a plain list of prompts instead of a template.
        sizes: sizes to cross with (``"720x1280"``, ``"1280x720"``, ``"portrait"``, ``"landscape"``).
        seconds: lengths to cross with (4, 8, 12).
        image: a reference image for every variant (makes them image-to-video).

    Raises:
        InvalidRequestError: for a missing or unused slot, an empty value, an unknown size or
            length, or a sweep over :data:`MAX_VARIANTS`; nothing is sent.
    """
    cells, size_list, seconds_list = _axes(template, slots, prompts, sizes, seconds)
    variants: list[Variant] = []
    for prompt, values in cells:
        for size in size_list:
            for secs in seconds_list:
                request = VideoRequest(prompt, size=size, seconds=secs, image=image)
                variants.append(
                    Variant(
                        index=len(variants),
                        request=request,
                        values={**values, "size": size, "seconds": str(secs)},
                    )
                )
    return variants


def total_cost(variants: Iterable[Variant]) -> Decimal:
    """Sum of the estimated costs, in USD."""
    return sum((v.estimated_cost for v in variants), Decimal("0.00"))


def fit_budget(
    costs: Sequence[Decimal], budget: Decimal | float | str | None, *, committed: Decimal = Decimal("0")
) -> tuple[list[int], list[int]]:
    """Which items (by position) fit under a budget, in order, and which do not.

    Items are taken in order; one that would push the total over the cap is skipped and a
    cheaper one after it may still fit. ``committed`` is what was already spent or sent.

    Returns:
        (chosen positions, skipped positions). With ``budget=None`` everything is chosen.

    Raises:
        InvalidRequestError: for a negative or non-numeric budget.
    """
    if budget is None:
        return list(range(len(costs))), []
    try:
        cap = Decimal(str(budget))
    except ArithmeticError:
        cap = Decimal("NaN")
    if not cap.is_finite() or cap < 0:
        raise InvalidRequestError(
            f"budget={budget!r} must be a non-negative amount in USD, like 10 or 12.50."
        )
    chosen: list[int] = []
    skipped: list[int] = []
    spent = Decimal(committed)
    for position, cost in enumerate(costs):
        if spent + cost <= cap:
            chosen.append(position)
            spent += cost
        else:
            skipped.append(position)
    return chosen, skipped


def spread_order(values: Sequence[Mapping[str, str]]) -> list[int]:
    """An order of the items (by position) that spreads them across every key's values.

    A budget that covers only some of a sweep should not spend it all on the first value of the
    first slot (template order: every ``Wide shot`` before any ``Close-up``). Each next item is
    the one that brings the most values not seen yet, then the one whose values were used the
    least (round-robin over each slot's values), then the earliest in template order. Once as
    many items are taken as the longest value list, every value of every key has appeared.

    Example:
        >>> vs = [{"shot": s, "light": l} for s in ("wide", "close") for l in ("dawn", "noon", "dusk")]
        >>> [(vs[i]["shot"], vs[i]["light"]) for i in spread_order(vs)][:3]
        [('wide', 'dawn'), ('close', 'noon'), ('wide', 'dusk')]
    """
    counts: dict[tuple[str, str], int] = {}
    left = list(range(len(values)))
    order: list[int] = []
    while left:

        def key(i: int) -> tuple[int, int, int, int]:
            used = [counts.get(pair, 0) for pair in values[i].items()]
            return (-sum(1 for c in used if c == 0), max(used, default=0), sum(used), i)

        best = min(left, key=key)
        left.remove(best)
        order.append(best)
        for pair in values[best].items():
            counts[pair] = counts.get(pair, 0) + 1
    return order


def varying_keys(values: Sequence[Mapping[str, str]]) -> list[str]:
    """Keys whose value is not the same in every item, in first-seen order."""
    keys: list[str] = []
    for item in values:
        for key in item:
            if key not in keys:
                keys.append(key)
    return [k for k in keys if len({item.get(k) for item in values}) > 1]


def differing_labels(values: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """For each item, the values that differ from its neighbour before or after it.

    This is what a compare grid labels each player with: in a row of videos that share
    everything but the lighting, each shows only its lighting. A lone item (or a set whose
    items are all equal) is labelled with every value, so no label is ever empty.
    """
    out: list[dict[str, str]] = []
    for i, item in enumerate(values):
        neighbours = [values[j] for j in (i - 1, i + 1) if 0 <= j < len(values)]
        keys = [k for k in item if any(n.get(k) != item[k] for n in neighbours)]
        out.append({k: item[k] for k in (keys or list(item))})
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def rows_to_json(rows: Sequence[Mapping[str, Any]]) -> str:
    """Export rows (list of flat dicts) as a JSON array; Decimals and paths become strings."""
    return json.dumps([{k: _cell(v) for k, v in row.items()} for row in rows], indent=2, ensure_ascii=False)


def _csv_safe(value: Any) -> str:
    text = "" if value is None else str(_cell(value))
    # A cell starting with = + - @ runs as a formula in spreadsheets; prompts are user text.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def rows_to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """Export rows as CSV text with a header (the union of keys, in first-seen order)."""
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_safe(row.get(c)) for c in columns])
    return buffer.getvalue()


@dataclass(frozen=True)
class TimelineRow:
    """One job on the batch timeline. Times are seconds on one clock (any origin).

    ``started`` is when the job left the queue (its create was sent); ``finished`` when it
    ended. ``status`` colours the bar: completed, failed, running, waiting, skipped.
    """

    label: str
    queued: float
    started: float | None = None
    finished: float | None = None
    status: str = "waiting"
