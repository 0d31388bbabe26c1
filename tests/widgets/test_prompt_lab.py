"""PromptLab: the plan before anything runs, and real sweeps against the in-process simulator."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sora_widgets.errors import InvalidRequestError
from sora_widgets.job import Job
from sora_widgets.widgets.prompt_lab import PromptLab

TEMPLATE = "{shot} of a fox in {setting}"
SLOTS = {"shot": ["Wide shot", "Close-up"], "setting": ["snow", "a pine forest"]}


def test_count_and_cost_are_shown_before_anything_runs() -> None:
    lab = PromptLab(template=TEMPLATE, slots=SLOTS, seconds=[4, 8], budget=7)
    assert lab.lab.count == 8
    assert lab.lab.estimated_cost == Decimal("14.40")
    assert lab.summary == {
        "ok": True,
        "error": "",
        "count": 8,
        "total_cost": "$14.40",
        # spread across the values (not template order): Wide shot/snow/4 s 1.20, then
        # Close-up/a pine forest/8 s 2.40, then Wide shot/snow/8 s 2.40 = 6.00; the next one
        # (1.20) would make 7.20 > 7.
        "runnable": 3,
        "runnable_cost": "$6.00",
        "reused": 0,
        "over_budget": 5,
        "budget": "$7.00",
        "committed": "",
        "new": [],
    }
    assert [j["status"] for j in lab.jobs] == ["planned"] * 8
    assert lab.jobs[0]["label"] == "shot: Wide shot · setting: snow"
    assert lab.client is None  # nothing was created, nothing sent


def test_editing_the_definition_updates_the_plan_and_shows_errors() -> None:
    lab = PromptLab(template=TEMPLATE, slots=SLOTS)
    lab.template = "{shot} of a fox in {setting}, {lighting}"
    assert lab.summary["ok"] is False
    assert "{lighting}" in lab.summary["error"]
    lab.slots = {**SLOTS, "lighting": ["dusk", "dawn", "noon"]}
    assert lab.summary["count"] == 12
    # values left behind for a slot the template dropped do not break the plan
    lab.template = "{shot} at {lighting}"
    assert lab.summary["count"] == 6
    lab.mode = "prompts"
    lab.prompts = ["A kite at dusk", "A kite at dawn"]
    lab.sizes = ["720x1280", "1280x720"]
    assert lab.summary["count"] == 4
    assert {j["size"] for j in lab.jobs} == {"720x1280", "1280x720"}


def test_bad_input_is_refused_at_construction() -> None:
    with pytest.raises(InvalidRequestError, match="no such slot"):
        PromptLab(template=TEMPLATE, slots={**SLOTS, "typo": ["x"]})
    with pytest.raises(InvalidRequestError, match="4, 8, 12"):
        PromptLab(prompts=["a"], seconds=[5])
    with pytest.raises(InvalidRequestError, match="concurrency"):
        PromptLab(prompts=["a"], concurrency=0)


def test_front_end_messages_are_validated() -> None:
    lab = PromptLab(template=TEMPLATE, slots=SLOTS)
    lab._dispatch_message(lab, {"type": "favourite", "index": 0, "value": True}, [])
    assert "no finished video" in lab.error
    lab._dispatch_message(lab, {"type": "compare", "indexes": [99]}, [])
    assert "no variant 99" in lab.error


def test_to_dataframe_needs_pandas_and_says_so() -> None:
    lab = PromptLab(prompts=["a fox"])
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="to_json"):
            lab.lab.to_dataframe()
    else:
        frame = lab.lab.to_dataframe()
        assert list(frame["status"]) == ["planned"]


# ---- real sweeps: the real client against the in-process simulator ---------------------------


class InFlightCounter:
    """ASGI middleware in front of the simulator that tracks tasks created but not yet seen ended.

    It reads the simulator's own answers (a create's id, a poll's status), so it counts what the
    service saw, independently of the client's bookkeeping.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.active: set[str] = set()
        self.max_active = 0
        self.creates_sent = 0
        self.statuses: list[int] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or "/model/v1/generation" not in scope["path"]:
            await self.app(scope, receive, send)
            return
        is_create = scope["method"] == "POST"
        if is_create:
            self.creates_sent += 1
        status = 0
        body = bytearray()

        async def capture(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        self.statuses.append(status)
        if status != 200:
            return
        try:
            data = json.loads(bytes(body))
        except ValueError:
            return
        task_id, state = str(data.get("id", "")), str(data.get("status", ""))
        if is_create and task_id:
            self.active.add(task_id)
        if state in ("completed", "failed"):
            self.active.discard(task_id)
        self.max_active = max(self.max_active, len(self.active))


@pytest.fixture
def sim_client(tmp_path: Path) -> Any:
    import httpx

    from sora_widgets._constants import SIMULATOR_BASE_URL
    from sora_widgets.client import Service, SoraClient
    from sora_widgets.simulator import Simulator
    from sora_widgets.simulator.faults import FaultPlan

    # Three 429s on creates and two on polls, spread over the batch by whichever jobs hit them.
    sim = Simulator(
        speed="instant",
        state_dir=tmp_path / "sim",
        faults=FaultPlan(create_http=[429, 429, 429], poll_http=[429, 429], retry_after=0.05),
        # Sweeps, budgets, retries, cards and thumbnails are checked, not pixel sizes: a quarter.
        render_scale=0.25,
    )
    counter = InFlightCounter(sim.app)

    async def brisk_sleep(seconds: float) -> None:
        # The poll schedule is tuned for minutes-long renders; the simulator renders in about a
        # second, so waits are shortened (never skipped: other tasks still get the loop).
        await asyncio.sleep(min(seconds, 0.2))

    client = SoraClient(
        connect=Service(SIMULATOR_BASE_URL, transport=httpx.ASGITransport(app=counter)),
        download_dir=tmp_path / "videos",
        sleep=brisk_sleep,
    )
    client.test_simulator = sim  # type: ignore[attr-defined]
    client.test_counter = counter  # type: ignore[attr-defined]
    return client


SWEEP_SLOTS = {
    "shot": ["Wide shot", "Close-up", "Aerial shot"],
    # one setting always fails at the service (with code 097), the other renders
    "setting": ["snow", "a city alley [sim:fail=097]"],
}


async def test_sweep_of_12_with_failures_and_429s(sim_client: Any) -> None:
    counter: InFlightCounter = sim_client.test_counter
    sim = sim_client.test_simulator
    # 3 shots x 2 settings x 2 sizes = 12 variants of 4 s, $14.40 in all; a $10 cap runs 8.
    lab = PromptLab(
        sim_client,
        template=TEMPLATE,
        slots=SWEEP_SLOTS,
        sizes=["720x1280", "1280x720"],
        seconds=[4],
        budget=10,
        concurrency=3,
    )
    assert (lab.lab.count, lab.lab.estimated_cost) == (12, Decimal("14.40"))
    assert (lab.summary["runnable"], lab.summary["over_budget"]) == (8, 4)
    planned = 8

    jobs = await lab.lab.run()

    # every variant ended completed, failed with its error, or skipped with the reason
    assert len(jobs) == 12
    for job in jobs:
        failing = "[sim:fail" in job.variant.request.prompt
        if job.status == "skipped":
            assert "budget" in (job.error or "")
        elif failing:
            assert job.status == "failed"
            assert "002999097" in (job.error or "") and "HTTP error response" in (job.error or "")
            assert job.video is None
        else:
            assert job.status == "completed", job
            assert job.error is None and job.video is not None
            assert job.video.path is not None and job.video.path.read_bytes()[4:8] == b"ftyp"
    ran = [j for j in jobs if j.status != "skipped"]
    assert len(ran) == planned
    assert [j.row()["status"] for j in jobs] == [row["status"] for row in lab.jobs]
    assert all(row["error"] for row in lab.jobs if row["status"] in ("failed", "skipped"))

    # concurrency never exceeded, and the 429s really happened and were ridden out
    # (and really used: more than one job was at the service at once)
    assert 2 <= counter.max_active <= 3, counter.max_active
    assert 429 in counter.statuses
    assert sim_client.transport.rate_gate.blocks >= 1
    # no create sent twice for one variant: the service made exactly one task per run job
    assert sim.ledger.total_created == len(ran)
    # the budget cap holds: on what the lab committed and on what the service billed
    assert lab.lab.committed == sum((j.variant.estimated_cost for j in ran), Decimal(0))
    assert lab.lab.committed == Decimal("9.60") <= Decimal(10)
    assert sum((v.cost or Decimal(0) for v in lab.lab.results), Decimal(0)) <= Decimal(10)
    assert sim.ledger.cost("simulator") <= Decimal(10)
    assert len(lab.lab.results) == 4 and len(lab.lab.failures) == 4

    # results: Videos carrying their slot values
    assert lab.lab.results and all(v.labels["shot"] in SWEEP_SLOTS["shot"] for v in lab.lab.results)
    first = lab.lab.results[0]
    assert first.labels["setting"] in first.prompt and first.labels["seconds"] == str(first.seconds)

    # the timeline shows every job that ran, well-formed and escaped
    root = ET.fromstring(lab.timeline_svg())
    runs = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if "run" in (r.get("class") or "")]
    assert len(runs) == len(ran)
    assert lab.timeline == lab.timeline_svg()

    # export without pandas
    rows = json.loads(lab.lab.to_json())
    assert len(rows) == 12 and {"shot", "setting", "status", "error", "task_id"} <= set(rows[0])
    parsed = list(csv.DictReader(io.StringIO(lab.lab.to_csv())))
    assert [r["status"] for r in parsed] == [j.status for j in jobs]


