"""Hypothesis strategies the parser tests share: any JSON value, and task-shaped dicts of them."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


def json_values(*, allow_nan: bool) -> st.SearchStrategy[Any]:
    """Any JSON value, nested a few levels (NaN floats only with ``allow_nan``: ``json.dumps``
    writes them as ``NaN``, which is not JSON)."""
    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=allow_nan) | st.text(max_size=30),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5)
        ),
        max_leaves=25,
    )


def task_like(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Task-shaped dicts whose every field may be any of ``values`` (or almost right): where a
    task parser is most at risk."""
    return st.fixed_dictionaries(
        {},
        optional={
            "id": st.one_of(st.text(max_size=12), st.integers(), st.none(), values),
            "status": st.one_of(
                st.sampled_from(["pending", "in_progress", "completed", "failed", "weird"]), values
            ),
            "progress": values,
            "created_at": values,
            "error": values,
            "usage": st.one_of(
                st.dictionaries(st.sampled_from(["cost", "discount", "quantity", "unit_price"]), values),
                values,
            ),
            "output": values,
            "metadata": values,
            "data": values,
            "model": values,
        },
    )
