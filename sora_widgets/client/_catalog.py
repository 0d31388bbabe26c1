"""The account's model catalog as a client reads it: every page of the list, specs, cached.

Where the catalog lives is resolved with the rest of where requests go (a Service's
``models_url``, else ``VTRIX_MODELS_URL``, else the API's base URL: :mod:`._config`).
The catalog calls carry no key (the vendor CLI sends none). When the catalog cannot be reached
at all (no such endpoint, or no connection) the bundled specs stand in for it: that is the
offline catalog, and the built-in simulator's default.
"""

from __future__ import annotations

import difflib
import logging
import urllib.parse
from collections.abc import Sequence
from typing import Any

from .._constants import CREATE_PATH, DEFAULT_BASE_URL, MODELS_PATH, SPEC_PATH
from ..errors import (
    APIError,
    ConnectionFailed,
    InvalidRequestError,
    MalformedResponse,
    ModelUnavailableError,
    NotFoundError,
    RequestTimeout,
    SoraError,
    safe_url,
)
from ..models.specs import CatalogRefusal, ModelInfo, ModelSpec, bundled_specs, parse_envelope
from ..transport import Transport

__all__ = ["Catalog", "endpoint_path"]

log = logging.getLogger("sora_widgets.client")

# The list is read in pages of this size; a runaway "total_pages" stops here.
PAGE_SIZE = 100
MAX_PAGES = 50
# Hosts that stand for "the service" in a spec's endpoint: a create to them goes to the client's
# own base URL (the simulator, a gateway, a proxy), with the endpoint's path.
SERVICE_HOSTS = frozenset({"cloud.vtrix.ai", "vtrix.ai", "www.vtrix.ai"})
# Status codes (HTTP or the envelope's) that mean "no such model".
_NOT_FOUND = frozenset({404, 40400, 40401, 40404})


def endpoint_path(endpoint: str, base_url: str) -> str:
    """The path a model's creates go to, on the client's own API host.

    The key is only ever sent to the client's base URL: a spec endpoint on the service's own
    host (or on the base URL's host) keeps its path; a relative endpoint is a path; an endpoint
    on any other host is refused.

    Raises:
        InvalidRequestError: the endpoint names another host.
    """
    if not endpoint:
        return CREATE_PATH
    parts = urllib.parse.urlsplit(endpoint)
    if not parts.netloc:
        return "/" + parts.path.lstrip("/")
    base_host = urllib.parse.urlsplit(base_url).hostname
    if parts.hostname in SERVICE_HOSTS or parts.hostname == base_host:
        return parts.path or CREATE_PATH
    raise InvalidRequestError(
        f"the model's spec sends creates to {safe_url(endpoint)}, not to {safe_url(base_url)}; the key "
        "is only sent to the base URL. Point SoraClient(connect=...) at that service if you trust it."
    )


def closest_video_models(model_id: str, models: Sequence[ModelInfo], n: int = 3) -> tuple[str, ...]:
    """The ids of the video models most like ``model_id`` (the whole list when nothing is close)."""
    # Never the model itself: a list read before it was retired still names it.
    ids = [m.id for m in models if m.is_video and m.id != model_id] or [
        m.id for m in models if m.id != model_id
    ]
    close = difflib.get_close_matches(model_id, ids, n=n, cutoff=0.3)
    return tuple(close or ids[:n])


