"""Small byte strings with a whole MP4 box structure (ftyp, moov, mdat), for download tests.

The download verifier walks the top-level boxes, so a stand-in video must have them; the
payloads are arbitrary.
"""

from __future__ import annotations

import struct


def box(kind: bytes, payload: bytes) -> bytes:
    """One ISO-BMFF box: 32-bit size, four-letter type, payload."""
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def fake_mp4(mdat_bytes: int = 4096, *, moov_first: bool = True) -> bytes:
    """``ftyp`` + ``moov`` + ``mdat`` (or ``ftyp`` + ``mdat`` + ``moov``) with patterned payloads."""
    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41")
    moov = box(b"moov", box(b"mvhd", bytes(100)))
    mdat = box(b"mdat", bytes(i % 251 for i in range(mdat_bytes)))
    return ftyp + (moov + mdat if moov_first else mdat + moov)
