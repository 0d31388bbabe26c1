"""fit_image and plan_fit: exact sizes, honest notes, the right pixels kept."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from sora_widgets import ImageError, InvalidRequestError, VideoRequest, fit_image, load_image
from sora_widgets.media import plan_fit, preview_png, thumbnail_png

from .conftest import BLUE, RED, encode, two_colour

GREEN = (20, 200, 20)


def decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGBA")


def close_to(pixel: tuple[int, ...], colour: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


def banded_square() -> Image.Image:
    """1024x1024 red/blue halves with a green band across the top 100 rows."""
    image = two_colour((1024, 1024))
    image.paste(GREEN, (0, 0, 1024, 100))
    return image


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("1280x720", (1280, 720)),
        ("720x1280", (720, 1280)),
        ("landscape", (1280, 720)),
        ("portrait", (720, 1280)),
        ((1280, 720), (1280, 720)),
    ],
)
@pytest.mark.parametrize("mode", ["cover", "letterbox"])
def test_exact_size_for_every_target(
    size: str | tuple[int, int], expected: tuple[int, int], mode: str
) -> None:
    ref = fit_image(banded_square(), size, mode)  # type: ignore[arg-type]
    assert (ref.width, ref.height) == expected
    assert decoded(ref.data).size == expected
    VideoRequest("The boat drifts right", size=size, image=ref)  # the model accepts it as is


def test_cover_note_and_crop(png_file: Path) -> None:
    png_file.write_bytes(encode(banded_square(), "PNG"))
    ref = fit_image(png_file, "1280x720")
    assert ref.mime == "image/png"
    assert (
        ref.notes[-1]
        == "cover-cropped from 1024x1024 to 1280x720: scaled by 1.250, cut: 280 px top and bottom"
    )
    image = decoded(ref.data)
    # The 125-row green band (100 rows scaled by 1.25) lies inside the 280 rows cut from the top.
    assert not close_to(image.getpixel((100, 0)), GREEN)
    assert close_to(image.getpixel((100, 360)), RED)
    assert close_to(image.getpixel((1200, 360)), BLUE)


def test_letterbox_note_and_bars() -> None:
    ref = fit_image(banded_square(), "landscape", "letterbox", background="#ffffff")
    assert ref.notes[-1] == (
        "letterboxed from 1024x1024 to 1280x720: scaled by 0.703, bars: 280 px left and right"
    )
    image = decoded(ref.data)
    assert close_to(image.getpixel((10, 360)), (255, 255, 255, 255))  # bar
    assert close_to(image.getpixel((1270, 360)), (255, 255, 255, 255))  # bar
    assert close_to(image.getpixel((640, 30)), GREEN)  # the band survives: nothing cut
    assert close_to(image.getpixel((300, 360)), RED)


def test_portrait_letterbox_has_top_and_bottom_bars() -> None:
    ref = fit_image(two_colour((1600, 900)), "portrait", "letterbox")
    assert ref.size == "720x1280"
    assert ref.notes[-1].endswith("scaled by 0.450, bars: 437 px top, 438 px bottom")
    image = decoded(ref.data)
    assert close_to(image.getpixel((360, 5)), (0, 0, 0, 255))
    assert close_to(image.getpixel((100, 640)), RED)


def test_already_right_size_is_untouched(jpeg_file: Path) -> None:
    ref = fit_image(jpeg_file, "1280x720")
    assert ref.data == jpeg_file.read_bytes()
    assert ref.notes == ()


def test_format_is_kept(webp_file: Path, jpeg_file: Path) -> None:
    assert fit_image(webp_file, "720x1280").mime == "image/webp"
    assert fit_image(jpeg_file, "720x1280").mime == "image/jpeg"


def test_rotation_and_fit_are_both_noted(rotated_jpeg: Path) -> None:
    ref = fit_image(rotated_jpeg, "portrait")
    assert ref.size == "720x1280"
    assert len(ref.notes) == 2
    assert "EXIF orientation 6" in ref.notes[0]
    assert ref.notes[1].startswith("cover-cropped from 100x200 to 720x1280")


def test_transparent_and_palette_pngs() -> None:
    rgba = Image.new("RGBA", (300, 300), (255, 0, 0, 0))
    ref = fit_image(encode(rgba, "PNG"), "landscape", "letterbox", background=(0, 0, 255, 255))
    image = decoded(ref.data)
    assert image.getpixel((640, 360))[3] == 0  # the transparent picture stays transparent
    assert close_to(image.getpixel((5, 360)), (0, 0, 255, 255))
    palette = two_colour((500, 400)).convert("P")
    assert fit_image(encode(palette, "PNG"), "1280x720").size == "1280x720"
    cmyk = two_colour((500, 400)).convert("CMYK")
    assert fit_image(encode(cmyk, "JPEG"), "1280x720").mime == "image/jpeg"


def test_any_explicit_size_a_catalog_model_asks_for_is_fitted() -> None:
    # A catalog model's aspect ratio gives sizes Sora does not have (1:1 -> 720x720); an image
    # picked for it was refused as "not offered by sora_2_pro_i2v".
    assert fit_image(two_colour((1024, 700)), "720x720").size == "720x720"
    assert fit_image(two_colour((100, 100)), (960, 720)).size == "960x720"
    assert fit_image(two_colour((100, 100)), "1920 × 1080", "letterbox").size == "1920x1080"
    assert fit_image(two_colour((100, 100)), "portrait").size == "720x1280"  # the names stay Sora's


def test_bad_size_mode_and_colour() -> None:
    for bad in ("0x720", "5000x720", "big", (True, 720), (1.5, 2)):
        with pytest.raises(InvalidRequestError, match="1280x720"):
            fit_image(two_colour((10, 10)), bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match="letterbox"):
        fit_image(two_colour((10, 10)), "1280x720", "stretch")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match="colour"):
        fit_image(two_colour((10, 10)), "1280x720", "letterbox", background="no-such-colour")
    with pytest.raises(ImageError):
        fit_image(b"not an image", "1280x720")


def test_preview_png() -> None:
    png = preview_png(two_colour((1280, 720)), 128)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (128, 72)
    assert thumbnail_png is preview_png
    with pytest.raises(InvalidRequestError):
        preview_png(two_colour((10, 10)), 0)
    with Image.open(io.BytesIO(preview_png(load_image(two_colour((30, 20))), 256))) as small:
        assert small.size == (30, 20)  # never enlarged


def test_plan_fit_example() -> None:
    plan = plan_fit((1024, 1024), (1280, 720))
    assert plan.scaled == (1280, 1280) and plan.box == (0, 280, 1280, 1000)
    assert plan_fit((720, 1280), (720, 1280)).unchanged
    with pytest.raises(InvalidRequestError):
        plan_fit((0, 10), (1280, 720))


sides = st.integers(min_value=1, max_value=20_000)
targets = st.sampled_from([(1280, 720), (720, 1280)])


@given(src=st.tuples(sides, sides), dst=targets)
def test_cover_plan_always_covers_exactly(src: tuple[int, int], dst: tuple[int, int]) -> None:
    plan = plan_fit(src, dst, "cover")
    left, top, right, bottom = plan.box
    assert (right - left, bottom - top) == dst
    assert left >= 0 and top >= 0 and right <= plan.scaled[0] and bottom <= plan.scaled[1]
    # Centred: the overflow is split evenly (to a pixel).
    assert abs((plan.scaled[0] - right) - left) <= 1
    assert abs((plan.scaled[1] - bottom) - top) <= 1


@given(src=st.tuples(sides, sides), dst=targets)
def test_letterbox_plan_always_fits_whole_image(src: tuple[int, int], dst: tuple[int, int]) -> None:
    plan = plan_fit(src, dst, "letterbox")
    left, top, right, bottom = plan.box
    assert (right - left, bottom - top) == plan.scaled
    assert left >= 0 and top >= 0 and right <= dst[0] and bottom <= dst[1]
    # The image touches the canvas on at least one axis: no needless double bars.
    assert plan.scaled[0] == dst[0] or plan.scaled[1] == dst[1]
