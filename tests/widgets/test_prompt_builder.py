"""PromptBuilder: composing, pricing, the request both ways, images as they will be sent, submit."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from PIL import Image

from sora_widgets.models.request import VideoRequest
from sora_widgets.models.video import Video
from sora_widgets.widgets.prompt_builder import PromptBuilder, compose_prompt

from .conftest import browser_sets, from_browser


def jpeg_bytes(width: int, height: int, *, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (width, height), "navy")
    image.paste(Image.new("RGB", (width // 4, height // 4), "yellow"), (0, 0))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def decoded_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_compose_prompt_orders_the_shot_fields() -> None:
    assert compose_prompt("", subject="a fox", action="running", camera="tracking shot") == (
        "A fox, running. Camera: tracking shot."
    )
    assert compose_prompt("  Just text  ") == "Just text"
    assert compose_prompt("") == ""


def test_typing_in_the_browser_composes_the_prompt_and_prices_it() -> None:
    builder = PromptBuilder()
    assert builder.price.startswith("$1.20")  # 4 s default, before anything is typed
    browser_sets(builder, text="Calm mood.", shot_type="Close-up", subject="a heron", lighting="soft dawn")
    assert builder.prompt == "Calm mood. Close-up of a heron. Lighting: soft dawn."
    browser_sets(builder, seconds=12, orientation="landscape")
    assert builder.price.startswith("$3.60")
    request = builder.request
    assert (request.prompt, request.size, request.seconds, request.model) == (
        builder.prompt,
        "1280x720",
        12,
        "sora_2_pro_t2v",
    )
    assert request.estimated_cost == Decimal("3.60")


def test_setting_the_request_from_python_fills_the_form_and_tells_the_browser(
    recording_comms: list[Any],
) -> None:
    builder = PromptBuilder()
    builder.request = VideoRequest(
        "A lighthouse in fog", size="landscape", seconds=8, remix_video_id="video_1"
    )
    assert (builder.text, builder.orientation, builder.seconds, builder.remix_id) == (
        "A lighthouse in fog",
        "landscape",
        8,
        "video_1",
    )
    sent = {k: v for state in builder.comm.states() for k, v in state.items()}
    assert sent["text"] == "A lighthouse in fog"
    assert sent["orientation"] == "landscape"
    assert sent["seconds"] == 8
    assert builder.request == VideoRequest(
        "A lighthouse in fog", size="landscape", seconds=8, remix_video_id="video_1"
    )


def test_out_of_range_length_from_the_browser_is_reported_not_sent() -> None:
    builder = PromptBuilder()
    calls: list[VideoRequest] = []
    builder.on_submit(calls.append)
    browser_sets(builder, text="A kite", seconds=5)
    assert "seconds=5" in builder.problem
    from_browser(builder, {"type": "submit"})
    assert calls == []
    assert "4, 8, 12" in builder.error


def test_generate_with_an_empty_prompt_shows_why_and_calls_nobody() -> None:
    builder = PromptBuilder()
    calls: list[VideoRequest] = []
    builder.on_submit(calls.append)
    assert builder.show_generate
    from_browser(builder, {"type": "submit"})
    assert calls == []
    assert "prompt is empty" in builder.error
    browser_sets(builder, text="A heron at dawn")
    from_browser(builder, {"type": "submit"})
    assert [c.prompt for c in calls] == ["A heron at dawn"]
    assert builder.error == ""


def test_a_failing_submit_callback_is_shown_in_the_widget() -> None:
    def broken(_request: VideoRequest) -> None:
        raise RuntimeError("callback exploded")

    builder = PromptBuilder(on_submit=broken)
    browser_sets(builder, text="A heron")
    from_browser(builder, {"type": "submit"})
    assert builder.error == "RuntimeError: callback exploded"


def test_pressing_generate_again_for_the_request_just_sent_asks_first() -> None:
    builder = PromptBuilder()
    calls: list[VideoRequest] = []
    builder.on_submit(calls.append)
    now = [100.0]
    builder._clock = lambda: now[0]
    browser_sets(builder, text="A heron at dawn", seconds=8)
    from_browser(builder, {"type": "submit"})
    now[0] += 0.3  # a double click
    from_browser(builder, {"type": "submit"})
    assert len(calls) == 1  # one paid generation, not two
    assert builder.repeat_note == "This same video was started just now: nothing new was sent."
    assert builder.repeat_label == "Generate again ($2.40)"
    # "Generate again" is the deliberate second one.
    from_browser(builder, {"type": "submit", "again": True})
    assert len(calls) == 2 and builder.repeat_label == ""
    # An edited form is a new request; the same one a while later is a new wish too.
    browser_sets(builder, text="A heron at dusk")
    from_browser(builder, {"type": "submit"})
    now[0] += 61
    from_browser(builder, {"type": "submit"})
    assert [c.prompt for c in calls] == ["A heron at dawn"] * 2 + ["A heron at dusk"] * 2
    from_browser(builder, {"type": "submit"})
    assert len(calls) == 4 and builder.repeat_label
    browser_sets(builder, seconds=4)  # any edit withdraws the question
    assert builder.repeat_label == builder.repeat_note == ""


def test_uploaded_rotated_jpeg_is_shown_upright_and_fitted_as_it_will_be_sent() -> None:
    builder = PromptBuilder()
    browser_sets(builder, text="The scene comes alive", orientation="portrait")
    # Stored 1600x1200 with EXIF "rotate 90": upright it is 1200x1600 (portrait).
    from_browser(builder, {"type": "upload", "name": "phone.jpg"}, [jpeg_bytes(1600, 1200, orientation=6)])
    assert builder.error == ""
    image = builder.request.image
    assert image is not None and not isinstance(image, str)
    assert image.size == "720x1280"
    assert decoded_size(image.data) == (720, 1280)
    assert builder.request.model == "sora_2_pro_i2v"
    assert any("orientation" in note.lower() or "rotat" in note.lower() for note in builder.image_notes)
    assert any("cover" in note for note in builder.image_notes)
    assert "Image to Video" in builder.price
    previews = builder.comm.custom("image")
    assert previews, "the preview must reach the browser"
    content, buffers = previews[-1]
    assert buffers == [image.data]  # exactly the bytes that will be sent
    assert content["version"] == builder.image_version
    # The image never rides in the synced state.
    assert all(image.data not in repr(state).encode() for state in builder.comm.states())


def test_letterbox_and_orientation_refit_the_original_not_the_crop() -> None:
    builder = PromptBuilder()
    builder.set_image(Image.new("RGB", (1000, 1000), "red"))
    cover = builder.image
    browser_sets(builder, fit_mode="letterbox")
    letterbox = builder.image
    assert cover is not None and letterbox is not None and not isinstance(letterbox, str)
    assert cover != letterbox
    assert any("letterbox" in note for note in builder.image_notes)
    browser_sets(builder, orientation="landscape")
    assert letterbox.size == "720x1280"
    landscape = builder.image
    assert landscape is not None and not isinstance(landscape, str)
    assert landscape.size == "1280x720"
    assert decoded_size(landscape.data) == (1280, 720)


def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message() -> None:
    builder = PromptBuilder()
    from_browser(builder, {"type": "upload", "name": "photo.png"}, [b"<html>not an image</html>"])
    assert not builder.has_image
    assert "not a JPEG, PNG or WebP" in builder.error
    assert "HTML page" in builder.error


def test_remove_image_goes_back_to_text_to_video() -> None:
    builder = PromptBuilder()
    builder.text = "A kite"
    builder.set_image(Image.new("RGB", (720, 1280), "red"))
    assert builder.request.model == "sora_2_pro_i2v"
    from_browser(builder, {"type": "clear_image"})
    assert not builder.has_image
    assert builder.request.model == "sora_2_pro_t2v"


def test_remix_source_chosen_from_earlier_results(landscape_video: Video) -> None:
    builder = PromptBuilder(remix_sources=[landscape_video])
    assert builder.remix_choices[0]["id"] == "video_abc123"
    assert "red kite" in builder.remix_choices[0]["label"]
    browser_sets(builder, text="Same kite, at night", remix_id="video_abc123")
    assert builder.request.remix_video_id == "video_abc123"
    browser_sets(builder, remix_id="")
    assert builder.request.remix_video_id is None


def test_generate_uses_the_form_as_the_browser_showed_it() -> None:
    """The click can overtake the last keystrokes' state updates; it carries the form itself."""
    builder = PromptBuilder()
    calls: list[VideoRequest] = []
    builder.on_submit(calls.append)
    form = {
        "text": "A heron at dawn",
        "subject": "",
        "orientation": "landscape",
        "seconds": 8,
        "remix_id": "",
    }
    from_browser(builder, {"type": "submit", "form": form})
    assert [(c.prompt, c.size, c.seconds) for c in calls] == [("A heron at dawn", "1280x720", 8)]
    assert builder.text == "A heron at dawn"


