"""Angles: 2-D/3-D geometry (signal.angles) and the synthetic tests' pelvis-frame body angles
(synth.body_angles)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from hipcoach.landmarks import MIRROR_PERMUTATION, N_LANDMARKS, Landmark
from hipcoach.signal import (
    Side,
    angle_2d,
    angle_3d,
    angle_between_segments_2d,
    knee_flexion_deg,
    mask_low_visibility,
    segment_angle_2d,
)
from hipcoach.synth.body_angles import hip_angles, pelvis_frame, trunk_lean_deg

L = Landmark
coord = st.floats(-100.0, 100.0, allow_nan=False)
point2 = st.tuples(coord, coord)
point3 = st.tuples(coord, coord, coord)
unit_quaternion = st.tuples(*(st.floats(-1.0, 1.0),) * 4).filter(
    lambda q: sum(c * c for c in q) > 0.1
)


def rodrigues(axis: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotation matrix by ``angle_deg`` about ``axis`` (right-hand rule)."""
    k = np.asarray(axis, float) / np.linalg.norm(axis)
    a = math.radians(angle_deg)
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + math.sin(a) * kx + (1 - math.cos(a)) * kx @ kx


def quaternion_matrix(q: tuple[float, float, float, float]) -> np.ndarray:
    w, x, y, z = np.asarray(q) / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


# Body coordinates: (lateral toward the person's left, vertical toward the head, forward).
LAT, UP, FWD = np.eye(3)
#: Body axes -> MediaPipe world for a person standing and facing the camera:
#: their left is the image right (+x), up is -y, their front faces the camera (-z).
FACING_CAMERA = np.column_stack([[1.0, 0, 0], [0, -1.0, 0], [0, 0, -1.0]])


def leg_direction(side: Side, abduction_deg: float, flexion_deg: float) -> np.ndarray:
    """Thigh direction: abduct the hanging thigh about the forward axis (away from the
    midline), then flex it about the pelvis lateral axis (toward the front)."""
    outward = 1.0 if side == "left" else -1.0
    down = -UP
    abducted = rodrigues(FWD, outward * abduction_deg) @ down
    return rodrigues(LAT, -flexion_deg) @ abducted


def body_skeleton(
    left: tuple[float, float, float] = (0.0, 0.0, 0.0),
    right: tuple[float, float, float] = (0.0, 0.0, 0.0),
    lean_deg: float = 0.0,
) -> np.ndarray:
    """33 landmarks in body coordinates (m). ``left``/``right`` = (abduction, flexion,
    knee flexion) in degrees; ``lean_deg`` tilts the trunk toward the person's left."""
    p = np.zeros((N_LANDMARKS, 3))
    trunk = rodrigues(FWD, -lean_deg) @ (0.5 * UP)
    legs: tuple[tuple[Side, float, tuple[float, float, float]], ...] = (
        ("left", 1.0, left),
        ("right", -1.0, right),
    )
    for side, sign, (abd, flex, knee) in legs:
        s = side.upper()
        hip = sign * 0.1 * LAT
        thigh = leg_direction(side, abd, flex)
        bend_axis = np.cross(thigh, FWD)
        if np.linalg.norm(bend_axis) < 0.1:  # thigh pointing forward: bend in another plane
            bend_axis = np.cross(thigh, UP)
        shank = rodrigues(bend_axis, knee) @ thigh
        p[L[f"{s}_HIP"]] = hip
        p[L[f"{s}_KNEE"]] = hip + 0.42 * thigh
        p[L[f"{s}_ANKLE"]] = p[L[f"{s}_KNEE"]] + 0.40 * shank
        p[L[f"{s}_HEEL"]] = p[L[f"{s}_ANKLE"]] - 0.05 * FWD - 0.03 * UP
        p[L[f"{s}_FOOT_INDEX"]] = p[L[f"{s}_ANKLE"]] + 0.15 * FWD - 0.05 * UP
        p[L[f"{s}_SHOULDER"]] = trunk + sign * 0.18 * LAT
        for k, name in enumerate(("ELBOW", "WRIST", "PINKY", "INDEX", "THUMB")):
            p[L[f"{s}_{name}"]] = trunk + sign * 0.2 * LAT - (0.25 + 0.05 * k) * UP
        for k, name in enumerate(("EYE_INNER", "EYE", "EYE_OUTER", "EAR")):
            p[L[f"{s}_{name}"]] = trunk + (
                0.2 * UP + sign * (0.01 + 0.02 * k) * LAT + (0.08 - 0.02 * k) * FWD
            )
    p[L.MOUTH_LEFT] = trunk + 0.12 * UP + 0.02 * LAT + 0.08 * FWD
    p[L.MOUTH_RIGHT] = trunk + 0.12 * UP - 0.02 * LAT + 0.08 * FWD
    p[L.NOSE] = trunk + 0.16 * UP + 0.1 * FWD
    return p


