"""Every error sora_widgets raises, under one root.

```
SoraError
├── InvalidRequestError (also ValueError)   bad input, caught before anything is sent
│   └── ImageError                          reference image unreadable, wrong type, too big
├── ModelUnavailableError                   the model is not in the catalog, or the service says "not found"
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
├── DownloadError                           the video file could not be fetched or verified
│   └── LinkExpired                         the result URL no longer serves the file
└── MediaError (also OSError)               a file on disk is not a readable MP4 video
```

Every error says what happened (:attr:`SoraError.message`) and what to do next
(:attr:`SoraError.advice`): each class carries the advice for its kind, and a raiser that knows
better (the model catalog's advice for a failure code) passes ``advice=``, which then ends
``str(error)`` too. Front ends show the two apart (the status bar's "What to do", the CLI's second
line) and keep no advice tables of their own. No message ever contains an API
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

from ._failure_codes import advice_for_code
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
    "MediaError",
    "ModelUnavailableError",
    "ModerationBlocked",
    "NotFoundError",
    "PollTimeout",
    "RateLimitError",
    "RequestTimeout",
    "ServerError",
    "SoraError",
    "TransportError",
    "UnknownOutcomeError",
    "entry_advice",
    "failure_advice",
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
    replaced by ``?`` so that printing an error never clears a screen or retitles a window.

    ``advice`` says what to do: the class's own unless the raiser passed ``advice=`` (then it
    also ends ``str(error)``, so a traceback says it).

    Example:
        >>> error = SoraError("the thing broke", advice="Mend it.")
        >>> error.message, error.advice, str(error)
        ('the thing broke', 'Mend it.', 'the thing broke Mend it.')
    """

    advice: str = "Try again; if it happens again, the message says what to look at."

    def __init__(self, message: str, *, advice: str | None = None) -> None:
        said = printable(redact(message))
        self._said = said
        if advice is not None:
            self.advice = printable(redact(advice))
            if self.advice not in said:
                said = f"{said} {self.advice}"
        super().__init__(said)

    @property
    def message(self) -> str:
        """What went wrong, redacted, without the advice a raiser added (see :attr:`advice`)."""
        return getattr(self, "_said", None) or (str(self.args[0]) if self.args else "")


class InvalidRequestError(SoraError, ValueError):
    """The request is not valid; nothing was sent and nothing was billed."""

    advice = "Fix the request as the message says; nothing was sent."


class ImageError(InvalidRequestError):
    """The reference image cannot be used as it is."""

    advice = (
        "Use another image (JPEG, PNG or WebP, no human faces), or fix this one as the message says; "
        "nothing was sent."
    )


class ModelUnavailableError(SoraError):
    """The model is not in the account's catalog, or the service answered "not found" for it.

    ``model`` is the id asked for; ``alternatives`` the closest video models the catalog offers
    (also named in the message).

    Example:
        >>> error = ModelUnavailableError("sora_2_pro_t2v", ("kirin_v2_6_t2v",))
        >>> error.alternatives
        ('kirin_v2_6_t2v',)
    """

    advice = "Pick one of the models the catalog offers (client.models(), or `sora-widgets models`)."

    def __init__(
        self, model: str, alternatives: tuple[str, ...] = (), *, reason: str = "", sent: bool = False
    ) -> None:
        said = reason or "is not in the model catalog of this account"
        offer = f"; the closest video models it offers: {', '.join(alternatives)}" if alternatives else ""
        # ``sent``: the create went out and the service refused it, so it made (and billed) nothing.
        outcome = "Nothing was created or billed." if sent else "Nothing was sent."
        super().__init__(f"model {model!r} {said}{offer}. {outcome}")
        self.model = model
        self.alternatives = alternatives


class APIError(SoraError):
    """The service answered with an HTTP error status."""

    advice = "Try again; if it repeats, check the base URL and the service's status page."

    # The server's Retry-After hint in seconds, when it sent one (429 and some 5xx).
    retry_after: float | None = None

    def __init__(
        self, message: str, *, status_code: int, body: Any = None, advice: str | None = None
    ) -> None:
        super().__init__(message, advice=advice)
        self.status_code = status_code
        self.body = body


class AuthenticationError(APIError):
    """401: the API key is missing or invalid."""

    advice = "Check the API key (VTRIX_API_KEY or SoraClient(api_key=...))."


class InsufficientBalanceError(APIError):
    """402/403: not enough credit, or the key may not use this model."""

    advice = "Top up the account, or check that the key may use this model."


class RateLimitError(APIError):
    """429: too many requests. ``retry_after`` is the server's hint in seconds, if it gave one."""

    advice = "Too many requests: wait a minute, then try again."

    def __init__(
        self, message: str, *, status_code: int = 429, body: Any = None, retry_after: float | None
    ) -> None:
        super().__init__(message, status_code=status_code, body=body)
        self.retry_after = retry_after


class NotFoundError(APIError):
    """404: the service does not know this task id."""

    advice = "Check the task id; client.history (or sw.Gallery()) lists the tasks made with this journal."


class BadRequestError(APIError):
    """Another 4xx: the service refused the request (for example moderation or image size)."""

    advice = (
        "The service refused the request before starting it; nothing was billed. "
        "Fix it as the message says and resend."
    )


