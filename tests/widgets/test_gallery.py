"""Gallery: the journal's history listed, filtered, replayed, explained; resume from the widget."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from sora_widgets.errors import GenerationFailed
from sora_widgets.journal import History, Journal
from sora_widgets.models.request import VideoRequest
from sora_widgets.widgets.gallery import Gallery

from .conftest import browser_sets, from_browser, until


@pytest.fixture
async def filled(client: Any) -> dict[str, Any]:
    """Two videos and one failure in the client's journal."""
    kite = await client.generate(prompt="A red kite at dusk", size="landscape")
    fox = await client.generate(prompt="A fox in fresh snow")
    with pytest.raises(GenerationFailed):
        await client.generate(prompt="A kite over the sea [sim:fail=097]")
    return {"kite": kite, "fox": fox}


async def test_lists_everything_newest_first_and_plays_a_video(client: Any, filled: dict[str, Any]) -> None:
    gallery = Gallery(client)
    assert [e.status for e in gallery.entries] == ["failed", "completed", "completed"]
    assert gallery.count == "3 requests, 2 videos"
    assert [v.task_id for v in gallery.videos] == [filled["fox"].task_id, filled["kite"].task_id]
    kite_entry = next(e for e in gallery.entries if e.task_id == filled["kite"].task_id)
    from_browser(gallery.strip, {"type": "select", "key": kite_entry.id})
    assert gallery.selected == kite_entry
    assert gallery.player.task_id == filled["kite"].task_id
    assert gallery.player.has_video
    from_browser(gallery.player, {"type": "ready"})
    _content, buffers = gallery.player.comm.custom("video")[-1]
    assert buffers[0] == filled["kite"].path.read_bytes()
    # A view asks for the thumbnails of the tiles it shows; they come as JPEG buffers (made off
    # the loop), once each. Nothing is made or sent before a view asks.
    from_browser(gallery.strip, {"type": "ready"})
    await asyncio.sleep(0.05)
    assert gallery.strip.comm.custom("thumb") == []
    from_browser(gallery.strip, {"type": "want", "keys": [e.id for e in gallery.entries]})
    for _ in range(300):
        if len({c["key"] for c, _ in gallery.strip.comm.custom("thumb")}) == 2:
            break
        await asyncio.sleep(0.02)
    thumbs = gallery.strip.comm.custom("thumb")
    assert {c["key"] for c, _ in thumbs} == {e.id for e in gallery.entries if e.status == "completed"}
    assert all(b[0][:3] == b"\xff\xd8\xff" for _, b in thumbs)
    gallery.refresh()  # the view already has them: nothing is sent again
    await asyncio.sleep(0.05)
    assert len(gallery.strip.comm.custom("thumb")) == len(thumbs) == 2
    # A tile scrolled back into view asks again: served from the kernel's cache, not re-decoded.
    from_browser(gallery.strip, {"type": "want", "keys": [kite_entry.id, "no-such-key"]})
    assert [c["key"] for c, _ in gallery.strip.comm.custom("thumb")[2:]] == [kite_entry.id]


