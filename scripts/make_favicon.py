"""Draw webapp/static/favicon.ico: the favicon.svg design (a white magnifier on a dark
blue rounded square) as 16x16 and 32x32 PNG images inside one ICO file.

Browsers and feed readers ask for /favicon.ico whatever the page links to; an ICO with
PNG images inside is understood by every current browser. Pure Python (zlib, struct),
anti-aliased by 4x4 supersampling, so it runs anywhere and gives the same bytes each
time: `.venv/bin/python scripts/make_favicon.py`.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "webapp" / "static" / "favicon.ico"
SIZES = (16, 32)
SUPERSAMPLE = 4
BLUE, WHITE = (0x15, 0x42, 0x73), (0xFF, 0xFF, 0xFF)


def _segment_distance(x: float, y: float, a: tuple[float, float], b: tuple[float, float]
                      ) -> float:
    (ax, ay), (bx, by) = a, b
    t = max(0.0, min(1.0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay))
                     / ((bx - ax) ** 2 + (by - ay) ** 2)))
    return math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay)))


def _in_rounded_square(x: float, y: float, radius: float = 6.0) -> bool:
    cx, cy = min(max(x, radius), 32 - radius), min(max(y, radius), 32 - radius)
    return 0 <= x <= 32 and 0 <= y <= 32 and math.hypot(x - cx, y - cy) <= radius


def _sample(x: float, y: float) -> tuple[int, int, int] | None:
    """The colour of the design at (x, y) in its 32x32 coordinates, None outside."""
    if not _in_rounded_square(x, y):
        return None
    ring = abs(math.hypot(x - 14, y - 14) - 7) <= 1.5
    handle = _segment_distance(x, y, (19, 19), (26, 26)) <= 1.75
    return WHITE if ring or handle else BLUE


def _pixel(px: int, py: int, scale: float) -> bytes:
    total, colour = 0, [0, 0, 0]
    for i in range(SUPERSAMPLE):
        for j in range(SUPERSAMPLE):
            found = _sample((px + (i + 0.5) / SUPERSAMPLE) * scale,
                            (py + (j + 0.5) / SUPERSAMPLE) * scale)
            if found is not None:
                total += 1
                colour = [c + f for c, f in zip(colour, found, strict=True)]
    if not total:
        return bytes(4)
    alpha = round(255 * total / SUPERSAMPLE ** 2)
    return bytes([round(c / total) for c in colour] + [alpha])


def _png(size: int) -> bytes:
    scale = 32 / size
    rows = b"".join(b"\x00" + b"".join(_pixel(x, y, scale) for x in range(size))
                    for y in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def ico(sizes: tuple[int, ...] = SIZES) -> bytes:
    """ICONDIR, one ICONDIRENTRY per size, then the PNG images."""
    images = [_png(size) for size in sizes]
    offset = 6 + 16 * len(images)
    entries = b""
    for size, image in zip(sizes, images, strict=True):
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32,
                               len(image), offset)
        offset += len(image)
    return struct.pack("<HHH", 0, 1, len(images)) + entries + b"".join(images)


if __name__ == "__main__":
    TARGET.write_bytes(ico())
    print(f"{TARGET} ({TARGET.stat().st_size} bytes)")
