"""Sending a create: at most once, its outcome reported whatever happens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from ..errors import APIError, BadRequestError, ModerationBlocked, SoraError, UnknownOutcomeError
from ..models.request import VideoRequest
from ..models.task import Task
from ..models.wire import WireFormatError, create_body, parse_error, parse_task
from ..transport import Transport, create_outcome_unknown, create_retrying
from ._failures import failure_error, is_moderation
from ._recorder import Reports

__all__ = ["Creator"]


class Creator:
    """Records a request, sends it (retried only when nothing can have started), reports the task.

    Args:
        image_form: how a local reference image travels: ``"data_url"`` or ``"base64"``.
    """

    def __init__(
        self,
        transport: Transport,
        reports: Reports,
        *,
        image_form: str,
        sleep: Callable[[float], Awaitable[None]],
        rand: Callable[[], float],
    ) -> None:
        self._transport = transport
        self._reports = reports
        self.image_form = image_form
        self._sleep = sleep
        self._rand = rand

    async def create(self, req: VideoRequest, labels: Mapping[str, str] | None) -> Task:
        """The new task (see :meth:`sora_widgets.SoraClient.create`)."""
        entry_id = self._reports.sending(req, labels)
        task = await self._send(req, entry_id)
        self._reports.created(entry_id, task)
        return task

    async def _send(self, req: VideoRequest, entry_id: str) -> Task:
        body = create_body(req, self.image_form)
        try:
            async for attempt in create_retrying(sleep=self._sleep, rand=self._rand):
                with attempt:
                    answer = await (
                        self._transport.create(body, req.endpoint)
                        if req.endpoint
                        else self._transport.create(body)
                    )
        except SoraError as exc:
            journal_id = entry_id if self._reports.durable else None
            if create_outcome_unknown(exc):
                self._reports.outcome_unknown(entry_id, exc.message)
                raise UnknownOutcomeError(
                    f"the create request may have reached the service, but its answer was lost "
                    f"({exc.message}). It was not resent, because a second send could start and bill "
                    f"a second task. Look for it in the Vtrix console; the request is kept in the "
                    f"journal as 'outcome unknown'" + (f" (entry {journal_id})." if journal_id else "."),
                    request=req,
                    journal_id=journal_id,
                ) from exc
            code = str(exc.status_code) if isinstance(exc, APIError) else None
            self._reports.refused(entry_id, exc.message, code)
            if isinstance(exc, BadRequestError) and is_moderation(exc.message):
                raise ModerationBlocked(
                    f"moderation refused the request: {exc.message}",
                    task_id="",
                    code=code,
                    task=None,
                    advice=ModerationBlocked.advice,
                ) from exc
            raise
        data = answer.data
        try:
            return parse_task(data)
        except WireFormatError as exc:
            error = parse_error(data.get("error")) if isinstance(data, Mapping) else None
            if error is None:
                message = f"the create answer was not a task ({exc})"
                self._reports.outcome_unknown(entry_id, message)
                raise UnknownOutcomeError(
                    f"{message}; a task may or may not have started. It was not resent; look for it "
                    "in the Vtrix console.",
                    request=req,
                    journal_id=entry_id if self._reports.durable else None,
                ) from None
            self._reports.refused(entry_id, error.message, error.code)
            raise failure_error(
                task_id="", model=req.model, code=error.code, message=error.message, task=None
            ) from None
