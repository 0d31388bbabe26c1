"""create(): validation before sending, the wire body, and the never-resend rule."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import httpx
import pytest
from PIL import Image

from sora_widgets.client import SoraClient
from sora_widgets.errors import (
    AuthenticationError,
    GenerationFailed,
    ImageError,
    InvalidRequestError,
    ModerationBlocked,
    RateLimitError,
    SoraError,
    UnknownOutcomeError,
)
from sora_widgets.journal import Journal
from sora_widgets.models.request import VideoRequest
from tests.fake_time import FakeTime

from .fakes import MP4, FakeGateway, raises, status


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(out, "PNG")
    return out.getvalue()


def params_of(request: httpx.Request) -> dict[str, Any]:
    body = json.loads(request.content)
    assert set(body) == {"model", "input"}
    return {"model": body["model"], **body["input"][0]["params"]}


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"prompt": "a kite", "size": "1024x1024"}, "720x1280, 1280x720"),
        ({"prompt": "a kite", "seconds": 5}, "4, 8, 12"),
        ({"prompt": "   "}, "prompt is empty"),
        ({"prompt": "x" * 5000}, "4,000"),
        ({"prompt": "a kite", "image": b"this is not an image at all"}, "image"),
        ({"prompt": "a kite", "image": png(640, 480), "size": "1280x720"}, "fit_image"),
        ({"prompt": "a kite", "colour": "red"}, "unknown request field"),
        ({"size": "portrait"}, "prompt"),
    ],
)
async def test_bad_input_is_refused_before_anything_is_sent(
    client: SoraClient, gateway: FakeGateway, journal: Journal, fields: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidRequestError, match=match):
        await client.create(fields)
    assert gateway.requests == []
    assert journal.entries() == []


async def test_non_image_with_an_image_name_is_an_image_error(
    client: SoraClient, gateway: FakeGateway, tmp_path: Any
) -> None:
    fake = tmp_path / "photo.png"
    fake.write_text("<html>not a picture</html>")
    with pytest.raises(ImageError):
        await client.create(prompt="a boat", image=fake, size="1280x720")
    assert gateway.requests == []


async def test_text_to_video_body_is_nested_with_string_seconds(
    client: SoraClient, gateway: FakeGateway, journal: Journal
) -> None:
    task = await client.create(prompt="Wide shot of a red kite at dusk", size="landscape", seconds=8)
    (post,) = gateway.posts
    assert params_of(post) == {
        "model": "sora_2_pro_t2v",
        "prompt": "Wide shot of a red kite at dusk",
        "size": "1280x720",
        "seconds": "8",
    }
    assert task.id == "task0001"
    assert task.status == "pending"
    (entry,) = journal.entries()
    assert entry.task_id == task.id
    assert entry.status == "pending"


@pytest.mark.parametrize("image_form", ["data_url", "base64"])
async def test_image_to_video_sends_the_local_image_in_the_chosen_form(
    make_client: Any, gateway: FakeGateway, image_form: str
) -> None:
    client = make_client(image_form=image_form)
    data = png(720, 1280)
    await client.create(prompt="The boat drifts right", image=data, size="720x1280")
    await client.aclose()
    params = params_of(gateway.posts[0])
    assert params["model"] == "sora_2_pro_i2v"
    reference = params["input_reference"]
    if image_form == "data_url":
        assert reference.startswith("data:image/png;base64,")
        reference = reference.split(",", 1)[1]
    decoded = base64.b64decode(reference)
    assert Image.open(io.BytesIO(decoded)).size == (720, 1280)


async def test_the_image_form_can_be_changed_on_a_client(make_client: Any, gateway: FakeGateway) -> None:
    client = make_client()
    client.image_form = "base64"
    assert client.image_form == "base64"
    await client.create(prompt="The boat drifts right", image=png(720, 1280), size="720x1280")
    with pytest.raises(InvalidRequestError, match="data_url"):
        client.image_form = "raw"
    await client.aclose()
    assert not params_of(gateway.posts[0])["input_reference"].startswith("data:")


async def test_url_image_and_remix_travel_as_given(client: SoraClient, gateway: FakeGateway) -> None:
    await client.create(prompt="The boat drifts", image="https://img.example/boat.png", size="1280x720")
    await client.create(VideoRequest("Same shot, at night"), remix_video_id="video_abc123")
    first, second = (params_of(p) for p in gateway.posts)
    assert first["input_reference"] == "https://img.example/boat.png"
    assert first["model"] == "sora_2_pro_i2v"
    assert second["remix_video_id"] == "video_abc123"
    assert second["model"] == "sora_2_pro_t2v"


async def test_connect_error_that_never_connected_is_resent(client: SoraClient, gateway: FakeGateway) -> None:
    gateway.create_faults = [raises(httpx.ConnectError("connection refused"))]
    task = await client.create(prompt="a kite")
    assert len(gateway.posts) == 2
    assert len(gateway.tasks) == 1
    assert task.id == "task0001"


async def test_429_is_resent_after_retry_after_and_holds_the_client(
    client: SoraClient, gateway: FakeGateway, fake_time: FakeTime
) -> None:
    gateway.create_faults = [status(429, {"message": "rate limit exceeded"}, {"Retry-After": "4"})]
    await client.create(prompt="a kite")
    (t429, _), (t_ok, _) = gateway.requests[:2]
    assert t_ok - t429 >= 4.0
    assert 4.0 in fake_time.sleeps
    assert len(gateway.tasks) == 1


async def test_429_storm_gives_up_as_a_refusal(
    client: SoraClient, gateway: FakeGateway, journal: Journal
) -> None:
    gateway.create_faults = [status(429, {"message": "slow down"}, {"Retry-After": "1"})] * 10
    with pytest.raises(RateLimitError):
        await client.create(prompt="a kite")
    assert len(gateway.posts) == 4  # CREATE_RETRY_ATTEMPTS
    assert gateway.tasks == {}
    (entry,) = journal.entries()
    assert entry.status == "refused"


@pytest.mark.parametrize(
    "fault_name",
    ["read_timeout_after_create", "reset_after_create", "500", "502_html", "garbled_200", "empty_object_200"],
)
async def test_a_lost_create_answer_is_never_resent(
    client: SoraClient, gateway: FakeGateway, journal: Journal, fault_name: str
) -> None:
    faults = {
        "read_timeout_after_create": gateway.lost_after_create(httpx.ReadTimeout("no answer")),
        "reset_after_create": gateway.lost_after_create(httpx.RemoteProtocolError("peer closed")),
        "500": gateway.created_then(httpx.Response(500, json={"message": "internal error"})),
        "502_html": status(502, b"<html>Bad Gateway</html>"),
        "garbled_200": gateway.created_then(httpx.Response(200, content=b'{"id": "task00')),
        "empty_object_200": gateway.created_then(httpx.Response(200, json={"status": "ok"})),
    }
    gateway.create_faults = [faults[fault_name]]
    with pytest.raises(UnknownOutcomeError) as info:
        await client.create(prompt="Wide shot of a kite")
    assert len(gateway.posts) == 1
    assert info.value.request is not None and info.value.request.prompt == "Wide shot of a kite"
    assert "not resent" in str(info.value)
    (entry,) = journal.entries()
    assert entry.status == "unknown_outcome"
    assert entry.id == info.value.journal_id
    assert entry.task_id is None
    # Nothing in the client will resend it later either.
    assert await client.resume() == []
    assert len(gateway.posts) == 1


async def test_http_refusals_are_journaled_as_refused(
    client: SoraClient, gateway: FakeGateway, journal: Journal
) -> None:
    gateway.create_faults = [status(401, {"message": "invalid key"})]
    with pytest.raises(AuthenticationError):
        await client.create(prompt="a kite")
    gateway.create_faults = [status(400, {"error": "Your request was blocked by our moderation system."})]
    with pytest.raises(ModerationBlocked) as info:
        await client.create(prompt="a kite")
    assert info.value.task_id == ""
    assert [e.status for e in journal.entries()] == ["refused", "refused"]


async def test_a_create_answer_with_an_error_and_no_id_is_a_creation_failure(
    client: SoraClient, gateway: FakeGateway, journal: Journal
) -> None:
    gateway.create_faults = [
        status(200, {"error": {"code": 2999099, "error_message": "could not create task"}}),
        status(200, {"error": "Inpaint image must match the requested width and height"}),
        status(200, {"error": {"code": "002999097", "message": "input image contains a human face"}}),
    ]
    with pytest.raises(GenerationFailed) as info:
        await client.create(prompt="a kite")
    assert not isinstance(info.value, ModerationBlocked)
    assert info.value.code == "2999099"
    assert info.value.meaning == "task creation error"
    assert "task creation error" in str(info.value)
    with pytest.raises(GenerationFailed, match="Inpaint image must match"):
        await client.create(prompt="a kite")
    with pytest.raises(ModerationBlocked) as blocked:
        await client.create(prompt="a kite")
    assert blocked.value.meaning == "HTTP error response"
    assert [e.status for e in journal.entries()] == ["refused"] * 3
    assert gateway.tasks == {}


async def test_a_create_answer_that_is_already_completed_needs_no_poll(
    client: SoraClient, gateway: FakeGateway
) -> None:
    gateway.polls_to_finish = 0
    video = await client.generate(prompt="a kite")
    assert gateway.polls == []
    assert video.path is not None and video.path.read_bytes() == MP4
    assert video.remix_id == "video_task0001"
    assert str(video.cost) == "1.200000"


async def test_nothing_is_sent_when_the_journal_cannot_record_it(
    client: SoraClient, gateway: FakeGateway, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal, "record_request", broken)
    with pytest.raises(SoraError, match="nothing was sent"):
        await client.create(prompt="a kite")
    assert gateway.requests == []


async def test_a_remix_without_a_size_keeps_the_size_of_its_source(
    client: SoraClient, gateway: FakeGateway
) -> None:
    gateway.polls_to_finish = 0
    source = await client.generate(prompt="a kite over the dunes", size="1280x720")
    assert source.size == "1280x720" and source.remix_id == "video_task0001"
    await client.create(prompt="the same kite at night", remix_video_id=source.remix_id)
    await client.create(prompt="by task id", remix_video_id=source.task_id)
    await client.create(prompt="an unknown source", remix_video_id="video_elsewhere")
    await client.create(prompt="asked for portrait", remix_video_id=source.remix_id, size="720x1280")
    sizes = [params_of(p)["size"] for p in gateway.posts]
    assert sizes == ["1280x720", "1280x720", "1280x720", "720x1280", "720x1280"]
