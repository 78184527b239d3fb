"""Is an uploaded file really a short sound recording? Decided from its content, never its name.

Phones record in one of a few containers: WebM/Opus (Chrome, Android), Ogg/Opus (Firefox),
MP4/AAC (Safari, iPhone) and, from a file picker, MP3 or WAV. mutagen reads the length of all
but WebM; WebM from MediaRecorder often carries no length at all, so we read it from the
timestamps of its blocks (the last block's time is the length, to within one frame)."""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass

import mutagen
from flask import send_file
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

MAX_BYTES = 5 * 1024 * 1024
MAX_SECONDS = 120
# MediaRecorder stopped at exactly two minutes may run a frame or two over.
_GRACE_MS = 1000


class NotAudio(ValueError):
    """The file is not a sound recording we can play back."""


class TooLong(ValueError):
    pass


@dataclass(frozen=True)
class Sound:
    mime: str
    duration_ms: int


def inspect(data: bytes) -> Sound:
    """The kind and length of a recording; NotAudio or TooLong when it cannot be accepted."""
    if len(data) < 16:
        raise NotAudio("too short to be a recording")
    is_webm = data.startswith(b"\x1a\x45\xdf\xa3")
    sound = Sound("audio/webm", _webm_duration_ms(data)) if is_webm else _with_mutagen(data)
    if sound.duration_ms <= 0:
        raise NotAudio("no sound in it")
    if sound.duration_ms > MAX_SECONDS * 1000 + _GRACE_MS:
        raise TooLong(f"{sound.duration_ms} ms")
    return sound


_MUTAGEN_KINDS: list[tuple[bytes, int, type, str]] = [
    (b"OggS", 0, OggOpus, "audio/ogg"),
    (b"OggS", 0, OggVorbis, "audio/ogg"),
    (b"ftyp", 4, MP4, "audio/mp4"),
    (b"RIFF", 0, WAVE, "audio/wav"),
    (b"ID3", 0, MP3, "audio/mpeg"),
]


def _with_mutagen(data: bytes) -> Sound:
    for magic, offset, kind, mime in _MUTAGEN_KINDS:
        if data[offset : offset + len(magic)] != magic:
            continue
        try:
            info = kind(io.BytesIO(data)).info
        except (mutagen.MutagenError, ValueError, KeyError, IndexError, EOFError, OSError, RecursionError):
            continue
        length_ms = round(float(info.length) * 1000)
        if kind is MP4:
            length_ms = max(length_ms, _mp4_fragments_ms(data))
        return Sound(mime, length_ms)
    if data[0] == 0xFF and data[1] & 0xE0 == 0xE0:  # an MP3 frame without an ID3 tag
        try:
            return Sound("audio/mpeg", round(MP3(io.BytesIO(data)).info.length * 1000))
        except (mutagen.MutagenError, ValueError, EOFError, OSError):
            pass
    raise NotAudio("not a recording we know")


# --- MP4 ----------------------------------------------------------------------------------------
# A recording made in a browser is a fragmented MP4: its header says almost nothing about the
# length, which is the sum of the sample durations in its fragments.

_MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"mvex", b"moof", b"traf"}
# A recording nests boxes four deep (moof > traf > trun); a file nested deeper is not one.
_MP4_MAX_DEPTH = 8


def _boxes(data: bytes, start: int, end: int):
    pos = start
    while pos + 8 <= end:
        size = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        header = 8
        if size == 1:
            size = int.from_bytes(data[pos + 8 : pos + 16], "big")
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            return  # cut off: what came before still counts
        yield kind, pos + header, pos + size
        pos += size


