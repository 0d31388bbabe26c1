"""The hostile-file kinds of scripts/hostile_tally.py (the README's Durability figures): each
refused with its SoraError, nothing written outside the home."""

from __future__ import annotations

from tests.script_module import load_script


def test_every_hostile_file_is_refused_with_a_clear_error_and_writes_nothing_outside() -> None:
    tally = load_script("hostile_tally")
    outcomes = tally.run_files()
    assert [o.name for o in outcomes] == [name for name, _, _ in tally.HOSTILE_FILES]
    assert [(o.name, o.detail) for o in outcomes if not o.ok] == []
    assert len(outcomes) >= 20
