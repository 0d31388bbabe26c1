"""Tally of hostile answers and odd inputs: every kind tried once, end to end.

    python scripts/hostile_tally.py

Hostile answers: each scenario of :mod:`sora_widgets.simulator.hostile` (a raw-socket server on
loopback sending exactly the bytes it scripts) is run through ``SoraClient.generate()`` with a
real journal and download folder. A scenario passes when the client ends as the scenario
expects (a verified video identical to the served one, or the named SoraError), no wait lasted
longer than the one hint ceiling, no file other than the served video was kept, no ``.part``
file was left, and a create whose answer was unreadable is journaled as "outcome unknown".

Odd inputs: prompts, sizes, keys, base URLs and images a careless user gives; each must be
refused with a clear error before any request reaches the server, or be handled faithfully.

Gateway attacks: what a hostile student (or anyone on the classroom network) tries against a
served class gateway in front of a loopback simulator. An attack is held when the gateway answers
as it should, holds no money for it, sends nothing upstream, and a real student's poll works.

The figures are printed; the README's "Durability" section quotes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import io
import json
import os
import socket
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from sora_widgets._constants import MAX_SERVER_HINT_S
from sora_widgets.av.film import join_videos
from sora_widgets.av.frames import filmstrip_jpeg
from sora_widgets.cache import POLICY_FILE, load_policy
from sora_widgets.client import SoraClient
from sora_widgets.errors import ImageError, InvalidRequestError, MediaError, SoraError, redact
from sora_widgets.journal import Journal
from sora_widgets.media import fit_image
from sora_widgets.simulator.hostile import SCENARIOS, VIDEO, HostileServer, Scenario
from sora_widgets.storyboard import Storyboard
from sora_widgets.storyboard._board_file import FORMAT

KEY = "hostile-tally-key-0123456789"


@dataclass
class Outcome:
    name: str
    expect: str
    got: str
    kept_broken: int
    left_parts: int
    longest_wait: float
    journal_status: str | None
    ok: bool
    detail: str = ""


async def run_scenario(scenario: Scenario, home: Path) -> Outcome:
    """One scenario through ``generate()`` against a fresh :class:`HostileServer`."""
    waits: list[float] = []

    async def record_sleep(seconds: float) -> None:
        waits.append(seconds)  # the wait the client chose; not slept, so the tally stays fast
        await asyncio.sleep(0)

    videos = home / "videos"
    journal = Journal(home / "journal.sqlite3")
    got, detail = "video", ""
    with HostileServer(scenario) as server:
        client = SoraClient(
            KEY, connect=server.base_url, journal=journal, download_dir=videos, sleep=record_sleep
        )
        try:
            video = await client.generate(prompt="a kite over the sea", timeout=600)
            if video.path is None or video.path.read_bytes() != VIDEO:
                got = "video differs"
            detail = repr(video)
        except SoraError as exc:
            got, detail = type(exc).__name__, exc.message
        except Exception as exc:  # noqa: BLE001 - the tally reports it as a failure
            got, detail = f"crash:{type(exc).__name__}", str(exc)[:200]
        finally:
            await client.aclose()
    files = list(videos.rglob("*")) if videos.exists() else []
    kept_broken = sum(
        1 for p in files if p.is_file() and not p.name.endswith(".part") and p.read_bytes() != VIDEO
    )
    parts = sum(1 for p in files if p.name.endswith(".part"))
    entries = journal.entries()
    journal.close()
    status = entries[0].status if entries else None
    longest = max(waits, default=0.0)
    ok = (
        got == scenario.expect
        and kept_broken == 0
        and parts == 0
        and longest <= MAX_SERVER_HINT_S
        and (scenario.expect != "UnknownOutcomeError" or status == "unknown_outcome")
        and "\x1b" not in detail
        and len(detail) < 5000
    )
    return Outcome(scenario.name, scenario.expect, got, kept_broken, parts, longest, status, ok, detail)


def run_hostile(names: list[str] | None = None) -> list[Outcome]:
    """Every scenario (or those named), each in a fresh temporary home."""
    outcomes = []
    for name in names or list(SCENARIOS):
        with tempfile.TemporaryDirectory() as home:
            outcomes.append(asyncio.run(run_scenario(SCENARIOS[name], Path(home))))
    return outcomes


# -- odd inputs ---------------------------------------------------------------------------------


def _png16() -> bytes:
    buffer = io.BytesIO()
    Image.new("I;16", (640, 360), 32768).save(buffer, format="PNG")
    return buffer.getvalue()


def _grey_of(data: bytes) -> int:
    with Image.open(io.BytesIO(data)) as image:
        value = image.convert("L").getpixel((10, 10))
    return int(value) if isinstance(value, int) else -1


@dataclass
class Odd:
    name: str
    refused: bool  # True: must be refused before sending; False: must work faithfully
    run: Callable[[SoraClient, Path], Any]


def _create(**fields: Any) -> Callable[[SoraClient, Path], Any]:
    return lambda client, home: client.create_sync(**fields)


def _fifo(client: SoraClient, home: Path) -> Any:
    path = home / "pipe.png"
    os.mkfifo(path)
    return client.create_sync(prompt="the boat drifts", image=str(path))


def _image_16bit(client: SoraClient, home: Path) -> Any:
    fitted = fit_image(_png16(), "1280x720")
    assert abs(_grey_of(fitted.data) - 128) <= 1, "16-bit image not converted faithfully"


def _image_la(client: SoraClient, home: Path) -> Any:
    fitted = fit_image(Image.new("LA", (640, 360), (200, 255)).convert("La"), "1280x720")
    assert abs(_grey_of(fitted.data) - 200) <= 1


def _key(key: str) -> Callable[[SoraClient, Path], Any]:
    def run(client: SoraClient, home: Path) -> Any:
        SoraClient(key, connect=client.base_url, journal=False).create_sync(prompt="a kite")

    return run


def _short_key(client: SoraClient, home: Path) -> Any:
    SoraClient("test", connect=client.base_url, journal=False)
    assert redact("the latest built-in simulator") == "the latest built-in simulator"


def _credentials_url(client: SoraClient, home: Path) -> Any:
    url = client.base_url.replace("http://", "http://user:pw-secret@") + "/?token=tok-secret"
    other = SoraClient(KEY, connect=url, journal=False)
    assert "secret" not in repr(other) + other.base_url + repr(other.transport)


ODD_INPUTS = [
    Odd("prompt with a lone surrogate", True, _create(prompt="a kite \ud800 at dusk")),
    Odd("prompt of NUL characters", True, _create(prompt="\x00\x00\x00")),
    Odd("prompt of zero-width characters", True, _create(prompt="\u200b\u200c\u200d\ufeff")),
    Odd("prompt with a terminal escape", True, _create(prompt="a kite\x1b[2J")),
    Odd("size (1280,)", True, _create(prompt="a kite", size=(1280,))),
    Odd("size (1280, 720, 99)", True, _create(prompt="a kite", size=(1280, 720, 99))),
    Odd("remix id with a space", True, _create(prompt="a kite", remix_video_id="video abc")),
    Odd("key with a non-ASCII letter", True, _key(KEY + "é")),
    Odd("key with a zero-width space", True, _key(KEY[:5] + "\u200b" + KEY[5:])),
    Odd("image path that is a FIFO", True, _fifo),
    Odd("key with a trailing newline", False, _key(KEY + "\n")),
    Odd("short key 'test'", False, _short_key),
    Odd("base URL with user:pass and ?token=", False, _credentials_url),
    Odd("16-bit PNG", False, _image_16bit),
    Odd("Pillow mode La", False, _image_la),
]


@dataclass
class OddOutcome:
    name: str
    refused: bool
    ok: bool
    detail: str


def run_odd() -> list[OddOutcome]:
    """Every odd input against a baseline server; refusals must reach it with nothing."""
    outcomes = []
    for odd in ODD_INPUTS:
        with tempfile.TemporaryDirectory() as home, HostileServer(SCENARIOS["baseline"]) as server:
            client = SoraClient(KEY, connect=server.base_url, journal=False, download_dir=Path(home))
            try:
                odd.run(client, Path(home))
            except (InvalidRequestError, ImageError) as exc:
                ok, detail = odd.refused and not server.requests, exc.message
            except Exception as exc:  # noqa: BLE001 - reported as a failure of the tally
                ok, detail = False, f"{type(exc).__name__}: {exc}"[:200]
            else:
                ok, detail = not odd.refused, "handled"
            finally:
                client.close()
            outcomes.append(OddOutcome(odd.name, odd.refused, ok, detail))
    return outcomes


@dataclass
class GatewayOutcome:
    name: str
    held: bool
    detail: str


class _Class:
    """A served gateway (tight limits, so the tally is quick) before a served simulator."""

    def __init__(self, stack: contextlib.ExitStack, home: Path) -> None:
        from sora_widgets.gateway import Gateway
        from sora_widgets.gateway.guard import ConnectionLimits
        from sora_widgets.gateway.ratelimit import Limit
        from sora_widgets.simulator import Simulator

        self.sim = stack.enter_context(Simulator(speed="instant", state_dir=home / "sim"))
        limits = ConnectionLimits(header_timeout_s=1, body_timeout_s=5, max_per_client=8)
        self.gateway = Gateway(
            home / "book.sqlite3",
            upstream=stack.enter_context(self.sim.serve()),
            api_key=KEY,
            connection_limits=limits,
            limits={"create": Limit(burst=100, per_second=100), "admin": Limit(burst=100, per_second=100)},
        )
        stack.callback(self.gateway.close)
        self.url = stack.enter_context(self.gateway.serve())
        self.key = self.gateway.store.add("ada", "3")
        self.admin = self.gateway.store.add("teacher", admin=True)
        where = urllib.parse.urlsplit(self.url)
        self.address = (str(where.hostname), int(where.port or 80))
        made = self.call("POST", GW_CREATE, {"model": "sora_2_pro_t2v", "prompt": "a kite", "seconds": "4"})
        self.task_id = made[1]["id"]

    def call(self, method: str, path: str, body: Any = None, *, key: str | None = None) -> tuple[int, Any]:
        """One request with the student's key (or ``key``): (status, JSON answer)."""
        raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        conn = http.client.HTTPConnection(*self.address, timeout=30)
        try:
            headers = {"Authorization": f"Bearer {key or self.key}", "Content-Type": "application/json"}
            conn.request(method, path, body=raw, headers=headers)
            answer = conn.getresponse()
            return answer.status, json.loads(answer.read() or b"null")
        finally:
            conn.close()

    def poll_works(self) -> bool:
        return self.call("GET", f"{GW_CREATE}/task/{self.task_id}")[0] == 200

    def book(self) -> tuple[int, int, int]:
        """Ada's (reserved + spent, tasks, tasks upstream): what an attack must not change."""
        line = next(u for u in self.gateway.store.usage() if u.name == "ada")
        return line.reserved + line.spent, line.tasks, self.sim.ledger.created(KEY)

    def refused_unheld(self, raw: bytes) -> str:
        before = self.book()
        status, answer = self.call("POST", GW_CREATE, raw)
        assert status == 400 and self.book() == before, str(answer)[:200]
        return str(answer["message"])[:80]

    def raw(self, data: bytes, source: str = "127.0.0.1", wait: float = 5.0) -> bytes:
        """Send ``data`` and read until the gateway answers or closes."""
        with socket.create_connection(self.address, timeout=wait, source_address=(source, 0)) as sock:
            sock.sendall(data)
            return sock.recv(4096)


