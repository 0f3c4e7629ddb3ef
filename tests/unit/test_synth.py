"""The synthetic skeleton produces the joint angles it was asked for, from any camera view."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hipcoach.signal.angles import knee_flexion_deg
from hipcoach.synth import BodyPose, Camera, candidate_from_body, standing_body
from hipcoach.synth.body_angles import hip_angles

angle = st.floats(-10, 60)


@settings(max_examples=60, deadline=None)
@given(
    abd=angle,
    flex=st.floats(-20, 80),
    knee=st.floats(0, 120),
    yaw=st.floats(-60, 60),
    roll=st.sampled_from([0.0, 90.0, -90.0]),
)
def test_known_angles_are_recovered_from_world_landmarks(
    abd: float, flex: float, knee: float, yaw: float, roll: float
) -> None:
    pose = BodyPose(
        right_hip_abduction_deg=abd, right_hip_flexion_deg=flex, right_knee_flexion_deg=knee
    )
    cand = candidate_from_body(standing_body(pose), Camera(yaw_deg=yaw, roll_deg=roll))
    world = cand.world[None].astype(np.float64)
    got = hip_angles(world, "right")
    assert abs(got["abduction_deg"][0] - abd) < 0.01
    assert abs(got["flexion_deg"][0] - flex) < 0.01
    assert abs(knee_flexion_deg(world, "right")[0] - knee) < 0.01
    assert abs(hip_angles(world, "left")["abduction_deg"][0]) < 0.01


def test_person_facing_camera_has_left_side_on_image_right() -> None:
    cand = candidate_from_body(standing_body(), Camera())
    assert cand.norm_xyz[11, 0] > cand.norm_xyz[12, 0]  # left shoulder right of right shoulder
    assert cand.norm_xyz[0, 1] < cand.norm_xyz[27, 1]  # head above feet
