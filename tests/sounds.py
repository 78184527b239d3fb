"""Sound files for the tests of recordings (voice messages, staff recordings): made here, so
their length is exact."""
from __future__ import annotations

import io
import math
import wave


def wav(seconds: float, rate: int = 8000) -> bytes:
    """A WAV file of a tone this long."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(bytes(128 + int(60 * math.sin(i / 5)) for i in range(int(rate * seconds))))
    return buf.getvalue()
