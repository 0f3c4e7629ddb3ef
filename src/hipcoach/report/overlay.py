"""An analysis overlay video: the skeleton plus a coaching panel on every frame.

The source video is decoded again and each frame is paired with the landmark frame of the
same timestamp (within half a frame). The panel (bottom-left) shows, during a set, the
exercise and working leg, the rep within the set ("rep 3 / 10": the rep under way, or the
last one between reps), the circle direction as seen from the feet, and a cue: the form
message of the last finished rep if it broke a rule, otherwise the exercise's movement cue.
Between sets it shows "rest" and what comes next. Frames keep their source timestamps.
Times are in seconds; pixel sizes scale with the frame so the panel reads the same at any
resolution.
"""

from __future__ import annotations

import math
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from hipcoach.analysis.analyze import BlockAnalysis
from hipcoach.analysis.result import AnalysisResult, SetResult
from hipcoach.config import DEFAULTS, Settings
from hipcoach.errors import InputError
from hipcoach.exercises.routine import Routine
from hipcoach.landmarks import MIRROR_PERMUTATION
from hipcoach.landmarks import Landmark as L  # noqa: N817
from hipcoach.report.plots import direction_text, exercise_colour, exercise_name, hex_rgb
from hipcoach.sequence.schema import PoseSequence
from hipcoach.video import Frame, open_source
from hipcoach.video.open import camera_index
from hipcoach.video.overlay import OverlayWriter, draw_pose

#: Called after each written frame with (frames written, total frames if known).
ProgressFn = Callable[[int, int | None], None]

_FONT: Final = cv2.FONT_HERSHEY_SIMPLEX
_REST_COLOUR: Final = (150, 150, 150)
_TEXT: Final = (255, 255, 255)
_DIM_TEXT: Final = (205, 210, 215)
#: After a set's last rep, the panel says "set done" this long before "rest" (s): the leg
#: is often still coming down.
SET_TAIL_S: Final = 2.0
_ASCII: Final = {"–": "-", "—": "-", "°": " deg", "‘": "'", "’": "'", "“": '"', "”": '"'}


@dataclass(frozen=True)
class Panel:
    """What the panel says at one moment: a headline, further lines, an accent colour (RGB)."""

    headline: str
    lines: tuple[str, ...]
    colour: tuple[int, int, int]
    resting: bool


class Timeline:
    """The sets of a result in time order, queried by time (s)."""

    def __init__(self, result: AnalysisResult, routine: Routine) -> None:
        self.sets = sorted(result.sets, key=lambda s: s.start_s)
        self._starts = [s.start_s for s in self.sets]
        self._routine = routine

    def _title(self, s: SetResult) -> str:
        return f"{exercise_name(self._routine, s.exercise)} - {s.side} leg"

    def set_at(self, t: float) -> SetResult | None:
        """The set under way at ``t`` (from its first rep's start to its last rep's end)."""
        k = bisect_right(self._starts, t) - 1
        if k >= 0 and t <= self.sets[k].end_s:
            return self.sets[k]
        return None

    def panel_at(self, t: float) -> Panel:
        """The panel shown at time ``t`` (s). For :data:`SET_TAIL_S` after a set's last
        rep (the leg is often still coming down) it says the set is done, not "rest"."""
        s = self.set_at(t)
        if s is None:
            k = bisect_right(self._starts, t) - 1
            last = self.sets[k] if k >= 0 else None
            if last is not None and t - last.end_s <= SET_TAIL_S:
                return self._finished(last)
            return self._rest(t)
        current = max(1, sum(1 for a, _ in s.rep_times if a <= t))
        count = f"rep {current} / {s.target_reps}" if s.target_reps else f"rep {current}"
        if not s.counted:
            count = "not counted from this view"
        lines = [f"{s.side} leg - {count}"]
        direction = direction_text(s.direction)
        if direction:
            lines.append(direction)
        lines.append(self._cue(s, t))
        name = exercise_name(self._routine, s.exercise)
        return Panel(name, tuple(lines), hex_rgb(exercise_colour(s.exercise)), False)

    def _finished(self, s: SetResult) -> Panel:
        count = f"{s.reps} reps" if s.counted else "not counted from this view"
        name = exercise_name(self._routine, s.exercise)
        line = f"{s.side} leg - set done: {count}"
        return Panel(name, (line,), hex_rgb(exercise_colour(s.exercise)), False)

    def _rest(self, t: float) -> Panel:
        k = bisect_right(self._starts, t)
        if k < len(self.sets):
            line = f"next: {self._title(self.sets[k])}"
        else:
            line = f"done: {len(self.sets)} sets" if self.sets else "no exercise found"
        return Panel("rest", (line,), _REST_COLOUR, True)

    def _cue(self, s: SetResult, t: float) -> str:
        """Form message for the last finished rep if it has one, else the movement cue."""
        done = sum(1 for _, b in s.rep_times if b <= t)
        for f in s.flags:
            if f.measurable and f.rep == done and done > 0 and f.message:
                return f"rep {done}: {f.message}"
        for spec in self._routine.exercises:
            if spec.id == s.exercise:
                return spec.cues.movement
        return ""