GW_CREATE = "/model/v1/generation"


def _flood(c: _Class) -> str:
    socks = [
        socket.create_connection(c.address, timeout=5, source_address=("127.0.0.2", 0)) for _ in range(40)
    ]
    try:
        for sock in socks:
            sock.sendall(b"POST /model/v1/generation HTTP/1.1\r\nHost: class\r\nContent-Le")
        assert c.poll_works(), "a student's poll failed during the flood"
        answers = [sock.recv(4096) for sock in socks]  # 429 at once, or closed at the head deadline
    finally:
        for sock in socks:
            sock.close()
    busy = sum(b"429" in a for a in answers)
    assert all(a == b"" or b"429" in a for a in answers)
    return f"{busy} told 429 at once, {len(answers) - busy} cut at the deadline; polls answered"


def _slow_head(c: _Class) -> str:
    with socket.create_connection(c.address, timeout=5) as sock:
        for byte in b"GET /healthz HTTP/1.1\r\nHost: class\r\nX-Pad: " + b"a" * 100:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return "cut off at the head deadline"
            time.sleep(0.1)
    raise AssertionError("a head sent a byte every 0.1 s was never cut off")


def _slow_body(c: _Class) -> str:
    head = f"POST {GW_CREATE} HTTP/1.1\r\nHost: class\r\nAuthorization: Bearer {c.key}\r\n"
    said = c.raw(f"{head}Content-Length: 100\r\n\r\n{{".encode(), wait=15)
    assert said.startswith(b"HTTP/1.1 408"), said[:80]
    return "408 at the body deadline"


