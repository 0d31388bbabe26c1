"""StatusBar: state from tasks and errors, the stop control, and watching a real task."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from sora_widgets.errors import GenerationFailed, PollTimeout, UnknownOutcomeError
from sora_widgets.job import Job
from sora_widgets.models.request import VideoRequest
from sora_widgets.models.task import Task, TaskError
from sora_widgets.widgets.status_bar import StatusBar, TaskStatus

from .conftest import from_browser


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def running(progress: float | None, task_id: str = "d758n65e878c73cmdg20") -> Task:
    return Task(id=task_id, model="sora_2_pro_t2v", status="in_progress", progress=progress)


# The logic is headless (TaskStatus, what the Studio keeps per generation); the widget is a
# TaskStatus with a front end. Both behave the same.
BOTH = pytest.mark.parametrize("make", [StatusBar, TaskStatus], ids=["widget", "headless"])


@BOTH
def test_progress_elapsed_and_time_left_follow_updates(make: Any) -> None:
    clock = Clock()
    bar = make(clock=clock)
    bar.update(Task(id="d758n65e878c73cmdg20", model="sora_2_pro_t2v", status="pending"))
    assert (bar.status, bar.phase, bar.progress, bar.eta_s) == ("pending", "running", -1.0, -1.0)
    assert bar.task_id == "d758n65e878c73cmdg20"

    clock.now += 10
    bar.update(running(0.2))
    assert bar.elapsed_s == 10.0
    assert bar.eta_s == -1.0  # one sample: no rate yet

    clock.now += 20
    bar.update(running(0.6))  # 0.4 in 20 s -> 0.4 left takes 20 s more
    assert bar.progress == pytest.approx(0.6)
    assert bar.eta_s == pytest.approx(20.0)
    assert bar.elapsed_s == 30.0

    clock.now += 5
    bar.update(Task(id="d758n65e878c73cmdg20", model="sora_2_pro_t2v", status="completed", progress=1.0))
    assert (bar.phase, bar.eta_s, bar.watching) == ("succeeded", 0.0, False)


@BOTH
def test_failed_task_shows_code_meaning_and_advice(make: Any) -> None:
    bar = make()
    bar.update(
        Task(
            id="t1",
            model="sora_2_pro_i2v",
            status="failed",
            error=TaskError(code="003000097", message="upstream said 500"),
        )
    )
    assert bar.phase == "failed"
    assert bar.error_code == "003000097"
    assert bar.error_meaning == "HTTP error response"
    assert bar.error_message == "upstream said 500"
    assert "check the prompt and image" in bar.error_advice


@BOTH
def test_unknown_outcome_is_explained_not_called_a_failure(make: Any) -> None:
    bar = make()
    request = VideoRequest("A kite in the rain", size="landscape", seconds=8)
    bar.fail(UnknownOutcomeError("the answer to the create request was lost", request=request))
    assert bar.status == "outcome unknown"
    assert (
        bar.note == "The request, kept in the journal: 1280x720, 8 s, sora_2_pro_t2v, “A kite in the rain”."
    )
    assert bar.phase == "unknown"
    assert "not resent" in bar.error_advice
    assert "lost" in bar.error_message


@BOTH
def test_poll_timeout_keeps_the_task_id_and_says_how_to_resume(make: Any) -> None:
    bar = make()
    bar.fail(PollTimeout("gave up waiting", task_id="abc123"))
    assert bar.task_id == "abc123"
    assert "client.wait" in bar.error_advice


@BOTH
def test_generation_failed_exception_uses_the_catalog(make: Any) -> None:
    bar = make()
    task = Task(id="t9", model="sora_2_pro_t2v", status="failed")
    bar.fail(
        GenerationFailed(
            "boom", task_id="t9", code="002999095", meaning="internal generation error", task=task
        )
    )
    assert (bar.error_code, bar.error_meaning) == ("002999095", "internal generation error")
    assert "simplify the prompt" in bar.error_advice


@BOTH
def test_a_new_task_clears_the_previous_error(make: Any) -> None:
    bar = make()
    bar.update(Task(id="a", model="sora_2_pro_t2v", status="failed", error=TaskError("002999095", "x")))
    bar.update(running(0.1, task_id="b"))
    assert bar.error_message == "" and bar.error_code == "" and bar.phase == "running"


async def test_stop_button_cancels_watching_only() -> None:
    bar = StatusBar()
    bar.update(running(0.3))
    never_done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    async def follow() -> None:
        await never_done

    job = asyncio.get_running_loop().create_task(follow())
    bar.track(job)
    assert bar.watching
    from_browser(bar, {"type": "stop"})
    await asyncio.sleep(0)
    assert job.cancelled()
    assert not bar.watching
    assert (bar.phase, bar.status) == ("stopped", "stopped watching")
    assert "client.wait('d758n65e878c73cmdg20')" in bar.note and "Watch again" in bar.note


async def test_watch_again_after_stop_follows_the_same_task(client: Any) -> None:
    task = await client.create(prompt="A harbour crane at night, slow tilt", seconds=4)
    bar = StatusBar(client=client)
    bar.update(task)
    bar.stop()
    assert (bar.phase, bar.status) == ("stopped", "stopped watching")
    created = client.simulator.ledger.total_created
    from_browser(bar, {"type": "watch"})
    assert bar.watching and bar.phase == "running"
    job = bar._watched
    assert job is not None
    video = await job  # to the end, download included
    assert (bar.task_id, bar.phase, video.task_id) == (task.id, "succeeded", task.id)
    assert client.simulator.ledger.total_created == created


async def test_watch_follows_a_real_task_to_completion(client: Any) -> None:
    task = await client.create(prompt="A lighthouse in fog, slow pan", seconds=4)
    bar = StatusBar(client=client)
    job = bar.watch(task)
    assert isinstance(job, Job) and not job.done()
    video = await job
    assert job.status == "completed" and job.result() is video
    assert video.task_id == task.id
    assert (bar.status, bar.phase, bar.progress) == ("completed", "succeeded", 1.0)
    assert not bar.watching


async def test_watch_failure_is_shown_in_the_bar(client: Any) -> None:
    # A simulator magic word makes the task fail with the catalog's code 097.
    task = await client.create(prompt="A kite over the sea [sim:fail=097]", seconds=4)
    bar = StatusBar(client=client)
    with pytest.raises(GenerationFailed):
        await bar.watch(task)
    assert bar.phase == "failed"
    assert bar.error_code == "002999097"
    assert bar.error_meaning == "HTTP error response"
    assert bar.error_advice
    # Each said once: the code and meaning in the head, not again in the message under it.
    shown = " ".join((bar.error_code, bar.error_meaning, bar.error_message, bar.error_advice))
    assert shown.count("002999097") == 1 and shown.count("HTTP error response") == 1, shown


async def test_the_headless_status_has_no_front_end_and_stops_a_job() -> None:
    status = TaskStatus(running(0.3))
    assert not hasattr(status, "comm")  # plain data: the Studio sends it as a record
    assert status.shown()["progress"] == pytest.approx(0.3)
    assert set(status.shown()) == set(TaskStatus.SHOWN)
    never_done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    task = asyncio.get_running_loop().create_task(asyncio.wait_for(never_done, None))
    job = Job(task, label="kite")
    status.track(job)
    assert status.watching
    status.stop()
    await asyncio.sleep(0)
    assert job.cancelled() and not status.watching and status.phase == "stopped"
