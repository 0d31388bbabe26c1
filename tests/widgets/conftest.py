"""Widget tests talk to the widgets through a recording comm: the same boundary the browser uses."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import comm
import pytest
from comm import DummyComm


class RecordingComm(DummyComm):
    """A comm that keeps every message the kernel side publishes (what the browser would get)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.published: list[tuple[str, dict[str, Any], list[bytes]]] = []
        super().__init__(*args, **kwargs)

    def publish_msg(
        self,
        msg_type: str,
        data: Any = None,
        metadata: Any = None,
        buffers: Any = None,
        **keys: Any,
    ) -> None:
        self.published.append((msg_type, data or {}, [bytes(b) for b in buffers or []]))

    # -- what a test inspects ---------------------------------------------------------------

    def custom(self, kind: str | None = None) -> list[tuple[dict[str, Any], list[bytes]]]:
        """Custom messages sent to the browser (optionally only those of one ``type``)."""
        out = []
        for msg_type, data, buffers in self.published:
            if msg_type == "comm_msg" and data.get("method") == "custom":
                content = data["content"]
                if kind is None or content.get("type") == kind:
                    out.append((content, buffers))
        return out

    def states(self) -> list[dict[str, Any]]:
        """State updates sent to the browser."""
        return [
            data["state"]
            for msg_type, data, _ in self.published
            if msg_type == "comm_msg" and data.get("method") in ("update", "echo_update")
        ]


@pytest.fixture(autouse=True)
def recording_comms(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[RecordingComm]]:
    """Every widget made in a test gets a RecordingComm."""
    made: list[RecordingComm] = []

    def create(*args: Any, **kwargs: Any) -> RecordingComm:
        c = RecordingComm(*args, **kwargs)
        made.append(c)
        return c

    monkeypatch.setattr(comm, "create_comm", create)
    yield made


def from_browser(widget: Any, content: dict[str, Any], buffers: list[bytes] | None = None) -> None:
    """Deliver a custom message from the browser to ``widget``, as ipykernel would."""
    widget.comm.handle_msg(
        {"content": {"data": {"method": "custom", "content": content}}, "buffers": buffers or []}
    )


def browser_sets(widget: Any, **state: Any) -> None:
    """Deliver a state update from the browser (a user typing, clicking a radio button...)."""
    widget.comm.handle_msg({"content": {"data": {"method": "update", "state": state}}, "buffers": []})


# -- a real client on the in-process simulator ------------------------------------------------

CANARY_KEY = "sk-canary-widgets-0123456789abcdef"


@pytest.fixture(scope="module")
def sim_state(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One simulator state directory per module: renders are cached by request there."""
    return tmp_path_factory.mktemp("widget-sim")


@pytest.fixture
async def client(sim_state: Any, request: pytest.FixtureRequest) -> Any:
    """A SoraClient on an instant in-process simulator, journaling into the test's own home.

    Its first polls come every 50 ms. A test module that never looks at the pixels' size sets
    ``SIM_RENDER_SCALE = 0.25``: its videos are then drawn at a quarter of their size
    (``Simulator(render_scale=...)``; tasks and answers still say the requested size), a
    sixteenth of the encoding work.
    """
    from sora_widgets.client import SoraClient
    from sora_widgets.simulator import Simulator
    from sora_widgets.transport import PollPolicy

    scale = getattr(request.module, "SIM_RENDER_SCALE", 1.0)
    simulator = Simulator(speed="instant", state_dir=sim_state, render_scale=scale)
    # An instant render is done in a fraction of a second; the default policy's first poll comes
    # after 1 s, a second of idle waiting per generation here. The widgets, not the poll
    # schedule, are under test (tests/transport and tests/client check the default policy).
    c = SoraClient(CANARY_KEY, connect=simulator, poll_policy=PollPolicy(fast_interval=0.05))
    yield c
    await c.aclose()
    if c.journal is not None:
        c.journal.close()
    simulator.close()


@pytest.fixture(scope="session")
def landscape_mp4(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real 1280x720, 4 s H.264 MP4 made by the simulator's renderer."""
    from sora_widgets.simulator.render import RenderSpec, render_video, seed_of

    path = tmp_path_factory.mktemp("mp4") / "kite.mp4"
    render_video(
        RenderSpec(width=1280, height=720, seconds=4, prompt="a red kite", seed=seed_of("kite")), path
    )
    return path


@pytest.fixture
def landscape_video(landscape_mp4: Any) -> Any:
    """A Video whose file is ``landscape_mp4``."""
    from decimal import Decimal

    from sora_widgets.models.video import Video

    return Video(
        task_id="d758n65e878c73cmdg20",
        model="sora_2_pro_t2v",
        prompt="Wide shot of a red kite over a beach at dusk",
        size="1280x720",
        seconds=4,
        cost=Decimal("1.20"),
        remix_id="video_abc123",
        path=landscape_mp4,
        simulated=True,
    )


async def until(predicate: Any, what: str, limit: float = 120.0) -> None:
    """Wait until ``predicate()`` holds, for at most ``limit`` s of the loop's clock (a render
    on a busy machine takes many times what it takes on an idle one: a count of short sleeps is
    a race)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not predicate():
        assert loop.time() < end, f"never {what}"
        await asyncio.sleep(0.05)
