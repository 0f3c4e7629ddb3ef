"""Pooling clip scores (hipcoach.evaluation.summary) on hand-made scores."""

from __future__ import annotations

import math

import pytest

from hipcoach.evaluation.score import AngleErrors, ClipScore, RuleCount, SetScore
from hipcoach.evaluation.summary import summarize


def clip(sets: list[SetScore], **kw: object) -> ClipScore:
    score = ClipScore("c", {}, sets=sets)
    for k, v in kw.items():
        setattr(score, k, v)
    return score


A = clip(
    [
        SetScore("small_leg_raise", 4, 4),
        SetScore("leg_circle_cw", 3, 2, direction_ok=True),
        SetScore("leg_circle_ccw", 3, None, direction_ok=None),  # unmatched, not judged
    ],
    phantom_unmatched=2,
    stray=1,
    overlapping_pairs=1,
    angles=AngleErrors(6.0, 3, 4, {"small_leg_raise": (4.0, 2), "leg_circle_cw": (2.0, 1)}),
    view_ok=True,
    analysis_s=1.0,
    video_s=60.0,
    pose_s=10.0,
    rules={"toes_up": RuleCount(injected=2, detected=1)},
)
B = clip(
    [
        SetScore("small_leg_raise", 2, None, withheld=True),
        SetScore("leg_circle_cw", 3, 3, direction_ok=False),
    ],
    phantom_rest=1,
    angles=AngleErrors(2.0, 1, 4, {"small_leg_raise": (2.0, 1)}),
    analysis_s=0.5,
    video_s=30.0,
    pose_s=5.0,
    rules={"toes_up": RuleCount(injected=1, detected=1), "knee_bent": RuleCount(flags=2)},
)


def test_summary_pools_sets_phantoms_angles_views_and_times() -> None:
    s = summarize([A, B])
    assert (s.clips, s.sets, s.exact, s.withheld, s.abs_err) == (2, 5, 2, 1, 1 + 3 + 2)
    assert (s.true_reps, s.found_reps) == (15, 9)
    assert s.exact_share == pytest.approx(2 / 5) and s.mae == pytest.approx(6 / 5)
    assert s.bias == pytest.approx(-6 / 5)
    assert (s.circle_sets, s.direction_ok, s.direction_n) == (3, 1, 2)
    assert s.direction_share == 0.5
    assert (s.phantom_unmatched, s.phantom_rest, s.stray, s.phantom) == (2, 1, 1, 4)
    assert s.overlaps == 1
    assert s.angle_mae == pytest.approx(8 / 4) and s.coverage == pytest.approx(4 / 8)
    assert s.view_share == 0.5
    assert (s.analysis_s, s.video_s, s.pose_s) == (1.5, 90.0, 15.0)
    assert (s.rules["toes_up"].injected, s.rules["toes_up"].detected) == (3, 2)
    assert s.rules["knee_bent"].flags == 2


def test_summary_of_one_exercise_takes_its_sets_and_frames_only() -> None:
    s = summarize([A, B], "small_leg_raise")
    assert (s.clips, s.sets, s.exact, s.withheld, s.true_reps, s.found_reps) == (2, 2, 1, 1, 6, 4)
    assert s.angle_mae == pytest.approx(6.0 / 3)
    assert (s.phantom, s.overlaps, s.rules, s.analysis_s) == (0, 0, {}, 0.0)


def test_an_empty_summary_reads_nan_not_zero() -> None:
    s = summarize([])
    for value in (s.exact_share, s.mae, s.bias, s.direction_share, s.angle_mae, s.coverage):
        assert math.isnan(value)
    assert math.isnan(s.view_share)