class Catalog:
    """Reads and caches the catalog for one client.

    Args:
        transport: the client's transport (its key-less client reads the catalog).
        models_url: where the catalog lives (default: ``base_url``).
        base_url: the client's API base URL.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        base_url: str,
        models_url: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self._transport = transport
        self._page_size = page_size
        url = models_url or base_url or DEFAULT_BASE_URL
        self.url = url.rstrip("/")
        self.base_url = base_url
        self._models: tuple[ModelInfo, ...] | None = None
        self._specs: dict[str, ModelSpec] = {}
        self.offline = False

    def __repr__(self) -> str:
        return f"Catalog({safe_url(self.url)!r}{', offline' if self.offline else ''})"

    @property
    def known(self) -> tuple[ModelInfo, ...] | None:
        """The list already read, or None (nothing is fetched)."""
        return self._models

    async def models(self, *, refresh: bool = False) -> list[ModelInfo]:
        """Every model of every page (cached; ``refresh=True`` reads again)."""
        if self._models is None or refresh:
            self._models = await self._read_list()
        return list(self._models)

    async def _read_list(self) -> tuple[ModelInfo, ...]:
        found: list[ModelInfo] = []
        page, pages = 1, 1
        while page <= min(pages, MAX_PAGES):
            try:
                data = await self._get(
                    MODELS_PATH, {"page": str(page), "page_size": str(self._page_size)}, "model list"
                )
            except _Unreachable as exc:
                log.info("model catalog unreachable (%s); using the bundled specs", exc)
                self.offline = True
                for spec in bundled_specs():
                    self._specs.setdefault(spec.model_id, spec)
                return tuple(spec.info() for spec in bundled_specs())
            if not isinstance(data, dict) or not isinstance(data.get("models"), list):
                raise _malformed("model list", "its data has no 'models' list")
            found.extend(ModelInfo.from_wire(entry) for entry in data["models"])
            pages = _count(data.get("total_pages"), 1)
            page += 1
        self.offline = False
        return tuple({m.id: m for m in found}.values())

    async def spec(self, model_id: str, *, refresh: bool = False) -> ModelSpec:
        """One model's spec (cached).

        Raises:
            ModelUnavailableError: the catalog does not know the model (naming the closest).
        """
        model_id = str(model_id).strip()
        if not model_id or "/" in model_id or len(model_id) > 200:
            raise InvalidRequestError(f"{model_id!r} is not a model id; see client.models() for the ids.")
        if model_id in self._specs and not refresh:
            return self._specs[model_id]
        path = SPEC_PATH.format(model_id=urllib.parse.quote(model_id, safe=""))
        try:
            data = await self._get(path, None, "model spec")
        except _Unreachable:
            self.offline = True
            spec = next((s for s in bundled_specs() if s.model_id == model_id), None)
            if spec is None:
                raise await self.unavailable(model_id) from None
        except _NotFound:
            raise await self.unavailable(model_id) from None
        else:
            spec = ModelSpec.from_wire(data)
        self._specs[model_id] = spec
        return spec

    async def unavailable(
        self, model_id: str, reason: str = "", *, sent: bool = False
    ) -> ModelUnavailableError:
        """The error for a model the catalog or the service does not offer, naming the closest
        video models (when the list can be read); ``sent``: a create went out and was refused."""
        try:
            models = await self.models()
        except SoraError:
            models = []
        return ModelUnavailableError(
            model_id, closest_video_models(model_id, models), reason=reason, sent=sent
        )

    def forget(self, model_id: str) -> None:
        """Drop a cached spec (the service answered "not found" for it)."""
        self._specs.pop(model_id, None)
        if self._models is not None:
            self._models = tuple(m for m in self._models if m.id != model_id)

    async def _get(self, path: str, params: dict[str, str] | None, what: str) -> Any:
        try:
            body = await self._transport.get_catalog(self.url + path, params)
        except (ConnectionFailed, RequestTimeout) as exc:
            raise _Unreachable(exc.message) from None
        except APIError as exc:
            if exc.status_code == 404 and path == MODELS_PATH:
                raise _Unreachable("the catalog endpoint does not exist here") from None
            if exc.status_code == 404 or isinstance(exc, NotFoundError):
                raise _NotFound from None
            raise
        try:
            return parse_envelope(body, what)
        except CatalogRefusal as refusal:
            if refusal.code in _NOT_FOUND or "not found" in refusal.message.lower():
                raise _NotFound from None
            raise APIError(
                f"the model catalog refused to give its {what}: {refusal.message} (code {refusal.code}).",
                status_code=refusal.code,
            ) from None


class _Unreachable(Exception):
    """No catalog here (no connection, or no such endpoint): the bundled specs stand in."""


class _NotFound(Exception):
    """The catalog says it has no such model."""


def _malformed(what: str, detail: str) -> SoraError:
    return MalformedResponse(f"the model catalog's {what} is not in the documented shape: {detail}.")


def _count(value: Any, default: int) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return default
