"""Simulator fixtures: a fake clock, in-process simulators and a real loopback server."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from sora_widgets.simulator import Simulator

KEY = "sk-sim-test-key-0001"
CREATE = "/model/v1/generation"
# One client for the tests' plain calls to a loopback simulator: httpx.get() builds a client, TLS
# context included, on every call (~0.1 s of CPU each on a busy machine; a polling loop made
# hundreds of them while a render ran).
LOOPBACK = httpx.Client(timeout=30)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def body(
    prompt: str, *, model: str = "sora_2_pro_t2v", size: str = "720x1280", seconds: str = "4", **extra: Any
) -> dict[str, Any]:
    """A nested create body, as every real client sends it."""
    return {
        "model": model,
        "input": [{"params": {"prompt": prompt, "size": size, "seconds": seconds, **extra}}],
    }


def png_bytes(width: int, height: int, *, seed: int = 0, fmt: str = "PNG") -> bytes:
    """A smooth, structured test picture (noise would not survive compression for comparisons)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    r = 127 + 120 * np.sin(xx / (40 + 30 * rng.random()))
    g = 127 + 120 * np.cos(yy / (35 + 30 * rng.random()))
    b = 255 * (xx + yy) / (width + height)
    arr = np.stack([r, g, b], axis=-1).clip(0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, fmt)
    return buf.getvalue()


def poll_until(
    client: httpx.Client,
    task_id: str,
    *,
    done: Callable[[dict[str, Any]], bool] | None = None,
    limit: float = 60.0,
) -> dict[str, Any]:
    """Poll until the task is terminal (or ``done``); fail the test after ``limit`` seconds."""
    check = done or (lambda j: j.get("status") in ("completed", "failed"))
    end = time.monotonic() + limit
    while True:
        response = client.get(f"/model/v1/generation/task/{task_id}")
        if response.status_code == 200:
            data = response.json()
            if check(data):
                return data
        if time.monotonic() > end:
            raise AssertionError(
                f"task {task_id} did not finish: {response.status_code} {response.text[:200]}"
            )
        time.sleep(0.05)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Simulator]:
    """An instant simulator with its own state directory."""
    simulator = Simulator(speed="instant", state_dir=tmp_path / "sim")
    yield simulator
    simulator.close()


@pytest.fixture(scope="module")
def shared_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    """One instant simulator per test module (renders are cached by request, so tests stay fast)."""
    simulator = Simulator(speed="instant", state_dir=tmp_path_factory.mktemp("shared-sim"))
    yield simulator
    simulator.close()


@pytest.fixture(scope="module")
def base_url(shared_sim: Simulator) -> Iterator[str]:
    """The shared simulator served on a free loopback port."""
    with shared_sim.serve() as url:
        yield url


@pytest.fixture
def api(base_url: str) -> Iterator[httpx.Client]:
    """A raw HTTP client with the test key."""
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {KEY}"}, timeout=30) as client:
        yield client


def asgi_client(sim: Simulator) -> httpx.AsyncClient:
    """An httpx client that calls ``sim.app`` in process (httpx.ASGITransport), with the test key."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app),
        base_url="http://simulator.invalid",
        headers={"Authorization": f"Bearer {KEY}"},
    )
