"""Real image files made with Pillow, written to a temporary directory."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def two_colour(
    size: tuple[int, int], left: tuple[int, int, int] = RED, right: tuple[int, int, int] = BLUE
) -> Image.Image:
    """An RGB image whose left half is ``left`` and right half ``right``."""
    image = Image.new("RGB", size, right)
    image.paste(left, (0, 0, size[0] // 2, size[1]))
    return image


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_header_only(width: int, height: int) -> bytes:
    """A syntactically valid PNG start whose IHDR claims ``width`` x ``height`` (no real pixels)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


@pytest.fixture
def rotated_jpeg(tmp_path: Path) -> Path:
    """A 200x100 JPEG stored sideways (red left, blue right) with EXIF orientation 6."""
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "phone.jpg"
    path.write_bytes(encode(two_colour((200, 100)), "JPEG", quality=95, exif=exif.tobytes()))
    return path


@pytest.fixture
def png_file(tmp_path: Path) -> Path:
    path = tmp_path / "still.png"
    path.write_bytes(encode(two_colour((1024, 1024)), "PNG"))
    return path


@pytest.fixture
def webp_file(tmp_path: Path) -> Path:
    path = tmp_path / "still.webp"
    path.write_bytes(encode(two_colour((640, 480)), "WEBP", quality=90))
    return path


@pytest.fixture
def jpeg_file(tmp_path: Path) -> Path:
    path = tmp_path / "still.jpg"
    path.write_bytes(encode(two_colour((1280, 720)), "JPEG", quality=90))
    return path
