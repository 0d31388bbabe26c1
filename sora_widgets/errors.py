"""Every error sora_widgets raises, under one root.

```
SoraError
├── InvalidRequestError (also ValueError)   bad input, caught before anything is sent
│   └── ImageError                          reference image unreadable, wrong type, too big
├── APIError                                the service answered with an HTTP error
│   ├── AuthenticationError                 401: key missing or invalid
│   ├── InsufficientBalanceError            402/403: no credit or no permission
│   ├── RateLimitError                      429 (carries retry_after)
│   ├── NotFoundError                       404: no such task
│   ├── BadRequestError                     other 4xx: the service refused the request
│   └── ServerError                         5xx
├── TransportError                          no usable answer
│   ├── ConnectionFailed                    could not connect, or the connection broke
│   ├── RequestTimeout                      the service did not answer in time
│   └── MalformedResponse                   the answer was not the JSON the contract promises
├── UnknownOutcomeError                     a create whose answer was lost: maybe billed, never resent
├── PollTimeout                             our deadline passed; the task goes on and can be resumed
├── GenerationFailed                        the task ended failed (code, message, meaning)
│   └── ModerationBlocked                   ... because moderation refused the prompt or image
└── DownloadError                           the video file could not be fetched or verified
    └── LinkExpired                         the result URL no longer serves the file
```

Every message says what happened and what to do next. No message ever contains an API
key: :func:`redact` scrubs anything that looks like one, and the client registers the key
it holds so that even an unusual key shape is removed. Only secrets of at least
:data:`MIN_SECRET_CHARS` are registered (a key such as ``test`` would otherwise mangle every
word containing it), and never the simulator's placeholder key. Credentials inside URLs
(``user:pass@``, ``?token=``) are removed from every message too; :func:`safe_url` gives the
form of a URL that may be shown anywhere.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from ._text import printable

__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "ConnectionFailed",
    "DownloadError",
    "GenerationFailed",
    "ImageError",
    "InsufficientBalanceError",
    "InvalidRequestError",
    "LinkExpired",
    "MalformedResponse",
    "ModerationBlocked",
    "NotFoundError",
    "PollTimeout",
    "RateLimitError",
    "RequestTimeout",
    "ServerError",
    "SoraError",
    "TransportError",
    "UnknownOutcomeError",
    "redact",
    "register_secret",
    "safe_url",
]

_SECRETS: set[str] = set()
# Shorter strings are words, not secrets: registering "test" would turn "latest" into "la***".
MIN_SECRET_CHARS = 12
# The key sent to a simulator given no key; it is public, and it is an ordinary word.
SIMULATOR_KEY = "simulator"
# Bearer tokens and the key shapes the gateway hands out; a registered key is removed whatever its shape.
_KEY_PATTERN = re.compile(r"(?i)(bearer\s+)[^\s\"',]+|\b(?:sk|vx)-[A-Za-z0-9_\-]{8,}")
# user:password@ inside any URL, and query parameters that carry credentials.
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@'\"<>]+@")
_URL_SECRET_PARAM = re.compile(
    r"(?i)([?&](?:token|access_token|api[_-]?key|key|secret|password|passwd|auth|sig|signature|"
    r"x-amz-signature|x-amz-credential|x-goog-signature)=)[^&\s'\"#<>]+"
)


def register_secret(secret: str | None) -> None:
    """Remember a secret so that :func:`redact` removes it from any text.

    Strings shorter than :data:`MIN_SECRET_CHARS` and the simulator's placeholder are not
    secrets and are ignored.
    """
    if secret:
        secret = secret.strip()
    if secret and len(secret) >= MIN_SECRET_CHARS and secret != SIMULATOR_KEY:
        _SECRETS.add(secret)


def redact(text: str) -> str:
    """Return ``text`` with every registered secret, key-shaped token and URL credential replaced."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    text = _URL_USERINFO.sub(r"\1***@", text)
    text = _URL_SECRET_PARAM.sub(r"\1***", text)
    return _KEY_PATTERN.sub(lambda m: (m.group(1) or "") + "***", text)


