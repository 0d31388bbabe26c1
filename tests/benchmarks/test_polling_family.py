"""The polling benchmark's family of progress models: the harness measures what it claims."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from benchmarks.polling import KINDS, draw, family, make_job, poll_fixed, poll_ours


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_reproducible_and_half_a_minute_to_ten_minutes(kind: str) -> None:
    for seed in range(5):
        job, again = make_job(kind, seed), make_job(kind, seed)
        assert 30.0 <= job.length <= 600.0 and 0.0 <= job.noise <= 0.05
        samples = [job.progress(job.length * i / 50) for i in range(50)]
        assert samples == [again.progress(job.length * i / 50) for i in range(50)]
        numeric = [p for p in samples if p is not None]
        assert all(0.0 <= p <= 0.99 for p in numeric)
        if kind == "missing":
            assert not numeric
        else:
            # The true curve runs from 0 towards 1 (steps end on a level of at least 1/2).
            assert job.shape(0.0) == 0.0 and job.shape(0.999) >= 0.5
            assert job.shape(0.999) >= 0.75 or kind == "steps"


def test_the_draws_span_the_neighbourhood() -> None:
    jobs = [make_job(kind, seed) for kind in KINDS for seed in range(200)]
    lengths = [j.length for j in jobs]
    assert min(lengths) < 40.0 and max(lengths) > 500.0
    noisy = [j.noise for j in jobs if j.kind != "missing"]
    assert min(noisy) < 0.005 and max(noisy) > 0.045  # 0-5 % on every shape
    for kind in KINDS[:-1]:
        assert max(j.noise for j in jobs if j.kind == kind) > 0.04, kind
    levels = {len({round(make_job("steps", s).shape(x / 1000), 6) for x in range(1000)}) for s in range(200)}
    assert {2, 10} <= levels <= set(range(2, 11))


def test_the_kinds_look_like_their_names() -> None:
    queued = make_job("queued at 0", 1)
    assert queued.progress(queued.length * 0.01) == 0.0
    held = make_job("held below 1", 1)
    tail = [held.shape(1 - held.dark / held.length * f) for f in (0.9, 0.5, 0.1)]
    assert len(set(tail)) == 1 and 0.9 <= (tail[0] or 0.0) <= 0.995  # held (reported with noise)
    for seed in range(20):
        stall = make_job("stall and catch up", seed)
        curve = [stall.shape(x / 200) or 0.0 for x in range(200)]
        # It stalls somewhere (flat for at least 2 % of the job) and is back on the line at the end.
        assert any(curve[i] == curve[i + 3] for i in range(196)) and curve[-1] == pytest.approx(199 / 200)
        back = make_job("jumps backwards", seed)
        curve = [back.shape(x / 200) or 0.0 for x in range(200)]
        assert any(b < a - 0.02 for a, b in itertools.pairwise(curve))  # it falls back
        sparse = make_job("reported every few polls", seed)
        seen = [sparse.progress(sparse.length * (0.2 + i / 100)) for i in range(60)]
        assert 0.1 < sum(p is not None for p in seen) / len(seen) < 0.7  # one poll in 2-5


def test_fixed_loops_notice_within_their_interval_and_ours_always_notices() -> None:
    data = family(range(6))
    for kind in KINDS:
        for name, bound in (("fixed 5 s", 5.0), ("fixed 1 s", 1.0)):
            assert all(0.0 <= d < bound for d in data[kind]["delays"][name])
        assert all(d >= 0.0 for d in data[kind]["delays"]["ours"])
        # A fixed 1 s loop polls about five times as often as a 5 s one on the same jobs.
        ratio = data[kind]["polls"]["fixed 1 s"] / data[kind]["polls"]["fixed 5 s"]
        assert 4.0 < ratio < 5.5
    job = make_job("noisy linear", 3)
    assert poll_fixed(job, 5.0)[-1] >= job.length > poll_fixed(job, 5.0)[-2]
    assert poll_ours(job)[-1] >= job.length > poll_ours(job)[-2]


def test_draws_a_small_png_per_kind(tmp_path: Path) -> None:
    from PIL import Image

    for kind in ("steps", "missing"):
        path = tmp_path / f"{kind}.png"
        draw(make_job(kind, 100_000), path)
        with Image.open(path) as img:
            assert img.size == (760, 250)
            colours = {c for _, c in img.getcolors() or []}
            assert {3, 4} <= colours  # ticks for ours (blue) and for the fixed loop (orange)
        assert path.stat().st_size < 20_000


def test_where_our_polls_go_adds_up_and_the_dark_is_where_progress_says_nothing() -> None:
    from benchmarks.polling import JOB_PHASES

    data = family(range(4))
    for kind in KINDS:
        phases = data[kind]["phases"]
        assert set(phases) == set(JOB_PHASES)
        assert sum(phases.values()) == pytest.approx(data[kind]["polls"]["ours"] / data[kind]["jobs"])
        assert phases["the end"] == pytest.approx(1.0)  # one poll per job sees the end
        if kind not in ("steps", "held below 1", "missing"):
            assert phases["dark"] == 0.0
    missing = data["missing"]["phases"]
    assert missing["dark"] > 10 and missing["middle"] == missing["first 30 s"] == 0.0


def test_the_tradeoff_table_has_every_setting_and_the_fixed_loops_as_anchors() -> None:
    from benchmarks.polling import TRADEOFF, tradeoff

    rows = tradeoff(range(2))
    assert [r[0] for r in rows] == [label for label, _knobs in TRADEOFF] + [
        "fixed 1.5 s loop",
        "fixed 1 s loop",
    ]
    one_second = rows[-1]
    assert float(one_second[2].split(" s")[0]) < 1.0 and 4.0 < float(one_second[4].rstrip("x")) < 5.5
