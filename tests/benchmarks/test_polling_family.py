"""The polling benchmark's family of progress models: the harness measures what it claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.polling import KINDS, draw, family, make_job, poll_fixed, poll_ours


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_reproducible_and_one_to_six_minutes(kind: str) -> None:
    for seed in range(5):
        job, again = make_job(kind, seed), make_job(kind, seed)
        assert 60.0 <= job.length <= 360.0
        samples = [job.progress(job.length * i / 50) for i in range(50)]
        assert samples == [again.progress(job.length * i / 50) for i in range(50)]
        numeric = [p for p in samples if p is not None]
        assert all(0.0 <= p <= 0.99 for p in numeric)
        if kind == "missing":
            assert not numeric
        else:
            assert numeric and numeric[0] <= 0.05 and numeric[-1] >= 0.75


def test_the_kinds_look_like_their_names() -> None:
    steps = make_job("steps", 1)
    values = {steps.progress(steps.length * i / 400) for i in range(400)}
    assert 4 <= len(values) <= 10  # a few levels only
    queued = make_job("queued at 0", 1)
    assert queued.progress(queued.length * 0.09) == 0.0
    held = make_job("held below 1", 1)
    tail = [held.progress(held.length * (1 - held.dark / held.length * f)) for f in (0.9, 0.5, 0.1)]
    assert len(set(tail)) == 1 and 0.95 <= tail[0] <= 0.99  # held, exactly
    stall = make_job("stall and catch up", 1)
    curve = [stall.progress(stall.length * x / 100) or 0.0 for x in range(100)]
    # Somewhere it hardly moves for a tenth of the job (a line would move 0.1 there).
    assert min(max(curve[i : i + 10]) - min(curve[i : i + 10]) for i in range(90)) < 0.02


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
