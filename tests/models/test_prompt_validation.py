"""Prompt and size validation on arbitrary input: a VideoRequest or an InvalidRequestError
that names what is allowed, never another exception, and never a prompt that shows nothing."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sora_widgets.errors import InvalidRequestError
from sora_widgets.models.request import VideoRequest
from sora_widgets.models.wire import create_body


@settings(max_examples=400)
@given(
    prompt=st.text(max_size=60)  # any Unicode hypothesis likes...
    | st.text(  # ... and mostly the troublesome kinds: surrogates, controls, formats, spaces, marks
        alphabet=st.characters(categories=["Cs", "Cc", "Cf", "Co", "Zs", "Zl", "Mn", "Lo"]), max_size=20
    )
)
def test_any_unicode_prompt_is_a_sendable_request_or_a_clear_refusal(prompt: str) -> None:
    try:
        request = VideoRequest(prompt)
    except InvalidRequestError as exc:
        assert "prompt" in str(exc)
        return
    # What is accepted can be sent as UTF-8 JSON, and shows something.
    json.dumps(create_body(request), ensure_ascii=False).encode("utf-8")
    assert any(unicodedata.category(c)[0] in "LNPS" for c in request.prompt)


@pytest.mark.parametrize(
    ("prompt", "match"),
    [
        ("a kite \ud800 over the sea", "surrogate"),
        ("\udfff", "surrogate"),
        ("\x00\x00\x00", "control character"),
        ("a kite\x00", "control character"),
        ("\u200b\u200c\u200d\ufeff", "shows nothing"),
        ("\u2060 \u3000 \u00a0", "shows nothing"),
        ("\u202e\u2066", "shows nothing"),
        ("\u3164\u115f", "shows nothing"),
        ("   \n\t ", "shows nothing"),
        ("a kite\x1b[2J", "control character"),
    ],
)
def test_broken_and_invisible_prompts_are_refused_naming_what_is_allowed(prompt: str, match: str) -> None:
    with pytest.raises(InvalidRequestError, match=match):
        VideoRequest(prompt)


def test_prompts_with_ordinary_unicode_pass() -> None:
    for prompt in (
        "Ein Drachen über dem Meer",
        "凧が海の上を飛ぶ",
        "a kite 🪁 at dusk",
        "line one\nline two\tend",
    ):
        assert VideoRequest(prompt).prompt == prompt


@pytest.mark.parametrize(
    "size", [(1280,), (1280, 720, 99), (), ("1280", "720"), (1280.0, 720.0), (True, 720), 1280, 12.5]
)
def test_sizes_of_the_wrong_shape_are_refused_naming_the_sizes(size: Any) -> None:
    with pytest.raises(InvalidRequestError, match="1280x720"):
        VideoRequest("a kite", size=size)


def test_size_pairs_still_work() -> None:
    assert VideoRequest("a kite", size=(1280, 720)).size == "1280x720"
    assert VideoRequest("a kite", size=[720, 1280]).size == "720x1280"  # type: ignore[arg-type]


@pytest.mark.parametrize("remix", ["video_\ud800", "video abc", "x" * 300, "vidéo"])
def test_remix_ids_that_are_not_ids_are_refused(remix: str) -> None:
    with pytest.raises(InvalidRequestError, match="remix_video_id"):
        VideoRequest("a kite", remix_video_id=remix)


@settings(max_examples=200)
@given(
    size=st.one_of(
        st.tuples(),
        st.tuples(st.integers()),
        st.tuples(st.integers(), st.integers(), st.integers()),
        st.lists(st.integers(), max_size=4).map(tuple),
        st.text(max_size=12),
        st.integers(),
    )
)
def test_any_size_is_a_wire_size_or_a_clear_refusal(size: Any) -> None:
    try:
        request = VideoRequest("a kite", size=size)
    except InvalidRequestError as exc:
        assert "720x1280" in str(exc)
    else:
        assert request.size in ("720x1280", "1280x720")
