"""Every hostile answer of the raw-socket server, end to end through generate() (the README's
hostile-answer figures come from scripts/hostile_tally.py; keep it running and honest)."""

from __future__ import annotations

from types import ModuleType

import pytest

from sora_widgets._constants import MAX_SERVER_HINT_S
from sora_widgets.simulator.hostile import SCENARIOS
from tests.script_module import load_script


@pytest.fixture(scope="module")
def tally() -> ModuleType:
    return load_script("hostile_tally")


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_each_hostile_answer_ends_as_expected_and_keeps_nothing_broken(tally: ModuleType, name: str) -> None:
    (outcome,) = tally.run_hostile([name])
    assert outcome.got == SCENARIOS[name].expect, outcome.detail
    assert outcome.kept_broken == 0 and outcome.left_parts == 0
    assert outcome.longest_wait <= MAX_SERVER_HINT_S
    assert "\x1b" not in outcome.detail and "secret" not in outcome.detail
    if outcome.expect == "UnknownOutcomeError":
        assert outcome.journal_status == "unknown_outcome"
    assert outcome.ok


def test_hints_of_a_day_are_clipped_not_ignored(tally: ModuleType) -> None:
    # Not vacuous: the hint was honoured up to the ceiling, not dropped.
    (outcome,) = tally.run_hostile(["retry-after-200"])
    assert outcome.longest_wait == MAX_SERVER_HINT_S


def test_every_odd_input_is_refused_before_sending_or_handled_faithfully(tally: ModuleType) -> None:
    outcomes = tally.run_odd()
    assert [o.name for o in outcomes] == [o.name for o in tally.ODD_INPUTS]
    failed = [(o.name, o.detail) for o in outcomes if not o.ok]
    assert not failed
    assert sum(o.refused for o in outcomes) >= 10
