"""Draw the skeleton on frames and write them to a video (H.264 mp4 via PyAV).

Frames keep their source timestamps, so a variable-frame-rate clip stays in sync.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from numpy.typing import NDArray

from hipcoach.errors import InputError
from hipcoach.files import temp_path, write_failed
from hipcoach.landmarks import EDGES, Landmark

_LEFT_COLOUR = (255, 140, 0)
_RIGHT_COLOUR = (0, 170, 255)
_MID_COLOUR = (230, 230, 230)
_TIME_BASE = Fraction(1, 1000)


def _edge_colour(i: int, j: int) -> tuple[int, int, int]:
    names = Landmark(i).name + Landmark(j).name
    if "LEFT" in names and "RIGHT" not in names:
        return _LEFT_COLOUR
    if "RIGHT" in names and "LEFT" not in names:
        return _RIGHT_COLOUR
    return _MID_COLOUR


def draw_pose(
    rgb: NDArray[np.uint8],
    xy_px: NDArray[np.floating],
    visibility: NDArray[np.floating],
    min_visibility: float,
    text: str = "",
) -> NDArray[np.uint8]:
    """Return a copy of ``rgb`` with the skeleton drawn (``xy_px`` in this image's pixels).

    Landmarks below ``min_visibility`` are not drawn. The person's left side is orange,
    the right side blue.
    """
    out = rgb.copy()
    scale = max(1, round(max(out.shape[:2]) / 480))
    ok = np.isfinite(xy_px).all(axis=1) & (np.nan_to_num(visibility) >= min_visibility)
    pts = np.nan_to_num(xy_px).round().astype(int)
    for i, j in EDGES:
        if ok[i] and ok[j]:
            cv2.line(out, tuple(pts[i]), tuple(pts[j]), _edge_colour(i, j), 2 * scale, cv2.LINE_AA)
    for k in np.flatnonzero(ok):
        cv2.circle(out, tuple(pts[k]), 2 * scale, (255, 255, 255), -1, cv2.LINE_AA)
    if text:
        cv2.putText(
            out,
            text,
            (10 * scale, 24 * scale),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.6 * scale,
            (255, 255, 0),
            2 * scale,
            cv2.LINE_AA,
        )
    return out


class OverlayWriter:
    """Writes RGB frames with their timestamps (seconds) to an mp4 file."""

    def __init__(self, path: Path, width: int, height: int, fps_hint: float | None) -> None:
        if path.suffix.lower() not in {".mp4", ".mov", ".mkv"}:
            raise InputError(
                f"overlay must be an .mp4 file, got {path.name}", fix="use --overlay OUT.mp4"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path, self._tmp = path, temp_path(path)
        try:
            self._out = av.open(str(self._tmp), mode="w")
        except OSError as exc:
            raise write_failed(path, exc) from exc
        rate = Fraction(fps_hint or 30.0).limit_denominator(1000)
        self._stream = self._out.add_stream("libx264", rate=rate)
        self._stream.width = width - width % 2
        self._stream.height = height - height % 2
        self._stream.pix_fmt = "yuv420p"
        self._stream.time_base = _TIME_BASE
        self._stream.codec_context.time_base = _TIME_BASE
        self._stream.options = {"crf": "23", "preset": "veryfast"}
        self._last_pts = -1

    def write(self, rgb: NDArray[np.uint8], time_s: float) -> None:
        """Append one frame shown at ``time_s`` seconds."""
        h, w = self._stream.height, self._stream.width
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb[:h, :w]), format="rgb24")
        pts = max(round(time_s * 1000), self._last_pts + 1)
        frame.pts, frame.time_base = pts, _TIME_BASE
        self._last_pts = pts
        for packet in self._stream.encode(frame):
            self._out.mux(packet)

    def close(self, *, keep: bool = True) -> None:
        """Flush and close; move the file into place (``keep``) or delete it.

        The overlay is written to a temporary file beside ``path`` and replaces ``path`` only
        here, so a failed run never leaves a broken file where a good one was.
        """
        try:
            if keep:
                for packet in self._stream.encode():
                    self._out.mux(packet)
            self._out.close()
            if keep:
                os.replace(self._tmp, self._path)
        except OSError as exc:
            raise write_failed(self._path, exc) from exc
        finally:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> OverlayWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        # Ctrl-C keeps the frames written so far; any other failure leaves no file.
        self.close(keep=kind is None or issubclass(kind, KeyboardInterrupt))
