"""Forwarding to the upstream service with the teacher's key, through the project's transport.

Every upstream outcome becomes one :class:`Relay`: what to answer the student (status, body,
``Retry-After``), and what it means for the money (``created``, ``refused``, ``unknown``), so
the app does not reason about HTTP errors itself. Answers are passed through as the upstream
gave them; the gateway only speaks for itself when there was no upstream answer at all.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Literal

from .._constants import CREATE_PATH, SPEC_PATH
from ..errors import (
    APIError,
    ConnectionFailed,
    MalformedResponse,
    ModelUnavailableError,
    RequestTimeout,
    SoraError,
    redact,
    safe_url,
)
from ..models.specs import CatalogRefusal, ModelSpec, parse_envelope
from ..models.task import Task
from ..models.wire import WireFormatError, parse_task
from ..transport import Transport

__all__ = ["Relay", "Upstream"]

Outcome = Literal["created", "refused", "unknown", "answered", "failed"]


@dataclass(frozen=True)
class Relay:
    """The answer for the student and what it means for the budget."""

    status: int
    body: Any
    outcome: Outcome
    headers: dict[str, str] = field(default_factory=dict)
    task: Task | None = None
    reason: str = ""


def _headers(retry_after: float | None) -> dict[str, str]:
    return {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}


def _error_relay(exc: SoraError, *, creating: bool) -> Relay:
    """An upstream error as the student should see it."""
    if isinstance(exc, APIError):
        body = exc.body if isinstance(exc.body, (dict, list)) else {"message": str(exc.body or exc.message)}
        # A 4xx refused the create (nothing made); 5xx and redirects leave it unknown.
        outcome: Outcome = "refused" if 400 <= exc.status_code < 500 else "unknown"
        status = exc.status_code
        if status == 401:
            # The teacher's key was refused: a 401 would wrongly tell the student their key is bad.
            status = 502
            body = {
                "message": "The video service refused the class gateway's own key (HTTP 401); "
                "tell your teacher."
            }
        return Relay(
            status=status,
            body=body,
            outcome=outcome if creating else "failed",
            headers=_headers(exc.retry_after),
            reason=redact(exc.message),
        )
    if isinstance(exc, ConnectionFailed) and not exc.request_sent:
        return Relay(
            status=502,
            body={"message": "The class gateway could not reach the video service; nothing was sent."},
            outcome="refused" if creating else "failed",
            reason=redact(exc.message),
        )
    status = 504 if isinstance(exc, RequestTimeout) else 502
    what = (
        "did not answer in time"
        if isinstance(exc, RequestTimeout)
        else "answered with something that is not JSON"
        if isinstance(exc, MalformedResponse)
        else "broke the connection"
    )
    message = f"The video service {what}."
    if creating:
        message += (
            " The task may have been created (and may be charged), so the gateway did not resend it; "
            "your teacher sees it as 'outcome unknown'."
        )
    return Relay(
        status=status,
        body={"message": message},
        outcome="unknown" if creating else "failed",
        reason=redact(exc.message),
    )


class Upstream:
    """The upstream service, seen from the gateway.

    Args:
        base_url: the real API (``https://cloud.vtrix.ai``) or a simulator.
        api_key: the teacher's key; registered for redaction by the transport, sent only there.
        app: an in-process ASGI app (a :class:`~sora_widgets.simulator.Simulator`'s) instead of
            the network, for tests and rehearsals.
    """

    def __init__(self, base_url: str, api_key: str, *, app: Any = None) -> None:
        self._base = base_url.rstrip("/")
        self._transport = Transport(self._base, api_key, app=app)
        # What may be shown (banner, repr, logs): never a user:pass@ or a query's token.
        self.base_url = safe_url(base_url)

    def __repr__(self) -> str:
        return f"Upstream({self.base_url!r})"

    async def spec(self, model_id: str) -> ModelSpec:
        """The service's spec of a model (read without the key, as every catalog client does).

        Raises:
            SoraError: the catalog cannot be read, or does not know the model.
        """
        url = f"{self._base}{SPEC_PATH.format(model_id=urllib.parse.quote(model_id, safe=''))}"
        try:
            data = parse_envelope(await self._transport.get_catalog(url), "model spec")
        except CatalogRefusal as exc:
            raise ModelUnavailableError(
                model_id, reason=f'is not offered by the video service, which answered "{exc.message}"'
            ) from None
        return ModelSpec.from_wire(data)

    async def create(self, body: dict[str, Any], path: str = CREATE_PATH) -> Relay:
        """Forward one create, exactly once, to the model's endpoint ``path``."""
        try:
            answer = await self._transport.create(body, path)
        except SoraError as exc:
            return _error_relay(exc, creating=True)
        try:
            task = parse_task(answer.data)
        except WireFormatError as exc:
            # HTTP 200 with an error and no id: the upstream refused; pass its answer on.
            return Relay(status=200, body=answer.data, outcome="refused", reason=str(exc))
        return Relay(status=200, body=answer.data, outcome="created", task=task)

    async def poll(self, upstream_id: str, path: str | None = None) -> Relay:
        """Forward one poll, to ``{path}/task/{id}`` for a model at its own endpoint ``path``."""
        try:
            answer = await self._transport.get_task(upstream_id, path=path or CREATE_PATH)
        except SoraError as exc:
            return _error_relay(exc, creating=False)
        try:
            task = parse_task(answer.data, fallback_id=upstream_id)
        except WireFormatError as exc:
            return Relay(
                status=502, body={"message": f"The video service answered oddly: {exc}"}, outcome="failed"
            )
        return Relay(
            status=200, body=answer.data, outcome="answered", task=task, headers=_headers(answer.retry_after)
        )

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._transport.aclose()
