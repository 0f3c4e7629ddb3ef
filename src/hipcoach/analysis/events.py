"""Rep-like events of the working leg, found by running every counter over one side block.

Each counter is the same streaming counter the live mode uses (``hipcoach.reps``), fed one
sample at a time. Thresholds come from the routine file: abduction events use the most
permissive of the raise/lift settings (the set is labelled later), bicycle events the
bicycle's flexion/extension thresholds, circles the circle settings. Circle direction is
measured on the (flexion, abduction) path drawn as seen from the feet: flexion is mirrored
when the left leg works, so "ccw" always means counter-clockwise seen from the feet end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from hipcoach.analysis.signals import LegSignals
from hipcoach.config import (
    DEFAULTS,
    CircleConfig,
    HysteresisConfig,
    SegmentSettings,
)
from hipcoach.exercises.routine import ExerciseSpec, Routine
from hipcoach.reps import HysteresisCounter
from hipcoach.reps.excursion_circles import ExcursionCircleConfig, ExcursionCircleCounter

EventKind = Literal["abduction", "bicycle", "circle_ccw", "circle_cw"]
Side = Literal["left", "right"]


@dataclass(frozen=True)
class Event:
    """One rep-like movement. ``peak_deg``: abduction peak (raises), flexion peak (bicycle)
    or highest abduction during the turn (circles); ``extra`` holds kind-specific values."""

    kind: EventKind
    start_s: float
    end_s: float
    peak_deg: float
    extra: tuple[tuple[str, float], ...] = ()

    def get(self, key: str) -> float:
        """An extra value by name (NaN when absent)."""
        return dict(self.extra).get(key, float("nan"))


def _specs(routine: Routine, signal: str) -> list[ExerciseSpec]:
    return [e for e in routine.exercises if e.signal == signal]


def abduction_config(routine: Routine, max_gap_s: float) -> HysteresisConfig:
    """The most permissive raise/lift thresholds of the routine."""
    specs = _specs(routine, "abduction")
    return HysteresisConfig(
        high=min(float(e.rep_high_deg or 0.0) for e in specs),
        low=min(float(e.rep_low_deg or 0.0) for e in specs),
        min_rep_s=min(e.min_rep_s for e in specs),
        max_rep_s=max(e.max_rep_s for e in specs),
        max_gap_s=max_gap_s,
    )


def bicycle_config(spec: ExerciseSpec, seg: SegmentSettings, max_gap_s: float) -> HysteresisConfig:
    """Bicycle reps as forward-flexion excursions of the thigh depth cue.

    From the front view the kick-back behind the body shows only as a ~5 deg dip of the
    depth cue (see ``analysis.signals``), so a rep is counted on the forward phase: above
    the spec's ``flexion_high_deg`` and back below the release level, which lies
    ``flexion_release_fraction`` of the way from ``extension_low_deg`` up to it.
    """
    high, low = float(spec.flexion_high_deg or 0.0), float(spec.extension_low_deg or 0.0)
    return HysteresisConfig(
        high=high,
        low=low + seg.flexion_release_fraction * (high - low),
        min_rep_s=spec.min_rep_s,
        max_rep_s=spec.max_rep_s,
        max_gap_s=max_gap_s,
    )


def circle_config(
    routine: Routine, seg: SegmentSettings, max_gap_s: float
) -> ExcursionCircleConfig:
    """Circles: lift detected with the small raise's thresholds (the leg is lifted into the
    circles), geometry and per-turn durations from the circle specs (smaller radius wins)."""
    specs = _specs(routine, "circle")
    lift = abduction_config(routine, max_gap_s)
    longest = max(e.max_rep_s * (e.max_reps or e.target_reps) for e in specs)
    circle = CircleConfig(
        min_radius=min(float(e.min_radius_deg or 1.0) for e in specs),
        min_rep_s=min(e.min_rep_s for e in specs),
        max_rep_s=max(e.max_rep_s for e in specs),
        max_gap_s=max_gap_s,
    )
    return ExcursionCircleConfig(
        lift=lift.model_copy(update={"max_rep_s": max(lift.max_rep_s, longest)}),
        circle=circle,
        min_circularity=seg.min_circle_roundness,
        min_turns=seg.min_circles_per_lift,
    )


def _peak_between(t: np.ndarray, v: np.ndarray, a: float, b: float) -> float:
    sel = (t >= a) & (t <= b) & np.isfinite(v)
    return float(v[sel].max()) if sel.any() else float("nan")


def detect_events(
    sig: LegSignals, routine: Routine, working_leg: Side, seg: SegmentSettings = DEFAULTS.segment
) -> list[Event]:
    """All abduction, bicycle and circle events of one side block, in time order.

    The counters bridge gaps of up to ``seg.count_max_gap_s`` without a reading.
    """
    gap = seg.count_max_gap_s
    abd = HysteresisCounter(abduction_config(routine, gap))
    bike = HysteresisCounter(bicycle_config(_specs(routine, "flexion_extension")[0], seg, gap))
    circ = ExcursionCircleCounter(circle_config(routine, seg, gap))
    mirror = 1.0 if working_leg == "right" else -1.0
    t, a2, fd, th = sig.times_s, sig.abduction_2d_deg, sig.flexion_depth_deg, sig.thigh_depth_deg
    for i in range(len(t)):
        abd.update(float(t[i]), float(a2[i]))
        bike.update(float(t[i]), float(th[i]))
        circ.update(float(t[i]), float(mirror * fd[i]), float(a2[i]))
    events = [Event("abduction", r.start_s, r.end_s, r.peak_value) for r in abd.reps]
    events += [Event("bicycle", r.start_s, r.end_s, r.peak_value) for r in bike.reps]
    events += [
        Event(
            "circle_ccw" if r.direction == "ccw" else "circle_cw",
            r.start_s,
            r.end_s,
            _peak_between(t, a2, r.start_s, r.end_s),
            (("radius_deg", r.mean_radius),),
        )
        for r in circ.reps
    ]
    ordered = sorted(events, key=lambda e: e.start_s)
    return resolve_overlaps(ordered, seg)


def resolve_overlaps(events: list[Event], seg: SegmentSettings) -> list[Event]:
    """Drop abduction events that are really part of a circle set or a bicycle rep: those
    overlapping another event by more than ``max_overlap_share`` of either event's duration,
    where a bicycle rep is widened by ``bicycle_lead_s`` before and ``bicycle_tail_s`` after
    (the lift into the hover and the leg coming down after the last kick)."""
    spans = [
        (o.start_s - seg.bicycle_lead_s, o.end_s + seg.bicycle_tail_s)
        if o.kind == "bicycle"
        else (o.start_s, o.end_s)
        for o in events
        if o.kind != "abduction"
    ]

    def claimed(e: Event) -> bool:
        for a, b in spans:
            overlap = max(0.0, min(e.end_s, b) - max(e.start_s, a))
            shortest = max(min(e.end_s - e.start_s, b - a), 1e-9)
            if overlap / shortest > seg.max_overlap_share:
                return True
        return False

    return [e for e in events if e.kind != "abduction" or not claimed(e)]
