"""Draw the app's two Teams icons: a house with a heart in it (home office, well-being).

    python manifest/make_icons.py      rewrites manifest/color.png and manifest/outline.png

Standard library only (zlib + struct write the PNG), so the icons are reproducible on any
machine and `tests/unit/test_manifest.py` can check the committed files are what this draws.
Teams wants a 192×192 full-colour icon and a 32×32 outline icon in white on transparent.
"""

from __future__ import annotations

import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent

Shape = Callable[[float, float], bool]  # (x, y) in the unit square, y down → inside?
RGB = tuple[int, int, int]

BACKGROUND: RGB = (47, 125, 109)  # teal; also the manifest's accentColor
HOUSE: RGB = (255, 255, 255)
HEART: RGB = (232, 101, 90)  # coral
SUPERSAMPLE = 4  # 4×4 samples per pixel: smooth edges without a drawing library


def house(x: float, y: float) -> bool:
    """Roof, chimney and walls of a house filling the unit square."""
    roof = 0.08 <= y <= 0.50 and abs(x - 0.5) <= 0.5 * (y - 0.08) / 0.42
    chimney = 0.70 <= x <= 0.82 and 0.12 <= y <= 0.40
    walls = 0.14 <= x <= 0.86 and 0.48 <= y <= 0.96
    return roof or chimney or walls


def heart(x: float, y: float) -> bool:
    """The classic heart curve (u² + v² − 1)³ ≤ u² v³, centred in the walls."""
    u, v = (x - 0.5) / 0.16, -(y - 0.73) / 0.16 + 0.1  # v points up; shifted to look centred
    return (u * u + v * v - 1) ** 3 - u * u * v**3 <= 0


def inset(shape: Shape, margin: float) -> Shape:
    """`shape` shrunk into the square [margin, 1 - margin]."""
    scale = 1 - 2 * margin
    return lambda x, y: shape((x - margin) / scale, (y - margin) / scale)


def coverage(shape: Shape, size: int, px: int, py: int) -> float:
    """How much of pixel (px, py) the shape covers, 0..1."""
    step = 1 / (size * SUPERSAMPLE)
    hits = sum(
        shape((px * SUPERSAMPLE + i + 0.5) * step, (py * SUPERSAMPLE + j + 0.5) * step)
        for i in range(SUPERSAMPLE)
        for j in range(SUPERSAMPLE)
    )
    return hits / SUPERSAMPLE**2


def blend(under: RGB, over: RGB, amount: float) -> RGB:
    r, g, b = (round(u + (o - u) * amount) for u, o in zip(under, over, strict=True))
    return (r, g, b)


def color_icon(size: int = 192) -> list[list[tuple[int, ...]]]:
    """Opaque RGB: a white house with a coral heart on teal, inside Teams' padded safe area."""
    walls, love = inset(house, 0.2), inset(heart, 0.2)
    rows: list[list[tuple[int, ...]]] = []
    for py in range(size):
        row: list[tuple[int, ...]] = []
        for px in range(size):
            pixel = blend(BACKGROUND, HOUSE, coverage(walls, size, px, py))
            row.append(blend(pixel, HEART, coverage(love, size, px, py)))
        rows.append(row)
    return rows


def outline_icon(size: int = 32) -> list[list[tuple[int, ...]]]:
    """RGBA, white only: the house as a silhouette with the heart cut out, on transparent."""
    walls, love = inset(house, 1 / size), inset(heart, 1 / size)

    def shape(x: float, y: float) -> bool:
        return walls(x, y) and not love(x, y)

    # Edges are smoothed with alpha alone, so every visible pixel stays pure white.
    return [
        [(255, 255, 255, round(255 * coverage(shape, size, px, py))) for px in range(size)]
        for py in range(size)
    ]


def png(rows: list[list[tuple[int, ...]]]) -> bytes:
    """An 8-bit PNG: RGB (colour type 2) or RGBA (6) by the pixel tuples' length."""
    height, width, channels = len(rows), len(rows[0]), len(rows[0][0])
    color_type = {3: 2, 4: 6}[channels]
    # Filter type 0 (none) per row; zlib does well enough on flat-colour art.
    raw = b"".join(b"\x00" + bytes(value for pixel in row for value in pixel) for row in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def icons() -> dict[str, bytes]:
    """File name → PNG bytes, exactly what `main` writes."""
    return {"color.png": png(color_icon()), "outline.png": png(outline_icon())}


def main() -> int:
    for name, data in icons().items():
        (HERE / name).write_bytes(data)
        print(f"wrote {HERE / name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
