"""A fake clock and sleep shared by the retry and client tests."""

from __future__ import annotations

import asyncio


class FakeTime:
    """A clock that advances only when someone sleeps (and yields so others can run)."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)
