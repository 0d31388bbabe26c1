"""Budgets under concurrent creates: never overspent, and nothing refused ever reaches upstream.

Against SQLite and a real PostgreSQL server (a private cluster the fixtures start), in the book
directly from many threads, through one gateway, through two gateways sharing one SQLite file,
and through two gateway *processes* sharing one PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from sora_widgets.gateway import Gateway
from sora_widgets.gateway.store import Refusal, Store, open_store
from sora_widgets.simulator import Simulator

CREATE = "/model/v1/generation"
PRICE = 1_200_000  # a 4 s video, in micro-dollars
SHOT = "Wide shot of a red kite over a beach, slow dolly in"


@pytest.fixture(params=["sqlite", "postgresql"])
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    db = tmp_path / "book.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_db")
    store = open_store(db)
    yield store
    store.close()


def test_refusals_over_budget_are_counted_per_student(book: Store) -> None:
    """A create that does not fit (the gateway's 402) is counted in the student's usage line,
    which the Classroom table and ``gateway usage`` show; one that fits is not."""
    book.add("ana", "1.00")
    book.add("ben", "5.00")

    def reserve(name: str) -> str | Refusal:
        return book.reserve(name, PRICE, model="sora_2_pro_t2v", prompt="p", seconds=4, size=None)

    assert [isinstance(reserve("ana"), Refusal) for _ in range(3)] == [True] * 3
    assert not isinstance(reserve("ben"), Refusal)
    counted = {u.name: u.over_budget for u in book.usage()}
    assert counted == {"ana": 3, "ben": 0}
    assert next(u for u in book.usage() if u.name == "ana").to_json()["over_budget"] == 3


def test_many_threads_never_overspend_a_budget(book: Store) -> None:
    """64 creates, settles and failures at once across three students; a watcher checks the
    invariant all along, not only at the end."""
    budgets = {"ana": "6.00", "ben": "3.70", "cy": "0.00"}
    for name, budget in budgets.items():
        book.add(name, budget)
    stop = threading.Event()
    violations: list[str] = []

    def watch() -> None:
        while not stop.is_set():
            for line in book.usage():
                if line.spent + line.reserved > line.budget:
                    violations.append(f"{line.name}: {line.spent} + {line.reserved} > {line.budget}")

    def student(i: int) -> str:
        name = list(budgets)[i % 3]
        held = book.reserve(name, PRICE, model="sora_2_pro_t2v", prompt=f"p{i}", seconds=4, size=None)
        if isinstance(held, Refusal):
            return f"{name}:refused"
        book.forwarded(held, f"up{i}")
        # A third fail (released), the rest complete at their price.
        book.observe(held, "failed" if i % 3 == 1 else "completed", cost=PRICE if i % 3 != 1 else None)
        return f"{name}:ok"

    watcher = threading.Thread(target=watch)
    watcher.start()
    with ThreadPoolExecutor(16) as pool:
        outcomes = Counter(pool.map(student, range(64)))
    stop.set()
    watcher.join()
    assert violations == []
    lines = {line.name: line for line in book.usage()}
    assert outcomes["ana:ok"] == 5 and lines["ana"].spent == 5 * PRICE  # 5 x $1.20 = $6.00
    assert outcomes["cy:ok"] == 0 and lines["cy"].tasks == 0
    # ben's creates all fail (released), so every one of them fits in turn.
    assert outcomes["ben:ok"] == lines["ben"].tasks == lines["ben"].failed
    assert all(line.reserved == 0 for line in lines.values())


async def burst(urls: list[str], key: str, count: int) -> Counter[int]:
    """``count`` creates at once, spread over the gateways at ``urls``."""
    clients = [httpx.AsyncClient(base_url=u, timeout=60) for u in urls]
    try:
        body = {"model": "sora_2_pro_t2v", "input": [{"params": {"prompt": SHOT, "seconds": "4"}}]}
        answers = await asyncio.gather(
            *(
                clients[i % len(clients)].post(CREATE, json=body, headers={"Authorization": f"Bearer {key}"})
                for i in range(count)
            )
        )
    finally:
        for client in clients:
            await client.aclose()
    refused = [a for a in answers if a.status_code == 402]
    assert all("budget of $6.00" in a.json()["status"]["message"] for a in refused)
    return Counter(a.status_code for a in answers)


async def test_concurrent_creates_through_two_gateways_on_one_sqlite_file(
    make_gateway: Callable[..., tuple[Gateway, str]], sim: Simulator, teacher_key: str, tmp_path: Path
) -> None:
    first, url1 = make_gateway(tmp_path / "shared.sqlite3")
    _, url2 = make_gateway(tmp_path / "shared.sqlite3")
    key = first.store.add("dee", "6.00")  # 5 videos of $1.20
    statuses = await burst([url1, url2], key, 40)
    assert statuses == Counter({200: 5, 402: 35})
    assert sim.ledger.created(teacher_key) == 5  # nothing refused reached upstream
    line = next(u for u in first.store.usage() if u.name == "dee")
    assert line.spent + line.reserved == line.budget == 6 * 1_000_000


@pytest.fixture
def gateway_processes(pg_db: str, sim_url: str, teacher_key: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two ``sora-widgets gateway serve`` processes on one PostgreSQL database."""
    env = {**os.environ, "VTRIX_API_KEY": teacher_key, "SORA_WIDGETS_HOME": str(tmp_path / "home")}
    procs: list[subprocess.Popen[str]] = []
    urls: list[str] = []
    try:
        for _ in range(2):
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "sora_widgets.gateway",
                    "serve",
                    "--db",
                    pg_db,
                    "--upstream",
                    sim_url,
                    "--port",
                    "0",
                    "--create-rate",
                    "1000/s",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            procs.append(proc)
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            assert line.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.stderr else line
            urls.append(line)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                _, err = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
            assert teacher_key not in (err or "")


async def test_two_gateway_processes_share_one_postgresql_budget(
    gateway_processes: list[str], pg_db: str, sim: Simulator, teacher_key: str
) -> None:
    book = open_store(pg_db)
    key = book.add("eve", "6.00")
    statuses = await burst(gateway_processes, key, 40)
    assert statuses == Counter({200: 5, 402: 35})
    assert sim.ledger.created(teacher_key) == 5
    line = next(u for u in book.usage() if u.name == "eve")
    assert line.spent + line.reserved == line.budget
    book.close()
