"""The README's durability figures come from scripts/fault_tally.py; keep it running and honest."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fault_tally.py"


def test_every_fault_kind_once_loses_nothing_and_creates_nothing_twice() -> None:
    spec = importlib.util.spec_from_file_location("fault_tally", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script loads
    spec.loader.exec_module(module)
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