def ascii_text(text: str) -> str:
    """Text OpenCV's Hershey fonts can draw (they have ASCII only)."""
    for k, v in _ASCII.items():
        text = text.replace(k, v)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _wrap(text: str, scale: float, thickness: int, max_w: int) -> list[str]:
    lines: list[str] = []
    for word in ascii_text(text).split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and cv2.getTextSize(trial, _FONT, scale, thickness)[0][0] <= max_w:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def draw_panel(rgb: NDArray[np.uint8], panel: Panel, right: bool = False) -> NDArray[np.uint8]:
    """Draw ``panel`` into a bottom corner of ``rgb`` (in place) and return it: the left
    one, or the right one with ``right`` (the corner away from the feet, see
    :func:`panel_on_right`).

    Bottom, not top: the person lies across the picture and the working leg rises toward
    the top, where a panel would hide it; below the mat there is only floor.
    """
    h, w = rgb.shape[:2]
    unit = max(min(h, w) / 480.0, 0.3)
    margin, pad, bar = round(10 * unit), round(10 * unit), max(2, round(6 * unit))
    max_text_w = int(min(w - 2 * margin - 2 * pad - bar, max(0.5 * w, 300 * unit)))
    big, small = 0.8 * unit, 0.55 * unit
    thick_big, thick_small = max(1, round(2 * unit)), max(1, round(1.3 * unit))
    rows = [(t, big, thick_big, _TEXT) for t in _wrap(panel.headline, big, thick_big, max_text_w)]
    for i, line in enumerate(panel.lines):
        colour = _TEXT if i == 0 and not panel.resting else _DIM_TEXT
        rows += [
            (t, small, thick_small, colour) for t in _wrap(line, small, thick_small, max_text_w)
        ]
    sizes = [cv2.getTextSize(t, _FONT, s, th) for t, s, th, _ in rows]
    heights = [sz[1] + base + round(8 * unit) for sz, base in sizes]
    box_w = min(w - 2 * margin, max(sz[0] for sz, _ in sizes) + 2 * pad + bar)
    box_h = min(h - 2 * margin, sum(heights) + 2 * pad)
    x0, y0 = (w - margin - box_w if right else margin), h - margin - box_h
    roi = rgb[y0 : y0 + box_h, x0 : x0 + box_w]
    roi[:] = (roi.astype(np.float32) * 0.3 + np.float32(18) * 0.7).astype(np.uint8)
    cv2.rectangle(rgb, (x0, y0), (x0 + bar - 1, y0 + box_h - 1), panel.colour, -1)
    y = y0 + pad
    for (text, scale, thick, colour), ((_, th), _base), step in zip(
        rows, sizes, heights, strict=True
    ):
        if y + th > y0 + box_h:
            break
        cv2.putText(rgb, text, (x0 + bar + pad, y + th), _FONT, scale, colour, thick, cv2.LINE_AA)
        y += step
    return rgb


def panel_on_right(seq: PoseSequence, min_visibility: float) -> bool:
    """True when the feet lie in the left half of the picture (median ankle x over the
    clip): the panel then goes to the bottom-right corner so it never covers the feet."""
    x = seq.image_xy[:, [L.LEFT_ANKLE, L.RIGHT_ANKLE], 0]
    seen = seq.visibility[:, [L.LEFT_ANKLE, L.RIGHT_ANKLE]] >= min_visibility
    with np.errstate(invalid="ignore"):
        values = x[seen & np.isfinite(x)]
    return bool(values.size) and float(np.median(values)) < 0.5 * seq.width


def _swapped_frames(blocks: list[BlockAnalysis], n: int) -> NDArray[np.bool_]:
    """Per landmark frame: True where the model's left/right labels are swapped."""
    swap = np.zeros(n, bool)
    for b in blocks:
        if b.view.labels_swapped:
            swap[b.block.start : b.block.stop] = True
    return swap