async def test_rerun_a_failed_variant_alone_within_the_budget(sim_client: Any) -> None:
    sim = sim_client.test_simulator
    lab = PromptLab(
        sim_client,
        prompts=["A red kite over a beach", "A kite in a storm [sim:fail]"],
        seconds=[4],
        budget=4,
    )
    await lab.lab.run()
    failed = lab.lab.failures
    assert [j.index for j in failed] == [1]
    created = sim.ledger.total_created
    assert created == 2

    job = await lab.lab.rerun(1)
    assert sim.ledger.total_created == created + 1  # only that one was sent again
    assert job.runs == 2 and job.status == "failed" and job.error
    assert lab.lab.committed == Decimal("3.60")

    # a third run would pass the $4 cap: refused, marked, nothing sent (the button's path)
    lab._dispatch_message(lab, {"type": "rerun", "index": 1}, [])
    await asyncio.gather(*lab._background.running)
    job = lab.lab.jobs[1]
    assert job.status == "skipped" and "budget" in (job.error or "")
    assert sim.ledger.total_created == created + 1
    assert lab.lab.committed == Decimal("3.60")

    # editing the definition after a run re-prices the next sweep against what was already
    # sent, and keeps the finished jobs and videos until the next Run
    lab.prompts = ["A kite at dawn"]
    assert lab.summary["count"] == 1 and lab.summary["runnable"] == 0
    assert lab.summary["committed"] == "$3.60"
    assert len(lab.lab.results) == 1 and len(lab.jobs) == 2


