"""Count ONE known set (exercise and working leg given) in a stretch of landmarks.

The live session knows which exercise and which leg come next, so it does not need the
offline set finder; everything else is the offline analysis unchanged: the stretch is read
as one side block by :func:`~hipcoach.analysis.analyze.analyse_block` (view, working-leg
signals, every counter of ``events.detect_events`` with the routine's thresholds), the
events of this exercise's kind make the set, and the form rules and the
:class:`~hipcoach.analysis.result.SetResult` come from the same code as ``hipcoach
analyze``. So a set counted live and the same set found offline give the same reps.

It never guesses: when the view cannot be read, or the leg seen working is not the planned
one, or the circles go the other way, the count says so as a ``problem`` (a sentence for the
user) instead.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

from hipcoach.analysis.analyze import Block, BlockAnalysis, _set_result, analyse_block
from hipcoach.analysis.events import Event, EventKind
from hipcoach.analysis.result import SetResult
from hipcoach.analysis.sets import LabelledSet
from hipcoach.analysis.view import FIX_PLACEMENT
from hipcoach.config import DEFAULTS, Settings
from hipcoach.exercises.routine import ExerciseSpec, Routine
from hipcoach.sequence.schema import PoseSequence
from hipcoach.signal.filters import GrowingSmoother
from hipcoach.types import Side

_OTHER: dict[Side, Side] = {"left": "right", "right": "left"}
_DIRECTION_WORDS = {"ccw": "counter-clockwise", "cw": "clockwise"}


class KnownSetCount(NamedTuple):
    """One known set counted: the result, and why it could not be read (None = it could).

    ``analysis`` holds the view, signals and every event of the stretch (None when the
    stretch has no frame), for overlays and debugging.
    """

    result: SetResult
    problem: str | None
    analysis: BlockAnalysis | None


def event_kind(exercise: ExerciseSpec) -> EventKind:
    """The kind of ``events.Event`` that counts reps of ``exercise``."""
    if exercise.signal == "abduction":
        return "abduction"
    if exercise.signal == "flexion_extension":
        return "bicycle"
    return "circle_ccw" if exercise.direction == "ccw" else "circle_cw"


def empty_result(side: Side, exercise: ExerciseSpec, start_s: float, end_s: float) -> SetResult:
    """A set with no rep counted between ``start_s`` and ``end_s`` (s)."""
    return SetResult(
        side=side,
        exercise=exercise.id,
        reps=0,
        start_s=start_s,
        end_s=end_s,
        target_reps=exercise.target_reps,
        direction=exercise.direction,
    )


def shift_times(result: SetResult, offset_s: float) -> SetResult:
    """``result`` with every time (s) moved by ``offset_s`` (e.g. to the set's start)."""
    return replace(
        result,
        start_s=result.start_s + offset_s,
        end_s=result.end_s + offset_s,
        rep_times=[(a + offset_s, b + offset_s) for a, b in result.rep_times],
    )


def view_problem(analysis: BlockAnalysis, side: Side) -> str | None:
    """Why the reps of the ``side`` leg cannot be counted from this view (None: they can)."""
    view = analysis.view
    if not view.readable or view.working_leg is None:
        reason = view.problems[0] if view.problems else "this camera view cannot be read"
        return f"{reason}: {view.fix or FIX_PLACEMENT}"
    if view.working_leg != side:
        return (
            f"you seem to be lying on the other side: this set is for the {side} leg, "
            f"so lie on your {_OTHER[side]} side"
        )
    if view.count_problem is not None:
        return f"{view.count_problem}: {view.fix or FIX_PLACEMENT}"
    return None


def _direction_problem(events: list[Event], kind: EventKind) -> str | None:
    if not kind.startswith("circle_"):
        return None
    other: EventKind = "circle_cw" if kind == "circle_ccw" else "circle_ccw"
    wrong = sum(e.kind == other for e in events)
    if wrong > sum(e.kind == kind for e in events):
        seen = _DIRECTION_WORDS[other.removeprefix("circle_")]
        return f"your circles seem to go the other way ({seen}, seen from your feet)"
    return None


def _unknown_circle(event: Event, kind: EventKind) -> bool:
    """A circle whose direction the view cannot show counts for either circle set."""
    return event.kind == "circle" and kind.startswith("circle_")


def set_events(analysis: BlockAnalysis, exercise: ExerciseSpec) -> tuple[Event, ...]:
    """The events of ``analysis`` that are reps of ``exercise`` (its kind; for a circle
    set also the circles whose direction the view cannot show), in time order."""
    kind = event_kind(exercise)
    return tuple(e for e in analysis.events if e.kind == kind or _unknown_circle(e, kind))


def count_known_set(
    seq: PoseSequence,
    side: Side,
    exercise: ExerciseSpec,
    routine: Routine,
    settings: Settings = DEFAULTS,
    smoother: GrowingSmoother | None = None,
    count_from_s: float = -math.inf,
) -> KnownSetCount:
    """Count the reps of ``exercise`` done by the ``side`` (working) leg in ``seq``.

    ``seq`` is the stretch of the set (times in s, any origin); the result's times are on
    the same clock. Reps, peaks and flags come from the offline analysis code (see the
    module docstring); rules not measurable from the view read "not measurable from this
    view". When the view is unreadable or shows the other leg working, the result has no
    reps and ``problem`` says what to fix.

    ``smoother`` and ``count_from_s`` (s): for the live count, see ``analyse_block``; the
    counters then find only the reps from ``count_from_s`` on.
    """
    t0 = float(seq.times_s[0]) if len(seq) else 0.0
    t1 = float(seq.times_s[-1]) if len(seq) else 0.0
    if len(seq) == 0:
        return KnownSetCount(empty_result(side, exercise, t0, t1), "no picture yet", None)
    whole = Block(0, len(seq), head_right=False)
    analysis = analyse_block(seq, whole, routine, settings, smoother, count_from_s)
    analysis.block = replace(whole, head_right=analysis.view.head_in_image == "right")
    problem = view_problem(analysis, side)
    if problem is not None or analysis.signals is None:
        return KnownSetCount(empty_result(side, exercise, t0, t1), problem, analysis)
    mine = set_events(analysis, exercise)
    problem = _direction_problem(analysis.events, event_kind(exercise))
    if not mine:
        return KnownSetCount(empty_result(side, exercise, t0, t1), problem, analysis)
    result = _set_result(LabelledSet(exercise, mine), analysis, routine)
    return KnownSetCount(result, problem, analysis)
