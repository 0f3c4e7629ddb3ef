"""Rep-like events of the working leg, found by running every counter over one side block.

Each counter is the same streaming counter the live mode uses (``hipcoach.reps``), fed one
sample at a time. Thresholds come from the routine file: abduction events use the most
permissive of the raise/lift settings (the set is labelled later), bicycle events the
bicycle's flexion/extension thresholds, circles the circle settings. Circle direction is
measured on the (flexion, abduction) path drawn as seen from the feet: flexion is mirrored
when the left leg works, so "ccw" always means counter-clockwise seen from the feet end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
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
from hipcoach.reps import HysteresisCounter, Rep
from hipcoach.reps.excursion_circles import (
    Excursion,
    ExcursionCircleConfig,
    ExcursionCircleCounter,
)
from hipcoach.types import Side

#: "circle": a circle whose direction this view cannot show (counted, direction withheld).
EventKind = Literal["abduction", "bicycle", "circle_ccw", "circle_cw", "circle"]


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


_CIRCLE_KIND: dict[str | None, EventKind] = {"ccw": "circle_ccw", "cw": "circle_cw", None: "circle"}


def bicycle_events(depth_reps: Sequence[Rep], fold_reps: Sequence[Rep]) -> list[Event]:
    """Bicycle reps from the depth cue, plus those seen only in the thigh's 2-D
    foreshortening (where the model's depth failed, e.g. by swapping the knees). A
    foreshortening rep overlapping a depth rep is the same rep; the depth rep is kept (its
    peak is a signed flexion)."""
    events = [Event("bicycle", r.start_s, r.end_s, r.peak_value) for r in depth_reps]
    for r in fold_reps:
        if not any(_overlap((r.start_s, r.end_s), (e.start_s, e.end_s)) > 0 for e in events):
            events.append(Event("bicycle", r.start_s, r.end_s, r.peak_value))
    return sorted(events, key=lambda e: e.start_s)


def resolve_directions(
    excursions: list[Excursion],
    seg: SegmentSettings,
    turned_to_feet: bool = False,
    slightly_turned: bool = False,
) -> Callable[[float, str], str | None]:
    """The direction of each circle excursion from its two loop cues.

    Square-on, the depth cue's loop gives the direction and the 2-D cue (ankle along the
    body line) backs it up: the 2-D cue then moves by perspective, with the depth cue's
    sign. Turned toward the feet (``turned_to_feet``), the forward/back motion shows in the
    picture and the model's depth is the weak channel (docs/hip-series.md, "Signals against
    the renderer's truth"), so the 2-D cue leads, with the sign the camera's turn gives it
    (opposite to perspective), and depth backs it up. When neither cue loops clearly (a
    single circle near the placement where the 2-D cue changes sign), the direction is
    None: not measurable from this view.
    ``slightly_turned``: read as square-on, but turned a little toward the feet, where the
    2-D cue may already have changed sign; a weak depth loop (less than
    ``seg.min_depth_sweep_share`` of the 2-D loop's turns) then gives no direction.
    Returns a function (turn start (s), counter's direction) -> direction or None.
    """
    relation = -1.0 if turned_to_feet else 1.0

    def direction(start_s: float, counted: str) -> str | None:
        e = _excursion_at(excursions, start_s)
        if e is None:
            return counted
        if not turned_to_feet and e.toe_direction is not None:
            return e.toe_direction
        weak = abs(e.depth.sweep_turns) < seg.min_depth_sweep_share * abs(e.flat.sweep_turns)
        if slightly_turned and not turned_to_feet and weak:
            return None
        flat = None
        if e.flat_direction is not None:
            flat = "ccw" if (e.flat_direction == "ccw") == (relation > 0) else "cw"
        first, second = (flat, e.direction) if turned_to_feet else (e.direction, flat)
        return first or second

    return direction


def _excursion_at(excursions: list[Excursion], t_s: float) -> Excursion | None:
    """The lifted excursion holding time ``t_s`` (s), if any."""
    return next((e for e in excursions if e.start_s <= t_s <= e.end_s), None)


def _lift_end(excursions: list[Excursion], t_s: float) -> float:
    """When the leg came down after the circle turn ending at ``t_s`` (s)."""
    e = _excursion_at(excursions, t_s)
    return t_s if e is None else e.end_s


def _turn_sign(excursions: list[Excursion], t_s: float) -> float:
    """The 2-D loop's turning sense of the lift holding ``t_s`` (+1 ccw, -1 cw, 0 unclear).
    Its relation to the true direction depends on the camera, but two lifts of one block
    with opposite signs turned opposite ways: two sets even when neither direction is known.
    """
    e = _excursion_at(excursions, t_s)
    if e is None or e.flat_direction is None:
        return 0.0
    return 1.0 if e.flat_direction == "ccw" else -1.0


def _peak_between(t: np.ndarray, v: np.ndarray, a: float, b: float) -> float:
    sel = (t >= a) & (t <= b) & np.isfinite(v)
    return float(v[sel].max()) if sel.any() else float("nan")


def detect_events(
    sig: LegSignals,
    routine: Routine,
    working_leg: Side,
    seg: SegmentSettings = DEFAULTS.segment,
    turned_to_feet: bool = False,
    square_on: bool = True,
    slightly_turned: bool = False,
) -> list[Event]:
    """All abduction, bicycle and circle events of one side block, in time order.

    The counters bridge gaps of up to ``seg.count_max_gap_s`` without a reading.
    ``turned_to_feet``: the camera is turned toward the feet (see ``resolve_directions``).
    ``slightly_turned``: square-on by the view test, yet turned a little toward the feet.
    ``square_on``: the camera faces the body square-on; only then are bicycle reps also
    counted on the thigh's 2-D foreshortening (from a camera turned toward the head, the
    kick-back foreshortens the thigh as much as the knee drive, so each bicycle rep would
    count twice).
    """
    gap = seg.count_max_gap_s
    abd = HysteresisCounter(abduction_config(routine, gap))
    bike_spec = _specs(routine, "flexion_extension")[0]
    bike = HysteresisCounter(bicycle_config(bike_spec, seg, gap))
    fold = HysteresisCounter(
        bicycle_config(bike_spec, seg, gap).model_copy(update={"low": seg.fold_release_deg})
    )
    circ = ExcursionCircleCounter(circle_config(routine, seg, gap))
    mirror = 1.0 if working_leg == "right" else -1.0
    t, a2, fd, th = sig.times_s, sig.abduction_2d_deg, sig.flexion_depth_deg, sig.thigh_depth_deg
    # the loop cues oriented once, so a loop's turn reads the same for either working leg
    depth, along, toe = (mirror * v for v in (fd, sig.along_2d_deg, sig.toe_along_deg))
    for i in range(len(t)):
        abd.update(float(t[i]), float(a2[i]))
        bike.update(float(t[i]), float(th[i]))
        fold.update(float(t[i]), float(sig.thigh_fold_2d_deg[i]))
        circ.update(float(t[i]), float(depth[i]), float(a2[i]), float(along[i]), float(toe[i]))
    circ.finish()
    events = [Event("abduction", r.start_s, r.end_s, r.peak_value) for r in abd.reps]
    events += bicycle_events(bike.reps, fold.reps if square_on else ())
    directions = resolve_directions(circ.excursions, seg, turned_to_feet, slightly_turned)
    events += [
        Event(
            _CIRCLE_KIND[directions(r.start_s, r.direction)],
            r.start_s,
            r.end_s,
            _peak_between(t, a2, r.start_s, r.end_s),
            (
                ("radius_deg", r.mean_radius),
                ("lift_end_s", _lift_end(circ.excursions, r.end_s)),
                ("turn_sign", _turn_sign(circ.excursions, r.start_s)),
            ),
        )
        for r in circ.reps
    ]
    ordered = sorted(events, key=lambda e: e.start_s)
    return resolve_overlaps(ordered, seg)


#: Which kind keeps its event when two kinds claim the same seconds (higher wins): a bicycle
#: rep needs the thigh far forward (no circle or raise gets there), and a circle needs a
#: loop that a raise does not draw.
PRIORITY: dict[EventKind, int] = {
    "bicycle": 3,
    "circle_ccw": 2,
    "circle_cw": 2,
    "circle": 2,
    "abduction": 1,
}


def _span(e: Event, seg: SegmentSettings) -> tuple[float, float]:
    """The seconds an event claims: a bicycle rep also owns the lift into its hover before
    it and the leg coming down after it; a circle turn, the rest of its lift (the return
    to the centre and the lowering after the last top)."""
    if e.kind == "bicycle":
        return e.start_s - seg.bicycle_lead_s, e.end_s + seg.bicycle_tail_s
    if e.kind.startswith("circle"):
        return e.start_s, max(e.end_s, e.get("lift_end_s") if e.extra else e.end_s)
    return e.start_s, e.end_s


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def resolve_overlaps(events: list[Event], seg: SegmentSettings) -> list[Event]:
    """Make events pairwise disjoint in time, so no two sets can claim the same seconds.

    An event overlapping a higher-priority event (``PRIORITY``) is dropped when the overlap
    exceeds ``max_overlap_share`` of the shorter of the two (measured against the bicycle's
    widened span, see ``_span``); with a smaller overlap it is trimmed to the free time.
    Same-kind events never overlap (each counter is sequential). Returns time order.
    """
    kept: list[Event] = []
    for e in sorted(events, key=lambda x: (-PRIORITY[x.kind], x.start_s)):
        start, end, drop = e.start_s, e.end_s, False
        for k in kept:
            if k.kind == e.kind:
                continue
            claimed = _span(k, seg) if e.kind != "bicycle" else (k.start_s, k.end_s)
            ov = _overlap((start, end), claimed)
            if ov <= 0:
                continue
            shortest = max(min(end - start, claimed[1] - claimed[0]), 1e-9)
            if ov / shortest > seg.max_overlap_share:
                drop = True
                break
            start, end = _trim((start, end), (k.start_s, k.end_s))
        if not drop and end > start:
            kept.append(replace(e, start_s=start, end_s=end))
    return sorted(kept, key=lambda x: x.start_s)


def _trim(span: tuple[float, float], other: tuple[float, float]) -> tuple[float, float]:
    """``span`` shortened so it no longer overlaps ``other`` (keeps the larger free part)."""
    a, b = span
    if _overlap(span, other) <= 0:
        return span
    left = (a, min(b, other[0]))
    right = (max(a, other[1]), b)
    return left if left[1] - left[0] >= right[1] - right[0] else right
