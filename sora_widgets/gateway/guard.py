"""Connection limits and a header deadline under the gateway's HTTP server.

Anyone who can reach the port can open connections, no key needed. Without limits, a few hundred
half-sent requests held open forever use up the process's file descriptors, and real students'
polls wait in the kernel's queue until they time out. uvicorn bounds a request's header *size*
but not the *time* it may take, and its keep-alive timer is reset by every byte, so the guard
adds what is missing, per connection, on the event loop (no thread, no extra task):

- a **header deadline**: a connection that has not sent a whole request head within
  ``header_timeout_s`` of opening (or of its previous answer) is closed;
- a **connection limit** per client address and in total: a connection over either limit gets
  ``429`` with ``Retry-After`` (a status a client retries, creates included,
  because nothing was read) at once and is closed, so one machine cannot take every slot.

The body's deadline is the app's (:meth:`Gateway._read_body`): only a student with a key gets
that far. Behind a reverse proxy every connection comes from the proxy's address: set
``max_per_client`` to 0 there and let the proxy limit per client (README, "Serving a network").
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any

__all__ = ["ACCEPT_BACKLOG", "ConnectionLimits", "guarded_protocol"]

# The kernel's queue of connections not yet accepted, and how many asyncio accepts in one go:
# each takes a file before the guard sees it, so a flood must not be accepted two thousand at
# once (uvicorn's default) when the process may open a thousand files.
ACCEPT_BACKLOG = 64

_BUSY_BODY = b'{"message": "Too many connections from this address, or in all; try again"}'
_BUSY = (
    b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(_BUSY_BODY), _BUSY_BODY)
)


@dataclass(frozen=True)
class ConnectionLimits:
    """How long a client may take and how many connections it may hold.

    Args:
        header_timeout_s: a request head must arrive whole within this many seconds of the
            connection opening or of the previous answer (0: no deadline).
        body_timeout_s: a request body must arrive whole within this many seconds (a 16 MiB
            body at 300 KB/s takes under a minute).
        max_connections: open connections in all; more are answered 429 and closed. Keep it
            well under the process's file limit (``ulimit -n``, often 1024).
        max_per_client: open connections from one address (0: no per-address limit, for a
            gateway behind a reverse proxy). A student's notebook uses a handful.
    """

    header_timeout_s: float = 10.0
    body_timeout_s: float = 60.0
    max_connections: int = 512
    max_per_client: int = 32

    def __post_init__(self) -> None:
        if self.header_timeout_s < 0 or self.body_timeout_s <= 0:
            raise ValueError("timeouts must be positive (header_timeout_s may be 0: no deadline)")
        if self.max_connections < 1 or self.max_per_client < 0:
            raise ValueError("max_connections must be at least 1 and max_per_client at least 0")


def guarded_protocol(limits: ConnectionLimits) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol with ``limits`` applied (pass it as ``uvicorn.Config(http=...)``).

    The counts live in this closure: one served app, one event loop, so no lock is needed.
    """
    from uvicorn.protocols.http.h11_impl import H11Protocol

    per_client: Counter[str] = Counter()

    class GuardedH11Protocol(H11Protocol):
        _guard_host = ""
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._guard_host = self.client[0] if self.client else ""
            per_client[self._guard_host] += 1
            crowded = limits.max_per_client and per_client[self._guard_host] > limits.max_per_client
            if crowded or len(self.connections) > limits.max_connections:
                transport.write(_BUSY)
                transport.close()
                return
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            per_client[self._guard_host] -= 1
            if per_client[self._guard_host] <= 0:
                del per_client[self._guard_host]
            super().connection_lost(exc)

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not None and not self.cycle.response_complete:
                self._disarm()  # a whole head arrived: the app (and its body deadline) has it

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
                self._arm()  # the next request's head is on the clock again

        def _arm(self) -> None:
            self._disarm()
            if limits.header_timeout_s:
                self._deadline = self.loop.call_later(limits.header_timeout_s, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            self._deadline = None
            if (self.cycle is None or self.cycle.response_complete) and not self.transport.is_closing():
                self.transport.close()

    return GuardedH11Protocol
