"""The README's gateway-attack figures come from scripts/hostile_tally.py; keep it running and
honest (two quick attacks here; every attack has its own test in this folder)."""

from __future__ import annotations

from tests.script_module import load_script


def test_the_gateway_attacks_of_the_tally_run_and_hold() -> None:
    tally = load_script("hostile_tally")
    names = ["NaN in an extra field", "Host header in the slash redirect"]
    outcomes = tally.run_gateway(names)
    assert [o.name for o in outcomes] == names
    assert all(o.held for o in outcomes), [(o.name, o.detail) for o in outcomes]
    assert len(tally.GATEWAY_ATTACKS) >= 14
