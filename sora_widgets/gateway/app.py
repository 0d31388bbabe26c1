"""The class gateway's HTTP face: the Vtrix contract for students, a small admin API for the teacher.

Students' calls (``Authorization: Bearer <student key>``):

- ``POST /model/v1/generation``: authenticated, rate-limited, size-limited, priced from the
  model catalog, reserved against the student's budget and journaled, then forwarded once
  with the teacher's key. 402 when it does not fit (nothing forwarded).
- ``GET /model/v1/generation/task/{id}``: only the student's own tasks (any other id is 404,
  the same answer as for an id nobody knows); the upstream's answer is passed through and
  settles the budget when the task has ended.

The teacher's calls (an admin key from ``gateway add NAME --admin``), under ``/gateway/v1``:
``GET students``, ``POST students`` (``{"name", "budget"}``: the new key, once), ``POST
students/{name}/revoke|reset|budget`` (``{"budget": "5.00"}`` or ``{"add": "1.00"}``),
``GET wall``, ``GET tasks``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import anyio
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route

from .._constants import (
    CREATE_PATH,
    CREATE_REQUEST_TIMEOUT_S,
    DEFAULT_BASE_URL,
    ENV_API_KEY,
    MODELS_PATH,
    SPEC_PATH,
    TASK_PATH,
)
from .._serve import serve_asgi
from ..errors import ModelUnavailableError, SoraError
from ..models.listing import envelope, list_answer
from ..models.specs import ModelSpec, bundled_specs
from ..models.task import Task
from ..models.wire import http_error
from .checks import BadCreate, Forward, NeedSpec, budget_advice, class_models, read_create
from .guard import ACCEPT_BACKLOG, ConnectionLimits, guarded_protocol
from .ratelimit import Limit, RateLimiter
from .store import Principal, Refusal, Store, StoreError, TaskRow, from_micros, open_store, to_micros
from .upstream import Relay, Upstream

__all__ = ["DEFAULT_MAX_BODY_BYTES", "Gateway", "serve_app"]

log = logging.getLogger("sora_widgets.gateway")
T = TypeVar("T")

# A create body carries at most one reference image as a data URL: a 1280x720 PNG is under
# 4 MB, 5.3 MB in base64. 16 MiB leaves room without letting a client stream without bound.
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
# A journaled create with no answer after this long was cut off by a stopped gateway.
STALE_FORWARD_S = CREATE_REQUEST_TIMEOUT_S + 30.0
# How often a served gateway settles tasks nobody polls (a student closed the notebook).
SETTLE_EVERY_S = 15.0
# Result links expire upstream (hours); the wall asks for a fresh one after this long.
WALL_LINK_REFRESH_S = 20 * 60.0
# A poll writes "last activity" at most this often per student (polls are frequent).
TOUCH_EVERY_S = 30.0
# Store calls run in threads; this bounds them (and PostgreSQL connections) per process.
STORE_THREADS = 8
# Create bodies are parsed in threads; two at a time keep big bodies from crowding the store's.
PARSE_THREADS = 2
ADMIN_PREFIX = "/gateway/v1"


def _error(
    status: int, message: str, headers: dict[str, str] | None = None, *, advice: str | None = None
) -> JSONResponse:
    """An error in the shapes the spec lists (and the simulator sends) for each status; ``advice``
    (what the student should do) replaces the client's generic advice for the status."""
    body, extra = http_error(status, message=message)
    if advice is not None and isinstance(body, dict):
        body["advice"] = advice
    return JSONResponse(body, status_code=status, headers={**extra, **(headers or {})})


def _over_budget(refusal: Refusal, forward: Forward) -> JSONResponse:
    """The 402 for a create that does not fit, with the one piece of advice the student sees."""
    return _error(402, refusal.message(), advice=budget_advice(refusal, forward.spec, forward.seconds))


