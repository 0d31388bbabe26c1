"""`SoraClient`: create, poll, wait, download, resume and batch Sora 2 Pro generations.

Async first; every public coroutine has a blocking ``*_sync`` twin that works in a plain
script and inside a notebook cell (see :mod:`sora_widgets._sync`).

Safety rules the client keeps:

- Requests are validated before anything is sent (:class:`~sora_widgets.VideoRequest`).
- A create is journaled *before* it is sent and its task id as soon as it is known, so a
  kernel restart loses nothing (:meth:`SoraClient.resume`).
- A create whose answer was lost is never resent: it raises
  :class:`~sora_widgets.UnknownOutcomeError` and is journaled as ``unknown_outcome``.
- The key is registered for redaction, sent only to the API host, and never shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import os
import random
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._constants import (
    DEFAULT_BASE_URL,
    DEFAULT_WAIT_TIMEOUT_S,
    ENV_API_KEY,
    ENV_BASE_URL,
    KEYRING_SERVICE,
    MAX_UNKNOWN_STATUS_S,
    SIMULATOR_BASE_URL,
)
from ._paths import default_home
from .errors import (
    SIMULATOR_KEY,
    APIError,
    AuthenticationError,
    BadRequestError,
    DownloadError,
    GenerationFailed,
    InvalidRequestError,
    LinkExpired,
    MalformedResponse,
    ModerationBlocked,
    PollTimeout,
    SoraError,
    UnknownOutcomeError,
    failure_advice,
    register_secret,
    safe_url,
)
from .models.catalog import MODELS, ModelSpec
from .models.request import ReferenceImage, VideoRequest, parse_size
from .models.task import Phase, Task, merge_update
from .models.video import Video
from .models.wire import WireFormatError, create_body, parse_error, parse_task
from .transport import (
    PollPolicy,
    PollSchedule,
    RateGate,
    Transport,
    clean_api_key,
    create_outcome_unknown,
    create_retrying,
    poll_may_retry,
    poll_retrying,
)

if TYPE_CHECKING:
    from .journal import History, Journal, JournalEntry

__all__ = ["BatchResult", "SoraClient"]

log = logging.getLogger("sora_widgets.client")

OnUpdate = Callable[[Task], Any]
BatchUpdate = Callable[[int, Task], Any]
RequestLike = VideoRequest | Mapping[str, Any] | str

# Wording upstream moderation uses (see the wire spec); a failure matching it is ModerationBlocked.
_MODERATION = re.compile(
    r"moderation|human face|contains? (?:a )?(?:real )?(?:person|people|face)|content polic|safety system",
    re.IGNORECASE,
)
# The key sent to a simulator that was given no key (a loopback server, or in-process).
_PLACEHOLDER_KEY = SIMULATOR_KEY


def _is_moderation(text: str | None) -> bool:
    return bool(text and _MODERATION.search(text))


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class BatchResult:
    """One job of :meth:`SoraClient.generate_many`: a video, or the error that ended it.

    Attributes:
        index: position of the request in the batch.
        request: the validated request (None when the input itself was invalid).
        video: the finished Video, or None.
        error: why there is no video (a :class:`~sora_widgets.SoraError` as a rule), or None.
        queued_at, started_at, finished_at: UTC times, for a timeline of the batch.
    """

    index: int
    request: VideoRequest | None
    video: Video | None = None
    error: Exception | None = None
    queued_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the job produced a video."""
        return self.video is not None and self.error is None


@dataclass
class _Known:
    entry_id: str | None
    request: VideoRequest | None
    labels: dict[str, str] = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def keyring_key() -> str | None:
    """The key stored in the system keyring (service ``sora-widgets``, user ``api_key``), or None.

    Looked up once per process: keyring's backend discovery takes most of a second, and a
    widget should not pay that on every new client.
    """
    try:
        import keyring  # optional dependency, looked up only when needed
    except ImportError:
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, "api_key")
    except Exception:  # noqa: BLE001 - any keyring backend failure just means "no key there"
        return None
    return str(value) if value else None