def _nearest(times: NDArray[np.float64], t: float, tol_s: float) -> int | None:
    i = int(np.searchsorted(times, t))
    best = min((j for j in (i - 1, i) if 0 <= j < len(times)), key=lambda j: abs(times[j] - t))
    return best if abs(times[best] - t) <= tol_s else None


def skeleton_image(
    frame: Frame, seq: PoseSequence, index: int | None, min_visibility: float, swap: bool = False
) -> NDArray[np.uint8]:
    """The frame with the skeleton of landmark frame ``index`` drawn (a copy); ``swap``:
    the model's left/right labels are swapped in that frame."""
    if index is None or not seq.detected[index]:
        return frame.rgb.copy()
    h, w = frame.rgb.shape[:2]
    perm = list(MIRROR_PERMUTATION) if swap else list(range(seq.image_xy.shape[1]))
    xy = seq.image_xy[index][perm] * np.array([w / seq.width, h / seq.height])
    return draw_pose(frame.rgb, xy, seq.visibility[index][perm], min_visibility)


def overlay_source(source: str | Path, seq: PoseSequence) -> str:
    """The video to decode: ``source``, or for saved landmarks (.npz) the video they came
    from. Raises InputError for a webcam or when that video is not available."""
    if camera_index(source) is not None:
        raise InputError(
            "an overlay needs a video file; a live camera cannot be decoded a second time",
            fix="record the session to a file, then analyze the file",
        )
    if not str(source).lower().endswith(".npz"):
        return str(source)
    original = seq.provenance.source
    if original and Path(original).is_file():
        return original
    raise InputError(
        f"an overlay needs the video, and the video of {Path(source).name} was not found",
        fix="run analyze on the video itself to write --overlay",
    )


#: Draws one decoded frame: the frame and the index of the landmark frame at its time
#: (None: none within half a frame period) -> the picture to write.
DrawFrame = Callable[[Frame, int | None], NDArray[np.uint8]]


def write_overlay_frames(
    source: str | Path,
    seq: PoseSequence,
    out_path: Path,
    draw: DrawFrame,
    settings: Settings = DEFAULTS,
    progress: ProgressFn | None = None,
) -> int:
    """Decode the video of ``source`` (see :func:`overlay_source`), match each frame to the
    landmark frame of ``seq`` at its time, write what ``draw`` makes of it to ``out_path``;
    returns the frames written. Raises InputError when no frame could be decoded."""
    times = np.asarray(seq.times_s, np.float64)
    fps = seq.median_fps if len(seq) > 1 else math.nan
    tol_s = 0.5 / fps if math.isfinite(fps) and fps > 0 else 0.02
    written = 0
    with ExitStack() as stack:
        src = stack.enter_context(
            open_source(overlay_source(source, seq), settings.pose, settings.video)
        )
        writer: OverlayWriter | None = None
        for frame in src:
            if writer is None:
                h, w = frame.rgb.shape[:2]
                writer = stack.enter_context(
                    OverlayWriter(Path(out_path), w, h, src.info.nominal_fps)
                )
            index = _nearest(times, frame.time_s, tol_s) if len(times) else None
            writer.write(draw(frame, index), frame.time_s)
            written += 1
            if progress is not None:
                progress(written, src.info.frame_count)
    if written == 0:
        raise InputError(f"no frames could be decoded from {source}", fix="check the video")
    return written


def write_analysis_overlay(
    source: str | Path,
    seq: PoseSequence,
    result: AnalysisResult,
    blocks: list[BlockAnalysis],
    routine: Routine,
    out_path: Path,
    settings: Settings = DEFAULTS,
    progress: ProgressFn | None = None,
) -> int:
    """Write the overlay video (see the module docstring); returns the frames written."""
    swap = _swapped_frames(blocks, len(seq))
    timeline = Timeline(result, routine)
    right = panel_on_right(seq, settings.signal.min_visibility)
    min_vis = settings.signal.min_visibility

    def draw(frame: Frame, index: int | None) -> NDArray[np.uint8]:
        is_swapped = bool(swap[index]) if index is not None else False
        img = skeleton_image(frame, seq, index, min_vis, is_swapped)
        return draw_panel(img, timeline.panel_at(frame.time_s), right)

    return write_overlay_frames(source, seq, out_path, draw, settings, progress)
