"""Fault plans: what the simulator does wrong, and when.

A :class:`FaultPlan` is a set of counters. The simulator holds one for the whole instance
(``Simulator(faults=FaultPlan(...))``, also editable while it runs: ``sim.faults.poll_http
+= [503, 503]``) and builds one per task from magic words in the prompt (see the package
docstring for the list). Each counter is consumed as the fault fires, so "three 503s, then
normal answers" is ``poll_http=[503, 503, 503]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["MAGIC_PATTERN", "FaultPlan", "strip_magic"]

# [sim:name] or [sim:name=value], case-insensitive; several may be given in one prompt.
MAGIC_PATTERN = re.compile(r"\[sim:([a-z0-9_\-]+)(?:=([^\]\s]*))?\]", re.IGNORECASE)

_HTTP_STATUSES = (400, 401, 402, 403, 404, 409, 429, 500, 502, 503, 504)


def strip_magic(prompt: str) -> str:
    """The prompt without its ``[sim:...]`` words (what the video shows)."""
    return " ".join(MAGIC_PATTERN.sub(" ", prompt).split())


def _statuses(value: str | None, default: int) -> list[int]:
    """``"503"`` -> [503]; ``"503x3"`` -> [503, 503, 503]; ``None`` -> [default]."""
    if not value:
        return [default]
    code_text, _, count_text = value.lower().partition("x")
    code = int(code_text)
    if code not in _HTTP_STATUSES:
        raise ValueError(f"unsupported HTTP status {code}; use one of {_HTTP_STATUSES}")
    return [code] * (int(count_text) if count_text else 1)


def _count(value: str | None) -> int:
    return int(value) if value else 1


@dataclass
class FaultPlan:
    """Faults to inject, consumed as they fire.

    Example:
        >>> plan = FaultPlan(poll_http=[503, 503], retry_after=0.5, truncate_downloads=1)
        >>> FaultPlan.from_prompt("a kite [sim:poll=503x2] [sim:truncate]").poll_http
        [503, 503]

    Attributes:
        create_http: HTTP statuses the next creates answer instead of creating (nothing is made).
        poll_http: HTTP statuses the next polls answer instead of the task.
        retry_after: the ``Retry-After`` seconds sent with 429 and 503.
        fail_code: the task ends failed with this code (``"095"``..``"099"`` or a full code).
        moderation: the task fails with the moderation message.
        slow_s: every answer is delayed this long.
        hang_polls: the next polls hang for ``hang_s`` (client timeouts).
        hang_s: how long a hang lasts.
        malformed_polls: the next polls answer with broken JSON.
        drop_polls: the next polls break the connection mid-answer (a reset).
        unknown_status_polls: the next polls report a status no client knows.
        unknown_status: that status.
        truncate_downloads: the next downloads stop halfway (Content-Length says more).
        expired_urls: the next completed answers carry an already-expired result URL.
        lose_creates: the next creates make the task, then lose the answer.
        lose_mode: ``"504"`` (a gateway timeout), ``"drop"`` (connection broken mid-answer) or
            ``"hang"`` (no answer for ``hang_s``).
        complete_at_create: the create answer waits for the video and is already ``completed``.
        refuse_creates: the next creates answer HTTP 200 with an ``error`` and no ``id`` (the
            vendor client's "creation failure"); nothing is made.
        moderation_http: moderation refuses at creation with HTTP 400 instead of a failed task.
        error_shape: how a failed task's ``error`` looks: ``"standard"``
            (``{"code": "...", "error_message"}``), ``"message"`` (``message`` instead of
            ``error_message``), ``"number"`` (numeric code) or ``"string"`` (a plain string).
        audio: the video carries a quiet AAC track (as real Sora videos do); not a fault, but
            opt-in so that silent test videos stay as they were (``[sim:audio]``).
    """

    create_http: list[int] = field(default_factory=list)
    poll_http: list[int] = field(default_factory=list)
    retry_after: float = 1.0
    fail_code: str | None = None
    moderation: bool = False
    slow_s: float = 0.0
    hang_polls: int = 0
    hang_s: float = 45.0
    malformed_polls: int = 0
    drop_polls: int = 0
    unknown_status_polls: int = 0
    unknown_status: str = "upstream_throttled"
    truncate_downloads: int = 0
    expired_urls: int = 0
    lose_creates: int = 0
    lose_mode: str = "504"
    complete_at_create: bool = False
    refuse_creates: int = 0
    moderation_http: bool = False
    error_shape: str = "standard"
    audio: bool = False

    @classmethod
    def from_prompt(cls, prompt: str) -> FaultPlan:
        """The plan a prompt's magic words ask for (an empty plan when there are none).

        Raises:
            ValueError: for an unknown magic word or a bad value, naming the word.
        """
        plan = cls()
        for match in MAGIC_PATTERN.finditer(prompt):
            name, value = match.group(1).lower().replace("-", "_"), match.group(2)
            try:
                plan._apply(name, value)
            except ValueError as exc:
                raise ValueError(f"bad simulator magic word {match.group(0)!r}: {exc}") from None
        return plan

    def _apply(self, name: str, value: str | None) -> None:
        if name in ("http", "create"):
            self.create_http += _statuses(value, 500)
        elif name == "poll":
            self.poll_http += _statuses(value, 503)
        elif name == "retry_after":
            self.retry_after = float(value or 1)
        elif name == "fail":
            self.fail_code = (value or "095").strip()
        elif name in ("moderation", "blocked", "face"):  # upstream refuses human faces the same way
            if value and value.lower() == "http":
                self.moderation_http = True
            elif value:
                raise ValueError("moderation takes no value or =http")
            else:
                self.moderation = True
        elif name == "refuse":
            self.refuse_creates += _count(value)
        elif name == "error_shape":
            if value not in ("standard", "message", "number", "string"):
                raise ValueError("error_shape takes standard, message, number or string")
            self.error_shape = value
        elif name == "slow":
            self.slow_s = float(value or 2)
        elif name in ("hang", "timeout"):
            self.hang_polls += _count(value)
        elif name == "hang_s":
            self.hang_s = float(value or 45)
        elif name == "malformed":
            self.malformed_polls += _count(value)
        elif name in ("drop", "reset"):
            self.drop_polls += _count(value)
        elif name in ("unknown", "unknown_status"):
            if value and not value.isdigit():
                self.unknown_status, self.unknown_status_polls = value, self.unknown_status_polls + 2
            else:
                self.unknown_status_polls += int(value) if value else 2
        elif name == "truncate":
            self.truncate_downloads += _count(value)
        elif name in ("expire", "expired"):
            self.expired_urls += _count(value)
        elif name == "lose":
            self.lose_creates += 1
            mode = (value or "504").lower()
            if mode not in ("504", "drop", "hang"):
                raise ValueError("lose takes 504, drop or hang")
            self.lose_mode = mode
        elif name in ("done", "complete_at_create"):
            self.complete_at_create = True
        elif name == "audio":
            self.audio = True
        else:
            raise ValueError(f"unknown word {name!r}")

    @staticmethod
    def take(counter: list[int]) -> int | None:
        """Pop the next status of a list counter, or None when it is used up."""
        return counter.pop(0) if counter else None

    def take_count(self, name: str) -> bool:
        """Consume one unit of an int counter; True if the fault fires now."""
        left = int(getattr(self, name))
        if left > 0:
            setattr(self, name, left - 1)
            return True
        return False
