"""Storyboard fixtures: a client on an in-process simulator whose videos carry sound."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from sora_widgets.client import SoraClient
from sora_widgets.simulator import FaultPlan, Simulator
from sora_widgets.transport import PollPolicy
from tests.client_fixture import client  # noqa: F401  (a fixture, found by name)

KEY = "canary-BOARD-KEY-5e1f0a9c77"

STORY = (
    "Wide shot of a paper boat on a pond at dawn, slow dolly in",
    "Close-up of a frog landing on the boat, golden light",
    "The boat drifts into the mist, camera pulls back",
)


# Shots are drawn at a quarter of their size (320x180 for 1280x720): renders, joins and frame
# decodes cost about a sixteenth. Requests, tasks, prices and frame counts keep the real size and
# length; the tests that check pixels against the requested size use ``full_size_client``.
SMALL = 0.25
# Instant renders are done well before the default first poll (1 s): poll every 50 ms at first,
# or each shot of a chain waits a second for nothing (the schedule is tested in tests/transport).
FIRST_POLLS_FAST = PollPolicy(fast_interval=0.05)


def make_simulator(render_scale: float = SMALL) -> Simulator:
    """A simulator on $SORA_WIDGETS_HOME/simulator (as a kernel's default), adding sound."""
    return Simulator(speed="instant", faults=FaultPlan(audio=True), render_scale=render_scale)


@pytest.fixture
def make_client() -> Callable[..., SoraClient]:
    """A new client and simulator on the same home each call: a call after another is a restart."""

    def make(**kwargs: Any) -> SoraClient:
        kwargs.setdefault("poll_policy", FIRST_POLLS_FAST)
        return SoraClient(KEY, connect=kwargs.pop("simulator", None) or make_simulator(), **kwargs)

    return make


@pytest.fixture
async def full_size_client(make_client: Callable[..., SoraClient]) -> AsyncIterator[SoraClient]:
    """A client whose simulator draws every video at the size it was asked for."""
    c = make_client(simulator=make_simulator(render_scale=1.0))
    yield c
    await c.aclose()


def decode_frames(path: Path) -> list[np.ndarray[Any, Any]]:
    """Every picture of a video as RGB arrays (PyAV)."""
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(container.streams.video[0])]


def first_frame(path: Path) -> np.ndarray[Any, Any]:
    """The first picture of a video as an RGB array, decoding nothing after it."""
    with av.open(str(path)) as container:
        frame = next(container.decode(container.streams.video[0]))
        return frame.to_ndarray(format="rgb24")


def count_frames(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(container.streams.video[0]))


def decoded_audio(path: Path) -> tuple[np.ndarray[Any, Any], int]:
    """The sound of a video as mono float samples and their rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        chunks = [f.to_ndarray().mean(axis=0) for f in container.decode(stream)]
    return np.concatenate(chunks).astype(np.float32), rate