async def test_no_secret_reaches_widget_state(tmp_path: Path) -> None:
    from sora_widgets.client import SoraClient

    canary = "vx-canary-0123456789abcdef"
    client = SoraClient(api_key=canary, connect="http://127.0.0.1:9", journal=False)
    lab = PromptLab(client, prompts=["A kite"], budget=2)
    state = json.dumps(lab.get_state(), default=str)
    assert canary not in state and canary not in repr(lab)
    await client.aclose()


async def test_compare_grid_is_data_favourites_reach_the_journal_and_remix(
    sim_client: Any, recording_comms: list[Any]
) -> None:
    from PIL import Image

    from .conftest import browser_sets, from_browser

    sim = sim_client.test_simulator
    lab = PromptLab(
        sim_client,
        template="A fox in {setting}, {light}",
        slots={"setting": ["snow"], "light": ["dusk", "dawn", "noon"]},
        sizes=["1280x720"],
    )
    widgets_made = len(recording_comms)  # every widget gets a comm: the lab and its frame grid
    await lab.lab.run()
    assert [j.status for j in lab.lab.jobs] == ["completed"] * 3

    # after the run the finished videos are side by side, captioned with what differs among
    # them: data in the lab (no widget was made for them), drawn by the lab's own front end
    assert lab.compare_indexes == [0, 1, 2]
    assert lab.compare_labels == [
        {"index": 0, "label": "light: dusk"},
        {"index": 1, "label": "light: dawn"},
        {"index": 2, "label": "light: noon"},
    ]
    assert [c["key"] for c in lab.compared] == [v.task_id for v in lab.lab.results]
    assert len(recording_comms) == widgets_made, "a widget was created after display"
    # the page asks for a compared video's bytes by task id; they come in a binary message
    from_browser(lab, {"type": "want_video", "index": 1, "key": lab.lab.results[1].task_id})
    await asyncio.gather(*lab._background.running)
    [(content, [data])] = lab.comm.custom("video")
    assert content == {"type": "video", "key": lab.lab.results[1].task_id, "mime": "video/mp4"}
    assert lab.lab.results[1].path is not None and data == lab.lab.results[1].path.read_bytes()

    # playback from Python: numbered commands the page applies to every compared video
    lab.play_all()
    lab.seek_all(1.5)
    lab.pause_all()
    assert (lab.playing, lab.current_time) == (False, 1.5)
    assert [c for c, _ in lab.comm.custom("control")] == [
        {"type": "control", "seq": 1, "playing": True},
        {"type": "control", "seq": 2, "current_time": 1.5},
        {"type": "control", "seq": 3, "playing": False},
    ]
    # a report the page sent before it applied Python's last change loses ...
    browser_sets(lab, playing=True, current_time=0.4)
    assert (lab.playing, lab.current_time) == (False, 1.5)
    # ... and once it has acknowledged it, what the user does in the page counts
    browser_sets(lab, _ack=3, playing=False, current_time=1.5)
    browser_sets(lab, current_time=2.25)
    assert lab.current_time == 2.25

    # favourites live on the Video objects and in the journal (so the cache keeps the file)
    marked = lab.lab.favourite(1)
    assert marked.favourite and lab.lab.results[1].favourite and lab.lab.favourites == [marked]
    assert lab.compared[1]["favourite"] is True

    def in_journal(task_id: str) -> bool:
        entry = sim_client.journal.entry_for_task(task_id)
        return bool(entry and entry.video and entry.video.favourite)

    assert in_journal(marked.task_id) and not in_journal(lab.lab.results[0].task_id)
    lab._dispatch_message(lab, {"type": "favourite", "index": 1, "value": False}, [])
    assert not lab.lab.results[1].favourite and lab.jobs[1]["favourite"] is False
    assert not in_journal(marked.task_id)

    # choosing fewer re-labels
    lab.lab.compare([0, 2])
    assert lab.compare_labels == [{"index": 0, "label": "light: dusk"}, {"index": 2, "label": "light: noon"}]
    assert [c["index"] for c in lab.compared] == [0, 2]

    # the grid's thumbnails: the first frame as JPEG in a binary message, nothing in the state
    sent: list[tuple[dict[str, Any], list[bytes]]] = []
    lab.send = lambda content, buffers=None: sent.append((content, list(buffers or [])))  # type: ignore[method-assign]
    lab._dispatch_message(lab, {"type": "want_thumb", "index": 2}, [])
    await asyncio.gather(*lab._background.running)
    content, buffers = sent[-1]
    assert content == {"type": "thumb", "index": 2, "key": lab.lab.results[2].task_id, "mime": "image/jpeg"}
    with Image.open(io.BytesIO(buffers[0])) as image:
        assert image.format == "JPEG" and image.size == (320, 180)
    assert not any(isinstance(v, bytes) and len(v) > 1000 for v in lab.get_state().values())

    before = sim.ledger.total_created
    remix = await lab.lab.remix(2, prompt="A fox in snow at noon, slow dolly in")
    assert sim.ledger.total_created == before + 1
    assert remix.status == "completed" and remix.index == 3
    assert remix.variant.request.remix_video_id == lab.lab.results[2].remix_id
    assert remix.video is not None and remix.video.labels["remix_of"] == "2"
    assert len(lab.lab.results) == 4
    assert len(recording_comms) == widgets_made


