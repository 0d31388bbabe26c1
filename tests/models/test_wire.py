"""Every wire variant in the contract, both ways, plus property tests of the parser."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sora_widgets.models.request import VideoRequest
from sora_widgets.models.task import Phase
from sora_widgets.models.wire import (
    WireFormatError,
    create_body,
    error_body_message,
    parse_error,
    parse_task,
    read_create_body,
    task_payload,
)
from tests.strategies import json_values, task_like

VENDOR_COMPLETED = {
    "id": "d758n65e878c73cmdg20",
    "status": "completed",
    "model": "sora_2_pro_t2v",
    "created_at": 1763000000,
    "output": [
        {
            "content": [
                {"type": "video", "url": "https://cdn.example/v.mp4", "size": "5242880", "jobId": "video_68f"}
            ]
        }
    ],
    "usage": {"cost": "2.400000", "discount": 0, "quantity": 8, "unit_price": "0.300000"},
    "metadata": {"queued_s": 3},
}


def test_create_body_is_nested_with_string_values() -> None:
    body = create_body(VideoRequest("A kite", size="landscape", seconds=12, remix_video_id="video_1"))
    assert body == {
        "model": "sora_2_pro_t2v",
        "input": [
            {"params": {"prompt": "A kite", "size": "1280x720", "seconds": "12", "remix_video_id": "video_1"}}
        ],
    }
    assert json.loads(json.dumps(body)) == body


@pytest.mark.parametrize(
    "body",
    [
        {
            "model": "sora_2_pro_t2v",
            "input": [{"params": {"prompt": "p", "size": "720x1280", "seconds": "4"}}],
        },
        {"model": "sora_2_pro_t2v", "prompt": "p", "size": "720x1280", "seconds": "4"},
        {"model": "sora_2_pro_t2v", "input": {"params": {"prompt": "p", "size": "720x1280", "seconds": "4"}}},
        {"model": "sora_2_pro_t2v", "input": [{"prompt": "p", "size": "720x1280", "seconds": "4"}]},
    ],
)
def test_read_create_body_nested_or_flat(body: dict[str, Any]) -> None:
    assert read_create_body(body) == ("sora_2_pro_t2v", {"prompt": "p", "size": "720x1280", "seconds": "4"})


def test_read_create_body_refuses_non_objects() -> None:
    with pytest.raises(WireFormatError):
        read_create_body(["model"])


def test_vendor_completed_task() -> None:
    task = parse_task(VENDOR_COMPLETED)
    assert (task.id, task.status, task.phase, task.progress) == (
        "d758n65e878c73cmdg20",
        "completed",
        Phase.SUCCEEDED,
        None,
    )
    assert task.created_at == datetime.fromtimestamp(1763000000, tz=timezone.utc)
    assert task.video is not None
    assert (task.video.url, task.video.size_bytes, task.video.job_id) == (
        "https://cdn.example/v.mp4",
        5242880,
        "video_68f",
    )
    assert task.usage is not None
    assert (task.usage.cost, task.usage.discount, task.usage.quantity) == (Decimal("2.4"), 0.0, 8)
    assert task.usage.unit_price == Decimal("0.3")
    assert task.metadata == {"queued_s": 3}
    assert task.raw == VENDOR_COMPLETED


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        ({"code": "003000095", "error_message": "internal"}, "003000095", "internal"),
        ({"code": 3000095, "message": "numeric code"}, "3000095", "numeric code"),
        ({"error_code": "x1", "msg": "short"}, "x1", "short"),
        ("plain string error", None, "plain string error"),
        ({"code": "002999099"}, "002999099", "the service gave no message"),
    ],
)
def test_error_shapes(error: Any, code: str | None, message: str) -> None:
    task = parse_task({"id": "t", "status": "failed", "error": error})
    assert task.phase is Phase.FAILED
    assert task.error is not None and (task.error.code, task.error.message) == (code, message)


def test_error_without_status_means_failed_and_empty_error_means_none() -> None:
    assert parse_task({"id": "t", "error": "boom"}).status == "failed"
    assert parse_task({"id": "t", "status": "in_progress", "error": ""}).error is None
    assert parse_error({}) is None


@pytest.mark.parametrize(
    ("raw", "status", "phase"),
    [
        ("pending", "pending", Phase.RUNNING),
        ("queued", "pending", Phase.RUNNING),
        ("processing", "in_progress", Phase.RUNNING),
        ("IN_PROGRESS", "in_progress", Phase.RUNNING),
        ("succeeded", "completed", Phase.SUCCEEDED),
        ("done", "completed", Phase.SUCCEEDED),
        ("error", "failed", Phase.FAILED),
        ("cancelled", "failed", Phase.FAILED),
        ("expired", "failed", Phase.FAILED),
        ("upstream_throttled", "upstream_throttled", Phase.UNKNOWN),
        (None, "unknown", Phase.UNKNOWN),
    ],
)
def test_statuses(raw: str | None, status: str, phase: Phase) -> None:
    task = parse_task({"id": "t", "status": raw})
    assert (task.status, task.phase) == (status, phase)
    assert task.raw_status == (None if raw is None else raw)


@pytest.mark.parametrize(
    ("progress", "expected"),
    [(0.25, 0.25), ("0.5", 0.5), (40, 0.4), ("75%", 0.75), (1.0000001, 1.0), (250, 1.0), (-1, None),
     ("n/a", None), (True, None), (float("nan"), None)],
)  # fmt: skip
def test_progress_forms(progress: Any, expected: float | None) -> None:
    assert parse_task({"id": "t", "status": "in_progress", "progress": progress}).progress == expected


def test_wrapped_answers_fallback_ids_and_numeric_ids() -> None:
    assert parse_task({"data": {"id": "w", "status": "queued"}}).id == "w"
    assert parse_task({"status": "in_progress"}, fallback_id="asked").id == "asked"
    assert parse_task({"task_id": "alt"}).id == "alt"
    assert parse_task({"id": 12345, "status": "done"}).id == "12345"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"error": {"code": "002999099", "message": "could not create"}}, "refused to create"),
        ({"status": "ok"}, "no task id"),
        ([1, 2], "JSON object"),
        ({"id": ["x"], "status": "pending"}, "not a string"),
        ("text", "JSON object"),
    ],
)
def test_not_a_task(data: Any, match: str) -> None:
    with pytest.raises(WireFormatError, match=match):
        parse_task(data)


def test_created_at_in_milliseconds_and_junk() -> None:
    assert parse_task({"id": "t", "created_at": 1_763_000_000_000}).created_at == datetime.fromtimestamp(
        1_763_000_000, tz=timezone.utc
    )
    assert parse_task({"id": "t", "created_at": "yesterday"}).created_at is None


def test_output_variants() -> None:
    bare = parse_task(
        {"id": "t", "status": "completed", "output": {"content": {"url": "https://a/v.mp4", "size": 10}}}
    )
    assert bare.video is not None and bare.video.size_bytes == 10
    flat = parse_task(
        {"id": "t", "status": "completed", "output": [{"url": "https://a/v.mp4", "type": "video"}]}
    )
    assert flat.video is not None and flat.video.url == "https://a/v.mp4"
    none = parse_task({"id": "t", "status": "completed", "output": [{"content": [{"type": "video"}]}]})
    assert none.video is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"message": "invalid key"}, "invalid key"),
        ({"error": "rate limited"}, "rate limited"),
        ({"error": {"message": "nested"}}, "nested"),
        ({"status": {"code": 402, "message": "Insufficient credits", "error_code": 40201}, "data": None},
         "Insufficient credits"),
        ("  text body ", "text body"),
        ({"data": None}, None),
        (None, None),
    ],
)  # fmt: skip
def test_error_body_message(body: Any, message: str | None) -> None:
    assert error_body_message(body) == message


def test_task_payload_has_the_json_types_vendor_clients_decode() -> None:
    payload = task_payload(
        task_id="t1",
        model="sora_2_pro_t2v",
        status="completed",
        created_at=1763000000,
        video_url="https://cdn/v.mp4",
        video_size=1234,
        job_id="video_1",
        duration="8",
        cost=Decimal("2.4"),
        quantity=8,
        unit_price=Decimal("0.3"),
    )
    assert isinstance(payload["created_at"], int)
    content = payload["output"][0]["content"][0]
    assert content == {
        "type": "video",
        "url": "https://cdn/v.mp4",
        "size": "1234",
        "jobId": "video_1",
        "duration": "8",
    }
    assert payload["usage"] == {"cost": "2.400000", "discount": 0, "quantity": 8, "unit_price": "0.300000"}
    running = task_payload(task_id="t", model="m", status="in_progress", created_at=1, progress=1)
    assert isinstance(running["progress"], float)
    assert "progress" not in task_payload(
        task_id="t", model="m", status="completed", created_at=1, progress=0.5
    )


JSON = json_values(allow_nan=True)
TASKISH = task_like(JSON)


@settings(max_examples=150)
@given(st.one_of(JSON, TASKISH))
def test_parse_task_never_fails_except_with_wire_format_error(data: Any) -> None:
    try:
        task = parse_task(data)
    except WireFormatError:
        return
    assert isinstance(task.id, str) and task.id
    assert task.progress is None or 0.0 <= task.progress <= 1.0
    assert task.status == task.status.strip().lower() or task.phase is Phase.UNKNOWN
    if task.usage is not None and task.usage.cost is not None:
        assert task.usage.cost.is_finite()


@given(
    status=st.sampled_from(["pending", "in_progress", "completed", "failed"]),
    progress=st.one_of(st.none(), st.floats(min_value=0, max_value=1)),
    cost=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=6)),
    size=st.one_of(st.none(), st.integers(min_value=0, max_value=10**10)),
    code=st.sampled_from(["002999095", "003000099"]),
)
def test_task_payload_round_trips_through_parse_task(
    status: str, progress: float | None, cost: Decimal | None, size: int | None, code: str
) -> None:
    failed = status == "failed"
    payload = task_payload(
        task_id="rt",
        model="sora_2_pro_i2v",
        status=status,
        created_at=1763000000,
        progress=progress,
        video_url="https://cdn/v.mp4" if status == "completed" else None,
        video_size=size,
        cost=cost,
        error_code=code if failed else None,
        error_message="bad" if failed else None,
    )
    task = parse_task(json.loads(json.dumps(payload)))
    assert (task.id, task.status, task.model) == ("rt", status, "sora_2_pro_i2v")
    if status in ("pending", "in_progress") and progress is not None:
        assert task.progress == pytest.approx(progress)
    if status == "completed":
        assert task.video is not None and task.video.size_bytes == size
    if cost is not None:
        assert task.usage is not None and task.usage.cost == cost
    if failed:
        assert task.error is not None and task.error.code == code


# --- the pieces the client and the simulator share ----------------------------------------------


def test_request_params_are_the_create_params_the_simulator_reads() -> None:
    from sora_widgets.models.wire import param, request_params

    request = VideoRequest("A kite", size="portrait", seconds=8, remix_video_id="video_1")
    params = request_params(prompt="A kite", size="720x1280", seconds=8, remix_video_id="video_1")
    assert request.to_params() == params
    assert params == {"prompt": "A kite", "size": "720x1280", "seconds": "8", "remix_video_id": "video_1"}
    _, read = read_create_body(create_body(request))
    assert [param(read, name) for name in ("prompt", "size", "seconds", "remix_video_id")] == [
        "A kite",
        "720x1280",
        "8",
        "video_1",
    ]
    assert param(read, "input_reference") is None


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("standard", {"code": "003000095", "error_message": "boom"}),
        ("message", {"code": "003000095", "message": "boom"}),
        ("number", {"code": 3000095, "error_message": "boom"}),
        ("string", "boom (code 003000095)"),
    ],
)
def test_every_failed_task_error_shape_parses_back(shape: str, expected: Any) -> None:
    from sora_widgets.models.wire import failed_task_error

    error = failed_task_error("003000095", "boom", shape)
    assert error == expected
    parsed = parse_error(error)
    assert parsed is not None and parsed.message.startswith("boom")
    if shape != "string":
        assert parsed.code == "003000095".lstrip("0" if shape == "number" else "")


def test_refusal_bodies_read_as_what_they_are() -> None:
    from sora_widgets.models.wire import (
        MODERATION_MESSAGE,
        UPSTREAM_MESSAGES,
        creation_refused_body,
        moderation_refused_body,
    )

    with pytest.raises(WireFormatError, match=UPSTREAM_MESSAGES["099"]):
        parse_task(creation_refused_body("002999099"))
    assert error_body_message(moderation_refused_body()) == MODERATION_MESSAGE


def test_one_image_sniffer_for_the_client_and_the_simulator() -> None:
    from sora_widgets import media
    from sora_widgets.models import wire
    from sora_widgets.simulator import _validate

    assert media.sniff_mime is wire.sniff_mime is _validate.sniff_mime
    assert wire.sniff_mime(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert wire.sniff_mime(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert wire.sniff_mime(b"RIFF\x00\x00\x00\x00WAVE") is None
