"""The Prompt Lab's batch timeline, drawn as an inline SVG the page shows in the theme's colours.

Presentation of :class:`~sora_widgets.models.variants.TimelineRow` data (what the lab records);
labels and statuses are XML-escaped, so prompts cannot inject markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .._text import shorten
from ..models.variants import TimelineRow

__all__ = ["timeline_svg"]

_COLOURS = {
    "completed": "#2e7d32",
    "failed": "#c62828",
    "running": "#1565c0",
    "waiting": "#9e9e9e",
    "skipped": "#bdbdbd",
}


def _two_lines(label: str, width: int) -> tuple[str, str]:
    """``label`` as two lines of at most ``width`` characters, broken at " · " where it can."""
    if len(label) <= width:
        return label, ""
    parts = label.split(" · ")
    first = parts[0]
    rest = parts[1:]
    while rest and len(first) + 3 + len(rest[0]) <= width:
        first += " · " + rest.pop(0)
    second = " · ".join(rest)
    if not rest:  # one long value: break it by characters
        first, second = label[:width], label[width:]
    return shorten(first, width), shorten(second, width)


def timeline_svg(rows: Sequence[TimelineRow], *, now: float | None = None, width: int = 640) -> str:
    """The batch as an SVG picture: one line per job, grey while queued, coloured while running.

    Jobs still queued or running extend to ``now`` (default: the latest time seen). Text is
    XML-escaped, so prompts and labels cannot inject markup.
    """
    row_h, top, left, right = 30, 34, 190, 12
    height = top + row_h * max(len(rows), 1) + 8
    times = [t for r in rows for t in (r.queued, r.started, r.finished) if t is not None]
    end = now if now is not None else (max(times) if times else 0.0)
    start = min(times) if times else 0.0
    span = max(end - start, 1e-9)
    plot = width - left - right

    def x(t: float) -> float:
        return round(left + plot * (min(max(t, start), end) - start) / span, 2)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sw-timeline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Batch timeline: {len(rows)} jobs">',
        f"<title>Batch timeline: {len(rows)} jobs over {span:.1f} s</title>",
        # Text takes the colour of what the picture sits in (the theme's, when drawn inline).
        "<style>svg.sw-timeline text{font:11px sans-serif;fill:currentColor}</style>",
        '<text x="4" y="12">thin grey: waiting for a slot · thick: running '
        "(green done, red failed, blue still running)</text>",
        f'<text x="{left}" y="28">0 s</text>',
        f'<text x="{width - right}" y="28" text-anchor="end">{span:.1f} s</text>',
    ]
    if not rows:
        parts.append(f'<text x="{left}" y="{top + 12}">no jobs yet</text>')
    for i, row in enumerate(rows):
        y = top + i * row_h
        # The label on up to two lines (split at " · "), each fitted to the label column.
        first, second = _two_lines(row.label, 30)
        parts.append(
            f'<text x="4" y="{y + 12}"><tspan>{escape(first)}</tspan>'
            + (f'<tspan x="4" dy="13">{escape(second)}</tspan>' if second else "")
            + f"<title>{escape(row.label)}</title></text>"
        )
        wait_end = row.started if row.started is not None else (row.finished or end)
        parts.append(
            f'<rect class="wait" x="{x(row.queued)}" y="{y + 6}" '
            f'width="{max(x(wait_end) - x(row.queued), 0):.2f}" height="4" fill="{_COLOURS["waiting"]}"/>'
        )
        if row.started is not None:
            run_end = row.finished if row.finished is not None else end
            colour = _COLOURS.get(row.status, _COLOURS["running"])
            parts.append(
                f'<rect class="run {escape(row.status)}" x="{x(row.started)}" y="{y + 2}" '
                f'width="{max(x(run_end) - x(row.started), 1):.2f}" height="12" fill="{colour}">'
                f"<title>{escape(row.label)}: {escape(row.status)}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)
