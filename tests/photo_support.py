"""Photos made in the tests with Pillow: with GPS in their EXIF, turned, transparent, noisy, or
hostile (a PNG header that claims 50000 x 50000 pixels, made in a few bytes)."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (59.0, 51.0, 30.5)  # Uppsala
    gps[3] = "E"
    gps[4] = (17.0, 38.0, 20.0)
    return exif


def jpeg(width: int = 800, height: int = 600, color=(200, 120, 40), orientation: int = 1, noise: bool = False) -> bytes:
    if noise:
        rnd = random.Random(7)
        im = Image.frombytes("RGB", (width, height), rnd.randbytes(width * height * 3))
    else:
        im = Image.new("RGB", (width, height), color)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90, exif=exif_with_gps(orientation), comment=b"taken at home")
    return out.getvalue()


def two_halves_jpeg(orientation: int) -> bytes:
    """Left half red, right half blue, 200 x 100, with the given EXIF orientation."""
    im = Image.new("RGB", (200, 100), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, 100, 100))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=95, exif=exif_with_gps(orientation))
    return out.getvalue()


def transparent_png(width: int = 800, height: int = 600) -> bytes:
    im = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    im.paste((0, 128, 0, 255), (0, 0, width // 2, height))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def plain_png(width: int, height: int, orientation: int = 1) -> bytes:
    """One colour, with the given EXIF orientation: a long phone screenshot, say."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 100, 50)).save(out, "PNG", exif=exif)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height RGB pixels, with a tiny body."""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + _chunk(b"IEND", b""))


def webp_chunks(data: bytes) -> list[bytes]:
    """The names of the chunks of a WebP (RIFF) file."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    names, pos = [], 12
    while pos + 8 <= len(data):
        kind, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        names.append(kind)
        pos += 8 + size + (size & 1)
    return names


def photo_people(make) -> dict:
    """A program with staff and members who read English and Arabic, and a member of another
    program: who uploads photos and who may or may not see them."""
    program, other = make.program(), make.program()
    return {
        "program": program,
        "staff": make.staff(program, language="en"),
        "member": make.member(program, language="en"),
        "arabic": make.member(program, language="ar"),
        "other_member": make.member(other),
        "other": other,
    }


def post_photo(client, url: str, data: bytes, filename: str = "photo.jpg", **fields):
    """A photo form as the browser sends it: the file and the alt texts, multipart."""
    return client.post(url, data={"photo": (io.BytesIO(data), filename), **fields}, content_type="multipart/form-data")

