"""The simulator's model catalog over a real socket: envelope, paging, filters, specs, types, retirement,
and a real video for every example model (decoded with PyAV)."""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from sora_widgets.models.listing import MAX_PAGE_SIZE
from sora_widgets.simulator import Simulator
from sora_widgets.simulator.__main__ import build_parser
from sora_widgets.simulator._catalog import SimCatalog, expand_retired
from sora_widgets.simulator._geometry import MAX_RENDER_SHORT_SIDE, first_frame, render_geometry

from .conftest import KEY, LOOPBACK, png_bytes

MODELS = "/api/v1/skill/models"
EXAMPLES = ("kirin_v2_6_i2v", "kirin_v2_6_t2v", "spark_dance_v2_0", "viduq3_pro_start_end2video")


@pytest.fixture(scope="module")
def catalog_url(shared_sim: Simulator) -> Iterator[str]:
    with shared_sim.serve() as url:
        yield url


def envelope_data(response: httpx.Response) -> Any:
    """The ``data`` of a successful envelope, after checking the envelope's own types."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "status"}
    assert body["status"]["code"] == 0 and isinstance(body["status"]["message"], str)
    return body["data"]


def all_ids(url: str, **query: str) -> list[str]:
    data = envelope_data(LOOPBACK.get(url + MODELS, params={"page_size": str(MAX_PAGE_SIZE), **query}))
    return [m["id"] for m in data["models"]]


def test_list_has_the_documented_shape_and_types_without_auth(catalog_url: str) -> None:
    data = envelope_data(LOOPBACK.get(catalog_url + MODELS))  # no Authorization header: none needed
    assert set(data) == {"models", "total", "page", "page_size", "total_pages"}
    assert all(type(data[k]) is int for k in ("total", "page", "page_size", "total_pages"))
    assert (data["page"], data["page_size"]) == (1, 20)
    for model in data["models"]:
        assert set(model) == {"id", "name", "type", "description", "input_modalities", "output_modalities"}
        assert all(isinstance(model[k], str) and model[k] for k in ("id", "name", "type", "description"))
        assert model["input_modalities"] and all(isinstance(m, str) for m in model["input_modalities"])
        assert model["output_modalities"] == ["video"]
    ids = [m["id"] for m in data["models"]]
    assert set(EXAMPLES) <= set(ids)
    for model in data["models"]:
        if model["id"] in EXAMPLES:
            assert "Simulated example" in model["description"]


def test_pages_cover_the_list_once(catalog_url: str) -> None:
    everything = all_ids(catalog_url)
    pages, page = [], 1
    while True:
        data = envelope_data(LOOPBACK.get(catalog_url + MODELS, params={"page": page, "page_size": 2}))
        assert data["total"] == len(everything) and data["total_pages"] == -(-len(everything) // 2)
        if not data["models"]:
            break
        pages += [m["id"] for m in data["models"]]
        page += 1
    assert pages == everything and page == data["total_pages"] + 1


def test_page_size_is_bounded_and_bad_paging_is_an_envelope_error(catalog_url: str) -> None:
    data = envelope_data(LOOPBACK.get(catalog_url + MODELS, params={"page_size": 10_000}))
    assert data["page_size"] == MAX_PAGE_SIZE
    for query in ({"page": "0"}, {"page": "two"}, {"page_size": "-1"}):
        response = LOOPBACK.get(catalog_url + MODELS, params=query)
        body = response.json()
        assert response.status_code == 400 and body["data"] is None
        assert body["status"]["code"] == 400 and next(iter(query)) in body["status"]["message"]


def test_filters_by_type_and_keywords(catalog_url: str) -> None:
    assert set(all_ids(catalog_url, type="VIDEO")) == set(all_ids(catalog_url))
    empty = envelope_data(LOOPBACK.get(catalog_url + MODELS, params={"type": "image"}))
    assert (empty["models"], empty["total"], empty["total_pages"]) == ([], 0, 0)
    assert all_ids(catalog_url, keywords="KIRIN") == ["kirin_v2_6_i2v", "kirin_v2_6_t2v"]
    assert all_ids(catalog_url, keywords="kirin text") == ["kirin_v2_6_t2v"]
    assert all_ids(catalog_url, keywords="seedance-like") == ["spark_dance_v2_0"]


def test_spec_names_the_simulators_own_endpoint(catalog_url: str) -> None:
    for model_id in EXAMPLES:
        spec = envelope_data(LOOPBACK.get(f"{catalog_url}{MODELS}/{model_id}/spec"))
        assert spec["model_id"] == model_id and spec["type"] == "video"
        assert spec["api"]["endpoint"].startswith(catalog_url + "/model/") and spec["api"]["method"] == "POST"
        assert isinstance(spec["agent_prompt"], str) and model_id in spec["agent_prompt"]
        assert all({"name", "type"} <= set(p) for p in spec["parameters"])


def test_unknown_spec_is_the_envelopes_not_found(catalog_url: str) -> None:
    response = LOOPBACK.get(f"{catalog_url}{MODELS}/sora_9_ultra/spec")
    body = response.json()
    assert response.status_code == 404 and body["data"] is None
    # The vendor CLI reads "status 404" as "model not found" (internal/models/service.go).
    assert body["status"] == {"code": 404, "message": "Model not found: sora_9_ultra"}


def _spec(url: str, model_id: str) -> dict[str, Any]:
    data: dict[str, Any] = envelope_data(LOOPBACK.get(f"{url}{MODELS}/{model_id}/spec"))
    return data


def run_model(url: str, model_id: str, params: dict[str, Any], tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """Create at the spec's endpoint, poll at ``{endpoint}/task/{id}``, download the video."""
    endpoint = _spec(url, model_id)["api"]["endpoint"]
    auth = {"Authorization": f"Bearer {KEY}"}
    created = LOOPBACK.post(endpoint, json={"model": model_id, "input": [{"params": params}]}, headers=auth)
    assert created.status_code == 200, created.text
    task_id, end = created.json()["id"], time.monotonic() + 90
    while True:
        task = LOOPBACK.get(f"{endpoint}/task/{task_id}", headers=auth).json()
        if task["status"] in ("completed", "failed") or time.monotonic() > end:
            break
        time.sleep(0.05)
    assert task["status"] == "completed", task
    video = tmp_path / f"{model_id}.mp4"
    video.write_bytes(LOOPBACK.get(task["output"][0]["content"][0]["url"]).content)
    return task, video


