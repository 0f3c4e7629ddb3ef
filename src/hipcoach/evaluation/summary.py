"""Pool clip scores into one set of metrics (definitions in ``hipcoach.evaluation.score``).

Shares are of true sets (exact, rep-count error), of judged circle sets (direction) or of
clips (camera view); the abduction error is pooled over frames (deg); times are summed (s).
A share without a denominator is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from hipcoach.evaluation.score import AngleErrors, ClipScore, RuleCount


def _share(a: float, b: float) -> float:
    return a / b if b else math.nan


@dataclass
class Summary:
    """Pooled metrics of several clips or sessions."""

    clips: int = 0
    sets: int = 0
    exact: int = 0
    withheld: int = 0
    abs_err: int = 0
    true_reps: int = 0
    #: Reps of the matched, counted found sets (unmatched and withheld: 0).
    found_reps: int = 0
    circle_sets: int = 0
    direction_ok: int = 0
    #: Circle sets overlapped by a found circle set (the ones whose direction is judged).
    direction_n: int = 0
    phantom_unmatched: int = 0
    phantom_rest: int = 0
    stray: int = 0
    overlaps: int = 0
    angles: AngleErrors = field(default_factory=AngleErrors)
    view_ok: int = 0
    analysis_s: float = 0.0
    video_s: float = 0.0
    pose_s: float = 0.0
    rules: dict[str, RuleCount] = field(default_factory=dict)

    @property
    def exact_share(self) -> float:
        """Share of true sets counted exactly."""
        return _share(self.exact, self.sets)

    @property
    def mae(self) -> float:
        """Mean |found - true| reps per true set."""
        return _share(self.abs_err, self.sets)

    @property
    def bias(self) -> float:
        """Mean signed (found - true) reps per true set."""
        return _share(self.found_reps - self.true_reps, self.sets)

    @property
    def direction_share(self) -> float:
        """Share of judged circle sets whose direction is right."""
        return _share(self.direction_ok, self.direction_n)

    @property
    def phantom(self) -> int:
        """All phantom reps: unmatched + in a rest + stray."""
        return self.phantom_unmatched + self.phantom_rest + self.stray

    @property
    def angle_mae(self) -> float:
        """Mean abduction error (deg)."""
        return self.angles.mae

    @property
    def coverage(self) -> float:
        """Share of exercise frames with an abduction reading."""
        return _share(self.angles.n, self.angles.exercise_frames)

    @property
    def view_share(self) -> float:
        """Share of clips whose camera view was read as the true one."""
        return _share(self.view_ok, self.clips)


def summarize(scores: Iterable[ClipScore], exercise: str | None = None) -> Summary:
    """Pool clips; with ``exercise``, that exercise's sets and abduction frames only."""
    s = Summary()
    for c in scores:
        s.clips += 1
        for row in c.sets:
            if exercise is not None and row.exercise != exercise:
                continue
            s.sets += 1
            s.exact += row.exact
            s.withheld += row.withheld
            s.abs_err += row.error
            s.true_reps += row.true_reps
            s.found_reps += row.found_reps or 0
            if row.exercise.startswith("leg_circle"):
                s.circle_sets += 1
                s.direction_ok += row.direction_ok is True
                s.direction_n += row.direction_ok is not None
        if exercise is not None:
            e, n = c.angles.by_exercise.get(exercise, (0.0, 0))
            s.angles.add(AngleErrors(e, n))
            continue
        s.phantom_unmatched += c.phantom_unmatched
        s.phantom_rest += c.phantom_rest
        s.stray += c.stray
        s.overlaps += c.overlapping_pairs
        s.angles.add(c.angles)
        s.view_ok += c.view_ok
        s.analysis_s += c.analysis_s
        s.video_s += c.video_s
        s.pose_s += c.pose_s
        for rule, rs in c.rules.items():
            s.rules.setdefault(rule, RuleCount()).add(rs)
    return s
