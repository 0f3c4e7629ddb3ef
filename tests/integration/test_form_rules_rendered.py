"""Form rules with the REAL pose model on rendered clips with injected faults.

Clips (``tests/data/rendered``, README): 6 small raises with the toes turned up 30 deg in
reps 2 and 5, then 6 big lifts with a 35 deg knee bend (rep 2), the leg 25 deg forward
(rep 4) and an 18 deg pelvis roll (rep 6); lying on the left side, from the front and from a
raised camera. Which reps carry which fault is read from the per-frame truth, not assumed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.analysis.result import AnalysisResult
from hipcoach.config import DEFAULTS
from hipcoach.pipeline import PoseRequest, find_poses

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data" / "rendered"
CLIPS = ("faults_left_front", "faults_left_front_high")


def faulted_reps(truth: dict[str, Any], exercise: str, fault: str) -> set[int]:
    """Rep numbers (from 1) of ``exercise`` whose frames carry ``fault`` (>= 5 deg)."""
    return {
        int(f["rep"])
        for f in truth["frames"]
        if f["exercise"] == exercise and (f.get("faults_active") or {}).get(fault, 0.0) >= 5.0
    }


@pytest.fixture(scope="module", params=CLIPS)
def analysed(request: pytest.FixtureRequest) -> tuple[AnalysisResult, dict[str, Any]]:
    name = request.param
    seq = find_poses(PoseRequest(str(DATA / f"{name}.mp4"), DEFAULTS)).sequence
    result, _ = analyze_sequence(seq)
    truth = json.loads((DATA / f"{name}.truth.json").read_text(encoding="utf-8"))
    return result, truth


def test_counts_are_exact(analysed: tuple[AnalysisResult, dict[str, Any]]) -> None:
    result, _ = analysed
    assert [(s.exercise, s.reps) for s in result.sets] == [
        ("small_leg_raise", 6),
        ("big_leg_lift", 6),
    ]


def test_toes_up_flags_exactly_the_turned_reps(
    analysed: tuple[AnalysisResult, dict[str, Any]],
) -> None:
    result, truth = analysed
    raises = result.sets[0]
    flagged = {f.rep for f in raises.flags if f.rule == "toes_up" and f.measurable}
    assert flagged == faulted_reps(truth, "small_leg_raise", "toes_up_deg") == {2, 5}
