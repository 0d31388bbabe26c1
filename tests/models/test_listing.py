"""The catalog list's paging and filters (pure): the simulator and the gateway answer with them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sora_widgets.models.listing import MAX_PAGE_SIZE, list_answer
from sora_widgets.models.specs import ModelInfo

INFOS = [ModelInfo(f"m{i}", f"Model {i}", "video" if i % 3 else "image", f"about {i}") for i in range(23)]


@given(page=st.one_of(st.none(), st.text(max_size=6)), size=st.one_of(st.none(), st.text(max_size=6)))
def test_any_query_string_is_a_page_or_the_envelopes_400(page: str | None, size: str | None) -> None:
    query = {k: v for k, v in (("page", page), ("page_size", size)) if v is not None}
    status, body = list_answer(INFOS, query)
    if status == 400:
        assert body["data"] is None and body["status"]["code"] == 400
        assert "page" in body["status"]["message"]
        return
    data = body["data"]
    assert status == 200 and body["status"]["code"] == 0
    assert data["page"] >= 1 and 1 <= data["page_size"] <= MAX_PAGE_SIZE
    assert len(data["models"]) <= data["page_size"] and data["total"] == len(INFOS)
    assert data["total_pages"] == -(-len(INFOS) // data["page_size"])


def test_pages_and_filters() -> None:
    pages = [list_answer(INFOS, {"page": str(p), "page_size": "5"})[1]["data"]["models"] for p in range(1, 7)]
    assert [m["id"] for page in pages for m in page] == [i.id for i in INFOS] and pages[-1] == []
    video = list_answer(INFOS, {"type": "VIDEO", "page_size": "100"})[1]["data"]
    assert video["total"] == 15 and all(m["type"] == "video" for m in video["models"])
    found = list_answer(INFOS, {"keywords": "MODEL 1 about"})[1]["data"]
    assert [m["id"] for m in found["models"]] == [i.id for i in INFOS if "1" in i.id]
