"""Interrupting ``generate_sync`` in a real kernel: two lines naming the task that goes on, and
the cell shows a progress bar while it blocks."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

jupyter_client = pytest.importorskip("jupyter_client.manager")

SETUP = """\
import sora_widgets as sw
from sora_widgets.simulator import Simulator
client = sw.SoraClient(connect=Simulator(speed="demo", state_dir={state!r}))
"""
# The bar's status text, once the task exists: " in_progress <task id> [00:01]".
TASK_IN_BAR = re.compile(r"(?:pending|queued|in_progress) (\S+) \[")


def _bar_texts(msg: dict[str, Any]) -> list[str]:
    """The text a tqdm notebook bar shows, from a comm update or a display message."""
    content = msg.get("content", {})
    texts = [str(v) for v in content.get("data", {}).get("state", {}).values() if isinstance(v, str)]
    plain = content.get("data", {}).get("text/plain")
    shown = [*texts, plain] if isinstance(plain, str) else texts
    return [text.replace("\u2007", " ") for text in shown]  # the widget bar pads with figure spaces


def test_interrupting_generate_sync_says_which_task_goes_on_and_how_to_pick_it_up(tmp_path: Path) -> None:
    km, kc = jupyter_client.start_new_kernel(
        kernel_name="python3",
        cwd=str(tmp_path),
        env={**os.environ, "SORA_WIDGETS_HOME": str(tmp_path / "home")},
    )
    try:
        reply = kc.execute_interactive(SETUP.format(state=str(tmp_path / "sim")), timeout=120)
        assert reply["content"]["status"] == "ok", reply
        msg_id = kc.execute("video = client.generate_sync(prompt='A slow kite over a grey sea')")
        task_id, deadline = None, time.monotonic() + 120
        while task_id is None and time.monotonic() < deadline:
            msg = kc.get_iopub_msg(timeout=120)
            for text in _bar_texts(msg):
                found = TASK_IN_BAR.search(text)
                task_id = found.group(1) if found else task_id
        assert task_id, "the cell showed no progress naming the task"
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=120)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=120)
        content = reply["content"]
        assert content["status"] == "error" and content["ename"] == "StoppedWaiting"
        assert content["traceback"] == [
            f"Stopped waiting. Task {task_id} goes on at the service (it is not cancelled).",
            f"Pick it up with client.wait_sync({task_id!r}), client.resume_sync(), or client.history.",
        ]
        # What the two lines say works: the same task finishes, nothing new is created.
        out: list[str] = []
        reply = kc.execute_interactive(
            f"v = client.wait_sync({task_id!r}, progress=False)\n"
            "print(v.task_id, v.path.is_file(), client.simulator.ledger.total_created)",
            timeout=120,
            output_hook=lambda m: out.append(m["content"].get("text", "")),
        )
        assert reply["content"]["status"] == "ok", reply
        assert "".join(out).split() == [task_id, "True", "1"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