def _nested(params: str) -> bytes:
    return b'{"model": "sora_2_pro_t2v", "input": [{"params": {' + params.encode() + b"}}]}"


def _extra_fields(c: _Class) -> str:
    body = {
        "model": "sora_2_pro_t2v",
        "input": [{"params": {"prompt": "a kite", "seconds": "4", "n": 8}}, {"params": {"prompt": "SECOND"}}],
        "n": 4,
        "callback_url": "http://127.0.0.1:9/hook",
    }
    status, answer = c.call("POST", GW_CREATE, body)
    assert status == 200 and c.sim.ledger.by_prompt("SECOND") == 0, str(answer)[:200]
    return "forwarded the checked parameters only"


def _amounts(c: _Class) -> str:
    import io
    from contextlib import redirect_stderr

    from sora_widgets.gateway.cli import main as gateway_cli

    db = str(c.gateway.store.description)
    said = []
    for argv in (
        ["set-budget", "ada", "1e30"],
        ["top-up", "ada", "1e25"],
        ["add", "bo", "--budget", "1e40"],
        ["set-budget", "ada", "1_000"],
        ["set-budget", "ada", "NaN"],
        ["set-budget", "ada", "-1"],
    ):
        err = io.StringIO()
        with redirect_stderr(err):
            code = gateway_cli([*argv, "--db", db])
        assert code == 2 and err.getvalue().startswith("error: ") and "Traceback" not in err.getvalue()
        said.append(err.getvalue())
    for path, raw in (
        ("students", b'{"name": "bo", "budget": 1e30}'),
        ("students/ada/budget", b'{"add": "1_000"}'),
    ):
        status, answer = c.call("POST", f"/gateway/v1/{path}", raw, key=c.admin)
        assert status == 400 and "dollars" in answer["message"], str(answer)[:200]
    return said[0].strip()[7:87]


