"""A scriptable stand-in for the gateway, for fault injection at the transport only.

End-to-end behaviour is tested against the project's simulator; this fake exists to inject
exact faults (a create answer lost after the task was made, a 503 with Retry-After on the
third poll, ...) in a fixed order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from sora_widgets.models.wire import read_create_body, task_payload
from tests.mp4bytes import fake_mp4

KEY = "canary-KEY-3b8e51f0c2d9"
BASE = "https://api.example"
CDN = "https://cdn.example"
MP4 = fake_mp4(4096)

Fault = Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeTask:
    id: str
    model: str
    prompt: str
    polls_needed: int
    polls: int = 0
    outcome: str = "completed"  # or "failed"
    error_code: str | None = None
    error_message: str | None = None
    url_version: int = 0
    finished: bool = False


@dataclass
class FakeGateway:
    """Tasks advance one step per poll. Prompt words steer them: ``polls=N`` sets the number of
    polls to finish, ``FAIL`` fails with an internal error, ``MODERATE`` fails on moderation."""

    polls_to_finish: int = 3
    clock: Callable[[], float] = lambda: 0.0
    tasks: dict[str, FakeTask] = field(default_factory=dict)
    create_faults: list[Fault | None] = field(default_factory=list)
    poll_faults: list[Fault | None] = field(default_factory=list)
    download_faults: list[Fault | None] = field(default_factory=list)
    requests: list[tuple[float, httpx.Request]] = field(default_factory=list)
    on_first_poll: Callable[[str], None] | None = None
    active: int = 0
    max_active: int = 0
    expired_urls: set[str] = field(default_factory=set)

    # -- what the tests look at ----------------------------------------------------------
    @property
    def posts(self) -> list[httpx.Request]:
        return [r for _, r in self.requests if r.method == "POST"]

    @property
    def polls(self) -> list[httpx.Request]:
        return [r for _, r in self.requests if r.url.path.startswith("/model/v1/generation/task/")]

    @property
    def downloads(self) -> list[httpx.Request]:
        return [r for _, r in self.requests if r.url.host == "cdn.example"]

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    # -- the gateway -----------------------------------------------------------------------
    def make_task(self, request: httpx.Request) -> FakeTask:
        model, params = read_create_body(json.loads(request.content))
        prompt = str(params.get("prompt", ""))
        found = re.search(r"polls=(\d+)", prompt)
        task = FakeTask(
            id=f"task{len(self.tasks) + 1:04d}",
            model=str(model),
            prompt=prompt,
            polls_needed=int(found.group(1)) if found else self.polls_to_finish,
        )
        prefix = "003000" if task.model.endswith("i2v") else "002999"
        if "FAIL" in prompt:
            task.outcome, task.error_code = "failed", f"{prefix}095"
            task.error_message = "internal error while generating"
        elif "MODERATE" in prompt:
            task.outcome, task.error_code = "failed", f"{prefix}097"
            task.error_message = "Your request was blocked by our moderation system."
        self.tasks[task.id] = task
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        return task

    def payload(self, task: FakeTask) -> dict[str, Any]:
        common: dict[str, Any] = {"task_id": task.id, "model": task.model, "created_at": 1_763_000_000}
        if task.polls < task.polls_needed:
            status = "pending" if task.polls == 0 else "in_progress"
            return task_payload(status=status, progress=task.polls / task.polls_needed, **common)
        if not task.finished:
            task.finished = True
            self.active -= 1
        if task.outcome == "failed":
            return task_payload(
                status="failed", error_code=task.error_code, error_message=task.error_message, **common
            )
        return task_payload(
            status="completed",
            video_url=self.url_of(task),
            video_size=len(MP4),
            job_id=f"video_{task.id}",
            duration="4",
            cost=__import__("decimal").Decimal("1.2"),
            **common,
        )

    def url_of(self, task: FakeTask) -> str:
        return f"{CDN}/files/{task.id}-v{task.url_version}.mp4"

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((self.clock(), request))
        if request.url.host == "cdn.example":
            if self.download_faults and (fault := self.download_faults.pop(0)) is not None:
                return fault(request)
            if str(request.url) in self.expired_urls:
                return httpx.Response(403, text="AccessDenied: Request has expired")
            return httpx.Response(200, content=MP4, headers={"content-type": "video/mp4"})
        if request.method == "POST":
            if self.create_faults and (fault := self.create_faults.pop(0)) is not None:
                return fault(request)
            return httpx.Response(200, json=self.payload(self.make_task(request)))
        task_id = request.url.path.rsplit("/", 1)[-1]
        task = self.tasks.get(task_id)
        if task is None:
            return httpx.Response(404, json={"message": "task not found"})
        if task.polls == 0 and self.on_first_poll is not None:
            self.on_first_poll(task_id)
        if self.poll_faults and (fault := self.poll_faults.pop(0)) is not None:
            return fault(request)
        task.polls += 1
        return httpx.Response(200, json=self.payload(task))

    # -- faults ------------------------------------------------------------------------------
    def lost_after_create(self, exc: Exception) -> Fault:
        """The task is made, then the answer is lost (the dangerous case for resending)."""

        def fault(request: httpx.Request) -> httpx.Response:
            self.make_task(request)
            raise exc

        return fault

    def created_then(self, response: httpx.Response) -> Fault:
        def fault(request: httpx.Request) -> httpx.Response:
            self.make_task(request)
            return response

        return fault


def status(code: int, body: Any = None, headers: dict[str, str] | None = None) -> Fault:
    def fault(request: httpx.Request) -> httpx.Response:
        if isinstance(body, (bytes, str)):
            return httpx.Response(
                code, content=body if isinstance(body, bytes) else body.encode(), headers=headers
            )
        return httpx.Response(code, json=body, headers=headers)

    return fault


def raises(exc: Exception) -> Fault:
    def fault(request: httpx.Request) -> httpx.Response:
        raise exc

    return fault
