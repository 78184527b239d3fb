#!/usr/bin/env python3
"""Draws the app icon (a speech bubble on our blue) as PNG files for the web app manifest.

Pure Python, no image library: run it again only when the drawing changes.
Usage: python tools/make_icons.py   (writes static/icons/icon-192.png and icon-512.png)"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
BLUE, WHITE = (0x23, 0x42, 0x7A), (0xFF, 0xFF, 0xFF)


def inside_rounded(x: float, y: float, x0: float, y0: float, x1: float, y1: float, r: float) -> bool:
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def inside_tail(x: float, y: float) -> bool:
    # A triangle under the bubble's left side: (0.30, 0.64), (0.46, 0.64), (0.28, 0.80).
    ax, ay, bx, by, cx, cy = 0.30, 0.64, 0.46, 0.64, 0.28, 0.80

    def side(px, py, qx, qy, rx, ry):
        return (px - rx) * (qy - ry) - (qx - rx) * (py - ry)

    d1, d2, d3 = side(x, y, ax, ay, bx, by), side(x, y, bx, by, cx, cy), side(x, y, cx, cy, ax, ay)
    return not ((d1 < 0 or d2 < 0 or d3 < 0) and (d1 > 0 or d2 > 0 or d3 > 0))


def colour(x: float, y: float) -> tuple[int, int, int]:
    bubble = inside_rounded(x, y, 0.20, 0.26, 0.80, 0.66, 0.09) or inside_tail(x, y)
    if not bubble:
        return BLUE
    for dot in (0.36, 0.50, 0.64):
        if (x - dot) ** 2 + (y - 0.46) ** 2 <= 0.045**2:
            return BLUE
    return WHITE


def png(size: int) -> bytes:
    rows = []
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            # Four samples per pixel smooth the edges.
            samples = [colour((i + dx) / size, (j + dy) / size) for dx in (0.25, 0.75) for dy in (0.25, 0.75)]
            row.extend(sum(c[k] for c in samples) // 4 for k in range(3))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(
        b"IEND", b"")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))
        print(f"wrote icon-{size}.png")
