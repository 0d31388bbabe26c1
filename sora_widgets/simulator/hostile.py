"""A hostile gateway: a raw-socket HTTP server on loopback that answers with exactly the bytes
a scenario scripts, however broken.

The simulator proper (an ASGI app) can only send well-formed HTTP; the answers that broke
clients in practice are not: JSON nested 100 000 levels deep, a gzip body that unpacks to
megabytes, a ``Retry-After`` of a day on a 200, a cost of ``1e999999999``, result URLs that
are not URLs, terminal escape sequences in error messages, a video cut off with no
``Content-Length``. Each :class:`Scenario` in :data:`SCENARIOS` is one of those, with what a
trustworthy client must do about it (``expect``).

Example:
    >>> import sora_widgets as sw
    >>> with HostileServer(SCENARIOS["deep-poll"]) as server:   # two polls nest 100 000 levels deep
    ...     client = sw.SoraClient("key", connect=server.base_url)
    ...     video = client.generate_sync(prompt="A kite at dusk")
    ...     client.close()
    >>> SCENARIOS["deep-poll"].expect, video.path.exists()
    ('video', True)
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import socket
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..models.wire import task_payload

__all__ = ["SCENARIOS", "HostileServer", "Scenario", "http_answer", "video_bytes"]

TASK_ID = "hostile0001"
MODEL = "sora_2_pro_t2v"


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def video_bytes(mdat_bytes: int = 48_000) -> bytes:
    """A stand-in MP4: ``ftyp``, ``moov`` and ``mdat`` boxes that tile the file exactly."""
    ftyp = _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41")
    moov = _box(b"moov", _box(b"mvhd", bytes(100)))
    return ftyp + moov + _box(b"mdat", bytes((i * 7) % 251 for i in range(mdat_bytes)))


VIDEO = video_bytes()


def http_answer(
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
    *,
    content_length: bool = True,
) -> bytes:
    """The raw bytes of an HTTP/1.1 answer (``Connection: close``; body delimited by the close
    when ``content_length`` is False)."""
    lines = [f"HTTP/1.1 {status} X", "Connection: close"]
    given = {k.lower(): v for k, v in (headers or {}).items()}
    given.setdefault("content-type", "application/json")
    if content_length and "content-length" not in given:
        given["content-length"] = str(len(body))
    lines += [f"{k}: {v}" for k, v in given.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> bytes:
    return http_answer(status, json.dumps(data).encode(), headers)


Answer = Callable[["HostileServer"], bytes]


def _task(status: str, **extra: Any) -> Answer:
    def answer(server: HostileServer) -> bytes:
        return _json(
            task_payload(task_id=TASK_ID, model=MODEL, status=status, created_at=1_763_000_000, **extra)
        )

    return answer


def _completed(*, url: str | None = None, size: int | None = len(VIDEO), **extra: Any) -> Answer:
    def answer(server: HostileServer) -> bytes:
        payload = task_payload(
            task_id=TASK_ID,
            model=MODEL,
            status="completed",
            created_at=1_763_000_000,
            video_url=url if url is not None else f"{server.base_url}/files/{TASK_ID}.mp4",
            video_size=size,
            job_id=f"video_{TASK_ID}",
            duration="4",
            **extra,
        )
        return _json(payload)

    return answer


def _raw(data: bytes) -> Answer:
    return lambda server: data


def _patched(
    base: Answer, change: Callable[[dict[str, Any]], None], headers: dict[str, str] | None = None
) -> Answer:
    """``base``'s JSON with ``change`` applied (to put hostile values where a dataclass would not)."""

    def answer(server: HostileServer) -> bytes:
        raw = base(server)
        data = json.loads(raw.split(b"\r\n\r\n", 1)[1])
        change(data)
        return _json(data, headers=headers)

    return answer


def _deep(levels: int = 100_000) -> bytes:
    return b"[" * levels + b"]" * levels


CREATED = _task("pending")
DONE = _completed()


@dataclass(frozen=True)
class Scenario:
    """One hostile gateway behaviour and what the client must do about it.

    Attributes:
        name: short id.
        what: what the server does, in words.
        expect: ``"video"`` (a verified file identical to :data:`VIDEO`) or the name of the
            SoraError the client must raise.
        create: the create answer.
        polls: poll answers in order; the last one repeats.
        download: the answer to the result URL.
        exit_code: what ``sora-widgets generate`` must exit with.
    """

    name: str
    what: str
    expect: str
    create: Answer = CREATED
    polls: tuple[Answer, ...] = (DONE,)
    download: Answer = field(default=lambda server: http_answer(200, VIDEO, {"content-type": "video/mp4"}))
    exit_code: int = 0


