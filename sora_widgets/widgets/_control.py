"""Playback traits that Python and the page both change, where the value Python set last wins.

Used by the VideoPlayer and the Prompt Lab's compare grid. Python numbers each change it makes
to a controlled trait (``_control_seq``) and sends it as a ``control`` message too. A view that
has applied change N sends Python's value back with ``_ack: N`` in one state update. A view's
messages arrive in order, so a report that comes while the acknowledged number is below
Python's was sent before the view knew of Python's latest change: its controlled values are
replaced by Python's before ipywidgets echoes them back. ``pause()`` then ``current_time = 2.0``
cannot snap back to the time the browser reported just before. Nothing here depends on timing.
"""

from __future__ import annotations

from typing import Any, ClassVar

import traitlets as t

__all__ = ["PythonWins", "sequence_number"]


def sequence_number(value: Any) -> int:
    """A sequence number from the page (anything that is not a whole number counts as 0)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class PythonWins(t.HasTraits):
    """Mixin for a widget whose ``CONTROLLED`` traits Python drives with numbered ``control``
    messages (see the module docstring). Call :meth:`_start_control` at the end of ``__init__``
    and :meth:`_view_started` when a view says it is ready with the ``seq`` it was given."""

    CONTROLLED: ClassVar[frozenset[str]] = frozenset()
    _control_seq = t.Int(0).tag(sync=True)

    def _start_control(self) -> None:
        self._acked = 0  # the highest _control_seq a view said it has applied
        self.observe(self._on_control, names=sorted(self.CONTROLLED))

    def _view_started(self, seq: Any) -> None:
        """A new view starts from the state it was given: Python's changes up to ``seq``."""
        self._acked = max(self._acked, sequence_number(seq))

    def _on_control(self, change: Any) -> None:
        # A change made in Python also goes as a command: the browser ignores a state update for a
        # key while its own report of that key is in flight (ipywidgets' echo rule), and
        # current_time is reported several times a second while playing. Changes that came from
        # the browser are under ipywidgets' property lock and are not sent back.
        name = change["name"]
        if name in getattr(self, "_property_lock", {}):
            return
        self._control_seq += 1
        self.send({"type": "control", "seq": self._control_seq, name: change["new"]})  # type: ignore[attr-defined]

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply a report from the page, unless it is older than Python's last controlled change."""
        ack = sync_data.get("_ack")
        if ack is not None:
            self._acked = max(getattr(self, "_acked", 0), sequence_number(ack))
            sync_data = {k: v for k, v in sync_data.items() if k != "_ack"}
        behind = getattr(self, "_acked", 0) < self._control_seq
        stale = self.CONTROLLED.intersection(sync_data) if behind else ()
        if stale:
            sync_data = {**sync_data, **{name: getattr(self, name) for name in stale}}
        super().set_state(sync_data)  # type: ignore[misc]
