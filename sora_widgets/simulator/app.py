"""The simulator's HTTP face: a Starlette app over :class:`~.engine.Engine`, and a loopback server."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .._constants import CREATE_PATH, MODELS_PATH, SPEC_PATH, TASK_PATH
from .._serve import serve_asgi
from ..models.listing import envelope, list_answer
from ..models.wire import http_error
from ._catalog import SimCatalog, model_not_found
from .engine import (
    DEFAULT_MODERATION_WORDS,
    DEFAULT_RENDER_WORKERS,
    DEFAULT_RESULT_TTL_S,
    DEFAULT_RETENTION_S,
    Engine,
    Ledger,
    Rejection,
    SimTask,
    key_fingerprint,
)
from .faults import FaultPlan

__all__ = ["Simulator"]


# Set in the ASGI scope by serve(): the app runs behind a real socket.
_SERVED_MARK = "sora_widgets.simulator.served"


class _QuietBrokenAnswers(logging.Filter):
    """Drop uvicorn's error line for answers we leave unfinished on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


_QUIET = _QuietBrokenAnswers()


class _BrokenResponse(Response):
    """Starts an answer, sends part of it and stops: the connection breaks mid-answer.

    Over a real server the client sees the connection close before ``Content-Length`` bytes
    arrived; in-process (``httpx.ASGITransport``) it gets a short body.
    """

    def __init__(self, body: bytes, declared_length: int, media_type: str) -> None:
        super().__init__(content=b"", media_type=media_type)
        self._partial = body
        self._declared = declared_length

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [
            (
                b"content-type",
                self.media_type.encode("latin-1") if self.media_type else b"application/octet-stream",
            ),
            (b"content-length", str(self._declared).encode("ascii")),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if scope.get(_SERVED_MARK):
            # Leave the answer unfinished: uvicorn closes the connection before Content-Length.
            await send({"type": "http.response.body", "body": self._partial, "more_body": True})
        else:
            # In-process transports cannot break a connection: a short body is the closest thing.
            await send({"type": "http.response.body", "body": self._partial, "more_body": False})


# Result files are public links, like a CDN's: a page on another origin (JupyterLab, a test
# page) may fetch them, including by byte ranges.
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Length, Content-Range, Accept-Ranges",
}


def _cdn_denied(reason: str) -> Response:
    """403 with an S3-style XML body, as CDNs answer for expired or unsigned links."""
    code = "AccessDenied"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{reason}</Message></Error>"
    )
    return Response(body, status_code=403, media_type="application/xml", headers=_CORS)


def _envelope(data: object, code: int = 0, message: str = "success") -> JSONResponse:
    status, body = envelope(data, code, message)
    return JSONResponse(body, status_code=status)


