"""A short beep as WAV bytes (the audible cue when a round's time is up).

Made with the standard library's :mod:`wave` so it works offline and needs no sound file.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from functools import lru_cache


@lru_cache(maxsize=8)
def beep(frequency: float = 880.0, seconds: float = 0.35, rate: int = 22050, volume: float = 0.5) -> bytes:
    """A mono 16-bit sine tone with short fades (no click), as the bytes of a WAV file."""
    n = max(1, int(rate * seconds))
    fade = max(1, int(rate * 0.02))
    frames = bytearray()
    for i in range(n):
        envelope = min(1.0, i / fade, (n - 1 - i) / fade)
        sample = volume * envelope * math.sin(2 * math.pi * frequency * i / rate)
        frames += struct.pack("<h", int(sample * 32767))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return buf.getvalue()