def _teacher_key(upstream: str, api_key: str | None, in_process: bool) -> str:
    key = api_key or os.environ.get(ENV_API_KEY) or None
    if key is None:
        from ..client import keyring_key

        key = keyring_key()
    if key is None:
        if upstream.rstrip("/") == DEFAULT_BASE_URL and not in_process:
            raise ValueError(
                f"no API key for {DEFAULT_BASE_URL}: set {ENV_API_KEY} (or the keyring) "
                "where the gateway runs"
            )
        key = "sk-rehearsal-no-key"  # a simulator accepts any key
    return key


class Gateway:
    """A classroom gateway: students generate through it, the teacher's key never leaves it.

    Example:
        >>> from sora_widgets.simulator import Simulator
        >>> sim = Simulator(speed="instant")
        >>> gateway = Gateway(upstream_app=sim.app)           # an in-process rehearsal
        >>> key = gateway.store.add("alice", "5.00")
        >>> import sora_widgets as sw
        >>> with gateway.serve() as url:                       # students: VTRIX_BASE_URL=url
        ...     client = sw.SoraClient(key, connect=url, auto_download=False)
        ...     video = client.generate_sync(prompt="A kite at dusk")
        ...     client.close()
        >>> video.prompt, sim.ledger.total_created               # one task made upstream
        ('A kite at dusk', 1)

    Args:
        store: the book (a :class:`Store`), or where it is: a SQLite path or ``postgresql://``
            URL; default ``$SORA_WIDGETS_HOME/gateway/gateway.sqlite3``.
        upstream: the service to forward to.
        api_key: the teacher's key (default ``VTRIX_API_KEY``, then the keyring).
        upstream_app: an ASGI app to forward to in-process instead (a simulator's ``app``).
        limits: per-student rate limits by kind (``create``, ``poll``, ``admin``).
        max_body_bytes: larger request bodies are refused with 413 before they are read whole.
        connection_limits: header and body deadlines, connections per address and in all
            (:class:`~.guard.ConnectionLimits`; the defaults suit a classroom network).
        models: the teacher's allow-list, model id -> USD per second of video (None: the price
            table's price). Default: the two Sora 2 Pro models at their bundled price. Other
            models are refused (400); an allowed model without any price is refused too.
    """

    def __init__(
        self,
        store: Store | str | Path | None = None,
        *,
        upstream: str = DEFAULT_BASE_URL,
        api_key: str | None = None,
        upstream_app: Any = None,
        limits: dict[str, Limit] | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        connection_limits: ConnectionLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        models: Mapping[str, Any] | None = None,
    ) -> None:
        self.store = store if isinstance(store, Store) else open_store(store)
        self.upstream = Upstream(
            upstream, _teacher_key(upstream, api_key, upstream_app is not None), app=upstream_app
        )
        self.limiter = RateLimiter(limits, clock=clock)
        self.models = class_models(models)
        self.max_body_bytes = max_body_bytes
        self.connection_limits = connection_limits if connection_limits is not None else ConnectionLimits()
        self._clock = clock
        self._limiter = anyio.CapacityLimiter(STORE_THREADS)
        self._parsers = anyio.CapacityLimiter(PARSE_THREADS)
        self._touched: dict[str, float] = {}
        self._wall_links: dict[str, float] = {}
        self._stopping = threading.Event()
        swept = self.store.sweep(STALE_FORWARD_S)
        if swept:
            log.warning("%d create(s) cut off by a stopped gateway are now 'outcome unknown'", swept)
        task_route = TASK_PATH.replace("{task_id}", "{task_id:str}")
        self.app = Starlette(
            routes=[
                Route("/", self._index, methods=["GET"]),
                Route("/healthz", self._index, methods=["GET"]),
                Route(CREATE_PATH, self._create, methods=["POST"]),
                Route(task_route, self._poll, methods=["GET"]),
                Route(MODELS_PATH, self._catalog_list, methods=["GET"]),
                Route(SPEC_PATH.replace("{model_id}", "{model_id:str}"), self._catalog_spec, methods=["GET"]),
                Route(f"{ADMIN_PREFIX}/students", self._students, methods=["GET", "POST"]),
                Route(
                    f"{ADMIN_PREFIX}/students/{{name:str}}/{{action:str}}",
                    self._student_action,
                    methods=["POST"],
                ),
                Route(f"{ADMIN_PREFIX}/wall", self._wall, methods=["GET"]),
                Route(f"{ADMIN_PREFIX}/tasks", self._tasks, methods=["GET"]),
            ],
            lifespan=self._lifespan,
        )
        # Starlette's own slash redirect writes the request's Host header into Location.
        self.app.router.redirect_slashes = False
        self.app.router.default = self._not_found

    def __repr__(self) -> str:
        return f"Gateway(upstream={self.upstream.base_url!r}, store={self.store.description!r})"

    async def _not_found(self, scope: Any, receive: Any, send: Any) -> None:
        """404, or for a known path with a trailing slash a relative 307 to the path without it
        (never an absolute URL built from the Host header a client sent)."""
        if scope["type"] != "http":
            await self.app.router.not_found(scope, receive, send)
            return
        path = bytes(scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        bare = path.rstrip("/")
        response: Response = _error(404, "Not Found")
        if path.endswith("/") and bare.startswith("/") and not bare.startswith("//"):
            probe = {**scope, "path": scope["path"].rstrip("/")}
            if any(route.matches(probe)[0] is not Match.NONE for route in self.app.router.routes):
                query = scope.get("query_string", b"").decode("latin-1")
                location = bare + (f"?{query}" if query else "")
                response = Response(status_code=307, headers={"Location": location})
        await response(scope, receive, send)

    async def _db(self, func: Callable[..., T], *args: Any) -> T:
        return await anyio.to_thread.run_sync(lambda: func(*args), limiter=self._limiter)

    # --- lifecycle --------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(self._settle_forever())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self.upstream.aclose()

    async def _settle_forever(self) -> None:
        while True:
            await asyncio.sleep(SETTLE_EVERY_S)
            try:
                await self.settle_once()
            except Exception:  # a bad round must not stop the next one
                log.exception("settling running tasks failed; trying again later")

    async def settle_once(self, limit: int = 20) -> int:
        """Poll upstream for running tasks (oldest first) so budgets settle even when no student
        polls; stale journaled creates become "outcome unknown". Returns tasks polled."""
        await self._db(self.store.sweep, STALE_FORWARD_S)
        rows = await self._db(self.store.running, limit)
        for row in rows:
            if row.upstream_id:
                relay = await self.upstream.poll(row.upstream_id, row.path)
                await self._record(row, relay.task)
        return len(rows)

    def close(self) -> None:
        """Close the book (the HTTP connections close with the served app)."""
        self._stopping.set()
        self.store.close()

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "warning") -> Iterator[str]:
        """Serve on ``host:port`` in a background thread, connections guarded by
        :attr:`connection_limits`; yield the base URL."""
        with serve_app(self.app, host, port, log_level=log_level, limits=self.connection_limits) as url:
            yield url

    # --- auth and limits --------------------------------------------------------------------

    async def _principal(self, request: Request) -> Principal | Response:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            return _error(
                401,
                "Missing API key: send Authorization: Bearer <your class key>",
                {"WWW-Authenticate": "Bearer"},
            )
        who = await self._db(self.store.principal, key)
        if who is None:
            return _error(
                401,
                "Invalid or revoked class key",
                {"WWW-Authenticate": "Bearer"},
                advice="Ask your teacher for your class key, and set it as VTRIX_API_KEY.",
            )
        return who

    async def _admitted(
        self, request: Request, kind: Literal["create", "poll", "admin"]
    ) -> Principal | Response:
        """Who sends ``request`` for a ``kind`` of call, or the 401, 403 or 429 answer to send."""
        who = await self._principal(request)
        if isinstance(who, Response):
            return who
        if kind == "admin" and not who.is_admin:
            return _error(403, "This needs the teacher's admin key (sora-widgets gateway add NAME --admin)")
        limited = self._limited(who.name, kind)
        return limited if limited is not None else who

    def _limited(self, who: str, kind: str) -> Response | None:
        wait = self.limiter.take(who, kind)
        if wait <= 0:
            return None
        seconds = max(1, math.ceil(wait))
        return _error(
            429,
            f"Rate limit exceeded for {who}: wait {seconds} s",
            {"Retry-After": str(seconds)},
        )

    async def _read_body(self, request: Request) -> bytes | Response:
        declared = request.headers.get("content-length")
        too_big = _error(413, f"The request body is larger than {self.max_body_bytes} bytes")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            return too_big
        chunks: list[bytes] = []
        total = 0
        # A body sent a byte at a time would hold the connection for ever: it has a deadline.
        with anyio.move_on_after(self.connection_limits.body_timeout_s):
            try:
                async for chunk in request.stream():
                    total += len(chunk)
                    if total > self.max_body_bytes:
                        return too_big
                    chunks.append(chunk)
            except ClientDisconnect:  # it hung up mid-body: nobody reads the answer, nothing logged
                return _error(400, "The request body was cut off")
            return b"".join(chunks)
        seconds = self.connection_limits.body_timeout_s
        return _error(408, f"The request body did not arrive within {seconds:g} s", {"Connection": "close"})

    # --- students ---------------------------------------------------------------------------

    async def _index(self, request: Request) -> Response:
        return JSONResponse(
            {"service": "sora_widgets class gateway", "endpoints": {"create": CREATE_PATH, "poll": TASK_PATH}}
        )

    async def _create(self, request: Request) -> Response:
        who = await self._admitted(request, "create")
        if isinstance(who, Response):
            return who
        raw = await self._read_body(request)
        if isinstance(raw, Response):
            return raw
        forward = await self._checked(raw)
        if isinstance(forward, Response):
            return forward
        remix = forward.params.get("remix_video_id")
        if remix and not await self._db(self.store.owns_job, who.name, remix):
            return _error(400, "remix_video_id must be one of your own videos")
        held = await self._db(
            lambda: self.store.reserve(
                who.name,
                forward.price,
                model=forward.model,
                prompt=str(forward.params.get("prompt") or "")[:4000],
                seconds=forward.seconds,
                size=forward.params.get("size"),
                # Polled where it was created ({endpoint}/task/{id}), also after a restart.
                path=forward.path if forward.path != CREATE_PATH else None,
            )
        )
        if isinstance(held, Refusal):
            log.info("create by %s refused: budget", who.name)
            return _over_budget(held, forward)
        # The task is journaled (state "forwarding"); from here it is sent exactly once.
        try:
            relay = await self.upstream.create(forward.body, forward.path)
        except Exception:  # the request may have gone out: keep the money held, never resend
            log.exception("create by %s: forwarding broke; kept as outcome unknown", who.name)
            await self._db(self.store.unknown, held, "the gateway broke while forwarding")
            return _error(
                502, "The class gateway broke while forwarding; your teacher sees it as 'outcome unknown'."
            )
        await self._settle_create(who.name, held, relay)
        return self._relay(relay)

    async def _checked(self, raw: bytes) -> Forward | Response:
        """The create checked and rebuilt (off the event loop), or the 4xx/5xx that refuses it."""
        for _ in range(2):  # a second time once an allowed model's spec has been read
            try:
                # Parsing up to 16 MiB takes a while: in a thread of its own, never on the event loop.
                return await anyio.to_thread.run_sync(
                    read_create, raw, self.max_body_bytes, self.models, limiter=self._parsers
                )
            except BadCreate as exc:
                return _error(400, str(exc))
            except NeedSpec as need:
                try:
                    self.models.specs[need.model] = await self.upstream.spec(need.model)
                except ModelUnavailableError as exc:
                    return _error(404, str(exc))
                except SoraError as exc:
                    return _error(502, f"The class gateway could not read {need.model}'s spec: {exc}")
        return _error(502, "The class gateway could not read the model's spec.")

    async def _catalog_list(self, request: Request) -> Response:
        """The models this class may use, in the catalog's envelope (no key needed, as upstream)."""
        specs = [await self._allowed_spec(m) for m in sorted(self.models.allowed)]
        status, body = list_answer([s.info() for s in specs if s is not None], request.query_params)
        return JSONResponse(body, status_code=status)

    async def _catalog_spec(self, request: Request) -> Response:
        """An allowed model's spec, its endpoint on this gateway (creates come here, priced)."""
        model_id = request.path_params["model_id"]
        spec = await self._allowed_spec(model_id)
        if spec is None:
            return _envelope(None, 404, f"Model not found: {model_id} (not on this class's list)")
        wire = spec.to_wire()
        wire["api"]["endpoint"] = str(request.base_url).rstrip("/") + CREATE_PATH
        return _envelope(wire)

    async def _allowed_spec(self, model_id: str) -> ModelSpec | None:
        """An allowed model's spec: bundled (Sora), read before, or read from the service now."""
        if model_id not in self.models.allowed:
            return None
        spec = next((s for s in bundled_specs() if s.model_id == model_id), None)
        spec = spec or self.models.specs.get(model_id)
        if spec is None:
            with contextlib.suppress(SoraError):
                spec = self.models.specs[model_id] = await self.upstream.spec(model_id)
        return spec

    async def _settle_create(self, name: str, held: str, relay: Relay) -> None:
        if relay.outcome == "created" and relay.task is not None:
            await self._db(self.store.forwarded, held, relay.task.id)
            if relay.task.status in ("completed", "failed"):
                await self._record(await self._row(name, relay.task.id), relay.task)
        elif relay.outcome == "refused":
            await self._db(self.store.refused, held, relay.reason)
        else:
            log.warning(
                "create by %s: upstream answer lost (%s); kept as outcome unknown", name, relay.reason
            )
            await self._db(self.store.unknown, held, relay.reason or "the upstream answer was lost")

    async def _row(self, name: str, upstream_id: str) -> TaskRow | None:
        return await self._db(self.store.find, name, upstream_id)

    async def _poll(self, request: Request) -> Response:
        who = await self._admitted(request, "poll")
        if isinstance(who, Response):
            return who
        task_id = request.path_params["task_id"]
        row = await self._row(who.name, task_id)
        if row is None:
            # Exactly the answer for an id nobody knows: another student's id reveals nothing.
            return _error(404, f"task {task_id} not found")
        relay = await self.upstream.poll(task_id, row.path)
        await self._record(row, relay.task)
        now = self._clock()
        if now - self._touched.get(who.name, -math.inf) > TOUCH_EVERY_S:
            self._touched[who.name] = now
            await self._db(self.store.touch, who.name)
        return self._relay(relay)

    async def _record(self, row: TaskRow | None, task: Task | None) -> None:
        """Settle the budget when an upstream answer says the task has ended."""
        if row is None or task is None:
            return
        if task.status == "completed":
            url = task.assets[0].url if task.assets else None
            cost = task.usage.cost if task.usage is not None else None
            if row.state == "completed":
                if url and url != row.video_url:
                    await self._db(self.store.note_url, row.id, url)
                return
            await self._db(
                lambda: self.store.observe(
                    row.id,
                    "completed",
                    cost=to_micros(cost) if cost is not None else None,
                    video_url=url,
                    job_id=task.assets[0].job_id if task.assets else None,
                )
            )
        elif task.status == "failed" and row.state != "failed":
            error = str(task.error) if task.error is not None else "failed"
            await self._db(lambda: self.store.observe(row.id, "failed", error=error))

    @staticmethod
    def _relay(relay: Relay) -> Response:
        return JSONResponse(relay.body, status_code=relay.status, headers=relay.headers)

    # --- the teacher ------------------------------------------------------------------------

    async def _json(self, request: Request) -> dict[str, Any] | Response:
        raw = await self._read_body(request)
        if isinstance(raw, Response):
            return raw
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = None
        return data if isinstance(data, dict) else _error(400, "The request body is not a JSON object")

    async def _students(self, request: Request) -> Response:
        who = await self._admitted(request, "admin")
        if isinstance(who, Response):
            return who
        if request.method == "POST":
            data = await self._json(request)
            if isinstance(data, Response):
                return data
            try:
                key = await self._db(
                    lambda: self.store.add(
                        str(data.get("name", "")), data.get("budget", "0"), admin=bool(data.get("admin"))
                    )
                )
            except StoreError as exc:
                return _error(400, str(exc))
            log.info("%s added %s", who.name, data.get("name"))
            return JSONResponse({"name": str(data.get("name", "")).strip(), "key": key}, status_code=201)
        lines = await self._db(self.store.usage)
        return JSONResponse({"students": [line.to_json() for line in lines]})

    async def _student_action(self, request: Request) -> Response:
        who = await self._admitted(request, "admin")
        if isinstance(who, Response):
            return who
        name, action = request.path_params["name"], request.path_params["action"]
        data = await self._json(request)
        if isinstance(data, Response):
            return data
        actions: dict[str, Callable[[], None]] = {
            "revoke": lambda: self.store.revoke(name),
            "reset": lambda: self.store.reset(name),
            "budget": lambda: (
                self.store.top_up(name, data["add"])
                if "add" in data
                else self.store.set_budget(name, data.get("budget", ""))
            ),
        }
        if action not in actions:
            return _error(404, f"no action {action!r}; use revoke, reset or budget")
        try:
            await self._db(actions[action])
        except StoreError as exc:
            return _error(404 if "no student" in str(exc) else 400, str(exc))
        log.info("%s: %s %s", who.name, action, name)
        line = next((u for u in await self._db(self.store.usage) if u.name == name), None)
        return JSONResponse(line.to_json() if line is not None else {})

    async def _wall(self, request: Request) -> Response:
        who = await self._admitted(request, "admin")
        if isinstance(who, Response):
            return who
        limit = _int_param(request, "limit", 12, 1, 100)
        rows = await self._db(self.store.wall, limit)
        now = self._clock()
        items = []
        for row in rows:
            url = row.video_url
            fetched = self._wall_links.get(row.id)
            if row.upstream_id and fetched is not None and now - fetched > WALL_LINK_REFRESH_S:
                relay = await self.upstream.poll(row.upstream_id, row.path)
                if relay.task is not None and relay.task.assets:
                    url = relay.task.assets[0].url
                    await self._db(self.store.note_url, row.id, url)
                fetched = now
            self._wall_links[row.id] = fetched if fetched is not None else now
            items.append(_wall_item(row, url))
        return JSONResponse({"videos": items})

    async def _tasks(self, request: Request) -> Response:
        who = await self._admitted(request, "admin")
        if isinstance(who, Response):
            return who
        student = request.query_params.get("student") or None
        rows = await self._db(self.store.tasks, student, _int_param(request, "limit", 200, 1, 1000))
        return JSONResponse({"tasks": [_task_item(r) for r in rows]})


