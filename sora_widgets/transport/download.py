"""Result downloads: streamed to a temporary file beside the destination, verified, renamed.

A file at the destination path is always a complete MP4. The body is written to
``.<name>.<random>.part`` in the same directory and renamed into place (atomic on one
filesystem) only when every size signal there is agrees:

- ``Content-Length``, against the bytes that came over the wire;
- the size the task reported for the file, against the bytes written;
- the MP4's own structure: top-level boxes that start with ``ftyp``, include ``moov`` and
  ``mdat``, and tile the file exactly (a box declared longer than what arrived is a cut).

A cut body is retried; an HTML page or other non-video is refused; 403/404/410 on a result URL
mean the link expired; a result URL that is not an http(s) URL is refused before any request;
a full disk says so. Downloads ask for no compression (``Accept-Encoding: identity``); a server
that compresses anyway is checked the same way, with ``Content-Length`` compared to the packed
bytes. Whatever the encoding, at most the expected size (or :data:`MAX_VIDEO_BYTES`) is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import secrets
import struct
from pathlib import Path
from typing import BinaryIO

import httpx

from .._constants import DOWNLOAD_ATTEMPTS, MAX_VIDEO_BYTES
from ..errors import DownloadError, LinkExpired, safe_url
from .body import BodyStats, BodyTooBig, BodyUnreadable, iter_body
from .retry import Sleep, backoff_delay

__all__ = ["Truncated", "check_result_url", "download_file", "looks_like_mp4", "mp4_structure_problem"]

log = logging.getLogger("sora_widgets.transport")

_EXPIRED_STATUSES = (403, 404, 410)
# Result URLs are CDN links of a few hundred characters; longer is not a link.
_MAX_URL_CHARS = 8192
# Top-level boxes beyond this many are not a video a person made (a real file has a handful).
_MAX_TOP_LEVEL_BOXES = 100_000


class Truncated(DownloadError):
    """The body ended before every size signal was met (retried)."""


def looks_like_mp4(head: bytes) -> bool:
    """True when ``head`` starts like an ISO-BMFF file: a box size, then ``ftyp`` at offset 4."""
    return len(head) >= 8 and head[4:8] == b"ftyp"


def mp4_structure_problem(fh: BinaryIO, length: int) -> tuple[str, bool] | None:
    """Walk the top-level boxes of an MP4 of ``length`` bytes; None when they are whole.

    Returns:
        ``(what is wrong, True when it looks cut short)``, or None when the boxes start with
        ``ftyp``, include ``moov`` and ``mdat``, and end exactly at ``length``.
    """
    offset = 0
    seen: set[bytes] = set()
    count = 0
    while offset < length:
        count += 1
        if count > _MAX_TOP_LEVEL_BOXES:
            return f"more than {_MAX_TOP_LEVEL_BOXES:,} top-level boxes", False
        fh.seek(offset)
        header = fh.read(16)
        if len(header) < 8:
            return f"a box header is cut at byte {offset:,}", True
        size, kind = struct.unpack(">I4s", header[:8])
        if size == 1:
            if len(header) < 16:
                return f"a box header is cut at byte {offset:,}", True
            size = struct.unpack(">Q", header[8:16])[0]
            minimum = 16
        elif size == 0:  # "to the end of the file": only the last box may say so
            size = length - offset
            minimum = 8
        else:
            minimum = 8
        if offset == 0 and kind != b"ftyp":
            return f"it starts {header[:12]!r}, not an ftyp box", False
        if size < minimum:
            return f"the {kind!r} box at byte {offset:,} declares an impossible size {size}", False
        if offset + size > length:
            return (
                f"the {kind!r} box at byte {offset:,} declares {size:,} bytes but the file ends "
                f"{offset + size - length:,} bytes early",
                True,
            )
        seen.add(kind)
        offset += size
    missing = [name.decode() for name in (b"moov", b"mdat") if name not in seen]
    if missing:
        return f"it has no {' and no '.join(missing)} box", True
    return None


def check_result_url(url: object) -> str:
    """``url`` if it is an http(s) URL a download can use; otherwise a :class:`DownloadError`
    that says what is wrong and what to do."""
    advice = (
        "Poll the task again (client.get(task_id)) for a fresh link; if it stays broken, report "
        "the task id to Vtrix support."
    )
    if not isinstance(url, str) or not url.strip():
        raise DownloadError(f"the service gave no result URL to download. {advice}")
    if len(url) > _MAX_URL_CHARS:
        raise DownloadError(f"the result URL is {len(url):,} characters long, not a link. {advice}")
    if any(ord(char) < 33 or ord(char) == 127 for char in url):
        raise DownloadError(
            f"the result URL contains spaces or control characters, so it is not a link. {advice}"
        )
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise DownloadError(f"the result URL is not a valid URL ({safe_url(url)}). {advice}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise DownloadError(
            f"the result URL is not an http(s) link to a host ({parsed.scheme or 'no'} scheme); "
            f"only http and https downloads are made. {advice}"
        )
    return url


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host or "?"
    except (httpx.InvalidURL, TypeError, ValueError):
        return "?"


def _declared(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def _refuse_no_video(response: httpx.Response, host: str) -> None:
    """Raise unless the answer can be a video: an expired link, an HTTP error, a page instead."""
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


def _check_whole_mp4(fh: BinaryIO, host: str, written: int, expected_size: int | None) -> None:
    """Raise unless the ``written`` bytes in ``fh`` are the whole file the task reported, an MP4."""
    if expected_size is not None and written != expected_size:
        raise Truncated(
            f"the download gave {written:,} bytes but the task reported a {expected_size:,}-byte file."
        )
    fh.seek(0)
    head = fh.read(16)
    if not looks_like_mp4(head):
        raise DownloadError(
            f"the file from {host} is not an MP4 video (it starts {head[:12]!r}); nothing was saved."
        )
    problem = mp4_structure_problem(fh, written)
    if problem is not None:
        what, cut = problem
        if cut:
            raise Truncated(f"the download from {host} is not a whole MP4: {what}.")
        raise DownloadError(f"the file from {host} is not a valid MP4 ({what}); nothing was saved.")


async def _fetch_once(client: httpx.AsyncClient, url: str, dest: Path, expected_size: int | None) -> Path:
    part = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.part")
    host = _host(url)
    try:
        # Identity: a compressed video gains nothing, and Content-Length then counts what we write.
        async with client.stream("GET", url, headers={"Accept-Encoding": "identity"}) as response:
            _refuse_no_video(response, host)
            encoding = response.headers.get("content-encoding", "identity").strip().lower()
            packed = encoding not in ("", "identity")
            content_length = _declared(response.headers.get("content-length"))
            # The most we will write: what the task or the header promised, never more than the ceiling.
            promised = [n for n in (expected_size, None if packed else content_length) if n is not None]
            limit = min([MAX_VIDEO_BYTES, *promised])
            written = 0
            stats = BodyStats()
            # Packed bytes may exceed unpacked ones a little (incompressible data), never by much.
            wire_limit = content_length if content_length is not None else limit + limit // 100 + 4096
            with part.open("w+b") as fh:
                # Chunks as the network delivers them (re-chunking would copy every byte).
                try:
                    async for chunk in iter_body(response, max_body=limit, max_wire=wire_limit, stats=stats):
                        fh.write(chunk)
                except BodyTooBig as exc:
                    if exc.packed and content_length is not None:
                        raise DownloadError(
                            f"the download from {host} sent more than the {content_length:,} bytes its "
                            "Content-Length announced; it was stopped and nothing was saved."
                        ) from None
                    raise DownloadError(
                        f"the download from {host} sent more than the {limit:,} bytes "
                        f"{'it announced' if promised else 'any video can be'}; it was stopped and "
                        "nothing was saved. Poll the task for a fresh link and try again."
                    ) from None
                except BodyUnreadable as exc:
                    raise DownloadError(
                        f"the download from {host} could not be read: {exc}; nothing was saved."
                    ) from None
                written = stats.body_bytes
                fh.flush()
                # Content-Length counts the bytes on the wire (packed ones when the server
                # compressed anyway); unknown only for a body an in-memory transport handed over.
                wire_bytes = stats.wire_bytes
                if wire_bytes is None:
                    wire_bytes = (content_length or 0) if packed else written
                if content_length is not None and wire_bytes != content_length:
                    raise Truncated(
                        f"the download stopped at {wire_bytes:,} of {content_length:,} bytes"
                        + (f" ({encoding}-packed)." if packed else ".")
                    )
                _check_whole_mp4(fh, host, written, expected_size)
                os.fsync(fh.fileno())
        part.replace(dest)
        return dest
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.TooManyRedirects) as exc:
        # A redirect to another scheme or in a loop, or a URL httpx cannot send: trying again
        # would do the same.
        raise DownloadError(
            f"the result link at {host} led to an address that cannot be downloaded ({type(exc).__name__}); "
            "poll the task again for a fresh link."
        ) from None
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
    expected_size: int | None = None,
) -> Path:
    """Download ``url`` to ``dest`` (a file path; its directory is created) and verify it.

    Args:
        expected_size: the file size the task reported, if it did: the file must have exactly
            this many bytes.

    Retries cut bodies up to ``attempts`` times; raises :class:`~errors.LinkExpired` for an
    expired link and :class:`~errors.DownloadError` for everything else. Never leaves a partial
    or unverified file at ``dest``.
    """
    check_result_url(url)
    if expected_size is not None and not 0 < expected_size <= MAX_VIDEO_BYTES:
        expected_size = None  # not a size a video can have: the other signals still apply
    pause = sleep or asyncio.sleep
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create the folder {dest.parent}: {exc.strerror or exc}.") from None
    last: Truncated | None = None
    for attempt in range(1, attempts + 1):
        try:
            return await _fetch_once(client, url, dest, expected_size)
        except Truncated as exc:
            last = exc
            log.info("download attempt %d of %d truncated: %s", attempt, attempts, exc)
            if attempt < attempts:
                await pause(backoff_delay(attempt))
    raise DownloadError(f"{last} Tried {attempts} times; nothing was kept. Try again later.")