def safe_url(url: str) -> str:
    """``url`` as it may be shown: scheme, host, port and path; never ``user:pass@``, a query or
    a fragment (where gateways and CDNs put tokens).

    Example:
        >>> safe_url("https://me:pw@gw.example:8443/v1/?token=abc")
        'https://gw.example:8443/v1'
    """
    try:
        parts = urllib.parse.urlsplit(str(url))
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(an unreadable URL)"
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    shown = f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else f"{host}{port}{parts.path}"
    return shown.rstrip("/")


class SoraError(Exception):
    """Root of every sora_widgets error. The message is always redacted, and printable: text a
    server put in it (an error message, a status) can carry terminal escape sequences, which are
    replaced by ``?`` so that printing an error never clears a screen or retitles a window."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(redact(message)))

    @property
    def message(self) -> str:
        """The redacted message."""
        return str(self.args[0]) if self.args else ""


class InvalidRequestError(SoraError, ValueError):
    """The request is not valid; nothing was sent and nothing was billed."""


class ImageError(InvalidRequestError):
    """The reference image cannot be used as it is."""


class APIError(SoraError):
    """The service answered with an HTTP error status."""

    # The server's Retry-After hint in seconds, when it sent one (429 and some 5xx).
    retry_after: float | None = None

    def __init__(self, message: str, *, status_code: int, body: Any = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body


class AuthenticationError(APIError):
    """401: the API key is missing or invalid."""


class InsufficientBalanceError(APIError):
    """402/403: not enough credit, or the key may not use this model."""


class RateLimitError(APIError):
    """429: too many requests. ``retry_after`` is the server's hint in seconds, if it gave one."""

    def __init__(
        self, message: str, *, status_code: int = 429, body: Any = None, retry_after: float | None
    ) -> None:
        super().__init__(message, status_code=status_code, body=body)
        self.retry_after = retry_after


class NotFoundError(APIError):
    """404: the service does not know this task id."""


class BadRequestError(APIError):
    """Another 4xx: the service refused the request (for example moderation or image size)."""


class ServerError(APIError):
    """5xx: the service failed. Polls retry these; a create does not (see UnknownOutcomeError)."""


class TransportError(SoraError):
    """No usable answer came back."""


class ConnectionFailed(TransportError):
    """Could not connect, or the connection broke.

    ``request_sent`` is False only when the request certainly never reached the service (the
    connection was never made), which is the one case where a create may be resent safely.
    """

    def __init__(self, message: str, *, request_sent: bool = True) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class RequestTimeout(TransportError):
    """The service did not answer in time."""


class MalformedResponse(TransportError):
    """The answer was not the JSON the contract promises."""


class UnknownOutcomeError(SoraError):
    """A create request may have reached the service, but its answer was lost.

    There is no idempotency key, so resending could start (and bill) a second task. The
    request is kept in ``request`` and in the journal, marked "outcome unknown".
    """

    def __init__(self, message: str, *, request: Any = None, journal_id: str | None = None) -> None:
        super().__init__(message)
        self.request = request
        self.journal_id = journal_id


class PollTimeout(SoraError):
    """Our deadline passed while the task was still running.

    The task is not failed: ``task_id`` can be passed to ``client.wait`` or ``client.resume``.
    """

    def __init__(self, message: str, *, task_id: str, last_task: Any = None) -> None:
        super().__init__(message)
        self.task_id = task_id
        self.last_task = last_task


class GenerationFailed(SoraError):
    """The task ended in failure.

    Attributes:
        task_id: the gateway task id.
        code: the error code as the service sent it (a string), or None.
        meaning: what the code means according to the model's error table, or None.
        task: the final Task, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        task_id: str,
        code: str | None = None,
        meaning: str | None = None,
        task: Any = None,
    ) -> None:
        super().__init__(message)
        self.task_id = task_id
        self.code = code
        self.meaning = meaning
        self.task = task


class ModerationBlocked(GenerationFailed):
    """Moderation refused the prompt or the reference image (human faces are refused)."""


class DownloadError(SoraError):
    """The video could not be downloaded or failed its checks; no broken file was left."""


class LinkExpired(DownloadError):
    """The result URL no longer serves the file (CDN links expire after hours)."""
