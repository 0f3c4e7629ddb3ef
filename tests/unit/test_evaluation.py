"""Scoring an analysis against rendered truth: sets from segments, matching, withheld counts,
phantoms, overlaps, directions and per-rule recall/precision."""

from __future__ import annotations

from typing import Any

import numpy as np

from hipcoach.analysis.result import AnalysisResult, Flag, SetResult
from hipcoach.evaluation.corpus import summarize
from hipcoach.evaluation.score import score_clip
from hipcoach.evaluation.truth import clip_truth, true_sets


def seg(
    exercise: str, start: float, reps: list[tuple[float, float]], **faults: Any
) -> dict[str, Any]:
    """A renderer segment with rep events; ``faults``: rep index (1-based) -> fault dict."""
    events = [
        {"index": k, "start": a, "end": b, "faults": faults.get(f"rep{k}", {})}
        for k, (a, b) in enumerate(reps, start=1)
    ]
    end = reps[-1][1] if reps else start + 1.0
    return {"exercise": exercise, "start": start, "end": end, "rep_events": events}


def gt(segments: list[dict[str, Any]]) -> dict[str, Any]:
    t = np.arange(0.0, 40.0, 0.1)
    frames = [{"t": float(x), "exercise": "rest", "top_leg_abduction_deg": -4.0} for x in t]
    for s in segments:
        for f in frames:
            if s["start"] <= f["t"] < s["end"] and s["exercise"] != "rest":
                f["exercise"] = s["exercise"]
    return {
        "working_leg": "right",
        "lying_on_side": "left",
        "view": "front",
        "segments": segments,
        "frames": frames,
    }


def found(exercise: str, reps: list[tuple[float, float]], **kw: Any) -> SetResult:
    return SetResult(
        side="right",
        exercise=exercise,
        reps=len(reps),
        start_s=reps[0][0],
        end_s=reps[-1][1],
        rep_times=reps,
        peak_angle_deg=[20.0] * len(reps),
        **kw,
    )


RAISES = [(1.0, 2.5), (2.5, 4.0), (4.0, 5.5)]
PAUSED = [(7.5, 9.0), (9.0, 10.5)]  # the same set after a 2 s pause


def test_a_pause_or_lowering_inside_a_set_keeps_one_set_and_a_rest_splits() -> None:
    segments = [
        seg("small_leg_raise", 1.0, RAISES),
        seg("small_leg_raise", 7.5, PAUSED),
        {"exercise": "rest", "start": 10.5, "end": 11.5, "rep_events": []},
        seg("leg_circle_cw", 11.5, [(12.0, 13.5)]),
        {"exercise": "rest", "start": 13.5, "end": 14.1, "rep_events": []},  # a moment
        seg("leg_circle_cw", 14.1, [(15.0, 16.5)]),
        {"exercise": "rest", "start": 17.0, "end": 18.0, "rep_events": []},
        seg("small_leg_raise", 18.0, [(18.0, 19.5)]),
        {"exercise": "rest", "start": 19.5, "end": 21.5, "rep_events": []},  # a break
        seg("small_leg_raise", 21.5, [(21.5, 23.0)]),
    ]
    sets = true_sets(segments, "right")
    assert [(s.exercise, s.n_reps) for s in sets] == [
        ("small_leg_raise", 5),
        ("leg_circle_cw", 2),
        ("small_leg_raise", 1),
        ("small_leg_raise", 1),
    ]
    assert sets[1].direction == "cw"


def test_exact_withheld_phantom_and_overlap() -> None:
    lifts = [(a + 7.0, b + 7.0) for a, b in RAISES]
    truth = clip_truth(gt([seg("small_leg_raise", 1.0, RAISES), seg("big_leg_lift", 8.0, lifts)]))
    exact = found("small_leg_raise", RAISES)
    withheld = found("big_leg_lift", [(8.0, 9.0)], count_withheld="too oblique")
    phantom = found("bicycle_sidekick", [(20.0, 22.0), (22.0, 24.0)])
    overlapping = found("leg_circle_cw", [(4.5, 6.0)], direction="cw")
    result = AnalysisResult("front", "left", [exact, withheld, phantom, overlapping])
    score = score_clip(truth, result)
    assert [(r.exact, r.withheld, r.found_reps) for r in score.sets] == [
        (True, False, 3),
        (False, True, None),
    ]
    assert score.phantom_reps == 2 + 1  # the bicycle set + the circle matching no true set
    assert score.overlapping_pairs == 1
    s = summarize([score])
    assert (s.exact, s.withheld, s.sets) == (1, 1, 2)
    assert s.mae == 1.5  # withheld scores as 0 reps: |0 - 3| over two sets


def test_circle_direction_is_judged_on_the_overlapping_circle_set() -> None:
    circles = [(2.0, 3.5), (3.5, 5.0)]
    truth = clip_truth(gt([seg("leg_circle_ccw", 1.5, circles)]))
    wrong = AnalysisResult("front", "left", [found("leg_circle_cw", circles, direction="cw")])
    right = AnalysisResult("front", "left", [found("leg_circle_ccw", circles, direction="ccw")])
    assert score_clip(truth, wrong).sets[0].direction_ok is False
    assert score_clip(truth, right).sets[0].direction_ok is True
    assert score_clip(truth, wrong).sets[0].found_reps is None  # wrong exercise: unmatched


def test_rule_recall_precision_and_not_measurable() -> None:
    truth = clip_truth(
        gt([seg("small_leg_raise", 1.0, RAISES, rep2={"toes_up_deg": 30.0, "knee_bend_deg": 0.4})])
    )
    flags = [
        Flag("toes_up", 2, 12.0, "deg", True),
        Flag("toes_up", 3, 9.0, "deg", True),
        Flag("knee_bent", None, None, "deg", False),
    ]
    result = AnalysisResult("front", "left", [found("small_leg_raise", RAISES, flags=flags)])
    rules = score_clip(truth, result).rules
    toes = rules["toes_up"]
    assert (toes.injected, toes.detected, toes.flags, toes.hits) == (1, 1, 2, 1)
    assert (toes.clean_reps, toes.clean_alarms) == (2, 1)
    knee = rules["knee_bent"]
    assert knee.nm_injected == knee.injected == 0  # 0.4 deg is below the 1 deg floor
    assert knee.not_measurable == 1