class Simulator:
    """A local Vtrix gateway that renders real MP4 videos.

    Example:
        >>> import sora_widgets as sw
        >>> sim = Simulator(speed="instant")
        >>> with sim.serve() as base_url:      # a real server on 127.0.0.1, free port
        ...     client = sw.SoraClient("sk-test", connect=base_url)
        ...     video = client.generate_sync(prompt="A kite over a beach at dusk", seconds=4)
        ...     client.close()
        >>> video.path.exists(), sim.ledger.created("sk-test"), sim.ledger.billed("sk-test")
        (True, 1, 1)
        >>> sim.close()

    Args:
        speed: ``"instant"`` (tests), ``"demo"`` (5-15 s, default) or ``"realistic"`` (minutes,
            with a long tail).
        state_dir: where tasks, reference images and videos are kept, so a simulator restarted
            on the same directory still knows its tasks. Default ``$SORA_WIDGETS_HOME/simulator``.
        result_ttl_s: seconds a result URL works after it was handed out (then 403).
        moderation_words: a prompt with one of these words fails moderation.
        faults: the instance-wide :class:`FaultPlan` (also ``sim.faults``, editable live).
        valid_keys: when given, only these bearer keys are accepted (others get 401).
        clock: unix-seconds clock, injectable for tests.
        render_workers: threads that render videos.
        retention_s: at start, tasks older than this (and files no task uses) are removed.
        retired: model ids (or the preset ``"sora"``) that answer "model not found" and leave the
            catalog, to rehearse a model's retirement; ``sim.retire()``/``sim.restore()`` change
            it while running.
        catalog: the models served (default: the bundled Sora specs and the simulated examples).
        fetch_urls: fetch an http(s) ``input_reference`` a client sends. Off by default: in a
            class rehearsal the simulator is the gateway's upstream, and fetching would let any
            student make the teacher's machine request any address on its network. Data URLs
            and uploaded images always work.
        render_scale: draw each video at this share of its size, for tests that never look at
            the pixels' size (``0.25``: 1280x720 is drawn 320x180); answers keep the size asked.
    """

    def __init__(
        self,
        *,
        speed: str = "demo",
        state_dir: str | Path | None = None,
        result_ttl_s: float = DEFAULT_RESULT_TTL_S,
        moderation_words: Iterable[str] = DEFAULT_MODERATION_WORDS,
        faults: FaultPlan | None = None,
        valid_keys: set[str] | None = None,
        clock: Callable[[], float] = time.time,
        render_workers: int = DEFAULT_RENDER_WORKERS,
        retention_s: float = DEFAULT_RETENTION_S,
        retired: Iterable[str] = (),
        catalog: SimCatalog | None = None,
        fetch_urls: bool = False,
        render_scale: float = 1.0,
    ) -> None:
        catalog = catalog if catalog is not None else SimCatalog()
        catalog.retire(*retired)
        self.engine = Engine(
            catalog=catalog,
            speed=speed,
            state_dir=state_dir,
            result_ttl_s=result_ttl_s,
            moderation_words=moderation_words,
            faults=faults,
            clock=clock,
            render_workers=render_workers,
            retention_s=retention_s,
            fetch_urls=fetch_urls,
            render_scale=render_scale,
        )
        self.valid_keys = set(valid_keys) if valid_keys is not None else None
        self.ledger: Ledger = self.engine.ledger
        self._stopping = threading.Event()
        self._told_terminal: set[str] = set()
        task_suffix = TASK_PATH.removeprefix(CREATE_PATH).replace("{task_id}", "{task_id:str}")
        # Every spec's own endpoint takes creates, polled at {endpoint}/task/{id}.
        endpoints = dict.fromkeys([CREATE_PATH, *catalog.endpoint_paths()])
        self.app = Starlette(
            routes=[
                Route("/", self._index, methods=["GET"]),
                Route("/healthz", self._index, methods=["GET"]),
                Route(MODELS_PATH, self._models, methods=["GET"]),
                Route(SPEC_PATH.replace("{model_id}", "{model_id:str}"), self._spec, methods=["GET"]),
                *(Route(path, self._create, methods=["POST"]) for path in endpoints),
                *(Route(path + task_suffix, self._poll, methods=["GET"]) for path in endpoints),
                Route("/files/{name:str}", self._file, methods=["GET", "HEAD"]),
                Route("/files/{name:str}", self._file_preflight, methods=["OPTIONS"]),
            ]
        )

    # --- public helpers ---------------------------------------------------------------------

    @property
    def speed(self) -> str:
        """The lifecycle speed."""
        return self.engine.speed

    @property
    def state_dir(self) -> Path:
        """Where tasks and videos are kept."""
        return self.engine.state_dir

    @property
    def faults(self) -> FaultPlan:
        """The instance-wide fault plan; edit it to inject faults while running."""
        return self.engine.faults

    @faults.setter
    def faults(self, plan: FaultPlan) -> None:
        self.engine.faults = plan

    @property
    def catalog(self) -> SimCatalog:
        """The models served; ``sim.catalog.retired`` names the retired ones."""
        return self.engine.catalog

    def retire(self, *models: str) -> None:
        """Retire models (ids, or ``"sora"`` for both Sora 2 Pro models) while running."""
        self.engine.catalog.retire(*models)

    def restore(self, *models: str) -> None:
        """Serve retired models again."""
        self.engine.catalog.restore(*models)

    def task(self, task_id: str) -> SimTask | None:
        """The stored record of a task (for tests)."""
        return self.engine.get(task_id)

    def wait_rendered(self, task_id: str, timeout: float | None = 120.0) -> None:
        """Block until a task's video file exists (useful with a fake clock)."""
        self.engine.wait_rendered(task_id, timeout)

    def close(self) -> None:
        """Release hanging answers and stop the render workers."""
        self._stopping.set()
        self.engine.close()

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        tasks = self.ledger.total_created
        return f"Simulator(speed={self.speed!r}, tasks={tasks}, state_dir='{self.state_dir}')"

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "warning") -> Iterator[str]:
        """Run the app with uvicorn in a background thread; yield its base URL.

        The socket is bound before the thread starts, so the URL works as soon as it is yielded
        and ``port=0`` picks a free port without races.
        """
        app = self.app

        async def served(scope: Scope, receive: Receive, send: Send) -> None:
            await app({**scope, _SERVED_MARK: True}, receive, send)

        logging.getLogger("uvicorn.error").addFilter(_QUIET)
        self._stopping.clear()
        with serve_asgi(
            served,
            host,
            port,
            log_level=log_level,
            lifespan="off",
            what="simulator",
            join_timeout=5,
            on_stop=self._stopping.set,
        ) as url:
            yield url

    # --- HTTP handlers ----------------------------------------------------------------------

    def _auth(self, request: Request) -> str | Response:
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            body, headers = http_error(401, message="Missing API key: send Authorization: Bearer <key>")
            return JSONResponse(body, status_code=401, headers={**headers, "WWW-Authenticate": "Bearer"})
        if self.valid_keys is not None and key not in self.valid_keys:
            body, headers = http_error(401, message="Invalid API key")
            return JSONResponse(body, status_code=401, headers={**headers, "WWW-Authenticate": "Bearer"})
        return key

    async def _hang(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        # A threading.Event, not asyncio's: close() and serve() set it from other threads and loops.
        while time.monotonic() < end and not self._stopping.is_set():  # noqa: ASYNC110
            await asyncio.sleep(min(0.05, max(0.0, end - time.monotonic())))

    async def _index(self, request: Request) -> Response:
        return JSONResponse(
            {
                "service": "sora_widgets simulator",
                "simulated": True,
                "speed": self.speed,
                "endpoints": {"create": CREATE_PATH, "poll": TASK_PATH, "models": MODELS_PATH},
            }
        )

    async def _models(self, request: Request) -> Response:
        status, body = list_answer(self.catalog.served(), request.query_params)
        return JSONResponse(body, status_code=status)

    async def _spec(self, request: Request) -> Response:
        model_id = request.path_params["model_id"]
        entry = self.catalog.get(model_id)
        if entry is None:
            return _envelope(None, 404, model_not_found(model_id))
        return _envelope(entry.spec_for(str(request.base_url)))

    async def _create(self, request: Request) -> Response:
        key = self._auth(request)
        if isinstance(key, Response):
            return key
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            return JSONResponse({"message": "the request body is not valid JSON"}, status_code=400)
        try:
            # Validation decodes images and may fetch a URL: keep it off the event loop.
            task, plan = await run_in_threadpool(self.engine.create, key, body)
        except Rejection as refusal:
            return JSONResponse(refusal.body, status_code=refusal.status, headers=refusal.headers)
        if plan.slow_s:
            await self._hang(plan.slow_s)
        if plan.lose_creates:
            return await self._lost_answer(task, plan)
        if plan.complete_at_create:
            future = self.engine.complete_now(task)
            if future is not None:
                await asyncio.wrap_future(future)
        return JSONResponse(self.engine.payload(task, str(request.base_url)))

    async def _lost_answer(self, task: SimTask, plan: FaultPlan) -> Response:
        """The task exists (and will be billed), but its creator never learns its id."""
        if plan.lose_mode == "drop":
            text = json.dumps({"id": task.id, "status": "pending"}).encode()
            return _BrokenResponse(text[: len(text) // 3], len(text), "application/json")
        if plan.lose_mode == "hang":
            await self._hang(plan.hang_s)
        body, headers = http_error(504)
        return JSONResponse(body, status_code=504, headers=headers)

    def _polled_at_its_endpoint(self, task: SimTask, request: Request) -> bool:
        """A task is polled at ``{endpoint}/task/{id}`` of its own model's endpoint (the contract):
        another endpoint's poll path does not know it, as the service's routing does not."""
        entry = self.catalog.known(task.model)
        endpoint = entry.endpoint_path if entry is not None else CREATE_PATH
        return request.url.path.startswith(endpoint.rstrip("/") + "/task/")

    async def _poll(self, request: Request) -> Response:
        key = self._auth(request)
        if isinstance(key, Response):
            return key
        task_id = request.path_params["task_id"]
        task = self.engine.get(task_id)
        mine = task is not None and task.owner == key_fingerprint(key)
        if task is None or not mine or not self._polled_at_its_endpoint(task, request):
            body, headers = http_error(404, message=f"task {task_id} not found")
            return JSONResponse(body, status_code=404, headers=headers)
        plan, inst = self.engine.task_faults(task), self.engine.faults
        slow = max(plan.slow_s, inst.slow_s)
        if slow:
            await self._hang(slow)
        if plan.take_count("hang_polls") or inst.take_count("hang_polls"):
            await self._hang(min(plan.hang_s, inst.hang_s))
            body, headers = http_error(504)
            return JSONResponse(body, status_code=504, headers=headers)
        if plan.take_count("drop_polls") or inst.take_count("drop_polls"):
            text = json.dumps(self.engine.payload(task, str(request.base_url))).encode()
            return _BrokenResponse(text[: len(text) // 2], len(text), "application/json")
        status, retry = FaultPlan.take(plan.poll_http), plan.retry_after
        if status is None:
            status, retry = FaultPlan.take(inst.poll_http), inst.retry_after
        if status is not None:
            body, headers = http_error(status, retry_after=retry)
            return JSONResponse(body, status_code=status, headers=headers)
        if plan.take_count("malformed_polls") or inst.take_count("malformed_polls"):
            broken = '{"id": "%s", "status": "in_progress", "progress": 0.4' % task.id  # noqa: UP031
            return Response(broken + ', "output": [{"content": [', media_type="application/json")
        odd_status = None
        # Never after a terminal answer: a finished task does not come back to life.
        if task.id in self._told_terminal:
            pass
        elif plan.take_count("unknown_status_polls"):
            odd_status = plan.unknown_status
        elif inst.take_count("unknown_status_polls"):
            odd_status = inst.unknown_status
        if odd_status is not None:
            payload = self.engine.payload(task, str(request.base_url))
            for field in ("progress", "output", "usage", "error"):
                payload.pop(field, None)
            payload["status"] = odd_status
            return JSONResponse(payload)
        snapshot_status = self.engine.snapshot(task).status
        expired = snapshot_status == "completed" and (
            plan.take_count("expired_urls") or inst.take_count("expired_urls")
        )
        payload = self.engine.payload(task, str(request.base_url), expired_url=expired)
        if payload["status"] in ("completed", "failed"):
            self._told_terminal.add(task.id)
        return JSONResponse(payload)

    async def _file(self, request: Request) -> Response:
        name = request.path_params["name"]
        if not name.endswith(".mp4"):
            return _cdn_denied("NoSuchKey")
        key = name[: -len(".mp4")]
        query = request.query_params
        task_id = query.get("task", "")
        reason = self.engine.check_url(key, task_id, query.get("exp", ""), query.get("sig", ""))
        if reason is not None:
            return _cdn_denied(reason)
        path = self.engine.file_path(key)
        task = self.engine.get(task_id)
        if request.method == "GET" and task is not None and "range" not in request.headers:
            plan, inst = self.engine.task_faults(task), self.engine.faults
            if plan.take_count("truncate_downloads") or inst.take_count("truncate_downloads"):
                data = await run_in_threadpool(path.read_bytes)
                return _BrokenResponse(data[: len(data) // 2], len(data), "video/mp4")
        return FileResponse(
            path, media_type="video/mp4", headers={"Cache-Control": "private, max-age=3600", **_CORS}
        )

    async def _file_preflight(self, request: Request) -> Response:
        return Response(
            status_code=204,
            headers={
                **_CORS,
                "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
                "Access-Control-Allow-Headers": "Range",
                "Access-Control-Max-Age": "600",
            },
        )