async def test_thumbnails_are_keyed_by_task_and_a_rebuilt_sweep_never_shows_an_old_one(
    sim_client: Any,
) -> None:
    from PIL import Image, ImageChops, ImageStat

    from sora_widgets.widgets._common import video_thumbnail

    lab = PromptLab(
        sim_client, template="A fox in {light}", slots={"light": ["red dusk"]}, sizes=["1280x720"]
    )
    sent: list[tuple[dict[str, Any], list[bytes]]] = []
    lab.send = lambda content, buffers=None: sent.append((content, list(buffers or [])))  # type: ignore[method-assign]

    async def thumb(index: int, key: str | None = None) -> tuple[dict[str, Any], bytes]:
        sent.clear()
        lab._dispatch_message(lab, {"type": "want_thumb", "index": index, "key": key}, [])
        await asyncio.gather(*lab._background.running)
        return sent[-1][0], sent[-1][1][0]

    def difference(a: bytes, b: bytes) -> float:
        with Image.open(io.BytesIO(a)) as one, Image.open(io.BytesIO(b)) as two:
            return sum(ImageStat.Stat(ImageChops.difference(one.convert("L"), two.convert("L"))).mean)

    await lab.lab.run()
    first_task = lab.lab.results[0].task_id
    first_key = lab.jobs[0]["video_key"]
    content, old = await thumb(0, first_key)

    # the user edits the sweep and runs it again: index 0 is now another task and another video
    lab.slots = {"light": ["blue night"]}
    await lab.lab.run()
    video = lab.lab.results[0]
    content, new = await thumb(0, lab.jobs[0]["video_key"])
    assert video.path is not None
    real = video_thumbnail(video.path, max_side=320)
    assert difference(new, real) < difference(new, old), "the thumbnail is the previous run's picture"
    assert video.task_id != first_task
    assert content["key"] == lab.jobs[0]["video_key"] == video.task_id != first_key == first_task
    # a late request for the dropped task gets no answer
    sent.clear()
    lab._dispatch_message(lab, {"type": "want_thumb", "index": 0, "key": first_task}, [])
    await asyncio.gather(*lab._background.running)
    assert sent == []


