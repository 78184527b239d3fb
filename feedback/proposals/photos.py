"""The photo of a proposal or of a priority poll's own option (its "owner"): checked by its
content, stripped of all metadata, re-encoded as WebP.

Staff upload a JPEG, PNG or WebP photo. What is stored is never the file they sent: it is
decoded with Pillow, turned the way its EXIF orientation says, and drawn again as plain RGB
pixels at a few phone widths, so no EXIF (GPS!), XMP, ICC profile or comment survives. The
file's name and the type the browser claims are ignored.

Bounded work: the upload is at most MAX_BYTES, and the image's size is read from its header
before any pixel is decoded; more than MAX_PIXELS is refused then (a "decompression bomb", a
small file that claims a huge image). JPEG is decoded at a reduced scale where that is enough. A
photo so tall that a rendition would be taller than WebP allows (a long phone screenshot) is
refused once decoded and turned upright, before any rendition is made."""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from dataclasses import dataclass

import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from feedback.common.errors import RuleError
from feedback.common.i18n import language_info
from feedback.common.locks import lock
from feedback.extensions import db
from feedback.priorities.models import PriorityOption
from feedback.proposals.models import Proposal
from feedback.proposals.photo_models import ALT_MAX, PhotoAlt, PhotoRendition, ProposalPhoto

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
WIDTHS = (360, 720, 1080)
# The 360 px rendition is what a phone loads: at most this many bytes.
SMALL_MAX_BYTES = 30 * 1024
QUALITIES = (80, 70, 60, 50, 40, 30, 20, 10)
FORMATS = ("JPEG", "PNG", "WEBP")
# WebP stores at most this many pixels a side (Pillow raises ValueError beyond it).
WEBP_MAX_SIDE = 16383

# What a photo belongs to: both have `photo`, `translations` and `source_language`.
Owner = Proposal | PriorityOption

NOT_A_PHOTO = _l("This file is not a photo we can use. Send a JPEG, PNG or WebP photo.")


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    data: bytes


def _refuse(message) -> RuleError:
    return RuleError(message, status=400, field="photo")