def probe(path: Path) -> tuple[int, int, float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return stream.codec_context.width, stream.codec_context.height, frames / float(stream.average_rate)


def data_url(width: int, height: int) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(width, height)).decode()


@pytest.mark.parametrize(
    ("model_id", "params", "size", "seconds"),
    [
        (
            "kirin_v2_6_t2v",
            {"prompt": "A red kite at dusk", "aspect_ratio": "1:1", "duration": 5, "sound": True},
            (720, 720),
            5,
        ),
        (
            "viduq3_pro_start_end2video",
            {
                "images": [data_url(300, 200), data_url(300, 200)],
                "aspect_ratio": "1:1",
                "duration": 2,
                "resolution": "540p",
                "seed": 7,
            },
            (540, 540),
            2,
        ),
        (
            "spark_dance_v2_0",
            {
                "content": [{"type": "text", "text": "A paper boat in the rain"}],
                "ratio": "21:9",
                "resolution": "480p",
                "duration": 4,
            },
            (1120, 480),
            4,
        ),
    ],
)
def test_each_example_model_renders_its_length_and_shape(
    catalog_url: str,
    tmp_path: Path,
    model_id: str,
    params: dict[str, Any],
    size: tuple[int, int],
    seconds: int,
) -> None:
    task, video = run_model(catalog_url, model_id, params, tmp_path)
    width, height, length = probe(video)
    assert (width, height) == size and abs(length - seconds) < 0.1
    assert task["model"] == model_id and task["output"][0]["content"][0]["duration"] == str(seconds)
    assert isinstance(task["usage"]["cost"], str) and isinstance(task["usage"]["quantity"], int)
    assert float(task["usage"]["cost"]) > 0


