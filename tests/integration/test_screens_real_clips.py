"""The screens on the real clips of ../shared/data with the real MediaPipe model (no mocks).

Ground truth (../shared/data/README.md) and what we expect:
- squat (frontal-oblique ~30°, no valgus): the view reads ~32° turned, beyond the 20° limit,
  so the finding is "inconclusive" (oblique) and never "positive": at this angle the knee
  bending alone reads FPPA about +70° on one knee and -90° on the other at the bottoms.
  The knee-to-ankle ratio stays above 1 at every bottom (knees wider than the feet).
- one-leg stance (synthetic render): stance leg LEFT, no pelvic drop → cannot rule out (the
  stance screen may never say "negative": its measured sensitivity does not support it).
- side-view barbell squat: inconclusive, side view.
- Sports2D walk: several people, sagittal walker → inconclusive, no finding.
Landmarks are extracted once per session (the pose model costs ~30 ms per frame).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hipcoach.backends import create_backend
from hipcoach.config import DEFAULTS
from hipcoach.extract import extract_poses
from hipcoach.screens.gait import screen_gait
from hipcoach.screens.squat import screen_squat
from hipcoach.screens.stance import screen_stance
from hipcoach.sequence.schema import PoseSequence
from hipcoach.video import open_source
from tests.conftest import shared_file

pytestmark = pytest.mark.integration

_CACHE: dict[str, PoseSequence] = {}


def _poses(rel: str, max_s: float | None = None) -> PoseSequence:
    if rel not in _CACHE:
        path: Path = shared_file(rel)
        with (
            open_source(path, DEFAULTS.pose) as src,
            create_backend("full", settings=DEFAULTS.pose) as backend,
        ):
            _CACHE[rel] = extract_poses(src, backend, DEFAULTS, max_duration_s=max_s).sequence
    return _CACHE[rel]


def squat_clip() -> PoseSequence:
    return _poses("tfjs_squat_miniband/pose_squats.mp4")


def stance_clip() -> PoseSequence:
    return _poses("tfjs_single_leg_stance/pose_1.mp4")


def test_squat_clip_is_never_valgus() -> None:
    r = screen_squat(squat_clip())
    assert r.finding in ("negative", "inconclusive")
    assert r.finding == "inconclusive" and "oblique" in r.reason, r.reason
    assert 25.0 < r.view["turn_deg"] < 40.0
    bottoms = [i["bottom_s"] for i in r.items]
    assert bottoms == pytest.approx([2.0, 6.7, 11.8], abs=0.35)
    assert [i["complete"] for i in r.items] == [True, True, False]
    assert all(i["kasr"] > 1.0 for i in r.items)
    assert all(i["valgus_left"] is None and i["valgus_right"] is None for i in r.items)


def test_stance_clip_left_leg_no_drop() -> None:
    r = screen_stance(stance_clip())
    assert r.finding == "cannot_rule_out", r.reason
    assert r.stance_leg == "left"
    assert abs(r.items[0]["pelvic_drop_median_deg"]) < 2.0
    assert r.items[0]["hold_s"] > 3.5


def test_stance_clip_given_to_squat_has_no_squat() -> None:
    r = screen_squat(stance_clip())
    assert r.finding == "inconclusive" and "no squat" in r.reason


def test_side_view_squat_is_refused() -> None:
    r = screen_squat(_poses("rohan_barbell_squat_side/squat.mp4", max_s=12.0))
    assert r.finding == "inconclusive" and "side view" in r.reason
    assert r.fix


def test_walk_clip_gives_no_gait_finding() -> None:
    r = screen_gait(_poses("sports2d_demo_walk/demo.mp4"))
    assert r.finding == "inconclusive"
    assert "more than one person" in r.reason or "side view" in r.reason
