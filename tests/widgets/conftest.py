"""Widget tests talk to the widgets through a recording comm: the same boundary the browser uses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import comm
import pytest
from comm import DummyComm


class RecordingComm(DummyComm):
    """A comm that keeps every message the kernel side publishes (what the browser would get)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.published: list[tuple[str, dict[str, Any], list[bytes]]] = []
        super().__init__(*args, **kwargs)

    def publish_msg(
        self,
        msg_type: str,
        data: Any = None,
        metadata: Any = None,
        buffers: Any = None,
        **keys: Any,
    ) -> None:
        self.published.append((msg_type, data or {}, [bytes(b) for b in buffers or []]))

    # -- what a test inspects ---------------------------------------------------------------

    def custom(self, kind: str | None = None) -> list[tuple[dict[str, Any], list[bytes]]]:
        """Custom messages sent to the browser (optionally only those of one ``type``)."""
        out = []
        for msg_type, data, buffers in self.published:
            if msg_type == "comm_msg" and data.get("method") == "custom":
                content = data["content"]
                if kind is None or content.get("type") == kind:
                    out.append((content, buffers))
        return out

    def states(self) -> list[dict[str, Any]]:
        """State updates sent to the browser."""
        return [
            data["state"]
            for msg_type, data, _ in self.published
            if msg_type == "comm_msg" and data.get("method") in ("update", "echo_update")
        ]


@pytest.fixture(autouse=True)
def recording_comms(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[RecordingComm]]:
    """Every widget made in a test gets a RecordingComm."""
    made: list[RecordingComm] = []

    def create(*args: Any, **kwargs: Any) -> RecordingComm:
        c = RecordingComm(*args, **kwargs)
        made.append(c)
        return c

    monkeypatch.setattr(comm, "create_comm", create)
    yield made


def from_browser(widget: Any, content: dict[str, Any], buffers: list[bytes] | None = None) -> None:
    """Deliver a custom message from the browser to ``widget``, as ipykernel would."""
    widget.comm.handle_msg(
        {"content": {"data": {"method": "custom", "content": content}}, "buffers": buffers or []}
    )


def browser_sets(widget: Any, **state: Any) -> None:
    """Deliver a state update from the browser (a user typing, clicking a radio button...)."""
    widget.comm.handle_msg({"content": {"data": {"method": "update", "state": state}}, "buffers": []})
