"""The standing-corpus scorer (hipcoach.evaluation.standing) on hand-made readings."""

from __future__ import annotations

import math

import pytest

from hipcoach.evaluation.standing import (
    SquatRow,
    StanceRow,
    StandingClip,
    score_squat,
    score_stance,
    summarize_squat,
    summarize_stance,
    true_bottom_fppa,
)
from hipcoach.screens.result import ScreenResult


def _clip(motion: str = "stance", **options: str) -> StandingClip:
    return StandingClip("X", "S01", "dev", motion, options)


def _stance(drop: float, lean: float, finding: str, measured: float = 0.0) -> StanceRow:
    clip = _clip(**{"drop-deg": str(drop), "lean-deg": str(lean)})
    return StanceRow(clip, drop, lean, finding, measured)


def test_relevant_means_six_degrees_of_drop_or_lean() -> None:
    assert _stance(6.0, 0.0, "x").relevant and _stance(3.0, 6.0, "x").relevant
    assert not _stance(5.9, 5.9, "x").relevant
    assert _stance(0.0, 0.0, "x").level and not _stance(-3.0, 0.0, "x").level


def test_stance_summary_counts_sensitivity_specificity_and_false_negatives() -> None:
    rows = [
        _stance(9.0, 0.0, "positive", 8.0),
        _stance(6.0, 0.0, "cannot_rule_out", 1.0),
        _stance(12.0, 0.0, "negative", 2.0),
        _stance(0.0, 0.0, "positive", 3.0),
        _stance(0.0, 0.0, "cannot_rule_out", 0.0),
        _stance(3.0, 0.0, "negative", math.nan),
    ]
    s = summarize_stance(rows)
    assert (s.found, s.relevant, s.false_negatives) == (1, 3, 1)
    assert (s.quiet, s.level) == (1, 2)
    assert s.sensitivity == pytest.approx(1 / 3) and s.specificity == pytest.approx(0.5)
    assert s.drop_mae_deg == pytest.approx((1 + 5 + 10 + 3 + 0) / 5)


def test_score_stance_takes_the_median_hold_drop() -> None:
    result = ScreenResult(
        "stance", "positive", "r",
        items=[{"pelvic_drop_median_deg": 4.0}, {"pelvic_drop_median_deg": 8.0},
               {"pelvic_drop_median_deg": None}],
    )  # fmt: skip
    row = score_stance(result, _clip(**{"drop-deg": "9", "lean-deg": "5"}))
    assert (row.true_drop_deg, row.true_lean_deg, row.measured_drop_deg) == (9.0, 5.0, 6.0)


TRUTH = {
    "events": {"reps": [{"bottom_s": 2.0, "bottom_from_s": 1.9, "bottom_to_s": 2.1}]},
    "frames": [
        {"t": 1.8, "fppa_left_deg": 1.0, "fppa_right_deg": 1.0},
        {"t": 2.0, "fppa_left_deg": 20.0, "fppa_right_deg": 18.0},
        {"t": 2.1, "fppa_left_deg": 22.0, "fppa_right_deg": 20.0},
    ],
}


def test_true_bottom_fppa_averages_the_held_bottom_or_takes_the_nearest_frame() -> None:
    rep = TRUTH["events"]["reps"][0]  # type: ignore[index]
    assert true_bottom_fppa(TRUTH, rep, "left") == pytest.approx(21.0)
    narrow = {**rep, "bottom_from_s": 2.03, "bottom_to_s": 2.05}
    assert true_bottom_fppa(TRUTH, narrow, "right") == pytest.approx(18.0)


def test_score_squat_matches_the_nearest_measured_bottom() -> None:
    result = ScreenResult(
        "squat", "positive", "r",
        items=[{"bottom_s": 5.0, "fppa_left_deg": 0.0, "fppa_right_deg": 0.0},
               {"bottom_s": 2.1, "fppa_left_deg": 17.0, "fppa_right_deg": None}],
    )  # fmt: skip
    row = score_squat(result, _clip("squat", **{"valgus-deg": "20"}), TRUTH)
    assert row.true_valgus_deg == 20.0
    assert row.errors() == pytest.approx([17.0 - 21.0])


def test_squat_summary_counts_clear_positives_and_negatives() -> None:
    def sq(valgus: float, finding: str, err: float) -> SquatRow:
        return SquatRow(_clip("squat"), valgus, finding, [10.0, 10.0], [10.0 + err, 10.0 - err])

    s = summarize_squat([sq(20, "positive", 2), sq(15, "negative", 4), sq(5, "negative", 0),
                         sq(0, "positive", 1), sq(10, "positive", 0)])  # fmt: skip
    assert (s.positives_found, s.positives, s.negatives_quiet, s.negatives) == (1, 2, 1, 2)
    assert s.fppa_mae_deg == pytest.approx((2 + 2 + 4 + 4 + 0 + 0 + 1 + 1 + 0 + 0) / 10)
    assert s.fppa_bias_deg == pytest.approx(0.0)


def test_sign_calls_count_positives_quiet_levels_and_false_negatives() -> None:
    from hipcoach.evaluation.standing import SignCalls, sign_calls

    calls = SignCalls(
        **sign_calls(
            ["positive", "negative", "cannot_rule_out", "positive"],
            ["negative", "positive", "inconclusive"],
        )
    )
    assert (calls.found, calls.relevant, calls.false_negatives) == (2, 4, 1)
    assert (calls.quiet, calls.level) == (2, 3)
    assert calls.sensitivity == 0.5 and calls.specificity == 2 / 3
