"""The ``sora-widgets`` console script, run for real in a subprocess against the simulator."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import av
import pytest
from PIL import Image

from sora_widgets.journal import Journal

from .conftest import CLI, HeldServer


def mp4_size(path: Path) -> tuple[int, int, float]:
    """(width, height, seconds) of a real MP4, decoded with PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frame = next(container.decode(stream))
        duration = (
            float(stream.duration * stream.time_base)
            if stream.duration
            else float(container.duration or 0) / 1e6
        )
        return frame.width, frame.height, duration


def test_generate_with_builtin_simulator(cli: CLI) -> None:
    result = cli("generate", "A red kite over a beach at dusk", "--seconds", "4", "--size", "1280x720",
                 "--simulator-speed", "instant", "--out", "kite.mp4")  # fmt: skip
    assert result.code == 0, result.err
    out = cli.cwd / "kite.mp4"
    width, height, seconds = mp4_size(out)
    assert (width, height) == (1280, 720)
    assert 3.5 <= seconds <= 4.5
    assert "built-in simulator" in result.err and "nothing is billed" in result.err
    assert "Task " in result.err and "created" in result.err
    assert "$1.20" in result.out and "kite.mp4" in result.out
    entries = cli("history", "--json").json_lines()
    assert len(entries) == 1
    entry = entries[0]
    assert entry["status"] == "completed" and entry["simulated"] is True
    assert Path(entry["video"]["path"]).resolve() == out.resolve()


def test_generate_against_a_server_and_history(cli: CLI, server: tuple[object, str]) -> None:
    sim, base_url = server
    result = cli("generate", "A lighthouse in fog, slow pan", "--base-url", base_url, "--seconds", "8",
                 "--size", "landscape", "--json", "--quiet")  # fmt: skip
    assert result.code == 0, result.err
    video = result.json_lines()[0]
    assert (video["size"], video["seconds"], video["model"]) == ("1280x720", 8, "sora_2_pro_t2v")
    path = Path(video["path"])
    assert path.parent == cli.home / "videos"  # the cache, since no --out was given
    assert mp4_size(path)[:2] == (1280, 720)
    assert sim.ledger.total_created == 1  # type: ignore[attr-defined]
    assert f"Using {base_url}" in result.err
    assert "Sora:" not in result.err  # --quiet: no bar

    failed = cli("generate", "A kite [sim:fail=095]", "--base-url", base_url, "--quiet")
    assert failed.code == 3, failed.err
    assert "error:" in failed.err and "internal generation error" in failed.err
    # The code and its meaning are said once, not in the message and again on a line of their own.
    assert failed.err.count("002999095") == 1 and failed.err.count("internal generation error") == 1, (
        failed.err
    )

    listing = cli("history")
    assert listing.code == 0
    lines = listing.out.splitlines()
    assert lines[0].startswith("when")
    assert len(lines) == 3
    assert "failed" in lines[1] and "002999095" in lines[1]
    assert "completed" in lines[2] and "$2.40" in lines[2]
    assert [e["status"] for e in cli("history", "--status", "failed", "--json").json_lines()] == ["failed"]
    assert len(cli("history", "--model", "i2v", "--json").json_lines()) == 0
    assert len(cli("history", "--since", "1d", "--json").json_lines()) == 2
    assert len(cli("history", "--until", "2020-01-01", "--json").json_lines()) == 0
    assert len(cli("history", "--limit", "1", "--json").json_lines()) == 1
    bad = cli("history", "--since", "last tuesday")
    assert bad.code == 2 and "not a date" in bad.err


