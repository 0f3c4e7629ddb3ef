"""Joint angles from landmarks, in degrees.

Conventions
-----------
- 2-D functions take image pixels (..., 2) with x to the right and y DOWN. Signed 2-D angles
  are counter-clockwise positive *as seen by the viewer* of the image.
- 3-D functions take MediaPipe world metres (..., 33, 3): x image-right, y down, z away
  from the camera (a right-handed frame).
- Every function is vectorised over leading axes. Missing input (NaN) or a degenerate
  configuration (zero-length segment) gives NaN, i.e. "no reading"; never a stale value.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from hipcoach.config import DEFAULTS, SignalSettings
from hipcoach.landmarks import Landmark
from hipcoach.sequence import PoseSequence
from hipcoach.signal.gaps import FloatArray
from hipcoach.types import Side

#: Vectors shorter than this (in the input unit) have no direction.
_MIN_NORM = 1e-12

_HIP = {"left": Landmark.LEFT_HIP, "right": Landmark.RIGHT_HIP}
_KNEE = {"left": Landmark.LEFT_KNEE, "right": Landmark.RIGHT_KNEE}
_ANKLE = {"left": Landmark.LEFT_ANKLE, "right": Landmark.RIGHT_ANKLE}
#: Sign that turns the pelvis-lateral (toward the person's left) component into
#: "away from the midline" for each side.
_OUTWARD = {"left": 1.0, "right": -1.0}


def _f64(a: ArrayLike) -> FloatArray:
    return np.asarray(a, dtype=np.float64)


def _unit(v: FloatArray) -> FloatArray:
    """``v`` scaled to unit length along the last axis; NaN where it has no direction."""
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm > _MIN_NORM, v / norm, np.nan)


def _dot(u: FloatArray, v: FloatArray) -> FloatArray:
    return np.asarray(np.sum(u * v, axis=-1), np.float64)


def _half_open(deg: FloatArray) -> FloatArray:
    """Map -180 to 180 so that signed angles lie in (-180, 180]."""
    return np.where(deg <= -180.0, deg + 360.0, deg)


def _vector_angle(u: FloatArray, v: FloatArray) -> FloatArray:
    """Unsigned angle between vectors along the last axis (deg, 0..180); NaN if degenerate."""
    uu, vv = _unit(u), _unit(v)
    if uu.shape[-1] == 2:
        sin = np.abs(uu[..., 0] * vv[..., 1] - uu[..., 1] * vv[..., 0])
    else:
        sin = np.linalg.norm(np.cross(uu, vv), axis=-1)
    return np.degrees(np.arctan2(sin, _dot(uu, vv)))


def angle_2d(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> FloatArray:
    """In-plane angle a-b-c at vertex ``b`` (deg, 0..180) for image points (..., 2)."""
    pa, pb, pc = _f64(a), _f64(b), _f64(c)
    return _vector_angle(pa - pb, pc - pb)


def segment_angle_2d(p: ArrayLike, q: ArrayLike) -> FloatArray:
    """Orientation of the image segment p→q (deg, (-180, 180]).

    0 = pointing to the image right, +90 = pointing up in the picture (toward y = 0),
    counter-clockwise positive as seen by the viewer (image y points down).
    """
    d = _unit(_f64(q) - _f64(p))
    dx, dy = d[..., 0], d[..., 1]
    return _half_open(np.degrees(np.arctan2(-dy, dx)))


def angle_between_segments_2d(
    p1: ArrayLike, q1: ArrayLike, p2: ArrayLike, q2: ArrayLike
) -> FloatArray:
    """Signed angle turning segment p1→q1 onto segment p2→q2 (deg, (-180, 180]).

    Positive when p2→q2 is rotated counter-clockwise from p1→q1 as seen by the viewer
    (image y points down). Invariant to rotation, translation and uniform scaling of the
    image; its sign flips under mirroring.
    """
    u = _unit(_f64(q1) - _f64(p1))
    v = _unit(_f64(q2) - _f64(p2))
    cross_image = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]  # clockwise-positive on screen
    return _half_open(np.degrees(np.arctan2(-cross_image, _dot(u, v))))


def angle_3d(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> FloatArray:
    """Angle a-b-c at vertex ``b`` (deg, 0..180) for 3-D points (..., 3)."""
    pa, pb, pc = _f64(a), _f64(b), _f64(c)
    return _vector_angle(pa - pb, pc - pb)


def _landmark(world: FloatArray, index: int) -> FloatArray:
    return world[..., index, :]


def _midpoint(world: FloatArray, i: int, j: int) -> FloatArray:
    return 0.5 * (_landmark(world, i) + _landmark(world, j))


def pelvis_frame(world: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Body-anchored pelvis frame from world landmarks (..., 33, 3) in metres.

    Returns:
        ``origin`` (..., 3): the hip midpoint (m).
        ``rotation`` (..., 3, 3): columns are unit axes in world coordinates:

        - column 0, lateral: ``unit(left_hip - right_hip)``, toward the person's LEFT;
        - column 1, vertical: the part of (shoulder midpoint - hip midpoint) orthogonal to
          lateral, normalised, toward the head;
        - column 2, forward: ``lateral x vertical``, out of the person's front (belly).

        The frame is right-handed (det = +1), so a world point ``p`` has pelvis
        coordinates ``rotation^T (p - origin)`` (see :func:`to_pelvis_frame`). For a person
        facing the camera, forward is MediaPipe -z (toward the camera).
        NaN where hips or shoulders are missing or degenerate.
    """
    w = _f64(world)
    origin = _midpoint(w, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    lateral = _unit(_landmark(w, Landmark.LEFT_HIP) - _landmark(w, Landmark.RIGHT_HIP))
    trunk = _midpoint(w, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER) - origin
    vertical = _unit(trunk - _dot(trunk, lateral)[..., None] * lateral)
    forward = np.cross(lateral, vertical)
    return origin, np.stack([lateral, vertical, forward], axis=-1)


def to_pelvis_frame(vectors: ArrayLike, rotation: ArrayLike) -> FloatArray:
    """World vectors (..., 3) expressed in the pelvis frame: (lateral, vertical, forward).

    ``rotation`` is the (..., 3, 3) matrix of :func:`pelvis_frame`. For points, subtract
    the frame origin first.
    """
    return np.asarray(np.einsum("...ji,...j->...i", _f64(rotation), _f64(vectors)), np.float64)


def hip_angles(world: ArrayLike, side: Side) -> dict[str, FloatArray]:
    """Hip angles of one side from the thigh vector (hip→knee) in the pelvis frame.

    With (l, v, f) the lateral, vertical and forward components of the thigh vector
    (neutral standing thigh = (0, -1, 0)), following the ISB / Grood-Suntay order (flexion
    about the pelvis lateral axis, then ab/adduction about the floating axis):

    - ``flexion_deg = atan2(f, -v)``: angle of the thigh in the sagittal plane, + = thigh
      forward (flexion), - = extension; range (-180, 180].
    - ``abduction_deg = asin(s * l / |thigh|)``: angle between the thigh and the sagittal
      plane, + = away from the midline (abduction) for BOTH sides (``s`` = +1 left,
      -1 right), - = adduction; range [-90, 90].
    """
    w = _f64(world)
    _, rotation = pelvis_frame(w)
    thigh = _landmark(w, _KNEE[side]) - _landmark(w, _HIP[side])
    local = to_pelvis_frame(_unit(thigh), rotation)
    # No frame, no reading: abduction alone would only need the hips, but every hip
    # angle is defined in the full pelvis frame (which also needs the shoulders).
    local = np.where(np.isfinite(local).all(axis=-1, keepdims=True), local, np.nan)
    lat, vert, fwd = local[..., 0], local[..., 1], local[..., 2]
    flexion = _half_open(np.degrees(np.arctan2(fwd, -vert)))
    abduction = np.degrees(np.arcsin(np.clip(_OUTWARD[side] * lat, -1.0, 1.0)))
    return {"flexion_deg": flexion, "abduction_deg": abduction}


def knee_flexion_deg(world: ArrayLike, side: Side) -> FloatArray:
    """Knee flexion (deg): 180 minus the hip-knee-ankle angle; 0 = straight leg."""
    w = _f64(world)
    inner = angle_3d(
        _landmark(w, _HIP[side]), _landmark(w, _KNEE[side]), _landmark(w, _ANKLE[side])
    )
    return 180.0 - inner


def trunk_lean_deg(world: ArrayLike) -> FloatArray:
    """Sideways lean of the trunk relative to the pelvis (deg, [-90, 90]).

    The angle between the trunk (hip midpoint → shoulder midpoint) and the plane
    perpendicular to the hip line; + = shoulders displaced toward the person's LEFT,
    0 = trunk square to the hip line. It measures lateral trunk flexion / hip hiking and
    does not depend on how the body lies relative to the camera or the floor.
    """
    w = _f64(world)
    _, rotation = pelvis_frame(w)
    trunk = _midpoint(w, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER) - _midpoint(
        w, Landmark.LEFT_HIP, Landmark.RIGHT_HIP
    )
    lateral = rotation[..., :, 0]
    return np.degrees(np.arcsin(np.clip(_dot(_unit(trunk), lateral), -1.0, 1.0)))


def mask_low_visibility(
    values: ArrayLike, visibility: ArrayLike, min_visibility: float
) -> FloatArray:
    """A float64 copy of ``values`` with NaN where visibility < ``min_visibility`` or is NaN.

    ``visibility`` (0..1) has the leading shape of ``values``, e.g. (N, 33) for
    ``image_xy`` (N, 33, 2), ``image_z`` (N, 33) or ``world`` (N, 33, 3).
    """
    x = np.array(values, dtype=np.float64)
    vis = _f64(visibility)
    if x.shape[: vis.ndim] != vis.shape:
        raise ValueError(f"visibility shape {vis.shape} does not lead values shape {x.shape}")
    low = ~(vis >= min_visibility)
    x[low] = np.nan
    return x


def joint_angles(
    seq: PoseSequence, settings: SignalSettings = DEFAULTS.signal
) -> dict[str, FloatArray]:
    """Per-frame angles (deg, shape (N,)) of a sequence, NaN = no reading.

    Landmarks with visibility below ``settings.min_visibility`` count as missing; a frame
    gives NaN for an angle when any landmark it needs is missing. Keys (``{side}`` is
    ``left`` / ``right``):

    - ``hip_flexion_{side}_deg``, ``hip_abduction_{side}_deg``: :func:`hip_angles`
      (needs both hips, both shoulders and that knee);
    - ``knee_flexion_{side}_deg``: :func:`knee_flexion_deg`;
    - ``trunk_lean_deg``: :func:`trunk_lean_deg`;
    - ``trunk_thigh_2d_{side}_deg``: image angle from the trunk (shoulder midpoint → hip
      midpoint) to the thigh (hip → knee), :func:`angle_between_segments_2d`: 0 when the
      thigh continues the trunk line, counter-clockwise positive as seen by the viewer
      (its sign depends on the camera side; use ``abs`` for the opening).
    """
    world = mask_low_visibility(seq.world, seq.visibility, settings.min_visibility)
    xy = mask_low_visibility(seq.image_xy, seq.visibility, settings.min_visibility)
    shoulder_mid = _midpoint(xy, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    hip_mid = _midpoint(xy, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    out: dict[str, FloatArray] = {}
    sides: tuple[Side, Side] = ("left", "right")
    for side in sides:
        hip = hip_angles(world, side)
        out[f"hip_flexion_{side}_deg"] = hip["flexion_deg"]
        out[f"hip_abduction_{side}_deg"] = hip["abduction_deg"]
        out[f"knee_flexion_{side}_deg"] = knee_flexion_deg(world, side)
        out[f"trunk_thigh_2d_{side}_deg"] = angle_between_segments_2d(
            shoulder_mid, hip_mid, _landmark(xy, _HIP[side]), _landmark(xy, _KNEE[side])
        )
    out["trunk_lean_deg"] = trunk_lean_deg(world)
    return out
