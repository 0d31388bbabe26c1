"""load_image: sniffing by content, safe decoding, EXIF orientation, every input kind."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from sora_widgets import ImageError, InvalidRequestError, VideoRequest, load_image
from sora_widgets._constants import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS
from sora_widgets.media import sniff_mime

from .conftest import BLUE, RED, encode, png_header_only, two_colour


def decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


def close_to(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


# --- accepted formats, original bytes kept --------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "mime", "size"),
    [
        ("png_file", "image/png", "1024x1024"),
        ("webp_file", "image/webp", "640x480"),
        ("jpeg_file", "image/jpeg", "1280x720"),
    ],
)
def test_formats_are_sniffed_and_bytes_kept(
    request: pytest.FixtureRequest, fixture: str, mime: str, size: str
) -> None:
    path: Path = request.getfixturevalue(fixture)
    ref = load_image(path)
    assert ref.mime == mime
    assert ref.size == size
    assert ref.data == path.read_bytes()  # nothing changed, so nothing re-encoded
    assert ref.notes == ()
    assert ref.source == path.name


def test_type_comes_from_content_not_name(tmp_path: Path, png_file: Path) -> None:
    disguised = tmp_path / "really-a-png.jpg"
    disguised.write_bytes(png_file.read_bytes())
    assert load_image(disguised).mime == "image/png"
    assert load_image(str(disguised)).mime == "image/png"


def test_every_input_kind(png_file: Path) -> None:
    data = png_file.read_bytes()
    assert load_image(data).data == data
    assert load_image(bytearray(data)).data == data
    assert load_image(memoryview(data)).data == data
    assert load_image(io.BytesIO(data)).data == data
    with png_file.open("rb") as handle:
        ref = load_image(handle)
    assert ref.data == data and ref.source == "still.png"
    url = "data:image/png;base64," + base64.b64encode(data).decode()
    assert load_image(url).data == data
    assert load_image(data, source="my still").source == "my still"
    same = load_image(data)
    assert load_image(same) is same


def test_pil_image_is_encoded_and_said_so() -> None:
    ref = load_image(two_colour((1280, 720)))
    assert ref.mime == "image/png" and ref.size == "1280x720"
    assert decoded(ref.data).size == (1280, 720)
    assert any("PIL image" in note for note in ref.notes)


def test_pil_rgba_jpeg_source_becomes_rgb_jpeg(jpeg_file: Path) -> None:
    with Image.open(jpeg_file) as image:
        image.load()
        ref = load_image(image)
    assert ref.mime == "image/jpeg"
    assert sniff_mime(ref.data) == "image/jpeg"


def test_loaded_image_is_accepted_by_a_request(jpeg_file: Path) -> None:
    request = VideoRequest("The boat drifts right", size="1280x720", image=load_image(jpeg_file))
    assert request.model == "sora_2_pro_i2v"
    assert request.to_params()["input_reference"].startswith("data:image/jpeg;base64,")


# --- EXIF orientation ----------------------------------------------------------------------


def test_rotated_jpeg_comes_out_upright(rotated_jpeg: Path) -> None:
    ref = load_image(rotated_jpeg)
    assert ref.mime == "image/jpeg"
    assert ref.size == "100x200"  # stored 200x100, shown rotated 90° clockwise
    assert ref.data != rotated_jpeg.read_bytes()
    assert any("EXIF orientation 6" in note and "re-encoded" in note for note in ref.notes)
    image = decoded(ref.data)
    assert image.size == (100, 200)
    # Rotating 90° clockwise puts the stored left half (red) on top.
    assert close_to(image.getpixel((50, 20)), RED)
    assert close_to(image.getpixel((50, 180)), BLUE)
    with Image.open(io.BytesIO(ref.data)) as again:
        assert again.getexif().get(0x0112, 1) == 1  # not rotated twice by the next reader


def test_orientation_one_keeps_bytes(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 1
    path = tmp_path / "upright.jpg"
    path.write_bytes(encode(two_colour((64, 32)), "JPEG", exif=exif.tobytes()))
    ref = load_image(path)
    assert ref.data == path.read_bytes() and ref.size == "64x32" and ref.notes == ()


def test_rotated_pil_image_is_turned(rotated_jpeg: Path) -> None:
    with Image.open(rotated_jpeg) as image:
        ref = load_image(image)
    assert ref.size == "100x200"
    assert any("orientation 6" in note for note in ref.notes)


# --- refusals ------------------------------------------------------------------------------


def test_text_named_png_says_what_it_is(tmp_path: Path) -> None:
    fake = tmp_path / "cat.png"
    fake.write_text("hello, I am a shopping list\nmilk\neggs\n")
    with pytest.raises(ImageError) as info:
        load_image(fake)
    message = str(info.value)
    assert str(fake) in message
    assert "not a JPEG, PNG or WebP" in message
    assert "plain text" in message
    assert "shopping list" not in message and "milk" not in message  # content is never quoted
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"<!DOCTYPE html><html><body>403 Forbidden</body></html>", "HTML page"),
        (b"GIF89a" + b"\x00" * 20, "GIF"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 16, "video"),
        (b"", "empty"),
        (b"\x01\x02\x03\xfe\xff\x00\x80", "binary"),
        (b'{"error": "nope"}', "JSON"),
        (("é" * 400).encode(), "plain text"),  # a character cut at the end of the sample
    ],
)
def test_other_content_is_named(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(content)
    with pytest.raises(ImageError, match=words):
        load_image(path)


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "boat.png"
    with pytest.raises(ImageError) as info:
        load_image(missing)
    assert str(missing) in str(info.value)
    assert "no image file" in str(info.value)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="directory"):
        load_image(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_names_the_path(png_file: Path) -> None:
    png_file.chmod(0)
    try:
        with pytest.raises(ImageError, match="permission denied") as info:
            load_image(png_file)
        assert str(png_file) in str(info.value)
    finally:
        png_file.chmod(0o600)


def test_header_bomb_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    for width, height in [(100_000, 100_000), (8000, 6000), (MAX_IMAGE_PIXELS + 1, 1)]:
        with pytest.raises(ImageError) as info:
            load_image(png_header_only(width, height))
        message = str(info.value)
        assert "decompression bomb" in message
        assert f"{MAX_IMAGE_PIXELS:,}" in message


def test_header_just_under_the_limit_is_not_called_a_bomb() -> None:
    # The header is fine, so we get as far as decoding, which then fails on the fake pixel data.
    with pytest.raises(ImageError) as info:
        load_image(png_header_only(1000, 1000))
    assert "bomb" not in str(info.value)
    assert "truncated" in str(info.value)


def test_real_compressed_bomb_is_refused() -> None:
    # 7000 x 7000 one-bit pixels compress to a few kB but decode to 49 million pixels.
    data = encode(Image.new("1", (7000, 7000)), "PNG", optimize=True)
    assert len(data) < 100_000
    with pytest.raises(ImageError, match="7000x7000"):
        load_image(data)


def test_pil_image_over_the_limit_is_refused() -> None:
    with pytest.raises(ImageError, match="bomb"):
        load_image(Image.new("1", (8000, 6000)))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_truncated_files_are_refused(tmp_path: Path, fmt: str) -> None:
    # Noise compresses badly, so half the file really lacks half the pixels.
    noise = Image.frombytes("RGB", (256, 256), os.urandom(256 * 256 * 3))
    data = encode(noise, fmt)
    path = tmp_path / f"cut.{fmt.lower()}"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError) as info:
        load_image(path)
    assert "truncated" in str(info.value)
    assert "cut." in str(info.value)


def test_too_many_bytes_refused_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.png"
    with big.open("wb") as handle:
        handle.truncate(MAX_IMAGE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ImageError, match="MB"):
        load_image(big)
    with pytest.raises(ImageError, match="MB"):
        load_image(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_IMAGE_BYTES))


def test_urls_text_streams_and_odd_types_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match=r"client\.create"):
        load_image("https://example.com/boat.png")
    with pytest.raises(ImageError, match="binary mode"):
        load_image(io.StringIO("not bytes"))  # type: ignore[arg-type]
    with pytest.raises(ImageError, match="cannot use a int"):
        load_image(42)  # type: ignore[arg-type]
    with pytest.raises(ImageError, match="base64"):
        load_image("data:image/png,plain")
    with pytest.raises(ImageError, match="base64"):
        load_image("data:image/png;base64,@@@@")
    with pytest.raises(ImageError, match="empty"):
        load_image("  ")


def test_image_error_is_an_invalid_request() -> None:
    with pytest.raises(InvalidRequestError):
        load_image(b"nope")


def test_animated_webp_uses_first_frame() -> None:
    frames = [Image.new("RGB", (64, 64), RED), Image.new("RGB", (64, 64), BLUE)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="WEBP", save_all=True, append_images=frames[1:], lossless=True)
    ref = load_image(buffer.getvalue())
    assert ref.mime == "image/webp" and ref.size == "64x64"
    assert any("first frame" in note for note in ref.notes)
    with Image.open(io.BytesIO(ref.data)) as image:
        assert not getattr(image, "is_animated", False)
        assert close_to(image.convert("RGB").getpixel((5, 5)), RED)


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (PermissionError(13, "Permission denied"), "permission denied"),
        (OSError(5, "Input/output error"), "Input/output"),
    ],
)
def test_read_failures_name_the_path(
    png_file: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, words: str
) -> None:
    # Root can read a chmod 000 file, so inject the failure where the file is opened.
    def failing_open(*args: object, **kwargs: object) -> object:
        raise error

    monkeypatch.setattr("sora_widgets.media.os.open", failing_open)
    with pytest.raises(ImageError, match=words) as info:
        load_image(png_file)
    assert str(png_file) in str(info.value)