def test_image_to_video_with_fit(cli: CLI, server: tuple[object, str]) -> None:
    sim, base_url = server
    Image.new("RGB", (1024, 1024), (30, 90, 160)).save(cli.cwd / "in.png")
    refused = cli(
        "generate", "The sea moves", "--image", "in.png", "--size", "1280x720", "--base-url", base_url
    )
    assert refused.code == 2
    assert "1024x1024" in refused.err and "--fit cover" in refused.err
    assert sim.ledger.total_created == 0  # type: ignore[attr-defined]  # nothing was sent

    result = cli("generate", "The sea moves", "--image", "in.png", "--size", "1280x720", "--fit", "cover",
                 "--base-url", base_url, "--out", "out/", "--json", "-q")  # fmt: skip
    assert result.code == 0, result.err
    assert "cover-cropped from 1024x1024 to 1280x720" in result.err
    video = result.json_lines()[0]
    assert video["model"] == "sora_2_pro_i2v"
    assert Path(video["path"]).parent.resolve() == (cli.cwd / "out").resolve()
    assert mp4_size(Path(video["path"]))[:2] == (1280, 720)

    # No --size: the video follows the image's orientation.
    Image.new("RGB", (720, 1280), (200, 90, 60)).save(cli.cwd / "tall.jpg")
    tall = cli("generate", "A tall tower", "--image", "tall.jpg", "--base-url", base_url, "--json", "-q")
    assert tall.code == 0, tall.err
    assert tall.json_lines()[0]["size"] == "720x1280"
    assert "following the image" in tall.err
    assert sim.ledger.total_created == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["generate", "a kite", "--seconds", "5"], "4, 8, 12"),
        (["generate", "   "], "prompt is empty"),
        (["generate", "a kite", "--size", "1920x1080"], "1280x720"),
        (["generate", "a kite", "--image", "notes.png"], "not a JPEG, PNG or WebP"),
        (["generate", "a kite", "--image", "missing.png"], "no image file"),
        (["generate", "a kite", "--fit", "cover"], "--fit needs --image"),
    ],
)
def test_bad_input_is_refused_before_sending(
    cli: CLI, server: tuple[object, str], args: list[str], words: str
) -> None:
    sim, base_url = server
    (cli.cwd / "notes.png").write_text("remember the milk\n")
    result = cli(*args, "--base-url", base_url)
    assert result.code == 2, result.err
    assert words in result.err
    assert sim.ledger.total_created == 0  # type: ignore[attr-defined]


