"""The video cache: a policy the user controls, favourites and recent ones kept, journal intact,
pruned files downloaded again on demand (against the simulator), and the CLI."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sora_widgets import cache
from sora_widgets.cache import CachedFile, CachePolicy, plan_prune
from sora_widgets.client import SoraClient
from sora_widgets.simulator import Simulator
from sora_widgets.widgets.player import VideoPlayer

NOW = datetime(2026, 11, 29, 12, tzinfo=timezone.utc)


# -- the pure part ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size"),
    [("0", 0), ("1234", 1234), ("500MB", 500_000_000), ("2 GB", 2_000_000_000), ("1.5G", 1_500_000_000),
     ("2GiB", 2 * 2**30), ("10k", 10_000)],
)  # fmt: skip
def test_sizes(text: str, size: int) -> None:
    assert cache.parse_size(text) == size


@pytest.mark.parametrize(
    ("text", "days"), [("30d", 30.0), ("12h", 0.5), ("2w", 14.0), ("90m", 90 / 1440), ("7", 7.0)]
)
def test_ages(text: str, days: float) -> None:
    assert cache.parse_age(text) == pytest.approx(days)


@pytest.mark.parametrize("bad", ["", "MB", "-1GB", "2 parsecs", "1e9"])
def test_bad_sizes_say_how_to_write_one(bad: str) -> None:
    with pytest.raises(ValueError, match="500MB"):
        cache.parse_size(bad)


files_strategy = st.lists(
    st.tuples(st.integers(0, 50_000_000), st.floats(0, 400), st.booleans()), min_size=0, max_size=40
)


@given(
    files=files_strategy,
    max_bytes=st.one_of(st.none(), st.integers(0, 500_000_000)),
    max_age=st.one_of(st.none(), st.floats(0, 365)),
    keep_recent=st.integers(0, 10),
    keep_favourites=st.booleans(),
)
def test_plan_prune_keeps_what_the_policy_promises(
    files: list[tuple[int, float, bool]],
    max_bytes: int | None,
    max_age: float | None,
    keep_recent: int,
    keep_favourites: bool,
) -> None:
    # Newest first, as the journal lists them.
    ages = sorted(age for _, age, _ in files)
    listed = [
        CachedFile(f"e{n}", f"t{n}", Path(f"/v/t{n}.mp4"), size, NOW - timedelta(days=age), fav)
        for n, ((size, _, fav), age) in enumerate(zip(files, ages, strict=True))
    ]
    policy = CachePolicy(max_bytes, max_age, keep_recent, keep_favourites)
    removed = plan_prune(listed, policy, NOW)
    gone = {f.entry_id for f in removed}
    kept = [f for f in listed if f.entry_id not in gone]
    # Recent ones and (if asked) favourites are never removed.
    assert not gone & {f.entry_id for f in listed[:keep_recent]}
    if keep_favourites:
        assert not any(f.favourite for f in removed)
    # Oldest first, each at most once.
    assert removed == sorted(removed, key=lambda f: f.created_at) and len(gone) == len(removed)
    # Anything past the age limit that may go, went.
    if max_age is not None:
        cutoff = NOW - timedelta(days=max_age)
        for f in kept:
            protected = f in listed[:keep_recent] or (keep_favourites and f.favourite)
            assert f.created_at >= cutoff or protected
    # Under the size limit, unless only protected files are left over it.
    if max_bytes is not None and sum(f.size for f in kept) > max_bytes:
        removable = [
            f for f in kept if f not in listed[:keep_recent] and not (keep_favourites and f.favourite)
        ]
        assert all(f.size == 0 for f in removable)
    # Nothing is removed without a limit.
    if max_bytes is None and max_age is None:
        assert removed == []


def test_policy_is_saved_and_described(tmp_path: Path) -> None:
    assert cache.load_policy(tmp_path) == CachePolicy()  # default: keep everything
    assert not CachePolicy().limited
    policy = CachePolicy(max_bytes=2_000_000_000, max_age_days=30, keep_recent=5)
    cache.save_policy(policy, tmp_path)
    assert cache.load_policy(tmp_path) == policy
    assert policy.describe() == (
        "at most 2.0 GB, files older than 30 days removed; the 5 newest and favourites always kept"
    )
    (tmp_path / cache.POLICY_FILE).write_text("{not json")
    assert cache.load_policy(tmp_path) == CachePolicy()  # a broken file prunes nothing


# -- against the simulator ------------------------------------------------------------------------


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[SoraClient]:
    # The cache works on files, their sizes and links, never on pixels: drawn at a quarter size.
    simulator = Simulator(speed="instant", state_dir=tmp_path / "sim", result_ttl_s=3, render_scale=0.25)
    c = SoraClient(connect=simulator)
    yield c
    await c.aclose()
    assert c.journal is not None
    c.journal.close()
    simulator.close()


async def _generate(client: SoraClient, count: int) -> list[Any]:
    return [await client.generate(prompt=f"A paper boat number {n}", seconds=4) for n in range(count)]


async def test_prune_keeps_favourites_and_recent_ones_and_the_journal_keeps_every_entry(
    client: SoraClient,
) -> None:
    videos = await _generate(client, 6)  # oldest first
    journal = client.journal
    assert journal is not None
    report = cache.report(journal)
    assert [f.task_id for f in report.files] == [v.task_id for v in reversed(videos)]
    assert report.folder == journal.home / "videos" and report.pruned == 0
    cache.set_favourite(journal, videos[1].task_id)
    sizes = [v.path.stat().st_size for v in videos]
    limit = sum(sizes) - sizes[0] - sizes[2]  # fits once the two oldest removable ones are gone

    plan = cache.prune(journal, CachePolicy(max_bytes=limit, keep_recent=2), dry_run=True)
    assert [f.task_id for f in plan.removed] == [videos[0].task_id, videos[2].task_id]
    assert all(v.path.exists() for v in videos)  # a dry run touches nothing

    result = cache.prune(journal, CachePolicy(max_bytes=limit, keep_recent=2))
    assert [f.task_id for f in result.removed] == [videos[0].task_id, videos[2].task_id]
    assert result.freed_bytes == sizes[0] + sizes[2]
    assert [v.path.exists() for v in videos] == [False, True, False, True, True, True]
    # Every entry is still there; the pruned ones have lost their path and are marked as such.
    history = client.history
    assert len(history) == 6
    by_task = {v.task_id: v for v in history}
    assert by_task[videos[0].task_id].path is None and by_task[videos[2].task_id].path is None
    assert by_task[videos[1].task_id].favourite and by_task[videos[1].task_id].path is not None
    assert set(journal.pruned_entries()) == {f.entry_id for f in result.removed}
    assert cache.report(journal).pruned == 2

    # Shown again, a pruned video is downloaded again while its link lives.
    player = VideoPlayer(by_task[videos[0].task_id], client=client)
    for _ in range(300):
        if player.has_video:
            break
        await asyncio.sleep(0.02)
    assert player.has_video and not player.error
    assert videos[0].path.read_bytes()[4:8] == b"ftyp"
    assert cache.report(journal).pruned == 1  # it is back


async def test_a_pruned_video_whose_link_expired_says_so(client: SoraClient) -> None:
    [video] = await _generate(client, 1)
    journal = client.journal
    assert journal is not None
    cache.prune(journal, CachePolicy(max_bytes=0, keep_recent=0))
    assert not video.path.exists()
    await asyncio.sleep(3.2)  # the simulator's result links live 3 s here (hours at the real service)
    assert client.simulator is not None
    client.simulator.faults.expired_urls = 99  # and a fresh poll hands out no working link either
    # The Video as the Studio still holds it (with its old path), and as History has it (none).
    for shown in (video, client.history[0]):
        player = VideoPlayer(shown, client=client)
        for _ in range(300):
            if player.error:
                break
            await asyncio.sleep(0.02)
        assert "pruned from the video cache" in player.error and "expired" in player.error
        assert not player.has_video


async def test_a_saved_policy_is_applied_after_each_download(client: SoraClient) -> None:
    journal = client.journal
    assert journal is not None
    first = await client.generate(prompt="A kite at dawn")
    size = first.path.stat().st_size
    cache.set_favourite(journal, first.task_id)
    cache.save_policy(CachePolicy(max_bytes=size * 2, keep_recent=1), journal.home)
    # The same request each time: the simulator renders the same file, so sizes are equal.
    videos = [await client.generate(prompt="A kite at dawn") for _ in range(4)]
    on_disk = sorted(p.name for p in (journal.home / "videos").glob("*.mp4"))
    # The favourite, and the newest; the size limit (two files) leaves no room for more.
    assert on_disk == sorted([f"{first.task_id}.mp4", f"{videos[-1].task_id}.mp4"])
    assert len(client.history) == 5


def test_the_cli_shows_prunes_and_saves_a_policy(
    client: SoraClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from sora_widgets.cli import main

    videos = asyncio.run(_generate(client, 3))
    assert client.journal is not None
    client.journal.close()
    assert main(["cache"]) == 0
    out = capsys.readouterr().out
    assert "3 files" in out and "no limit" in out
    assert main(["cache", "prune"]) == 2
    assert "--max-size" in capsys.readouterr().err
    assert main(["cache", "keep", videos[0].task_id]) == 0
    assert main(["cache", "keep", "no-such-task"]) == 2
    capsys.readouterr()
    assert main(["cache", "prune", "--max-size", "1", "--keep-recent", "1", "--dry-run", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["dry_run"] and [f["task_id"] for f in plan["removed"]] == [videos[1].task_id]
    assert all(v.path.exists() for v in videos)
    assert main(["cache", "prune", "--max-size", "1", "--keep-recent", "1"]) == 0
    assert not Path(videos[1].path).exists() and videos[0].path.exists()
    capsys.readouterr()
    assert main(["cache", "policy", "--max-age", "30d", "--keep-recent", "5"]) == 0
    assert (
        "files older than 30 days removed; the 5 newest and favourites always kept" in capsys.readouterr().out
    )
    assert main(["cache", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["pruned"] == 1 and shown["policy"]["max_age_days"] == 30 and len(shown["files"]) == 2


BROKEN_POLICIES = [
    ('{"max_bytes": NaN}', "NaN"),
    ('{"max_age_days": 1e308}', "max_age_days"),
    ('{"max_age_days": Infinity}', "Infinity"),
    ('{"keep_recent": 1.5}', "keep_recent"),
    ('{"max_bytes": 1.5}', "max_bytes"),
    ('{"max_bytes": -1}', "max_bytes"),
    ('{"max_bytes": "2GB"}', "max_bytes"),
    ('{"keep_favourites": "no"}', "keep_favourites"),
    ('{"max_bytes": 1' + "0" * 30 + "}", "max_bytes"),
    ("[1, 2]", "not a list"),
    ('"2GB"', "not a str"),
    ("{not json", "not JSON"),
    ("[" * 50_000, "nests deeper than"),
]


@pytest.mark.parametrize(("text", "named"), BROKEN_POLICIES)
def test_a_broken_policy_file_gets_a_clear_message_and_prunes_nothing(
    text: str, named: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    from sora_widgets._paths import default_home
    from sora_widgets.cli import main

    home = default_home()
    home.mkdir(parents=True, exist_ok=True)
    (home / cache.POLICY_FILE).write_text(text, encoding="utf-8")
    assert cache.load_policy(home) == CachePolicy()  # after a download: logged, nothing pruned
    assert named in caplog.text
    for argv in (["cache"], ["cache", "prune"], ["cache", "prune", "--max-size", "1GB"], ["cache", "--json"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: the cache policy in") and named in err and "Traceback" not in err
        assert "sora-widgets cache policy" in err
    # The command the message names replaces the broken file.
    assert main(["cache", "policy", "--max-size", "2GB"]) == 0
    assert cache.load_policy(home, strict=True) == CachePolicy(max_bytes=2_000_000_000)


@pytest.mark.parametrize("argv", [["--keep-recent", "-1"], ["--max-size", "9" * 30 + "TB"]])
def test_policy_values_out_of_range_on_the_command_line_are_refused(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from sora_widgets.cli import main

    assert main(["cache", "prune", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


@given(
    st.dictionaries(
        st.sampled_from(["max_bytes", "max_age_days", "keep_recent", "keep_favourites", "other"]),
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    )
)
def test_any_policy_values_make_a_policy_or_a_clear_refusal(fields: dict[str, Any]) -> None:
    known = {k: v for k, v in fields.items() if k != "other"}
    try:
        policy = CachePolicy(**known)
    except ValueError as exc:  # InvalidRequestError is a ValueError too
        assert any(name in str(exc) for name in known)
        return
    policy.describe()
    plan_prune([], policy, NOW)