def to_world(body: np.ndarray, rotation: np.ndarray | None = None) -> np.ndarray:
    """Body coordinates -> MediaPipe world (person facing the camera, then ``rotation``)."""
    m = FACING_CAMERA if rotation is None else rotation @ FACING_CAMERA
    return body @ m.T


def mirror(world: np.ndarray) -> np.ndarray:
    """Swap left/right landmarks and reflect world x (a mirror-image person)."""
    out = world[..., list(MIRROR_PERMUTATION), :].copy()
    out[..., 0] *= -1.0
    return out


# ---------------------------------------------------------------- 2-D angles
def test_2d_angles_known_values() -> None:
    assert angle_2d([1, 0], [0, 0], [0, 1]) == pytest.approx(90.0)
    assert angle_2d([1, 0], [0, 0], [-2, 0]) == pytest.approx(180.0)
    assert angle_2d([1, 1], [0, 0], [2, 2]) == pytest.approx(0.0, abs=1e-6)
    assert np.isnan(angle_2d([0, 0], [0, 0], [1, 0]))
    # Image y points down: (1, -1) is up and to the right on screen.
    assert segment_angle_2d([0, 0], [1, -1]) == pytest.approx(45.0)
    assert segment_angle_2d([0, 0], [0, 1]) == pytest.approx(-90.0)
    assert segment_angle_2d([5, 5], [2, 5]) == 180.0
    assert np.isnan(segment_angle_2d([1, 1], [1, 1]))
    # From "pointing right" to "pointing up on screen": counter-clockwise as seen, +90.
    assert angle_between_segments_2d([0, 0], [1, 0], [3, 3], [3, 1]) == pytest.approx(90.0)
    assert angle_between_segments_2d([0, 0], [1, 0], [0, 0], [0, 1]) == pytest.approx(-90.0)
    assert angle_between_segments_2d([0, 0], [1, 0], [0, 0], [-1, 0]) == 180.0
    assert angle_between_segments_2d([0, 0], [-1, 0], [0, 0], [1, 0]) == 180.0
    a, b, c = np.tile([1.0, 0.0], (2, 3, 1)), np.zeros((2, 3, 2)), np.tile([0.0, 1.0], (2, 3, 1))
    np.testing.assert_allclose(angle_2d(a, b, c), np.full((2, 3), 90.0))


def screen_rotation(theta_deg: float) -> np.ndarray:
    """Rotation of image coordinates (y down) that turns the picture counter-clockwise as
    seen by the viewer."""
    c, s = math.cos(math.radians(theta_deg)), math.sin(math.radians(theta_deg))
    return np.array([[c, s], [-s, c]])


def far_apart(*pts: np.ndarray) -> bool:
    return all(np.linalg.norm(p - q) > 1.0 for i, p in enumerate(pts) for q in pts[i + 1 :])


@hyp_settings(max_examples=80, deadline=None)
@given(
    a=point2,
    b=point2,
    c=point2,
    d=point2,
    theta=st.floats(-180.0, 180.0),
    scale=st.floats(0.1, 10.0),
    shift=point2,
)
def test_2d_angles_invariant_to_rotation_scale_translation(
    a: tuple[float, float],
    b: tuple[float, float],
    c: tuple[float, float],
    d: tuple[float, float],
    theta: float,
    scale: float,
    shift: tuple[float, float],
) -> None:
    pa, pb, pc, pd = (np.array(p) for p in (a, b, c, d))
    assume(far_apart(pa, pb, pc) and far_apart(pc, pd))
    rot = screen_rotation(theta)

    def move(p: np.ndarray) -> np.ndarray:
        return scale * rot @ p + np.array(shift)

    assert angle_2d(move(pa), move(pb), move(pc)) == pytest.approx(angle_2d(pa, pb, pc), abs=1e-6)
    before = angle_between_segments_2d(pa, pb, pc, pd)
    after = angle_between_segments_2d(move(pa), move(pb), move(pc), move(pd))
    assert abs((after - before + 180.0) % 360.0 - 180.0) < 1e-6
    assert -180.0 < after <= 180.0
    turned = segment_angle_2d(move(pa), move(pb)) - segment_angle_2d(pa, pb)
    assert abs((turned - theta + 180.0) % 360.0 - 180.0) < 1e-6
    # Consistency: the signed angle is the difference of the segment orientations.
    diff = segment_angle_2d(pc, pd) - segment_angle_2d(pa, pb)
    assert abs((diff - before + 180.0) % 360.0 - 180.0) < 1e-6
    # Mirroring the image flips the sign.
    flip = np.array([-1.0, 1.0])
    mirrored = angle_between_segments_2d(flip * pa, flip * pb, flip * pc, flip * pd)
    assert abs((mirrored + before + 180.0) % 360.0 - 180.0) < 1e-6