def _mp4_fragments_ms(data: bytes) -> int:
    timescale = 0
    handlers: list[bytes] = []
    default_duration = 0
    end_time = 0

    def walk(start: int, end: int, depth: int) -> None:
        nonlocal timescale, default_duration, end_time
        if depth > _MP4_MAX_DEPTH:
            raise NotAudio("MP4 boxes nested too deep")
        fragment_start = 0
        fragment_default = default_duration
        for kind, body, stop in _boxes(data, start, end):
            version = data[body] if body < stop else 0
            if kind in _MP4_CONTAINERS:
                walk(body, stop, depth + 1)
            elif kind == b"hdlr":
                handlers.append(data[body + 8 : body + 12])
            elif kind == b"mdhd":
                at = body + (20 if version == 1 else 12)
                timescale = int.from_bytes(data[at : at + 4], "big")
            elif kind == b"trex":
                default_duration = int.from_bytes(data[body + 12 : body + 16], "big")
                fragment_default = default_duration
            elif kind == b"tfhd":
                flags = int.from_bytes(data[body + 1 : body + 4], "big")
                at = body + 8 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
                if flags & 0x08:
                    fragment_default = int.from_bytes(data[at : at + 4], "big")
            elif kind == b"tfdt":
                fragment_start = int.from_bytes(data[body + 4 : body + (12 if version == 1 else 8)], "big")
            elif kind == b"trun":
                flags = int.from_bytes(data[body + 1 : body + 4], "big")
                count = int.from_bytes(data[body + 4 : body + 8], "big")
                at = body + 8 + (4 if flags & 0x01 else 0) + (4 if flags & 0x04 else 0)
                step = 4 * bin(flags & 0xF00).count("1")
                if not flags & 0x100:
                    # Every sample lasts the default: a product, not a loop over a count that the
                    # file itself gives (up to four billion).
                    total = count * fragment_default
                else:
                    # One entry per sample, as many as the box holds: linear in the file's size.
                    total = sum(int.from_bytes(data[i : i + 4], "big")
                                for i in range(at, at + step * min(count, (stop - at) // step), step))
                end_time = max(end_time, fragment_start + total)

    walk(0, len(data), 0)
    if b"vide" in handlers or (handlers and b"soun" not in handlers):
        raise NotAudio("an MP4 file without sound, or with video")
    return round(end_time * 1000 / timescale) if timescale else 0


# --- WebM (Matroska) ---------------------------------------------------------------------------

_SEGMENT, _CLUSTER, _BLOCK_GROUP = 0x18538067, 0x1F43B675, 0xA0
_TRACKS, _TRACK_ENTRY, _INFO = 0x1654AE6B, 0xAE, 0x1549A966
_DOC_TYPE, _TIMECODE_SCALE, _DURATION = 0x4282, 0x2AD7B1, 0x4489
_CLUSTER_TIME, _SIMPLE_BLOCK, _BLOCK, _CODEC_ID = 0xE7, 0xA3, 0xA1, 0x86
_EBML_HEADER = 0x1A45DFA3
# Elements we read into rather than skip; a live recording leaves their size unknown.
_CONTAINERS = {_EBML_HEADER, _SEGMENT, _CLUSTER, _BLOCK_GROUP, _TRACKS, _TRACK_ENTRY, _INFO}


def _vint(data: bytes, pos: int, keep_marker: bool) -> tuple[int, int, bool]:
    """A variable-length integer at pos: its value, the position after it, and whether it is
    the reserved 'unknown' value (all ones)."""
    if pos >= len(data):
        raise NotAudio("cut short")
    first = data[pos]
    length = 1
    mask = 0x80
    while length <= 8 and not first & mask:
        mask >>= 1
        length += 1
    if length > 8 or pos + length > len(data):
        raise NotAudio("broken WebM")
    value = first if keep_marker else first & (mask - 1)
    for b in data[pos + 1 : pos + length]:
        value = (value << 8) | b
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, pos + length, unknown


def _webm_duration_ms(data: bytes) -> int:
    pos, end = 0, len(data)
    scale_ns = 1_000_000
    header_ms = 0.0
    cluster_time = 0
    last_block = -1
    doc_type = b""
    codecs: list[bytes] = []
    while pos < end:
        element, pos, _ = _vint(data, pos, keep_marker=True)
        size, pos, unknown = _vint(data, pos, keep_marker=False)
        if element in _CONTAINERS:
            continue  # read its children next
        if unknown or pos + size > end:
            if element in (_SIMPLE_BLOCK, _BLOCK) and not unknown:
                break  # the recording was cut off in its last block: what came before counts
            raise NotAudio("broken WebM")
        value = data[pos : pos + size]
        if element == _DOC_TYPE:
            doc_type = value
        elif element == _TIMECODE_SCALE:
            scale_ns = int.from_bytes(value, "big") or scale_ns
        elif element == _DURATION and size in (4, 8):
            header_ms = struct.unpack(">f" if size == 4 else ">d", value)[0]
        elif element == _CODEC_ID:
            codecs.append(value)
        elif element == _CLUSTER_TIME:
            cluster_time = int.from_bytes(value, "big")
        elif element in (_SIMPLE_BLOCK, _BLOCK):
            _, after_track, _ = _vint(data, pos, keep_marker=False)
            if after_track + 2 > pos + size:
                raise NotAudio("broken WebM block")
            relative = int.from_bytes(data[after_track : after_track + 2], "big", signed=True)
            last_block = max(last_block, cluster_time + relative)
        pos += size
    if doc_type not in (b"webm", b"matroska"):
        raise NotAudio("not WebM")
    if not codecs or not all(c.startswith(b"A_") for c in codecs):
        raise NotAudio("WebM without sound, or with video")
    block_ms = (last_block * scale_ns) / 1_000_000 if last_block >= 0 else 0
    header_ms = header_ms * scale_ns / 1_000_000
    if not math.isfinite(header_ms):  # a header saying "forever" (or not a number) is no recording
        raise NotAudio("WebM with a broken duration")
    return round(max(block_ms, header_ms))


SUFFIXES = {"audio/webm": ".webm", "audio/ogg": ".ogg", "audio/mp4": ".m4a", "audio/mpeg": ".mp3",
            "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/aac": ".aac"}


def sound_response(data: bytes, mime: str, name: str, *, etag: str | None = None, cache: str = "private, no-store"):
    """A stored sound to play in the page (inline, with ranges for seeking), saved under name plus
    the suffix of its type; never a public file, never kept by a shared cache. No Last-Modified:
    the time of an anonymous post or answer is not told."""
    resp = send_file(io.BytesIO(data), mimetype=mime, as_attachment=False,
                     download_name=name + SUFFIXES.get(mime.split(";")[0], ""), conditional=True, etag=etag or False,
                     max_age=0)
    resp.headers["Cache-Control"] = cache
    return resp

