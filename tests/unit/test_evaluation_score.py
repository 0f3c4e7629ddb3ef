"""The one scorer of hipcoach.evaluation.score on hand-made truths and results: overlap,
set and rep matching, direction, phantoms (unmatched / rest / stray), flags and the
abduction error."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from hipcoach.analysis.result import AnalysisResult, Flag, SetResult
from hipcoach.evaluation.score import (
    AngleErrors,
    SetScore,
    angle_errors,
    direction_ok,
    found_rep_spans,
    in_rest,
    match_reps,
    match_sets,
    nearest_frames,
    overlap_s,
    score_clip,
    score_rules,
)
from hipcoach.evaluation.truth import ClipTruth, TrueRep, TrueSet


def truth(sets: list[TrueSet], labels: list[tuple[float, float, str]], **kw: Any) -> ClipTruth:
    """10 fps frames over 0-20 s, "rest" except the labelled (start, end, exercise) spans."""
    t = np.round(np.arange(0.0, 20.0, 0.1), 6)
    ex = np.full(len(t), "rest", dtype=object)
    for a, b, name in labels:
        ex[(t >= a) & (t < b)] = name
    return ClipTruth(
        name=kw.get("name", "clip"),
        placement=kw.get("placement", "front"),
        lying_on="left",
        working_leg="right",
        sets=tuple(sets),
        t=t,
        exercise=ex.astype(str),
        abduction_deg=kw.get("abduction", np.zeros(len(t))),
        legs=kw.get("legs"),
    )


def found(
    exercise: str, reps: list[tuple[float, float]], side: str = "right", **kw: Any
) -> SetResult:
    return SetResult(
        side=side,  # type: ignore[arg-type]
        exercise=exercise,
        reps=len(reps),
        start_s=reps[0][0],
        end_s=reps[-1][1],
        rep_times=reps,
        **kw,
    )


RAISE = TrueSet("small_leg_raise", "right", 1.0, 5.0, count=3)
LIFT = TrueSet("big_leg_lift", "right", 8.0, 12.0, count=2)
LABELS = [(1.0, 5.0, "small_leg_raise"), (8.0, 12.0, "big_leg_lift")]


def test_overlap_is_the_shared_time() -> None:
    assert overlap_s(0.0, 2.0, 1.0, 3.0) == 1.0
    assert overlap_s(1.0, 3.0, 0.0, 2.0) == 1.0
    assert overlap_s(0.0, 5.0, 1.0, 2.0) == 1.0
    assert overlap_s(0.0, 1.0, 1.0, 2.0) == 0.0  # touching
    assert overlap_s(0.0, 1.0, 3.0, 4.0) == 0.0


def test_a_true_set_takes_the_most_overlapping_found_set_of_its_exercise_and_leg() -> None:
    t = truth([RAISE, LIFT], LABELS)
    sets = [
        found("small_leg_raise", [(0.0, 1.5)]),  # 0.5 s of the raise set
        found("small_leg_raise", [(1.5, 4.5)]),  # 3 s: the best
        found("small_leg_raise", [(8.0, 12.0)], side="left"),  # other leg
        found("leg_circle_cw", [(8.0, 12.0)]),  # other exercise
    ]
    assert match_sets(t, sets) == {0: 1}
    assert match_sets(t, [*sets, found("big_leg_lift", [(11.0, 14.0)])]) == {0: 1, 1: 4}


def test_each_found_set_serves_one_true_set() -> None:
    first = TrueSet("small_leg_raise", "right", 1.0, 3.0, count=1)
    second = TrueSet("small_leg_raise", "right", 3.0, 5.0, count=1)
    t = truth([second, first], LABELS)
    merged = found("small_leg_raise", [(1.0, 2.0), (3.0, 5.0)])
    assert match_sets(t, [merged]) == {1: 0}  # the earlier true set takes it


def test_a_circle_set_with_a_withheld_direction_matches_either_direction() -> None:
    ccw = TrueSet("leg_circle_ccw", "right", 1.0, 5.0, count=2, direction="ccw")
    t = truth([ccw], [(1.0, 5.0, "leg_circle_ccw")])
    withheld = found("leg_circle_cw", [(1.0, 3.0), (3.0, 5.0)], direction_withheld="oblique")
    assert match_sets(t, [withheld]) == {0: 0}
    assert match_sets(t, [found("leg_circle_cw", [(1.0, 5.0)])]) == {}


def test_direction_is_judged_on_the_most_overlapping_circle_set_of_the_leg() -> None:
    ccw = TrueSet("leg_circle_ccw", "right", 1.0, 5.0, count=2, direction="ccw")
    right = found("leg_circle_ccw", [(1.0, 4.0)], direction="ccw")
    wrong = found("leg_circle_cw", [(3.0, 5.0)], direction="cw")
    assert direction_ok(ccw, [right, wrong]) is True  # 3 s against 2 s
    assert direction_ok(ccw, [wrong]) is False
    other_leg = found("leg_circle_cw", [(1.0, 5.0)], side="left", direction="cw")
    assert direction_ok(ccw, [other_leg]) is None
    assert direction_ok(ccw, [found("leg_circle_cw", [(6.0, 7.0)], direction="cw")]) is None
    assert direction_ok(RAISE, [right]) is None  # not a circle set


def test_in_rest_reads_the_frames_of_the_span_or_the_nearest_one() -> None:
    t = truth([RAISE], LABELS)
    assert in_rest(t, 5.5, 7.5)
    assert not in_rest(t, 4.5, 6.0)  # one exercise frame is enough
    assert in_rest(t, 6.01, 6.03)  # no frame inside: the nearest (6.0) is rest
    assert not in_rest(t, 2.01, 2.03)


def test_phantoms_unmatched_rest_and_stray() -> None:
    t = truth([RAISE, LIFT], LABELS)
    raises = found("small_leg_raise", [(1.0, 2.0), (2.0, 3.0), (5.5, 6.5)])  # 3rd: in rest
    lifts = found("big_leg_lift", [(4.0, 4.9), (8.0, 10.0), (10.0, 12.0)])  # 1st: in raises
    unmatched = found("bicycle_sidekick", [(14.0, 15.0), (15.0, 16.0)])
    hidden = found("leg_circle_cw", [(17.0, 18.0)], count_withheld="too oblique")
    score = score_clip(t, AnalysisResult("front", "left", [raises, lifts, unmatched, hidden]))
    assert (score.phantom_unmatched, score.phantom_rest, score.stray) == (2, 1, 1)
    assert score.phantom_reps == 4  # a withheld count shows no reps: no phantom
    assert score.notes == [
        "small_leg_raise rep in rest [5.5-6.5]",
        "stray big_leg_lift rep [4.0-4.9]",
        "unmatched R bicycle_sidekick 2 [14.0-16.0]",
        "unmatched R leg_circle_cw ? [17.0-18.0]",
    ]


def test_score_clip_rows_view_flags_and_video_length() -> None:
    t = truth([RAISE, LIFT], LABELS, placement="front_high")
    flags = [
        Flag("toes_up", 1, 12.0, "deg", True),
        Flag("toes_up", 2, 12.0, "deg", True),
        Flag("knee_bent", None, None, "deg", False),
    ]
    raises = found("small_leg_raise", [(1.0, 2.0), (2.0, 3.0)], flags=flags)
    lifts = found("big_leg_lift", [(8.0, 10.0), (10.0, 12.0)], count_withheld="too oblique")
    result = AnalysisResult("front_high", "left", [raises, lifts], duration_s=20.0)
    score = score_clip(t, result)
    assert [(r.exercise, r.side, r.true_reps, r.found_reps, r.withheld) for r in score.sets] == [
        ("small_leg_raise", "right", 3, 2, False),
        ("big_leg_lift", "right", 2, None, True),
    ]
    assert score.view_ok and score.read_view == "front_high" and score.video_s == 20.0
    assert (score.flags, score.fault_flags) == (3, {"toes_up": 2})
    assert not score_clip(t, AnalysisResult("front", "left", [])).view_ok


def test_set_score_exact_and_error() -> None:
    assert SetScore("x", 3, 3).exact and SetScore("x", 3, 3).error == 0
    assert not SetScore("x", 3, 2).exact and SetScore("x", 3, 5).error == 2
    assert SetScore("x", 3, None).error == 3  # unmatched: 0 found
    withheld = SetScore("x", 3, None, withheld=True)
    assert not withheld.exact and withheld.error == 3


def test_nearest_frames() -> None:
    t = np.array([0.0, 0.1, 0.2])
    got = nearest_frames(t, np.array([-1.0, 0.04, 0.06, 0.2, 5.0]))
    assert got.tolist() == [0, 0, 1, 2, 2]


def block(times: list[float], abduction: list[float], leg: str | None = "right") -> Any:
    signals = SimpleNamespace(times_s=np.array(times), abduction_2d_deg=np.array(abduction))
    return SimpleNamespace(signals=signals, view=SimpleNamespace(working_leg=leg))


def test_angle_error_over_exercise_frames_of_the_working_leg() -> None:
    abd = np.zeros(200)
    abd[10:50] = 20.0  # the raise frames (1-5 s)
    abd[80:120] = 40.0  # the lift frames (8-12 s)
    legs = np.full(200, "right")
    legs[100:] = "left"  # from 10 s the other leg works
    t = truth([RAISE, LIFT], LABELS, abduction=abd, legs=legs)
    times = [2.0, 2.12, 3.0, 3.1, 6.0, 9.0, 11.0, 2.54]
    readings = [23.0, 21.0, math.nan, 19.0, 50.0, 44.0, 0.0, 30.0]
    # used: 2.0 (|3|), 2.12 -> 2.1 (|1|), 3.1 (|1|), 9.0 (|4|); 3.0 is NaN, 6.0 is rest,
    # 11.0 is the other leg's, 2.54 is 0.04 s from a frame (within half a frame: |10|)
    err = angle_errors([block(times, readings), block([2.0], [0.0], leg="left")], t)
    assert err.n == 5 and err.err_sum == pytest.approx(3 + 1 + 1 + 4 + 10)
    assert err.by_exercise == {
        "small_leg_raise": (pytest.approx(15.0), 4),
        "big_leg_lift": (pytest.approx(4.0), 1),
    }
    assert err.exercise_frames == 80
    assert err.mae == pytest.approx(19 / 5)


def test_angle_error_skips_blocks_without_signals_and_far_frames() -> None:
    t = truth([RAISE], [(0.0, 20.0, "small_leg_raise")])
    far = block([19.97], [5.0])  # 0.07 s after the last frame: more than half a frame
    err = angle_errors([SimpleNamespace(signals=None, view=None), far], t)  # type: ignore[list-item]
    assert (err.n, err.err_sum) == (0, 0.0) and math.isnan(err.mae)


def test_angle_errors_pool() -> None:
    a = AngleErrors(3.0, 2, 10, {"x": (3.0, 2)})
    a.add(AngleErrors(1.0, 2, 5, {"x": (0.5, 1), "y": (0.5, 1)}))
    assert (a.err_sum, a.n, a.exercise_frames, a.mae) == (4.0, 4, 15, 1.0)
    assert a.by_exercise == {"x": (3.5, 3), "y": (0.5, 1)}


def test_reps_match_one_to_one_by_greatest_overlap_on_the_same_leg() -> None:
    true = [(0.0, 2.0, "right"), (2.0, 4.0, "right"), (5.0, 6.0, "left")]
    found_reps = [
        (1.0, 3.5, "right"),  # 1 s of true 0, 1.5 s of true 1
        (2.5, 4.0, "right"),  # 1.5 s of true 1 (a tie: the earlier found rep wins it)
        (5.0, 6.0, "right"),  # the left leg's rep: no match
        (0.0, 0.5, "right"),  # 0.5 s of true 0 (true 0 still free after the ties)
        (9.0, 9.5, "right"),  # no overlap
    ]
    assert match_reps(true, found_reps) == {0: 1, 3: 0}


def test_found_rep_spans_number_reps_from_one() -> None:
    sets = [found("small_leg_raise", [(1.0, 2.0), (2.0, 3.0)]), found("x", [(5.0, 6.0)], "left")]
    assert found_rep_spans(sets) == [
        (0, 1, (1.0, 2.0, "right")),
        (0, 2, (2.0, 3.0, "right")),
        (1, 1, (5.0, 6.0, "left")),
    ]


def test_score_rules_counts_the_rules_asked_for_over_the_sets_that_list_them() -> None:
    faulted = TrueSet(
        "small_leg_raise", "right", 1.0, 3.0, (TrueRep(1.0, 2.0, frozenset({"toes_up"})),)
    )
    clean = TrueSet("big_leg_lift", "right", 8.0, 9.0, (TrueRep(8.0, 9.0),))
    t = truth([faulted, clean], LABELS)
    raises = found("small_leg_raise", [(1.0, 2.0)], flags=[Flag("toes_up", 1, 9.0, "deg", True)])
    rules_of = {"small_leg_raise": ("toes_up",), "big_leg_lift": ()}
    counts = score_rules(t, [raises], ["toes_up", "tempo"], rules_of)
    assert list(counts) == ["toes_up", "tempo"]
    toes = counts["toes_up"]
    assert (toes.injected, toes.detected, toes.hits, toes.flags, toes.clean_reps) == (1, 1, 1, 1, 0)
    assert counts["tempo"].clean_reps == 0  # no set lists tempo
    routine = score_rules(t, [raises], ["toes_up"])  # the bundled routine's rules
    assert routine["toes_up"].clean_reps == 1  # big lifts list toes_up there