async def test_stop_marks_unfinished_jobs_and_leaves_their_tasks_resumable(tmp_path: Path) -> None:
    from sora_widgets.client import SoraClient
    from sora_widgets.simulator import Simulator

    # "demo" speed: tasks take 5-15 s, so they are surely still running when we stop
    client = SoraClient(connect=Simulator(speed="demo", state_dir=tmp_path / "sim"))
    lab = PromptLab(client, prompts=["A kite at dusk", "A kite at dawn", "A kite at noon"], concurrency=2)
    run = lab.start()
    assert isinstance(run, Job) and run.label == "sweep of 3" and not run.done()
    for _ in range(400):
        if sum(1 for j in lab.lab.jobs if j.task_id) == 2:
            break
        await asyncio.sleep(0.01)
    assert lab.running
    lab._dispatch_message(lab, {"type": "stop"}, [])
    with pytest.raises(asyncio.CancelledError):
        await run
    assert run.status == "cancelled"
    assert not lab.running
    statuses = [(j.status, j.error or "") for j in lab.lab.jobs]
    assert [s for s, _ in statuses] == ["failed"] * 3
    assert sum("goes on at the service" in e for _, e in statuses) == 2
    assert sum("stopped before it was sent" in e for _, e in statuses) == 1
    assert client.journal is not None
    unfinished = {e.task_id for e in client.journal.unfinished()}
    assert unfinished == {j.task_id for j in lab.lab.jobs if j.task_id}
    await client.aclose()


async def test_rerunning_a_sweep_reuses_finished_variants_instead_of_paying_again(tmp_path: Path) -> None:
    from sora_widgets.client import SoraClient
    from sora_widgets.simulator import Simulator

    client = SoraClient(connect=Simulator(speed="instant", state_dir=tmp_path / "sim"), journal=False)
    creates: list[str] = []
    real_create = client.create

    async def counting_create(*args: Any, **kwargs: Any) -> Any:
        task = await real_create(*args, **kwargs)
        creates.append(task.id)
        return task

    client.create = counting_create  # type: ignore[method-assign]
    lab = PromptLab(
        client, template="A fox at {light}", slots={"light": ["dusk", "dawn"]}, sizes=["1280x720"]
    )
    await lab.lab.run()
    first = {j.variant.request.prompt: j.task_id for j in lab.lab.jobs}
    assert len(creates) == 2 and lab.lab.committed == Decimal("2.40")

    lab.slots = {"light": ["dusk", "dawn", "noon"]}
    assert (lab.summary["reused"], lab.summary["runnable"], lab.summary["runnable_cost"]) == (2, 1, "$1.20")
    await lab.lab.run()
    # Only the new variant was created and paid for; the others kept their task and video.
    assert len(creates) == 3 and lab.lab.committed == Decimal("3.60")
    again = {j.variant.request.prompt: j.task_id for j in lab.lab.jobs}
    assert {p: again[p] for p in first} == first
    assert [j.status for j in lab.lab.jobs] == ["completed"] * 3 and len(lab.lab.results) == 3
    assert "Reused 2 finished videos with the same request" in lab.message
    await client.aclose()


