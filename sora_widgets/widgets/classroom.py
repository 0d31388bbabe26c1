"""Classroom: the teacher's live view of a class gateway (students, budgets, the class's videos)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from decimal import Decimal
from typing import Any

import traitlets as t

from ..errors import SoraError
from ..gateway.admin import GatewayAdmin
from ..models.money import format_money
from ._base import SoraWidget, handles

__all__ = ["Classroom"]

# Often enough to feel live in a lesson, rare enough that thirty open notebooks cost nothing.
DEFAULT_REFRESH_S = 3.0
# The wall shows this many of the latest videos (a projector fits about twelve).
DEFAULT_WALL_SIZE = 12


class Classroom(SoraWidget, front="classroom"):
    """A live table of the class (spent, remaining, running, failed) and a wall of its latest videos.

    Example:
        >>> room = Classroom("http://127.0.0.1:8770", admin_key)   # doctest: +SKIP
        >>> room                                                  # doctest: +SKIP
        >>> await room.top_up("alice", "2.00")                      # doctest: +SKIP

    Each student's row has a top-up box and button and a revoke button (press twice to
    confirm). The admin key (from ``sora-widgets gateway add NAME --admin``) stays in this
    Python object's HTTP client: it is not in the widget's state, its repr, or a saved notebook.

    Args:
        url: the gateway's base URL.
        admin_key: the teacher's admin key.
        refresh_s: seconds between refreshes while the kernel runs (0: only on demand).
        wall_size: how many of the latest videos the wall shows.
        httpx_transport: an httpx transport to reach the gateway with (tests).
    """

    url = t.Unicode("").tag(sync=True)
    students = t.List(t.Dict()).tag(sync=True)
    wall = t.List(t.Dict()).tag(sync=True)
    error = t.Unicode("").tag(sync=True)
    note = t.Unicode("").tag(sync=True)
    updated = t.Unicode("").tag(sync=True)  # local time of the last good refresh
    busy = t.Bool(False).tag(sync=True)

    def __init__(
        self,
        url: str,
        admin_key: str,
        *,
        refresh_s: float = DEFAULT_REFRESH_S,
        wall_size: int = DEFAULT_WALL_SIZE,
        httpx_transport: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(url=url.rstrip("/"), **kwargs)
        self.refresh_s = refresh_s
        self.wall_size = wall_size
        self._admin = GatewayAdmin(url, admin_key, httpx_transport=httpx_transport)
        self._following: asyncio.Task[Any] | None = None
        # Without a running loop (a plain script) nothing refreshes by itself: `await room.refresh()`.
        with contextlib.suppress(RuntimeError):
            self._following = self.in_background(self._follow(), name="classroom-refresh")

    def __repr__(self) -> str:
        return f"Classroom({self.url!r}, students={len(self.students)}, videos={len(self.wall)})"

    # -- data --------------------------------------------------------------------------------

    async def refresh(self) -> None:
        """Fetch the students and the wall now."""
        try:
            students, wall = await asyncio.gather(self._admin.students(), self._admin.wall(self.wall_size))
        except SoraError as exc:
            self.show_error(exc)
            return
        self.students = students
        self.wall = [{k: v for k, v in item.items() if k != "reserved"} for item in wall]
        self.error = ""
        self.updated = time.strftime("%H:%M:%S")

    async def _follow(self) -> None:
        while True:
            await self.refresh()
            if self.refresh_s <= 0:
                return
            await asyncio.sleep(self.refresh_s)

    async def _act(self, text: str, call: Any) -> None:
        self.busy = True
        try:
            await call
            self.note = text
        except SoraError as exc:
            self.show_error(exc)
        finally:
            self.busy = False
        await self.refresh()

    async def revoke(self, name: str) -> None:
        """Stop a student's key at once (their tasks and spending are kept)."""
        await self._act(f"{name}'s key is revoked.", self._admin.revoke(name))

    async def top_up(self, name: str, amount: Decimal | str | float) -> None:
        """Raise a student's budget by ``amount`` dollars."""
        await self._act(
            f"{name}'s budget was topped up by {format_money(amount)}.", self._admin.top_up(name, amount)
        )

    # -- the browser -------------------------------------------------------------------------

    @handles("refresh")
    async def _on_refresh(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        await self.refresh()

    @handles("revoke")
    async def _on_revoke(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        name = str(content.get("name", ""))
        if name:
            await self.revoke(name)

    @handles("top_up")
    def _on_top_up(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        name = str(content.get("name", ""))
        if not name:
            return
        try:
            amount = Decimal(str(content.get("amount", "")).strip().lstrip("$"))
        except ArithmeticError:
            amount = Decimal(0)
        if not amount.is_finite() or amount <= 0:
            self.show_error(f"Top-up for {name}: enter an amount in dollars above 0, such as 2.50.")
            return
        self.in_background(self.top_up(name, amount), name=f"top up {name}")

    async def aclose(self) -> None:
        """Stop refreshing, close the connection to the gateway and the widget."""
        self._background.cancel_all()
        await self._admin.aclose()
        super().close()

    def close(self) -> None:
        """Stop refreshing and close the widget (the connection closes in the background)."""
        self._background.cancel_all()
        with contextlib.suppress(RuntimeError):
            self.in_background(self._admin.aclose(), name="classroom close")
        super().close()
