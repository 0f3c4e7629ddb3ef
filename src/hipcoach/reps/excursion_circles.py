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
  ``min_radius`` deep on its lower side) - a raise goes up and straight down. Tops and
  dips of a circle's diameter are circles even when neither loop cue turns (the camera at
  the placement where the 2-D cue changes sign, with a flat depth cue): counted, with the
  direction unknown. Limit: a
  single circle that starts and ends at its lowest point has no such dip and reads as a
  raise (circles started from the lifted position, up or down first, are seen).
  Counted on the abduction because the pose model reads it far better than the depth cue,
  whose sweep loses turns while its sign stays right (docs/hip-series.md, "Signals against
  the renderer's truth"). A turn ends at its top.

Turns are confirmed when the leg is lowered (a live display can show the excursion in
progress). Fed one sample at time, it gives the same turns offline and live.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.signal import find_peaks

from hipcoach.config import CircleConfig, HysteresisConfig
from hipcoach.reps.hysteresis import HysteresisCounter

Direction = Literal["ccw", "cw"]


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
    #: A lift that starts again within this long after the leg dipped below the release
    #: level, while staying above its rest level, continues the same lift (s): a big
    #: circle's lowest point, not a new raise.
    merge_gap_s: float = 0.5
    #: A cue's loop gives a direction from this roundness on (with ``min_sweep_turns``):
    #: a single turn's loop is smaller and noisier than a set's (0..1).
    min_direction_roundness: float = 0.4


@dataclass(frozen=True)
class Loop:
    """How one cue's path circles about the excursion's centre (median of the samples)."""

    roundness: float  # ``circularity`` of the path (0..; ~1 per clean turn)
    sweep_turns: float  # signed winding about the centre (turns; + = ccw)
    radius: float  # mean distance from the centre of the samples used (path unit)

    def circling(self, config: ExcursionCircleConfig) -> bool:
        """Round enough and sweeping far enough to be circles (not a raise's thin loop)."""
        return (
            self.roundness >= config.min_circularity
            and abs(self.sweep_turns) >= config.min_sweep_turns
        )

    def direction(self, config: ExcursionCircleConfig) -> Direction | None:
        """The loop's direction when it is clear enough to read (else None)."""
        if self.roundness < config.min_direction_roundness:
            return None
        if abs(self.sweep_turns) < config.min_sweep_turns:
            return None
        return "ccw" if self.sweep_turns > 0 else "cw"


NO_LOOP = Loop(0.0, 0.0, float("nan"))


@dataclass(frozen=True)
class Excursion:
    """One lifted excursion judged as circles: its time span (s), both cues' loops, the
    direction read from the first cue (None: not readable there) and the second cue's loop
    direction, whose relation to the true direction depends on the camera (see
    ``events.resolve_directions``; None: not readable either)."""

    start_s: float
    end_s: float
    depth: Loop
    flat: Loop
    direction: Direction | None
    flat_direction: Direction | None
    #: The third cue's loop and direction (same sign convention as the first cue).
    toe: Loop = NO_LOOP
    toe_direction: Direction | None = None


def loop(x: np.ndarray, y: np.ndarray, min_radius: float) -> Loop:
    """The loop of path (x, y) about its median point (see :class:`Loop`)."""
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 6:
        return NO_LOOP
    cx, cy = np.median(x[ok]), np.median(y[ok])
    r = np.hypot(x - cx, y - cy)
    use = ok & (r >= min_radius)
    if use.sum() < 6:
        return NO_LOOP
    sweep = np.unwrap(np.arctan2(y[use] - cy, x[use] - cx))
    return Loop(circularity(x, y), float(sweep[-1] - sweep[0]) / _TURN, float(r[use].mean()))


class ExcursionCircleCounter:
    """Streaming counter of leg circles per lifted excursion (see the module docstring).

    ``x`` is the first loop cue (its sign gives the direction), ``x2`` an optional second
    cue whose sign relation to the direction is unknown: when only ``x2`` circles, the
    turns are counted and :attr:`excursions` records the excursion with direction None.
    ``x3``, optional, a third cue with ``x``'s sign convention: its loop and direction are
    recorded with the excursion (for the caller to weigh); it does not decide whether a
    lift is circles.
    """

    def __init__(self, config: ExcursionCircleConfig) -> None:
        self.config = config
        self._lift = HysteresisCounter(config.lift)
        self._buf: list[tuple[float, float, float, float, float]] = []
        self._reps: list[CircleRep] = []
        self.excursions: list[Excursion] = []
        self._floor = math.inf  # lowest y of the rest before the current chain (deg)
        self._chain: tuple[float, float] | None = None  # start, end (s) of closed excursions
        self._gap_min = math.inf  # lowest y since the chain's last excursion closed

    @property
    def reps(self) -> tuple[CircleRep, ...]:
        """Counted turns, in order (direction "ccw" for turns whose direction is unknown:
        see :attr:`excursions`)."""
        return tuple(self._reps)

    def update(
        self, t_s: float, x: float, y: float, x2: float = math.nan, x3: float = math.nan
    ) -> list[CircleRep]:
        """One sample; returns the turns confirmed by this sample (when the leg came down).

        Big circles dip below the lift's release level at their lowest point; an excursion
        that starts again within ``merge_gap_s`` of the last one, without the leg having
        come back down to its rest level (+ ``min_radius``), continues the same lift.
        """
        was_rest = self._lift.state == "rest"
        self._buf.append((t_s, x, y, x2, x3))
        closed = self._lift.update(t_s, y)
        started = was_rest and self._lift.state == "active"
        if closed is not None:
            start = closed.start_s if self._chain is None else self._chain[0]
            self._chain, self._gap_min = (start, closed.end_s), math.inf
            return []
        if self._chain is not None and (started or self._lift.state == "rest"):
            return self._follow_chain(t_s, y, started)
        if self._chain is None and self._lift.state == "rest":
            if math.isfinite(y):
                self._floor = min(self._floor, y)
            del self._buf[:-2]  # keep only what the next excursion's start can need
        return []

    def finish(self) -> list[CircleRep]:
        """Judge the lift still waiting for a possible continuation (end of the stretch)."""
        return self._close_chain() if self._chain is not None else []

    def _follow_chain(self, t_s: float, y: float, started: bool) -> list[CircleRep]:
        assert self._chain is not None
        floor = self._floor + self.config.circle.min_radius
        if started and t_s - self._chain[1] <= self.config.merge_gap_s and self._gap_min > floor:
            self._gap_min = math.inf
            return []  # the same lift goes on (while active, not followed): judged when it closes
        if math.isfinite(y):
            self._gap_min = min(self._gap_min, y)
        if started or t_s - self._chain[1] > self.config.merge_gap_s or self._gap_min <= floor:
            keep = self._buf[-1:] if started else []
            turns = self._close_chain()
            self._buf = keep or self._buf[-2:]
            return turns
        return []

    def _close_chain(self) -> list[CircleRep]:
        assert self._chain is not None
        a, b = self._chain
        samples = np.array([s for s in self._buf if a <= s[0] <= b])
        self._chain, self._floor = None, math.inf
        turns = self._turns(samples) if len(samples) >= 6 else []
        self._reps.extend(turns)
        return turns

    def _turns(self, s: np.ndarray) -> list[CircleRep]:
        t, x, y, x2 = s[:, 0], s[:, 1], s[:, 2], s[:, 3]
        min_r = self.config.circle.min_radius
        cfg = self.config
        depth, flat, toe = loop(x, y, min_r), loop(x2, y, min_r), loop(s[:, 4], y, min_r)
        ok = np.isfinite(y)
        tops = self._tops(t[ok], y[ok], float(np.median(y[ok])))
        if len(tops) < cfg.min_turns:
            return []
        if len(tops) == 1 and not self._dips(y[ok]):
            return []  # one hump: a raise (with some depth wobble), not a circle
        deep = self._dips(y[ok], 2.0 * min_r)
        if not (depth.circling(cfg) or flat.circling(cfg) or deep):
            return []  # no circling in either cue and no deep dip: e.g. a wobbly raise
        direction = depth.direction(cfg)
        excursion = Excursion(
            float(t[0]),
            float(t[-1]),
            depth,
            flat,
            direction,
            flat.direction(cfg),
            toe,
            toe.direction(cfg),
        )
        self.excursions.append(excursion)
        radius = depth.radius if direction is not None else self._y_radius(y[ok])
        starts = [float(t[ok][0]), *tops[:-1]]
        out: list[CircleRep] = []
        for a, b in zip(starts, tops, strict=True):
            c = self.config.circle
            if c.min_rep_s <= b - a <= c.max_rep_s:
                n = len(self._reps) + len(out) + 1
                out.append(CircleRep(n, a, b, b - a, radius, direction or "ccw"))
        return out

    def _dips(self, y: np.ndarray, depth: float | None = None) -> bool:
        """True when y, while lifted, falls into a valley and rises again by at least
        ``depth`` (default ``min_radius``): the lower half of a circle."""
        valleys, _ = find_peaks(-y, prominence=depth or self.config.circle.min_radius)
        return len(valleys) > 0

    def _y_radius(self, y: np.ndarray) -> float:
        """Circle radius (deg) from the abduction alone: half the drop from the tops to the
        valleys between them."""
        r = self.config.circle.min_radius
        tops, _ = find_peaks(y, prominence=r)
        valleys, _ = find_peaks(-y, prominence=r)
        if len(tops) == 0 or len(valleys) == 0:
            return float("nan")
        return 0.5 * float(np.median(y[tops]) - np.median(y[valleys]))

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
