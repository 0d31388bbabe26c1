"""Serve an ASGI app with uvicorn in a thread, and run a server until Ctrl+C: one copy.

Both the simulator and the class gateway use these (neither imports the other). uvicorn is
imported only when a server starts.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Literal

__all__ = ["run_until_interrupted", "serve_asgi"]


@contextlib.contextmanager
def serve_asgi(
    app: Any,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    log_level: str = "warning",
    lifespan: Literal["auto", "on", "off"] = "on",
    what: str = "server",
    join_timeout: float = 10.0,
    on_stop: Callable[[], None] | None = None,
    options: dict[str, Any] | None = None,
) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a background thread; yield its base URL.

    The socket is bound before the thread starts, so the URL works as soon as it is yielded and
    ``port=0`` picks a free port without races. ``what`` names the server in the thread name and
    in the error if it does not start; ``on_stop`` runs first when the block ends; ``options``
    are more ``uvicorn.Config`` arguments (the gateway's guarded protocol and accept backlog).
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    bound = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level=log_level,
        lifespan=lifespan,
        access_log=False,
        timeout_graceful_shutdown=2,
        timeout_keep_alive=5,
        **(options or {}),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"{what}-uvicorn"
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    if not server.started:
        server.should_exit = True
        sock.close()
        raise RuntimeError(f"the {what} server did not start")
    shown = f"[{host}]" if ":" in host else host
    try:
        yield f"http://{shown}:{bound}"
    finally:
        if on_stop is not None:
            on_stop()
        server.should_exit = True
        thread.join(timeout=join_timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)
        sock.close()


def run_until_interrupted(
    serving: AbstractContextManager[str], banner: Callable[[str], str], close: Callable[[], None]
) -> int:
    """Serve until Ctrl+C or SIGTERM: the URL on stdout, ``banner(url)`` on stderr; then ``close()``."""

    def _stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)  # `kill` stops it as cleanly as Ctrl+C
    try:
        with serving as url:
            print(url, flush=True)
            print(banner(url), file=sys.stderr, flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        close()
    return 0