def solid_png(rgb: tuple[int, int, int]) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (320, 200), rgb).save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def test_a_first_frame_image_opens_the_video_whatever_the_model_calls_it(
    catalog_url: str, tmp_path: Path
) -> None:
    red, blue = solid_png((220, 30, 30)), solid_png((30, 30, 220))
    params = {"images": [red, blue], "aspect_ratio": "1:1", "duration": 1, "resolution": "540p"}
    _, video = run_model(catalog_url, "viduq3_pro_start_end2video", params, tmp_path)
    with av.open(str(video)) as container:
        first = next(container.decode(video=0)).to_ndarray(format="rgb24")
    r, g, b = (float(first[..., i].mean()) for i in range(3))
    assert r > 150 and g < 90 and b < 90, (r, g, b)  # the red first frame, fitted to 540x540


def test_the_vidu_example_is_served_at_its_own_endpoint(catalog_url: str) -> None:
    assert _spec(catalog_url, "viduq3_pro_start_end2video")["api"]["endpoint"].endswith(
        "/model/v2/generation"
    )


# --- retirement -------------------------------------------------------------------------------


def test_a_retired_model_leaves_the_list_and_answers_not_found(tmp_path: Path) -> None:
    sim = Simulator(speed="instant", state_dir=tmp_path, retired=["sora"])
    try:
        with sim.serve() as url:
            listed = all_ids(url)
            spec = LOOPBACK.get(f"{url}{MODELS}/sora_2_pro_t2v/spec").json()
            body = {"model": "sora_2_pro_t2v", "input": [{"params": {"prompt": "x", "seconds": "4"}}]}
            create = LOOPBACK.post(
                url + "/model/v1/generation", json=body, headers={"Authorization": f"Bearer {KEY}"}
            )
            sim.restore("sora_2_pro_t2v")
            back = all_ids(url)
            sim.retire("kirin_v2_6_t2v")
            gone = all_ids(url)
    finally:
        sim.close()
    assert "sora_2_pro_t2v" not in listed and "sora_2_pro_i2v" not in listed and "kirin_v2_6_t2v" in listed
    assert spec["status"] == {"code": 404, "message": "Model not found: sora_2_pro_t2v"}
    assert create.status_code == 404 and create.json() == {"message": "Model not found: sora_2_pro_t2v"}
    assert sim.ledger.created(KEY) == 0
    assert "sora_2_pro_t2v" in back and "sora_2_pro_i2v" not in back and "kirin_v2_6_t2v" not in gone


def test_retire_presets_flag_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert expand_retired(["sora", "kirin_v2_6_t2v,  viduq3_pro_start_end2video"]) == {
        "sora_2_pro_t2v",
        "sora_2_pro_i2v",
        "kirin_v2_6_t2v",
        "viduq3_pro_start_end2video",
    }
    assert build_parser().parse_args(["--retire", "sora", "--retire", "x"]).retire == ["sora", "x"]
    monkeypatch.setenv("SORA_WIDGETS_SIM_RETIRE", "sora,kirin_v2_6_t2v")
    assert build_parser().parse_args([]).retire == ["sora", "kirin_v2_6_t2v"]
    assert SimCatalog(retired=["SORA"]).retired == {"sora_2_pro_t2v", "sora_2_pro_i2v"}


# --- geometry (pure) --------------------------------------------------------------------------


@given(
    wide=st.integers(1, 30),
    tall=st.integers(1, 30),
    resolution=st.sampled_from(["480p", "540p", "720p", "1080p", "", "huge"]),
    duration=st.one_of(st.integers(-5, 500), st.text(max_size=4), st.none()),
)
def test_geometry_follows_the_shape_and_stays_bounded(
    wide: int, tall: int, resolution: str, duration: Any
) -> None:
    params: dict[str, Any] = {"aspect_ratio": f"{wide}:{tall}", "resolution": resolution}
    if duration is not None:
        params["duration"] = duration
    size, seconds = render_geometry(params, {})
    width, height = (int(n) for n in size.split("x"))
    assert width % 2 == 0 and height % 2 == 0 and min(width, height) <= MAX_RENDER_SHORT_SIDE
    assert 1 <= seconds <= 60
    if max(wide, tall) <= 8 * min(wide, tall):
        assert abs(width / height - wide / tall) < 0.02 * max(1.0, wide / tall)
    else:  # an absurd shape falls back to 16:9
        assert size == "1280x720" or resolution in ("480p", "540p")


