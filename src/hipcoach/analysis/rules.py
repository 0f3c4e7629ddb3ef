"""Form rules: per rep, measured values checked against the routine's thresholds.

Each rule of the routine file has a unit, a threshold, a direction ("above"/"below" = fault
when the value is above/below it) and the camera views it can be measured from. A rule that
cannot be measured from the current view gives ONE flag with ``measurable=False`` ("not
measurable from this view") and no value: it never guesses. Otherwise each rep gets its
value; reps that break the rule get a flag with the rule's cue. Values per rule (degrees
unless noted; "middle" = the middle half of the rep, where the leg is up):

- ``range_of_motion``: how far the rep's peak angle lies outside the exercise's target band.
- ``circle_size``: how far the circle's radius lies outside the target band.
- ``tempo``: rep duration (s).
- ``knee_bent``: median knee flexion in the middle of the rep minus its median at rest.
- ``toes_up``: median ``foot_up_deg`` in the middle of the rep.
- ``trunk_leg_alignment``: median ``flexion_depth_deg`` (leg forward of the body line) in
  the middle of the rep.
- ``pelvis_roll``: largest |``pelvis_roll_deg``| during the rep.
- ``incomplete_extension``: how far behind the body the thigh gets (min of
  ``thigh_depth_deg``, sign flipped so + = behind).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hipcoach.analysis.events import Event
from hipcoach.analysis.result import Flag
from hipcoach.analysis.sets import LabelledSet
from hipcoach.analysis.signals import F64, LegSignals
from hipcoach.analysis.view import quiet_nan
from hipcoach.exercises.routine import ExerciseSpec, Routine, RuleSpec

NOT_MEASURABLE = "not measurable from this view"

Measure = Callable[[Event, LegSignals, ExerciseSpec], float]


def _window(sig: LegSignals, e: Event, middle: bool) -> np.ndarray:
    a, b = e.start_s, e.end_s
    if middle:
        a, b = a + 0.25 * (b - a), b - 0.25 * (b - a)
    return np.asarray((sig.times_s >= a) & (sig.times_s <= b))


def _median(values: F64, mask: np.ndarray) -> float:
    with quiet_nan():
        return float(np.nanmedian(values[mask])) if mask.any() else float("nan")


def _outside(value: float, lo: float, hi: float) -> float:
    return max(0.0, lo - value, value - hi) if np.isfinite(value) else float("nan")


def _rom(e: Event, sig: LegSignals, spec: ExerciseSpec) -> float:
    return _outside(e.peak_deg, spec.target_peak_deg_min, spec.target_peak_deg_max)


def _circle(e: Event, sig: LegSignals, spec: ExerciseSpec) -> float:
    return _outside(e.get("radius_deg"), spec.target_peak_deg_min, spec.target_peak_deg_max)


def _tempo(e: Event, sig: LegSignals, spec: ExerciseSpec) -> float:
    return e.end_s - e.start_s


def _knee(e: Event, sig: LegSignals, spec: ExerciseSpec) -> float:
    rest = np.abs(sig.abduction_2d_deg) < 5.0
    return _median(sig.knee_flexion_deg, _window(sig, e, True)) - _median(
        sig.knee_flexion_deg, rest
    )


def _toes(e: Event, sig: LegSignals, spec: ExerciseSpec) -> float:
    return _median(sig.foot_up_deg, _window(sig, e, True))


def _alignment(e: Event, sig: LegSignals, spec: ExerciseSpec) -> float:
    return _median(sig.flexion_depth_deg, _window(sig, e, True))


def _pelvis(e: Event, sig: LegSignals, spec: ExerciseSpec) -> float:
    values = np.abs(sig.pelvis_roll_deg[_window(sig, e, False)])
    with quiet_nan():
        return float(np.nanmax(values)) if values.size else float("nan")


def _extension(e: Event, sig: LegSignals, spec: ExerciseSpec) -> float:
    values = sig.thigh_depth_deg[_window(sig, e, False)]
    with quiet_nan():
        return -float(np.nanmin(values)) if values.size else float("nan")


MEASURES: dict[str, Measure] = {
    "range_of_motion": _rom,
    "circle_size": _circle,
    "tempo": _tempo,
    "knee_bent": _knee,
    "toes_up": _toes,
    "trunk_leg_alignment": _alignment,
    "pelvis_roll": _pelvis,
    "incomplete_extension": _extension,
}


def _rule_flags(rule: RuleSpec, ls: LabelledSet, sig: LegSignals, cue: str) -> list[Flag]:
    flags = []
    for index, event in enumerate(ls.events, start=1):
        value = MEASURES[rule.id](event, sig, ls.exercise)
        if np.isfinite(value) and rule.is_fault(value):
            flags.append(Flag(rule.id, index, float(value), rule.unit, True, cue))
    return flags


def evaluate_rules(ls: LabelledSet, sig: LegSignals, view: str, routine: Routine) -> list[Flag]:
    """Flags of one set: faults per rep, and one "not measurable" flag per unreadable rule."""
    flags: list[Flag] = []
    for rule_id in ls.exercise.rules:
        rule = routine.rule(rule_id)
        if view not in rule.views:
            flags.append(
                Flag(
                    rule.id,
                    None,
                    None,
                    rule.unit,
                    False,
                    f"{rule.title}: {NOT_MEASURABLE} ({view})",
                )
            )
            continue
        flags.extend(_rule_flags(rule, ls, sig, ls.exercise.cue(rule_id)))
    return flags