class ServerError(APIError):
    """5xx: the service failed. Polls retry these; a create does not (see UnknownOutcomeError)."""

    advice = "The service failed; try again in a little while."


class TransportError(SoraError):
    """No usable answer came back."""

    advice = "Check the network and the base URL, then try again; a task already created can be resumed."


class ConnectionFailed(TransportError):
    """Could not connect, or the connection broke.

    ``request_sent`` is False only when the request certainly never reached the service (the
    connection was never made), which is the one case where a create may be resent safely.
    """

    advice = "Check the network and the base URL; a task already created can be resumed."

    def __init__(self, message: str, *, request_sent: bool = True, advice: str | None = None) -> None:
        super().__init__(message, advice=advice)
        self.request_sent = request_sent


class RequestTimeout(TransportError):
    """The service did not answer in time."""

    advice = "The service is slow to answer; try again, or resume later."


class MalformedResponse(TransportError):
    """The answer was not the JSON the contract promises."""

    advice = "Check that the base URL is the Vtrix gateway (not a proxy's or a login page), then try again."


class UnknownOutcomeError(SoraError):
    """A create request may have reached the service, but its answer was lost.

    There is no idempotency key, so resending could start (and bill) a second task. The
    request is kept in ``request`` and in the journal, marked "outcome unknown".
    """

    advice = (
        "The request may have reached the service and been billed, so it was not resent. Look in "
        "client.history, sw.Gallery() or `sora-widgets history --status unknown_outcome` before trying again."
    )

    def __init__(
        self,
        message: str,
        *,
        request: Any = None,
        journal_id: str | None = None,
        advice: str | None = None,
    ) -> None:
        super().__init__(message, advice=advice)
        self.request = request
        self.journal_id = journal_id


class PollTimeout(SoraError):
    """Our deadline passed while the task was still running.

    The task is not failed: ``task_id`` can be passed to ``client.wait`` or ``client.resume``.
    """

    advice = (
        "The task goes on at the service: await client.wait(task_id) later, or client.resume() "
        "(`sora-widgets resume` in a terminal)."
    )

    def __init__(
        self, message: str, *, task_id: str, last_task: Any = None, advice: str | None = None
    ) -> None:
        super().__init__(message, advice=advice)
        self.task_id = task_id
        self.last_task = last_task


class GenerationFailed(SoraError):
    """The task ended in failure.

    Attributes:
        task_id: the gateway task id.
        code: the error code as the service sent it (a string), or None.
        meaning: what the code means according to the model's error table, or None.
        task: the final Task, if known.
        advice: the model catalog's advice for the code when the raiser gives none.
    """

    advice = "Try again."
    _advice_by_code = True

    def __init__(
        self,
        message: str,
        *,
        task_id: str,
        code: str | None = None,
        meaning: str | None = None,
        task: Any = None,
        advice: str | None = None,
    ) -> None:
        super().__init__(message, advice=advice)
        if advice is None and code and self._advice_by_code:
            self.advice = failure_advice(getattr(task, "model", None), code, type(self).advice)
        self.task_id = task_id
        self.code = code
        self.meaning = meaning
        self.task = task


class ModerationBlocked(GenerationFailed):
    """Moderation refused the prompt or the reference image (human faces are refused)."""

    advice = "Rephrase the prompt, and use images without real people's faces."
    _advice_by_code = False  # the code says what failed; the advice is about moderation


class DownloadError(SoraError):
    """The video could not be downloaded or failed its checks; no broken file was left."""

    advice = (
        "The task is recorded in the journal: check free disk space, then client.download(video), "
        "or `sora-widgets resume` in a terminal, downloads it again."
    )


class LinkExpired(DownloadError):
    """The result URL no longer serves the file (CDN links expire after hours)."""

    advice = (
        "The result link expired; polling the task again gives a fresh link "
        "(client.resume(), or `sora-widgets resume`)."
    )


class MediaError(SoraError, OSError):
    """A video file on disk cannot be read as an MP4 video (no video stream, not an MP4, damaged,
    or bigger than the frames sora_widgets decodes); nothing was made from it."""

    advice = (
        "Download the video again (client.download(video), or `sora-widgets resume`), or pass a file "
        "that plays as an MP4."
    )


def failure_advice(model: str | None, code: str | None, default: str = GenerationFailed.advice) -> str:
    """What to do about a failed task: the model catalog's advice for its code, else ``default``.

    A code the task's model does not list is looked up in the other models (their code ranges do
    not overlap), so an error whose task is unknown still gets the advice for its code.
    """
    advice = advice_for_code(model, code)
    if advice:
        return advice
    return default


def entry_advice(status: str, *, model: str | None = None, code: str | None = None) -> str:
    """What to do about a journal entry in ``status``: the advice of the error that status stands
    for (``""`` for a completed one).

    Example:
        >>> entry_advice("refused") == BadRequestError.advice
        True
    """
    if status in ("unknown_outcome", "sending"):
        return UnknownOutcomeError.advice
    if status in ("pending", "in_progress"):
        return PollTimeout.advice
    if status == "refused":
        return BadRequestError.advice
    if status == "failed":
        return failure_advice(model, code)
    return ""
