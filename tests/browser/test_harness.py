"""The browser harness itself works: a tiny anywidget syncs both ways and a real H.264 MP4 plays.

If these fail, every other browser test would fail for reasons unrelated to its widget, so they
check the machinery (server, kernel, anywidget front end, Chromium's H.264 decoder) in isolation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import JupyterServer, LabPages, NotebookPage, write_test_mp4

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 240

# A minimal anywidget: text bound to a trait, a button that changes it from the browser, and
# a <video> fed from bytes (the way the project's players receive video: no URL, no server).
SMOKE_WIDGET = '''
import pathlib
import anywidget
import traitlets

class Smoke(anywidget.AnyWidget):
    _esm = """
    function render({ model, el }) {
      const text = document.createElement("p");
      text.className = "smoke-text";
      const update = () => { text.textContent = `count is ${model.get("count")}`; };
      model.on("change:count", update);
      update();
      const button = document.createElement("button");
      button.className = "smoke-button";
      button.textContent = "add one";
      button.addEventListener("click", () => {
        model.set("count", model.get("count") + 1);
        model.save_changes();
      });
      const video = document.createElement("video");
      video.className = "smoke-video";
      video.muted = true;
      video.preload = "auto";
      video.controls = true;
      const url = URL.createObjectURL(new Blob([model.get("mp4")], { type: "video/mp4" }));
      video.src = url;
      el.append(text, button, video);
      return () => URL.revokeObjectURL(url);
    }
    export default { render };
    """
    count = traitlets.Int(0).tag(sync=True)
    mp4 = traitlets.Bytes(b"").tag(sync=True)

smoke = Smoke(mp4=pathlib.Path("smoke.mp4").read_bytes())
smoke
'''


def _exercise(nb: NotebookPage, server: JupyterServer) -> None:
    nb.run_all()
    out = nb.output(0)
    # Kernel -> browser: cell 1 set the trait after the widget was displayed.
    out.locator(".smoke-text", has_text="count is 41").wait_for(timeout=60_000)
    assert nb.output(2).inner_text().strip() == "41"

    # Browser -> kernel: click, then read the trait back in Python.
    out.locator(".smoke-button").click()
    assert out.locator(".smoke-text").text_content() == "count is 42"
    nb.run_cell(2)
    assert nb.output(2).inner_text().strip() == "42"

    state = nb.wait_for_video(out.locator("video.smoke-video"))
    assert state["error"] is None, state
    assert state["readyState"] >= 2, state
    assert (state["videoWidth"], state["videoHeight"]) == (WIDTH, HEIGHT), state
    assert state["duration"] == pytest.approx(1.0, abs=0.1), state
    assert nb.js_errors == []

    nb.screenshot(f"{server.kind}-light")
    if server.kind == "lab":
        nb.set_theme("dark")
        nb.screenshot(f"{server.kind}-dark")
        nb.set_theme("light")


def test_anywidget_and_h264_video_in_jupyterlab(open_notebook, jupyter_lab: JupyterServer) -> None:
    directory = jupyter_lab.root / "test_anywidget_and_h264_video_in_jupyterlab"
    directory.mkdir(parents=True, exist_ok=True)
    write_test_mp4(directory / "smoke.mp4", width=WIDTH, height=HEIGHT)
    nb = open_notebook([SMOKE_WIDGET, "smoke.count = 41", "print(smoke.count)"])
    _exercise(nb, jupyter_lab)


def test_anywidget_and_h264_video_in_notebook7(open_notebook, jupyter_notebook7: JupyterServer) -> None:
    directory = jupyter_notebook7.root / "test_anywidget_and_h264_video_in_notebook7"
    directory.mkdir(parents=True, exist_ok=True)
    write_test_mp4(directory / "smoke.mp4", width=WIDTH, height=HEIGHT)
    nb = open_notebook([SMOKE_WIDGET, "smoke.count = 41", "print(smoke.count)"], server=jupyter_notebook7)
    _exercise(nb, jupyter_notebook7)


def test_error_in_a_cell_is_reported_with_its_traceback(open_notebook) -> None:
    nb = open_notebook(["x = 1", "raise ValueError('boom from the kernel')", "y = 2"])
    with pytest.raises(AssertionError, match="ValueError: boom from the kernel"):
        nb.run_all(timeout_ms=60_000)


def test_a_reused_lab_page_keeps_nothing_of_the_previous_notebook(
    lab_pages: LabPages, jupyter_lab: JupyterServer, tmp_path: Path
) -> None:
    # open_notebook hands a passed test's JupyterLab page to the next test of the module. The
    # next notebook must get a new kernel and a page without the previous widgets, and the page
    # must really be reused (if it never were, the other tests would silently pay a reload each).
    directory = jupyter_lab.root / "reused-page-first"
    directory.mkdir(parents=True, exist_ok=True)
    write_test_mp4(directory / "smoke.mp4", width=WIDTH, height=HEIGHT)
    first_path = jupyter_lab.write_notebook([SMOKE_WIDGET, "left_over = 1"], directory=directory.name)
    lab_pages.close()  # drop a page an earlier test handed back: start from a fresh one
    page, in_place = lab_pages.take(jupyter_lab)
    assert not in_place
    first = NotebookPage(page=page, server=jupyter_lab, path=first_path, artifacts=tmp_path)
    first.goto()
    first.run_all()
    first.output(0).locator(".smoke-text", has_text="count is 0").wait_for()
    lab_pages.give_back(page, jupyter_lab)
    jupyter_lab.shutdown_sessions(first_path)

    again, in_place = lab_pages.take(jupyter_lab)
    assert in_place and again is page
    second_path = jupyter_lab.write_notebook(
        ["print('left_over' in globals(), 'smoke' in globals())"], directory="reused-page-second"
    )
    second = NotebookPage(page=again, server=jupyter_lab, path=second_path, artifacts=tmp_path)
    second.open_in_place()
    second.run_all()
    assert second.printed(0) == "False False"
    assert page.locator(".smoke-text, .smoke-video").count() == 0
    assert page.locator(".jp-Notebook").count() == 1
    lab_pages.give_back(again, jupyter_lab)
    jupyter_lab.shutdown_sessions(second_path)