def _secrets(c: _Class) -> str:
    from sora_widgets.gateway.store import describe_db
    from sora_widgets.gateway.upstream import Upstream

    shown = [
        describe_db("postgresql://u:pw-SECRET@db:5432/c?password=pw-SECRET2"),
        repr(Upstream("https://me:pw-SECRET3@up.example/v1", KEY)),
    ]
    assert not any("SECRET" in text for text in shown), shown
    return " and ".join(shown)


def _redirect(c: _Class) -> str:
    said = c.raw(b"GET /healthz/ HTTP/1.1\r\nHost: evil.example\r\n\r\n")
    assert said.startswith(b"HTTP/1.1 307") and b"evil" not in said and b"location: /healthz\r\n" in said
    return "Location: /healthz"


def _sim_fetch(c: _Class) -> str:
    from sora_widgets.simulator._validate import read_reference

    _, problem = read_reference("http://127.0.0.1:22/x.png", 1280, 720)
    assert problem is not None and "fetches no" in problem
    return problem[:80]


def _over_budget(c: _Class) -> str:
    from sora_widgets.errors import InsufficientBalanceError

    student = SoraClient(c.key, connect=c.url, journal=False)
    try:
        student.create_sync(prompt="a kite", seconds=12)
    except InsufficientBalanceError as exc:
        assert "Top up the account" not in str(exc) and "teacher" in exc.advice
        return exc.advice[:80]
    finally:
        student.close()
    raise AssertionError("a create over budget was accepted")


