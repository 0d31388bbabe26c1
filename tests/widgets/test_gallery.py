"""Gallery: the journal's history listed, filtered, replayed, explained; resume from the widget."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from sora_widgets.errors import GenerationFailed
from sora_widgets.journal import History, Journal
from sora_widgets.models.request import VideoRequest
from sora_widgets.widgets.gallery import Gallery

from .conftest import browser_sets, from_browser


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
    assert gallery.controls.count == "3 requests, 2 videos"
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
    browser_sets(gallery.controls, status="failed")
    assert [e.status for e in gallery.entries] == ["failed"]
    browser_sets(gallery.controls, status="all", search="fox")
    assert [e.task_id for e in gallery.entries] == [filled["fox"].task_id]
    browser_sets(gallery.controls, search="", model="sora_2_pro_i2v")
    assert gallery.entries == []
    assert gallery.controls.count == "0 requests, 0 videos"


async def test_a_failed_entry_explains_itself(client: Any, filled: dict[str, Any]) -> None:
    gallery = Gallery(client)
    failed = gallery.entries[0]
    from_browser(gallery.strip, {"type": "select", "key": failed.id})
    detail = dict(gallery.controls.detail)
    assert gallery.controls.detail_title == "Failed"
    assert detail["Error code"] == "002999097 — HTTP error response"
    assert "check the prompt" in detail["What to do"]
    assert gallery.player.task_id == ""


def test_an_unknown_outcome_shows_the_request_and_is_not_resent() -> None:
    journal = Journal()
    request = VideoRequest("A kite in the rain", size="landscape", seconds=8)
    entry_id = journal.record_request(request, base_url="https://cloud.vtrix.ai", simulated=False)
    journal.record_unknown_outcome(entry_id, "the connection broke after the request was sent")
    gallery = Gallery(history=History(journal))
    browser_sets(gallery.controls, status="unknown_outcome")
    [entry] = gallery.entries
    assert gallery.strip.items[0]["status"] == "unknown_outcome"
    from_browser(gallery.strip, {"type": "select", "key": entry.id})
    detail = dict(gallery.controls.detail)
    assert detail["Status"] == "outcome unknown"
    assert detail["Prompt"] == "A kite in the rain"
    assert detail["Size"] == "1280x720" and detail["Length"] == "8 s"
    assert detail["Estimated price"] == "$2.40"
    assert "not resent" in detail["What to do"]
    assert not gallery.controls.can_resume  # no client: nothing can be sent from here
    journal.close()


async def test_resume_finishes_unfinished_tasks_without_creating_new_ones(client: Any) -> None:
    task = await client.create(prompt="A lantern drifting on a river")
    created = client.simulator.ledger.total_created
    gallery = Gallery(client)
    assert gallery.controls.unfinished == 1
    from_browser(gallery.controls, {"type": "resume"})
    for _ in range(500):
        if gallery.controls.unfinished == 0 and not gallery.controls.busy:
            break
        await asyncio.sleep(0.02)
    assert gallery.controls.unfinished == 0, gallery.controls.error
    assert [e.task_id for e in gallery.entries if e.status == "completed"] == [task.id]
    assert client.simulator.ledger.total_created == created
