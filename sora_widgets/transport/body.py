"""Reading a body from a server we do not trust: bounded before and after unpacking.

httpx unpacks ``gzip``/``deflate`` by itself, but it yields nothing for packed bytes that unpack
to nothing (a second gzip member, say), so a caller counting what it gets can be kept reading
forever. :func:`iter_body` reads the raw bytes itself, counts them, unpacks ``gzip`` (every
member) and ``deflate`` (zlib-wrapped or raw) with a bound on the output of every step, and
raises :class:`BodyTooBig` as soon as either count passes its limit.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

__all__ = ["BodyStats", "BodyTooBig", "BodyUnreadable", "iter_body"]


class BodyTooBig(Exception):
    """More bytes came than the limit allows (``packed``: on the wire; otherwise unpacked)."""

    def __init__(self, limit: int, *, packed: bool) -> None:
        super().__init__(limit)
        self.limit, self.packed = limit, packed


class BodyUnreadable(Exception):
    """The body's encoding is unknown, or its packed bytes are corrupt."""


@dataclass
class BodyStats:
    """What :func:`iter_body` counted: bytes on the wire (None when an in-memory transport
    handed over a body that never was on a wire) and bytes after unpacking."""

    encoding: str = "identity"
    wire_bytes: int | None = 0
    body_bytes: int = 0


class _Unpacker:
    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._first = True
        self._inflate = self._new()

    def _new(self) -> zlib._Decompress:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj()  # deflate: zlib-wrapped, as the RFC says (raw tried below)

    def feed(self, data: bytes, budget: int) -> bytes:
        """Unpack ``data``; at most ``budget + 1`` bytes come out (the caller refuses more)."""
        out = bytearray()
        while data and len(out) <= budget:
            try:
                out += self._inflate.decompress(data, budget + 1 - len(out))
            except zlib.error:
                if self._first and self.encoding == "deflate":
                    self._first = False
                    self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
                    continue
                raise BodyUnreadable(f"the {self.encoding} body is corrupt") from None
            self._first = False
            if self._inflate.unconsumed_tail:
                data = self._inflate.unconsumed_tail
            elif self._inflate.eof and self._inflate.unused_data:
                data = self._inflate.unused_data  # another gzip member: unpack it too
                self._inflate = self._new()
            else:
                data = b""
        return bytes(out)


async def iter_body(
    response: httpx.Response, *, max_body: int, max_wire: int | None = None, stats: BodyStats | None = None
) -> AsyncIterator[bytes]:
    """The unpacked body in chunks, never more than ``max_body`` bytes of it and never more than
    ``max_wire`` (default ``max_body``) bytes read from the wire.

    Raises:
        BodyTooBig: a limit was passed (nothing more is read).
        BodyUnreadable: an encoding other than identity, gzip or deflate, or corrupt packed bytes.
    """
    stats = stats if stats is not None else BodyStats()
    wire_limit = max_body if max_wire is None else max_wire
    encoding = response.headers.get("content-encoding", "identity").strip().lower() or "identity"
    stats.encoding = encoding
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise BodyUnreadable(f"the body is packed as {encoding!r}, which is not read")
    unpacker = None if encoding == "identity" else _Unpacker(encoding)
    try:
        raw = response.aiter_raw()
        first = await raw.__anext__()
    except StopAsyncIteration:
        return
    except httpx.StreamConsumed:
        # An in-memory transport built the response from bytes: already whole and in memory,
        # unpacked by httpx. Only the unpacked size can be counted.
        stats.wire_bytes = None
        async for chunk in response.aiter_bytes():
            stats.body_bytes += len(chunk)
            if stats.body_bytes > max_body:
                raise BodyTooBig(max_body, packed=False) from None
            yield chunk
        return

    async def chunks() -> AsyncIterator[bytes]:
        yield first
        async for chunk in raw:
            yield chunk

    async for data in chunks():
        assert stats.wire_bytes is not None
        stats.wire_bytes += len(data)
        if stats.wire_bytes > wire_limit:
            raise BodyTooBig(wire_limit, packed=True)
        out = data if unpacker is None else unpacker.feed(data, max_body - stats.body_bytes)
        stats.body_bytes += len(out)
        if stats.body_bytes > max_body:
            raise BodyTooBig(max_body, packed=False)
        if out:
            yield out
