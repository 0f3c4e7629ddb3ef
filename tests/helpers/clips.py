"""Make small test videos with PyAV: constant or variable frame rate, rotation metadata."""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

Painter = Callable[[int, float], np.ndarray]


def gradient_painter(width: int, height: int) -> Painter:
    """Frames with an asymmetric pattern: a white block at the top-left, shifting with time."""

    def paint(i: int, t: float) -> np.ndarray:
        img = np.zeros((height, width, 3), np.uint8)
        img[..., 0] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
        img[: height // 4, : width // 4] = 255
        img[-4:, (i * 3) % width] = 128
        return img

    return paint


def write_clip(
    path: Path,
    times_s: Sequence[float],
    painter: Painter,
    *,
    codec: str = "libx264",
    rate: float = 30.0,
) -> Path:
    """Encode frames shown at ``times_s`` (seconds; may be irregular) into ``path``."""
    first = painter(0, float(times_s[0]))
    h, w = first.shape[:2]
    tb = Fraction(1, 90000)
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream(codec, rate=Fraction(rate).limit_denominator(1000))
        stream.width, stream.height = w, h
        stream.pix_fmt = "yuv420p"
        stream.time_base = tb
        stream.codec_context.time_base = tb
        for i, t in enumerate(times_s):
            frame = av.VideoFrame.from_ndarray(painter(i, float(t)), format="rgb24")
            frame.pts, frame.time_base = round(t * 90000), tb
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def _matrix(rotation_ccw_deg: int) -> bytes:
    """tkhd display matrix (a b u c d v x y w) for a counter-clockwise display rotation."""
    one = 1 << 16
    cos, sin = {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}[rotation_ccw_deg % 360]
    # ffmpeg's display matrix convention: rotation(ccw) theta gives a=cos, b=-sin, c=sin, d=cos
    vals = [cos * one, -sin * one, 0, sin * one, cos * one, 0, 0, 0, 1 << 30]
    return struct.pack(">9i", *vals)


def set_mp4_rotation(path: Path, rotation_ccw_deg: int) -> None:
    """Patch the video track header so players rotate it (as phones tag portrait clips)."""
    data = bytearray(path.read_bytes())
    pos = data.find(b"tkhd")
    if pos < 0:
        raise ValueError("no tkhd box")
    version = data[pos + 4]
    matrix_at = pos + 4 + 4 + (32 if version == 1 else 20) + 8 + 8
    data[matrix_at : matrix_at + 36] = _matrix(rotation_ccw_deg)
    path.write_bytes(bytes(data))
