"""Assertions the browser tests share."""

from __future__ import annotations

from typing import Any

from .conftest import NotebookPage


def assert_video_plays(nb: NotebookPage, video: Any, width: int = 1280, height: int = 720) -> dict[str, Any]:
    """Wait for the ``<video>`` at ``video`` (a locator) to decode its first frame; assert it did,
    at ``width`` x ``height`` and with no media error. Returns the state from ``wait_for_video``."""
    state = nb.wait_for_video(video)
    assert (state["readyState"] >= 2, state["videoWidth"], state["videoHeight"], state["error"]) == (
        True,
        width,
        height,
        None,
    ), state
    return state
