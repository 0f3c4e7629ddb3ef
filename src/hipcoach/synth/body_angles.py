"""True body angles of a 3-D skeleton in a pelvis frame: the instrument of the synthetic tests.

The synthetic skeletons (:mod:`hipcoach.synth.skeleton`) are posed by hip angles in this
frame, and the tests read them back with these functions to check the geometry. The
analysis does NOT use them: on the real pose model's world landmarks the pelvis-frame
flexion was poor and gave circle directions the wrong sign (docs/hip-series.md), so the
analysis measures 2-D and image-depth angles (:mod:`hipcoach.analysis.signals`).

World landmarks (..., 33, 3) in metres: x image-right, y down, z away from the camera.
Angles in degrees; NaN = no reading.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from hipcoach.landmarks import Landmark
from hipcoach.signal.angles import dot, half_open, unit_vector
from hipcoach.signal.gaps import FloatArray
from hipcoach.types import Side

_HIP = {"left": Landmark.LEFT_HIP, "right": Landmark.RIGHT_HIP}
_KNEE = {"left": Landmark.LEFT_KNEE, "right": Landmark.RIGHT_KNEE}
#: Sign that turns the pelvis-lateral (toward the person's left) component into
#: "away from the midline" for each side.
_OUTWARD = {"left": 1.0, "right": -1.0}


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
    w = np.asarray(world, np.float64)
    origin = _midpoint(w, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    lateral = unit_vector(_landmark(w, Landmark.LEFT_HIP) - _landmark(w, Landmark.RIGHT_HIP))
    trunk = _midpoint(w, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER) - origin
    vertical = unit_vector(trunk - dot(trunk, lateral)[..., None] * lateral)
    forward = np.cross(lateral, vertical)
    return origin, np.stack([lateral, vertical, forward], axis=-1)


def to_pelvis_frame(vectors: ArrayLike, rotation: ArrayLike) -> FloatArray:
    """World vectors (..., 3) expressed in the pelvis frame: (lateral, vertical, forward).

    ``rotation`` is the (..., 3, 3) matrix of :func:`pelvis_frame`. For points, subtract
    the frame origin first.
    """
    return np.asarray(
        np.einsum(
            "...ji,...j->...i", np.asarray(rotation, np.float64), np.asarray(vectors, np.float64)
        ),
        np.float64,
    )


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
    w = np.asarray(world, np.float64)
    _, rotation = pelvis_frame(w)
    thigh = _landmark(w, _KNEE[side]) - _landmark(w, _HIP[side])
    local = to_pelvis_frame(unit_vector(thigh), rotation)
    # No frame, no reading: abduction alone would only need the hips, but every hip
    # angle is defined in the full pelvis frame (which also needs the shoulders).
    local = np.where(np.isfinite(local).all(axis=-1, keepdims=True), local, np.nan)
    lat, vert, fwd = local[..., 0], local[..., 1], local[..., 2]
    flexion = half_open(np.degrees(np.arctan2(fwd, -vert)))
    abduction = np.degrees(np.arcsin(np.clip(_OUTWARD[side] * lat, -1.0, 1.0)))
    return {"flexion_deg": flexion, "abduction_deg": abduction}


def trunk_lean_deg(world: ArrayLike) -> FloatArray:
    """Sideways lean of the trunk relative to the pelvis (deg, [-90, 90]).

    The angle between the trunk (hip midpoint → shoulder midpoint) and the plane
    perpendicular to the hip line; + = shoulders displaced toward the person's LEFT,
    0 = trunk square to the hip line. It measures lateral trunk flexion / hip hiking and
    does not depend on how the body lies relative to the camera or the floor.
    """
    w = np.asarray(world, np.float64)
    _, rotation = pelvis_frame(w)
    trunk = _midpoint(w, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER) - _midpoint(
        w, Landmark.LEFT_HIP, Landmark.RIGHT_HIP
    )
    lateral = rotation[..., :, 0]
    return np.degrees(np.arcsin(np.clip(dot(unit_vector(trunk), lateral), -1.0, 1.0)))
