"""A small JSON-over-HTTP client with a bearer key, for APIs beside the generation contract
(the class gateway's admin API). Errors map onto :mod:`sora_widgets.errors` exactly as the
generation calls' do; nothing retries."""

from __future__ import annotations

import json
from typing import Any

import httpx

from .._constants import POLL_REQUEST_TIMEOUT_S
from ..errors import MalformedResponse, register_secret
from .http import api_transport_for, bearer_json_client, error_for_response, exchange_error, request_timeout

__all__ = ["JsonApi"]


class JsonApi:
    """``await api.call("GET", "/gateway/v1/students")`` -> the decoded JSON.

    Args:
        base_url: where the API is.
        api_key: sent as ``Authorization: Bearer ...``; registered for redaction.
        app: an in-process ASGI app to talk to instead of the network.
        httpx_transport: an httpx transport to use instead (tests).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        app: Any = None,
        httpx_transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = POLL_REQUEST_TIMEOUT_S,
    ) -> None:
        register_secret(api_key)
        self.base_url = base_url.rstrip("/")
        self._client = bearer_json_client(
            self.base_url,
            api_key,
            api_transport_for(app, httpx_transport),
            request_timeout(timeout),
        )

    def __repr__(self) -> str:
        return f"JsonApi({self.base_url!r})"

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        """Send one request; return the JSON answer or raise the mapped error."""
        action = f"calling {method} {path}"
        try:
            response = await self._client.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise exchange_error(exc, self.base_url, action) from None
        if response.status_code >= 400:
            raise error_for_response(response, action=action)
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise MalformedResponse(
                f"the answer to {action} was not JSON (HTTP {response.status_code})."
            ) from None

    async def aclose(self) -> None:
        """Close the connections."""
        await self._client.aclose()
