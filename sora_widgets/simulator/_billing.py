"""What the simulator bills: completed tasks at the simulated catalog's prices, counted per key."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ._store import SimTask, key_fingerprint

__all__ = ["Ledger"]


class Ledger:
    """Created and billed tasks per API key, for tests that prove nothing was made twice.

    Counts come from the task store, so a simulator restarted on the same state directory
    still knows them. Keys are looked up by fingerprint; the ledger never stores a key.

    Example:
        >>> from sora_widgets.simulator import Simulator
        >>> sim = Simulator(speed="instant")
        >>> sim.ledger.created("sk-test"), sim.ledger.billed("sk-test")
        (0, 0)
        >>> sim.close()

    Args:
        tasks: every task the simulator knows.
        is_billed: whether a task is billed (it has completed).
        refusals: creates refused at the HTTP level, per key fingerprint.
        cost_of: what a completed task is billed (USD).
    """

    def __init__(
        self,
        tasks: Callable[[], list[SimTask]],
        is_billed: Callable[[SimTask], bool],
        refusals: dict[str, int],
        cost_of: Callable[[SimTask], Decimal],
    ) -> None:
        self._cost_of = cost_of
        self._tasks = tasks
        self._is_billed = is_billed
        self._refusals = refusals

    def created(self, key: str) -> int:
        """Tasks created with this key (including those whose create answer was lost)."""
        fp = key_fingerprint(key)
        return sum(1 for t in self._tasks() if t.owner == fp)

    def billed(self, key: str) -> int:
        """Tasks of this key that completed (the gateway bills completed tasks only)."""
        fp = key_fingerprint(key)
        return sum(1 for t in self._tasks() if t.owner == fp and self._is_billed(t))

    def refused(self, key: str) -> int:
        """Creates of this key refused at the HTTP level (nothing made)."""
        return self._refusals.get(key_fingerprint(key), 0)

    def cost(self, key: str) -> Decimal:
        """Total billed USD for this key."""
        fp = key_fingerprint(key)
        return sum(
            (self._cost_of(t) for t in self._tasks() if t.owner == fp and self._is_billed(t)),
            Decimal("0"),
        )

    @property
    def total_created(self) -> int:
        """Tasks created with any key."""
        return len(self._tasks())

    @property
    def total_billed(self) -> int:
        """Tasks billed for any key."""
        return sum(1 for t in self._tasks() if self._is_billed(t))

    def by_prompt(self, prompt: str) -> int:
        """Tasks created for this exact prompt (any key): a duplicate shows up as 2."""
        return sum(1 for t in self._tasks() if t.prompt == prompt.strip())

    def __repr__(self) -> str:
        return f"Ledger(created={self.total_created}, billed={self.total_billed})"
