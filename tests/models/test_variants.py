"""Variants: expansion, counting, pricing, budget caps, labels, export and timeline rows."""

from __future__ import annotations

import csv
import io
import itertools
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sora_widgets.errors import InvalidRequestError
from sora_widgets.models.variants import (
    MAX_VARIANTS,
    count_variants,
    differing_labels,
    expand,
    fit_budget,
    rows_to_csv,
    rows_to_json,
    spread_order,
    template_slots,
    total_cost,
    varying_keys,
)

TEMPLATE = "{shot} of a fox in {setting}, {lighting}"
SLOTS = {
    "shot": ["Wide shot", "Close-up"],
    "setting": ["snow", "a pine forest", "a city alley"],
    "lighting": ["golden hour", "moonlight"],
}


def test_template_crossed_with_slots_sizes_and_lengths() -> None:
    variants = expand(TEMPLATE, SLOTS, sizes=["portrait", "1280x720"], seconds=[4, "8"])
    assert len(variants) == 2 * 3 * 2 * 2 * 2
    assert count_variants(TEMPLATE, SLOTS, sizes=["portrait", "1280x720"], seconds=[4, "8"]) == 48
    first, last = variants[0], variants[-1]
    assert first.request.prompt == "Wide shot of a fox in snow, golden hour"
    assert (first.request.size, first.request.seconds) == ("720x1280", 4)
    assert first.values == {
        "shot": "Wide shot",
        "setting": "snow",
        "lighting": "golden hour",
        "size": "720x1280",
        "seconds": "4",
    }
    assert last.request.prompt == "Close-up of a fox in a city alley, moonlight"
    assert (last.request.size, last.request.seconds) == ("1280x720", 8)
    assert [v.index for v in variants] == list(range(48))
    # every combination exactly once
    assert len({tuple(v.values.values()) for v in variants}) == 48


def test_neighbours_differ_in_the_fastest_axis() -> None:
    variants = expand(TEMPLATE, SLOTS)
    assert varying_keys([variants[0].values, variants[1].values]) == ["lighting"]


def test_plain_list_of_prompts() -> None:
    variants = expand(prompts=["A kite at dusk", "A kite at dawn", "A kite at dusk"], seconds=[4, 12])
    assert [v.values["prompt"] for v in variants] == ["A kite at dusk"] * 2 + ["A kite at dawn"] * 2
    assert [v.request.seconds for v in variants] == [4, 12, 4, 12]


def test_cost_is_the_catalog_price_summed() -> None:
    variants = expand(TEMPLATE, SLOTS, seconds=[4, 8, 12])
    # 12 prompts x (4 + 8 + 12) s x $0.30
    assert total_cost(variants) == Decimal("0.30") * 12 * 24
    assert variants[2].estimated_cost == Decimal("3.60")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"template": "{shot} of a fox", "slots": {}}, "no values were given"),
        ({"template": "a fox", "slots": {"shot": ["x"]}}, "no such slot"),
        ({"template": "{shot} fox", "slots": {"shot": []}}, "empty list"),
        ({"template": "{shot} fox", "slots": {"shot": ["ok", " "]}}, "empty value"),
        ({"template": "{} fox", "slots": {}}, "needs a name"),
        ({"template": "{shot:>4} fox", "slots": {"shot": ["a"]}}, "format spec"),
        ({"template": "{shot fox", "slots": {"shot": ["a"]}}, "unbalanced"),
        ({"template": "{size} fox", "slots": {"size": ["a"]}}, "clashes"),
        ({"prompts": ["a", ""]}, "empty"),
        ({}, "either a template"),
        ({"template": "x", "prompts": ["y"]}, "either a template"),
        ({"prompts": ["a"], "slots": {"x": ["1"]}}, "slots only apply"),
        ({"prompts": ["a"], "sizes": ["1920x1080"]}, "1280x720"),
        ({"prompts": ["a"], "seconds": [5]}, "4, 8, 12"),
    ],
)
def test_bad_sweeps_get_a_clear_error(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidRequestError, match=fragment):
        expand(**kwargs)  # type: ignore[arg-type]


def test_a_huge_sweep_is_refused_before_it_is_built() -> None:
    slots = {"a": [str(i) for i in range(20)], "b": [str(i) for i in range(20)]}
    with pytest.raises(InvalidRequestError, match=f"more than the {MAX_VARIANTS}"):
        count_variants("{a} {b}", slots)


def test_literal_braces_survive() -> None:
    assert template_slots("{{json}} and {x}") == ["x"]
    (v,) = expand("{{json}} and {x}", {"x": "y"})
    assert v.request.prompt == "{json} and y"


