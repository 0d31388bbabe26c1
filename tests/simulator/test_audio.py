"""The simulator's opt-in sound: a quiet AAC track with a slate tone at the start of each video."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict
from pathlib import Path

import av
import httpx
import numpy as np

from sora_widgets.simulator import FaultPlan, Simulator
from sora_widgets.simulator.render import AUDIO_RATE, RenderSpec, render_video, seed_of

from .conftest import CREATE, body, poll_until


def streams(data: bytes) -> dict[str, object]:
    with av.open(io.BytesIO(data)) as container:
        video, audio = container.streams.video, container.streams.audio
        out: dict[str, object] = {"video": len(video), "audio": len(audio)}
        if container.streams.audio:
            stream = container.streams.audio[0]
            out["codec"] = stream.codec_context.name
            out["rate"] = stream.codec_context.sample_rate
            samples = np.concatenate([f.to_ndarray().mean(axis=0) for f in container.decode(stream)])
            out["samples"] = samples
    return out


def fetch(api: httpx.Client, prompt: str, **extra: str) -> tuple[dict[str, object], dict[str, object]]:
    done = poll_until(api, api.post(CREATE, json=body(prompt, **extra)).json()["id"])
    assert done["status"] == "completed", done
    return done, streams(httpx.get(done["output"][0]["content"][0]["url"]).content)


def test_videos_are_silent_unless_sound_is_asked_for(api: httpx.Client) -> None:
    _, silent = fetch(api, "a lighthouse at dusk, silent")
    assert silent == {"video": 1, "audio": 0}


def test_the_audio_word_adds_a_quiet_track_as_long_as_the_picture(api: httpx.Client) -> None:
    done, found = fetch(api, "a lighthouse at dusk [sim:audio]")
    assert (found["video"], found["audio"], found["codec"], found["rate"]) == (1, 1, "aac", AUDIO_RATE)
    samples = found["samples"]
    assert isinstance(samples, np.ndarray)
    # 4 s of sound; AAC pads the last 1024-sample frame.
    assert 4 * AUDIO_RATE <= len(samples) < 4 * AUDIO_RATE + 1024
    slate = samples[: AUDIO_RATE // 50]  # the first 20 ms: the slate tone
    hum = samples[AUDIO_RATE : 2 * AUDIO_RATE]
    assert np.sqrt((slate**2).mean()) > 0.2
    assert 0.005 < np.sqrt((hum**2).mean()) < 0.05  # quiet, but there
    assert "[sim:audio]" not in json.dumps(done["output"])


def test_a_remix_of_a_video_with_sound_has_sound(api: httpx.Client) -> None:
    source, _ = fetch(api, "a fox in the snow [sim:audio]")
    job = source["output"][0]["content"][0]["jobId"]
    _, remix = fetch(api, "the same fox at night", remix_video_id=job)
    assert remix["audio"] == 1


def test_an_instance_wide_plan_gives_every_video_sound(tmp_path: Path) -> None:
    sim = Simulator(speed="instant", state_dir=tmp_path / "sim", faults=FaultPlan(audio=True))
    try:
        with (
            sim.serve() as url,
            httpx.Client(base_url=url, headers={"Authorization": "Bearer k"}, timeout=30) as api,
        ):
            _, found = fetch(api, "a paper boat")
        assert found["audio"] == 1
    finally:
        sim.close()
    assert FaultPlan.from_prompt("a boat [sim:audio]").audio
    assert not FaultPlan.from_prompt("a boat").audio


def test_silent_specs_keep_the_file_names_they_had_before_sound_existed(tmp_path: Path) -> None:
    spec = RenderSpec(width=720, height=1280, seconds=4, prompt="a kite", seed=seed_of("a kite"))
    fields = asdict(spec)
    del fields["audio"]  # the key as it was computed before the field existed
    before = hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()[:32]
    assert spec.key() == before
    loud = RenderSpec(**{**asdict(spec), "audio": True})
    assert loud.key() != spec.key()
    assert RenderSpec.from_dict(fields) == spec  # task records written before keep loading
    render_video(loud, tmp_path / "loud.mp4")
    with av.open(str(tmp_path / "loud.mp4")) as container:
        assert sum(1 for _ in container.decode(container.streams.video[0])) == 120
