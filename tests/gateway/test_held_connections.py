"""The gateway as a separate process facing a hostile network: half-sent requests, a client that
sends a byte at a time, and a body of millions of tiny objects, while a real student works.

The gateway runs as ``python -m sora_widgets.gateway serve`` with a small file limit (as a
shared machine might give it), so a flood that is not bounded would exhaust it for real.
"""

from __future__ import annotations

import asyncio
import os
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sora_widgets.client import SoraClient
from sora_widgets.gateway.store import open_store

CREATE = "/model/v1/generation"
SHOT = "Wide shot of a red kite over a beach, slow dolly in"
# Far more half-sent requests than the gateway process may open files.
FLOOD = 300
OPEN_FILES = 256


class Served:
    def __init__(self, proc: subprocess.Popen[bytes], url: str, key: str) -> None:
        self.proc, self.url, self.key = proc, url, key
        where = urllib.parse.urlsplit(url)
        self.address = (str(where.hostname), int(where.port or 80))

    def peak_rss_kib(self) -> int:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))


@pytest.fixture
def served(
    tmp_path: Path, sim_url: str, teacher_key: str, request: pytest.FixtureRequest
) -> Iterator[Served]:
    """The gateway CLI in its own process, file limit OPEN_FILES; flags as the (indirect) param."""
    db = tmp_path / "book.sqlite3"
    book = open_store(db)
    key = book.add("ada", "50")
    book.close()
    flags = list(getattr(request, "param", []))

    def small_file_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sora_widgets.gateway",
            "serve",
            "--port",
            "0",
            "--db",
            str(db),
            "--upstream",
            sim_url,
            *flags,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "VTRIX_API_KEY": teacher_key},
        preexec_fn=small_file_limit,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().decode().strip()
    assert url.startswith("http://"), proc.stderr.read().decode() if proc.stderr else ""
    try:
        yield Served(proc, url, key)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
        assert b"Traceback" not in err, err.decode()[-2000:]


def half_sent(address: tuple[str, int], source: str) -> socket.socket | None:
    """A connection from ``source`` that sends part of a request head and never the rest."""
    sock = socket.socket()
    sock.settimeout(2)
    try:
        sock.bind((source, 0))
        sock.connect(address)
        sock.sendall(b"POST /model/v1/generation HTTP/1.1\r\nHost: class\r\nContent-Le")
    except OSError:
        sock.close()
        return None
    sock.setblocking(False)
    return sock


def closed_by_server(sock: socket.socket) -> bytes | None:
    """What the server sent before closing, or None while the connection is still open."""
    try:
        data = sock.recv(4096)
    except BlockingIOError:
        return None
    except OSError:
        return b""
    return data if data == b"" or b"429" in data else None


class Flood:
    """FLOOD half-sent requests from another address, each reopened as soon as the server
    drops it, until stopped; plus one client sending its head a byte every 0.2 s."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.address = address
        self.busy = 0  # closed with a 429: over the per-address limit
        self.timed_out = 0  # closed without a word: let in, then dropped at the header deadline
        self.slow_closed_after: float | None = None
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._flood), threading.Thread(target=self._slow)]

    def __enter__(self) -> Flood:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _flood(self) -> None:
        socks = [half_sent(self.address, "127.0.0.2") for _ in range(FLOOD)]
        while not self._stop.wait(0.05):
            for i, sock in enumerate(socks):
                if sock is None:  # could not connect (the server's backlog was full): try again
                    socks[i] = half_sent(self.address, "127.0.0.2")
                    continue
                said = closed_by_server(sock)
                if said is not None:
                    self.busy += b"429" in said
                    self.timed_out += b"429" not in said
                    sock.close()
                    socks[i] = half_sent(self.address, "127.0.0.2")
        for sock in socks:
            if sock is not None:
                sock.close()

    def _slow(self) -> None:
        head = b"GET /model/v1/generation/task/t1 HTTP/1.1\r\nHost: class\r\n" + b"X-Pad: " + b"a" * 200
        start = time.monotonic()
        with socket.create_connection(self.address, timeout=2, source_address=("127.0.0.3", 0)) as sock:
            for byte in head:
                if self._stop.wait(0.2):
                    return
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    self.slow_closed_after = time.monotonic() - start
                    return


@pytest.mark.parametrize(
    "served",
    [["--header-timeout", "1", "--max-per-client", "16", "--max-connections", "64"]],
    indirect=True,
    ids=["limits"],
)
async def test_a_flood_of_half_sent_requests_does_not_starve_a_students_polls(
    served: Served, tmp_path: Path
) -> None:
    client = SoraClient(served.key, connect=served.url, download_dir=tmp_path / "videos", journal=False)
    try:
        with Flood(served.address) as flood:
            await asyncio.sleep(1.5)  # the flood is in full swing, the slow client is mid-head
            video = await asyncio.wait_for(client.generate(prompt=SHOT, seconds=4), 90)
            assert video.path is not None and video.path.stat().st_size > 0
            again = await asyncio.wait_for(client.get(video.task_id), 30)
            assert again.status == "completed"
            # The slow client's head never finishes, and the half-sent requests that got in never
            # do: their deadlines close them (waited for, not timed: a loaded machine is slower).
            for _ in range(300):
                if flood.slow_closed_after is not None and flood.timed_out > 0:
                    break
                await asyncio.sleep(0.1)
    finally:
        await client.aclose()
    assert flood.slow_closed_after is not None, "a client sending a byte every 0.2 s was never cut off"
    assert flood.busy > 0  # connections over the per-address limit were told 429 and closed
    assert flood.timed_out > 0  # and the half-sent ones that got in were dropped at their deadline
    assert served.proc.poll() is None


@pytest.mark.parametrize("served", [["--body-timeout", "1"]], indirect=True, ids=["body-1s"])
def test_a_body_sent_too_slowly_is_408(served: Served) -> None:
    with socket.create_connection(served.address, timeout=20) as sock:
        sock.sendall(
            f"POST {CREATE} HTTP/1.1\r\nHost: class\r\nAuthorization: Bearer {served.key}\r\n"
            'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model": '.encode()
        )
        slow = b""  # the rest of the body never comes; the gateway answers and closes
        while chunk := sock.recv(4096):
            slow += chunk
    assert slow.startswith(b"HTTP/1.1 408") and b"did not arrive" in slow


async def test_a_body_of_tiny_objects_is_refused_unparsed_while_polls_go_on(served: Served) -> None:
    headers = {"Authorization": f"Bearer {served.key}"}
    async with httpx.AsyncClient(base_url=served.url, headers=headers, timeout=60) as http:
        before = served.peak_rss_kib()
        # 15 MiB of empty objects: parsed, five million dicts (hundreds of MB).
        tiny = b'{"model": "sora_2_pro_t2v", "prompt": "x", "junk": [' + b"{}," * (5 * 1024 * 1024) + b"{}]}"
        poll_answers: list[int] = []

        async def poll_meanwhile() -> None:
            for _ in range(20):
                poll_answers.append((await http.get("/healthz")).status_code)
                await asyncio.sleep(0.02)

        big, _ = await asyncio.gather(http.post(CREATE, content=tiny), poll_meanwhile())
        grown_mib = (served.peak_rss_kib() - before) / 1024
    assert big.status_code == 400 and "JSON values" in big.json()["message"]
    assert set(poll_answers) == {200}
    # The body itself is 15 MiB and is held about twice while read; parsed it would be 25x.
    assert grown_mib < 80, f"the gateway grew by {grown_mib:.0f} MiB for a 15 MiB body"
