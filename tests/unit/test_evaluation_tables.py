"""The evaluation tables (hipcoach.evaluation.tables): text and markdown layout, number
formats, target marks and the accuracy tables built from hand-made scores."""

from __future__ import annotations

import dataclasses
import math

from hipcoach.evaluation.score import AngleErrors, ClipScore, SetScore
from hipcoach.evaluation.summary import Summary, summarize
from hipcoach.evaluation.tables import (
    FORM_RULES_NOTE,
    Table,
    breakdown_table,
    exercise_table,
    fmt,
    form_note,
    mark,
    ratio,
    rendered_clip_table,
    summary_table,
    time_cell,
)


def test_table_text_aligns_columns_under_a_title() -> None:
    table = Table("t", ["a", "long header"])
    table.add("wide cell", 1)
    table.add("x", "yz")
    assert table.text().splitlines() == [
        "t",
        "a          long header",
        "---------  -----------",
        "wide cell  1          ",
        "x          yz         ",
    ]


def test_table_markdown_with_and_without_a_title() -> None:
    table = Table("t", ["a", "b"])
    table.add("1|2", 3)
    assert table.markdown() == "### t\n\n| a | b |\n|---|---|\n| 1/2 | 3 |"
    assert Table("", ["a"]).markdown() == "| a |\n|---|"
    assert Table("", ["a"]).text() == "a\n-"


def test_number_formats() -> None:
    assert (fmt(0.5), fmt(2.345, 2), fmt(math.nan), fmt(math.inf)) == ("0.500", "2.35", "-", "-")
    assert (ratio(1, 3), ratio(0, 0)) == ("1/3", "-")


def test_marks_against_the_targets() -> None:
    assert (mark("exact", 0.95), mark("exact", 0.94)) == ("ok", "MISS")
    assert (mark("rep_mae", 0.05), mark("rep_mae", 0.06)) == ("ok", "MISS")
    assert (mark("phantom", 0.0), mark("phantom", 1.0)) == ("ok", "MISS")
    assert mark("angle_mae", math.nan) == "-"


def test_time_cell_is_a_share_of_pose_time_for_rendered_suites() -> None:
    s = Summary(analysis_s=1.0, video_s=120.0, pose_s=20.0)
    assert time_cell("rendered", s) == "0.0500 of pose time (ok)"
    assert time_cell("landmark", s) == "0.500 s per video min"
    assert time_cell("rendered", Summary(analysis_s=5.0, pose_s=20.0)).endswith("(MISS)")
    assert time_cell("landmark", Summary()) == "- s per video min"


def score(name: str, sets: list[SetScore], **tags: str) -> ClipScore:
    s = ClipScore(name, dict(tags), sets=sets, read_view="front", view_ok=True)
    s.angles = AngleErrors(4.0, 2, 2, {"small_leg_raise": (4.0, 2)})
    return s


GOOD = score("good", [SetScore("small_leg_raise", 3, 3)], view="front", noise="clean")
BAD = score(
    "bad",
    [
        SetScore("small_leg_raise", 3, 1),
        SetScore("leg_circle_cw", 2, 2, direction_ok=False),
        SetScore("leg_circle_ccw", 2, None, withheld=True),
    ],
    view="diagonal",
    noise="clean",
)


def rows(table: Table) -> dict[str, list[str]]:
    return {r[0]: r[1:] for r in table.rows}


def test_summary_table_marks_values_and_shows_phantoms_rest_plus_unmatched() -> None:
    bad = summarize([BAD])
    bad.phantom_rest, bad.phantom_unmatched, bad.stray = 1, 2, 5
    table = rows(summary_table({"good": summarize([GOOD]), "bad": bad}))
    assert table["exact-set share"] == [">= 0.95", "1.000 (ok)", "0.333 (MISS)"]
    assert table["rep-count MAE (reps/set)"][1:] == ["0.000 (ok)", "1.333 (MISS)"]
    assert table["sets with the count withheld (info)"][1:] == ["0", "1"]
    assert table["circle direction accuracy"][1:] == ["- of 0 (-)", "0.000 of 1 (MISS)"]
    assert table["angle MAE, abduction (deg)"][1:] == ["2.00 cov 1.00 (ok)"] * 2
    assert table["phantom reps (rest + unmatched)"][1:] == ["0 (0 + 0) (ok)", "3 (1 + 2) (MISS)"]
    assert table["stray reps (in another set; info)"][1:] == ["0", "5"]
    assert table["sessions"][1:] == ["1", "1"]


def test_breakdown_table_groups_by_tags_in_order_of_appearance() -> None:
    table = breakdown_table("by view", [GOOD, BAD, GOOD], ["view"])
    assert table.headers[:2] == ["view", "n"]
    assert table.rows == [
        ["front", "2", "1.000", "0.000", "0", "-", "2.00", "0"],
        ["diagonal", "1", "0.333", "1.333", "1", "0.000", "2.00", "0"],
    ]


def test_exercise_table_rows_in_routine_order_with_bias() -> None:
    table = exercise_table("by exercise", [GOOD, BAD])
    assert rows(table) == {
        "small_leg_raise": ["2", "0.500", "0", "6", "4", "-1.00", "1.000", "2.00"],
        "leg_circle_ccw": ["1", "0.000", "1", "2", "0", "-2.00", "2.000", "-"],
        "leg_circle_cw": ["1", "1.000", "0", "2", "2", "+0.00", "0.000", "-"],
    }
    assert [r[0] for r in table.rows] == ["small_leg_raise", "leg_circle_ccw", "leg_circle_cw"]


def test_rendered_clip_table_marks_withheld_counts_and_wrong_directions() -> None:
    bad = dataclasses.replace(BAD, found=["R small_leg_raise 1 [0.0-1.0]"])
    (row,) = rendered_clip_table([bad]).rows
    assert row[:3] == ["bad", "diagonal", "front"]
    assert row[5] == (
        "small_leg_raise 1/3, leg_circle_cw 2/2 WRONG DIR, leg_circle_ccw 0/2 (withheld)"
    )
    assert row[6] == "R small_leg_raise 1 [0.0-1.0]"


def test_form_note_without_and_with_fault_flags() -> None:
    assert form_note({"landmark": [GOOD]}) == FORM_RULES_NOTE
    flagged = score("f", [SetScore("small_leg_raise", 3, 3)])
    flagged.flags, flagged.fault_flags = 3, {"tempo": 1, "knee_bent": 2}
    note = form_note({"landmark": [flagged, GOOD], "rendered": [GOOD]})
    assert "landmark: 3 over 6 true reps (knee_bent 2, tempo 1)" in note
    assert "rendered: 0 over 3 true reps (none)" in note