def journaled_task_id(cli: CLI, proc: subprocess.Popen[str], timeout: float = 120) -> str:
    """Wait until the running command has journaled its task id (what resume needs); return it.

    Fails at once, with the command's stderr, if the command ends first.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(
                f"the command ended (exit {proc.returncode}) before its task was journaled:\n{err}"
            )
        if (cli.home / "journal.sqlite3").exists():
            with Journal(cli.home / "journal.sqlite3") as journal:
                ids = [entry.task_id for entry in journal.unfinished() if entry.task_id]
            if ids:
                return ids[0]
        time.sleep(0.1)
    raise AssertionError(f"the task id never reached the journal within {timeout} s")


def test_killed_mid_poll_then_resume(cli: CLI, held_server: HeldServer) -> None:
    # The simulator's clock stands still: the task is certainly unfinished when the CLI is killed,
    # however slow the machine; then it finishes at once for the resume.
    sim, base_url = held_server.sim, held_server.url
    proc = cli.popen("generate", "A slow sunrise over hills", "--base-url", base_url, "--seconds", "4")
    try:
        task_id = journaled_task_id(cli, proc)
        proc.send_signal(signal.SIGKILL)  # the kernel dies mid-poll
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    held_server.finish()

    result = cli("resume", "--base-url", base_url, "--json", timeout=120)
    assert result.code == 0, result.err
    assert f"Resuming task {task_id}" in result.err
    videos = result.json_lines()
    assert [v["task_id"] for v in videos] == [task_id]
    assert mp4_size(Path(videos[0]["path"]))[:2] == (720, 1280)
    assert sim.ledger.total_created == 1  # type: ignore[attr-defined]  # resumed, never re-created

    again = cli("resume", "--base-url", base_url)
    assert again.code == 0 and "Nothing to resume" in again.err


def test_poll_timeout_exit_code(cli: CLI, held_server: HeldServer) -> None:
    # The task cannot finish (the simulator's clock stands still), so the timeout always wins.
    result = cli("generate", "A slow tide", "--base-url", held_server.url, "--timeout", "0.5", "-q")
    assert result.code == 5, result.err
    assert "sora-widgets resume" in result.err


def test_usage(cli: CLI) -> None:
    bare = cli()
    assert bare.code == 2 and "generate" in bare.err and "history" in bare.err and "simulator" in bare.err
    version = cli("--version")
    assert version.code == 0 and version.out.startswith("sora-widgets 0.")
    assert cli("generate", "--help").code == 0
    empty = cli("history")
    assert empty.code == 0 and "Nothing in the journal" in empty.err
    both = cli("generate", "a kite", "--simulate", "--base-url", "http://127.0.0.1:9")
    assert both.code == 2 and "not both" in both.err


def test_demo_is_delegated(cli: CLI) -> None:
    result = cli("demo", "--help")
    assert result.code == 0, result.err
    assert "usage:" in result.out.lower()


def test_simulator_is_delegated(cli: CLI) -> None:
    import httpx

    proc = cli.popen("simulator", "--port", "0", "--speed", "instant")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # printed once the server answers (blocks until then)
        urls = [word for word in line.split() if word.startswith("http://127.0.0.1:")]
        assert urls, f"no URL in the first line {line!r} (exit {proc.poll()})"
        assert httpx.get(urls[0].rstrip("/.,") + "/healthz", timeout=60).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=120)  # a safety net only: it stops in well under 1 s
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert os.name != "posix" or proc.returncode in (0, -signal.SIGINT, 130), err


def test_lost_create_answer_is_never_resent(cli: CLI, server: tuple[object, str]) -> None:
    sim, base_url = server
    result = cli("generate", "A harbour at night [sim:lose]", "--base-url", base_url, "-q")
    assert result.code == 4, result.err
    assert "history --status unknown_outcome" in result.err
    lost = cli("history", "--status", "unknown_outcome", "--json").json_lines()
    assert len(lost) == 1 and lost[0]["task_id"] is None
    assert "A harbour at night" in lost[0]["prompt"]
    assert "outcome unknown" in cli("history").out
    # The simulator did create (and would bill) the task; nothing was sent a second time.
    assert sim.ledger.total_created == 1  # type: ignore[attr-defined]
    resumed = cli("resume", "--base-url", base_url)
    assert resumed.code == 0 and "Nothing to resume" in resumed.err
    assert sim.ledger.total_created == 1  # type: ignore[attr-defined]


def test_ctrl_c_stops_waiting_not_the_task(cli: CLI, held_server: HeldServer) -> None:
    # The simulator's clock stands still, so Ctrl-C certainly lands while the CLI waits (not
    # during the create, not after the task finished), however slow the machine is.
    sim, base_url = held_server.sim, held_server.url
    proc = cli.popen("generate", "A slow fog bank rolls in", "--base-url", base_url, "-q")
    try:
        journaled_task_id(cli, proc)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    held_server.finish()
    assert proc.returncode == 130, err
    assert "Interrupted" in err and "sora-widgets resume" in err
    assert "Traceback" not in err, err
    resumed = cli("resume", "--base-url", base_url, "--json")
    assert resumed.code == 0, resumed.err
    assert len(resumed.json_lines()) == 1
    assert sim.ledger.total_created == 1  # type: ignore[attr-defined]


def test_no_download_and_remix(cli: CLI, server: tuple[object, str]) -> None:
    sim, base_url = server
    first = cli("generate", "A paper boat on a pond", "--base-url", base_url, "--no-download", "--json", "-q")
    assert first.code == 0, first.err
    video = first.json_lines()[0]
    assert video["path"] is None and video["url"].startswith(base_url)
    assert not (cli.home / "videos").exists() or not any((cli.home / "videos").iterdir())

    remix = cli("generate", "Same boat, at night", "--base-url", base_url, "--remix", video["remix_id"],
                "--json", "-q")  # fmt: skip
    assert remix.code == 0, remix.err
    entries = cli("history", "--json").json_lines()
    assert entries[0]["request"]["remix_video_id"] == video["remix_id"]
    assert sim.ledger.total_created == 2  # type: ignore[attr-defined]
