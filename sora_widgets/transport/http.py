"""HTTP calls to the gateway, mapped onto :mod:`sora_widgets.errors`.

:class:`Transport` holds two ``httpx.AsyncClient`` objects: one for the API, which carries the
``Authorization`` header, and one for result downloads, which never does (a CDN host must not
see the key). Nothing here retries: the policies live in :mod:`.retry` and the client applies
them, because whether a failure may be retried depends on what was being sent.

Nothing a server sends is trusted: answers are read up to
:data:`~sora_widgets.models.wire.MAX_ANSWER_BYTES` (also after gzip) and decoded by
:func:`~sora_widgets.models.wire.decode_json` (depth-limited), every ``Retry-After`` is clipped
to :data:`~sora_widgets._constants.MAX_SERVER_HINT_S` whatever the status, and the key is
checked to be a valid header value before anything is sent.
"""

from __future__ import annotations

import email.utils
import logging
import math
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import Any

import httpx

from .._constants import (
    CONNECT_TIMEOUT_S,
    CREATE_PATH,
    CREATE_REQUEST_TIMEOUT_S,
    MAX_SERVER_HINT_S,
    POLL_REQUEST_TIMEOUT_S,
    TASK_PATH,
)
from ..errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConnectionFailed,
    InsufficientBalanceError,
    InvalidRequestError,
    MalformedResponse,
    NotFoundError,
    RateLimitError,
    RequestTimeout,
    ServerError,
    SoraError,
    redact,
    register_secret,
    safe_url,
)
from ..models.wire import (
    MAX_ANSWER_BYTES,
    WireFormatError,
    decode_json,
    error_body_advice,
    error_body_message,
)
from .body import BodyTooBig, BodyUnreadable, iter_body
from .retry import RateGate

__all__ = ["Answer", "Transport", "clean_api_key", "parse_retry_after"]

log = logging.getLogger("sora_widgets.transport")

_USER_AGENT = "sora-widgets/0.1 (+httpx)"
#: An httpx transport a client may be given instead of the network (a proxy's, a test's), so
#: layers above this one can name the type without importing httpx.
HttpxTransport = httpx.AsyncBaseTransport


class _RedactingFilter(logging.Filter):
    """httpx logs every request's full URL at INFO; a base URL's ``user:pass@`` or ``?token=``
    (or a signed CDN link) must not reach a log that way."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


if not any(isinstance(f, _RedactingFilter) for f in logging.getLogger("httpx").filters):
    logging.getLogger("httpx").addFilter(_RedactingFilter())


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date), or None.

    Every hint is clipped to :data:`~sora_widgets._constants.MAX_SERVER_HINT_S`, whatever the
    status code it came with: this is the one place a server's wish becomes a number.
    """
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        current = now if now is not None else time.time()
        try:
            seconds = when.timestamp() - current
        except (OverflowError, OSError, ValueError):
            return None
        return min(max(0.0, seconds), MAX_SERVER_HINT_S)
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return min(seconds, MAX_SERVER_HINT_S)


def clean_api_key(key: str) -> str:
    """The key without surrounding whitespace, checked to be sendable as a header value.

    Raises:
        InvalidRequestError: the key has a character an HTTP header cannot carry (a non-ASCII
            letter, a space or a control character). The message gives its position, never
            the key.
    """
    if not isinstance(key, str):
        raise InvalidRequestError(f"the API key must be text, not {type(key).__name__}.")
    cleaned = key.strip()
    if not cleaned:
        raise InvalidRequestError(
            "the API key is empty; set VTRIX_API_KEY or pass api_key=... "
            "(keys are issued at the Vtrix console)."
        )
    for position, char in enumerate(cleaned, start=1):
        if not "!" <= char <= "~":
            what = (
                "a space or control character"
                if char.isspace() or ord(char) < 32
                else "a non-ASCII character"
            )
            raise InvalidRequestError(
                f"the API key has {what} at position {position} of {len(cleaned)}, which no HTTP header "
                "can carry, so nothing was sent. Copy the key again from the Vtrix console (a paste "
                "can bring in invisible or typographic characters)."
            )
    return cleaned


@dataclass(frozen=True)
class Answer:
    """A decoded JSON answer and the server's hint on when to ask again (``Retry-After``)."""

    data: Any
    retry_after: float | None = None
    status_code: int = 200


