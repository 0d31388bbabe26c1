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


def assert_controls_named(nb: NotebookPage, root: str) -> None:
    """Assert every button, input, select, textarea and video under ``root`` (a CSS selector) has
    a name a screen reader can say: a label, an ``aria-label``, or a button's text; and that a
    button's ``aria-label`` contains the words the button shows."""
    controls = ", ".join(f"{root} {tag}" for tag in ("button", "input", "select", "textarea", "video"))
    unnamed = nb.page.evaluate(
        """(controls) => [...document.querySelectorAll(controls)]
           .filter((el) => !((el.labels && el.labels.length) || el.getAttribute('aria-label')
                             || (el.tagName === 'BUTTON' && el.textContent.trim())))
           .map((el) => el.outerHTML.slice(0, 120))""",
        controls,
    )
    assert unnamed == []
    # A button's spoken name contains the words it shows ("Export CSV", not "Download every job as
    # CSV"): voice control ("click Export CSV") goes by the visible words (WCAG 2.5.3).
    mismatched = nb.page.evaluate(
        """(root) => [...document.querySelectorAll(root + ' button[aria-label]')]
           .filter((el) => el.children.length === 0 && /[a-z]/i.test(el.textContent)
                   && !el.getAttribute('aria-label').toLowerCase()
                         .includes(el.textContent.trim().toLowerCase()))
           .map((el) => `${el.textContent.trim()} / ${el.getAttribute('aria-label')}`)""",
        root,
    )
    assert mismatched == []