def _decode(data: bytes) -> Image.Image:
    """The first frame as RGB, turned upright; refuses what is not a photo or is too large."""
    if len(data) > MAX_BYTES:
        raise _refuse(_l("The photo is too big. Send a photo of at most %(mb)s MB.", mb=MAX_BYTES // (1024 * 1024)))
    if not data:
        raise _refuse(_l("Choose a photo to send."))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own check, at open, besides ours below
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as im:
                width, height = im.size  # from the header: nothing decoded yet
                if width < 1 or height < 1 or width * height > MAX_PIXELS:
                    raise _too_large()
                if im.format == "JPEG":
                    # Decode at 1/2, 1/4 or 1/8 scale when that still covers the largest width.
                    im.draft("RGB", (WIDTHS[-1], WIDTHS[-1] * height // width))
                im.seek(0)
                im.load()
                upright = ImageOps.exif_transpose(im)
                # Checked upright: a turned phone photo is only tall once its EXIF has turned it.
                if _tallest_rendition(*upright.size) > WEBP_MAX_SIDE:
                    raise _refuse(_l("This photo is too tall for a phone. Crop it into shorter photos and "
                                     "send one of them."))
                return _to_rgb(upright)
    except RuleError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError,
            struct.error, ZeroDivisionError, MemoryError):
        raise _refuse(NOT_A_PHOTO) from None


def _widths(width: int) -> list[int]:
    """The widths of the renditions: each of WIDTHS no wider than the photo, else its own."""
    return [x for x in WIDTHS if x <= width] or [width]


def _height_at(width: int, height: int, at: int) -> int:
    return max(1, round(height * at / width))


def _tallest_rendition(width: int, height: int) -> int:
    # The widest rendition is the tallest; a narrow photo is kept at its own width and height.
    return _height_at(width, height, _widths(width)[-1])


def _too_large() -> RuleError:
    return _refuse(_l("The photo has too many pixels. Send a photo of at most %(mp)s megapixels.",
                      mp=MAX_PIXELS // 1_000_000))


def _to_rgb(im: Image.Image) -> Image.Image:
    """Plain RGB pixels on a new image: transparency on white, and no metadata carried over."""
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    rgb = im.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def _webp(im: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, icc_profile= or xmp=: the image is new and carries none.
    im.save(out, "WEBP", quality=quality, method=4)
    return out.getvalue()


def renditions(data: bytes) -> list[Rendition]:
    """The photo at each of WIDTHS no wider than itself (its own width if narrower than all),
    as WebP; the quality is lowered step by step until the smallest is at most SMALL_MAX_BYTES."""
    im = _decode(data)
    w, h = im.size
    widths = _widths(w)
    sized = [im.resize((x, _height_at(w, h, x)), Image.Resampling.LANCZOS, reducing_gap=3.0)
             if x != w else im for x in widths]
    quality = QUALITIES[-1]
    small = b""
    for q in QUALITIES:
        small = _webp(sized[0], q)
        quality = q
        if len(small) <= SMALL_MAX_BYTES:
            break
    if len(small) > SMALL_MAX_BYTES:
        raise _refuse(_l("This photo cannot be made small enough for a phone. Try another photo."))
    out = [Rendition(widths[0], sized[0].height, small)]
    out += [Rendition(x, s.height, _webp(s, quality)) for x, s in zip(widths[1:], sized[1:], strict=True)]
    return out


# --- alt texts ---------------------------------------------------------------------------------


def required_languages(owner: Owner) -> list[str]:
    """The languages the proposal or option is translated into: each needs its own alt text."""
    return sorted(t.language for t in owner.translations if t.title and t.language != owner.source_language)


def _clean_alts(owner: Owner, alt_sv: str, alts: dict[str, str]) -> tuple[str, dict[str, str]]:
    alt_sv = " ".join((alt_sv or "").split())
    if not alt_sv:
        raise RuleError(_l("Write what the photo shows (alt text): it is read to those who cannot see it."),
                        status=400, field="alt_text")
    cleaned = {lang: " ".join((text or "").split()) for lang, text in alts.items()}
    if len(alt_sv) > ALT_MAX or any(len(t) > ALT_MAX for t in cleaned.values()):
        raise RuleError(_l("An alt text may be at most %(n)s characters.", n=ALT_MAX), status=400, field="alt_text")
    missing = [lang for lang in required_languages(owner) if not cleaned.get(lang)]
    if missing:
        raise RuleError(_l("Write the alt text in every language the proposal is translated into: %(langs)s.",
                           langs=", ".join(language_info(lang)[0] for lang in missing)), status=400, field="alt_text")
    return alt_sv, {lang: t for lang, t in cleaned.items() if t}


def _set_alts(photo: ProposalPhoto, alts: dict[str, str]) -> None:
    by_lang = {a.language: a for a in photo.alts}
    for lang, text in alts.items():
        if lang in by_lang:
            by_lang.pop(lang).alt_text = text
        else:
            photo.alts.append(PhotoAlt(language=lang, alt_text=text))
    for gone in by_lang.values():
        photo.alts.remove(gone)


# --- writes -----------------------------------------------------------------------------------


def save_photo(owner: Owner, data: bytes | None, alt_sv: str, alts: dict[str, str],
               actor_id: int | None) -> ProposalPhoto:
    """A new photo (replacing the old one), or new alt texts for the photo there is.
    Checks everything before it changes anything."""
    alt_sv, alts = _clean_alts(owner, alt_sv, alts)
    made = renditions(data) if data else None  # the slow part, before anyone waits for the lock
    # Sent twice at once: the second waits here, then replaces the photo the first stored (there
    # is one photo an owner; both inserting one was a unique violation, a 500).
    lock(owner)
    photo = owner.photo
    if made is None:
        if photo is None:
            raise _refuse(_l("Choose a photo to send."))
        photo.alt_text = alt_sv
        _set_alts(photo, alts)
        db.session.flush()
        return photo
    if photo is not None:
        _remove(owner, photo)
    largest = made[-1]
    digest = hashlib.sha256(b"".join(r.data for r in made)).hexdigest()[:16]
    belongs = {"proposal": owner} if isinstance(owner, Proposal) else {"option": owner}
    photo = ProposalPhoto(**belongs, version=digest, alt_text=alt_sv, width=largest.width,
                          height=largest.height, created_by_id=actor_id)
    photo.renditions = [PhotoRendition(width=r.width, height=r.height, size=len(r.data), data=r.data) for r in made]
    _set_alts(photo, alts)
    db.session.add(photo)
    db.session.flush()
    return photo


def remove_photo(owner: Owner) -> bool:
    lock(owner)  # pressed twice at once: the second finds no photo, not one already deleted
    photo = owner.photo
    if photo is None:
        return False
    _remove(owner, photo)
    return True


def _remove(owner: Owner, photo: ProposalPhoto) -> None:
    owner.photo = None
    db.session.delete(photo)
    db.session.flush()


def rendition(photo: ProposalPhoto, width: int) -> PhotoRendition | None:
    return db.session.scalar(
        db.select(PhotoRendition)
        .where(PhotoRendition.photo_id == photo.id, PhotoRendition.width == width)
        .options(so.undefer(PhotoRendition.data))
    )