def _envelope(data: object, code: int = 0, message: str = "success") -> JSONResponse:
    status, body = envelope(data, code, message)
    return JSONResponse(body, status_code=status)


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.query_params.get(name, default))
    except ValueError:
        value = default
    return min(high, max(low, value))


def _money(micros: int | None) -> str | None:
    return f"{from_micros(micros):.2f}" if micros is not None else None


def _task_item(row: TaskRow) -> dict[str, Any]:
    return {
        "id": row.upstream_id,
        "student": row.student,
        "state": row.state,
        "model": row.model,
        "prompt": row.prompt,
        "seconds": row.seconds,
        "size": row.size,
        "reserved": _money(row.reserved),
        "cost": _money(row.cost),
        "error": row.error,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def _wall_item(row: TaskRow, url: str | None) -> dict[str, Any]:
    safe = url if url and url.startswith(("https://", "http://")) else None
    return {**_task_item(row), "url": safe}


def serve_app(
    app: Any,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    log_level: str = "warning",
    limits: ConnectionLimits | None = None,
) -> contextlib.AbstractContextManager[str]:
    """Run an ASGI app with uvicorn in a background thread (lifespan on); yield its base URL.

    The socket is bound before the thread starts, so the URL works as soon as it is yielded and
    ``port=0`` picks a free port without races. With ``limits``, connections are guarded (see
    :mod:`.guard`).
    """
    options = {"http": guarded_protocol(limits), "backlog": ACCEPT_BACKLOG} if limits is not None else {}
    return serve_asgi(
        app, host, port, log_level=log_level, lifespan="on", what="gateway", join_timeout=10, options=options
    )