async def test_a_long_history_makes_only_the_thumbnails_a_view_asks_for(
    client: Any, filled: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sora_widgets.widgets import _strip

    made: list[str] = []
    real = _strip.video_thumbnail

    def counting(path: Any, **kwargs: Any) -> bytes:
        made.append(str(path))
        return real(path, **kwargs)

    monkeypatch.setattr(_strip, "video_thumbnail", counting)
    gallery = Gallery(client)
    from_browser(gallery.strip, {"type": "ready"})
    gallery.refresh()
    gallery.refresh()
    await asyncio.sleep(0.1)
    assert made == []  # listing, refreshing and a view opening decode no frame
    fox = next(e for e in gallery.entries if e.task_id == filled["fox"].task_id)
    from_browser(gallery.strip, {"type": "want", "keys": [fox.id]})
    for _ in range(300):
        if gallery.strip.comm.custom("thumb"):
            break
        await asyncio.sleep(0.02)
    assert made == [str(filled["fox"].path)]


async def test_filters_from_the_browser(client: Any, filled: dict[str, Any]) -> None:
    gallery = Gallery(client)
    browser_sets(gallery, status="failed")
    assert [e.status for e in gallery.entries] == ["failed"]
    browser_sets(gallery, status="all", search="fox")
    assert [e.task_id for e in gallery.entries] == [filled["fox"].task_id]
    browser_sets(gallery, search="", model="sora_2_pro_i2v")
    assert gallery.entries == []
    assert gallery.count == "0 requests, 0 videos"


async def test_a_failed_entry_explains_itself(client: Any, filled: dict[str, Any]) -> None:
    gallery = Gallery(client)
    failed = gallery.entries[0]
    from_browser(gallery.strip, {"type": "select", "key": failed.id})
    detail = dict(gallery.detail)
    assert gallery.detail_title == "Failed"
    assert detail["Error code"] == "002999097 — HTTP error response"
    assert "check the prompt" in detail["What to do"]
    assert gallery.player.task_id == ""


def test_an_unknown_outcome_shows_the_request_and_is_not_resent() -> None:
    journal = Journal()
    request = VideoRequest("A kite in the rain", size="landscape", seconds=8)
    entry_id = journal.record_request(request, base_url="https://cloud.vtrix.ai", simulated=False)
    journal.record_unknown_outcome(entry_id, "the connection broke after the request was sent")
    gallery = Gallery(history=History(journal))
    browser_sets(gallery, status="unknown_outcome")
    [entry] = gallery.entries
    assert gallery.strip.items[0]["status"] == "unknown_outcome"
    from_browser(gallery.strip, {"type": "select", "key": entry.id})
    detail = dict(gallery.detail)
    assert detail["Status"] == "outcome unknown"
    assert detail["Prompt"] == "A kite in the rain"
    assert detail["Size"] == "1280x720" and detail["Length"] == "8 s"
    assert detail["Estimated price"] == "$2.40"
    assert "not resent" in detail["What to do"]
    assert not gallery.can_resume  # no client: nothing can be sent from here
    journal.close()


async def test_resume_finishes_unfinished_tasks_without_creating_new_ones(client: Any) -> None:
    task = await client.create(prompt="A lantern drifting on a river")
    created = client.simulator.ledger.total_created
    gallery = Gallery(client)
    assert gallery.unfinished == 1
    from_browser(gallery, {"type": "resume"})
    await until(lambda: (gallery.unfinished == 0 and not gallery.busy) or gallery.error, "resumed")
    assert gallery.unfinished == 0, gallery.error
    assert [e.task_id for e in gallery.entries if e.status == "completed"] == [task.id]
    assert client.simulator.ledger.total_created == created


async def test_the_gallery_is_one_anywidget_whose_parts_exist_before_it_is_shown(
    client: Any, filled: dict[str, Any]
) -> None:
    """marimo serves a widget's code only while a cell runs: the Gallery makes its parts once."""
    import anywidget
    from ipywidgets.widgets.widget import _instances

    gallery = Gallery(client)
    assert isinstance(gallery, anywidget.AnyWidget)
    assert gallery.controls is gallery  # code written for the old box still finds the filters
    state = gallery.get_state()
    assert state["strip"] == f"IPY_MODEL_{gallery.strip.model_id}"
    assert state["player"] == f"IPY_MODEL_{gallery.player.model_id}"
    esm = str(gallery._esm)
    for part in ("function mountStrip(", "function mountPlayer(", "function mountGallery("):
        assert part in esm
    assert "render: mountGallery" in esm
    gallery._repr_mimebundle_()  # displayed
    made = set(_instances)
    for entry in reversed(gallery.entries):  # every kind chosen (a failure last), filters, refresh
        from_browser(gallery.strip, {"type": "select", "key": entry.id})
    browser_sets(gallery, status="failed")
    browser_sets(gallery, status="all", search="kite")
    from_browser(gallery, {"type": "refresh"})
    assert set(_instances) == made, "a widget was created after the Gallery was shown"
    # The last choice was a failure: explained in the details (the front end hides the player).
    assert gallery.detail and gallery.player.has_video is False
    kite = next(e for e in gallery.entries if e.status == "completed")
    gallery.select(kite)
    assert gallery.detail == [] and gallery.detail_title == ""
    assert gallery.player.video == kite.video and gallery.selected == kite
    gallery.close()  # its parts end with it: a long session leaves no widget behind
    assert gallery.comm is None and gallery.strip.comm is None and gallery.player.comm is None


async def test_resume_returns_a_job_and_without_a_client_says_what_is_needed(client: Any) -> None:
    from sora_widgets.job import Job

    await client.create(prompt="A lantern drifting on a river")
    gallery = Gallery(client)
    job = gallery.resume()
    assert isinstance(job, Job)
    await job
    assert gallery.unfinished == 0 and gallery.error == "" and not gallery.busy
    lonely = Gallery(history=gallery.history)
    assert lonely.resume() is None
    assert "needs a client" in lonely.error


def test_a_broken_journal_is_shown_in_the_widget(client: Any) -> None:
    class Broken:
        def entries(self, **_kwargs: Any) -> Any:
            raise OSError("disk gone")

        def unfinished(self) -> Any:
            return []

    gallery = Gallery(history=Broken())  # type: ignore[arg-type]
    assert "disk gone" in gallery.error and gallery.entries == []


def test_without_an_event_loop_resume_says_to_use_the_blocking_twin(sim_state: Any) -> None:
    """A host that runs no event loop between cells (a script, a console): the widget says what works."""
    from sora_widgets.client import SoraClient
    from sora_widgets.simulator import Simulator

    with Simulator(speed="instant", state_dir=sim_state) as simulator:
        client = SoraClient(connect=simulator)
        task = client.create_sync(prompt="A lantern drifting on a river")
        gallery = Gallery(client)
        assert gallery.unfinished == 1
        assert gallery.resume() is None
        assert "client.resume_sync()" in gallery.error
        client.resume_sync()
        gallery.refresh()
        assert gallery.unfinished == 0 and gallery.error == ""
        assert [e.task_id for e in gallery.entries] == [task.id]
        client.close()
        if client.journal is not None:
            client.journal.close()