def _s(*args: Any, **kwargs: Any) -> tuple[str, Scenario]:
    scenario = Scenario(*args, **kwargs)
    return scenario.name, scenario


_ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[31mred\u202e"


@functools.lru_cache(maxsize=1)
def _gzip_bomb_json() -> bytes:
    return gzip.compress(b" " * 20_000_000)


@functools.lru_cache(maxsize=1)
def _gzip_tail_video() -> bytes:
    # The whole video, then 20 MB of empty gzip members: they unpack to nothing, so a client
    # that only counts unpacked bytes would read on for as long as the server sends.
    return gzip.compress(VIDEO) + gzip.compress(b"") * 1_000_000


@functools.lru_cache(maxsize=1)
def _gzip_bomb_video() -> bytes:
    return gzip.compress(VIDEO + bytes(60_000_000))


SCENARIOS: dict[str, Scenario] = dict(
    [
        _s("baseline", "a well-behaved gateway", "video"),
        _s(
            "deep-create",
            "the create answer nests 100 000 levels deep",
            "UnknownOutcomeError",
            create=_raw(http_answer(200, _deep())),
            exit_code=4,
        ),
        _s(
            "huge-create",
            "the create answer is 3 MB",
            "UnknownOutcomeError",
            create=_raw(http_answer(200, b'{"id": "' + b"x" * 3_000_000 + b'"}')),
            exit_code=4,
        ),
        _s(
            "binary-create",
            "the create answer is binary garbage",
            "UnknownOutcomeError",
            create=_raw(http_answer(200, bytes(range(256)) * 4)),
            exit_code=4,
        ),
        _s(
            "deep-poll",
            "two polls answer JSON nested 100 000 levels deep",
            "video",
            polls=(_raw(http_answer(200, _deep())), _raw(http_answer(200, _deep())), DONE),
        ),
        _s(
            "huge-poll",
            "a poll answers 3 MB with no end in sight",
            "video",
            polls=(_raw(http_answer(200, b" " * 3_000_000, content_length=False)), DONE),
        ),
        _s(
            "gzip-bomb-poll",
            "a poll answers 20 kB of gzip that unpacks to 20 MB",
            "video",
            polls=(lambda server: http_answer(200, _gzip_bomb_json(), {"content-encoding": "gzip"}), DONE),
        ),
        _s(
            "garbage-poll",
            "a poll answers binary garbage",
            "video",
            polls=(_raw(http_answer(200, b"\x00\xff" * 500)), DONE),
        ),
        _s(
            "wrong-shape-poll",
            "a poll's status is an object and its id a list",
            "video",
            polls=(_raw(_json({"id": [1, 2], "status": {"a": 1}})), DONE),
        ),
        _s(
            "other-task-poll",
            "a poll answers about another task",
            "video",
            polls=(_patched(_task("in_progress"), lambda d: d.update(id="someone-else")), DONE),
        ),
        _s(
            "retry-after-200",
            "a 200 poll says Retry-After: 86400",
            "video",
            polls=(
                _patched(_task("in_progress", progress=0.5), lambda d: None, {"Retry-After": "86400"}),
                DONE,
            ),
        ),
        _s(
            "retry-after-date",
            "a 503 says Retry-After: a date in the year 9999",
            "video",
            polls=(
                _raw(_json({"message": "busy"}, 503, {"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"})),
                DONE,
            ),
        ),
        _s(
            "huge-cost",
            "the completed task costs 1e999999999",
            "video",
            polls=(
                _patched(DONE, lambda d: d.update(usage={"cost": "1e999999999", "unit_price": "9e99999"})),
            ),
        ),
        _s(
            "huge-size",
            "the completed task reports a size of 1e300 bytes",
            "video",
            polls=(_patched(DONE, lambda d: d["output"][0]["content"][0].update(size="1e300")),),
        ),
        _s(
            "control-failure",
            "a failed task's message carries terminal escape sequences",
            "GenerationFailed",
            polls=(_task("failed", error_code="002999095", error_message=f"boom{_ESCAPES}"),),
            exit_code=3,
        ),
        _s(
            "control-refusal",
            "the create is refused (400) with escape sequences",
            "BadRequestError",
            create=_raw(_json({"message": f"no{_ESCAPES}"}, 400)),
            exit_code=1,
        ),
        _s(
            "url-bad-ipv6",
            "the result URL is http://[::1/...",
            "DownloadError",
            polls=(_completed(url="http://[::1/v.mp4"),),
            exit_code=1,
        ),
        _s(
            "url-nul",
            "the result URL contains a NUL byte",
            "DownloadError",
            polls=(_completed(url="https://cdn.example/v\x00.mp4"),),
            exit_code=1,
        ),
        _s(
            "url-ftp",
            "the result URL is an ftp:// link",
            "DownloadError",
            polls=(_completed(url="ftp://cdn.example/v.mp4"),),
            exit_code=1,
        ),
        _s(
            "url-javascript",
            "the result URL is javascript:",
            "DownloadError",
            polls=(_completed(url="javascript:alert(1)"),),
            exit_code=1,
        ),
        _s(
            "redirect-file",
            "the download redirects to file:///etc/passwd",
            "DownloadError",
            download=_raw(http_answer(302, b"", {"location": "file:///etc/passwd"})),
            exit_code=1,
        ),
        _s(
            "cut-no-length",
            "the video is cut in half, no Content-Length (the task gave its size)",
            "DownloadError",
            download=_raw(
                http_answer(
                    200, VIDEO[: len(VIDEO) // 2], {"content-type": "video/mp4"}, content_length=False
                )
            ),
            exit_code=1,
        ),
        _s(
            "cut-no-size-at-all",
            "the video is cut, no Content-Length and no size from the task",
            "DownloadError",
            polls=(_completed(size=None),),
            download=_raw(
                http_answer(200, VIDEO[:-1000], {"content-type": "video/mp4"}, content_length=False)
            ),
            exit_code=1,
        ),
        _s(
            "cut-with-length",
            "the video stops early although Content-Length says more",
            "DownloadError",
            download=_raw(
                http_answer(
                    200, VIDEO[:-5000], {"content-type": "video/mp4", "content-length": str(len(VIDEO))}
                )
            ),
            exit_code=1,
        ),
        _s(
            "wrong-task-size",
            "the task reports 100 bytes more than the file has",
            "DownloadError",
            polls=(_completed(size=len(VIDEO) + 100),),
            exit_code=1,
        ),
        _s(
            "gzip-video",
            "the video comes gzip-packed although identity was asked",
            "video",
            download=_raw(
                http_answer(
                    200, gzip.compress(VIDEO), {"content-type": "video/mp4", "content-encoding": "gzip"}
                )
            ),
        ),
        _s(
            "deflate-video",
            "the video comes deflate-packed",
            "video",
            download=_raw(
                http_answer(
                    200, zlib.compress(VIDEO), {"content-type": "video/mp4", "content-encoding": "deflate"}
                )
            ),
        ),
        _s(
            "gzip-bomb-video",
            "a small gzip answer unpacks to 60 MB",
            "DownloadError",
            download=lambda server: http_answer(
                200, _gzip_bomb_video(), {"content-type": "video/mp4", "content-encoding": "gzip"}
            ),
            exit_code=1,
        ),
        _s(
            "gzip-empty-members",
            "a gzip video followed by 20 MB of members that unpack to nothing, no Content-Length",
            "DownloadError",
            download=lambda server: http_answer(
                200,
                _gzip_tail_video(),
                {"content-type": "video/mp4", "content-encoding": "gzip"},
                content_length=False,
            ),
            exit_code=1,
        ),
        _s(
            "html-video",
            "the result link answers an HTML login page",
            "DownloadError",
            download=_raw(http_answer(200, b"<html>sign in</html>", {"content-type": "text/html"})),
            exit_code=1,
        ),
    ]
)


class HostileServer:
    """Serves one :class:`Scenario` on ``127.0.0.1`` (a free port), one thread per connection.

    Requests are read just far enough to route them: ``POST`` -> the create answer, ``GET
    .../task/...`` -> the next poll answer, anything else -> the download answer. Every answer
    is sent as scripted bytes, then the connection is closed.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._polls = 0
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()
        self.requests: list[tuple[str, str]] = []

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def start(self) -> HostileServer:
        """Start accepting connections in a background thread."""
        thread = threading.Thread(target=self._accept, name="hostile-accept", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop accepting and close the listening socket."""
        self._stopped.set()
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            worker = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            worker.start()

    def _answer_for(self, method: str, path: str) -> bytes:
        scenario = self.scenario
        with self._lock:
            self.requests.append((method, path))
            if method == "POST":
                return scenario.create(self)
            if "/task/" in path:
                answer = scenario.polls[min(self._polls, len(scenario.polls) - 1)]
                self._polls += 1
                return answer(self)
        return scenario.download(self)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            try:
                data = b""
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                head, _, rest = data.partition(b"\r\n\r\n")
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                method, path = request_line.split(" ")[:2]
                length = 0
                for line in header_lines:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length" and value.strip().isdigit():
                        length = int(value.strip())
                while len(rest) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    rest += chunk
                conn.sendall(self._answer_for(method, path))
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_WR)
            except (OSError, ValueError):
                return


@contextlib.contextmanager
def serving(name: str) -> Iterator[HostileServer]:
    """A :class:`HostileServer` for the scenario called ``name``, started and stopped."""
    with HostileServer(SCENARIOS[name]) as server:
        yield server
