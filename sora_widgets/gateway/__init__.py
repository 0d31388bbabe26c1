"""A classroom gateway: students generate real videos through it without ever holding the key.

It speaks the Vtrix generation contract (``POST /model/v1/generation``,
``GET /model/v1/generation/task/{id}``), so the unchanged client, widgets, notebooks and the
vendor CLI work through it with ``VTRIX_BASE_URL`` set to the gateway and ``VTRIX_API_KEY`` to a
student key. It forwards to the real API (or a simulator) with the teacher's key, within the
budget the teacher set for each student.

```
sora-widgets gateway serve --port 8770 --upstream https://cloud.vtrix.ai
sora-widgets gateway add alice --budget 5.00        # prints alice's key
sora-widgets gateway usage
sora-widgets gateway revoke alice | reset alice | set-budget alice 8.00
```

| module | job |
|---|---|
| ``app.py`` | the ASGI app (Starlette): auth, limits, pricing, forwarding, the admin API |
| ``store.py`` | students, hashed keys, budgets and tasks in SQLite or PostgreSQL; atomic reservations |
| ``upstream.py`` | forwarding through :mod:`sora_widgets.transport`, outcomes as data |
| ``ratelimit.py`` | per-student token buckets |
| ``admin.py`` | :class:`GatewayAdmin`, the teacher's async client of the admin API |
| ``cli.py`` | ``sora-widgets gateway ...`` |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Gateway", "GatewayAdmin", "Limit", "Store", "open_store"]

_EXPORTS = {
    "Gateway": ".app",
    "GatewayAdmin": ".admin",
    "Limit": ".ratelimit",
    "Store": ".store",
    "open_store": ".store",
}


def __getattr__(name: str) -> Any:
    import importlib

    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sora_widgets.gateway' has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)


if TYPE_CHECKING:  # pragma: no cover
    from .admin import GatewayAdmin
    from .app import Gateway
    from .ratelimit import Limit
    from .store import Store, open_store
