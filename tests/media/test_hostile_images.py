"""Images as careless users and hostile files give them: every Pillow mode converts faithfully
or is refused clearly; only regular files are read (a FIFO never hangs, also not async)."""

from __future__ import annotations

import asyncio
import io
import os
import threading
from pathlib import Path

import pytest
from PIL import Image

from sora_widgets.errors import ImageError
from sora_widgets.media import fit_image, load_image, preview_png, working_mode


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _grey(png: bytes) -> int:
    with Image.open(io.BytesIO(png)) as opened:
        value = opened.convert("L").getpixel((opened.width // 2, opened.height // 2))
    assert isinstance(value, int)
    return value


@pytest.mark.parametrize(("sample", "expected"), [(0, 0), (32768, 128), (65535, 255), (13107, 51)])
def test_a_16_bit_png_keeps_its_brightness_through_fit_and_preview(
    tmp_path: Path, sample: int, expected: int
) -> None:
    path = tmp_path / "deep.png"
    path.write_bytes(_png(Image.new("I;16", (640, 360), sample)))
    ref = load_image(path)
    fitted = fit_image(path, "1280x720")
    assert fitted.size == "1280x720" and ref.size == "640x360"
    assert abs(_grey(fitted.data) - expected) <= 1  # not clipped to white
    assert abs(_grey(preview_png(path, 64)) - expected) <= 1


@pytest.mark.parametrize(
    "mode",
    [
        "1",
        "L",
        "LA",
        "La",
        "P",
        "PA",
        "RGB",
        "RGBA",
        "RGBa",
        "RGBX",
        "CMYK",
        "YCbCr",
        "LAB",
        "HSV",
        "I",
        "I;16",
        "I;16B",
        "F",
    ],
)
def test_every_pillow_mode_converts_or_is_refused_clearly(mode: str) -> None:
    image = Image.new(mode, (1280, 720))
    try:
        ref = load_image(image)
    except ImageError as exc:
        assert mode in str(exc)
        return
    assert ref.size == "1280x720"
    assert working_mode(image).mode in ("RGB", "RGBA", "L", "LA")
    fit_image(image, "720x1280")
    preview_png(image, 32)


def test_la_premultiplied_is_converted_not_a_bare_value_error() -> None:
    image = Image.new("LA", (1280, 720), (200, 255)).convert("La")
    ref = fit_image(image, "1280x720")
    assert abs(_grey(ref.data) - 200) <= 1


@pytest.mark.parametrize(("mode", "low", "high"), [("F", -5.0, 1e6), ("I", -1, 70000)])
def test_samples_outside_any_known_range_are_refused_naming_them(mode: str, low: float, high: float) -> None:
    image = Image.new(mode, (1280, 720), low)
    image.putpixel((0, 0), high)
    with pytest.raises(ImageError, match="first"):
        fit_image(image, "1280x720")


def test_a_float_image_in_zero_to_one_is_scaled() -> None:
    image = Image.new("F", (1280, 720), 0.5)
    assert abs(_grey(fit_image(image, "720x1280").data) - 128) <= 1


def test_a_mode_nobody_can_convert_is_refused_listing_what_works() -> None:
    image = Image.new("RGB", (16, 16))
    image._mode = "XYZ"  # what a plugin or a future Pillow might hand over
    with pytest.raises(ImageError, match="Modes that work"):
        working_mode(image)


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "picture.png"
    os.mkfifo(path)
    return path


def test_a_fifo_is_refused_at_once_not_read_forever(tmp_path: Path) -> None:
    path = _fifo(tmp_path)
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            load_image(path)
        except BaseException as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)
    if worker.is_alive():  # unblock the hung reader so the test process can end
        with open(path, "wb"):
            pass
        pytest.fail("load_image blocked on a FIFO")
    (error,) = outcome
    assert isinstance(error, ImageError) and "not a regular file" in str(error)


async def test_a_fifo_passed_to_create_does_not_hang_the_event_loop(tmp_path: Path) -> None:
    from sora_widgets.client import SoraClient

    path = _fifo(tmp_path)
    client = SoraClient(journal=False)
    try:
        with pytest.raises(ImageError, match="not a regular file"):
            await asyncio.wait_for(client.create(prompt="the boat drifts", image=str(path)), timeout=60)
    finally:
        await client.aclose()
