"""Group events into sets and name each set's exercise, using the routine order as a prior.

Consecutive events of one kind form a group; a pause longer than ``set_gap_s`` splits it.
Circle and bicycle groups name themselves, except circles whose direction the view cannot
show: they take the circle exercise the routine order makes likeliest, and the set says its
direction was not measured. Abduction groups are either small raises or big
lifts: each group gets the label that minimises (range-of-motion misfit in degrees) +
``order_penalty_deg`` for every step backwards in the routine order, over the whole side
(a small Viterbi pass). Adjacent groups with the same label are then merged into one set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcoach.analysis.events import Event, EventKind
from hipcoach.config import DEFAULTS, SegmentSettings
from hipcoach.exercises.routine import ExerciseSpec, Routine

_FIXED: dict[EventKind, str] = {
    "bicycle": "bicycle_sidekick",
    "circle_ccw": "leg_circle_ccw",
    "circle_cw": "leg_circle_cw",
}


@dataclass(frozen=True)
class LabelledSet:
    """Events of one set and the routine exercise they were matched to."""

    exercise: ExerciseSpec
    events: tuple[Event, ...]


def group_events(
    events: list[Event], set_gap_s: float, peak_jump_deg: float = DEFAULTS.segment.peak_jump_deg
) -> list[list[Event]]:
    """Runs of same-kind events, split where the pause between events exceeds ``set_gap_s``
    or where a rep's peak differs from the run's median peak by more than ``peak_jump_deg``
    (small raises straight into big lifts), and between circles of unknown direction that
    turned opposite ways (``turn_sign``)."""
    groups: list[list[Event]] = []
    for e in events:
        last = groups[-1] if groups else None
        same = (
            last is not None
            and last[-1].kind == e.kind
            and e.start_s - last[-1].end_s <= set_gap_s
            and abs(e.peak_deg - float(np.median([x.peak_deg for x in last]))) <= peak_jump_deg
            and not _opposite_turns(last[-1], e)
        )
        if same and last is not None:
            last.append(e)
        else:
            groups.append([e])
    return groups


def _opposite_turns(a: Event, b: Event) -> bool:
    """Two circles of unknown direction whose 2-D loops turned opposite ways."""
    if a.kind != "circle" or b.kind != "circle":
        return False
    return a.get("turn_sign") * b.get("turn_sign") < 0


def _misfit(spec: ExerciseSpec, group: list[Event]) -> float:
    """How far (deg) the group's median peak lies outside the spec's target range."""
    peak = float(np.median([e.peak_deg for e in group]))
    lo, hi = spec.target_peak_deg_min, spec.target_peak_deg_max
    return max(0.0, lo - peak, peak - hi)


def _candidates(routine: Routine, group: list[Event]) -> list[int]:
    kind = group[0].kind
    ids: list[str] = [e.id for e in routine.exercises]
    if kind in _FIXED:
        return [ids.index(_FIXED[kind])]
    if kind == "circle":  # direction not measurable: either circle exercise, by routine order
        return [i for i, e in enumerate(routine.exercises) if e.signal == "circle"]
    return [i for i, e in enumerate(routine.exercises) if e.signal == "abduction"]


def label_groups(
    groups: list[list[Event]], routine: Routine, seg: SegmentSettings = DEFAULTS.segment
) -> list[LabelledSet]:
    """Name each group (Viterbi over the routine order) and merge equal neighbours."""
    if not groups:
        return []
    specs = routine.exercises
    cands = [_candidates(routine, g) for g in groups]
    cost = [{c: _misfit(specs[c], groups[0]) for c in cands[0]}]
    back: list[dict[int, int]] = [{}]
    for k in range(1, len(groups)):
        row, ptr = {}, {}
        for c in cands[k]:
            prev = min(cost[-1], key=lambda p: cost[-1][p] + seg.order_penalty_deg * (c < p))
            row[c] = (
                cost[-1][prev] + seg.order_penalty_deg * (c < prev) + _misfit(specs[c], groups[k])
            )
            ptr[c] = prev
        cost.append(row)
        back.append(ptr)
    labels = [min(cost[-1], key=lambda c: cost[-1][c])]
    for k in range(len(groups) - 1, 0, -1):
        labels.append(back[k][labels[-1]])
    labels.reverse()
    labels = _circle_succession(labels, groups, routine)
    return _merge([LabelledSet(specs[c], tuple(g)) for c, g in zip(labels, groups, strict=True)])


def _unknown(group: list[Event] | tuple[Event, ...]) -> bool:
    return all(e.kind == "circle" for e in group)


def _circle_succession(labels: list[int], groups: list[list[Event]], routine: Routine) -> list[int]:
    """Circles of unknown direction after a circle set take the routine's NEXT circle
    exercise (ccw, then cw), never the previous set's: a measured count is not padded with
    circles of unknown direction."""
    circles = [i for i, e in enumerate(routine.exercises) if e.signal == "circle"]
    out = list(labels)
    for k, group in enumerate(groups):
        if not _unknown(group) or k == 0 or out[k - 1] not in circles:
            continue
        later = [c for c in circles if c > out[k - 1]]
        out[k] = later[0] if later else out[k]
    return out


def _merge(sets: list[LabelledSet]) -> list[LabelledSet]:
    out: list[LabelledSet] = []
    for s in sets:
        if (
            out
            and out[-1].exercise.id == s.exercise.id
            and _unknown(out[-1].events) == _unknown(s.events)
        ):
            out[-1] = LabelledSet(s.exercise, out[-1].events + s.events)
        else:
            out.append(s)
    return out
