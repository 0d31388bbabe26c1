"""The README's durability figures come from scripts/fault_tally.py; keep it running and honest."""

from __future__ import annotations

from tests.script_module import load_script


def test_every_fault_kind_once_loses_nothing_and_creates_nothing_twice() -> None:
    module = load_script("fault_tally")
    tallies = module.run(runs=1, seed=3)
    assert [t.fault for t in tallies][1:] == list(module.FAULTS[1:])
    assert sum(t.lost for t in tallies) == 0
    assert sum(t.twice for t in tallies) == 0
    by_fault = {t.fault: t for t in tallies}
    # each fault lands where it should, so the tally is not vacuously zero
    assert by_fault["(none)"].verified == 1
    assert by_fault["[sim:fail]"].failed == 1
    assert by_fault["[sim:lose]"].created == 1 and by_fault["[sim:lose]"].unknown_kept == 1
    assert by_fault["[sim:refuse]"].created == 0 and by_fault["[sim:refuse]"].refused == 1
    assert by_fault["[sim:truncate]"].verified == 1
