"""PromptLab: the plan before anything runs, and real sweeps against the in-process simulator."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sora_widgets.errors import InvalidRequestError
from sora_widgets.widgets.prompt_lab import PromptLab

TEMPLATE = "{shot} of a fox in {setting}"
SLOTS = {"shot": ["Wide shot", "Close-up"], "setting": ["snow", "a pine forest"]}


def test_count_and_cost_are_shown_before_anything_runs() -> None:
    lab = PromptLab(template=TEMPLATE, slots=SLOTS, seconds=[4, 8], budget=7)
    assert lab.count == 8
    assert lab.estimated_cost == Decimal("14.40")
    assert lab.summary == {
        "ok": True,
        "error": "",
        "count": 8,
        "total_cost": "$14.40",
        # in order: 1.20 + 2.40 + 1.20 + 2.40 = 7.20 > 7, so the 4th (2.40) is skipped and the
        # next 4 s one (1.20) still fits: 1.20 + 2.40 + 1.20 + 1.20 = 6.00
        "runnable": 4,
        "runnable_cost": "$6.00",
        "over_budget": 4,
        "budget": "$7.00",
    }
    assert [j["status"] for j in lab.jobs] == ["planned"] * 8
    assert lab.jobs[0]["label"] == "shot=Wide shot · setting=snow"
    assert lab.client is None  # nothing was created, nothing sent


def test_editing_the_definition_updates_the_plan_and_shows_errors() -> None:
    lab = PromptLab(template=TEMPLATE, slots=SLOTS)
    lab.template = "{shot} of a fox in {setting}, {lighting}"
    assert lab.summary["ok"] is False
    assert "{lighting}" in lab.summary["error"]
    lab.slots = {**SLOTS, "lighting": ["dusk", "dawn", "noon"]}
    assert lab.summary["count"] == 12
    # values left behind for a slot the template dropped do not break the plan
    lab.template = "{shot} at {lighting}"
    assert lab.summary["count"] == 6
    lab.mode = "prompts"
    lab.prompts = ["A kite at dusk", "A kite at dawn"]
    lab.sizes = ["720x1280", "1280x720"]
    assert lab.summary["count"] == 4
    assert {j["size"] for j in lab.jobs} == {"720x1280", "1280x720"}


def test_bad_input_is_refused_at_construction() -> None:
    with pytest.raises(InvalidRequestError, match="no such slot"):
        PromptLab(template=TEMPLATE, slots={**SLOTS, "typo": ["x"]})
    with pytest.raises(InvalidRequestError, match="4, 8, 12"):
        PromptLab(prompts=["a"], seconds=[5])
    with pytest.raises(InvalidRequestError, match="concurrency"):
        PromptLab(prompts=["a"], concurrency=0)


def test_front_end_messages_are_validated() -> None:
    lab = PromptLab(template=TEMPLATE, slots=SLOTS)
    lab._on_front_message(lab, {"type": "favourite", "index": 0, "value": True}, [])
    assert "no finished video" in lab.message
    lab._on_front_message(lab, {"type": "compare", "indexes": [99]}, [])
    assert "no variant 99" in lab.message


def test_to_dataframe_needs_pandas_and_says_so() -> None:
    lab = PromptLab(prompts=["a fox"])
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="to_json"):
            lab.to_dataframe()
    else:
        frame = lab.to_dataframe()
        assert list(frame["status"]) == ["planned"]
