"""The Prompt Lab's timeline picture: valid, escaped, waiting shown, labels on two lines."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from sora_widgets.models.variants import TimelineRow
from sora_widgets.widgets.timeline import timeline_svg


def test_timeline_svg_is_valid_escaped_and_shows_waiting() -> None:
    rows = [
        TimelineRow("<script>alert(1)</script>", queued=0.0, started=0.0, finished=4.0, status="completed"),
        TimelineRow("second & third", queued=0.0, started=4.0, finished=6.0, status="failed"),
        TimelineRow("still waiting", queued=0.0, status="waiting"),
    ]
    svg = timeline_svg(rows, now=8.0)
    root = ET.fromstring(svg)  # well-formed XML, so nothing was injected
    assert "<script>" not in svg
    svg_ns = "{http://www.w3.org/2000/svg}"
    texts = [
        "".join(s.text or "" for s in t.iter(f"{svg_ns}tspan")) or t.text for t in root.iter(f"{svg_ns}text")
    ]
    assert "<script>alert(1)</script>" in texts
    runs = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if "run" in r.get("class", "")]
    waits = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "wait"]
    assert [r.get("class") for r in runs] == ["run completed", "run failed"]
    # the second job waited 4 s of 8: its grey bar is half the plot; the third waits the whole span
    assert float(waits[1].get("width", 0)) == pytest.approx(float(waits[2].get("width", 0)) / 2)
    assert float(runs[1].get("x", 0)) > float(runs[0].get("x", 0))
    assert "8.0 s" in svg
    ET.fromstring(timeline_svg([]))


def test_timeline_labels_go_on_two_lines_instead_of_being_cut() -> None:
    label = "#3 shot: Wide shot · setting: a beach at dusk"
    svg = timeline_svg([TimelineRow(label, queued=0.0, started=0.0, finished=2.0, status="completed")])
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    lines = [s.text for s in root.iter(f"{ns}tspan")]
    assert lines == ["#3 shot: Wide shot", "setting: a beach at dusk"]
    # Its text takes the theme's colour when drawn inline, scoped to the picture.
    assert "svg.sw-timeline text{" in svg and "fill:currentColor" in svg
