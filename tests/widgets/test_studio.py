"""Studio: background generations on the running loop, results, remix, errors, no secrets in state.

The Studio is one widget: its parts (builder, player, strip) are child widgets made with it, and
each generation's status line is a record of its ``jobs`` list, never a widget of its own.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from sora_widgets.errors import GenerationFailed, InvalidRequestError, UnknownOutcomeError
from sora_widgets.job import Job
from sora_widgets.widgets.studio import Studio

from .conftest import CANARY_KEY, RecordingComm, browser_sets, from_browser, until

# Widgets, jobs, journal and requested sizes are checked here, never decoded pixels: quarter-size
# renders (``client`` in conftest.py).
SIM_RENDER_SCALE = 0.25


async def test_generate_returns_at_once_and_several_run_side_by_side(client: Any) -> None:
    studio = Studio(client)
    first = studio.generate(prompt="A red kite at dusk", size="landscape")
    second = studio.generate(prompt="A fox in fresh snow", seconds=8)
    # Both are scheduled and nothing has finished: the caller got control straight back.
    assert isinstance(first, Job) and isinstance(second, Job)
    assert not first.done() and not second.done()
    assert studio.running == [first, second] and all(isinstance(j, Job) for j in studio.running)
    assert studio.running_count == 2
    # One record per generation in the Studio's state, newest first: data, not widgets.
    assert [j["label"] for j in studio.jobs] == ["A fox in fresh snow", "A red kite at dusk"]
    assert [j["phase"] for j in studio.jobs] == ["running", "running"]
    bars = list(studio.status_bars)
    assert [b.key for b in bars] == [j["id"] for j in studio.jobs]

    # Meanwhile the loop is free for other work (another cell, in a kernel).
    ticks = 0
    while not (first.done() and second.done()):
        ticks += 1
        await asyncio.sleep(0.01)
    assert ticks > 0

    kite, fox = first.result(), second.result()
    assert (kite.size, kite.seconds, fox.size, fox.seconds) == ("1280x720", 4, "720x1280", 8)
    assert studio.results == [v for v in studio.results if v in (kite, fox)] and len(studio.results) == 2
    assert studio.last is studio.results[-1]
    assert kite.path is not None and kite.path.read_bytes()[4:8] == b"ftyp"
    # The loop above may notice the end in the same turn the task finished: its done-callbacks
    # run on the next turn and fold the bars on the one after.
    for _ in range(3):
        await asyncio.sleep(0)
    assert sorted(b.status for b in bars) == ["completed", "completed"]
    assert {b.task_id for b in bars} == {kite.task_id, fox.task_id}
    # Folded into the strip: the status lines are gone from the page.
    assert studio.jobs == [] and studio.status_bars == []
    assert studio.running_count == 0 and studio.finished == 2
    assert studio.spent == "$3.60 spent (simulated)"  # simulator money says so
    # The player shows the last result; both are tiles in the strip and remix choices.
    assert studio.player.task_id == studio.last.task_id
    assert {i["key"] for i in studio.strip.items} == {kite.task_id, fox.task_id}
    assert {c["id"] for c in studio.builder.remix_choices} == {kite.remix_id, fox.remix_id}


async def test_await_generate_gives_the_video(client: Any) -> None:
    studio = Studio(client)
    video = await studio.generate(prompt="A paper boat on a puddle")
    assert studio.results == [video]
    assert video.simulated


async def test_the_generate_button_uses_the_form(client: Any) -> None:
    studio = Studio(client)
    browser_sets(studio.builder, text="A heron lifts off a misty lake", orientation="landscape", seconds=8)
    created = client.simulator.ledger.total_created
    from_browser(studio.builder, {"type": "submit"})
    from_browser(studio.builder, {"type": "submit"})  # a double click: asks, sends nothing
    assert len(studio.running) == 1 and studio.builder.repeat_label == "Generate again ($2.40)"
    await asyncio.gather(*studio.running)  # Jobs are awaitables
    assert client.simulator.ledger.total_created == created + 1
    assert studio.last is not None
    assert (studio.last.prompt, studio.last.size, studio.last.seconds) == (
        "A heron lifts off a misty lake",
        "1280x720",
        8,
    )


async def test_invalid_form_sends_nothing(client: Any) -> None:
    studio = Studio(client)
    created = client.simulator.ledger.total_created
    from_browser(studio.builder, {"type": "submit"})
    assert "prompt is empty" in studio.builder.error
    assert studio.running == []
    with pytest.raises(InvalidRequestError):
        studio.generate(prompt="x", seconds=5)
    assert client.simulator.ledger.total_created == created


async def test_failure_shows_in_its_status_bar_and_is_kept(client: Any) -> None:
    studio = Studio(client)
    job = studio.generate(prompt="A kite over the sea [sim:fail=095]")
    [bar] = studio.status_bars
    with pytest.raises(GenerationFailed):
        await job
    await asyncio.sleep(0)
    assert bar.phase == "failed"
    assert bar.error_code == "002999095"
    assert bar.error_meaning == "internal generation error"
    assert bar.error_advice
    assert bar.error_advice not in bar.error_message  # said once
    assert bar.task_id in bar.error_message
    assert studio.results == []
    assert len(studio.errors) == 1 and studio.failed == 1
    # The failed line stays readable until the next generation starts (its record says what the
    # page shows); then it is folded into the strip as a "failed" tile whose story shows when chosen.
    [record] = studio.jobs
    assert record["id"] == bar.key and record["error_code"] == "002999095"
    assert (record["error_advice"], record["phase"]) == (bar.error_advice, "failed")
    await studio.generate(prompt="A kite over the sea, second try")
    await asyncio.sleep(0)
    assert studio.jobs == [] and studio.status_bars == []
    failed = [i for i in studio.strip.items if i["status"] == "failed"]
    assert len(failed) == 1 and bar.task_id in failed[0]["subtitle"]
    from_browser(studio.strip, {"type": "select", "key": failed[0]["key"]})
    assert bar.error_code in studio.error and bar.error_advice in studio.error
    assert "internal generation error" in studio.error


async def test_lost_create_answer_is_shown_as_outcome_unknown_and_not_resent(client: Any) -> None:
    studio = Studio(client)
    created = client.simulator.ledger.total_created
    job = studio.generate(prompt="A kite in the rain [sim:lose]")
    [bar] = studio.status_bars
    with pytest.raises(UnknownOutcomeError):
        await job
    assert bar.status == "outcome unknown"
    assert "not resent" in bar.error_advice
    assert "A kite in the rain" in bar.note  # the request is shown with it
    assert client.simulator.ledger.total_created == created + 1  # created once, never resent


async def _watching_a_slow_render() -> tuple[Any, Any, Studio, Job[Any], Any]:
    """A Studio watching a render that takes seconds (time to press "Stop watching")."""
    from sora_widgets.client import SoraClient
    from sora_widgets.simulator import Simulator

    simulator = Simulator(speed="demo")
    client = SoraClient(connect=simulator)
    studio = Studio(client)
    job = studio.generate(prompt="A slow sunrise over hills")
    [bar] = studio.status_bars
    await until(lambda: bar.watching, "watching the render")
    return simulator, client, studio, job, bar


async def test_stop_watching_leaves_the_task_running_at_the_service() -> None:
    simulator, client, studio, job, bar = await _watching_a_slow_render()
    assert bar.watching and bar.task_id
    assert studio.jobs[0]["watching"] is True  # the page shows "Stop watching"
    # The page's "Stop watching" in that line: a message to the Studio naming the record.
    from_browser(studio, {"type": "stop", "job": "job-999"})  # no such line: nothing happens
    assert bar.watching
    from_browser(studio, {"type": "stop", "job": bar.key})
    with pytest.raises(asyncio.CancelledError):
        await job
    assert job.status == "cancelled"
    assert bar.phase == "stopped"
    assert bar.task_id in bar.note
    assert (studio.jobs[0]["phase"], studio.jobs[0]["watching"]) == ("stopped", False)
    await asyncio.sleep(0)
    assert studio.status_bars == [bar]  # readable until the next generation
    quick = studio.generate(prompt="A quick one")
    [tile] = studio.strip.items
    assert tile["status"] == "stopped" and bar not in studio.status_bars
    quick.cancel()
    with pytest.raises(asyncio.CancelledError):
        await quick
    from_browser(studio.strip, {"type": "select", "key": tile["key"]})
    assert "client.resume()" in studio.error
    task = await client.get(bar.task_id)
    assert not task.is_terminal  # still rendering at the service
    await client.aclose()
    if client.journal is not None:
        client.journal.close()
    simulator.close()


async def test_watch_again_follows_the_stopped_task_to_its_video() -> None:
    simulator, client, studio, job, bar = await _watching_a_slow_render()
    from_browser(studio, {"type": "stop", "job": bar.key})
    with pytest.raises(asyncio.CancelledError):
        await job
    # The badge says the truth: this page stopped following (the timer stops with it).
    assert (studio.jobs[0]["status"], studio.jobs[0]["phase"]) == ("stopped watching", "stopped")
    from_browser(studio, {"type": "watch", "job": bar.key})
    assert (studio.jobs[0]["phase"], studio.jobs[0]["note"]) == ("running", "")
    [again] = studio.running
    video = await again
    assert video.task_id == bar.task_id and studio.results == [video]
    assert client.simulator.ledger.total_created == 1  # followed again, not made again
    await client.aclose()
    if client.journal is not None:
        client.journal.close()
    simulator.close()


async def test_remix_from_a_result(client: Any) -> None:
    studio = Studio(client)
    video = await studio.generate(prompt="A red kite at dusk", size="landscape")
    from_browser(studio.player, {"type": "remix"})
    assert studio.builder.remix_id == video.remix_id
    browser_sets(studio.builder, text="The same kite at night")
    remix = await studio.generate()
    assert remix.request is not None and remix.request.remix_video_id == video.remix_id
    assert len(studio.results) == 2


async def test_remix_says_what_it_is_a_remix_of(client: Any) -> None:
    studio = Studio(client)
    video = await studio.generate(prompt="A red kite at dusk", size="landscape")
    assert "Text to Video" in studio.builder.price
    studio.builder.comm.published.clear()
    from_browser(studio.player, {"type": "remix"})
    # The page is asked to move the focus to the prompt, with a hint there; the price line
    # names the remix instead of "Text to Video".
    assert [c for c, _ in studio.builder.comm.custom("focus_prompt")]
    assert studio.builder.hint.startswith(f"Remix of {video.remix_id}")
    assert studio.builder.price.endswith(f"Remix of {video.remix_id}")
    assert "Text to Video" not in studio.builder.price
    browser_sets(studio.builder, text="The same kite at night")
    remix = await studio.generate()
    # The result says what it is a remix of: in the player and on its tile.
    assert studio.player.remix_of == video.remix_id
    tile = next(i for i in studio.strip.items if i["key"] == remix.task_id)
    assert f"remix of {video.remix_id}" in tile["subtitle"]
    # Choosing no remix again gives the plain price line and drops the hint.
    browser_sets(studio.builder, remix_id="")
    assert "Text to Video" in studio.builder.price and studio.builder.hint == ""


async def test_clicking_a_tile_plays_that_result(client: Any) -> None:
    studio = Studio(client)
    first = await studio.generate(prompt="A red kite at dusk")
    await studio.generate(prompt="A fox in snow")
    from_browser(studio.strip, {"type": "select", "key": first.task_id})
    assert studio.player.task_id == first.task_id
    assert studio.strip.selected == first.task_id


async def test_the_browser_cannot_redirect_the_client_and_no_secret_reaches_the_browser(
    client: Any, recording_comms: list[RecordingComm]
) -> None:
    studio = Studio(client)
    base = client.base_url
    browser_sets(studio, service="https://attacker.example")
    assert client.base_url == base
    await studio.generate(prompt="A kite over the sea")
    with pytest.raises(GenerationFailed):
        await studio.generate(prompt="A kite [sim:fail=097]")
    everything = json.dumps(
        [
            [msg_type, data, [b.hex() for b in buffers]]
            for c in recording_comms
            for msg_type, data, buffers in c.published
        ],
        default=str,
    )
    widgets = [studio, studio.builder, studio.player, studio.strip]
    everything += json.dumps([w.get_state() for w in widgets], default=str)
    assert CANARY_KEY not in everything
    assert CANARY_KEY.encode().hex() not in everything


async def test_generations_make_no_widget_and_finished_ones_fold(client: Any) -> None:
    from ipywidgets.widgets.widget import _instances

    studio = Studio(client)
    baseline = len(_instances)
    await studio.generate(prompt="A kite at dawn")
    for n in range(6):
        jobs = [
            studio.generate(prompt=f"A kite number {n}"),
            studio.generate(prompt=f"A boat {n} [sim:fail=095]"),
        ]
        # Starting generations makes no widget (marimo serves a widget's code only while a cell
        # runs: a widget made by a Generate click would have no front end there).
        assert len(_instances) == baseline
        await asyncio.gather(*jobs, return_exceptions=True)
        await asyncio.sleep(0)
        # At most the last failure's status line is still on screen.
        assert len(studio.jobs) <= 1
    await studio.generate(prompt="A last kite")
    await asyncio.sleep(0)
    assert len(_instances) == baseline
    assert studio.jobs == [] and studio.status_bars == []
    assert len(studio.results) == 8 and len(studio.strip.items) == 14


async def test_one_widget_whose_parts_are_its_children(client: Any) -> None:
    studio = Studio(client)
    state = studio.get_state()
    # The parts are referenced the way ipywidgets serialises a widget in a trait; the front end
    # gets their models from these (childModel) and draws them with their own mount functions.
    for name in ("builder", "player", "strip"):
        assert state[name] == f"IPY_MODEL_{getattr(studio, name).model_id}"
    for mount in (
        "function mountStudio",
        "function mountStatusBar",
        "function mountPlayer",
        "function mountStrip",
    ):
        assert mount in studio._esm
    # A status change goes out as the Studio's jobs list: what the page draws, then folded away.
    job = studio.generate(prompt="A kite at dusk")
    studio_comm = studio.comm
    assert studio_comm is not None
    before = len(studio_comm.states())
    await job
    await asyncio.sleep(0)
    updates = [s for s in studio_comm.states()[before:] if "jobs" in s]
    assert updates and all(isinstance(s["jobs"], list) for s in updates)
    phases = [[j["phase"] for j in s["jobs"]] for s in updates]
    assert ["succeeded"] in phases and phases[-1] == []  # shown done, then folded away
    studio.close()
    assert all(getattr(studio, name).comm is None for name in ("builder", "player", "strip"))


def test_generate_outside_a_running_loop_says_what_to_use(client: Any) -> None:
    studio = Studio(client)
    studio.builder.text = "A kite"
    with pytest.raises(RuntimeError, match="generate_sync"):
        studio.generate()


def test_the_service_label_never_carries_credentials_from_the_url() -> None:
    from types import SimpleNamespace

    from sora_widgets.widgets.studio import _service_label

    client: Any = SimpleNamespace(
        simulated=False, base_url="https://user:hunter2@gw.example:8443/v1?token=abc"
    )
    assert _service_label(client) == "https://gw.example:8443/v1"
