"""Opt-in rep thumbnails: a small frame of each counted rep at its middle, with the skeleton.

Thumbnails are pictures of the person, so they are OFF by default (``hipcoach analyze
--report R.html --thumbnails``), the report says that it contains them
(``report.html.CONTAINS_PICTURES``), and they are never written anywhere else (JSON,
history, CSV). The frame shown is the one nearest the middle of the rep's time span (s):
for raises and lifts that is when the leg is up.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from hipcoach.analysis.result import AnalysisResult
from hipcoach.config import DEFAULTS, Settings
from hipcoach.report.overlay import overlay_source, skeleton_image
from hipcoach.sequence.schema import PoseSequence
from hipcoach.video import open_source

#: Width of a thumbnail (px); the height keeps the video's aspect ratio.
THUMB_WIDTH_PX: Final = 200

#: (set number, rep number) -> PNG ``data:`` URI; set numbers as in the report's tables.
Thumbs = dict[tuple[int, int], str]


def rep_middles(result: AnalysisResult) -> dict[tuple[int, int], float]:
    """(set number, rep number) -> the middle of the rep (s), counted sets only."""
    return {
        (number, k): 0.5 * (a + b)
        for number, s in enumerate(result.sets, start=1)
        if s.counted
        for k, (a, b) in enumerate(s.rep_times, start=1)
    }


def _png_uri(rgb: NDArray[np.uint8]) -> str:
    h, w = rgb.shape[:2]
    small = cv2.resize(rgb, (THUMB_WIDTH_PX, max(1, round(h * THUMB_WIDTH_PX / w))))
    ok, png = cv2.imencode(".png", cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 image
        raise ValueError("PNG encoding failed")
    return "data:image/png;base64," + base64.b64encode(png.tobytes()).decode("ascii")


def rep_thumbnails(
    source: str | Path,
    seq: PoseSequence,
    result: AnalysisResult,
    settings: Settings = DEFAULTS,
) -> Thumbs:
    """One thumbnail per counted rep, decoded from ``source`` (a video, or the video a
    landmarks file came from). Raises InputError when no video is available."""
    wanted = rep_middles(result)
    if not wanted:
        return {}
    times = np.asarray(seq.times_s, np.float64)
    order = sorted(wanted.items(), key=lambda kv: kv[1])
    out: Thumbs = {}
    k = 0
    with open_source(overlay_source(source, seq), settings.pose, settings.video) as src:
        for frame in src:
            while k < len(order) and order[k][1] <= frame.time_s:
                index = int(np.argmin(np.abs(times - frame.time_s))) if len(times) else None
                image = skeleton_image(frame, seq, index, settings.signal.min_visibility)
                out[order[k][0]] = _png_uri(image)
                k += 1
            if k == len(order):
                break
    return out
