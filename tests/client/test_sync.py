"""The blocking facade: plain code, a running loop in a real Jupyter kernel, and the tqdm bar."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from sora_widgets._progress import progress_callback
from sora_widgets._sync import in_running_loop, run_sync
from sora_widgets.client import SoraClient
from sora_widgets.models.task import Task

from .fakes import MP4


def _code_under_test() -> dict[str, str]:
    """A bare environment still imports the package under test (a worktree's PYTHONPATH)."""
    return {"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {}


def test_run_sync_in_plain_code_reuses_one_loop() -> None:
    async def loop_id() -> int:
        return id(asyncio.get_running_loop())

    assert not in_running_loop()
    assert run_sync(loop_id()) == run_sync(loop_id())


def test_sync_twins_in_plain_code(make_client: Callable[..., SoraClient]) -> None:
    client = make_client()
    task = client.create_sync(prompt="A kite")
    assert client.get_sync(task.id).id == task.id
    video = client.wait_sync(task, progress=False, download=False)
    path = client.download_sync(video)
    assert path.read_bytes() == MP4
    generated = client.generate_sync(prompt="Another kite", progress=False)
    assert generated.path is not None
    results = client.generate_many_sync(["one", "two FAIL"], concurrency=2)
    assert [r.ok for r in results] == [True, False]
    assert client.resume_sync() == []
    client.close()


def test_importing_never_patches_asyncio_and_a_script_needs_no_patch(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio, sys
            import sora_widgets as sw
            from sora_widgets.client import SoraClient
            from sora_widgets.simulator import Simulator
            assert "nest_asyncio2" not in sys.modules, "imported at import time"
            client = SoraClient(connect=Simulator(speed="instant", state_dir=sys.argv[1]))
            video = client.generate_sync(prompt="A kite over a beach", progress=False)
            assert video.path.is_file(), video
            assert "nest_asyncio2" not in sys.modules, "patched outside a running loop"
            print("OK", video.size)
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "sim")],
        capture_output=True,
        text=True,
        timeout=120,
        env={"SORA_WIDGETS_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", **_code_under_test()},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "OK 720x1280" in done.stdout


def test_progress_bar_draws_to_a_terminal_stream() -> None:
    out = io.StringIO()
    seen: list[str] = []
    with progress_callback(lambda t: seen.append(t.status), enabled=True, file=out) as callback:
        assert callback is not None
        callback(Task(id="t1", status="in_progress", progress=0.42))
        callback(Task(id="t1", status="completed", progress=1.0))
    text = out.getvalue()
    assert "42%" in text and "100%" in text and "completed t1" in text
    assert "| in_progress t1 [" in text and "| completed t1 [" in text
    assert ", in_progress" not in text and "| ," not in text  # no stray comma before the status
    assert seen == ["in_progress", "completed"]


def test_the_callers_callback_sees_a_task_before_the_bar_shows_it() -> None:
    # An interrupt right after the bar named a task must be able to name it too (StoppedWaiting
    # reads the id its callback remembered): the callback runs before the bar is drawn.
    out = io.StringIO()
    seen: list[bool] = []
    with progress_callback(lambda t: seen.append(t.id in out.getvalue()), enabled=True, file=out) as c:
        assert c is not None
        c(Task(id="task_seen_first", status="in_progress", progress=0.1))
    assert seen == [False]
    assert "in_progress task_seen_first" in out.getvalue()


def test_progress_bar_is_off_when_not_wanted() -> None:
    def mine(task: Task) -> None:
        return None

    with progress_callback(mine, enabled=False) as callback:
        assert callback is mine
    with progress_callback(None) as callback:  # pytest's stderr is not a terminal
        assert callback is None


def test_generate_sync_shows_the_bar_when_asked(
    make_client: Callable[..., SoraClient], capsys: pytest.CaptureFixture[str]
) -> None:
    client = make_client()
    client.generate_sync(prompt="A kite", progress=True)
    client.close()
    assert "100%" in capsys.readouterr().err


@pytest.mark.slow
def test_sync_twins_inside_a_running_kernel_loop(tmp_path: Path) -> None:
    """A real ipykernel runs the cells; its loop is running while generate_sync blocks."""
    cells = [
        "import asyncio, sys\n"
        "import sora_widgets as sw\n"
        "from sora_widgets.simulator import Simulator\n"
        f"sim = Simulator(speed='instant', state_dir={str(tmp_path / 'sim')!r})\n"
        "client = sw.SoraClient(connect=sim)\n"
        "loop = asyncio.get_running_loop()\n"
        "assert loop.is_running()\n"
        "assert not hasattr(loop, '_nest_patched'), 'patched at import'\n"
        "print('simulated' in repr(client))",
        "video = client.generate_sync(prompt='A paper boat on a puddle', size='landscape')\n"
        "assert hasattr(asyncio.get_running_loop(), '_nest_patched')\n"
        "print(video.size, video.path.is_file())",
        "task = client.create_sync(prompt='A second boat')\n"
        "again = client.wait_sync(task)\n"
        "results = client.generate_many_sync(['one boat', 'two boats [sim:fail]'], concurrency=2)\n"
        "print(again.task_id == task.id, [r.ok for r in results])",
        "video2 = await client.generate(prompt='An awaited boat')\nprint(video2.path.is_file())",
    ]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [
        "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        for cell in nb.cells
    ]
    assert outputs[0].strip() == "True"
    assert outputs[1].strip() == "1280x720 True"
    assert outputs[2].strip() == "True [True, False]"
    assert outputs[3].strip() == "True"


@pytest.mark.slow
def test_a_script_in_a_terminal_shows_the_bar_by_itself(tmp_path: Path) -> None:
    """stderr is a real pseudo-terminal here, so generate_sync draws its tqdm bar unasked."""
    import os
    import pty  # POSIX only, like the CI machines

    script = tmp_path / "script.py"
    script.write_text(
        "import sys\n"
        "from sora_widgets.client import SoraClient\n"
        "from sora_widgets.simulator import Simulator\n"
        "client = SoraClient(connect=Simulator(speed='instant', state_dir=sys.argv[1]))\n"
        "video = client.generate_sync(prompt='A kite over a beach')\n"
        "print('DONE', video.task_id)\n"
    )
    main, secondary = pty.openpty()
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "sim")],
        stdout=subprocess.PIPE,
        stderr=secondary,
        timeout=120,
        env={
            "SORA_WIDGETS_HOME": str(tmp_path / "home"),
            "PATH": "/usr/bin:/bin",
            **_code_under_test(),
            "TERM": "xterm",
        },
        check=False,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    drawn = b"".join(chunks).decode("utf-8", "replace")
    assert done.returncode == 0, drawn
    assert b"DONE" in done.stdout
    assert "Sora:" in drawn and "100%" in drawn and "completed" in drawn


def test_in_a_terminal_a_blocking_call_draws_the_bar_and_an_awaited_one_does_not(tmp_path: Path) -> None:
    """``progress=None`` means: a bar for ``generate_sync`` in a terminal, none when awaited."""
    import os

    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio, sys
            from sora_widgets.client import SoraClient
            from sora_widgets.simulator import Simulator
            client = SoraClient(connect=Simulator(speed="instant", state_dir=sys.argv[1]))
            asyncio.run(client.generate(prompt="An awaited kite"))
            print("AWAITED DONE", file=sys.stderr, flush=True)
            client.generate_sync(prompt="A blocking kite")
            """
        )
    )
    leader, follower = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, str(script), str(tmp_path / "sim")],
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=120,
            env={"SORA_WIDGETS_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", **_code_under_test()},
            check=False,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: everything is read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    text = b"".join(chunks).decode(errors="replace")
    assert done.returncode == 0, text
    before, _, after = text.partition("AWAITED DONE")
    assert "%|" not in before  # awaited: no bar
    assert "100%" in after and "completed" in after  # blocking, in a terminal: the bar
