"""Counting full turns of a 2-D path around its centre (leg circles).

The path is a pair of signals ``(x, y)`` sampled in time, in one unit for both (e.g. hip
flexion and hip abduction in degrees). Every usable sample gets a phase

    phase = atan2(y - cy, x - cx)

around a centre ``(cx, cy)``: either given by the caller with each sample, or the running
centre described below. The phase is unwrapped from one usable sample to the next (each
step taken in ``[-pi, pi)``) and accumulated. Samples closer than ``min_radius`` (path
unit) to the centre are ignored like missing ones, so jitter around the centre does not
turn the phase.

**Running centre.** Per coordinate, the midpoint of the ``centre_trim`` and
``1 - centre_trim`` quantiles (a trimmed mid-range) of the window: the valid samples of
the last ``centre_window_s`` seconds, except that a sample within ``min_radius`` of the
current centre is not added to a non-empty window. So while the leg rests (near the
centre or anywhere else) the centre holds still instead of drifting through the remains
of the last circle, which would turn the phase of a still point; after a rest the first
movement away brings the centre along quickly. The window should cover at least one
circle (the default, 2 s, suits circles of up to 2 s): a shorter window lets the centre
wander along the circle and can count a spurious turn when the movement stops. The centre
lags a drifting path by about half the window.

**Reps.** A rep is one full turn (2π) of accumulated phase in one direction, measured from
the latest turning point: for a counter-clockwise turn from the lowest accumulated phase
since the previous rep boundary, for a clockwise turn from the highest. So turns in
alternating directions do not add up (half a turn one way then half a turn back is
nothing), and a turn after a reversal is measured from the reversal. Rep ``end_s`` is
where the accumulated phase reaches the turn (interpolated linearly between the two
samples around it); ``start_s`` is the previous rep's end or the turning point (a sample
time). Turns whose duration is outside ``[min_rep_s, max_rep_s]`` are rejected ("too
short" / "too long") but still use up their turn.

**Direction.** ``"ccw"`` when the phase increases, i.e. counter-clockwise in a plane drawn
with x to the right and y up; ``"cw"`` otherwise. Which way that is for the exerciser
depends on which anatomical angle the caller passes as x and which as y (and on the
side): the caller must choose (and, for a mirrored side, negate) the axes so that "ccw"
matches the user-facing definition of the circle direction. Swapping x and y, or negating
one of them, flips the direction.

**Gaps.** A sample with a non-finite coordinate is "no reading". When more than
``max_gap_s`` passes between two usable samples, the phase is not unwrapped across the gap:
the turn in progress is dropped and a new segment starts (its first rep is measured from
its first usable sample). Completed reps are kept.

``mean_radius`` is measured from the centre in use at each sample, so it is reliable when
the centre is.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from hipcoach.config import CircleConfig
from hipcoach.reps._common import (
    CounterLog,
    Rejection,
    SampleClock,
    as_series,
    crossing_time,
    duration_verdict,
    gap_exceeded,
)
from hipcoach.signal.gaps import FloatArray

__all__ = ["CircleConfig", "CircleCounter", "CircleRep", "Direction", "count_circles"]

Direction = Literal["ccw", "cw"]

_TURN = 2.0 * math.pi


@dataclass(frozen=True, slots=True)
class CircleRep:
    """One full turn (times in s, radius in the path's unit).

    Attributes:
        index: rep number from 1 among counted turns; 0 for a rejected one.
        start_s: previous rep boundary or the turning point the turn is measured from (s).
        end_s: interpolated time at which the accumulated phase completed the turn (s).
        duration_s: ``end_s - start_s`` (s).
        mean_radius: mean distance from the centre of the usable samples of the turn.
        direction: "ccw" (phase increasing) or "cw".
    """

    index: int
    start_s: float
    end_s: float
    duration_s: float
    mean_radius: float
    direction: Direction


@dataclass(frozen=True, slots=True)
class _Mark:
    """A reference point of the accumulated phase: a turning point or a rep boundary."""

    phase: float  # accumulated phase (rad)
    t_s: float
    sum_r: float  # radius sum and sample count of the segment up to here
    n: int


@dataclass(slots=True)
class _Segment:
    """Unwrapped phase since the last gap and its reference points."""

    last_s: float  # time of the last usable sample (s)
    last_angle: float  # its wrapped phase (rad)
    acc: float  # accumulated phase (rad)
    sum_r: float
    n: int
    low: _Mark
    high: _Mark

    def mark(self, t_s: float) -> _Mark:
        return _Mark(self.acc, t_s, self.sum_r, self.n)


class CircleCounter(CounterLog[CircleRep]):
    """Streaming counter of full turns of a 2-D path (see the module docstring)."""

    def __init__(self, config: CircleConfig) -> None:
        self.config = config
        self.reset()

    def reset(self) -> None:
        """Forget everything: reps, rejections, centre window and phase."""
        self._clock = SampleClock()
        self._window: deque[tuple[float, float, float]] = deque()
        self._running: tuple[float, float] | None = None
        self._seg: _Segment | None = None
        self._centre: tuple[float, float] = (math.nan, math.nan)
        self._clear_log()

    @property
    def centre(self) -> tuple[float, float]:
        """The centre used for the last valid sample (path unit; NaN before any)."""
        return self._centre

    @property
    def state(self) -> Literal["rest", "active"]:
        """Either "active" (a segment of usable samples is being unwrapped) or "rest"."""
        return "rest" if self._seg is None else "active"

    def update(
        self, t_s: float, x: float, y: float, centre: tuple[float, float] | None = None
    ) -> CircleRep | None:
        """Process one sample ``(x, y)`` (path unit; NaN = no reading) taken at ``t_s`` (s).

        Args:
            t_s: sample time (s), finite and strictly increasing between calls.
            x, y: the path coordinates; see the module docstring for the orientation.
            centre: the centre for this sample (path unit), or None for the running
                centre (see the module docstring).

        Returns:
            The turn this sample completed and counted, else None.
        """
        t = self._clock.tick(t_s)
        seg = self._seg
        if seg is not None and gap_exceeded(seg.last_s, t, self.config.max_gap_s):
            self._seg = seg = None  # the turn in progress is dropped
        xf, yf = float(x), float(y)
        if not (math.isfinite(xf) and math.isfinite(yf)):
            return None
        cx, cy = self._running_centre(t, xf, yf) if centre is None else centre
        self._centre = (float(cx), float(cy))
        radius = math.hypot(xf - cx, yf - cy)
        if not radius >= self.config.min_radius:  # also skips a NaN centre
            return None
        angle = math.atan2(yf - cy, xf - cx)
        if seg is None:
            first = _Mark(0.0, t, radius, 1)
            self._seg = _Segment(t, angle, 0.0, radius, 1, first, first)
            return None
        return self._advance(seg, t, angle, radius)

    def _running_centre(self, t: float, x: float, y: float) -> tuple[float, float]:
        """Trimmed mid-range of the window (path unit); see the module docstring."""
        cfg, window = self.config, self._window
        while window and window[0][0] < t - cfg.centre_window_s:
            window.popleft()
        near = self._running is not None and (
            math.hypot(x - self._running[0], y - self._running[1]) < cfg.min_radius
        )
        if window and near and self._running is not None:
            return self._running
        window.append((t, x, y))
        pts = np.array(window, dtype=np.float64)[:, 1:]
        lo, hi = np.quantile(pts, [cfg.centre_trim, 1.0 - cfg.centre_trim], axis=0)
        self._running = (float(lo[0] + hi[0]) / 2.0, float(lo[1] + hi[1]) / 2.0)
        return self._running

    def _advance(self, seg: _Segment, t: float, angle: float, radius: float) -> CircleRep | None:
        """Unwrap one usable sample into the segment; close a turn if one is complete."""
        step = math.remainder(angle - seg.last_angle, _TURN)  # in [-pi, pi]
        prev_s, prev_acc = seg.last_s, seg.acc
        seg.last_s, seg.last_angle, seg.acc = t, angle, seg.acc + step
        seg.sum_r += radius
        seg.n += 1
        rep = None
        ccw = seg.acc - seg.low.phase >= _TURN
        if ccw or seg.high.phase - seg.acc >= _TURN:
            ref = seg.low if ccw else seg.high
            target = ref.phase + (_TURN if ccw else -_TURN)
            end_s = crossing_time(prev_s, prev_acc, t, seg.acc, target)
            mean_r = (seg.sum_r - ref.sum_r) / max(seg.n - ref.n, 1)
            seg.low = seg.high = _Mark(target, end_s, seg.sum_r, seg.n)
            rep = self._close(ref.t_s, end_s, mean_r, "ccw" if ccw else "cw")
        if seg.acc < seg.low.phase:
            seg.low = seg.mark(t)
        elif seg.acc > seg.high.phase:
            seg.high = seg.mark(t)
        return rep

    def _close(
        self, start_s: float, end_s: float, mean_radius: float, direction: Direction
    ) -> CircleRep | None:
        """Count or reject a turn; returns it when counted."""
        cfg = self.config
        duration = end_s - start_s
        reason = duration_verdict(duration, cfg.min_rep_s, cfg.max_rep_s)
        index = 0 if reason is not None else len(self._reps) + 1
        rep = CircleRep(index, start_s, end_s, duration, mean_radius, direction)
        if reason is not None:
            self._rejected.append(Rejection(rep, reason))
            return None
        self._reps.append(rep)
        return rep


def count_circles(
    times_s: ArrayLike,
    x: ArrayLike,
    y: ArrayLike,
    config: CircleConfig,
    centre: ArrayLike | None = None,
) -> list[CircleRep]:
    """Counted turns of a whole recording: :class:`CircleCounter` fed sample by sample.

    Args:
        times_s: sample times (s), finite and strictly increasing, shape ``(N,)``.
        x, y: path coordinates (one unit for both), shape ``(N,)``; NaN = no reading.
        config: ``min_radius`` (path unit) and durations (s).
        centre: None for the running centre, a fixed ``(cx, cy)``, or one centre
            per sample, shape ``(N, 2)`` (path unit).

    Returns:
        The counted turns, in order.
    """
    t, xy = as_series(times_s, np.column_stack([np.ravel(x), np.ravel(y)]), ncols=2)
    centres: FloatArray | None = None
    if centre is not None:
        c = np.asarray(centre, dtype=np.float64)
        centres = np.broadcast_to(c, (t.shape[0], 2)) if c.shape == (2,) else c
        if centres.shape != (t.shape[0], 2):
            raise ValueError(f"centre must have shape (2,) or ({t.shape[0]}, 2), got {c.shape}")
    counter = CircleCounter(config)
    for i, ti in enumerate(t.tolist()):
        ci = None if centres is None else (float(centres[i, 0]), float(centres[i, 1]))
        counter.update(ti, float(xy[i, 0]), float(xy[i, 1]), ci)
    return list(counter.reps)
