"""``sora-widgets models`` and ``generate --model ID --param KEY=VALUE``, run as the installed
console script against a real simulator server on loopback (its catalog and example models)."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import CLI
from .test_cli import mp4_size


def test_models_lists_the_catalog(cli: CLI, server: tuple[object, str]) -> None:
    _, base_url = server
    listed = cli("models", "--base-url", base_url)
    assert listed.code == 0, listed.err
    ids = [line.split()[0] for line in listed.out.splitlines()]
    assert ids[:2] == ["sora_2_pro_t2v", "sora_2_pro_i2v"] and "kirin_v2_6_t2v" in ids
    as_json = json.loads(cli("models", "--base-url", base_url, "--json").out)
    assert [m["id"] for m in as_json] == ids and as_json[0]["type"] == "video"


def test_models_spec_shows_parameters_and_nested_names(cli: CLI, server: tuple[object, str]) -> None:
    _, base_url = server
    shown = cli("models", "spec", "kirin_v2_6_t2v", "--base-url", base_url)
    assert shown.code == 0, shown.err
    assert "camera_control.type" in shown.out and "one of 5, 10" in shown.out
    wire = json.loads(cli("models", "spec", "sora_2_pro_t2v", "--base-url", base_url, "--json").out)
    assert wire["model_id"] == "sora_2_pro_t2v" and wire["parameters"][2]["constraints"]["enum"] == [
        "4",
        "8",
        "12",
    ]
    missing = cli("models", "spec", "kirin_v9_t2v", "--base-url", base_url)
    assert missing.code != 0 and "kirin_v2_6_t2v" in missing.err  # the closest models are named


def test_generate_any_model_with_params(cli: CLI, server: tuple[object, str]) -> None:
    _, base_url = server
    result = cli("generate", "A fox runs through fresh snow at dawn", "--model", "kirin_v2_6_t2v",
                 "--param", "duration=10", "--param", "aspect_ratio=9:16", "--param", "sound=true",
                 "--param", "camera_control.type=simple", "--base-url", base_url, "--json", "-q")  # fmt: skip
    assert result.code == 0, result.err
    assert "estimated unknown" in result.err  # no price for this model: never "$0"
    video = result.json_lines()[0]
    assert (video["model"], video["seconds"], video["size"]) == ("kirin_v2_6_t2v", 10, "720x1280")
    width, height, seconds = mp4_size(Path(video["path"]))
    assert (width, height) == (720, 1280) and 9.5 <= seconds <= 10.5
    entry = cli("history", "--json").json_lines()[0]
    assert entry["request"]["params"]["duration"] == 10 and entry["request"]["params"]["sound"] is True


def test_generate_refuses_a_misspelt_param_before_sending(cli: CLI, server: tuple[object, str]) -> None:
    _, base_url = server
    result = cli(
        "generate", "A fox", "--model", "kirin_v2_6_t2v", "--param", "durration=5", "--base-url", base_url
    )
    assert result.code == 2 and "did you mean 'duration'" in result.err
    bad = cli("generate", "A fox", "--model", "kirin_v2_6_t2v", "--param", "duration", "--base-url", base_url)
    assert bad.code == 2 and "KEY=VALUE" in bad.err
    assert cli("history", "--json").json_lines() == []
