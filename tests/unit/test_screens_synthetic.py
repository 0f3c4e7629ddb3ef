"""Screens on synthetic landmark sequences with known angles (no model).

The synthetic camera is 8 m away (long lens): at 4 m, perspective makes the knees at the
bottom of a squat (nearer the camera than hips and ankles) look wider apart, which reads
2-3° more varus than the frontal-plane truth (docs/screens.md). Tolerance: 2°.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipcoach.config import DEFAULTS
from hipcoach.landmarks import Landmark as L  # noqa: N817
from hipcoach.screens.common import check_frontal_view, fppa_deg
from hipcoach.screens.gait import screen_gait
from hipcoach.screens.squat import feet_by_side, hip_centres
from hipcoach.screens.squat import screen_squat as _screen_squat
from hipcoach.screens.stance import screen_stance
from hipcoach.synth.standing import (
    StandingView,
    mirror_sequence,
    one_leg_stance,
    squats,
    walk_toward,
)

#: Synthetic landmarks are the exact joint centres: no pose-model bias to undo.
EXACT = DEFAULTS.model_copy(
    update={"screen": DEFAULTS.screen.model_copy(update={"fppa_hip_width_factor": 1.0})}
)


def screen_squat(seq: Any, settings: Any = EXACT) -> Any:
    """The squat screen without the model-bias correction (see EXACT)."""
    return _screen_squat(seq, settings)


FAR = StandingView(distance_m=8.0, focal_px=1800.0)


def _bottom_fppa(result, side):
    return [i[f"fppa_{side}_deg"] for i in result.items]


@pytest.mark.parametrize(
    ("add", "rot"),
    [
        ((0.0, 0.0), (0.0, 0.0)),
        ((10.0, 0.0), (15.0, 0.0)),
        ((8.0, 8.0), (20.0, 20.0)),
        ((-5.0, -5.0), (0.0, 0.0)),
    ],
)
def test_squat_fppa_recovered_within_2_deg(add, rot) -> None:
    s = squats(3, adduction_deg=add, rotation_deg=rot, view=FAR)
    r = screen_squat(s.sequence)
    assert [i["rep"] for i in r.items] == [1, 2, 3]
    np.testing.assert_allclose([i["bottom_s"] for i in r.items], s.truth["bottoms_s"], atol=0.05)
    for side in ("left", "right"):
        np.testing.assert_allclose(_bottom_fppa(r, side), s.truth[f"fppa_{side}_deg"], atol=2.0)


def test_swapped_feet_labels_are_put_back() -> None:
    """A left foot labelled on the right hip's side (the model's swap when the knees cross)
    is moved back; feet on their own sides are left alone."""
    s = squats(3, adduction_deg=(10, 10), rotation_deg=(15, 15), view=FAR)
    xy = s.sequence.image_xy.astype(np.float64)
    swapped = xy.copy()
    for a, b in ((L.LEFT_ANKLE, L.RIGHT_ANKLE), (L.LEFT_HEEL, L.RIGHT_HEEL)):
        swapped[5:9, a], swapped[5:9, b] = xy[5:9, b], xy[5:9, a]
    swapped[5:9, L.LEFT_FOOT_INDEX] = xy[5:9, L.RIGHT_FOOT_INDEX]
    swapped[5:9, L.RIGHT_FOOT_INDEX] = xy[5:9, L.LEFT_FOOT_INDEX]
    np.testing.assert_array_equal(feet_by_side(swapped), xy)
    np.testing.assert_array_equal(feet_by_side(xy), xy)


def test_hip_centres_widen_the_hips_about_their_midpoint() -> None:
    xy = squats(3, view=FAR).sequence.image_xy.astype(np.float64)
    out = hip_centres(xy, 1.5)
    width = np.abs(xy[:, L.LEFT_HIP, 0] - xy[:, L.RIGHT_HIP, 0])
    np.testing.assert_allclose(np.abs(out[:, L.LEFT_HIP, 0] - out[:, L.RIGHT_HIP, 0]), 1.5 * width)
    np.testing.assert_allclose(
        out[:, L.LEFT_HIP] + out[:, L.RIGHT_HIP], xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]
    )
    np.testing.assert_array_equal(
        np.delete(out, [L.LEFT_HIP, L.RIGHT_HIP], axis=1),
        np.delete(xy, [L.LEFT_HIP, L.RIGHT_HIP], axis=1),
    )


def test_squat_valgus_positive_and_neutral_negative() -> None:
    valgus = screen_squat(squats(3, adduction_deg=(10, 0), rotation_deg=(15, 0)).sequence)
    assert valgus.finding == "positive"
    assert valgus.per_side["left"]["valgus"] is True
    assert valgus.per_side["right"]["valgus"] is False
    neutral = screen_squat(squats(3).sequence)
    assert neutral.finding == "negative"
    assert "not a diagnosis" in neutral.to_dict()["not_a_diagnosis"]


@pytest.mark.parametrize("yaw", [5.0, 8.0, 12.0])
def test_turned_camera_gives_no_false_valgus(yaw: float) -> None:
    """A turned camera makes a straight knee read +13..20° in the picture; the squared
    world cross-check keeps it from being flagged (a picture angle that close to the limit
    is no "negative" either)."""
    r = screen_squat(squats(3, view=StandingView(yaw_deg=yaw)).sequence)
    assert r.finding in ("negative", "cannot_rule_out", "inconclusive")


def test_squat_oblique_tilted_and_side_views_are_inconclusive() -> None:
    for view, word in ((StandingView(yaw_deg=30), "oblique"), (StandingView(roll_deg=20), "tilted"),
                       (StandingView(yaw_deg=80), "side view")):  # fmt: skip
        r = screen_squat(squats(3, view=view).sequence)
        assert r.finding == "inconclusive" and word in r.reason, r.reason
        assert r.fix


def test_too_few_reps_and_no_squat() -> None:
    one = screen_squat(squats(1).sequence)
    assert one.finding == "inconclusive" and "too few reps" in one.reason
    stance = screen_squat(one_leg_stance().sequence)
    assert stance.finding == "inconclusive" and "no squat" in stance.reason


@pytest.mark.parametrize(
    ("stance", "drop", "lean"),
    [("left", 0.0, 0.0), ("left", 6.0, 0.0), ("right", 8.0, 3.0), ("right", -3.0, 0.0)],
)
def test_stance_drop_and_lean_recovered(stance, drop, lean) -> None:
    s = one_leg_stance(stance, drop_deg=drop, lean_deg=lean, view=FAR)
    r = screen_stance(s.sequence)
    assert r.stance_leg == stance
    item = r.items[0]
    assert item["pelvic_drop_median_deg"] == pytest.approx(drop, abs=2.0)
    assert item["trunk_lean_toward_stance_deg"] == pytest.approx(
        s.truth["trunk_lean_toward_stance_deg"], abs=2.0
    )
    assert item["hold_s"] == pytest.approx(s.truth["hold_s"], abs=0.5)
    # a non-positive stance is never "negative": the real model misses upright-trunk drops
    assert r.finding == ("positive" if drop > 4.0 else "cannot_rule_out")


def test_stance_compensation_flagged_and_tilted_camera_cancelled() -> None:
    r = screen_stance(one_leg_stance("left", lean_deg=9.0).sequence)
    assert r.finding == "positive" and "compensation" in r.reason
    tilted = screen_stance(
        one_leg_stance("left", drop_deg=6.0, view=StandingView(roll_deg=10)).sequence
    )
    assert tilted.items[0]["pelvic_drop_median_deg"] == pytest.approx(6.0, abs=2.0)


def test_gait_steps_and_drop_per_side() -> None:
    s = walk_toward(10, drop_deg=(10.0, 3.0))
    r = screen_gait(s.sequence)
    assert len(r.items) == 10
    assert [i["stance_leg"] for i in r.items] == [x["stance_leg"] for x in s.truth["steps"]]
    assert r.per_side["left"]["pelvic_drop_mean_deg"] == pytest.approx(10.0, abs=2.0)
    assert r.per_side["right"]["pelvic_drop_mean_deg"] == pytest.approx(3.0, abs=2.0)
    assert r.finding == "positive"
    assert screen_gait(walk_toward(10).sequence).finding == "cannot_rule_out"


def test_gait_not_enough_steps() -> None:
    r = screen_gait(walk_toward(5).sequence)
    assert r.finding == "inconclusive" and "not enough steps" in r.reason


def test_gait_standing_still_is_not_walking() -> None:
    r = screen_gait(one_leg_stance().sequence)
    assert r.finding == "inconclusive"


def test_fppa_sign_is_inward_positive() -> None:
    # Person facing the camera: their left hip at image-right. Left knee moved toward the
    # image centre (the other hip) = inward.
    xy = np.full((1, 33, 2), np.nan)
    xy[0, 23], xy[0, 24] = (110.0, 100.0), (90.0, 100.0)
    xy[0, 25], xy[0, 27] = (105.0, 150.0), (110.0, 200.0)
    assert fppa_deg(xy, "left")[0] > 0
    xy[0, 25] = (115.0, 150.0)
    assert fppa_deg(xy, "left")[0] < 0


def test_two_people_refused() -> None:
    from dataclasses import replace

    seq = squats(3).sequence
    crowded = replace(seq, provenance=replace(seq.provenance, frames_with_others=len(seq)))
    r = screen_squat(crowded)
    assert r.finding == "inconclusive" and "more than one person" in r.reason
    assert check_frontal_view(crowded).fix == "film with only you in the picture"


# ------------------------------------------------------------------ properties
@settings(max_examples=12, deadline=None)
@given(add=st.floats(0.0, 10.0), rot=st.floats(0.0, 20.0))
def test_mirroring_swaps_sides(add: float, rot: float) -> None:
    seq = squats(2, adduction_deg=(add, 0.0), rotation_deg=(rot, 0.0)).sequence
    a, b = screen_squat(seq), screen_squat(mirror_sequence(seq))
    for x, y in zip(a.items, b.items, strict=True):
        assert x["fppa_left_deg"] == pytest.approx(y["fppa_right_deg"], abs=1e-3)
        assert x["fppa_right_deg"] == pytest.approx(y["fppa_left_deg"], abs=1e-3)


@settings(max_examples=12, deadline=None)
@given(drop=st.floats(-4.0, 10.0), stance=st.sampled_from(["left", "right"]))
def test_mirrored_stance_swaps_stance_leg(drop: float, stance: str) -> None:
    seq = one_leg_stance(stance, drop_deg=drop).sequence  # type: ignore[arg-type]
    a, b = screen_stance(seq), screen_stance(mirror_sequence(seq))
    assert {a.stance_leg, b.stance_leg} == {"left", "right"}
    assert a.items[0]["pelvic_drop_median_deg"] == pytest.approx(
        b.items[0]["pelvic_drop_median_deg"], abs=1e-3
    )


@settings(max_examples=10, deadline=None)
@given(scale=st.floats(0.5, 2.0), dx=st.floats(-100, 100), dy=st.floats(-100, 100))
def test_scale_and_translation_invariance(scale: float, dx: float, dy: float) -> None:
    from dataclasses import replace

    seq = squats(2, adduction_deg=(8.0, 0.0), rotation_deg=(10.0, 0.0)).sequence
    size = {"width": int(seq.width * scale + 200), "height": int(seq.height * scale + 200)}
    moved = replace(seq, image_xy=seq.image_xy * scale + np.array([dx, dy], np.float32), **size)
    a, b = screen_squat(seq), screen_squat(moved)
    for x, y in zip(a.items, b.items, strict=True):
        assert x["fppa_left_deg"] == pytest.approx(y["fppa_left_deg"], abs=0.05)
        assert x["kasr"] == pytest.approx(y["kasr"], abs=1e-3)


@settings(max_examples=8, deadline=None)
@given(fps=st.floats(12.0, 60.0))
def test_fps_resampling_keeps_angles(fps: float) -> None:
    s = squats(3, adduction_deg=(10, 0), rotation_deg=(15, 0), fps=fps, view=FAR)
    r = screen_squat(s.sequence)
    assert len(r.items) == 3
    # a bottom sample is within half a frame of the true bottom: the angle changes slowly there
    np.testing.assert_allclose(_bottom_fppa(r, "left"), s.truth["fppa_left_deg"], atol=2.0)
    st_ = one_leg_stance("left", drop_deg=6.0, fps=fps, view=FAR)
    assert screen_stance(st_.sequence).items[0]["pelvic_drop_median_deg"] == pytest.approx(
        6.0, abs=2.0
    )
