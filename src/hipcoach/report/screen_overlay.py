"""Overlay video of a screen: the skeleton, the measured angles at the knees or the hip
line, and a panel with the current rep/hold/step and the finding.

The source video is decoded again; each frame is paired with the landmark frame of the same
timestamp (within half a frame). Frames keep their source timestamps (seconds).
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from hipcoach.config import DEFAULTS, Settings
from hipcoach.landmarks import Landmark as L  # noqa: N817
from hipcoach.report.overlay import (
    Panel,
    ProgressFn,
    ascii_text,
    draw_panel,
    write_overlay_frames,
)
from hipcoach.screens.result import ScreenResult
from hipcoach.sequence.schema import PoseSequence
from hipcoach.video import Frame
from hipcoach.video.overlay import draw_pose

_COLOURS = {
    "positive": (220, 80, 60),
    "negative": (60, 170, 90),
    "cannot_rule_out": (230, 170, 40),
    "inconclusive": (150, 150, 150),
}
_QUIET_TEXT = (190, 190, 190)  # labels that are no reading (inconclusive, cannot rule out)


def _value(result: ScreenResult, key: str, index: int | None) -> float:
    values = result.series.get(key, [])
    if index is None or index >= len(values) or values[index] is None:
        return math.nan
    return float(values[index])


def _label(
    rgb: NDArray[np.uint8],
    xy: NDArray[np.float64],
    text: str,
    outward: int = 1,
    colour: tuple[int, int, int] = (255, 255, 0),
) -> None:
    """Text next to a joint: to its right (``outward`` = 1) or ending at its left (-1), in
    ``colour`` (RGB; grey for values that are no reading)."""
    if not np.isfinite(xy).all():
        return
    scale = max(0.5, min(rgb.shape[:2]) / 800)
    (width, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 4)
    x = int(xy[0]) + 10 if outward > 0 else int(xy[0]) - 10 - width
    pos = (x, int(xy[1]))
    cv2.putText(rgb, text, pos, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 4, cv2.LINE_AA)
    cv2.putText(rgb, text, pos, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 2, cv2.LINE_AA)


def _panel(result: ScreenResult, t: float) -> Panel:
    current = None
    for item in result.items:
        start, end = item.get("start_s"), item.get("end_s") or item.get("bottom_s")
        if start is not None and end is not None and start <= t <= end:
            current = item
    key = {"squat": "rep", "stance": "hold", "gait": "step"}[result.screen]
    line = f"{key} {current[key]}" if current else "-"
    lines = (line, f"finding: {result.label}", ascii_text(result.reason)[:160])
    return Panel(f"{result.screen} screen", lines, _COLOURS[result.finding], current is None)


def _annotate(
    rgb: NDArray[np.uint8], seq: PoseSequence, i: int, result: ScreenResult, sx: float, sy: float
) -> None:
    xy = seq.image_xy[i].astype(np.float64) * np.array([sx, sy])
    trusted = result.readings_trusted
    colour = (255, 255, 0) if trusted else _QUIET_TEXT
    if result.screen == "squat":
        knees = {"left": xy[L.LEFT_KNEE], "right": xy[L.RIGHT_KNEE]}
        for side, knee in knees.items():
            v = _value(result, f"fppa_{side}_deg", i)
            other = knees["right" if side == "left" else "left"]
            outward = 1 if not knee[0] < other[0] else -1  # away from the other knee
            if math.isfinite(v):
                text = f"FPPA {v:+.0f} deg" if trusted else "FPPA: no reading"
                _label(rgb, knee, text, outward, colour)
    else:
        v = _value(result, "hip_line_left_down_deg", i)
        if math.isfinite(v):
            text = f"hip line {v:+.1f} deg" if trusted else "hip line: no reading"
            _label(rgb, xy[L.LEFT_HIP], text, colour=colour)


def write_screen_overlay(
    source: str | Path,
    seq: PoseSequence,
    result: ScreenResult,
    out_path: Path,
    settings: Settings = DEFAULTS,
    progress: ProgressFn | None = None,
) -> int:
    """Write the overlay video; returns the number of frames written."""
    min_vis = settings.signal.min_visibility

    def draw(frame: Frame, k: int | None) -> NDArray[np.uint8]:
        img = frame.rgb.copy()
        if k is not None and seq.detected[k]:
            h, w = img.shape[:2]
            sx, sy = w / seq.width, h / seq.height
            xy = seq.image_xy[k] * np.array([sx, sy])
            img = draw_pose(img, xy, seq.visibility[k], min_vis)
            _annotate(img, seq, k, result, sx, sy)
        return draw_panel(img, _panel(result, frame.time_s))

    return write_overlay_frames(source, seq, out_path, draw, settings, progress)
