"""Is it really a short recording? Decided from the bytes, never the file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback.threads import audio
from tests.sounds import wav

FIXTURES = Path(__file__).parent / "fixtures"



def ebml(element_id: int, payload: bytes, unknown_size: bool = False) -> bytes:
    """One EBML element, written the way MediaRecorder writes WebM."""
    id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    if unknown_size:
        return id_bytes + b"\x01\xff\xff\xff\xff\xff\xff\xff" + payload
    return id_bytes + (0x10000000 | len(payload)).to_bytes(4, "big") + payload


def webm(cluster_times_ms: list[int], codec: bytes = b"A_OPUS", doc_type: bytes = b"webm") -> bytes:
    header = ebml(0x1A45DFA3, ebml(0x4282, doc_type))
    tracks = ebml(0x1654AE6B, ebml(0xAE, ebml(0x86, codec)))
    clusters = b"".join(
        ebml(0x1F43B675, ebml(0xE7, t.to_bytes(4, "big")) + ebml(0xA3, b"\x81" + (20).to_bytes(2, "big") + b"\x00" * 40),
             unknown_size=False)
        for t in cluster_times_ms
    )
    return header + ebml(0x18538067, ebml(0x1549A966, ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big"))) + tracks + clusters,
                         unknown_size=True)


def test_a_real_chromium_webm_recording():
    sound = audio.inspect((FIXTURES / "voice-1s.webm").read_bytes())
    assert sound.mime == "audio/webm" and 1300 <= sound.duration_ms <= 1600


def test_a_real_fragmented_mp4_recording():
    # What Safari and newer Chromium record: the length is only in the fragments.
    sound = audio.inspect((FIXTURES / "voice-1s.m4a").read_bytes())
    assert sound.mime == "audio/mp4" and 1000 <= sound.duration_ms <= 1400


def test_a_wav_file():
    sound = audio.inspect(wav(1.5))
    assert sound.mime == "audio/wav" and sound.duration_ms == 1500


def test_webm_length_is_read_from_its_blocks():
    assert audio.inspect(webm([0, 1000, 60_000])).duration_ms == 60_020


def test_two_minutes_is_the_limit():
    audio.inspect(webm([0, 119_000]))
    with pytest.raises(audio.TooLong):
        audio.inspect(webm([0, 125_000]))
    with pytest.raises(audio.TooLong):
        audio.inspect(wav(122))


@pytest.mark.parametrize(
    "data",
    [
        b"Hello, this is a text file renamed to voice.webm" * 4,
        b"<html><script>alert(1)</script></html>" * 4,
        b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
        b"OggS" + b"\0" * 100,  # the right first bytes, nothing behind them
        b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\0" * 40,
        b"",
    ],
    ids=["text", "html", "png", "fake-ogg", "fake-wav", "empty"],
)
def test_files_that_are_not_recordings(data):
    with pytest.raises(audio.NotAudio):
        audio.inspect(data)


def test_a_webm_video_is_not_a_voice_message():
    with pytest.raises(audio.NotAudio):
        audio.inspect(webm([0, 1000], codec=b"V_VP8"))


def test_a_matroska_file_with_another_doc_type_is_refused():
    with pytest.raises(audio.NotAudio):
        audio.inspect(webm([0, 1000], doc_type=b"something"))


def test_a_recording_cut_off_mid_block_keeps_what_came_before():
    data = webm([0, 1000, 2000])
    assert 1000 <= audio.inspect(data[:-30]).duration_ms <= 2020


def test_garbage_after_a_webm_header_is_refused():
    data = webm([0])[:60] + b"\xff" * 50
    with pytest.raises(audio.NotAudio):
        audio.inspect(data)


@pytest.mark.parametrize("duration", [float("inf"), float("nan"), 1e308], ids=["infinite", "not a number", "huge"])
def test_a_webm_header_with_a_broken_duration_is_no_recording(duration):
    """Found by a review of bad input: a header saying "forever" was a 500 (OverflowError)."""
    import struct

    sound = webm([0, 500])
    info = ebml(0x1549A966, ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big")))
    broken = ebml(0x1549A966, ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big")) + ebml(0x4489, struct.pack(">d", duration)))
    assert info in sound
    with pytest.raises(audio.NotAudio):
        audio.inspect(sound.replace(info, broken))
