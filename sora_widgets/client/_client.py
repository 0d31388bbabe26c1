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
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .._constants import DEFAULT_WAIT_TIMEOUT_S
from .._progress import progress_callback
from .._sync import blocking
from ..errors import APIError, BadRequestError, InvalidRequestError, NotFoundError, SoraError, safe_url
from ..models.catalog import MODELS
from ..models.prices import DEFAULT_PRICES, PriceTable, estimate_cost
from ..models.request import VideoRequest
from ..models.specs import ModelInfo, ModelSpec
from ..models.task import Task
from ..models.video import Video
from ..models.wire import error_body_message
from ..transport import HttpxTransport, PollPolicy, RateGate, Transport
from ._batch import Batches, BatchResult, BatchUpdate
from ._catalog import Catalog, endpoint_path
from ._config import Connect, connect_to
from ._create import Creator
from ._download import Downloader
from ._recorder import Recorder, Reports, never_fatal, storage_for
from ._requests import RequestBuilder, RequestLike, RequestParams, SoraParams, catalog_request, split_fields
from ._wait import OnUpdate, Poller, Waiter, notify, video_of

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..journal import History, Journal
    from ..simulator import Simulator

__all__ = ["SoraClient"]

log = logging.getLogger("sora_widgets.client")


def _says_model_not_found(message: str) -> bool:
    text = message.lower()
    return "model" in text and ("not found" in text or "not exist" in text or "unknown" in text)


def _not_found_reason(exc: APIError) -> str:
    """Why a model is unavailable, in the service's own words only: the transport's wording for an
    HTTP status (made for tasks: "check the task id") says nothing true about a model."""
    said = error_body_message(exc.body)
    if said and "<html" not in said.lower():
        return f'was answered by the service with "{said[:300]}"'
    return f"was answered by the service as not found (HTTP {exc.status_code})"