class SoraClient:
    """Talks to the Vtrix gateway (or the built-in simulator) for Sora 2 Pro videos.

    Example:
        >>> import sora_widgets as sw
        >>> client = sw.SoraClient()               # no key configured: in-process simulator
        >>> client
        SoraClient(simulated, base_url='http://simulator.invalid')
        >>> video = client.generate_sync(prompt="A kite over a beach at dusk")  # doctest: +SKIP

    Args:
        api_key: the Vtrix key; else ``VTRIX_API_KEY``; else the system keyring (if installed).
        base_url: the gateway; else ``VTRIX_BASE_URL``; else https://cloud.vtrix.ai. Given
            without a key (a loopback simulator), the placeholder key ``"simulator"`` is sent.
        simulate: True forces the in-process simulator; None (default) uses it when neither a
            key nor a base URL is configured; False never does.
        simulator: a :class:`~sora_widgets.simulator.Simulator` to use in-process.
        journal: a :class:`~sora_widgets.Journal`; None opens the default one; False disables it.
        download_dir: where finished videos are saved (default: the journal's video cache).
        image_form: how a local reference image travels: ``"data_url"`` or ``"base64"``.
        auto_download: download each finished video at once (result links expire).
        httpx_transport: an httpx transport for the API and downloads (tests, proxies).
        poll_policy: the poll schedule's knobs.
        sleep, clock, rand: injected for tests (defaults: asyncio.sleep, time.monotonic,
            random.random).
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        simulate: bool | None = None,
        simulator: Any = None,
        journal: Journal | bool | None = None,
        download_dir: str | Path | None = None,
        image_form: str = "data_url",
        auto_download: bool = True,
        httpx_transport: Any = None,
        poll_policy: PollPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
        rand: Callable[[], float] | None = None,
    ) -> None:
        if image_form not in ("data_url", "base64"):
            raise InvalidRequestError(f"image_form={image_form!r}; use 'data_url' or 'base64'.")
        key = api_key or os.environ.get(ENV_API_KEY) or None
        url = base_url or os.environ.get(ENV_BASE_URL) or None
        if simulate is None:
            simulate = simulator is not None or (key is None and url is None and keyring_key() is None)
        if not simulate and key is None:
            key = keyring_key()
        if key is not None:
            # Stripped and checked here, so a pasted newline or a typographic character is a
            # clear error before anything is sent (never a "maybe billed" failure, never the key).
            key = clean_api_key(key)
        register_secret(key)
        self.simulated: bool = bool(simulate)
        self.simulator: Any = None
        self.image_form = image_form
        self.auto_download = auto_download
        self._sleep = sleep or asyncio.sleep
        self._clock = clock or time.monotonic
        self._rand = rand or random.random
        self._poll_policy = poll_policy or PollPolicy()
        app = None
        if self.simulated:
            if simulator is None and httpx_transport is None:
                from .simulator import Simulator  # heavy, only for simulated clients

                simulator = Simulator(speed="demo")
            self.simulator = simulator
            app = simulator.app if simulator is not None else None
            endpoint = (url if base_url else None) or SIMULATOR_BASE_URL
        else:
            if url is None:
                url = DEFAULT_BASE_URL
            if key is None:
                if url.rstrip("/") == DEFAULT_BASE_URL:
                    raise AuthenticationError(
                        f"no API key: set {ENV_API_KEY}, pass SoraClient(api_key=...), or store it "
                        f"with keyring under service {KEYRING_SERVICE!r}. Or call SoraClient() "
                        "with no key for the built-in simulator.",
                        status_code=401,
                    )
                key = _PLACEHOLDER_KEY
            endpoint = url.rstrip("/")
        # Shown in reprs, messages, the journal and the Gallery: never user:pass@ or ?token=.
        self.base_url: str = safe_url(endpoint)
        self._transport = Transport(
            endpoint,
            key or _PLACEHOLDER_KEY,
            app=app,
            httpx_transport=httpx_transport,
            rate_gate=RateGate(clock=self._clock, sleep=self._sleep),
        )
        self.journal: Journal | None = self._open_journal(journal)
        self._history: History | None = None
        if download_dir is not None:
            self.download_dir = Path(download_dir).expanduser()
        elif self.journal is not None:
            self.download_dir = Path(self.journal.home) / "videos"
        else:
            self.download_dir = default_home() / "videos"
        self._known: dict[str, _Known] = {}

    # -- plumbing ------------------------------------------------------------------------

    @staticmethod
    def _open_journal(journal: Journal | bool | None) -> Journal | None:
        if journal is False:
            return None
        if journal is not None and journal is not True:
            return journal
        try:
            from .journal import Journal  # written in parallel; optional at import
        except ImportError:
            log.warning("sora_widgets.journal is not available; tasks are not journaled")
            return None
        return Journal()

    def __repr__(self) -> str:
        if self.simulated:
            return f"SoraClient(simulated, base_url={self.base_url!r})"
        return f"SoraClient(base_url={self.base_url!r})"

    @property
    def transport(self) -> Transport:
        """The HTTP layer (for diagnostics; it never shows the key)."""
        return self._transport

    @property
    def history(self) -> History:
        """Past tasks and videos from the journal (across kernel restarts)."""
        if self._history is None:
            from .journal import History

            self._history = History(self.journal)
        return self._history

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._transport.aclose()

    async def __aenter__(self) -> SoraClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _journal_call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call a journal method; a journal failure is logged, never allowed to lose a task."""
        if self.journal is None:
            return None
        try:
            return getattr(self.journal, method)(*args, **kwargs)
        except Exception:  # the generation matters more than its record
            log.exception("journal.%s failed", method)
            return None

    # -- requests ------------------------------------------------------------------------

    def build_request(
        self,
        request: RequestLike | None = None,
        /,
        *,
        prompt: str | None = None,
        size: Any = None,
        seconds: Any = None,
        image: Any = None,
        remix_video_id: str | None = None,
        model: str | None = None,
    ) -> VideoRequest:
        """A validated :class:`VideoRequest` from a request, a dict of fields, a prompt, or fields.

        Local images (path, bytes, PIL image, file object) are loaded with
        :func:`sora_widgets.load_image`; they are never fitted silently.

        Raises:
            InvalidRequestError: for anything the service would refuse.
        """
        if isinstance(request, VideoRequest):
            changes = {
                k: v
                for k, v in {
                    "prompt": prompt,
                    "size": size,
                    "seconds": seconds,
                    "remix_video_id": remix_video_id,
                    "model": model,
                }.items()
                if v is not None
            }
            if image is not None:
                changes["image"] = self._resolve_image(image)
            return request.replace(**changes) if changes else request
        fields: dict[str, Any] = {}
        if isinstance(request, str):
            fields["prompt"] = request
        elif isinstance(request, Mapping):
            fields.update(request)
        elif request is not None:
            raise InvalidRequestError(
                f"cannot make a request from {type(request).__name__}; pass a VideoRequest, a dict "
                "of fields or a prompt string."
            )
        for name, value in (
            ("prompt", prompt),
            ("size", size),
            ("seconds", seconds),
            ("image", image),
            ("remix_video_id", remix_video_id),
            ("model", model),
        ):
            if value is not None:
                fields[name] = value
        unknown = set(fields) - {"prompt", "size", "seconds", "image", "remix_video_id", "model"}
        if unknown:
            raise InvalidRequestError(
                f"unknown request field(s) {', '.join(sorted(unknown))}; use prompt, size, seconds, "
                "image, remix_video_id, model."
            )
        if fields.get("prompt") is None:
            raise InvalidRequestError("a prompt is needed: describe the shot you want.")
        if fields.get("image") is not None:
            fields["image"] = self._resolve_image(fields["image"])
        kwargs: dict[str, Any] = {"prompt": fields["prompt"]}
        for name in ("image", "remix_video_id"):
            if fields.get(name) is not None:
                kwargs[name] = fields[name]
        spec = MODELS.get(str(fields.get("model") or ""))
        kwargs["model"] = str(fields.get("model") or "")
        remix_size = None
        if fields.get("size") is None and kwargs.get("remix_video_id"):
            remix_size = self._known_size(str(kwargs["remix_video_id"]))
        if fields.get("size") is not None:
            kwargs["size"] = fields["size"]
        elif remix_size is not None and (spec is None or remix_size in spec.sizes):
            # A remix keeps the shape of its source unless asked otherwise.
            kwargs["size"] = remix_size
        elif spec is not None:
            kwargs["size"] = spec.default_size
        if fields.get("seconds") is not None:
            kwargs["seconds"] = fields["seconds"]
        return VideoRequest(**kwargs)

    def _known_size(self, remix_id: str) -> str | None:
        """The size of the journalled video with this remix id (or task id), if it is known."""
        if self.journal is None:
            return None
        entry = self._journal_call("entry_for_task", remix_id)
        if entry is not None and entry.video is not None and entry.video.size:
            return str(entry.video.size)
        videos = self._journal_call("videos") or []
        for video in videos:
            if remix_id in (video.remix_id, video.task_id) and video.size:
                return str(video.size)
        return None

    @staticmethod
    def _resolve_image(image: Any) -> ReferenceImage | str:
        if isinstance(image, ReferenceImage):
            return image
        if isinstance(image, str) and image.startswith(("https://", "http://")):
            return image
        from .media import load_image  # Pillow only when an image is used

        return load_image(image)

    # -- create / get --------------------------------------------------------------------

    async def create(
        self,
        request: RequestLike | None = None,
        /,
        *,
        prompt: str | None = None,
        size: Any = None,
        seconds: Any = None,
        image: Any = None,
        remix_video_id: str | None = None,
        model: str | None = None,
        labels: dict[str, str] | None = None,
    ) -> Task:
        """Validate, journal and send one create request; return the new :class:`Task`.

        The request is sent at most once, except when the connection was never made or the
        service refused it with 429 (then nothing can have started).

        Raises:
            InvalidRequestError: bad input; nothing was sent.
            UnknownOutcomeError: the request may have started a task but the answer was lost.
            GenerationFailed: the service refused to create the task (ModerationBlocked for
                moderation); APIError subclasses for HTTP refusals.
        """
        req = self.build_request(
            request,
            prompt=prompt,
            size=size,
            seconds=seconds,
            image=image,
            remix_video_id=remix_video_id,
            model=model,
        )
        entry_id: str | None = None
        if self.journal is not None:
            try:
                entry_id = self.journal.record_request(
                    req, base_url=self.base_url, simulated=self.simulated, labels=labels
                )
            except (OSError, sqlite3.Error) as exc:  # a paid request is sent only once on record
                raise SoraError(
                    f"the journal at {getattr(self.journal, 'path', '?')} could not record the request "
                    f"({type(exc).__name__}: {exc}); nothing was sent. Free disk space or fix the "
                    "file, or pass SoraClient(journal=False) to run without a journal."
                ) from None
        task = await self._send_create(req, entry_id)
        self._known[task.id] = _Known(entry_id, req, dict(labels or {}))
        if entry_id:
            self._journal_call("record_task", entry_id, task)
        return task

    async def _send_create(self, req: VideoRequest, entry_id: str | None) -> Task:
        body = create_body(req, self.image_form)
        try:
            async for attempt in create_retrying(sleep=self._sleep, rand=self._rand):
                with attempt:
                    answer = await self._transport.create(body)
        except SoraError as exc:
            if create_outcome_unknown(exc):
                if entry_id:
                    self._journal_call("record_unknown_outcome", entry_id, exc.message)
                raise UnknownOutcomeError(
                    f"the create request may have reached the service, but its answer was lost "
                    f"({exc.message}). It was not resent, because a second send could start and bill "
                    f"a second task. Look for it in the Vtrix console; the request is kept in the "
                    f"journal as 'outcome unknown'" + (f" (entry {entry_id})." if entry_id else "."),
                    request=req,
                    journal_id=entry_id,
                ) from exc
            code = str(exc.status_code) if isinstance(exc, APIError) else None
            if entry_id:
                self._journal_call("record_refused", entry_id, exc.message, code=code)
            if isinstance(exc, BadRequestError) and _is_moderation(exc.message):
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
                if entry_id:
                    self._journal_call("record_unknown_outcome", entry_id, message)
                raise UnknownOutcomeError(
                    f"{message}; a task may or may not have started. It was not resent; look for it "
                    "in the Vtrix console.",
                    request=req,
                    journal_id=entry_id,
                ) from None
            if entry_id:
                self._journal_call("record_refused", entry_id, error.message, code=error.code)
            raise self._failure_error(
                task_id="", model=req.model, code=error.code, message=error.message, task=None
            ) from None

    async def get(self, task_id: str) -> Task:
        """The task's current state (one poll, retried through transient failures)."""
        task = await self._poll_once(task_id, deadline=None)
        known, _ = self._lookup(task_id, None)
        if known.entry_id:
            self._journal_call("record_task", known.entry_id, task)
        return task

    async def _poll_once(self, task_id: str, deadline: float | None) -> Task:
        task, _ = await self._poll_with_hint(task_id, deadline)
        return task

    async def _poll_with_hint(self, task_id: str, deadline: float | None) -> tuple[Task, float | None]:
        """One poll, retried through transient failures; the Task and the server's Retry-After."""
        async for attempt in poll_retrying(
            sleep=self._sleep, rand=self._rand, deadline=deadline, clock=self._clock
        ):
            with attempt:
                answer = await self._transport.get_task(task_id, deadline=deadline)
                try:
                    task = parse_task(answer.data, fallback_id=task_id)
                except WireFormatError as exc:
                    raise MalformedResponse(f"the poll answer was not a task: {exc}") from None
                if task.id != task_id:
                    raise MalformedResponse(f"asked for task {task_id} but the answer is about {task.id}")
        return task, answer.retry_after

    # -- wait ----------------------------------------------------------------------------

    def _lookup(self, task_id: str, request: VideoRequest | None) -> tuple[_Known, JournalEntry | None]:
        known = self._known.get(task_id)
        entry = None
        if known is None or known.entry_id is None:
            entry = self._journal_call("entry_for_task", task_id)
        if known is None:
            req = request
            if req is None and entry is not None:
                try:
                    req = VideoRequest.from_dict(entry.request)
                except (ValueError, KeyError, TypeError):
                    req = None
            known = _Known(entry.id if entry else None, req, dict(entry.labels) if entry else {})
            self._known[task_id] = known
        elif request is not None:
            known.request = request
        if entry is None and known.entry_id is not None:
            entry = self._journal_call("get", known.entry_id)
        return known, entry

    async def wait(
        self,
        task: Task | str,
        *,
        on_update: OnUpdate | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT_S,
        request: VideoRequest | None = None,
        download: bool | None = None,
    ) -> Video:
        """Poll a task to its end and return its :class:`Video` (downloaded unless told not to).

        Args:
            task: a Task or a task id.
            on_update: called with the latest Task after every poll (sync or async).
            timeout: seconds to wait before :class:`PollTimeout` (the task is not failed).
            request: the request that made the task, if this client did not create it.
            download: download the file now (default: the client's ``auto_download``).

        Raises:
            GenerationFailed: the task failed (ModerationBlocked for moderation).
            PollTimeout: the deadline passed; wait again or resume later.
        """
        task_id = task if isinstance(task, str) else task.id
        known, entry = self._lookup(task_id, request)
        start = self._clock()
        deadline = start + max(0.0, timeout)
        schedule = PollSchedule(started=start, policy=self._poll_policy, deadline=deadline)
        current: Task | None = task if isinstance(task, Task) else None
        if current is not None:
            schedule.observe(start, current.progress)
        hint: float | None = None
        unknown_since: float | None = None
        while current is None or not current.is_terminal:
            if current is not None:
                now = self._clock()
                if now >= deadline:
                    raise self._poll_timeout(task_id, current, timeout)
                await self._sleep(schedule.next_delay(now, hint))
            try:
                fresh, hint = await self._poll_with_hint(task_id, deadline)
            except SoraError as exc:
                if not poll_may_retry(exc):
                    raise
                log.info("poll of %s failed; polling on until the deadline: %s", task_id, exc)
                hint = getattr(exc, "retry_after", None)
                if current is None:
                    # Nothing known yet: wait out the failure on the schedule, then ask again.
                    if self._clock() >= deadline:
                        raise self._poll_timeout(task_id, current, timeout) from None
                    await self._sleep(schedule.next_delay(self._clock(), hint))
                continue
            merged = merge_update(current, fresh)
            schedule.observe(self._clock(), merged.progress)
            changed = current is None or (merged.status, merged.progress) != (
                current.status,
                current.progress,
            )
            current = merged
            if changed and known.entry_id:
                self._journal_call("record_task", known.entry_id, current)
            await self._notify(on_update, current)
            if current.phase is Phase.UNKNOWN:
                unknown_since = self._clock() if unknown_since is None else unknown_since
                if self._clock() - unknown_since >= MAX_UNKNOWN_STATUS_S:
                    raise self._stuck_in_unknown(task_id, current, self._clock() - unknown_since)
                log.warning(
                    "task %s reports an unknown status %r; still polling", task_id, current.raw_status
                )
            else:
                unknown_since = None
        if current.phase is Phase.FAILED:
            error = current.error
            raise self._failure_error(
                task_id=current.id,
                model=current.model or (known.request.model if known.request else None),
                code=error.code if error else None,
                message=error.message if error else f"the task ended with status {current.raw_status!r}",
                task=current,
            )
        video = self._make_video(current, known, entry)
        if known.entry_id:
            self._journal_call("record_video", known.entry_id, video)
        if self.auto_download if download is None else download:
            video = await self._download_video(video, None, known.entry_id)
        return video

    @staticmethod
    async def _notify(callback: Callable[..., Any] | None, *args: Any) -> None:
        if callback is None:
            return
        result = callback(*args)
        if inspect.isawaitable(result):
            await result

    def _poll_timeout(self, task_id: str, current: Task | None, timeout: float) -> PollTimeout:
        state = current.status if current is not None else "unknown"
        progress = (
            f" at {current.progress:.0%}" if current is not None and current.progress is not None else ""
        )
        return PollTimeout(
            f"task {task_id} is still {state}{progress} after {timeout:.0f} s of waiting; it has not "
            f"failed. Wait again with `await client.wait({task_id!r})` or pick it up later with "
            "`await client.resume()`.",
            task_id=task_id,
            last_task=current,
        )

    def _stuck_in_unknown(self, task_id: str, current: Task, seconds: float) -> PollTimeout:
        return PollTimeout(
            f"task {task_id} has reported the status {current.raw_status!r}, which the API does not "
            f"document, for {seconds:.0f} s; polling stopped there (the limit is "
            f"{MAX_UNKNOWN_STATUS_S:.0f} s) rather than waiting out the whole deadline. The task may "
            f"still finish: wait again with `await client.wait({task_id!r})` or `client.resume()` "
            "later, or ask Vtrix support what the status means.",
            task_id=task_id,
            last_task=current,
        )

    def _failure_error(
        self, *, task_id: str, model: str | None, code: str | None, message: str, task: Task | None
    ) -> GenerationFailed:
        spec: ModelSpec | None = MODELS.get(model or "")
        meaning = spec.meaning(code) if spec else None
        what = f"task {task_id} failed" if task_id else "the service refused to create the task"
        detail = f" (code {code}: {meaning})" if code and meaning else f" (code {code})" if code else ""
        if _is_moderation(message):
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

    def _make_video(self, task: Task, known: _Known, entry: JournalEntry | None) -> Video:
        labels = dict(known.labels)
        if known.request is not None:
            return Video.from_task(task, known.request, simulated=self.simulated, labels=labels)
        asset = task.video
        request_dict: dict[str, Any] = dict(entry.request) if entry is not None else {}
        model = task.model or (entry.model if entry else None) or "sora_2_pro_t2v"
        spec = MODELS.get(model)
        size = str(request_dict.get("size") or (spec.default_size if spec else "720x1280"))
        try:
            parse_size(size)
        except ValueError:
            size = "720x1280"
        seconds_raw = request_dict.get("seconds") or (asset.duration if asset else None) or 4
        try:
            seconds = int(float(str(seconds_raw)))
        except ValueError:
            seconds = 4
        return Video.from_task_fields(
            task,
            model=model,
            prompt=entry.prompt if entry is not None else str(request_dict.get("prompt") or ""),
            size=size,
            seconds=seconds,
            simulated=self.simulated,
            labels=labels or (dict(entry.labels) if entry is not None else {}),
        )

    # -- generate / download -------------------------------------------------------------

    async def generate(
        self,
        request: RequestLike | None = None,
        /,
        *,
        on_update: OnUpdate | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT_S,
        download: bool | None = None,
        labels: dict[str, str] | None = None,
        **fields: Any,
    ) -> Video:
        """Create a task and wait for its video (see :meth:`create` and :meth:`wait`).

        Example:
            >>> video = await client.generate(prompt="A fox in snow, dawn light", seconds=4)  # doctest: +SKIP
        """
        task = await self.create(request, labels=labels, **fields)
        await self._notify(on_update, task)
        return await self.wait(task, on_update=on_update, timeout=timeout, download=download)

    def _target_path(self, video: Video, dest: str | Path | None) -> Path:
        name = re.sub(r"[^A-Za-z0-9._-]", "_", video.task_id) + ".mp4"
        if dest is None:
            return self.download_dir / name
        text = str(dest)
        path = Path(dest).expanduser()
        if path.is_dir() or text.endswith(("/", os.sep)) or not path.suffix:
            return path / name
        return path

    async def _download_video(self, video: Video, dest: str | Path | None, entry_id: str | None) -> Video:
        if not video.url:
            raise DownloadError(
                f"task {video.task_id} has no result URL to download; poll it with client.get(...)."
            )
        target = self._target_path(video, dest)
        try:
            path = await self._transport.download(
                video.url, target, sleep=self._sleep, expected_size=video.file_size
            )
        except LinkExpired:
            # Links expire after hours; one fresh poll may hand out a new one.
            fresh = await self._poll_once(video.task_id, deadline=None)
            url = fresh.video.url if fresh.video else None
            if not url or url == video.url:
                raise
            video = video.with_changes(url=url)
            path = await self._transport.download(
                url, target, sleep=self._sleep, expected_size=fresh.video.size_bytes if fresh.video else None
            )
        video = video.with_changes(path=path)
        if entry_id is None:
            entry = self._journal_call("entry_for_task", video.task_id)
            entry_id = entry.id if entry is not None else None
        if entry_id:
            self._journal_call("record_video", entry_id, video)
        if dest is None and self.journal is not None and self.download_dir == self.journal.home / "videos":
            await self._enforce_cache_policy()
        return video

    async def _enforce_cache_policy(self) -> None:
        """Apply the saved video cache policy (``sora-widgets cache policy``) after a download."""
        from . import cache

        journal = self.journal
        if journal is None:
            return
        try:
            result = await asyncio.to_thread(cache.enforce, journal)
        except Exception as exc:  # noqa: BLE001 - pruning is housekeeping: never fail a download for it
            log.warning("the video cache policy could not be applied: %s", exc)
            return
        if result is not None and result.removed:
            log.info("video cache: %s", result)

    async def download(self, video: Video, dest: str | Path | None = None) -> Path:
        """Download ``video`` (streamed, verified, renamed into place) and return the file's path.

        ``dest`` may be a folder or a file name; by default the client's ``download_dir``.
        The journal records the path; ``video`` itself is frozen, so use
        ``video.with_changes(path=path)`` for an updated copy.

        Raises:
            LinkExpired: the link expired and a fresh poll gave no new one.
            DownloadError: truncated after retries, not an MP4, or the disk is full.
        """
        known = self._known.get(video.task_id)
        updated = await self._download_video(video, dest, known.entry_id if known else None)
        assert updated.path is not None
        return updated.path

    # -- resume --------------------------------------------------------------------------

    async def resume(
        self, *, on_update: OnUpdate | None = None, concurrency: int = 4
    ) -> list[Video | SoraError]:
        """Re-attach to every unfinished task in the journal for this base URL and finish it.

        Never creates anything. Completed tasks whose file was never saved are downloaded too.
        Returns one Video or error per task, newest first.
        """
        if self.journal is None:
            return []
        entries = list(self._journal_call("unfinished", self.base_url) or [])
        seen = {e.task_id for e in entries}
        for entry in self._journal_call("entries", status="completed", base_url=self.base_url) or []:
            video = entry.video
            if entry.task_id in seen or video is None:
                continue
            if video.path is None or not Path(video.path).is_file():  # noqa: ASYNC240 - one stat
                entries.append(entry)
                seen.add(entry.task_id)
        gate = asyncio.Semaphore(max(1, concurrency))

        async def finish(entry: JournalEntry) -> Video | SoraError:
            async with gate:
                try:
                    if entry.status == "completed" and entry.video is not None:
                        return await self._download_video(entry.video, None, entry.id)
                    assert entry.task_id is not None
                    return await self.wait(entry.task_id, on_update=on_update)
                except SoraError as exc:
                    return exc

        return list(await asyncio.gather(*(finish(e) for e in entries)))

    # -- batches -------------------------------------------------------------------------

    async def iter_many(
        self,
        requests: Iterable[RequestLike],
        *,
        concurrency: int = 4,
        on_update: BatchUpdate | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT_S,
        download: bool | None = None,
        labels: Sequence[Mapping[str, str]] | None = None,
    ) -> AsyncIterator[BatchResult]:
        """Run many requests, at most ``concurrency`` at once, yielding results as they finish.

        A failure never aborts the batch: it comes back as a :class:`BatchResult` with
        ``error`` set. A 429 holds every job of this client back together (the transport's
        rate gate). ``on_update(index, task)`` is called after every poll of every job.
        ``labels[i]`` (for example a sweep's slot values) is journaled with job ``i`` and
        kept on its Video, so the history can tell the variants apart.
        """
        if concurrency < 1:
            raise InvalidRequestError("concurrency must be at least 1.")
        items = list(requests)
        if labels is not None and len(labels) != len(items):
            raise InvalidRequestError(f"labels has {len(labels)} entries for {len(items)} requests.")
        gate = asyncio.Semaphore(concurrency)
        done: asyncio.Queue[BatchResult] = asyncio.Queue()

        async def run(index: int, item: RequestLike) -> None:
            queued = _utcnow()
            request: VideoRequest | None = None
            started: datetime | None = None
            try:
                request = self.build_request(item)
                async with gate:
                    started = _utcnow()

                    def forward(task: Task) -> Any:
                        return on_update(index, task) if on_update is not None else None

                    video = await self.generate(
                        request,
                        on_update=forward,
                        timeout=timeout,
                        download=download,
                        labels=dict(labels[index]) if labels is not None else None,
                    )
                result = BatchResult(index, request, video, None, queued, started, _utcnow())
            except Exception as exc:  # noqa: BLE001 - a failure is kept as this job's result
                result = BatchResult(index, request, None, exc, queued, started, _utcnow())
            await done.put(result)

        jobs = [asyncio.create_task(run(i, item)) for i, item in enumerate(items)]
        try:
            for _ in jobs:
                yield await done.get()
        finally:
            for job in jobs:
                if not job.done():
                    job.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*jobs, return_exceptions=True)

    async def generate_many(
        self,
        requests: Iterable[RequestLike],
        *,
        concurrency: int = 4,
        on_update: BatchUpdate | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT_S,
        download: bool | None = None,
        labels: Sequence[Mapping[str, str]] | None = None,
    ) -> list[BatchResult]:
        """:meth:`iter_many`, collected and ordered by index."""
        results = [
            r
            async for r in self.iter_many(
                requests,
                concurrency=concurrency,
                on_update=on_update,
                timeout=timeout,
                download=download,
                labels=labels,
            )
        ]
        return sorted(results, key=lambda r: r.index)

    # -- blocking twins ------------------------------------------------------------------

    def create_sync(self, request: RequestLike | None = None, /, **kwargs: Any) -> Task:
        """Blocking :meth:`create`."""
        from ._sync import run_sync

        return run_sync(self.create(request, **kwargs))

    def get_sync(self, task_id: str) -> Task:
        """Blocking :meth:`get`."""
        from ._sync import run_sync

        return run_sync(self.get(task_id))

    def wait_sync(self, task: Task | str, **kwargs: Any) -> Video:
        """Blocking :meth:`wait`; shows a text progress bar in a terminal unless ``progress=False``."""
        from ._progress import progress_callback
        from ._sync import run_sync

        progress = kwargs.pop("progress", None)
        with progress_callback(kwargs.pop("on_update", None), enabled=progress) as callback:
            return run_sync(self.wait(task, on_update=callback, **kwargs))

    def generate_sync(self, request: RequestLike | None = None, /, **kwargs: Any) -> Video:
        """Blocking :meth:`generate`; shows a text progress bar in a terminal unless ``progress=False``."""
        from ._progress import progress_callback
        from ._sync import run_sync

        progress = kwargs.pop("progress", None)
        with progress_callback(kwargs.pop("on_update", None), enabled=progress) as callback:
            return run_sync(self.generate(request, on_update=callback, **kwargs))

    def download_sync(self, video: Video, dest: str | Path | None = None) -> Path:
        """Blocking :meth:`download`."""
        from ._sync import run_sync

        return run_sync(self.download(video, dest))

    def resume_sync(self, **kwargs: Any) -> list[Video | SoraError]:
        """Blocking :meth:`resume`."""
        from ._sync import run_sync

        return run_sync(self.resume(**kwargs))

    def generate_many_sync(self, requests: Iterable[RequestLike], **kwargs: Any) -> list[BatchResult]:
        """Blocking :meth:`generate_many`."""
        from ._sync import run_sync

        return run_sync(self.generate_many(requests, **kwargs))

    def close(self) -> None:
        """Blocking :meth:`aclose`."""
        from ._sync import run_sync

        run_sync(self.aclose())
