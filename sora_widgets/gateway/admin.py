"""The teacher's client of a gateway's admin API (what the Classroom widget and notebook use)."""

from __future__ import annotations

import urllib.parse
from decimal import Decimal
from typing import Any

from ..transport.json_api import JsonApi
from .app import ADMIN_PREFIX

__all__ = ["GatewayAdmin"]


class GatewayAdmin:
    """Students, budgets and the class's videos, over HTTP with the teacher's admin key.

    Example:
        >>> from sora_widgets.gateway import Gateway
        >>> from sora_widgets.simulator import Simulator
        >>> gateway = Gateway(upstream_app=Simulator(speed="instant").app)
        >>> admin_key = gateway.store.add("teacher", admin=True)
        >>> _ = gateway.store.add("alice", "5.00")
        >>> admin = GatewayAdmin("http://gateway.invalid", admin_key, app=gateway.app)  # or its URL
        >>> [(s["name"], s["budget"], s["remaining"]) for s in await admin.students() if not s["admin"]]
        [('alice', '5.00', '5.00')]
        >>> await admin.aclose()

    The key is held by the HTTP client only: it is not an attribute and is never shown.
    """

    def __init__(self, url: str, admin_key: str, *, app: Any = None, httpx_transport: Any = None) -> None:
        self.url = url.rstrip("/")
        self._api = JsonApi(self.url, admin_key, app=app, httpx_transport=httpx_transport)

    def __repr__(self) -> str:
        return f"GatewayAdmin({self.url!r})"

    @staticmethod
    def _path(name: str, action: str) -> str:
        return f"{ADMIN_PREFIX}/students/{urllib.parse.quote(name, safe='')}/{action}"

    async def students(self) -> list[dict[str, Any]]:
        """Every student's line: budget, spent, reserved, remaining, task counts, last activity."""
        data = await self._api.call("GET", f"{ADMIN_PREFIX}/students")
        return list(data.get("students", []))

    async def wall(self, limit: int = 12) -> list[dict[str, Any]]:
        """The class's latest finished videos with their prompts (fresh links)."""
        data = await self._api.call("GET", f"{ADMIN_PREFIX}/wall?limit={int(limit)}")
        return list(data.get("videos", []))

    async def tasks(self, student: str | None = None) -> list[dict[str, Any]]:
        """Tasks, newest first (with "outcome unknown" ones, which are never resent)."""
        query = f"?student={urllib.parse.quote(student)}" if student else ""
        data = await self._api.call("GET", f"{ADMIN_PREFIX}/tasks{query}")
        return list(data.get("tasks", []))

    async def add(self, name: str, budget: Decimal | str | float) -> str:
        """A new student; returns their key (shown once)."""
        data = await self._api.call("POST", f"{ADMIN_PREFIX}/students", {"name": name, "budget": str(budget)})
        return str(data["key"])

    async def revoke(self, name: str) -> dict[str, Any]:
        """Stop a student's key at once."""
        return dict(await self._api.call("POST", self._path(name, "revoke"), {}))

    async def reset(self, name: str) -> dict[str, Any]:
        """Spent back to $0; "outcome unknown" tasks written off."""
        return dict(await self._api.call("POST", self._path(name, "reset"), {}))

    async def top_up(self, name: str, amount: Decimal | str | float) -> dict[str, Any]:
        """Raise a budget by ``amount`` dollars."""
        return dict(await self._api.call("POST", self._path(name, "budget"), {"add": str(amount)}))

    async def set_budget(self, name: str, amount: Decimal | str | float) -> dict[str, Any]:
        """Set a budget to ``amount`` dollars."""
        return dict(await self._api.call("POST", self._path(name, "budget"), {"budget": str(amount)}))

    async def aclose(self) -> None:
        """Close the connection."""
        await self._api.aclose()