def _describe(method: str, path: str) -> str:
    return "creating the task" if method == "POST" else f"polling {path}"


def error_for_response(response: httpx.Response, *, action: str, content: bytes | None = None) -> APIError:
    """The :mod:`errors` exception for an HTTP error answer (status >= 400).

    ``content`` is the body when it was read by the caller (streamed and capped); otherwise
    the response's own content is used.
    """
    status = response.status_code
    raw = response.content if content is None else content
    body: Any
    try:
        body = decode_json(raw)
    except WireFormatError:
        body = raw[:500].decode("utf-8", "replace") if raw else None
    detail = error_body_message(body)
    # A JSON-looking body is shown by its message; an HTML error page is not worth quoting.
    if detail and "<html" in detail.lower():
        detail = None
    said = f": {detail.rstrip('.')}" if detail else ""
    # A server that says what to do (the class gateway: who to ask, what would fit) is the
    # source that knows: its advice replaces the generic sentence and the class's advice.
    advice = error_body_advice(body)

    def generic(text: str) -> str:
        return "" if advice else f" {text}"

    retry_after = parse_retry_after(response.headers.get("retry-after"))
    exc: APIError
    if status == 401:
        exc = AuthenticationError(
            f"the API key was refused (HTTP 401){said}."
            + generic("Check VTRIX_API_KEY or pass api_key=...; keys are issued at the Vtrix console."),
            status_code=status,
            body=body,
            advice=advice,
        )
    elif status in (402, 403):
        exc = InsufficientBalanceError(
            f"the service refused {action} (HTTP {status}){said}."
            + generic("Top up the account balance or check that the key may use this model."),
            status_code=status,
            body=body,
            advice=advice,
        )
    elif status == 404:
        exc = NotFoundError(
            f"the service does not know this task (HTTP 404){said}."
            + generic("Check the task id and base URL."),
            status_code=status,
            body=body,
            advice=advice,
        )
    elif status == 429:
        hint = f" after about {retry_after:.0f} s" if retry_after is not None else " in a little while"
        exc = RateLimitError(
            f"rate limited while {action} (HTTP 429){said}. Try again{hint}, or run fewer jobs at once.",
            status_code=status,
            body=body,
            retry_after=retry_after,
        )
    elif status >= 500:
        exc = ServerError(
            f"the service failed while {action} (HTTP {status}){said}."
            + generic("This is usually brief; try again shortly."),
            status_code=status,
            body=body,
            advice=advice,
        )
    else:
        exc = BadRequestError(
            f"the service refused {action} (HTTP {status}){said}."
            + generic("Check the prompt, size, seconds and image."),
            status_code=status,
            body=body,
            advice=advice,
        )
    exc.retry_after = retry_after
    return exc


