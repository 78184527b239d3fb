"""Hostile recordings cost time in proportion to their size and never a server error (issue 15,
finding 5): an MP4 `trun` box names its own sample count (up to four billion), and boxes can
nest as deep as the file is long."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from feedback.threads import audio
from feedback.threads.models import Post
from tests.routes_support import build_world, count, new_client, upload

M4A = (Path(__file__).parent / "fixtures" / "voice-1s.m4a").read_bytes()
# Far more than any of these files needs when parsing is linear (about a second for 5 MB on a
# busy machine); the old loop over the sample count ran for hours on the first of them.
QUICK = 10.0


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def trun(count: int, per_sample: bool) -> bytes:
    flags = 0x100 if per_sample else 0
    return box(b"trun", bytes([0]) + flags.to_bytes(3, "big") + count.to_bytes(4, "big")
               + (b"\x00\x00\x04\x00" * 4 if per_sample else b""))


def tfhd(default_duration: int) -> bytes:
    """A fragment header that gives every sample the same length (flag 0x08)."""
    return box(b"tfhd", bytes([0, 0, 0, 0x08]) + (1).to_bytes(4, "big") + default_duration.to_bytes(4, "big"))


def fragments(n: int, per_sample: bool) -> bytes:
    return b"".join(box(b"moof", box(b"traf", tfhd(1024) + trun(0xFFFFFFFF, per_sample))) for _ in range(n))


def nested(depth: int) -> bytes:
    inner = box(b"free")
    for _ in range(depth):
        inner = box(b"moof", inner)
    return inner


HOSTILE = {
    "8 trun boxes of 4 billion samples": M4A + fragments(8, per_sample=False),
    "5 MB of them": M4A + fragments((audio.MAX_BYTES - len(M4A)) // 60, per_sample=False),
    "per-sample entries claiming 4 billion": M4A + fragments(50, per_sample=True),
    "boxes nested 5000 deep": M4A + nested(5000),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_recording_is_read_quickly(name):
    data = HOSTILE[name][: audio.MAX_BYTES]
    started = time.perf_counter()
    try:
        sound = audio.inspect(data)
    except (audio.NotAudio, audio.TooLong):
        sound = None
    assert time.perf_counter() - started < QUICK
    if "4 billion samples" in name or "5 MB" in name or "nested" in name:
        assert sound is None, "four billion samples of 1024 ticks is no 2-minute recording"
    else:
        assert sound.duration_ms < 5000  # per-sample entries count only as far as the box holds them


def test_the_real_recording_still_has_its_length():
    assert 500 < audio.inspect(M4A).duration_ms < 2000


@pytest.mark.parametrize("name", ["8 trun boxes of 4 billion samples", "boxes nested 5000 deep"])
def test_a_hostile_upload_gets_a_message_not_a_server_error(app, make, login, name):
    w = build_world(make)
    client = login(w.users["member"], new_client(app))
    posts = count(Post)
    resp = upload(client, f"/talk/topic/{w.topic.id}", HOSTILE[name], "voice.m4a")
    assert resp.status_code in (400, 413) and count(Post) == posts
