"""The teaching demo runs as an app in Voila: code hidden, lesson and widgets live.

A teacher opens it with ``voila notebooks/teaching_demo.ipynb``; this starts exactly that (on
a loopback port, in a copy of notebooks/), opens it in Chromium, and checks that the videos
decode and that the prompt checker answers typing through the kernel.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import (
    ARTIFACTS,
    JupyterServer,
    server_env,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.browser

REPO_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK = "teaching_demo.ipynb"
# Two videos in "vague versus structured", three in "change one part at a time".
LESSON_VIDEOS = 5
VOILA_RENDER_TIMEOUT_MS = 180_000
# If the lesson's kernel is still busy this long after it started, it writes every thread's
# stack to kernel-stacks.txt (the test shows it on failure): a hang names its own cause.
STACK_DUMP_AFTER_S = 120
STACK_DUMP = f"""\
import faulthandler, pathlib
_sora_stacks = open(pathlib.Path.cwd() / "kernel-stacks.txt", "w")
faulthandler.dump_traceback_later({STACK_DUMP_AFTER_S}, file=_sora_stacks)
"""


def voila_command(root: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "voila",
        str(root / NOTEBOOK),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--token=",
    ]


@pytest.fixture
def voila(tmp_path: Path) -> Iterator[JupyterServer]:
    shutil.copytree(REPO_NOTEBOOKS, tmp_path / "root")
    env = server_env(tmp_path)
    (Path(env["IPYTHONDIR"]) / "profile_default" / "startup" / "01-stack-dump.py").write_text(STACK_DUMP)
    server = start_server("voila", tmp_path, command=voila_command, env=env, ready_path="/voila/")
    yield server
    stop_server(server)


def _kernel_stacks(voila: JupyterServer) -> str:
    try:
        return (voila.root / "kernel-stacks.txt").read_text() or "<kernel was not stuck long enough to dump>"
    except OSError:
        return "<no stack dump>"


def test_teaching_demo_runs_as_a_voila_app(voila: JupyterServer, page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(voila.url, timeout=VOILA_RENDER_TIMEOUT_MS)
        page.wait_for_function(
            "(n) => [...document.querySelectorAll('video')].filter((v) => v.readyState >= 2).length >= n",
            arg=LESSON_VIDEOS,
            timeout=VOILA_RENDER_TIMEOUT_MS,
        )
    except Exception as exc:
        loading = page.locator("#loading_text")
        shown = loading.inner_text() if loading.count() else ""
        raise AssertionError(
            f"the lesson did not render ({shown!r}).\nKernel stacks:\n{_kernel_stacks(voila)}\n"
            f"Voila log:\n{voila.log_tail(6000)}"
        ) from exc
    videos = page.locator("video")
    sizes = [
        videos.nth(i).evaluate("(v) => [v.readyState, v.videoWidth, v.videoHeight]")
        for i in range(LESSON_VIDEOS)
    ]
    assert all(state >= 2 and (w, h) == (1280, 720) for state, w, h in sizes), sizes

    # Every small player's caption stays inside its own column (ellipsis, full text on hover):
    # they were 700-840 px wide in 220 px columns and ran into each other.
    captions = page.evaluate(
        """() => [...document.querySelectorAll('.sw-player-caption:not([hidden])')].map((el) => {
             const c = el.getBoundingClientRect(), p = el.closest('.sw-player').getBoundingClientRect();
             return {left: c.left, right: c.right, top: c.top, bottom: c.bottom, title: el.title,
                     text: el.textContent, inside: c.left >= p.left - 1 && c.right <= p.right + 1};
           })"""
    )
    assert len(captions) == LESSON_VIDEOS and all(
        c["inside"] and c["title"] == c["text"] for c in captions
    ), captions
    assert not any(
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1
        for a in captions
        for b in captions
        if a is not b
    ), captions

    target = ARTIFACTS / "voila"
    target.mkdir(parents=True, exist_ok=True)
    page.locator(".widget-gridbox").nth(1).screenshot(path=str(target / "section-3-captions.png"))

    body = page.inner_text("body")
    assert "How to write a video prompt" in body
    assert "import sora_widgets" not in body, "Voila shows outputs only, never the code"
    assert "Traceback" not in body and "There was an error" not in body

    # The exercise checker is live: typing goes to the kernel and the report comes back.
    box = page.locator(".widget-textarea textarea")  # the checker: the only ipywidgets Textarea
    assert box.input_value() == "a dog on a beach"
    box.click()
    page.keyboard.press("Control+A")  # replaces the example text, typed with real keys
    box.press_sequentially("Wide shot of a dog running on a beach at golden hour, slow dolly-in")
    page.get_by_text("✓ camera").wait_for(timeout=30_000)
    assert page.get_by_text("✓ shot").count() == 1
    assert page.get_by_text("✓ lighting").count() == 1

    # The Studio's prompt box takes Enter as a new line from the real keyboard, here too.
    prompt = page.locator("textarea.sw-pb-text").last  # the Studio, at the end of the lesson
    prompt.click()
    prompt.press_sequentially("A red kite", delay=40)
    page.keyboard.press("Enter")
    prompt.press_sequentially("over the sea", delay=40)
    page.wait_for_timeout(800)
    assert prompt.input_value() == "A red kite\nover the sea"
    assert prompt.evaluate("(el) => el === document.activeElement")
    assert errors == []

    page.set_viewport_size({"width": 1280, "height": 2400})  # Voila scrolls inside a panel
    page.screenshot(path=str(target / "teaching-demo.png"), full_page=True)
