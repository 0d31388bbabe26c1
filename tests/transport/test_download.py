"""Downloads: streamed to a temporary file, verified, renamed; nothing broken is left behind."""

from __future__ import annotations

import errno
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from sora_widgets.errors import DownloadError, LinkExpired
from sora_widgets.transport.download import download_file, looks_like_mp4
from tests.mp4bytes import fake_mp4

MP4 = fake_mp4(10_000)
URL = "https://cdn.example/v/abc.mp4"


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def client(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler), follow_redirects=True)


def only_file(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_looks_like_mp4() -> None:
    assert looks_like_mp4(MP4[:16])
    assert not looks_like_mp4(b"<!DOCTYPE html>")
    assert not looks_like_mp4(b"\x00\x00")


async def test_download_streams_and_renames(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=MP4, headers={"content-type": "video/mp4"})

    dest = tmp_path / "out" / "abc.mp4"
    async with client(handler) as c:
        assert await download_file(c, URL, dest) == dest
    assert dest.read_bytes() == MP4
    assert only_file(dest.parent) == ["abc.mp4"]


class _Body(httpx.AsyncByteStream):
    """A body that sends ``data`` and then, optionally, breaks like a reset connection."""

    def __init__(self, data: bytes, *, fail: bool) -> None:
        self.data, self.fail = data, fail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.data
        if self.fail:
            raise httpx.ReadError("connection reset by peer")


async def test_truncated_then_complete_is_retried(tmp_path: Path) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        headers = {"content-type": "video/mp4", "content-length": str(len(MP4))}
        if calls == 1:  # fewer bytes than promised
            return httpx.Response(200, stream=_Body(MP4[:1000], fail=False), headers=headers)
        if calls == 2:  # connection reset mid-body
            return httpx.Response(200, stream=_Body(MP4[:500], fail=True), headers=headers)
        return httpx.Response(200, content=MP4, headers={"content-type": "video/mp4"})

    sleeps = Sleeps()
    dest = tmp_path / "abc.mp4"
    async with client(handler) as c:
        await download_file(c, URL, dest, sleep=sleeps)
    assert calls == 3
    assert len(sleeps.calls) == 2
    assert dest.read_bytes() == MP4
    assert only_file(tmp_path) == ["abc.mp4"]


async def test_always_truncated_gives_up_and_leaves_nothing(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, stream=_Body(MP4[:100], fail=False), headers={"content-length": str(len(MP4))}
        )

    dest = tmp_path / "abc.mp4"
    async with client(handler) as c:
        with pytest.raises(DownloadError, match="stopped at 100 of"):
            await download_file(c, URL, dest, attempts=3, sleep=Sleeps())
    assert only_file(tmp_path) == []


@pytest.mark.parametrize(
    ("content", "content_type", "match"),
    [
        (b"<!DOCTYPE html><html>Sign in</html>", "text/html; charset=utf-8", "text/html"),
        (b'{"error": "expired"}', "application/json", "application/json"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "application/octet-stream", "not an MP4"),
    ],
)
async def test_non_videos_are_refused(tmp_path: Path, content: bytes, content_type: str, match: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=content, headers={"content-type": content_type})

    dest = tmp_path / "abc.mp4"
    async with client(handler) as c:
        with pytest.raises(DownloadError, match=match) as info:
            await download_file(c, URL, dest)
    assert not isinstance(info.value, LinkExpired)
    assert only_file(tmp_path) == []


@pytest.mark.parametrize("status", [403, 404, 410])
async def test_expired_links(tmp_path: Path, status: int) -> None:
    async with client(lambda request: httpx.Response(status, text="AccessDenied")) as c:
        with pytest.raises(LinkExpired, match=str(status)):
            await download_file(c, URL, tmp_path / "abc.mp4")
    assert only_file(tmp_path) == []


async def test_server_error_is_a_download_error(tmp_path: Path) -> None:
    async with client(lambda request: httpx.Response(500)) as c:
        with pytest.raises(DownloadError, match="500"):
            await download_file(c, URL, tmp_path / "abc.mp4")


async def test_full_disk_says_so_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("sora_widgets.transport.download.os.fsync", no_space)
    async with client(lambda request: httpx.Response(200, content=MP4)) as c:
        with pytest.raises(DownloadError, match="disk is full"):
            await download_file(c, URL, tmp_path / "abc.mp4")
    assert only_file(tmp_path) == []


async def test_an_existing_file_is_replaced_only_by_a_verified_one(tmp_path: Path) -> None:
    dest = tmp_path / "abc.mp4"
    dest.write_bytes(MP4)
    async with client(
        lambda request: httpx.Response(200, content=b"<html>", headers={"content-type": "text/html"})
    ) as c:
        with pytest.raises(DownloadError):
            await download_file(c, URL, dest)
    assert dest.read_bytes() == MP4