GATEWAY_ATTACKS: list[tuple[str, Callable[[_Class], str]]] = [
    ("40 half-sent requests, no key", _flood),
    ("request head a byte at a time", _slow_head),
    ("request body a byte at a time", _slow_body),
    ("NaN in an extra field", lambda c: c.refused_unheld(_nested('"prompt": "a", "n": NaN'))),
    ("1e999 in a parameter", lambda c: c.refused_unheld(_nested('"prompt": "a", "q": 1e999'))),
    ("lone surrogate in the prompt", lambda c: c.refused_unheld(_nested('"prompt": "a \\ud800"'))),
    ("JSON nested 100 000 deep", lambda c: c.refused_unheld(b"[" * 100_000 + b"]" * 100_000)),
    ("15 MiB of tiny objects", lambda c: c.refused_unheld(b'{"x": [' + b"{}," * 5_242_880 + b"{}]}")),
    ("n, callback_url, a second input", _extra_fields),
    ("budgets of 1e30, 1_000, NaN, -1", _amounts),
    ("passwords in a DSN and upstream URL", _secrets),
    ("Host header in the slash redirect", _redirect),
    ("the simulator asked to fetch a URL", _sim_fetch),
    ("over budget: one message", _over_budget),
]


def run_gateway(names: list[str] | None = None) -> list[GatewayOutcome]:
    """Every gateway attack (or those named) against one served class; each must hold."""
    outcomes = []
    with tempfile.TemporaryDirectory() as home, contextlib.ExitStack() as stack:
        klass = _Class(stack, Path(home))
        for name, attack in GATEWAY_ATTACKS:
            if names is not None and name not in names:
                continue
            try:
                took = time.monotonic()
                detail = attack(klass)
                held = klass.poll_works()
                detail += f" ({time.monotonic() - took:.1f} s)"
            except Exception as exc:  # noqa: BLE001 - reported as an attack that was not held
                held, detail = False, f"{type(exc).__name__}: {exc}"[:200]
            outcomes.append(GatewayOutcome(name, held, detail))
    return outcomes


# -- hostile files -----------------------------------------------------------------------------
# Files people share or find on disk: board files, videos, the cache policy. Each must be refused
# with the named SoraError (a message, no traceback), and nothing outside the home is touched.


def _board(**changes: Any) -> dict[str, Any]:
    shot = {"prompt": "a paper boat at dawn", "seconds": 4, "continuity": None, "image": None, "take": 0}
    data: dict[str, Any] = {"format": FORMAT, "id": "0123456789ab", "size": "1280x720", "seconds": 4}
    data.update({"continuity": "last_frame", "budget": "10", "crossfade": 0.0, "shots": [shot]})
    shots = changes.pop("shots", None)
    data.update(changes)
    if isinstance(shots, list):
        data["shots"] = [{**shot, **s} if isinstance(s, dict) else s for s in shots]
    elif shots is not None:
        data["shots"] = shots
    return data