class SoraClient:
    """Talks to the Vtrix gateway (or the built-in simulator) for Sora 2 Pro videos.

    Example:
        >>> import sora_widgets as sw
        >>> client = sw.SoraClient()               # no key configured: in-process simulator
        >>> client
        SoraClient(simulated: the built-in simulator)
        >>> video = client.generate_sync(prompt="A kite over a beach at dusk")
        >>> video.simulated, video.path.exists()
        (True, True)

    Args:
        api_key: the Vtrix key; else ``VTRIX_API_KEY``; else the system keyring (if installed).
            A URL or Service given without any key (a loopback simulator, a class gateway that
            needs none) is sent the placeholder key ``"simulator"``.
        connect: where requests go. A URL string: the API at that URL (the real service, a class
            gateway, a simulator served on loopback). A :class:`~sora_widgets.Simulator`: the
            in-process simulator. A :class:`~sora_widgets.Service`: an API whose catalog lives
            elsewhere (``models_url=``) or that is reached through an httpx transport of your own
            (a proxy, fault injection). None (default): ``VTRIX_BASE_URL`` /
            ``VTRIX_MODELS_URL`` and the key as configured; with neither a key nor a URL
            configured, the in-process simulator.
        journal: the :class:`~sora_widgets.Recorder` every request is reported to: a
            :class:`~sora_widgets.Journal`, or one of your own; None (default) opens the default
            journal; False keeps nothing on disk (a :class:`~sora_widgets.NullRecorder`).
        download_dir: where finished videos are saved (default: the journal's video cache).
        image_form: how a local reference image travels: ``"data_url"`` or ``"base64"``.
        auto_download: download each finished video at once (result links expire).
        poll_policy: the poll schedule's knobs.
        prices: the price table for estimates and budgets (default: the process-wide one).
        sleep, clock, rand: injected for tests (defaults: asyncio.sleep, time.monotonic,
            random.random).
        base_url, simulate, simulator, httpx_transport, models_url: deprecated spellings of
            ``connect=`` (they still work for this release, with a DeprecationWarning that gives
            the new spelling).

    Raises:
        TypeError: ``connect`` of another type, or given together with a deprecated keyword.
        InvalidRequestError: a URL that is not http(s), a key no HTTP header can carry, or an
            unknown ``image_form``.
        AuthenticationError: the real service (https://cloud.vtrix.ai) without a key.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        connect: Connect = None,
        journal: Recorder | bool | None = None,
        download_dir: str | Path | None = None,
        image_form: str = "data_url",
        auto_download: bool = True,
        poll_policy: PollPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
        rand: Callable[[], float] | None = None,
        prices: PriceTable | None = None,
        base_url: str | None = None,
        simulate: bool | None = None,
        simulator: Simulator | None = None,
        httpx_transport: HttpxTransport | None = None,
        models_url: str | None = None,
    ) -> None:
        if image_form not in ("data_url", "base64"):
            raise InvalidRequestError(f"image_form={image_form!r}; use 'data_url' or 'base64'.")
        old = {"base_url": base_url, "simulate": simulate, "simulator": simulator}
        where = self._where = connect_to(
            connect, api_key, old | {"httpx_transport": httpx_transport, "models_url": models_url}
        )
        self.simulated: bool = where.simulated
        self.simulator: Simulator | None = where.simulator
        self.auto_download = auto_download
        sleep = sleep or asyncio.sleep
        clock = clock or time.monotonic
        rand = rand or random.random
        endpoint = where.endpoint
        # Shown in reprs, messages, the journal and the Gallery: never user:pass@ or ?token=.
        self.base_url: str = safe_url(endpoint)
        self._transport = Transport(
            endpoint,
            where.key,
            app=where.simulator.app if where.simulator is not None else None,
            httpx_transport=where.httpx_transport,
            rate_gate=RateGate(clock=clock, sleep=sleep),
        )
        self._catalog = Catalog(self._transport, base_url=endpoint, models_url=where.models_url)
        #: Prices by model for estimates and budgets (the process-wide table unless one is given).
        self.prices: PriceTable = prices if prices is not None else DEFAULT_PRICES
        # What to record to and where videos go: wired by the composition root (sora_widgets._compose).
        storage = storage_for(journal)
        #: The journal this client records to (None for another recorder or ``journal=False``).
        self.journal: Journal | None = storage.journal
        self._history_of = storage.history
        self._history: History | None = None
        folder = Path(download_dir).expanduser() if download_dir is not None else storage.videos
        # The parts, each with one job; the recorder is the one record of every request.
        recorder = storage.recorder
        self._reports = Reports(recorder, base_url=self.base_url, simulated=self.simulated)
        self._builder = RequestBuilder(never_fatal(recorder.video_size))
        self._creator = Creator(self._transport, self._reports, image_form=image_form, sleep=sleep, rand=rand)
        self._poller = Poller(self._transport, sleep=sleep, clock=clock, rand=rand)
        self._waiter = Waiter(
            self._poller, self._reports, policy=poll_policy or PollPolicy(), sleep=sleep, clock=clock
        )
        self._downloader = Downloader(
            self._transport,
            self._poller,
            self._reports,
            folder=folder,
            cache=(storage.videos, storage.tidy_videos) if storage.tidy_videos is not None else None,
            sleep=sleep,
        )
        self._batches = Batches(self, self._downloader, recorder)
        # The request objects this client sent, by task id: the journal keeps a request's fields,
        # not a local image's bytes, so a Video made here keeps the very request it came from.
        self._sent: dict[str, VideoRequest] = {}

    # -- plumbing ------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"SoraClient({self._where.shown()})"  # the simulator's placeholder URL is not shown

    @property
    def transport(self) -> Transport:
        """The HTTP layer (for diagnostics; it never shows the key)."""
        return self._transport

    @property
    def recorder(self) -> Recorder:
        """What this client reports every request to: its journal, or a NullRecorder."""
        return self._reports.recorder

    @property
    def download_dir(self) -> Path:
        """Where finished videos are saved (settable)."""
        return self._downloader.folder

    @download_dir.setter
    def download_dir(self, folder: str | Path) -> None:
        self._downloader.folder = Path(folder).expanduser()

    @property
    def image_form(self) -> str:
        """How a local reference image travels: ``"data_url"`` or ``"base64"`` (settable)."""
        return self._creator.image_form

    @image_form.setter
    def image_form(self, form: str) -> None:
        if form not in ("data_url", "base64"):
            raise InvalidRequestError(f"image_form={form!r}; use 'data_url' or 'base64'.")
        self._creator.image_form = form

    @property
    def history(self) -> History:
        """Past tasks and videos from the journal (across kernel restarts).

        Raises:
            SoraError: the client was built without the composition root (no history to show).
        """
        if self._history is None:
            if self._history_of is None:
                raise SoraError("this client has no history: it was built with nothing wired in.")
            self._history = self._history_of()
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

    # -- requests ------------------------------------------------------------------------

    def build_request(
        self, request: RequestLike | None = None, /, **fields: Unpack[SoraParams]
    ) -> VideoRequest:
        """A validated :class:`VideoRequest` from a request, a dict of fields, a prompt, or fields.

        Local images (path, bytes, PIL image, file object) are loaded with
        :func:`sora_widgets.load_image`; they are never fitted silently. A remix without a
        size keeps the size of its source video when the journal knows it.

        Raises:
            InvalidRequestError: for anything the service would refuse.
        """
        return self._builder.build(request, **fields)

    # -- create / get / wait -------------------------------------------------------------

    async def create(
        self,
        request: RequestLike | None = None,
        /,
        *,
        labels: dict[str, str] | None = None,
        **fields: Unpack[RequestParams],
    ) -> Task:
        """Validate, journal and send one create request; return the new :class:`Task`.

        The request's fields are :class:`~sora_widgets.client.SoraParams` (``prompt``, ``size``,
        ``seconds``, ``image``, ``remix_video_id``, ``model``). ``model`` may be any model the
        catalog describes (``client.models()``); its parameters go in ``params=`` by its spec's
        names (``params={"duration": 5, "sound": True}``, objects as dicts or dotted names such as
        ``"camera_control.type"``), or one by one as keywords, and are checked against its spec
        before anything is sent. The Sora models keep their conveniences (``size="landscape"``,
        ``image=``, ``remix_video_id=``).

        The request is sent at most once, except when the connection was never made or the
        service refused it with 429 (then nothing can have started).

        Raises:
            InvalidRequestError: bad input; nothing was sent.
            UnknownOutcomeError: the request may have started a task but the answer was lost.
            GenerationFailed: the service refused to create the task (ModerationBlocked for
                moderation); APIError subclasses for HTTP refusals.
            ModelUnavailableError: the catalog does not offer the model, or the service answered
                "not found" for it (naming the closest models it does offer).
        """
        req = await self._request_for(request, *split_fields(fields))
        try:
            task = await self._creator.create(req, labels)
        except (NotFoundError, BadRequestError) as exc:
            if isinstance(exc, BadRequestError) and not _says_model_not_found(exc.message):
                raise
            self._catalog.forget(req.model)
            raise await self._catalog.unavailable(req.model, _not_found_reason(exc), sent=True) from exc
        if req.endpoint:
            self._poller.routes[task.id] = req.endpoint
        self._sent[task.id] = req
        return task

    async def prepare(
        self, request: RequestLike | None = None, /, **fields: Unpack[RequestParams]
    ) -> VideoRequest:
        """The validated request :meth:`create` would send for the same arguments (any model;
        the catalog is read for a model's spec), without sending anything: to show its estimate
        first, or to send it later with ``create(request)``.

        Raises:
            InvalidRequestError, ModelUnavailableError: as :meth:`create`.
        """
        return await self._request_for(request, *split_fields(fields))

    async def _request_for(
        self, request: RequestLike | None, fields: dict[str, Any], params: dict[str, Any]
    ) -> VideoRequest:
        """A Sora request as before, or a catalog model's request checked against its spec."""
        if isinstance(request, Mapping):
            merged = {**request, **{k: v for k, v in fields.items() if v is not None}, **params}
            request, params = None, {k: v for k, v in merged.items() if k not in fields}
            fields = {k: merged.get(k) for k in fields}
        if isinstance(request, VideoRequest) and request.is_catalog:
            if params or any(v is not None and v != request.model for v in fields.values()):
                raise InvalidRequestError(
                    "a prepared request for a catalog model is sent as it is; prepare a new one to change it."
                )
            return request
        model = str(fields.get("model") or (request.model if isinstance(request, VideoRequest) else ""))
        if not params and (not model or model in MODELS):
            known = self._catalog.known
            listed = known is None or self._catalog.offline or model in {m.id for m in known}
            if model and not listed:
                raise await self._catalog.unavailable(model)
            return self.build_request(request, **fields)
        if isinstance(request, VideoRequest) or not model:
            raise InvalidRequestError(
                f"unknown request field(s) {', '.join(sorted(params))}; use prompt, size, seconds, image, "
                "remix_video_id, model, or name a model (model=..., from client.models()) whose spec "
                "takes them."
            )
        spec = await self._catalog.spec(model)
        if isinstance(request, str):
            fields["prompt"] = request
        values = {k: v for k, v in fields.items() if k != "model" and v is not None} | params
        return catalog_request(spec, values, endpoint=endpoint_path(spec.endpoint, self.base_url))

    # -- the model catalog ---------------------------------------------------------------

    async def models(self, *, refresh: bool = False) -> list[ModelInfo]:
        """Every model of the account's catalog (all pages), cached by this client.

        Where there is no catalog (offline, or the built-in simulator without one) this is the
        bundled models. ``refresh=True`` reads the catalog again.

        Example:
            >>> [m.id for m in await SoraClient().models()][:2]
            ['sora_2_pro_t2v', 'sora_2_pro_i2v']
        """
        return await self._catalog.models(refresh=refresh)

    async def model_spec(self, model_id: str, *, refresh: bool = False) -> ModelSpec:
        """One model's spec: where its creates go and the parameters it takes (cached).

        Raises:
            ModelUnavailableError: the catalog has no such model (naming the closest ones).
        """
        return await self._catalog.spec(model_id, refresh=refresh)

    def estimate(self, model: str, seconds: float | int | str) -> Decimal | None:
        """The estimated cost of a video by this client's price table, or None when unknown."""
        return estimate_cost(model, seconds, self.prices)

    async def get(self, task_id: str) -> Task:
        """The task's current state (one poll, retried through transient failures)."""
        task = await self._poller.once(task_id)
        entry = self._reports.entry_for_task(task_id)
        if entry is not None:
            self._reports.task(entry.id, task)
        return task

    async def wait(
        self,
        task: Task | str,
        *,
        on_update: OnUpdate | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT_S,
        request: VideoRequest | None = None,
        download: bool | None = None,
        progress: bool | None = None,
    ) -> Video:
        """Poll a task to its end and return its :class:`Video` (downloaded unless told not to).

        Args:
            task: a Task or a task id.
            on_update: called with the latest Task after every poll (sync or async).
            timeout: seconds to wait before :class:`PollTimeout` (the task is not failed).
            request: the request that made the task, if this client did not create it.
            download: download the file now (default: the client's ``auto_download``).
            progress: a text progress bar on stderr: True always, False never; None (default)
                only for a blocking call (``wait_sync``) made from a terminal, not a notebook.

        Raises:
            GenerationFailed: the task failed (ModerationBlocked for moderation).
            PollTimeout: the deadline passed; wait again or resume later.
        """
        task_id = task if isinstance(task, str) else task.id
        entry = self._reports.entry_for_task(task_id)
        if request is not None:
            self._sent[task_id] = request
        request = self._sent.get(task_id) or (entry.to_request() if entry is not None else None)
        entry_id = entry.id if entry is not None else None
        # A model at its own endpoint is polled there, also after a restart (the journal keeps it).
        route = (
            request.endpoint
            if request is not None
            else str((entry.request if entry else {}).get("endpoint") or "")
        )
        if route:
            self._poller.routes.setdefault(task_id, route)
        with progress_callback(on_update, enabled=bool(progress)) as callback:
            done = await self._waiter.until_done(
                task_id,
                task if isinstance(task, Task) else None,
                entry_id=entry_id,
                on_update=callback,
                timeout=timeout,
                model=request.model if request is not None else None,
            )
        video = video_of(done, request, entry, simulated=self.simulated)
        if entry_id:
            self._reports.completed(entry_id, video)
        if self.auto_download if download is None else download:
            video = await self._downloader.save(video, None, entry_id)
        return video

    async def generate(
        self,
        request: RequestLike | None = None,
        /,
        *,
        on_update: OnUpdate | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT_S,
        download: bool | None = None,
        labels: dict[str, str] | None = None,
        progress: bool | None = None,
        **fields: Unpack[RequestParams],
    ) -> Video:
        """Create a task and wait for its video (see :meth:`create` and :meth:`wait`).

        ``progress`` draws a text progress bar on stderr: True always, False never; None
        (default) only for a blocking call (``generate_sync``) made from a terminal.

        Example:
            >>> client = SoraClient()                    # no key: the in-process simulator
            >>> video = await client.generate(prompt="A fox in snow, dawn light", seconds=4)
            >>> video.seconds
            4
        """
        with progress_callback(on_update, enabled=bool(progress)) as callback:
            task = await self.create(request, labels=labels, **fields)
            await notify(callback, task)
            return await self.wait(task, on_update=callback, timeout=timeout, download=download)

    # -- download ------------------------------------------------------------------------

    async def download(self, video: Video, dest: str | Path | None = None) -> Path:
        """Download ``video`` (streamed, verified, renamed into place) and return the file's path.

        ``dest`` may be a folder or a file name; by default the client's ``download_dir``.
        The journal records the path; ``video`` itself is frozen, so use
        ``video.with_changes(path=path)`` for an updated copy.

        Raises:
            LinkExpired: the link expired and a fresh poll gave no new one.
            DownloadError: truncated after retries, not an MP4, or the disk is full.
        """
        updated = await self._downloader.save(video, dest, None)
        assert updated.path is not None
        return updated.path

    # -- batches -------------------------------------------------------------------------

    async def resume(self, *, on_update: OnUpdate | None = None, concurrency: int = 4) -> list[BatchResult]:
        """Re-attach to every unfinished task in the journal for this base URL and finish it.

        Never creates anything. Completed tasks whose file was never saved are downloaded too.
        Returns one :class:`BatchResult` per task (its video, or the error that ended it),
        newest first; an empty list without a journal.
        """
        return await self._batches.resume(on_update=on_update, concurrency=concurrency)

    def iter_many(
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
        return self._batches.iter_many(
            requests,
            concurrency=concurrency,
            on_update=on_update,
            timeout=timeout,
            download=download,
            labels=labels,
        )

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

    # -- blocking twins: the same signature and docstring (see sora_widgets._sync.blocking) --

    create_sync = blocking(create)
    models_sync = blocking(models)
    model_spec_sync = blocking(model_spec)
    get_sync = blocking(get)
    wait_sync = blocking(wait)
    generate_sync = blocking(generate)
    download_sync = blocking(download)
    resume_sync = blocking(resume)
    generate_many_sync = blocking(generate_many)
    close = blocking(aclose, name="close")