# ---------------------------------------------------------------- 3-D angles
def test_angle_3d_known_values() -> None:
    assert angle_3d([1, 0, 0], [0, 0, 0], [0, 0, 1]) == pytest.approx(90.0)
    assert angle_3d([1, 1, 0], [0, 0, 0], [1, 0, 0]) == pytest.approx(45.0)
    assert angle_3d([1, 0, 0], [0, 0, 0], [-1, 0, 0]) == pytest.approx(180.0)
    assert np.isnan(angle_3d([1, 0, 0], [1, 0, 0], [-1, 0, 0]))
    assert np.isnan(angle_3d([np.nan, 0, 0], [1, 0, 0], [-1, 0, 0]))


@hyp_settings(max_examples=60, deadline=None)
@given(a=point3, b=point3, c=point3, q=unit_quaternion, shift=point3)
def test_angle_3d_invariant_to_rotation(
    a: tuple[float, ...],
    b: tuple[float, ...],
    c: tuple[float, ...],
    q: tuple[float, float, float, float],
    shift: tuple[float, ...],
) -> None:
    pa, pb, pc = (np.array(p) for p in (a, b, c))
    assume(far_apart(pa, pb, pc))
    rot = quaternion_matrix(q)
    moved = [rot @ p + np.array(shift) for p in (pa, pb, pc)]
    assert angle_3d(*moved) == pytest.approx(angle_3d(pa, pb, pc), abs=1e-6)


# ---------------------------------------------------------------- pelvis frame
def test_pelvis_frame_of_a_person_facing_the_camera() -> None:
    # Built directly in MediaPipe axes: the person's left hip is on the image right (+x),
    # shoulders above (-y), nose toward the camera (-z).
    world = np.zeros((N_LANDMARKS, 3))
    world[L.LEFT_HIP], world[L.RIGHT_HIP] = [0.1, 0.0, 0.0], [-0.1, 0.0, 0.0]
    world[L.LEFT_SHOULDER], world[L.RIGHT_SHOULDER] = [0.18, -0.5, 0.02], [-0.18, -0.5, 0.02]
    world[L.NOSE] = [0.0, -0.65, -0.1]
    origin, rot = pelvis_frame(world)
    np.testing.assert_allclose(origin, 0.0, atol=1e-12)
    np.testing.assert_allclose(rot[:, 0], [1, 0, 0], atol=1e-12)  # lateral: person's left
    np.testing.assert_allclose(rot[:, 1], [0, -0.999200, 0.039968], atol=1e-5)  # toward head
    assert rot[2, 2] < -0.99  # forward: toward the camera (negative z)
    assert np.dot(rot[:, 2], world[L.NOSE] - origin) > 0  # the face is in front
    # The same person turned around (back to the camera): forward is +z.
    back = world * np.array([-1.0, 1.0, -1.0])
    assert pelvis_frame(back)[1][2, 2] > 0.99


@hyp_settings(max_examples=60, deadline=None)
@given(points=st.tuples(point3, point3, point3, point3))
def test_pelvis_frame_is_orthonormal_and_right_handed(
    points: tuple[tuple[float, ...], ...],
) -> None:
    world = np.zeros((N_LANDMARKS, 3))
    for index, p in zip(
        (L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), points, strict=True
    ):
        world[index] = p
    hips = world[L.LEFT_HIP] - world[L.RIGHT_HIP]
    shoulder_mid = 0.5 * (world[L.LEFT_SHOULDER] + world[L.RIGHT_SHOULDER])
    trunk = shoulder_mid - 0.5 * (world[L.LEFT_HIP] + world[L.RIGHT_HIP])
    assume(np.linalg.norm(hips) > 1.0 and np.linalg.norm(np.cross(hips, trunk)) > 1.0)
    _, rot = pelvis_frame(world)
    np.testing.assert_allclose(rot.T @ rot, np.eye(3), atol=1e-9)
    assert np.linalg.det(rot) == pytest.approx(1.0)
    assert np.dot(rot[:, 1], trunk) > 0


def test_pelvis_frame_missing_hip_gives_nan() -> None:
    world = to_world(body_skeleton())
    world[L.RIGHT_HIP] = np.nan
    origin, rot = pelvis_frame(world[None])
    assert origin.shape == (1, 3) and rot.shape == (1, 3, 3)
    assert np.isnan(rot).all()


