"""Where a client sends requests (``connect=``), and with which key.

One typed parameter says where requests go (:data:`Connect`):

- a URL string: the Vtrix API (or a class gateway, or a simulator served on loopback) at that URL;
- a :class:`~sora_widgets.simulator.Simulator`: the in-process simulator, nothing is billed;
- a :class:`Service`: an API with its catalog elsewhere, or reached through an httpx transport
  of one's own (a proxy's, or a test's fault injection);
- None: what the environment configures (``VTRIX_API_KEY``, ``VTRIX_BASE_URL``,
  ``VTRIX_MODELS_URL``, the keyring); with none of them, the in-process simulator.

The key is never part of where: it is the client's ``api_key``, else ``VTRIX_API_KEY``, else
the keyring.
"""

from __future__ import annotations

import functools
import os
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeGuard, Union

from .._constants import (
    DEFAULT_BASE_URL,
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_MODELS_URL,
    KEYRING_SERVICE,
    SIMULATOR_BASE_URL,
)
from ..errors import SIMULATOR_KEY, AuthenticationError, InvalidRequestError, register_secret, safe_url
from ..transport import HttpxTransport, clean_api_key

if TYPE_CHECKING:
    from ..simulator import Simulator

__all__ = ["Connect", "Endpoint", "Service", "connect_to", "keyring_key", "resolve_endpoint"]

# The key sent to a simulator or gateway that was given no key (a loopback server, or in-process).
_PLACEHOLDER_KEY = SIMULATOR_KEY

#: Where a :class:`~sora_widgets.SoraClient` sends requests: a URL, a Simulator, a Service, or
#: None for what the environment configures.
Connect = Union[str, "Simulator", "Service", None]


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