class _AnswerTooBig(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """The (unpacked) body, refusing to read or hold more than ``limit`` bytes of it."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _AnswerTooBig(limit)
    chunks: list[bytes] = []
    try:
        async for chunk in iter_body(response, max_body=limit):
            chunks.append(chunk)
    except BodyTooBig:
        raise _AnswerTooBig(limit) from None
    except BodyUnreadable as exc:
        raise _AnswerUnreadable(str(exc)) from None
    return b"".join(chunks)


class _AnswerUnreadable(Exception):
    pass


class InProcessTransport(httpx.ASGITransport):
    """httpx's ASGI transport, with an app that breaks off an answer (or crashes) reported the way
    a network reports it: as a broken connection (httpx.RemoteProtocolError), not an assertion."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except httpx.HTTPError:
            raise
        except Exception as exc:  # noqa: BLE001 - the app failing is our "connection" failing
            log.debug("in-process app failed: %s", type(exc).__name__)
            raise httpx.RemoteProtocolError(
                f"the in-process service broke off its answer ({type(exc).__name__})", request=request
            ) from None


def api_transport_for(
    app: Any, httpx_transport: httpx.AsyncBaseTransport | None
) -> httpx.AsyncBaseTransport | None:
    """The httpx transport an API client uses: the one given, else in-process to ``app``, else None
    (the network)."""
    if httpx_transport is None and app is not None:
        return InProcessTransport(app=app)
    return httpx_transport


def bearer_json_client(
    base_url: str,
    api_key: str,
    transport: httpx.AsyncBaseTransport | None,
    timeout: httpx.Timeout,
    extra_headers: dict[str, str] | None = None,
) -> httpx.AsyncClient:
    """An httpx client for a JSON API with a bearer key: no redirects (the key stays on its host)."""
    return httpx.AsyncClient(
        base_url=base_url,
        transport=transport,
        headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json", **(extra_headers or {})},
        timeout=timeout,
        follow_redirects=False,
    )


def request_timeout(seconds: float) -> httpx.Timeout:
    """``seconds`` per request, of which connecting gets at most :data:`CONNECT_TIMEOUT_S`."""
    return httpx.Timeout(seconds, connect=min(CONNECT_TIMEOUT_S, seconds))


def exchange_error(exc: httpx.HTTPError, where: str, action: str) -> SoraError:
    """The error for an exchange with ``where`` that httpx could not complete (no answer to map)."""
    kind = type(exc).__name__
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        # The connection was never made: the request certainly did not reach the service.
        return ConnectionFailed(
            f"could not connect to {where} while {action} ({kind}). Check the network and the base URL.",
            request_sent=False,
        )
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(f"no answer from {where} in time while {action} ({kind}).")
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return ConnectionFailed(f"the connection to {where} broke while {action} ({kind}).")
    return ConnectionFailed(f"HTTP failure talking to {where} while {action} ({kind}).")


class Transport:
    """The gateway's two calls (create, poll) and result downloads, over httpx.

    Example:
        >>> from sora_widgets.simulator import Simulator
        >>> sim = Simulator(speed="instant")
        >>> t = Transport("http://simulator.invalid", "my-key", app=sim.app)   # or a real base URL
        >>> body = {"model": "sora_2_pro_t2v", "input": [{"params": {"prompt": "A kite"}}]}
        >>> answer = await t.create(body)
        >>> answer.status_code, answer.data["model"], len(answer.data["id"])
        (200, 'sora_2_pro_t2v', 20)
        >>> await t.aclose()

    Args:
        base_url: the gateway's base URL.
        api_key: sent as ``Authorization: Bearer ...`` to the API host only.
        app: an ASGI app (the in-process simulator) to talk to instead of the network.
        httpx_transport: an httpx transport to use instead (tests: ``httpx.MockTransport``).
        timeout: seconds per poll request (create gets
            :data:`~sora_widgets._constants.CREATE_REQUEST_TIMEOUT_S`).
        download_transport: transport for downloads; defaults to the one the API uses when
            ``app`` or ``httpx_transport`` is given (the simulator serves its own files).
        rate_gate: shared gate that holds every request back after a 429.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        app: Any = None,
        httpx_transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = POLL_REQUEST_TIMEOUT_S,
        download_transport: httpx.AsyncBaseTransport | None = None,
        rate_gate: RateGate | None = None,
    ) -> None:
        api_key = clean_api_key(api_key)
        register_secret(api_key)
        self.base_url = base_url.rstrip("/")
        # What messages and reprs show: never user:pass@ or a ?token= of the base URL.
        self.shown_url = safe_url(self.base_url)
        self.rate_gate = rate_gate or RateGate()
        self._poll_timeout = request_timeout(timeout)
        self._create_timeout = httpx.Timeout(
            max(timeout, CREATE_REQUEST_TIMEOUT_S), connect=min(CONNECT_TIMEOUT_S, timeout)
        )
        api_transport = api_transport_for(app, httpx_transport)
        self._api = bearer_json_client(
            self.base_url, api_key, api_transport, self._poll_timeout, {"User-Agent": _USER_AGENT}
        )
        self._downloads = httpx.AsyncClient(
            transport=download_transport or api_transport,
            headers={"User-Agent": _USER_AGENT},
            timeout=self._poll_timeout,
            # CDNs redirect; httpx would drop auth across hosts anyway, and this client has none.
            follow_redirects=True,
        )

    def __repr__(self) -> str:
        return f"Transport({self.shown_url!r})"

    @property
    def download_client(self) -> httpx.AsyncClient:
        """The key-less client used for result URLs."""
        return self._downloads

    async def create(self, body: dict[str, Any], path: str = CREATE_PATH) -> Answer:
        """POST the create body to ``path`` (a model's endpoint on this API's host). Raises the
        mapped error; never retries."""
        return await self._request("POST", path, json_body=body, timeout=self._create_timeout)

    async def get_task(
        self, task_id: str, *, deadline: float | None = None, path: str = CREATE_PATH
    ) -> Answer:
        """GET the task at ``{path}/task/{id}``. Raises the mapped error; never retries.
        ``deadline`` (on the rate gate's clock) bounds how long a closed rate gate may hold the
        request back."""
        if not task_id.strip() or task_id.strip(".") == "":
            raise NotFoundError(f"{task_id!r} is not a task id; check it.", status_code=404)
        quoted = urllib.parse.quote(task_id, safe="")
        where = (
            TASK_PATH.format(task_id=quoted) if path == CREATE_PATH else f"{path.rstrip('/')}/task/{quoted}"
        )
        return await self._request("GET", where, timeout=self._poll_timeout, deadline=deadline)

    async def get_catalog(self, url: str, params: dict[str, str] | None = None) -> Any:
        """GET a catalog URL (the model list or a spec) WITHOUT the key, as the vendor CLI does,
        and return its decoded JSON body. Raises the mapped error; never retries."""
        action = "reading the model catalog"
        where = safe_url(url)
        try:
            request = self._downloads.build_request(
                "GET", url, params=params, headers={"X-Source": "sora-widgets"}, timeout=self._poll_timeout
            )
            response = await self._downloads.send(request, stream=True)
            try:
                content = await _read_capped(response, MAX_ANSWER_BYTES)
            finally:
                await response.aclose()
        except (_AnswerTooBig, _AnswerUnreadable):
            raise MalformedResponse(f"the answer of {where} while {action} could not be read.") from None
        except httpx.HTTPError as exc:
            raise exchange_error(exc, where, action) from None
        if response.status_code >= 400:
            raise error_for_response(response, action=action, content=content)
        try:
            return decode_json(content)
        except WireFormatError as exc:
            raise MalformedResponse(f"the answer of {where} while {action} was not JSON: {exc}.") from None

    async def download(
        self,
        url: str,
        dest: Path,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        expected_size: int | None = None,
    ) -> Path:
        """Stream ``url`` to ``dest`` with the key-less client and verify it (see :mod:`.download`);
        ``expected_size`` is the file size the task reported, if any."""
        from .download import download_file

        return await download_file(self._downloads, url, dest, sleep=sleep, expected_size=expected_size)

    async def aclose(self) -> None:
        """Close both HTTP clients."""
        await self._api.aclose()
        await self._downloads.aclose()

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: dict[str, Any] | None = None,
        timeout: httpx.Timeout,
        deadline: float | None = None,
    ) -> Answer:
        action = _describe(method, path)
        await self.rate_gate.wait(deadline)
        where = self.shown_url
        try:
            request = self._api.build_request(method, path, json=json_body, timeout=timeout)
            response = await self._api.send(request, stream=True)
            try:
                content = await _read_capped(response, MAX_ANSWER_BYTES)
            finally:
                await response.aclose()
        except _AnswerTooBig as exc:
            raise MalformedResponse(
                f"the answer to {action} from {where} was more than {exc.limit:,} bytes, far more "
                "than a task answer; it was not read."
            ) from None
        except _AnswerUnreadable as exc:
            raise MalformedResponse(
                f"the answer to {action} from {where} could not be read: {exc}."
            ) from None
        except httpx.HTTPError as exc:
            raise exchange_error(exc, where, action) from None
        log.debug("%s %s -> %s", method, path, response.status_code)
        if response.status_code >= 400:
            error = error_for_response(response, action=action, content=content)
            if isinstance(error, RateLimitError):
                self.rate_gate.block(error.retry_after)
            raise error
        if response.status_code >= 300:
            raise ServerError(
                f"the service answered {action} with a redirect (HTTP {response.status_code}); "
                "check the base URL.",
                status_code=response.status_code,
            )
        try:
            data = decode_json(content)
        except WireFormatError as exc:
            snippet = content[:80].decode("utf-8", "replace")
            raise MalformedResponse(
                f"the answer to {action} was not readable JSON: {exc} (HTTP {response.status_code}, "
                f"starts {snippet!r})."
            ) from None
        return Answer(
            data=data,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            status_code=response.status_code,
        )