def _load_board(**changes: Any) -> Callable[[Path], Any]:
    return lambda home: Storyboard.from_json(json.dumps(_board(**changes)))


def _budget_number(home: Path) -> Any:
    return Storyboard.from_json(json.dumps(_board(budget=12345)).replace("12345", "1e999"))


def _renamed_save(home: Path) -> Any:
    board = Storyboard(seconds=4)
    board.add("a paper boat at dawn")
    board.id = "../../victim"  # home/storyboards/../../victim.json is the victim beside the home
    return board.save()


def _write_clip(path: Path, side: int = 64, frames: int = 15) -> Path:
    """A small H.264 MP4 (PyAV): ``frames`` grey pictures ``side`` pixels square."""
    import av

    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width = stream.height = side
        stream.pix_fmt, stream.options = "yuv420p", {"preset": "ultrafast"}
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((side, side, 3), 8 * i, np.uint8), format="rgb24")
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def _sound_only(home: Path) -> Any:
    import av

    path = home / "sound.mp4"
    with av.open(str(path), "w", format="mp4") as container:
        sound = container.add_stream("aac", rate=48_000, layout="mono")
        samples = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="flt", layout="mono")
        samples.sample_rate, samples.pts = 48_000, 0
        container.mux(sound.encode(samples))
        container.mux(sound.encode())
    return filmstrip_jpeg(path)


def _html_as_mp4(home: Path) -> Any:
    path = home / "video.mp4"
    path.write_bytes(b"<html><body>Access denied</body></html>")
    return filmstrip_jpeg(path)


def _damaged_join(home: Path) -> Any:
    good = _write_clip(home / "good.mp4")
    data = bytearray(good.read_bytes())
    start = data.find(b"mdat") + 100
    for k in range(start, min(start + 600, len(data) - 8), 5):
        data[k] ^= 0x5A
    (home / "damaged.mp4").write_bytes(bytes(data))
    return join_videos([good, home / "damaged.mp4"], home / "film.mp4")


def _huge_pictures(home: Path) -> Any:
    return filmstrip_jpeg(_write_clip(home / "big.mp4", side=2064, frames=1))  # a few kB, 2064x2064


def _cache_policy(text: str) -> Callable[[Path], Any]:
    def run(home: Path) -> Any:
        (home / POLICY_FILE).write_text(text, encoding="utf-8")
        return load_policy(home, strict=True)

    return run


HOSTILE_FILES: list[tuple[str, type[SoraError], Callable[[Path], Any]]] = [
    ("board id ../../victim", InvalidRequestError, _load_board(id="../../victim")),
    ("board id /etc/profile", InvalidRequestError, _load_board(id="/etc/profile")),
    ("board id changed to ../../victim, saved", InvalidRequestError, _renamed_save),
    ("board id with a NUL", InvalidRequestError, _load_board(id="0123456789a\x00")),
    ("shot image a local path", InvalidRequestError, _load_board(shots=[{"image": "/home/x/.ssh/id.png"}])),
    ("shot image digest ../", InvalidRequestError, _load_board(shots=[{"image": {"sha256": "../../x"}}])),
    ("budget NaN", InvalidRequestError, _load_board(budget="NaN")),
    ("budget -1", InvalidRequestError, _load_board(budget="-1")),
    ("budget 1e999", InvalidRequestError, _load_board(budget="1e999")),
    ("budget 1e999 as a JSON number", InvalidRequestError, _budget_number),
    ("1,000 shots", InvalidRequestError, _load_board(shots=[{}] * 1000)),
    ('shots "abc"', InvalidRequestError, _load_board(shots="abc")),
    ("shots null", InvalidRequestError, lambda home: Storyboard.from_dict({**_board(), "shots": None})),
    ('take "x"', InvalidRequestError, _load_board(shots=[{"take": "x"}])),
    ("video with no video stream", MediaError, _sound_only),
    ("HTML saved as .mp4", MediaError, _html_as_mp4),
    ("join with a damaged shot", MediaError, _damaged_join),
    ("small file of 2064x2064 pictures", MediaError, _huge_pictures),
    ("cache policy NaN", InvalidRequestError, _cache_policy('{"max_bytes": NaN}')),
    ("cache policy 1e308 days", InvalidRequestError, _cache_policy('{"max_age_days": 1e308}')),
    ("cache policy keep 1.5", InvalidRequestError, _cache_policy('{"keep_recent": 1.5}')),
    ("cache policy a bare list", InvalidRequestError, _cache_policy("[1, 2]")),
]


