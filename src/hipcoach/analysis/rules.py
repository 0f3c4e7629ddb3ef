"""Form rules: per rep, measured values checked against the routine's thresholds.

The rules (one id each, unit, cue priority) are listed in ``exercises.rule_registry``;
:data:`MEASURES` has one measure per id. Each rule of the routine file has a unit, a
threshold, a direction ("above"/"below" = fault when the value is above/below it) and the
camera views it can be measured from. A rule that
cannot be measured from the current view gives ONE flag with ``measurable=False`` ("not
measurable from this view") and no value: it never guesses. Otherwise each rep gets its
value; reps that break the rule get a flag with the rule's cue. Values per rule (degrees
unless noted; "middle" = the middle half of the rep, where the leg is up):

- ``range_of_motion``: how far the rep's peak angle lies outside the exercise's target band.
- ``circle_size``: how far the circle's radius lies outside the target band.
- ``tempo``: lift time (s): the rep's abduction amplitude divided by its fast (95th
  percentile) angular speed, i.e. how long the lift would take at that speed. Swinging the
  leg (momentum) halves it; it does not depend on how long the leg rests between reps.
- ``knee_bent``: median knee flexion in the middle of the rep minus its median at rest.
- ``toes_up``: median ``foot_up_deg`` in the middle of the rep.
- ``trunk_leg_alignment``: median ``flexion_depth_deg`` (leg forward of the body line) in
  the middle of the rep.
- ``pelvis_roll``: 80th percentile of |``pelvis_roll_deg``| in the middle of the rep (a
  rolled neighbouring rep must not leak in at the rep's edges).
- ``incomplete_extension``: how far behind the body the thigh gets (min of
  ``thigh_depth_deg``, sign flipped so + = behind) between the end of the forward phase
  (the counted rep) and the next rep's start (or 1.5 s after).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hipcoach.analysis.events import Event
from hipcoach.analysis.result import Flag
from hipcoach.analysis.sets import LabelledSet
from hipcoach.analysis.signals import F64, LegSignals
from hipcoach.analysis.view import quiet_nan
from hipcoach.exercises.routine import ExerciseSpec, Routine, RuleSpec
from hipcoach.exercises.rule_registry import RuleId

NOT_MEASURABLE = "not measurable from this view"

Measure = Callable[["RepContext"], float]


#: The measures read the middle of a rep: this share trimmed from each end.
MIDDLE_TRIM = 0.25
#: Tempo looks this far (s) before and after the rep for its lift.
TEMPO_MARGIN_S = 0.5
#: Tempo: the lift's fast speed is this percentile of |d abduction / dt| ...
TEMPO_SPEED_PERCENTILE = 95
#: ... and its amplitude starts at this percentile of the abduction.
TEMPO_BASE_PERCENTILE = 5
#: The leg rests when its abduction is within this (deg): the knee's own rest bend.
REST_ABDUCTION_DEG = 5.0
#: Pelvis roll of a rep: this percentile of |roll| over its middle.
PELVIS_PERCENTILE = 80
#: Without a next rep, the kick's extension is looked for this long (s) after the rep.
EXTENSION_WINDOW_S = 1.5


@dataclass(frozen=True)
class RepContext:
    """One rep and what its measures need: the next rep of the set, the signals, the spec."""

    event: Event
    next_event: Event | None
    sig: LegSignals
    spec: ExerciseSpec


def _window(sig: LegSignals, a: float, b: float, middle: bool) -> np.ndarray:
    if middle:
        a, b = a + MIDDLE_TRIM * (b - a), b - MIDDLE_TRIM * (b - a)
    return np.asarray((sig.times_s >= a) & (sig.times_s <= b))


def _median(values: F64, mask: np.ndarray) -> float:
    with quiet_nan():
        return float(np.nanmedian(values[mask])) if mask.any() else float("nan")


def _outside(value: float, lo: float, hi: float) -> float:
    return max(0.0, lo - value, value - hi) if np.isfinite(value) else float("nan")


def _range_of_motion(c: RepContext) -> float:
    return _outside(c.event.peak_deg, c.spec.target_peak_deg_min, c.spec.target_peak_deg_max)


def _circle_size(c: RepContext) -> float:
    radius = c.event.get("radius_deg")
    return _outside(radius, c.spec.target_peak_deg_min, c.spec.target_peak_deg_max)


def _tempo(c: RepContext) -> float:
    """Lift time (s): the rep's abduction amplitude over its fast (95th percentile) speed."""
    t, a = c.sig.times_s, c.sig.abduction_2d_deg
    near = _window(c.sig, c.event.start_s - TEMPO_MARGIN_S, c.event.end_s + TEMPO_MARGIN_S, False)
    if near.sum() < 4:
        return float("nan")
    with quiet_nan():
        speed = float(
            np.nanpercentile(np.abs(np.gradient(a[near], t[near])), TEMPO_SPEED_PERCENTILE)
        )
        amplitude = float(np.nanmax(a[near]) - np.nanpercentile(a[near], TEMPO_BASE_PERCENTILE))
    return amplitude / speed if speed > 0 else float("nan")


