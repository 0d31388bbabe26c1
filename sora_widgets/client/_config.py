"""Where a client connects, with which key: the argument, the environment, the keyring, or the simulator."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._constants import DEFAULT_BASE_URL, ENV_API_KEY, ENV_BASE_URL, KEYRING_SERVICE, SIMULATOR_BASE_URL
from ..errors import SIMULATOR_KEY, AuthenticationError, register_secret
from ..transport import HttpxTransport, clean_api_key

if TYPE_CHECKING:
    from ..simulator import Simulator

__all__ = ["Endpoint", "keyring_key", "resolve_endpoint"]

# The key sent to a simulator that was given no key (a loopback server, or in-process).
_PLACEHOLDER_KEY = SIMULATOR_KEY


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


@dataclass(frozen=True)
class Endpoint:
    """Where to send requests: the URL, the key (registered for redaction), the simulator if any."""

    simulated: bool
    simulator: Simulator | None
    endpoint: str
    key: str = _PLACEHOLDER_KEY

    def __repr__(self) -> str:  # never the key
        return f"Endpoint(simulated={self.simulated}, endpoint={self.endpoint!r})"


def resolve_endpoint(
    api_key: str | None,
    base_url: str | None,
    simulate: bool | None,
    simulator: Simulator | None,
    httpx_transport: HttpxTransport | None,
) -> Endpoint:
    """See :class:`~sora_widgets.SoraClient`'s arguments.

    Raises:
        AuthenticationError: the real service without a key.
    """
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
    if simulate:
        if simulator is None and httpx_transport is None:
            from ..simulator import Simulator as Made  # heavy, only for simulated clients

            simulator = Made(speed="demo")
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
    return Endpoint(bool(simulate), simulator if simulate else None, endpoint, key or _PLACEHOLDER_KEY)
