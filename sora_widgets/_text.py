"""Text from servers and users, made safe to print on a terminal.

A terminal obeys control sequences: ``ESC[2J`` clears the screen, ``ESC]0;...`` sets the window
title, bidi overrides reorder what is shown. Anything that reaches a terminal from outside
(error messages, prompts echoed back, statuses, ids, paths) goes through :func:`printable`.
The widgets need no such step: they set ``textContent``, which shows text and obeys nothing.
"""

from __future__ import annotations

import unicodedata

__all__ = ["clip_to_width", "display_width", "printable", "shorten"]

# Bidi embeddings, overrides and isolates: they reorder the characters around them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def printable(text: object, *, keep_newlines: bool = True) -> str:
    """``text`` with control characters (C0, DEL, C1) and bidi controls replaced by ``?``; tabs
    become spaces, newlines stay unless ``keep_newlines`` is False.

    Example:
        >>> printable("boom\\x1b[2J\\x1b]0;pwned\\x07 done")
        'boom?[2J?]0;pwned? done'
    """
    out: list[str] = []
    for char in str(text):
        if char == "\n":
            out.append("\n" if keep_newlines else " ")
        elif char == "\t":
            out.append(" ")
        elif char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
            out.append("?")
        else:
            out.append(char)
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last of them ``…`` when it was cut (the one
    shortener: labels, listings, reprs; :func:`clip_to_width` counts terminal cells instead).

    Example:
        >>> shorten("a lighthouse in fog", 12), shorten("a kite", 12)
        ('a lighthous…', 'a kite')
    """
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def display_width(text: str) -> int:
    """Terminal cells ``text`` takes: wide (East Asian) characters take two, marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def clip_to_width(text: str, width: int) -> str:
    """``text`` cut (with ``…``) so it takes at most ``width`` terminal cells."""
    if display_width(text) <= width:
        return text
    out: list[str] = []
    used = 0
    for char in text:
        cells = display_width(char)
        if used + cells > width - 1:
            break
        out.append(char)
        used += cells
    return "".join(out) + "…"
