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

from hipcoach.landmarks import Landmark
from hipcoach.signal.gaps import FloatArray
from hipcoach.types import Side

#: Vectors shorter than this (in the input unit) have no direction.
_MIN_NORM = 1e-12

_HIP = {"left": Landmark.LEFT_HIP, "right": Landmark.RIGHT_HIP}
_KNEE = {"left": Landmark.LEFT_KNEE, "right": Landmark.RIGHT_KNEE}
_ANKLE = {"left": Landmark.LEFT_ANKLE, "right": Landmark.RIGHT_ANKLE}


def _f64(a: ArrayLike) -> FloatArray:
    return np.asarray(a, dtype=np.float64)


def unit_vector(v: FloatArray) -> FloatArray:
    """``v`` scaled to unit length along the last axis; NaN where it has no direction."""
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm > _MIN_NORM, v / norm, np.nan)


def dot(u: FloatArray, v: FloatArray) -> FloatArray:
    """Dot product along the last axis."""
    return np.asarray(np.sum(u * v, axis=-1), np.float64)


def half_open(deg: FloatArray) -> FloatArray:
    """Map -180 to 180 so that signed angles lie in (-180, 180]."""
    return np.where(deg <= -180.0, deg + 360.0, deg)


def _vector_angle(u: FloatArray, v: FloatArray) -> FloatArray:
    """Unsigned angle between vectors along the last axis (deg, 0..180); NaN if degenerate."""
    uu, vv = unit_vector(u), unit_vector(v)
    if uu.shape[-1] == 2:
        sin = np.abs(uu[..., 0] * vv[..., 1] - uu[..., 1] * vv[..., 0])
    else:
        sin = np.linalg.norm(np.cross(uu, vv), axis=-1)
    return np.degrees(np.arctan2(sin, dot(uu, vv)))


def angle_2d(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> FloatArray:
    """In-plane angle a-b-c at vertex ``b`` (deg, 0..180) for image points (..., 2)."""
    pa, pb, pc = _f64(a), _f64(b), _f64(c)
    return _vector_angle(pa - pb, pc - pb)


def segment_angle_2d(p: ArrayLike, q: ArrayLike) -> FloatArray:
    """Orientation of the image segment p→q (deg, (-180, 180]).

    0 = pointing to the image right, +90 = pointing up in the picture (toward y = 0),
    counter-clockwise positive as seen by the viewer (image y points down).
    """
    d = unit_vector(_f64(q) - _f64(p))
    dx, dy = d[..., 0], d[..., 1]
    return half_open(np.degrees(np.arctan2(-dy, dx)))


def angle_between_segments_2d(
    p1: ArrayLike, q1: ArrayLike, p2: ArrayLike, q2: ArrayLike
) -> FloatArray:
    """Signed angle turning segment p1→q1 onto segment p2→q2 (deg, (-180, 180]).

    Positive when p2→q2 is rotated counter-clockwise from p1→q1 as seen by the viewer
    (image y points down). Invariant to rotation, translation and uniform scaling of the
    image; its sign flips under mirroring.
    """
    u = unit_vector(_f64(q1) - _f64(p1))
    v = unit_vector(_f64(q2) - _f64(p2))
    cross_image = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]  # clockwise-positive on screen
    return half_open(np.degrees(np.arctan2(-cross_image, dot(u, v))))


def angle_3d(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> FloatArray:
    """Angle a-b-c at vertex ``b`` (deg, 0..180) for 3-D points (..., 3)."""
    pa, pb, pc = _f64(a), _f64(b), _f64(c)
    return _vector_angle(pa - pb, pc - pb)


def _landmark(world: FloatArray, index: int) -> FloatArray:
    return world[..., index, :]


def knee_flexion_deg(world: ArrayLike, side: Side) -> FloatArray:
    """Knee flexion (deg): 180 minus the hip-knee-ankle angle; 0 = straight leg."""
    w = _f64(world)
    inner = angle_3d(
        _landmark(w, _HIP[side]), _landmark(w, _KNEE[side]), _landmark(w, _ANKLE[side])
    )
    return 180.0 - inner


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
