"""The errors the client raises for what the service says: refusals, failures, timeouts."""

from __future__ import annotations

import re

from .._constants import MAX_UNKNOWN_STATUS_S
from ..errors import GenerationFailed, ModerationBlocked, PollTimeout, failure_advice
from ..models.catalog import MODELS, ModelProfile
from ..models.task import Task

__all__ = ["failure_error", "is_moderation", "poll_timeout", "stuck_in_unknown"]

# Wording upstream moderation uses (see the wire spec); a failure matching it is ModerationBlocked.
_MODERATION = re.compile(
    r"moderation|human face|contains? (?:a )?(?:real )?(?:person|people|face)|content polic|safety system",
    re.IGNORECASE,
)


def is_moderation(text: str | None) -> bool:
    """True when a message is the wording of upstream moderation."""
    return bool(text and _MODERATION.search(text))


def failure_error(
    *, task_id: str, model: str | None, code: str | None, message: str, task: Task | None
) -> GenerationFailed:
    """The error of a failed task (or a refused create, ``task_id=""``), with the catalog's advice."""
    spec: ModelProfile | None = MODELS.get(model or "")
    meaning = spec.meaning(code) if spec else None
    what = f"task {task_id} failed" if task_id else "the service refused to create the task"
    detail = f" (code {code}: {meaning})" if code and meaning else f" (code {code})" if code else ""
    if is_moderation(message):
        return ModerationBlocked(
            f"{what}: {message}{detail}. Moderation refused the prompt or the reference image.",
            task_id=task_id,
            code=code,
            meaning=meaning,
            task=task,
            advice=ModerationBlocked.advice,
        )
    return GenerationFailed(
        f"{what}: {message}{detail}.",
        task_id=task_id,
        code=code,
        meaning=meaning,
        task=task,
        advice=failure_advice(model, code),
    )


def poll_timeout(task_id: str, current: Task | None, timeout: float) -> PollTimeout:
    """The deadline of a wait passed; the task has not failed."""
    state = current.status if current is not None else "unknown"
    progress = f" at {current.progress:.0%}" if current is not None and current.progress is not None else ""
    return PollTimeout(
        f"task {task_id} is still {state}{progress} after {timeout:.0f} s of waiting; it has not "
        f"failed. Wait again with `await client.wait({task_id!r})` or pick it up later with "
        "`await client.resume()`.",
        task_id=task_id,
        last_task=current,
    )


def stuck_in_unknown(task_id: str, current: Task, seconds: float) -> PollTimeout:
    """The task has reported an undocumented status for too long."""
    return PollTimeout(
        f"task {task_id} has reported the status {current.raw_status!r}, which the API does not "
        f"document, for {seconds:.0f} s; polling stopped there (the limit is "
        f"{MAX_UNKNOWN_STATUS_S:.0f} s) rather than waiting out the whole deadline. The task may "
        f"still finish: wait again with `await client.wait({task_id!r})` or `client.resume()` "
        "later, or ask Vtrix support what the status means.",
        task_id=task_id,
        last_task=current,
    )
