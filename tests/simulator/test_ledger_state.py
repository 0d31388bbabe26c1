"""The ledger, and state that survives a simulator restart (same state_dir)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import httpx

from sora_widgets.simulator import Simulator

from .conftest import CREATE, KEY, FakeClock, body

OTHER = "sk-second-test-key-0002"


def client(url: str, key: str = KEY) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30)


def status(api: httpx.Client, task_id: str) -> dict[str, object]:
    response = api.get(f"/model/v1/generation/task/{task_id}")
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()
    return data


def test_ledger_counts_created_and_billed_per_key(tmp_path: Path, clock: FakeClock) -> None:
    sim = Simulator(speed="demo", state_dir=tmp_path, clock=clock)
    with sim.serve() as url, client(url) as a, client(url, OTHER) as b:
        ids_a = [a.post(CREATE, json=body(p)).json()["id"] for p in ("one ledger", "two ledger [sim:fail]")]
        id_b = b.post(CREATE, json=body("one ledger", seconds="8")).json()["id"]
        assert a.post(CREATE, json=body("refused [sim:http=429]")).status_code == 429
        assert sim.ledger.created(KEY) == 2 and sim.ledger.created(OTHER) == 1
        assert sim.ledger.billed(KEY) == 0 and sim.ledger.billed(OTHER) == 0  # nothing finished yet
        assert sim.ledger.refused(KEY) == 1 and sim.ledger.refused(OTHER) == 0
        for task_id in (ids_a[0], id_b):
            sim.wait_rendered(task_id)
        clock.advance(20)
        assert status(a, ids_a[0])["status"] == "completed"
        assert status(a, ids_a[1])["status"] == "failed"
        assert status(b, id_b)["status"] == "completed"
    sim.close()
    assert sim.ledger.billed(KEY) == 1 and sim.ledger.billed(OTHER) == 1
    assert sim.ledger.cost(KEY) == Decimal("1.20") and sim.ledger.cost(OTHER) == Decimal("2.40")
    assert sim.ledger.total_created == 3 and sim.ledger.total_billed == 2
    assert sim.ledger.created("sk-never-used") == 0
    assert repr(sim.ledger) == "Ledger(created=3, billed=2)"


def test_keys_never_reach_the_disk(tmp_path: Path) -> None:
    sim = Simulator(speed="instant", state_dir=tmp_path)
    with sim.serve() as url, client(url) as api:
        api.post(CREATE, json=body("no keys on disk [sim:fail]"))
    sim.close()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
    assert KEY not in repr(sim)


def test_restart_on_the_same_state_dir_mid_poll(tmp_path: Path, clock: FakeClock) -> None:
    first = Simulator(speed="demo", state_dir=tmp_path, clock=clock)
    with first.serve() as url, client(url) as api:
        task_id = api.post(CREATE, json=body("survives a restart")).json()["id"]
        clock.advance(3)
        before = status(api, task_id)
        assert before["status"] == "in_progress"
    first.close()

    second = Simulator(speed="demo", state_dir=tmp_path, clock=clock)
    assert second.ledger.created(KEY) == 1  # the restarted simulator still knows the task
    with second.serve() as url, client(url) as api:
        again = status(api, task_id)
        assert again["status"] == "in_progress"
        assert isinstance(again["progress"], float) and isinstance(before["progress"], float)
        assert again["progress"] >= before["progress"]
        second.wait_rendered(task_id)
        clock.advance(20)
        done = status(api, task_id)
        assert done["status"] == "completed"
        link = done["output"][0]["content"][0]["url"]  # type: ignore[index]
        assert httpx.get(link).status_code == 200
        job = done["output"][0]["content"][0]["jobId"]  # type: ignore[index]
    second.close()

    third = Simulator(speed="instant", state_dir=tmp_path, clock=clock)
    with third.serve() as url, client(url) as api:
        # links handed out before the restart still work (the signing secret is on disk)
        assert httpx.get(link.replace(link.split("/files/")[0], url)).status_code == 200
        remix_id = api.post(CREATE, json=body("remixed after restart", remix_video_id=job)).json()["id"]
        third.wait_rendered(remix_id)
        assert status(api, remix_id)["status"] == "completed"
        assert third.ledger.created(KEY) == 2 and third.ledger.billed(KEY) == 2
    third.close()


def test_two_simulators_share_a_state_dir(tmp_path: Path) -> None:
    a = Simulator(speed="instant", state_dir=tmp_path)
    b = Simulator(speed="instant", state_dir=tmp_path)
    with a.serve() as url_a, b.serve() as url_b, client(url_a) as api_a, client(url_b) as api_b:
        task_id = api_a.post(CREATE, json=body("made by a [sim:fail]")).json()["id"]
        assert status(api_b, task_id)["status"] == "failed"
    a.close()
    b.close()


def test_default_state_dir_is_under_sora_widgets_home(_isolated_home: Path) -> None:
    sim = Simulator(speed="instant")
    try:
        assert sim.state_dir == _isolated_home / "simulator"
        assert (sim.state_dir / "tasks").is_dir()
    finally:
        sim.close()


def test_serve_restarts_on_the_same_port(tmp_path: Path) -> None:
    """A restarted simulator can take the same port at once (clients keep their base URL)."""
    urls = []
    port = 0
    for _ in range(3):
        sim = Simulator(speed="instant", state_dir=tmp_path)
        with sim.serve(port=port) as url, client(url) as api:
            port = int(url.rsplit(":", 1)[1])
            assert api.get("/healthz").json()["simulated"] is True
            urls.append(url)
        sim.close()
        try:
            httpx.get(url + "/healthz", timeout=1)
        except httpx.TransportError:
            pass
        else:
            raise AssertionError("the server still answers after serve() ended")
    assert len(set(urls)) == 1


def test_old_tasks_and_unused_files_are_pruned_at_start(tmp_path: Path, clock: FakeClock) -> None:
    sim = Simulator(speed="instant", state_dir=tmp_path, clock=clock)
    with sim.serve() as url, client(url) as api:
        old_id = api.post(CREATE, json=body("old task")).json()["id"]
        sim.wait_rendered(old_id)
    sim.close()
    stray = tmp_path / "files" / "0123456789abcdef0123456789abcdef.mp4"
    stray.write_bytes(b"....ftyp")
    os_time = stray.stat().st_mtime - 10 * 24 * 3600
    os.utime(stray, (os_time, os_time))
    clock.advance(3600)
    kept = Simulator(speed="instant", state_dir=tmp_path, clock=clock, retention_s=7200)
    assert kept.task(old_id) is not None and not stray.exists()
    kept.close()
    clock.advance(7200)
    pruned = Simulator(speed="instant", state_dir=tmp_path, clock=clock, retention_s=7200)
    assert pruned.task(old_id) is None and pruned.ledger.total_created == 0
    pruned.close()


def test_speeds_shape_the_timeline(tmp_path: Path, clock: FakeClock) -> None:
    totals = {}
    for speed in ("instant", "demo", "realistic"):
        sim = Simulator(speed=speed, state_dir=tmp_path / speed, clock=clock)
        tasks = [sim.engine.create(KEY, body(f"timeline {i} [sim:fail]"))[0] for i in range(40)]
        totals[speed] = sorted(t.total_s for t in tasks)
        assert all(t.pending_s <= t.total_s for t in tasks)
        sim.close()
    assert totals["instant"] == [0.0] * 40
    assert totals["demo"][0] >= 5 and totals["demo"][-1] <= 15
    realistic = totals["realistic"]
    assert realistic[0] >= 60 and realistic[-1] <= 1200 * 1.3
    assert 60 <= realistic[len(realistic) // 2] <= 300  # a median of a few minutes