def _checked_url(name: str, value: object) -> str | None:
    """``value`` as a base URL (http or https), or None; anything else is refused, naming where
    it came from (``name``: the field, or the environment variable)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a URL string or None, not {type(value).__name__}.")
    url = value.strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) < len("http://x"):
        # Not echoed: a key pasted into the wrong place must not reach an error text.
        raise InvalidRequestError(
            f"{name} is not an http(s) URL (it must start with http:// or https://); write it "
            "in full, for example 'http://127.0.0.1:8765' or 'https://cloud.vtrix.ai'."
        )
    return url.rstrip("/")


def _env_url(name: str) -> str | None:
    """The URL an environment variable holds, checked, or None when it is unset or empty."""
    return _checked_url(name, os.environ.get(name) or None)


@dataclass(frozen=True, repr=False)
class Service:
    """A Vtrix API to send requests to: the real one, a class gateway, a simulator on loopback.

    A plain URL says the same as ``Service(url)``; a Service is needed only to put the catalog
    elsewhere or to send through an httpx transport of one's own.

    Example:
        >>> import httpx, sora_widgets as sw
        >>> sw.Service("http://127.0.0.1:8765/")
        Service('http://127.0.0.1:8765')
        >>> refuse = httpx.MockTransport(lambda request: httpx.Response(503))
        >>> sw.SoraClient("my-key", connect=sw.Service("https://api.example", transport=refuse))
        SoraClient(connect=Service('https://api.example', transport=MockTransport))

    Args:
        url: the API's base URL; None: ``VTRIX_BASE_URL``, else https://cloud.vtrix.ai.
        models_url: where its model catalog lives; None: ``VTRIX_MODELS_URL``, else ``url``.
            Catalog calls carry no key.
        transport: an httpx transport to send through instead of the network (a proxy's, or a
            test's fault injection); downloads use it too.

    Raises:
        InvalidRequestError: a URL that is not http(s).
        TypeError: a field of the wrong type.
    """

    url: str | None = None
    models_url: str | None = field(default=None, kw_only=True)
    transport: HttpxTransport | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", _checked_url("the URL of connect= (Service.url)", self.url))
        object.__setattr__(self, "models_url", _checked_url("Service.models_url", self.models_url))
        if self.transport is not None and not isinstance(self.transport, HttpxTransport):
            raise TypeError(
                f"Service.transport must be an httpx transport (httpx.AsyncBaseTransport), not "
                f"{type(self.transport).__name__}."
            )

    def __repr__(self) -> str:  # URLs without user:pass@ or ?token=; the placeholder by name
        parts = (
            []
            if self.url is None
            else ["simulator" if self.url == SIMULATOR_BASE_URL else repr(safe_url(self.url))]
        )
        if self.models_url is not None:
            parts.append(f"models_url={safe_url(self.models_url)!r}")
        if self.transport is not None:
            parts.append(f"transport={type(self.transport).__name__}")
        return f"Service({', '.join(parts)})"


@dataclass(frozen=True)
class Endpoint:
    """Where a client's requests go, resolved: the URL, the key (registered for redaction), the
    catalog's URL, the simulator or transport if any, and the :class:`Service` shown in reprs."""

    simulated: bool
    simulator: Simulator | None
    endpoint: str
    models_url: str
    key: str = _PLACEHOLDER_KEY
    httpx_transport: HttpxTransport | None = None

    def __repr__(self) -> str:  # never the key
        return f"Endpoint(simulated={self.simulated}, endpoint={safe_url(self.endpoint)!r})"

    def shown(self) -> str:
        """Where requests go, as ``connect=`` would say it (never the key, a password or a token)."""
        if self.simulator is not None and self.httpx_transport is None:
            return "simulated: the built-in simulator"
        models = self.models_url if self.models_url != self.endpoint else None
        service = Service(self.endpoint, models_url=models, transport=self.httpx_transport)
        said = repr(service) if models or self.httpx_transport else repr(safe_url(self.endpoint))
        return f"{'simulated, ' if self.simulated else ''}connect={said}"


def _key(api_key: str | None, *, keyring: bool) -> str | None:
    """The key given, else ``VTRIX_API_KEY``, else (when asked) the keyring's; checked and
    registered for redaction, so a pasted newline is a clear error before anything is sent."""
    key = api_key or os.environ.get(ENV_API_KEY) or (keyring_key() if keyring else None) or None
    if key is not None:
        key = clean_api_key(key)
    register_secret(key)
    return key


def _is_simulator(connect: object) -> TypeGuard[Simulator]:
    # The simulator's module is imported only when something that is not a URL or a Service
    # was passed (a Simulator's module is loaded already then).
    from ..simulator import Simulator

    return isinstance(connect, Simulator)


def _simulated(simulator: Simulator, api_key: str | None) -> Endpoint:
    key = _key(api_key, keyring=False) or _PLACEHOLDER_KEY
    return Endpoint(True, simulator, SIMULATOR_BASE_URL, SIMULATOR_BASE_URL, key)


def _service(service: Service, api_key: str | None) -> Endpoint:
    url = service.url or _env_url(ENV_BASE_URL) or DEFAULT_BASE_URL
    key = _key(api_key, keyring=True)
    if key is None:
        if url == DEFAULT_BASE_URL:
            raise AuthenticationError(
                f"no API key: set {ENV_API_KEY}, pass SoraClient(api_key=...), or store it "
                f"with keyring under service {KEYRING_SERVICE!r}. Or call SoraClient() "
                "with no key for the built-in simulator.",
                status_code=401,
            )
        key = _PLACEHOLDER_KEY
    models = service.models_url or _env_url(ENV_MODELS_URL) or url
    return Endpoint(False, None, url, models, key, service.transport)


def resolve_endpoint(connect: Connect, api_key: str | None) -> Endpoint:
    """Where ``SoraClient(api_key, connect=connect)`` sends requests (see :data:`Connect`).

    Raises:
        AuthenticationError: the real service without a key.
        TypeError: ``connect`` is not a URL, a Simulator, a Service or None.
        InvalidRequestError: a URL that is not http(s), or a key no header can carry.
    """
    if connect is None:
        configured = (api_key or os.environ.get(ENV_API_KEY) or os.environ.get(ENV_BASE_URL)) or keyring_key()
        if not configured:
            from ..simulator import Simulator  # heavy: only for simulated clients

            return _simulated(Simulator(speed="demo"), api_key)
        connect = Service()
    if isinstance(connect, str):
        connect = Service(connect)
    if isinstance(connect, Service):
        return _service(connect, api_key)
    if _is_simulator(connect):
        return _simulated(connect, api_key)
    raise TypeError(
        f"connect= takes a URL string, a sora_widgets.Simulator or a sora_widgets.Service (or None "
        f"for what the environment configures), not {type(connect).__name__}."
    )


#: The keywords ``connect=`` replaces (kept working for one release, with a DeprecationWarning).
LEGACY_KEYWORDS = ("base_url", "simulate", "simulator", "httpx_transport", "models_url")


def _new_spelling(old: dict[str, Any]) -> str:
    """What to write instead of the old keywords, as code."""
    base, sim, transport, models = (
        old["base_url"],
        old["simulator"],
        old["httpx_transport"],
        old["models_url"],
    )
    if sim is not None or (old["simulate"] and transport is None and base is None):
        return "connect=sw.Simulator()" if sim is None else "connect=<your Simulator>"
    if old["simulate"] is False and base is None and transport is None and models is None:
        return "connect=sw.Service()"
    if transport is None and models is None and base is not None:
        return f"connect={safe_url(base)!r}"
    if base is None and old["simulate"]:
        base = SIMULATOR_BASE_URL  # where a simulated client without a simulator sent requests
    fields = [repr(safe_url(base))] if base is not None else []
    fields += [f"models_url={safe_url(models)!r}"] if models is not None else []
    fields += ["transport=<your transport>"] if transport is not None else []
    return f"connect=sw.Service({', '.join(fields)})"


def legacy_connect(api_key: str | None, old: dict[str, Any]) -> Endpoint:
    """The endpoint of the keywords before ``connect=`` (``base_url``, ``simulate``,
    ``simulator``, ``httpx_transport``, ``models_url``), as they behaved, with one
    DeprecationWarning that gives the new spelling."""
    given = [name for name in LEGACY_KEYWORDS if old[name] is not None]
    warnings.warn(
        f"SoraClient({', '.join(f'{name}=...' for name in given)}) is deprecated and goes away in the "
        f"next release; write SoraClient(..., {_new_spelling(old)}).",
        DeprecationWarning,
        stacklevel=4,  # the caller of SoraClient(...), through connect_to and __init__
    )
    base_url, simulate, simulator = old["base_url"], old["simulate"], old["simulator"]
    transport = old["httpx_transport"]
    url = _checked_url("base_url", base_url) or _checked_url(
        ENV_BASE_URL, os.environ.get(ENV_BASE_URL) or None
    )
    if simulate is None:
        unkeyed = not (api_key or os.environ.get(ENV_API_KEY)) and keyring_key() is None
        simulate = simulator is not None or (unkeyed and url is None)
    if not simulate:
        return _service(Service(url, models_url=old["models_url"], transport=transport), api_key)
    if simulator is None and transport is None:
        from ..simulator import Simulator as Made  # heavy, only for simulated clients

        simulator = Made(speed="demo")
    endpoint = (url if base_url else None) or SIMULATOR_BASE_URL
    key = _key(api_key, keyring=False) or _PLACEHOLDER_KEY
    models = old["models_url"] or os.environ.get(ENV_MODELS_URL) or endpoint
    return Endpoint(True, simulator, endpoint, models, key, transport)


def connect_to(connect: Connect, api_key: str | None, legacy: dict[str, Any]) -> Endpoint:
    """The endpoint of ``SoraClient(api_key, connect=..., **legacy)``: ``connect`` (see
    :data:`Connect`), or the deprecated keywords when any of them is given.

    Raises:
        TypeError: ``connect`` together with a deprecated keyword, or of another type.
    """
    if all(value is None for value in legacy.values()):
        return resolve_endpoint(connect, api_key)
    if connect is not None:
        given = ", ".join(f"{name}=" for name in LEGACY_KEYWORDS if legacy.get(name) is not None)
        raise TypeError(f"connect= says where requests go on its own; drop {given} (its old spelling).")
    return legacy_connect(api_key, legacy)
