"""The headless Lab: plan, budget, run, reuse and export with no front end at all."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from sora_widgets.errors import InvalidRequestError
from sora_widgets.lab import Lab


def test_the_lab_needs_no_widget_library() -> None:
    code = (
        "import sys, sora_widgets.lab as m; lab = m.Lab(prompts=['a fox'], budget=2);"
        "print(lab.count, sorted(k for k in ('ipywidgets', 'anywidget', 'traitlets') if k in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", "[]"]


def test_plan_prices_and_caps_before_anything_runs() -> None:
    changes: list[int] = []
    lab = Lab(
        template="{shot} of a fox in {setting}",
        slots={"shot": ["Wide shot", "Close-up"], "setting": ["snow", "a pine forest"]},
        seconds=[4, 8],
        budget="7",
    )
    lab.observe(lambda seen: changes.append(1) if seen is lab else None)
    assert (lab.count, lab.estimated_cost, lab.budget) == (8, Decimal("14.40"), Decimal("7.00"))
    summary = lab.plan()
    assert (summary["runnable"], summary["over_budget"], summary["runnable_cost"]) == (3, 5, "$6.00")
    assert [j.status for j in lab.jobs] == ["planned"] * 8 and lab.client is None
    assert changes, "a view following the lab is told"
    lab.template = "{shot} of a fox in {setting}, {light}"
    assert lab.plan()["ok"] is False and "{light}" in lab.summary["error"]
    with pytest.raises(InvalidRequestError, match="no such slot"):
        Lab(template="{a}", slots={"a": ["x"], "typo": ["y"]})


async def test_run_reuse_favourite_and_export(tmp_path: Path) -> None:
    from sora_widgets.client import SoraClient
    from sora_widgets.simulator import Simulator

    client = SoraClient(connect=Simulator(speed="instant", state_dir=tmp_path / "sim"))
    lab = Lab(client, template="A kite at {light}", slots={"light": ["dusk", "dawn"]}, sizes=["1280x720"])
    jobs = await lab.run()
    assert [j.status for j in jobs] == ["completed"] * 2 and lab.committed == Decimal("2.40")
    assert lab.compare_indexes == [0, 1]
    assert [caption for _, caption in lab.compared()] == ["light: dusk", "light: dawn"]
    first = [j.task_id for j in jobs]

    lab.slots = {"light": ["dusk", "dawn", "noon"]}
    assert lab.plan()["reused"] == 2
    await lab.run()
    assert [j.task_id for j in lab.jobs][:2] == first and lab.committed == Decimal("3.60")
    assert "Reused 2 finished videos" in lab.message

    video = lab.favourite(2)
    assert client.journal is not None
    entry = client.journal.entry_for_task(video.task_id)
    assert entry is not None and entry.video is not None and entry.video.favourite
    rows = json.loads(lab.to_json())
    assert [r["favourite"] for r in rows] == [False, False, True]
    assert [r.label.split(" ", 1)[0] for r in lab.timeline_rows()] == ["#1", "#2", "#3"]
    await client.aclose()


async def test_exports_write_money_once_and_seconds_as_numbers_and_a_skip_states_the_committed_amount(
    tmp_path: Path,
) -> None:
    from sora_widgets.client import SoraClient
    from sora_widgets.simulator import Simulator

    client = SoraClient(connect=Simulator(speed="instant", state_dir=tmp_path / "sim"))
    lab = Lab(
        client,
        template="A kite at {light}",
        slots={"light": ["dusk", "dawn", "noon"]},
        seconds=[4],
        budget="2.40",
    )
    jobs = await lab.run()
    assert [j.status for j in jobs] == ["completed", "completed", "skipped"]
    # The skip names what this run had committed, not what stood before it ($0.00).
    assert "($2.40 already committed)" in (jobs[2].error or "")
    csv_text = lab.to_csv()
    header, first = csv_text.splitlines()[:2]
    cells = dict(zip(header.split(","), first.split(","), strict=False))
    assert (cells["estimated_cost"], cells["cost"], cells["seconds"]) == ("1.20", "1.20", "4")
    assert "1.200000" not in csv_text
    rows = json.loads(lab.to_json())
    assert rows[0]["seconds"] == 4 and rows[0]["estimated_cost"] == "1.20"
    await client.aclose()
