"""Signed result links: CDN-like URLs to the simulator's files that stop working when they expire."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

__all__ = ["SignedLinks"]


class SignedLinks:
    """Makes and checks result URLs signed with the simulator's secret.

    Args:
        secret: the signing key (kept in the state directory, so links survive a restart).
        clock: returns unix seconds.
        file_exists: whether the result file with this key exists.
    """

    def __init__(self, secret: bytes, clock: Callable[[], float], file_exists: Callable[[str], bool]) -> None:
        self._secret = secret
        self._clock = clock
        self._file_exists = file_exists

    def _signature(self, key: str, task_id: str, expires: int) -> str:
        message = f"{key}:{task_id}:{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:24]

    def url(self, base_url: str, key: str, task_id: str, expires: int) -> str:
        """A result URL that stops working at ``expires`` (unix seconds)."""
        sig = self._signature(key, task_id, expires)
        return f"{base_url.rstrip('/')}/files/{key}.mp4?task={task_id}&exp={expires}&sig={sig}"

    def check(self, key: str, task_id: str, expires: str, sig: str) -> str | None:
        """None if the URL is valid now, else the reason it is refused (the CDN's words)."""
        try:
            exp = int(expires)
        except ValueError:
            return "Request has expired"
        if not hmac.compare_digest(self._signature(key, task_id, exp), sig):
            return "SignatureDoesNotMatch"
        if self._clock() > exp:
            return "Request has expired"
        if not self._file_exists(key):
            return "NoSuchKey"
        return None
