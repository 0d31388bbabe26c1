"""The download verifier: a kept file is exactly the served file, whatever the cut point,
the encoding, the Content-Length and the size the task reported (hypothesis)."""

from __future__ import annotations

import gzip
import tempfile
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sora_widgets.errors import DownloadError, SoraError
from sora_widgets.transport.download import check_result_url, download_file
from tests.mp4bytes import box, fake_mp4

URL = "https://cdn.example/v/abc.mp4"


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


async def _no_sleep(seconds: float) -> None:
    return None


class _Stream(httpx.AsyncByteStream):
    def __init__(self, data: bytes, chunk: int) -> None:
        self.data, self.chunk = data, chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), self.chunk):
            yield self.data[start : start + self.chunk]


def _pack(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(data)
    if encoding == "deflate":
        return zlib.compress(data)
    return data


@st.composite
def served(draw: st.DrawFn) -> dict[str, object]:
    body = fake_mp4(draw(st.integers(0, 3000)), moov_first=draw(st.booleans()))
    if draw(st.booleans()):  # a free box in the middle, as some muxers write
        body = body[:32] + box(b"free", bytes(draw(st.integers(0, 40)))) + body[32:]
    cut = draw(st.one_of(st.just(len(body)), st.integers(0, len(body))))
    encoding = draw(st.sampled_from(["identity", "gzip", "deflate"]))
    length_mode = draw(st.sampled_from(["right", "absent", "wrong"]))
    task_mode = draw(st.sampled_from(["right", "absent", "wrong"]))
    return {
        "body": body,
        "cut": cut,
        "encoding": encoding,
        "length_mode": length_mode,
        "task_size": {"right": len(body), "absent": None, "wrong": len(body) + draw(st.integers(-50, 50))}[
            task_mode
        ],
        "chunk": draw(st.integers(1, 4096)),
        "wrong_by": draw(st.integers(1, 50)),
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=served())
async def test_a_kept_file_is_always_the_served_file(tmp_path: Path, case: dict[str, object]) -> None:
    body, cut, encoding = case["body"], case["cut"], case["encoding"]
    assert isinstance(body, bytes) and isinstance(cut, int) and isinstance(encoding, str)
    full_packed = _pack(body, encoding)
    sent = _pack(body[:cut], encoding) if cut < len(body) else full_packed
    if encoding != "identity" and cut < len(body):
        sent = full_packed[: max(0, len(full_packed) * cut // len(body))]  # a cut in the packed stream
    headers = {"content-type": "video/mp4"}
    if encoding != "identity":
        headers["content-encoding"] = encoding
    if case["length_mode"] == "right":
        headers["content-length"] = str(len(full_packed))
    elif case["length_mode"] == "wrong":
        headers["content-length"] = str(len(full_packed) + int(case["wrong_by"]))  # type: ignore[call-overload]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, stream=_Stream(sent, int(case["chunk"])))  # type: ignore[call-overload]

    dest = Path(tempfile.mkdtemp(dir=tmp_path)) / "abc.mp4"  # a fresh folder per example
    task_size = case["task_size"]
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        try:
            await download_file(
                client,
                URL,
                dest,
                attempts=1,
                sleep=_no_sleep,
                expected_size=task_size,  # type: ignore[arg-type]
            )
        except SoraError:
            assert not dest.exists()
        except Exception as exc:  # pragma: no cover - the property under test
            pytest.fail(f"download raised {type(exc).__name__} outside SoraError: {exc}")
        else:
            assert dest.read_bytes() == body
    assert [p.name for p in dest.parent.iterdir()] in ([], ["abc.mp4"])  # no .part left


async def test_a_cut_without_content_length_is_caught_by_the_task_size(tmp_path: Path) -> None:
    body = fake_mp4(5000)
    cut = body[: len(body) - 100]
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, stream=_Stream(cut, 512)))
    ) as client:
        with pytest.raises(DownloadError, match="task reported"):
            await download_file(client, URL, tmp_path / "a.mp4", sleep=_no_sleep, expected_size=len(body))
    assert _names(tmp_path) == []