def _knee_bent(c: RepContext) -> float:
    rest = np.abs(c.sig.abduction_2d_deg) < REST_ABDUCTION_DEG
    middle = _window(c.sig, c.event.start_s, c.event.end_s, True)
    return _median(c.sig.knee_flexion_deg, middle) - _median(c.sig.knee_flexion_deg, rest)


def _toes_up(c: RepContext) -> float:
    return _median(c.sig.foot_up_deg, _window(c.sig, c.event.start_s, c.event.end_s, True))


def _trunk_leg_alignment(c: RepContext) -> float:
    middle = _window(c.sig, c.event.start_s, c.event.end_s, True)
    return _median(c.sig.flexion_depth_deg, middle)


def _pelvis_roll(c: RepContext) -> float:
    middle = _window(c.sig, c.event.start_s, c.event.end_s, True)
    values = np.abs(c.sig.pelvis_roll_deg[middle])
    with quiet_nan():
        return float(np.nanpercentile(values, PELVIS_PERCENTILE)) if values.size else float("nan")


def _incomplete_extension(c: RepContext) -> float:
    stop = c.next_event.start_s if c.next_event is not None else c.event.end_s + EXTENSION_WINDOW_S
    values = c.sig.thigh_depth_deg[_window(c.sig, c.event.end_s, stop, False)]
    with quiet_nan():
        return -float(np.nanmin(values)) if values.size else float("nan")


MEASURES: dict[RuleId, Measure] = {
    "range_of_motion": _range_of_motion,
    "circle_size": _circle_size,
    "tempo": _tempo,
    "knee_bent": _knee_bent,
    "toes_up": _toes_up,
    "trunk_leg_alignment": _trunk_leg_alignment,
    "pelvis_roll": _pelvis_roll,
    "incomplete_extension": _incomplete_extension,
}


def _contexts(ls: LabelledSet, sig: LegSignals) -> list[RepContext]:
    ev = ls.events
    return [
        RepContext(e, ev[i + 1] if i + 1 < len(ev) else None, sig, ls.exercise)
        for i, e in enumerate(ev)
    ]


def _rule_flags(rule: RuleSpec, contexts: list[RepContext], cue: str) -> list[Flag]:
    flags = []
    for index, context in enumerate(contexts, start=1):
        value = MEASURES[rule.id](context)
        if np.isfinite(value) and rule.is_fault(value, context.spec.threshold(rule)):
            flags.append(Flag(rule.id, index, float(value), rule.unit, True, cue))
    return flags


def evaluate_rules(
    ls: LabelledSet, sig: LegSignals, view: str, routine: Routine, withheld: str | None = None
) -> list[Flag]:
    """Flags of one set: faults per rep, and one "not measurable" flag per unreadable rule.

    ``withheld``: why the set's count is withheld (landmarks too uncertain, camera too
    oblique); then no rule is read either, each is flagged not measurable with that reason.
    """
    flags: list[Flag] = []
    contexts = _contexts(ls, sig) if withheld is None else []
    for rule_id in ls.exercise.rules:
        rule = routine.rule(rule_id)
        if withheld is not None:
            flags.append(_not_measurable(rule, f"not measurable: {withheld}"))
        elif view not in rule.views:
            flags.append(_not_measurable(rule, f"{NOT_MEASURABLE} ({view})"))
        else:
            flags.extend(_rule_flags(rule, contexts, ls.exercise.cue(rule_id)))
    return flags


def _not_measurable(rule: RuleSpec, why: str) -> Flag:
    return Flag(rule.id, None, None, rule.unit, False, f"{rule.title}: {why}")
