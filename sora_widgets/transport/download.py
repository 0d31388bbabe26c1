"""Result downloads: streamed to a temporary file beside the destination, verified, renamed.

A file at the destination path is always a complete MP4: the body is written to
``.<name>.<random>.part`` in the same directory, its length is checked against
``Content-Length`` and its first box must be ``ftyp``, and only then is it renamed into place
(atomic on one filesystem). A truncated body is retried; an HTML page or other non-video is
refused; 403/404/410 on a result URL mean the link expired; a full disk says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import secrets
from pathlib import Path

import httpx

from .._constants import DOWNLOAD_ATTEMPTS
from ..errors import DownloadError, LinkExpired
from .retry import Sleep, backoff_delay

__all__ = ["Truncated", "download_file", "looks_like_mp4"]

log = logging.getLogger("sora_widgets.transport")

_EXPIRED_STATUSES = (403, 404, 410)


class Truncated(DownloadError):
    """The body ended before Content-Length bytes arrived (retried)."""


def looks_like_mp4(head: bytes) -> bool:
    """True when ``head`` starts like an ISO-BMFF file: a box size, then ``ftyp`` at offset 4."""
    return len(head) >= 8 and head[4:8] == b"ftyp"


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host or "?"
    except (httpx.InvalidURL, TypeError):
        return "?"


async def _fetch_once(client: httpx.AsyncClient, url: str, dest: Path) -> Path:
    part = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.part")
    host = _host(url)
    try:
        async with client.stream("GET", url) as response:
            if response.status_code in _EXPIRED_STATUSES:
                raise LinkExpired(
                    f"the result link no longer serves the video (HTTP {response.status_code} from "
                    f"{host}); links expire after a few hours. Poll the task again for a fresh link."
                )
            if response.status_code >= 400:
                raise DownloadError(
                    f"the video download failed (HTTP {response.status_code} from {host}); try again."
                )
            content_type = response.headers.get("content-type", "").lower()
            if "text/html" in content_type or "application/json" in content_type:
                raise DownloadError(
                    f"the result link at {host} answered with {content_type.split(';')[0]}, not a "
                    "video; the link may have expired or need a login. Poll the task for a fresh link."
                )
            expected = response.headers.get("content-length")
            expected_bytes = int(expected) if expected and expected.isdigit() else None
            written = 0
            head = b""
            with part.open("wb") as fh:
                # Chunks as the network delivers them: aiter_bytes(n) would copy every byte through
                # a BytesIO to re-chunk it (about 10% of throughput on loopback, benchmarks/download).
                async for chunk in response.aiter_bytes():
                    if len(head) < 16:
                        head += chunk[: 16 - len(head)]
                    fh.write(chunk)
                    written += len(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        if expected_bytes is not None and written != expected_bytes:
            raise Truncated(f"the download stopped at {written:,} of {expected_bytes:,} bytes.")
        if not looks_like_mp4(head):
            raise DownloadError(
                f"the file from {host} is not an MP4 video (it starts {head[:12]!r}); nothing was saved."
            )
        part.replace(dest)
        return dest
    except httpx.HTTPError as exc:
        raise Truncated(f"the download from {host} broke off ({type(exc).__name__}).") from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DownloadError(
                f"the disk is full while saving {dest.name}; free some space (or pass another "
                "download_dir) and call client.download(video) again."
            ) from None
        raise DownloadError(f"could not write {dest}: {exc.strerror or exc}.") from None
    finally:
        with contextlib.suppress(OSError):
            part.unlink()


async def download_file(
    client: httpx.AsyncClient,
    url: str,
    dest: Path,
    *,
    attempts: int = DOWNLOAD_ATTEMPTS,
    sleep: Sleep | None = None,
) -> Path:
    """Download ``url`` to ``dest`` (a file path; its directory is created) and verify it.

    Retries truncated bodies up to ``attempts`` times; raises :class:`~errors.LinkExpired` for an
    expired link and :class:`~errors.DownloadError` for everything else. Never leaves a partial
    or unverified file at ``dest``.
    """
    pause = sleep or asyncio.sleep
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create the folder {dest.parent}: {exc.strerror or exc}.") from None
    last: Truncated | None = None
    for attempt in range(1, attempts + 1):
        try:
            return await _fetch_once(client, url, dest)
        except Truncated as exc:
            last = exc
            log.info("download attempt %d of %d truncated: %s", attempt, attempts, exc)
            if attempt < attempts:
                await pause(backoff_delay(attempt))
    raise DownloadError(f"{last} Tried {attempts} times; try again later.")