async def test_a_cut_without_any_size_is_caught_by_the_mp4_boxes(tmp_path: Path) -> None:
    body = fake_mp4(5000)
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, stream=_Stream(body[:-100], 512)))
    ) as client:
        with pytest.raises(DownloadError, match="mdat"):
            await download_file(client, URL, tmp_path / "a.mp4", sleep=_no_sleep)
    assert _names(tmp_path) == []


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_compressed_answer_is_accepted_when_whole(tmp_path: Path, encoding: str) -> None:
    body = fake_mp4(20_000)
    packed = _pack(body, encoding)
    headers = {"content-encoding": encoding, "content-length": str(len(packed))}
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(
            lambda r: httpx.Response(200, headers=headers, stream=_Stream(packed, 700))
        )
    ) as client:
        await download_file(client, URL, tmp_path / "a.mp4", sleep=_no_sleep, expected_size=len(body))
    assert (tmp_path / "a.mp4").read_bytes() == body


async def test_downloads_ask_for_no_compression(tmp_path: Path) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("accept-encoding", ""))
        return httpx.Response(200, content=fake_mp4(100))

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        await download_file(client, URL, tmp_path / "a.mp4")
    assert seen == ["identity"]


async def test_a_small_compressed_bomb_cannot_fill_the_disk(tmp_path: Path) -> None:
    bomb = gzip.compress(fake_mp4(100) + bytes(50_000_000))  # ~50 kB that unpacks to 50 MB
    headers = {"content-encoding": "gzip", "content-length": str(len(bomb))}
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(
            lambda r: httpx.Response(200, headers=headers, stream=_Stream(bomb, 4096))
        )
    ) as client:
        with pytest.raises(DownloadError, match="sent more than"):
            await download_file(
                client, URL, tmp_path / "a.mp4", sleep=_no_sleep, expected_size=len(fake_mp4(100))
            )
    assert _names(tmp_path) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1/v.mp4",
        "https://cdn.example/v\x00.mp4",
        "ftp://cdn.example/v.mp4",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "",
        "https:///nohost",
        "https://cdn.example/a b.mp4",
        "x" * 10_000,
    ],
)
async def test_result_urls_that_are_not_urls_are_download_errors_with_advice(
    tmp_path: Path, url: str
) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200))) as client:
        with pytest.raises(DownloadError, match="Poll the task again") as info:
            await download_file(client, url, tmp_path / "a.mp4")
    assert "\x00" not in str(info.value)
    with pytest.raises(DownloadError):
        check_result_url(url)


async def test_a_redirect_to_another_scheme_is_a_download_error(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.scheme not in ("http", "https"):  # as httpx's network transport does
            raise httpx.UnsupportedProtocol(f"unsupported scheme {request.url.scheme}", request=request)
        return httpx.Response(302, headers={"location": "ftp://elsewhere/v.mp4"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), follow_redirects=True) as client:
        with pytest.raises(DownloadError, match="cannot be downloaded"):
            await download_file(client, URL, tmp_path / "a.mp4", sleep=_no_sleep)


async def test_a_redirect_loop_is_a_download_error_not_retried(tmp_path: Path) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(302, headers={"location": URL})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), follow_redirects=True) as client:
        with pytest.raises(DownloadError, match="cannot be downloaded"):
            await download_file(client, URL, tmp_path / "a.mp4", sleep=_no_sleep)
    assert len(calls) <= 25  # one try, not three


class _EndlessMembers(httpx.AsyncByteStream):
    """A whole gzip video, then empty gzip members for ever (they unpack to nothing)."""

    def __init__(self, first: bytes) -> None:
        self.first, self.pulled = first, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.first
        empty = gzip.compress(b"") * 1000
        while self.pulled < 500 * 1024 * 1024:
            self.pulled += len(empty)
            yield empty


async def test_packed_bytes_that_unpack_to_nothing_cannot_keep_a_download_going(tmp_path: Path) -> None:
    body = fake_mp4(5000)
    stream = _EndlessMembers(gzip.compress(body))
    headers = {"content-encoding": "gzip", "content-type": "video/mp4"}
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, headers=headers, stream=stream))
    ) as client:
        with pytest.raises(DownloadError, match="sent more than"):
            await download_file(client, URL, tmp_path / "a.mp4", sleep=_no_sleep, expected_size=len(body))
    assert stream.pulled < 1024 * 1024
    assert _names(tmp_path) == []
