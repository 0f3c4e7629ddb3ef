"""Left vs right (analysis.sides): one definition for an analysis and the history."""

from __future__ import annotations

import dataclasses

import pytest

from hipcoach.analysis.result import AnalysisResult
from hipcoach.analysis.sides import SideComparison, SideReading, compare_sides, percent_difference
from tests.helpers.history import SetSpec, make_set


def test_counted_sets_only_median_peak_and_routine_order() -> None:
    withheld = dataclasses.replace(
        make_set(SetSpec("big_leg_lift", "right", 9, peak_deg=80.0)),
        count_withheld="camera turned too far",
    )
    sets = [
        make_set(SetSpec("big_leg_lift", "left", 5, peaks=[30, 31, 32, 33, 90])),
        make_set(SetSpec("big_leg_lift", "right", 4, peak_deg=40.0)),
        make_set(SetSpec("big_leg_lift", "left", 3, peaks=[34, 35, 36])),
        withheld,
        make_set(SetSpec("small_leg_raise", "right", 10, peak_deg=20.0)),
    ]
    small, lift = compare_sides(sets)
    assert (small.exercise, lift.exercise) == ("small_leg_raise", "big_leg_lift")
    assert lift.left == SideReading(sets=2, reps=8, median_peak_deg=pytest.approx(33.5))
    assert lift.right == SideReading(sets=1, reps=4, median_peak_deg=40.0)
    assert lift.reps_diff == 4 and lift.peak_diff_deg == pytest.approx(-6.5)
    assert lift.reps_diff_pct == pytest.approx(50.0)
    assert lift.peak_diff_pct == pytest.approx(-16.25)
    assert small.left is None and small.reps_diff is None and small.peak_diff_deg is None


def test_words_name_the_leg_behind_and_the_unit() -> None:
    both = SideComparison("big_leg_lift", SideReading(1, 10, 40.0), SideReading(1, 8, 34.0))
    assert both.peak_words() == "left 6° higher"
    assert both.note(10.0) == "right leg 20% fewer reps; right leg 15% lower peak angle"
    assert both.note(20.0) == "sides within 20% of each other"
    level = SideComparison("big_leg_lift", SideReading(1, 8, 34.2), SideReading(1, 8, 34.0))
    assert level.peak_words() == "equal"
    one = SideComparison("big_leg_lift", SideReading(1, 8, 34.0), None)
    assert one.peak_words() == "-"
    assert one.note(10.0) == "only the left leg has data, so the sides cannot be compared"


def test_percent_difference_is_of_the_larger_side_and_needs_a_size() -> None:
    assert percent_difference(8, 10) == pytest.approx(-20.0)
    assert percent_difference(0, 0) is None
    assert percent_difference(float("nan"), 3.0) is None


def test_analysis_json_carries_the_same_comparison() -> None:
    sets = [
        make_set(SetSpec("big_leg_lift", "left", 3, peak_deg=40.0)),
        make_set(SetSpec("big_leg_lift", "right", 3, peak_deg=36.0)),
    ]
    result = AnalysisResult(
        view="front",
        lying_on="right",
        problems=[],
        sets=sets,
        source="test",
        duration_s=12.0,
    )
    (item,) = result.to_json()["comparison"]
    assert item["exercise"] == "big_leg_lift"
    assert item["left"] == {"sets": 1, "reps": 3, "median_peak_deg": 40.0}
    assert item["peak_diff_deg"] == pytest.approx(4.0) and item["reps_diff"] == 0
    assert AnalysisResult.from_json(result.to_json()).comparison() == result.comparison()


def test_one_text_for_a_leg_in_every_table() -> None:
    from hipcoach.analysis.sides import peak_text, reading_text, reps_text

    leg = SideReading(2, 8, 21.4)
    assert (reps_text(leg), peak_text(leg), reading_text(leg)) == ("8", "21°", "8 reps, 21°")
    unread = SideReading(1, 3, None)
    assert (peak_text(unread), reading_text(unread)) == ("-", "3 reps, -")
    assert reps_text(None) == peak_text(None) == reading_text(None) == "-"
