"""The Prompt Lab's model axis: the same prompt on several catalog models, each request built from
its own spec (checked before anything is sent), priced or "unknown", run side by side.

Specs are the simulator's own examples (the wire data its catalog serves); the run goes through
a real client against the in-process simulator, which validates every create against the same specs.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from sora_widgets.client import SoraClient
from sora_widgets.errors import InvalidRequestError
from sora_widgets.lab import Lab
from sora_widgets.lab._sweep import expand_models, length_for, shape_for
from sora_widgets.models.prices import DEFAULT_PRICES
from sora_widgets.models.specs import ModelSpec
from sora_widgets.simulator import Simulator
from sora_widgets.simulator._catalog import bundled_entries

SPECS = {entry.id: entry.spec for entry in bundled_entries()}
THREE = ["sora_2_pro_t2v", "kirin_v2_6_t2v", "spark_dance_v2_0"]
ENDPOINTS = dict.fromkeys(SPECS, "/model/v1/generation")


def sweep(
    models: list[str], *, sizes: list[str], seconds: list[int]
) -> tuple[list[dict[str, str]], list[str]]:
    variants, notes = expand_models(
        [("A heron lifts off a misty lake", {})],
        models,
        SPECS,
        sizes=sizes,
        seconds=seconds,
        endpoints=ENDPOINTS,
    )
    return [v.values for v in variants], notes


def test_each_model_gets_the_sweep_in_its_own_parameters() -> None:
    variants, notes = expand_models(
        [("A heron lifts off a misty lake", {})],
        THREE,
        SPECS,
        sizes=["720x1280"],
        seconds=[4],
        endpoints=ENDPOINTS,
    )
    sora, kirin, dance = (v.request for v in variants)
    assert (sora.model, sora.size, sora.seconds, sora.is_catalog) == ("sora_2_pro_t2v", "720x1280", 4, False)
    assert kirin.params is not None and dance.params is not None
    # Kling-like: the aspect ratio of the same shape, the nearest length it offers (said so)
    assert (kirin.params["aspect_ratio"], kirin.params["duration"], kirin.params["prompt"]) == (
        "9:16",
        5,
        "A heron lifts off a misty lake",
    )
    assert notes == ["kirin_v2_6_t2v makes 5 s, not 4 s (it offers 5, 10)"]
    # Seedance-like: the prompt rides in one typed text item; 4 s is in its range
    assert dance.params["content"] == [{"type": "text", "text": "A heron lifts off a misty lake"}]
    assert (dance.params["ratio"], dance.params["duration"], dance.prompt) == (
        "9:16",
        4,
        "A heron lifts off a misty lake",
    )
    assert [v.values["model"] for v in variants] == THREE


def test_shapes_and_lengths_translate_by_orientation_and_nearness() -> None:
    kirin = SPECS["kirin_v2_6_t2v"]
    assert shape_for(kirin, "1280x720") == ("16:9", "")
    assert length_for(kirin, 12) == (10, "kirin_v2_6_t2v makes 10 s, not 12 s (it offers 5, 10)")
    assert length_for(kirin, 10) == (10, "")
    dance = SPECS["spark_dance_v2_0"]
    assert shape_for(dance, "720x1280") == ("9:16", "")  # never "adaptive", which names no shape
    assert length_for(dance, 20)[0] == 15 and "4 to 15" in length_for(dance, 20)[1]
    bare = ModelSpec.from_wire({"model_id": "bare_v1", "parameters": [{"name": "prompt", "type": "string"}]})
    assert shape_for(bare, "720x1280") == (
        None,
        "bare_v1 takes no size or aspect ratio: it makes its own shape",
    )
    assert length_for(bare, 4) == (None, "bare_v1 takes no length: it makes its own")


def test_two_sweep_lengths_that_become_one_model_length_make_one_video() -> None:
    values, _ = sweep(["kirin_v2_6_t2v", "sora_2_pro_t2v"], sizes=["720x1280"], seconds=[4, 8])
    # Kirin: 4 -> 5 and 8 -> 10, two videos; Sora: 4 and 8
    assert [(v["model"], v["seconds"]) for v in values] == [
        ("kirin_v2_6_t2v", "5"),
        ("kirin_v2_6_t2v", "10"),
        ("sora_2_pro_t2v", "4"),
        ("sora_2_pro_t2v", "8"),
    ]
    values, _ = sweep(["kirin_v2_6_t2v"], sizes=["720x1280"], seconds=[8, 12])
    assert [v["seconds"] for v in values] == ["10"]  # both are 10 s for it: made once


def test_a_model_the_sweep_cannot_serve_is_refused_by_name() -> None:
    with pytest.raises(InvalidRequestError, match=r"viduq3_pro_start_end2video in the model sweep: .*images"):
        sweep(["viduq3_pro_start_end2video"], sizes=["720x1280"], seconds=[4])
    with pytest.raises(InvalidRequestError, match=r"sora_2_pro_i2v in the model sweep: .*reference image"):
        sweep(["sora_2_pro_i2v"], sizes=["720x1280"], seconds=[4])
    with pytest.raises(InvalidRequestError, match="reading the specs of kirin_v2_6_t2v"):
        expand_models([("x", {})], ["kirin_v2_6_t2v"], {}, sizes=["720x1280"], seconds=[4], endpoints={})
    no_prompt = ModelSpec.from_wire(
        {"model_id": "frames_v1", "parameters": [{"name": "fps", "type": "integer"}]}
    )
    with pytest.raises(InvalidRequestError, match="frames_v1 takes no prompt"):
        expand_models(
            [("x", {})],
            ["frames_v1"],
            {"frames_v1": no_prompt},
            sizes=["720x1280"],
            seconds=[4],
            endpoints={"frames_v1": "/"},
        )


@pytest.fixture
def priced_kirin() -> Iterator[None]:
    DEFAULT_PRICES.set("kirin_v2_6_t2v", per_second=Decimal("0.07"))
    yield
    DEFAULT_PRICES.forget("kirin_v2_6_t2v")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[SoraClient]:
    c = SoraClient(
        connect=Simulator(speed="instant", state_dir=tmp_path / "sim"), journal=False, download_dir=tmp_path
    )
    yield c
    c.close()


async def test_prices_are_each_models_own_or_unknown_and_a_budget_needs_them(client: SoraClient) -> None:
    lab = Lab(client, prompts=["A heron lifts off a misty lake"], models=THREE)
    assert lab.plan()["ok"] is False and "reading the specs" in lab.summary["error"]  # nothing read yet
    await lab.load_models()
    assert lab.summary["ok"] and lab.summary["total_cost"] == "$1.20 + 2 unknown"  # never $0
    assert lab.summary["notes"] == ["kirin_v2_6_t2v makes 5 s, not 4 s (it offers 5, 10)"]
    assert [j.row()["estimated_cost"] for j in lab.jobs] == [Decimal("1.20"), None, None]
    lab.budget = 5
    assert lab.plan()["ok"] is False
    assert "kirin_v2_6_t2v has no known price, so a budget cannot be kept" in lab.summary["error"]


async def test_a_priced_model_counts_toward_the_budget(client: SoraClient, priced_kirin: None) -> None:
    lab = Lab(client, prompts=["A heron lifts off a misty lake"], models=THREE[:2], budget=2)
    await lab.load_models()
    assert (lab.summary["total_cost"], lab.summary["runnable"]) == ("$1.55", 2)  # $1.20 + 5 s x $0.07


async def test_three_models_run_side_by_side_and_are_compared(client: SoraClient) -> None:
    lab = Lab(client, prompts=["A heron lifts off a misty lake"], models=THREE)
    jobs = await lab.run()  # reads the specs first
    assert [j.status for j in jobs] == ["completed"] * 3, [j.error for j in jobs]
    videos = [j.video for j in jobs]
    assert [(v.model, v.size, v.seconds) for v in videos if v] == [
        ("sora_2_pro_t2v", "720x1280", 4),
        ("kirin_v2_6_t2v", "720x1280", 5),
        ("spark_dance_v2_0", "720x1280", 4),
    ]
    assert all(v is not None and v.path is not None and v.path.read_bytes()[4:8] == b"ftyp" for v in videos)
    assert lab.compare_indexes == [0, 1, 2]
    assert [caption for _, caption in lab.compared()] == [
        "model: sora_2_pro_t2v · seconds: 4",
        "model: kirin_v2_6_t2v · seconds: 5",
        "model: spark_dance_v2_0 · seconds: 4",
    ]
    assert all(j.started_at is not None and j.finished_at is not None for j in jobs)
    assert lab.committed == Decimal("1.20")  # only the known price is counted
    with pytest.raises(InvalidRequestError, match="kirin_v2_6_t2v, which takes no remix"):
        await lab.remix(1)