def test_fit_budget_takes_items_in_order_and_never_exceeds() -> None:
    costs = [Decimal("2.40"), Decimal("3.60"), Decimal("1.20"), Decimal("2.40")]
    assert fit_budget(costs, 5) == ([0, 2], [1, 3])
    assert fit_budget(costs, "9.60") == ([0, 1, 2, 3], [])
    assert fit_budget(costs, 0) == ([], [0, 1, 2, 3])
    assert fit_budget(costs, None) == ([0, 1, 2, 3], [])
    assert fit_budget(costs, 5, committed=Decimal("3.50")) == ([2], [0, 1, 3])
    with pytest.raises(InvalidRequestError, match="non-negative"):
        fit_budget(costs, -1)
    with pytest.raises(InvalidRequestError, match="non-negative"):
        fit_budget(costs, "lots")


@given(
    st.lists(st.sampled_from([Decimal("1.20"), Decimal("2.40"), Decimal("3.60")]), max_size=30),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_fit_budget_property(costs: list[Decimal], budget: Decimal) -> None:
    chosen, skipped = fit_budget(costs, budget)
    assert sorted(chosen + skipped) == list(range(len(costs)))
    assert sum((costs[i] for i in chosen), Decimal(0)) <= budget
    # a skipped item really did not fit at the moment it was considered
    for i in skipped:
        spent_before = sum((costs[j] for j in chosen if j < i), Decimal(0))
        assert spent_before + costs[i] > budget


def test_differing_labels_show_what_changes_between_neighbours() -> None:
    values = [
        {"shot": "Wide", "light": "dusk", "size": "720x1280"},
        {"shot": "Wide", "light": "dawn", "size": "720x1280"},
        {"shot": "Close", "light": "dawn", "size": "720x1280"},
    ]
    assert differing_labels(values) == [
        {"light": "dusk"},
        {"shot": "Wide", "light": "dawn"},
        {"shot": "Close"},
    ]
    assert differing_labels([values[0]]) == [values[0]]
    assert differing_labels([values[0], values[0]]) == [values[0], values[0]]


def test_export_json_and_csv_round_trip() -> None:
    rows = [
        {"index": 0, "prompt": '=HYPERLINK("x")', "cost": Decimal("2.40"), "path": None},
        {"index": 1, "prompt": 'a, quoted "fox"\nnew line', "cost": None, "error": "boom"},
    ]
    data = json.loads(rows_to_json(rows))
    assert data[0]["cost"] == "2.40"
    assert data[1]["error"] == "boom"
    parsed = list(csv.DictReader(io.StringIO(rows_to_csv(rows))))
    assert list(parsed[0]) == ["index", "prompt", "cost", "path", "error"]
    assert parsed[0]["prompt"].startswith("'=")  # a formula is defused for spreadsheets
    assert parsed[1]["prompt"] == 'a, quoted "fox"\nnew line'
    assert parsed[1]["error"] == "boom"


_WORDS = st.text(alphabet="abcdefghij ", min_size=1, max_size=8).map(str.strip).filter(bool)


@given(
    st.dictionaries(
        st.sampled_from(["shot", "setting", "light"]), st.lists(_WORDS, min_size=1, max_size=3), min_size=1
    ),
    st.lists(st.sampled_from(["720x1280", "1280x720"]), min_size=1, max_size=2, unique=True),
    st.lists(st.sampled_from([4, 8, 12]), min_size=1, max_size=3, unique=True),
)
def test_expand_property(slots: dict[str, list[str]], sizes: list[str], seconds: list[int]) -> None:
    template = " and ".join("{" + name + "}" for name in slots)
    variants = expand(template, slots, sizes=sizes, seconds=seconds)
    distinct = 1
    for values in slots.values():
        distinct *= len(dict.fromkeys(values))
    assert len(variants) == count_variants(template, slots, sizes=sizes, seconds=seconds)
    assert len(variants) == distinct * len(sizes) * len(seconds)
    assert total_cost(variants) == sum((v.request.estimated_cost for v in variants), Decimal(0))
    for v in variants:
        assert v.request.prompt == template.format(**{k: v.values[k] for k in slots})
        assert (v.request.size, str(v.request.seconds)) == (v.values["size"], v.values["seconds"])
    # neighbours always differ in something, and their labels say what
    for label, variant in zip(differing_labels([v.values for v in variants]), variants, strict=True):
        assert label and all(variant.values[k] == val for k, val in label.items())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=3))
def test_spread_order_covers_every_value_within_the_longest_list(sizes: list[int]) -> None:
    # A template sweep in template order: the product of each slot's values.
    slots = {f"s{n}": [f"v{k}" for k in range(size)] for n, size in enumerate(sizes)}

    values = [dict(zip(slots, combo, strict=True)) for combo in itertools.product(*slots.values())]
    order = spread_order(values)
    assert sorted(order) == list(range(len(values)))  # a permutation: nothing lost or doubled
    first = [values[i] for i in order[: max(sizes)]]
    for name, wanted in slots.items():
        assert {v[name] for v in first} == set(wanted), (name, first)
