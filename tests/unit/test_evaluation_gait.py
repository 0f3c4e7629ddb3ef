"""The gait scorer (hipcoach.evaluation.gait) on hand-made readings and truth."""

from __future__ import annotations

import math
from typing import Any

import pytest

from hipcoach.evaluation.gait import (
    GaitRow,
    GaitSide,
    score_gait,
    summarize_gait,
    true_side_drops,
)
from hipcoach.evaluation.standing import StandingClip
from hipcoach.screens.result import ScreenResult
from hipcoach.types import Side


def _clip(**options: str) -> StandingClip:
    return StandingClip("X", "S01", "dev", "walk", options)


def _truth(left: list[float], right: list[float]) -> dict[str, Any]:
    steps = [{"stance_leg": "left", "peak_drop_free_side_deg": d} for d in left]
    steps += [{"stance_leg": "right", "peak_drop_free_side_deg": d} for d in right]
    return {"events": {"steps": steps}}


def _side(leg: Side, true: float, measured: float, flagged: bool = False) -> GaitSide:
    return GaitSide(leg, true, measured, 4, 4, flagged)


def _row(
    finding: str, left: tuple[float, float, bool], right: tuple[float, float, bool]
) -> GaitRow:
    return GaitRow(_clip(), finding, (_side("left", *left), _side("right", *right)))


def test_true_drops_are_the_step_peaks_per_stance_leg() -> None:
    drops = true_side_drops(_truth([8.0, 7.9], [0.1]))
    assert drops == {"left": [8.0, 7.9], "right": [0.1]}


def test_score_gait_reads_the_per_side_means_and_flags() -> None:
    result = ScreenResult(
        "gait", "positive", "r",
        per_side={
            "left": {"steps": 4, "pelvic_drop_mean_deg": 6.5, "drop_flagged": True},
            "right": {"steps": 3, "pelvic_drop_mean_deg": None, "drop_flagged": None},
        },
    )  # fmt: skip
    row = score_gait(result, _clip(direction="away"), _truth([8.0, 9.0], [0.0, 0.0]))
    left, right = row.side("left"), row.side("right")
    assert (left.true_drop_deg, left.measured_drop_deg, left.found_steps) == (8.5, 6.5, 4)
    assert left.flagged and not right.flagged and math.isnan(right.measured_drop_deg)
    assert left.error_deg == pytest.approx(-2.0) and left.within_tolerance
    assert not right.within_tolerance and not row.within_tolerance
    assert row.direction == "away" and row.dropping == {"left"} and row.side_named


def test_the_dropping_side_is_named_only_by_a_positive_flagging_exactly_it() -> None:
    assert _row("positive", (8, 8, True), (0, 1, False)).side_named
    assert not _row("positive", (8, 8, True), (0, 8, True)).side_named  # both flagged
    assert not _row("positive", (8, 1, False), (0, 8, True)).side_named  # the wrong side
    assert not _row("cannot_rule_out", (8, 8, True), (0, 0, False)).side_named
    level = _row("cannot_rule_out", (0.2, 3, False), (0, 2, False))
    assert level.level and not level.relevant and level.side_named


def test_relevant_from_six_degrees_level_below_one() -> None:
    assert _row("x", (6.0, 0, False), (0, 0, False)).relevant
    assert not _row("x", (5.9, 0, False), (0, 0, False)).relevant
    assert not _row("x", (5.9, 0, False), (0, 0, False)).level
    assert _row("x", (0.9, 0, False), (0, 0, False)).level


def test_gait_summary_counts_calls_sides_and_errors() -> None:
    rows = [
        _row("positive", (8, 7, True), (0, 1, False)),  # found, side named, both within
        _row("positive", (9, 2, False), (0, 8, True)),  # found, wrong side
        _row("negative", (10, 0, False), (0, 0, False)),  # the forbidden false negative
        _row("cannot_rule_out", (0, 1, False), (0, 0.5, False)),  # level, quiet
        _row("positive", (0, 8, True), (0, 1, False)),  # level, called positive
        _row("inconclusive", (0, math.nan, False), (0, math.nan, False)),  # level, quiet
    ]
    s = summarize_gait(rows)
    assert (s.walks, s.relevant, s.found, s.side_named, s.false_negatives) == (6, 3, 2, 1, 1)
    assert (s.level, s.quiet, s.inconclusive) == (3, 2, 1)
    assert s.sensitivity == pytest.approx(2 / 3) and s.specificity == pytest.approx(2 / 3)
    assert s.within_tolerance == 2  # the first and the fourth walk
    errors = [-1, 1, -7, 8, -10, 0, 1, 0.5, 8, 1]
    assert s.drop_mae_deg == pytest.approx(sum(map(abs, errors)) / 10)
    assert s.drop_bias_deg == pytest.approx(sum(errors) / 10)
    assert s.dropping_mae_deg == pytest.approx((1 + 7 + 10) / 3)  # the three dropping sides


def test_an_empty_summary_has_no_rates() -> None:
    s = summarize_gait([])
    assert s.walks == 0 and math.isnan(s.sensitivity) and math.isnan(s.drop_mae_deg)