# ---------------------------------------------------------------- hip, knee, trunk
def test_known_skeleton_left_thigh_abducted_25_flexed_10() -> None:
    world = to_world(body_skeleton(left=(25.0, 10.0, 0.0)))
    left, right = hip_angles(world, "left"), hip_angles(world, "right")
    assert left["abduction_deg"] == pytest.approx(25.0, abs=0.5)
    assert left["flexion_deg"] == pytest.approx(10.0, abs=0.5)
    assert right["abduction_deg"] == pytest.approx(0.0, abs=0.5)
    assert right["flexion_deg"] == pytest.approx(0.0, abs=0.5)


@hyp_settings(max_examples=80, deadline=None)
@given(
    left=st.tuples(st.floats(-20.0, 60.0), st.floats(-30.0, 100.0), st.floats(0.0, 120.0)),
    right=st.tuples(st.floats(-20.0, 60.0), st.floats(-30.0, 100.0), st.floats(0.0, 120.0)),
    lean=st.floats(-30.0, 30.0),
    q=unit_quaternion,
    shift=point3,
)
def test_body_angles_recovered_under_any_rotation(
    left: tuple[float, float, float],
    right: tuple[float, float, float],
    lean: float,
    q: tuple[float, float, float, float],
    shift: tuple[float, float, float],
) -> None:
    world = to_world(body_skeleton(left, right, lean), quaternion_matrix(q)) + np.array(shift)
    legs: tuple[tuple[Side, tuple[float, float, float]], ...] = (("left", left), ("right", right))
    for side, (abd, flex, knee) in legs:
        hip = hip_angles(world, side)
        assert hip["abduction_deg"] == pytest.approx(abd, abs=0.5)
        assert hip["flexion_deg"] == pytest.approx(flex, abs=0.5)
        assert knee_flexion_deg(world, side) == pytest.approx(knee, abs=0.5)
    assert trunk_lean_deg(world) == pytest.approx(lean, abs=0.5)


@hyp_settings(max_examples=60, deadline=None)
@given(
    left=st.tuples(st.floats(-20.0, 60.0), st.floats(-30.0, 100.0), st.floats(0.0, 120.0)),
    right=st.tuples(st.floats(-20.0, 60.0), st.floats(-30.0, 100.0), st.floats(0.0, 120.0)),
    lean=st.floats(-30.0, 30.0),
    q=unit_quaternion,
)
def test_mirroring_swaps_left_and_right(
    left: tuple[float, float, float],
    right: tuple[float, float, float],
    lean: float,
    q: tuple[float, float, float, float],
) -> None:
    world = to_world(body_skeleton(left, right, lean), quaternion_matrix(q))
    flipped = mirror(world)
    pairs: tuple[tuple[Side, Side], ...] = (("left", "right"), ("right", "left"))
    for side, other in pairs:
        a, b = hip_angles(world, side), hip_angles(flipped, other)
        assert b["abduction_deg"] == pytest.approx(a["abduction_deg"], abs=1e-6)
        assert b["flexion_deg"] == pytest.approx(a["flexion_deg"], abs=1e-6)
        assert knee_flexion_deg(flipped, other) == pytest.approx(
            knee_flexion_deg(world, side), abs=1e-6
        )
    assert trunk_lean_deg(flipped) == pytest.approx(-trunk_lean_deg(world), abs=1e-6)


def test_abduction_is_positive_away_from_the_midline_on_both_sides() -> None:
    world = to_world(body_skeleton(left=(20.0, 0.0, 0.0), right=(-10.0, 0.0, 0.0)))
    assert hip_angles(world, "left")["abduction_deg"] == pytest.approx(20.0)
    assert hip_angles(world, "right")["abduction_deg"] == pytest.approx(-10.0)
    # Facing the camera, the abducted left knee is further toward the image right.
    assert world[L.LEFT_KNEE, 0] > world[L.LEFT_HIP, 0]
    # A thigh in front of the body (toward the camera) is flexion.
    flexed = to_world(body_skeleton(left=(0.0, 40.0, 0.0)))
    assert flexed[L.LEFT_KNEE, 2] < flexed[L.LEFT_HIP, 2]
    assert hip_angles(flexed, "left")["flexion_deg"] == pytest.approx(40.0)


# ---------------------------------------------------------------- visibility and sequences
def test_mask_low_visibility() -> None:
    values = np.ones((2, 3, 2))
    vis = np.array([[0.9, 0.5, 0.2], [np.nan, 1.0, 0.49]])
    out = mask_low_visibility(values, vis, 0.5)
    np.testing.assert_array_equal(
        np.isnan(out[..., 0]), [[False, False, True], [True, False, True]]
    )
    assert np.isnan(out).sum() == 6 and np.isfinite(values).all()
    with pytest.raises(ValueError):
        mask_low_visibility(values, vis[:, :2], 0.5)
