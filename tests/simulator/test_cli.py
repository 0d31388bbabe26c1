"""``python -m sora_widgets.simulator`` as a user runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from .conftest import CREATE, KEY, body, poll_until


def test_cli_prints_its_url_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sora_widgets.simulator",
            "--port",
            "0",
            "--speed",
            "instant",
            "--state-dir",
            str(tmp_path),
            "--faults",
            "[sim:poll=503]",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}) as api:
            task_id = api.post(CREATE, json=body("from the command line")).json()["id"]
            assert api.get(f"/model/v1/generation/task/{task_id}").status_code == 503  # --faults applied
            assert poll_until(api, task_id)["status"] == "completed"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    assert (tmp_path / "tasks" / f"{task_id}.json").exists()


def test_cli_rejects_bad_faults() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sora_widgets.simulator", "--faults", "[sim:explode]"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "explode" in result.stderr