@dataclass
class FileOutcome:
    name: str
    ok: bool
    detail: str


def run_files() -> list[FileOutcome]:
    """Every hostile file in a fresh home; ok when refused with its error and nothing outside
    the home (a victim file beside it) was written."""
    outcomes = []
    for name, expected, run in HOSTILE_FILES:
        with tempfile.TemporaryDirectory() as top:
            home = Path(top) / "home"
            home.mkdir()
            victim = Path(top) / "victim.json"
            victim.write_text("{}", encoding="utf-8")
            before = os.environ.get("SORA_WIDGETS_HOME")
            os.environ["SORA_WIDGETS_HOME"] = str(home)
            try:
                run(home)
            except expected as exc:
                ok, detail = victim.read_text(encoding="utf-8") == "{}", exc.message
            except Exception as exc:  # noqa: BLE001 - reported as a failure of the tally
                ok, detail = False, f"{type(exc).__name__}: {exc}"[:200]
            else:
                ok, detail = False, "accepted"
            finally:
                if before is None:
                    os.environ.pop("SORA_WIDGETS_HOME", None)
                else:
                    os.environ["SORA_WIDGETS_HOME"] = before
            outcomes.append(FileOutcome(name, ok and "Traceback" not in detail, detail))
    return outcomes


def main() -> int:
    started = time.monotonic()
    hostile = run_hostile()
    odd = run_odd()
    attacks = run_gateway()
    files = run_files()
    for o in hostile:
        mark = "ok  " if o.ok else "FAIL"
        print(
            f"{mark} {o.name:<20} expect {o.expect:<20} got {o.got:<20} longest wait {o.longest_wait:5.1f} s"
        )
    for d in odd:
        print(f"{'ok  ' if d.ok else 'FAIL'} {d.name:<38} {'refused' if d.refused else 'handled'}")
    for a in attacks:
        print(f"{'held' if a.held else 'FAIL'} {a.name:<38} {a.detail}")
    for f in files:
        print(f"{'ok  ' if f.ok else 'FAIL'} {f.name:<38} {f.detail[:70]}")
    videos = sum(1 for o in hostile if o.ok and o.expect == "video")
    refused = sum(1 for o in hostile if o.ok and o.expect != "video")
    broken = sum(o.kept_broken + o.left_parts for o in hostile)
    odd_refused = sum(1 for d in odd if d.ok and d.refused)
    odd_handled = sum(1 for d in odd if d.ok and not d.refused)
    print(
        f"\n{len(hostile)} kinds of hostile answer: {videos + refused} as expected ({videos} verified "
        f"videos, {refused} refused with a clear error), files kept broken {broken}, longest wait "
        f"{max(o.longest_wait for o in hostile):.0f} s. {len(odd)} kinds of odd input: {odd_refused} "
        f"refused before sending, {odd_handled} handled faithfully. {len(attacks)} kinds of attack on "
        f"the class gateway: {sum(a.held for a in attacks)} held. {len(files)} kinds of hostile file: "
        f"{sum(f.ok for f in files)} refused with a clear error, nothing written outside the home. "
        f"({time.monotonic() - started:.0f} s)"
    )
    held = all(a.held for a in attacks) and all(f.ok for f in files)
    return 0 if all(o.ok for o in hostile) and all(d.ok for d in odd) and held else 1


if __name__ == "__main__":
    sys.exit(main())