def test_card_titles_show_only_the_values_that_differ() -> None:
    lab = PromptLab(
        template="{shot} of a fox in {setting}",
        slots={"shot": ["Wide shot", "Close-up"], "setting": ["a snowy birch forest at the blue hour"]},
    )
    # The setting is the same everywhere: the title names the shot only, in full.
    assert [j["label"] for j in lab.jobs] == ["shot: Wide shot", "shot: Close-up"]


def test_compare_captions_name_the_same_keys_for_every_video() -> None:
    from sora_widgets.models.video import Video

    lab = PromptLab(
        template="{shot} in {light}", slots={"shot": ["Wide", "Close"], "light": ["dusk", "dawn"]}
    )
    for job in lab.lab.jobs:  # finished videos without running anything
        job.status, job.video = "completed", Video(f"t{job.index}", "sora-2-pro", "p", "720x1280", 4)
    lab.lab.compare([0, 1, 3])  # Wide/dusk, Wide/dawn, Close/dawn: neighbours differ in different keys
    assert [c["label"] for c in lab.compare_labels] == [
        "shot: Wide · light: dusk",
        "shot: Wide · light: dawn",
        "shot: Close · light: dawn",
    ]


def test_export_buttons_send_the_csv_and_json_to_download() -> None:
    lab = PromptLab(template=TEMPLATE, slots=SLOTS)
    sent: list[tuple[dict[str, Any], list[bytes]]] = []
    lab.send = lambda content, buffers=None: sent.append((content, [bytes(b) for b in buffers or []]))  # type: ignore[method-assign]
    lab._dispatch_message(lab, {"type": "export", "format": "csv"}, [])
    lab._dispatch_message(lab, {"type": "export", "format": "json"}, [])
    (csv_msg, [csv_data]), (json_msg, [json_data]) = sent
    assert (csv_msg["type"], csv_msg["name"], csv_msg["mime"]) == ("download", "prompt-lab.csv", "text/csv")
    assert (
        csv_data.decode() == lab.lab.to_csv()
        and len(list(csv.DictReader(io.StringIO(lab.lab.to_csv())))) == 4
    )
    assert json_msg["name"] == "prompt-lab.json" and json.loads(json_data) == json.loads(lab.lab.to_json())
    lab._dispatch_message(lab, {"type": "export", "format": "xlsx"}, [])
    assert "csv or json" in lab.error and len(sent) == 2


def test_the_demo_extra_brings_pandas_for_to_dataframe() -> None:
    import tomllib

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    extras = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(dep.replace(" ", "").startswith("pandas") for dep in extras["demo"])


def test_the_view_observes_its_lab_like_the_storyboard_widget_its_board_and_lets_go_on_close() -> None:
    view = PromptLab(template=TEMPLATE, slots=SLOTS, seconds=[4], budget=7)
    view.lab.seconds = [4, 8]
    view.lab.plan()  # a change made on the headless lab, not through the widget
    assert view.summary["count"] == view.lab.count == 8
    view.close()
    view.lab.seconds = [4]
    view.lab.plan()
    assert view.summary["count"] == 8 and view.lab.count == 4  # closed: no longer following


async def test_a_model_typed_in_the_page_is_read_from_the_catalog_and_priced_or_unknown(client: Any) -> None:
    from .conftest import browser_sets

    view = PromptLab(client, prompts=["A heron lifts off a misty lake"])
    assert [j["model"] for j in view.jobs] == ["sora_2_pro_t2v"] and view.jobs[0]["cost"] == "$1.20"
    browser_sets(view, models=["sora_2_pro_t2v", "kirin_v2_6_t2v"])
    assert "reading the specs of kirin_v2_6_t2v" in view.summary["error"]  # while the spec is read
    await asyncio.gather(*view._background.running)
    assert view.summary["ok"] and view.summary["total_cost"] == "$1.20 + 1 unknown"
    assert view.summary["notes"] == ["kirin_v2_6_t2v makes 5 s, not 4 s (it offers 5, 10)"]
    assert [(j["model"], j["cost"], j["label"]) for j in view.jobs] == [
        ("sora_2_pro_t2v", "$1.20", "model: sora_2_pro_t2v"),
        ("kirin_v2_6_t2v", "unknown", "model: kirin_v2_6_t2v"),
    ]
    browser_sets(view, models=["kirin_v2_6_t2vv"])  # a typo: the catalog's closest models, said
    await asyncio.gather(*view._background.running, return_exceptions=True)
    assert (
        view.summary["ok"] is False
        and "closest video models it offers: kirin_v2_6_t2v" in view.summary["error"]
    )
