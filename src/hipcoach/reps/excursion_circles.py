"""Leg circles counted per lifted excursion of the leg.

The leg is lifted, circles a few times, and is lowered. A streaming hysteresis counter
on the lift signal (abduction, degrees) finds that excursion; while it lasts the path
``(x, y)`` (e.g. forward depth cue, abduction) is buffered. When the leg comes down:

- **circling at all?** The path must enclose area like an ellipse (``circularity`` at
  least ``min_circularity``) and its unwrapped phase about the excursion's own centre
  (the median of the excursion: a single circle pulls it to its own centre, where the
  lift and the lowering would pull a mid-range down) must sweep at least
  ``min_sweep_turns`` turns. A raise with forward wobble or bicycle kicks do not.
- **direction**: the sign of that sweep, "ccw" when the phase increases (x right, y up; the
  caller orients the axes so this matches the user-facing definition).
- **how many**: the tops of the circles, i.e. peaks of y (abduction) standing out by a
  circle's diameter at ``min_radius`` and rising above the centre; at least ``min_turns``.
  A circle counts from the first turn: a lift with ONE top is a circle when the leg also
  dips below the circle and comes back up while lifted (a valley of y at least
  ``min_radius`` deep on its lower side) - a raise goes up and straight down. Limit: a
  single circle that starts and ends at its lowest point has no such dip and reads as a
  raise (circles started from the lifted position, up or down first, are seen).
  Measured on rendered clips, the abduction is read far better than the depth cue, whose
  sweep lost one turn in a third of the circle sets while its sign stayed right. A turn
  ends at its top.

Turns are confirmed when the leg is lowered (a live display can show the excursion in
progress). Fed one sample at time, it gives the same turns offline and live.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from hipcoach.config import CircleConfig, HysteresisConfig
from hipcoach.reps.circles import CircleRep, Direction
from hipcoach.reps.hysteresis import HysteresisCounter

_TURN = 2.0 * math.pi


def circularity(x: np.ndarray, y: np.ndarray) -> float:
    """|signed area| (shoelace) / (2π σx σy) of a path: 1 for an ellipse traced once at
    even speed, near 0 for a back-and-forth line. NaN samples are dropped."""
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 6:
        return 0.0
    px, py = x[ok] - x[ok].mean(), y[ok] - y[ok].mean()
    area = 0.5 * abs(float(np.dot(px, np.roll(py, -1)) - np.dot(py, np.roll(px, -1))))
    spread = 2.0 * math.pi * float(px.std()) * float(py.std())
    return area / spread if spread > 0 else 0.0


@dataclass(frozen=True)
class ExcursionCircleConfig:
    """Lift detection (on y), circle geometry and per-turn duration limits."""

    lift: HysteresisConfig
    circle: CircleConfig
    #: Minimum enclosed-area ratio for the excursion to count as circling (0..1).
    min_circularity: float
    #: An excursion with fewer turns (tops) than this is not a circle set. With 1, a single
    #: top must be followed by the dip-and-rise of a circle (see the module docstring).
    min_turns: int = 1
    #: The depth path must sweep at least this many turns about the excursion's centre for
    #: the excursion to be circling at all (its sign gives the direction).
    min_sweep_turns: float = 0.75


class ExcursionCircleCounter:
    """Streaming counter of leg circles per lifted excursion (see the module docstring)."""

    def __init__(self, config: ExcursionCircleConfig) -> None:
        self.config = config
        self._lift = HysteresisCounter(config.lift)
        self._buf: list[tuple[float, float, float]] = []
        self._reps: list[CircleRep] = []

    @property
    def reps(self) -> tuple[CircleRep, ...]:
        """Counted turns, in order."""
        return tuple(self._reps)

    def update(self, t_s: float, x: float, y: float) -> list[CircleRep]:
        """One sample; returns the turns confirmed by this sample (when the leg came down)."""
        self._buf.append((t_s, x, y))
        closed = self._lift.update(t_s, y)
        if self._lift.state == "rest" and closed is None:
            del self._buf[:-2]  # keep only what the next excursion's start can need
            return []
        if closed is None:
            return []
        samples = np.array([s for s in self._buf if closed.start_s <= s[0] <= closed.end_s])
        self._buf = self._buf[-2:]
        turns = self._turns(samples) if len(samples) >= 6 else []
        self._reps.extend(turns)
        return turns

    def _turns(self, s: np.ndarray) -> list[CircleRep]:
        t, x, y = s[:, 0], s[:, 1], s[:, 2]
        if circularity(x, y) < self.config.min_circularity:
            return []
        ok = np.isfinite(x) & np.isfinite(y)
        cx, cy = np.median(np.column_stack([x[ok], y[ok]]), axis=0)
        r = np.hypot(x - cx, y - cy)
        use = ok & (r >= self.config.circle.min_radius)
        if use.sum() < 6:
            return []
        sweep = np.unwrap(np.arctan2(y[use] - cy, x[use] - cx))
        sweep -= sweep[0]
        if abs(float(sweep[-1])) < _TURN * self.config.min_sweep_turns:
            return []  # no circling in depth: e.g. bicycle kicks or a wobbly raise
        tops = self._tops(t[ok], y[ok], float(cy))
        if len(tops) < self.config.min_turns:
            return []
        if len(tops) == 1 and not self._dips(y[ok]):
            return []  # one hump: a raise (with some depth wobble), not a circle
        direction: Direction = "ccw" if sweep[-1] > 0 else "cw"
        starts = [float(t[use][0]), *tops[:-1]]
        radius = float(r[use].mean())
        out: list[CircleRep] = []
        for a, b in zip(starts, tops, strict=True):
            c = self.config.circle
            if c.min_rep_s <= b - a <= c.max_rep_s:
                out.append(
                    CircleRep(len(self._reps) + len(out) + 1, a, b, b - a, radius, direction)
                )
        return out

    def _dips(self, y: np.ndarray) -> bool:
        """True when y, while lifted, falls into a valley and rises again by at least
        ``min_radius`` (the lower half of a circle)."""
        valleys, _ = find_peaks(-y, prominence=self.config.circle.min_radius)
        return len(valleys) > 0

    def _tops(self, t: np.ndarray, y: np.ndarray, cy: float) -> list[float]:
        """Times of the highest points of the turns: abduction peaks standing out by at least
        a circle's diameter at the smallest radius and rising above the centre by half the
        circle's height (the return to a start point level with the centre before the leg
        comes down is not a top)."""
        half = 0.5 * float(np.subtract(*np.percentile(y, [90, 10])))
        peaks, _ = find_peaks(
            y, prominence=2.0 * self.config.circle.min_radius, height=cy + 0.5 * half
        )
        return [float(t[i]) for i in peaks]