def test_geometry_reads_each_models_names() -> None:
    assert render_geometry({"size": "1280x720", "seconds": "8"}, {}) == ("1280x720", 8)
    assert render_geometry({"ratio": "4:3"}, {"duration": 6, "resolution": "720p"}) == ("960x720", 6)
    assert render_geometry({"frames": 121, "duration": 10}, {}) == ("1280x720", 5)
    assert (
        first_frame({"images": ["a", "b"]}, "images") == "a"
        and first_frame({"image_tail": "z"}, None) is None
    )
    content = [
        {"type": "image_url", "role": "last_frame", "image_url": {"url": "L"}},
        {"type": "image_url", "image_url": {"url": "F"}},
    ]
    assert first_frame({"content": content}, None) == "F"


# --- validation: the client's own validator, on the server side ------------------------------


@pytest.mark.parametrize(
    ("model_id", "params", "needle"),
    [
        ("kirin_v2_6_t2v", {"prompt": "x", "duration": 7}, "duration"),
        ("kirin_v2_6_t2v", {"prompt": "x", "duraton": 5}, "did you mean 'duration'"),
        ("kirin_v2_6_t2v", {"prompt": "x", "camera_control": {"config": {"zoom": 1}}}, "camera_control.type"),
        (
            "kirin_v2_6_t2v",
            {"prompt": "x", "camera_control": {"type": "simple", "config": {"zoom": 11}}},
            "zoom",
        ),
        ("kirin_v2_6_t2v", {"prompt": "x", "sound": "loud"}, "sound"),
        ("kirin_v2_6_t2v", {"negative_prompt": "rain"}, "prompt"),
        ("kirin_v2_6_i2v", {"prompt": "x"}, "image"),
        ("viduq3_pro_start_end2video", {"images": "not a list"}, "images"),
        ("viduq3_pro_start_end2video", {"images": ["a", "b", "c"]}, "images"),
        ("viduq3_pro_start_end2video", {"images": ["a"], "seed": 1.5}, "seed"),
        ("spark_dance_v2_0", {"content": [{"type": "text", "text": "x"}], "ratio": "2:1"}, "ratio"),
        ("sora_2_pro_t2v", {"prompt": "x", "seconds": "5"}, "seconds"),
    ],
)
def test_creates_are_checked_against_the_models_spec(
    api: httpx.Client, model_id: str, params: dict[str, Any], needle: str
) -> None:
    response = api.post("/model/v1/generation", json={"model": model_id, "input": [{"params": params}]})
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert needle in message and model_id in message


def test_specs_decode_into_the_vendor_cli_structs(catalog_url: str) -> None:
    """The types the vendor CLI's ModelSpec/ModelParam/ParamConstraints structs decode
    (github.com/VtrixAI/vtrix-cli internal/models/client.go): one wrong type fails the whole spec."""

    def check(param: dict[str, Any]) -> None:
        for key in ("name", "path", "type", "description"):
            assert isinstance(param.get(key, ""), str), (param["name"], key)
        assert isinstance(param.get("required", False), bool)
        c = param.get("constraints", {})
        assert all(isinstance(e, str) for e in c.get("enum", [])), param["name"]
        assert all(
            isinstance(c.get(k, 0.0), int | float) and not isinstance(c.get(k), bool) for k in ("min", "max")
        )
        assert all(type(c.get(k, 0)) is int for k in ("min_length", "max_length", "max_items"))
        for child in param.get("children", []):
            check(child)

    for model_id in all_ids(catalog_url):
        spec = _spec(catalog_url, model_id)
        assert all(isinstance(spec[k], str) for k in ("model_id", "name", "vendor", "type", "agent_prompt"))
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in spec["api"]["headers"].items())
        for param in spec["parameters"]:
            check(param)
