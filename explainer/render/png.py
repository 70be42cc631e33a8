"""A palette image as a PNG, compressed with zlib-ng.

Pillow writes PNGs with the zlib it was built with, whose quickest level spent about 1.5 ms of
each social image (3.6 ms in all, then) deflating runs of background. zlib-ng's deflate does it
in about a third of the time, and at its level 2 a fifth smaller than zlib's level 1 (on the images of
bench/social_images.py: 0.54 ms and 18.6 KB an image, against 1.47 ms and 22.9 KB). Pillow
cannot be given another compressor, so the few chunks of a palette PNG are written here, as the
PNG specification lays them out (signature, IHDR, PLTE, IDAT, IEND, each with its CRC-32); the
decoding is left to every reader of PNGs, and the tests read each image back with Pillow.
"""

from __future__ import annotations

import struct
import zlib

from PIL import Image
from zlib_ng import zlib_ng

SIGNATURE = b"\x89PNG\r\n\x1a\n"
LEVEL = 2  # zlib-ng's level 1 is 0.12 ms quicker and half as large again


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))


def palette_png(image: Image.Image) -> bytes:
    """A "P" image as PNG bytes: 8 bits a pixel, its palette, no other chunk (so no timestamp:
    the same image gives the same bytes)."""
    if image.mode != "P":
        raise ValueError(f"palette_png takes a P image, not {image.mode}")
    width, height = image.size
    # Each row of a PNG starts with its filter's type: 0, none (a filter would not shrink palette
    # indices). The image is pasted one column in, into one whose first column is 0.
    rows = Image.new("P", (width + 1, height), 0)
    rows.paste(image, (1, 0))
    palette = bytes(image.getpalette() or [])
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8 bits, colour type 3 (palette), deflate, no interlace
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"PLTE", palette) + _chunk(b"IDAT", zlib_ng.compress(rows.tobytes(), LEVEL)) + _chunk(b"IEND", b"")
