"""A whole hip-series recording → sides → sets → reps (the offline analysis).

1. Per frame: is a body lying across the picture, and on which side is the head?
2. Blocks: runs of lying frames with the head on one side (short interruptions bridged,
   short blocks dropped), so getting down, rolling over and getting up are never analysed.
3. Per block: read the view (lying side, working leg, label swap), compute the working-leg
   signals, run every counter (``events``), group and name the sets (``sets``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from hipcoach.analysis.events import Event, detect_events
from hipcoach.analysis.result import AnalysisResult, SetResult
from hipcoach.analysis.rules import evaluate_rules
from hipcoach.analysis.sets import LabelledSet, group_events, label_groups
from hipcoach.analysis.signals import LegSignals, leg_signals, since
from hipcoach.analysis.view import ViewReport, assess_view, frame_geometry
from hipcoach.config import DEFAULTS, SegmentSettings, Settings
from hipcoach.exercises.routine import Routine, load_routine
from hipcoach.sequence.schema import WEAK_DETECTION_NOTE, PoseSequence
from hipcoach.signal.filters import GrowingSmoother

NO_EXERCISE = "no hip-series exercise found"
WEAK_DETECTION = (
    "the camera barely found you (far away, dimly lit, or your face turned away from it), "
    "so the landmarks are too uncertain to count reps"
)
FIX_WEAK_DETECTION = (
    "place the camera 2-3 m in front of you, light the room and keep your face turned "
    "toward the camera"
)
DIRECTION_NOT_MEASURABLE = (
    "circle direction not measurable from this view (the leg's forward and back motion "
    "does not show); turn the camera square-on to your body"
)


@dataclass(frozen=True)
class Block:
    """Frames [start, stop) lying with the head on one side."""

    start: int
    stop: int
    head_right: bool


@dataclass
class BlockAnalysis:
    """Everything computed for one side block (kept for reports and overlays)."""

    block: Block
    view: ViewReport
    signals: LegSignals | None
    events: list[Event]
    sets: list[LabelledSet]


def side_blocks(
    times_s: NDArray[np.float64],
    lying: NDArray[np.bool_],
    head_right: NDArray[np.bool_],
    seg: SegmentSettings,
) -> list[Block]:
    """Runs of lying frames with the head on one side (see the module docstring)."""
    blocks: list[Block] = []
    for i in np.flatnonzero(lying):
        side = bool(head_right[i])
        last = blocks[-1] if blocks else None
        if (
            last is not None
            and last.head_right == side
            and times_s[i] - times_s[last.stop - 1] <= seg.block_gap_s
        ):
            blocks[-1] = Block(last.start, int(i) + 1, side)
        else:
            blocks.append(Block(int(i), int(i) + 1, side))
    return [b for b in blocks if times_s[b.stop - 1] - times_s[b.start] >= seg.min_block_s]


def analyse_block(
    seq: PoseSequence,
    block: Block,
    routine: Routine,
    settings: Settings,
    smoother: GrowingSmoother | None = None,
    count_from_s: float = -math.inf,
) -> BlockAnalysis:
    """View, signals, events and sets of one block.

    A live count (``analysis.live_count``) reads the view and the signals over the whole
    block as the offline analysis does, but may run the counters only from ``count_from_s``
    (s) on; ``smoother`` keeps the landmarks it smoothed before (see ``leg_signals``)."""
    sub = seq.select(np.arange(block.start, block.stop))
    view, _ = assess_view(sub, settings.view, settings.signal)
    if WEAK_DETECTION_NOTE in seq.provenance.notes and view.count_problem is None:
        view = replace(view, count_problem=WEAK_DETECTION, fix=FIX_WEAK_DETECTION)
        view.problems.append(f"{WEAK_DETECTION}: counts are not shown; {FIX_WEAK_DETECTION}")
    if not view.readable or view.working_leg is None:
        return BlockAnalysis(block, view, None, [], [])
    sig = leg_signals(sub, view, settings.signal, smoother=smoother)
    ratio = view.feet_scale_ratio
    limit = settings.view.diagonal_feet_ratio
    tilted = bool(view.axis_tilt_deg <= settings.view.turned_axis_tilt_deg)  # NaN: False
    turned = bool(np.isfinite(ratio) and ratio > limit) or tilted
    square = bool(not np.isfinite(ratio) or abs(np.log(ratio)) <= np.log(limit)) and not turned
    slightly = bool(np.isfinite(ratio) and 1.0 < ratio <= limit) and not turned
    events = detect_events(
        since(sig, count_from_s),
        routine,
        view.working_leg,
        settings.segment,
        turned,
        square,
        slightly,
    )
    groups = group_events(events, settings.segment.set_gap_s, settings.segment.peak_jump_deg)
    return BlockAnalysis(block, view, sig, events, label_groups(groups, routine, settings.segment))


def _set_result(ls: LabelledSet, block: BlockAnalysis, routine: Routine) -> SetResult:
    ev = ls.events
    side = block.view.working_leg or "left"
    withheld = block.view.count_problem
    flags = (
        evaluate_rules(ls, block.signals, block.view.view, routine, withheld)
        if block.signals
        else []
    )
    known = [{"circle_ccw": "ccw", "circle_cw": "cw"}.get(e.kind) for e in ev]
    direction = next((d for d in known if d is not None), None)
    unknown = ls.exercise.signal == "circle" and direction is None
    view = block.view.view
    readable = [str(r) for r in ls.exercise.rules if view in routine.rule(r).views]
    checked = readable if withheld is None else []
    return SetResult(
        side="left" if side == "left" else "right",
        exercise=ls.exercise.id,
        reps=len(ev),
        start_s=ev[0].start_s,
        end_s=ev[-1].end_s,
        rep_times=[(e.start_s, e.end_s) for e in ev],
        peak_angle_deg=[e.peak_deg for e in ev],
        target_reps=ls.exercise.target_reps,
        direction="ccw" if direction == "ccw" else ("cw" if direction == "cw" else None),
        flags=flags,
        count_withheld=withheld,
        rules_checked=checked,
        direction_withheld=DIRECTION_NOT_MEASURABLE if unknown else None,
    )


def analyze_sequence(
    seq: PoseSequence, routine: Routine | None = None, settings: Settings = DEFAULTS
) -> tuple[AnalysisResult, list[BlockAnalysis]]:
    """Analyse a whole recording; also returns the per-block details."""
    routine = routine or load_routine()
    geo = frame_geometry(seq, settings.view, settings.signal)
    times = np.asarray(seq.times_s, np.float64)
    blocks = side_blocks(times, geo.lying, geo.head_right, settings.segment)
    analyses = [analyse_block(seq, b, routine, settings) for b in blocks]
    sets = [_set_result(ls, a, routine) for a in analyses for ls in a.sets]
    main = max(analyses, key=lambda a: a.block.stop - a.block.start, default=None)
    view = main.view if main is not None else assess_view(seq, settings.view, settings.signal)[0]
    problems = list(dict.fromkeys(p for a in analyses for p in a.view.problems))
    if not analyses:
        problems = view.problems or problems
    if not sets:
        problems.append(NO_EXERCISE)
    result = AnalysisResult(
        view=view.view,
        lying_on=view.lying_on,
        sets=sets,
        problems=problems,
        source=seq.provenance.source,
        duration_s=seq.duration_s,
    )
    return result, analyses
