"""Per-rep evidence, reference values and stated limits (analysis.evidence), and the measured
accuracy they quote, re-derived from the rendered corpus."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from hipcoach.analysis.evidence import (
    ACCURACY,
    RENDERED_ONLY,
    TYPICAL,
    analysis_document,
    limits,
    references,
    rep_evidence,
    write_analysis_json,
)
from hipcoach.analysis.result import AnalysisResult, Flag
from hipcoach.evaluation.corpus import score_corpus
from hipcoach.evaluation.summary import summarize
from hipcoach.exercises.routine import load_routine
from tests.helpers.history import SetSpec, make_set

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
ROUTINE = load_routine()


def _result(view: str = "front_high") -> AnalysisResult:
    raise_ = make_set(SetSpec("small_leg_raise", "left", 3, peaks=[18.0, 22.0, float("nan")]))
    raise_.flags = [
        Flag("toes_up", 2, 12.4, "deg", True, "toes forward"),
        Flag("tempo", 2, 0.21, "s", True, "slow down"),
        Flag("knee_bent", None, None, "deg", False, "not measurable from this view"),
    ]
    withheld = dataclasses.replace(
        make_set(SetSpec("big_leg_lift", "left", 2, peak_deg=40.0)),
        count_withheld="the camera is turned too far toward your feet to count reps",
    )
    return AnalysisResult(view=view, lying_on="right", sets=[raise_, withheld], source="t")


def test_accuracy_quoted_in_reports_is_what_the_validation_bodies_give() -> None:
    scores = [c for c in score_corpus(CORPUS) if c.tags["split"] == "val"]
    for acc in ACCURACY:
        sel = [c for c in scores if c.read_view in acc.views]
        s = summarize(sel)
        got = (len({c.tags["body"] for c in sel}), s.sets, s.exact, s.withheld)
        assert got == (acc.bodies, acc.sets, acc.exact, acc.withheld), acc.label
        wrong = s.direction_n - s.direction_ok
        directions = (s.circle_sets, s.direction_ok, wrong)
        assert directions == (acc.circle_sets, acc.directions_right, acc.directions_wrong)
        assert round(s.angle_mae, 1) == acc.abduction_mae_deg, acc.label


def test_every_rep_of_counted_sets_with_its_faults_in_words() -> None:
    titles = {r.id: r.title for r in ROUTINE.rules}
    reps = rep_evidence(_result(), titles)
    assert [(e.set_number, e.rep) for e in reps] == [(1, 1), (1, 2), (1, 3)]  # set 2 withheld
    assert reps[0].peak_deg == 18.0 and reps[2].peak_deg is None
    assert reps[1].duration_s == pytest.approx(1.5)
    assert reps[1].faults == ("Foot turned up: 12°", "Too fast: 0.2 s")
    assert reps[0].faults == ()


def test_references_carry_the_routine_target_and_a_sourced_typical_range() -> None:
    refs = {r.exercise: r for r in references(ROUTINE)}
    lift = ROUTINE.exercise("big_leg_lift")
    ref = refs["big_leg_lift"]
    assert (ref.target_min_deg, ref.target_max_deg) == (
        lift.target_peak_deg_min,
        lift.target_peak_deg_max,
    )
    assert ref.typical == TYPICAL["abduction"] and "AAOS" in ref.text()
    assert refs["leg_circle_cw"].typical is None
    assert refs["leg_circle_cw"].text().endswith("(routine file)")


def test_limits_say_rendered_bodies_view_accuracy_unmeasurable_and_withheld() -> None:
    lines = limits(_result(), {"knee_bent": "Knee bent"})
    assert lines[0] == RENDERED_ONLY
    assert lines[1] == ACCURACY[0].text() and "square-on" in lines[1]
    assert lines[2] == "not measurable from this camera view: Knee bent"
    assert lines[3].startswith("1 set(s) not counted: the camera is turned too far")
    assert "turned toward the feet" in limits(_result("diagonal"))[1]
    assert limits(_result("feet"))[1] == "a camera read as feet was not validated"


def test_json_carries_the_evidence_and_still_reads_back(tmp_path: Path) -> None:
    result = _result()
    doc = analysis_document(result, ROUTINE)
    ev = doc["evidence"]
    assert ev["limits"][0] == RENDERED_ONLY
    assert [r["rep"] for r in ev["reps"]] == [1, 2, 3]
    assert {r["exercise"] for r in ev["references"]} == {e.id for e in ROUTINE.exercises}
    path = tmp_path / "a.json"
    write_analysis_json(result, ROUTINE, path)
    back = AnalysisResult.from_json(json.loads(path.read_text(encoding="utf-8")))
    assert back.sets[0].reps == 3 and back.sets[1].count_withheld is not None