def test_a_forged_form_value_is_refused_in_the_widget() -> None:
    builder = PromptBuilder()
    calls: list[VideoRequest] = []
    builder.on_submit(calls.append)
    from_browser(builder, {"type": "submit", "form": {"text": "A heron", "orientation": "sideways"}})
    assert calls == []
    assert "orientation" in builder.error


def test_a_lost_update_is_resynchronised_from_the_form_message() -> None:
    builder = PromptBuilder()
    browser_sets(builder, text="xyzz")  # the last state update that reached the kernel
    # The page went on to "xyzzzzzQQ" but those updates were lost; the view's resync carries it.
    form = {"text": "xyzzzzzQQ", "orientation": "landscape", "seconds": 8}
    from_browser(builder, {"type": "form", "view": "v1", "seq": 9, "form": form})
    assert (builder.text, builder.orientation, builder.seconds) == ("xyzzzzzQQ", "landscape", 8)
    assert builder.prompt == "xyzzzzzQQ" and builder.price.startswith("$2.40")
    assert builder.comm.custom("form_ack")[-1][0] == {"type": "form_ack", "view": "v1", "seq": 9}
    # An older resend from the same view (overtaken on the way) changes nothing, and is acknowledged
    # with the newest number, so the view stops resending.
    from_browser(builder, {"type": "form", "view": "v1", "seq": 7, "form": {"text": "xyzzz"}})
    assert builder.text == "xyzzzzzQQ"
    assert builder.comm.custom("form_ack")[-1][0]["seq"] == 9
    # Another view of the same builder counts on its own.
    from_browser(builder, {"type": "form", "view": "v2", "seq": 1, "form": {"text": "from view two"}})
    assert builder.text == "from view two"
    # A refused value is shown and still acknowledged (resending it would not help).
    from_browser(builder, {"type": "form", "view": "v2", "seq": 2, "form": {"orientation": "sideways"}})
    assert builder.error and builder.comm.custom("form_ack")[-1][0]["seq"] == 2


def test_free_text_and_shot_details_are_joined_with_a_separator() -> None:
    joined = compose_prompt("slow orbit", shot_type="Close-up", subject="a red kite")
    assert joined == "slow orbit. Close-up of a red kite."
    # Free text that already ends a sentence gets no second full stop.
    assert compose_prompt("Calm mood!", subject="a fox") == "Calm mood! A fox."
    assert compose_prompt("slow orbit") == "slow orbit"


def test_clear_empties_the_form_from_the_page() -> None:
    builder = PromptBuilder()
    browser_sets(builder, text="A kite", subject="a fox", lighting="dusk", remix_id="video_abc", seconds=8)
    builder.set_image(jpeg_bytes(64, 48), name="kite.jpg")
    assert builder.prompt and builder.has_image
    from_browser(builder, {"type": "clear"})
    assert (builder.text, builder.subject, builder.lighting, builder.prompt) == ("", "", "", "")
    assert builder.remix_id == "" and not builder.has_image and builder.image is None
    assert builder.seconds == 8  # orientation and length stay as chosen
