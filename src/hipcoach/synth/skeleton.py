"""A 33-landmark skeleton built from joint angles, posed in a room and seen by a pinhole camera.

Body frame (metres): X toward the person's LEFT, Y toward the head, Z out of the belly
(forward); origin at the hip centre. Hip angles rotate the thigh about the hip:
``abduction_deg`` moves it sideways away from the midline, ``flexion_deg`` forward,
``rotation_deg`` turns it about its own long axis (internal +). Every angle is in degrees.

Camera frame: x image-right, y image-down, z away from the camera (MediaPipe world axes).
The body is rotated into the camera frame by, innermost first: ``yaw_deg`` about the body's
own long axis, "facing" (front toward the camera), ``roll_deg`` about the viewing axis
(+90 = lying on the LEFT side facing the camera, head at image-right; -90 = lying on the
RIGHT side, head at image-left), ``azimuth_deg`` about the room's vertical axis, and
``pitch_deg`` (camera raised, looking down at the body). The hip centre sits ``distance_m``
along the optical axis, i.e. the camera orbits the hip centre.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hipcoach.backends.base import PoseCandidate
from hipcoach.landmarks import N_LANDMARKS, Landmark

L = Landmark
F64 = NDArray[np.float64]
LyingSide = Literal["left", "right"]
View = Literal["front", "front_high", "diagonal", "feet"]

# Neutral standing body, body frame, metres (a 1.75 m adult).
_NEUTRAL: dict[Landmark, tuple[float, float, float]] = {
    L.NOSE: (0.0, 0.62, 0.10),
    L.LEFT_EYE_INNER: (0.015, 0.655, 0.085),
    L.LEFT_EYE: (0.032, 0.657, 0.08),
    L.LEFT_EYE_OUTER: (0.048, 0.655, 0.07),
    L.RIGHT_EYE_INNER: (-0.015, 0.655, 0.085),
    L.RIGHT_EYE: (-0.032, 0.657, 0.08),
    L.RIGHT_EYE_OUTER: (-0.048, 0.655, 0.07),
    L.LEFT_EAR: (0.075, 0.64, 0.0),
    L.RIGHT_EAR: (-0.075, 0.64, 0.0),
    L.MOUTH_LEFT: (0.025, 0.585, 0.085),
    L.MOUTH_RIGHT: (-0.025, 0.585, 0.085),
    L.LEFT_SHOULDER: (0.19, 0.50, 0.0),
    L.RIGHT_SHOULDER: (-0.19, 0.50, 0.0),
    L.LEFT_ELBOW: (0.22, 0.22, 0.0),
    L.RIGHT_ELBOW: (-0.22, 0.22, 0.0),
    L.LEFT_WRIST: (0.23, -0.03, 0.02),
    L.RIGHT_WRIST: (-0.23, -0.03, 0.02),
    L.LEFT_PINKY: (0.24, -0.10, 0.01),
    L.RIGHT_PINKY: (-0.24, -0.10, 0.01),
    L.LEFT_INDEX: (0.225, -0.11, 0.04),
    L.RIGHT_INDEX: (-0.225, -0.11, 0.04),
    L.LEFT_THUMB: (0.21, -0.07, 0.05),
    L.RIGHT_THUMB: (-0.21, -0.07, 0.05),
}
_NEUTRAL_IDX = np.array([int(lm) for lm in _NEUTRAL])
_NEUTRAL_XYZ = np.array(list(_NEUTRAL.values()), dtype=np.float64)
_HIP_HALF_WIDTH = 0.10
_THIGH = 0.43
_SHANK = 0.42
_HEEL = np.array([0.0, -0.06, -0.05])
_TOE = np.array([0.0, -0.07, 0.16])
#: Body frame -> camera frame for a body standing upright and facing the camera.
_FACING = np.array([[1.0, 0, 0], [0, -1.0, 0], [0, 0, -1.0]])


def rotation_matrix(axis: int, deg: ArrayLike) -> F64:
    """Right-handed rotation(s) by ``deg`` degrees about axis 0 (x), 1 (y) or 2 (z): (..., 3, 3)."""
    a = np.radians(np.asarray(deg, dtype=np.float64))
    c, s = np.cos(a), np.sin(a)
    m = np.zeros((*a.shape, 3, 3))
    i, j = ((1, 2), (2, 0), (0, 1))[axis]
    m[..., axis, axis] = 1.0
    m[..., i, i] = c
    m[..., j, j] = c
    m[..., i, j] = -s
    m[..., j, i] = s
    return m


def _rot_x(deg: float) -> F64:
    return rotation_matrix(0, deg)


def _rot_y(deg: float) -> F64:
    return rotation_matrix(1, deg)


def _rot_z(deg: float) -> F64:
    return rotation_matrix(2, deg)


@dataclass(frozen=True)
class BodyPose:
    """Joint angles of the synthetic body (degrees).

    ``*_hip_rotation_deg``: rotation of the thigh about its own axis, internal (+) /
    external (-); the shank and foot turn with it (in side-lying, external rotation of the
    top leg turns the toes up toward the ceiling). ``pelvis_roll_deg``: the whole body
    rolled about its long axis (body Y through the hip centre), + = rolling forward, the
    upper side toward the belly; ``lying_on_side`` says which side is down (left: the right
    side is up) and only sets the sign of that roll.
    """

    left_hip_abduction_deg: float = 0.0
    left_hip_flexion_deg: float = 0.0
    right_hip_abduction_deg: float = 0.0
    right_hip_flexion_deg: float = 0.0
    left_knee_flexion_deg: float = 0.0
    right_knee_flexion_deg: float = 0.0
    left_hip_rotation_deg: float = 0.0
    right_hip_rotation_deg: float = 0.0
    pelvis_roll_deg: float = 0.0
    lying_on_side: LyingSide = "left"


def _apply(rot: F64, vec: F64) -> F64:
    """Rotations (n, 3, 3) applied to one vector (3,) or to vectors (n, 3): (n, 3)."""
    return np.asarray(np.einsum("nij,...j->ni", rot, vec), np.float64)


def _leg(side: str, abduction: F64, flexion: F64, knee: F64, rotation: F64) -> dict[Landmark, F64]:
    """Landmarks (n, 3) of one leg for per-frame angles (n,) in degrees."""
    sign = 1.0 if side == "LEFT" else -1.0
    hip = np.tile([sign * _HIP_HALF_WIDTH, 0.0, 0.0], (abduction.shape[0], 1))
    # Rotation about the thigh axis, then abduction out of the sagittal plane, then flexion
    # within it: the same convention as hipcoach.synth.body_angles.hip_angles, so the known
    # angles are recovered exactly. R_y(-sign*rot) turns the toes medially for rot > 0.
    r_thigh = (
        rotation_matrix(0, -flexion)
        @ rotation_matrix(2, sign * abduction)
        @ rotation_matrix(1, -sign * rotation)
    )
    knee_pt = hip + _apply(r_thigh, np.array([0.0, -_THIGH, 0.0]))
    r_shank = r_thigh @ rotation_matrix(0, knee)
    ankle = knee_pt + _apply(r_shank, np.array([0.0, -_SHANK, 0.0]))
    return {
        Landmark[f"{side}_HIP"]: hip,
        Landmark[f"{side}_KNEE"]: knee_pt,
        Landmark[f"{side}_ANKLE"]: ankle,
        Landmark[f"{side}_HEEL"]: ankle + _apply(r_shank, _HEEL),
        Landmark[f"{side}_FOOT_INDEX"]: ankle + _apply(r_shank, _TOE),
    }


def posed_bodies(n: int, top_sign: ArrayLike = 1.0, **angles: ArrayLike) -> F64:
    """(n, 33, 3) body-frame landmarks (metres) for per-frame joint angles (degrees).

    ``angles`` are :class:`BodyPose` angle field names with scalars or (n,) arrays; missing
    ones are 0. ``top_sign`` (+1 = right side up, i.e. lying on the left side; -1 = left side
    up) sets the direction of ``pelvis_roll_deg`` (+ = the upper side rolls forward).
    """

    def get(name: str) -> F64:
        return np.broadcast_to(np.asarray(angles.get(name, 0.0), np.float64), (n,))

    unknown = set(angles) - {f for f in BodyPose.__dataclass_fields__ if f.endswith("_deg")}
    if unknown:
        raise TypeError(f"unknown angle names: {sorted(unknown)}")
    pts = np.full((n, N_LANDMARKS, 3), np.nan)
    pts[:, _NEUTRAL_IDX] = _NEUTRAL_XYZ
    for side in ("LEFT", "RIGHT"):
        s = side.lower()
        leg = _leg(
            side,
            get(f"{s}_hip_abduction_deg"),
            get(f"{s}_hip_flexion_deg"),
            get(f"{s}_knee_flexion_deg"),
            get(f"{s}_hip_rotation_deg"),
        )
        for lm, xyz in leg.items():
            pts[:, lm] = xyz
    roll = get("pelvis_roll_deg") * np.broadcast_to(np.asarray(top_sign, np.float64), (n,))
    if np.any(roll):
        pts = np.einsum("nij,nkj->nki", rotation_matrix(1, roll), pts)
    return pts


def standing_body(pose: BodyPose = BodyPose()) -> F64:
    """(33, 3) landmarks in the body frame (metres) for the given joint angles."""
    angles = {k: getattr(pose, k) for k in BodyPose.__dataclass_fields__ if k.endswith("_deg")}
    top = 1.0 if pose.lying_on_side == "left" else -1.0
    return np.asarray(posed_bodies(1, top, **angles)[0])


def side_lying_bodies(
    lying_on: ArrayLike,
    top_leg: tuple[ArrayLike, ArrayLike, ArrayLike, ArrayLike],
    bottom_leg: tuple[ArrayLike, ArrayLike, ArrayLike],
    pelvis_roll_deg: ArrayLike = 0.0,
) -> F64:
    """(n, 33, 3) body-frame landmarks (m) of a body lying on its side, per frame.

    ``lying_on`` (n,) holds "left"/"right" (lying on the left side: the right leg is on top).
    ``top_leg`` = (abduction, flexion, knee flexion, EXTERNAL rotation: + = toes up) and
    ``bottom_leg`` = (abduction, flexion, knee flexion), degrees, scalars or (n,) arrays;
    ``pelvis_roll_deg`` + = rolling forward (the upper side toward the belly).
    """
    top = np.where(np.asarray(lying_on) == "left", 1.0, -1.0)
    r_up = top > 0
    angles: dict[str, ArrayLike] = {"pelvis_roll_deg": pelvis_roll_deg}
    for k, name in enumerate(("hip_abduction", "hip_flexion", "knee_flexion")):
        angles[f"right_{name}_deg"] = np.where(r_up, top_leg[k], bottom_leg[k])
        angles[f"left_{name}_deg"] = np.where(r_up, bottom_leg[k], top_leg[k])
    internal = -np.asarray(top_leg[3], np.float64)
    angles["right_hip_rotation_deg"] = np.where(r_up, internal, 0.0)
    angles["left_hip_rotation_deg"] = np.where(r_up, 0.0, internal)
    return posed_bodies(len(top), top, **angles)


@dataclass(frozen=True)
class Camera:
    """Pinhole camera looking at the body (see the module docstring for the rotation order).

    ``yaw_deg`` turns the body about its own long axis (0 = facing the camera), ``roll_deg``
    rolls it about the viewing axis (90 = lying on the left side with the head at
    image-right), ``azimuth_deg`` turns it about the room's vertical axis (camera y before
    pitch; + brings the image-right end of the body toward the camera), ``pitch_deg`` raises
    the camera to look down at it (+ = looking down; about the camera x axis). The hip
    centre is ``distance_m`` metres along the optical axis and projects to ``centre_px``
    (pixels; default: the image centre). ``focal_px`` is in pixels.
    """

    width: int = 640
    height: int = 480
    focal_px: float = 600.0
    distance_m: float = 3.0
    yaw_deg: float = 0.0
    roll_deg: float = 0.0
    centre_px: tuple[float, float] | None = None
    pitch_deg: float = 0.0
    azimuth_deg: float = 0.0

    def rotation(self, roll_deg: ArrayLike | None = None, yaw_deg: ArrayLike | None = None) -> F64:
        """Body -> camera rotation (..., 3, 3), optionally with per-frame roll/yaw (deg)."""
        roll = self.roll_deg if roll_deg is None else roll_deg
        yaw = self.yaw_deg if yaw_deg is None else yaw_deg
        room = rotation_matrix(0, self.pitch_deg) @ rotation_matrix(1, self.azimuth_deg)
        return np.asarray(room @ rotation_matrix(2, roll) @ _FACING @ rotation_matrix(1, yaw))

    def body_to_camera(self) -> F64:
        """Rotation from body frame to camera frame (x right, y down, z away)."""
        return self.rotation()

    def _pixels(self, cam: F64, depth: F64) -> F64:
        cx, cy = self.centre_px or (self.width / 2, self.height / 2)
        return np.stack(
            [cx + self.focal_px * cam[..., 0] / depth, cy + self.focal_px * cam[..., 1] / depth],
            axis=-1,
        )

    def project(self, body_pts: F64) -> tuple[F64, F64]:
        """Pixel coordinates (..., 2) and camera-frame hip-centred points (..., 3) in metres."""
        cam = np.asarray(body_pts @ self.body_to_camera().T, np.float64)
        return self._pixels(cam, cam[..., 2] + self.distance_m), cam

    def project_frames(
        self,
        body_pts: F64,
        roll_deg: ArrayLike | None = None,
        yaw_deg: ArrayLike | None = None,
        offset_m: F64 | None = None,
    ) -> tuple[F64, F64, F64]:
        """Project bodies (n, 33, 3) placed per frame.

        ``roll_deg``/``yaw_deg`` (n,) replace the camera's; ``offset_m`` (n, 3) moves the hip
        centre in the level room frame (x right, y down, z away, before pitch), metres.
        Returns pixels (n, 33, 2), hip-centred camera-frame points (n, 33, 3) in metres and
        the hip-centre depth (n,) in metres.
        """
        n = body_pts.shape[0]
        rot = np.broadcast_to(self.rotation(roll_deg, yaw_deg), (n, 3, 3))
        world = np.asarray(np.einsum("nij,nkj->nki", rot, body_pts), np.float64)
        shift = np.zeros((n, 3))
        if offset_m is not None:
            shift += np.asarray(offset_m, np.float64) @ _rot_x(self.pitch_deg).T
        shift[:, 2] += self.distance_m
        cam = world + shift[:, None, :]
        return self._pixels(cam, cam[..., 2]), world, shift[:, 2]


def candidate_from_body(body_pts: F64, camera: Camera, visibility: float = 0.99) -> PoseCandidate:
    """What an ideal pose model would report for ``body_pts`` seen by ``camera``."""
    px, world = camera.project(body_pts)
    norm = np.column_stack(
        [
            px[:, 0] / camera.width,
            px[:, 1] / camera.height,
            world[:, 2] * camera.focal_px / camera.distance_m / camera.width,
        ]
    )
    vis = np.full(N_LANDMARKS, visibility, np.float32)
    return PoseCandidate(
        norm_xyz=norm.astype(np.float32),
        visibility=vis,
        presence=vis.copy(),
        world=world.astype(np.float32),
    )


#: Per view: camera pitch down (deg), turn toward the feet (deg), distance to the hip (m).
#: front: at mat height; front_high: raised ~1.2 m; diagonal: 35 deg toward the feet (as in
#: ``../shared/tools/render-side-lying/render.py`` VIEW_DEFAULTS); feet: along the body.
_VIEWS: dict[str, tuple[float, float, float]] = {
    "front": (0.0, 0.0, 2.6),
    "front_high": (25.0, 0.0, 2.8),
    "diagonal": (10.0, 35.0, 2.6),
    "feet": (6.0, 90.0, 2.6),
}
#: Body-frame point (m) put at the image centre: midway between the head and the feet.
_BODY_MIDDLE = np.array([0.0, -0.10, 0.0])


def lying_camera(
    side_lying_on: LyingSide = "left",
    view: View = "front",
    width: int = 640,
    height: int = 480,
    distance_m: float | None = None,
    *,
    focal_px: float | None = None,
    pitch_deg: float | None = None,
    toward_feet_deg: float | None = None,
) -> Camera:
    """A camera seeing a body lying on ``side_lying_on``, front toward the camera.

    Lying on the left side: head at image-right, right leg on top (works); lying on the
    right side: head at image-left, left leg on top. ``view``: ``front`` (camera at mat
    height facing the front), ``front_high`` (raised, pitched down 25 deg), ``diagonal``
    (turned 35 deg toward the feet, pitched down 10 deg), ``feet`` (from the feet end along
    the body, 90 deg, pitched down 6 deg). ``focal_px`` defaults to the renderer's 30 mm lens
    on a 36 mm sensor (0.833 * the longer image side, pixels); distances in metres.
    """
    pitch, feet, dist = _VIEWS[view]
    pitch = pitch if pitch_deg is None else pitch_deg
    feet = feet if toward_feet_deg is None else toward_feet_deg
    sgn = 1.0 if side_lying_on == "left" else -1.0
    cam = Camera(
        width=width,
        height=height,
        focal_px=30.0 / 36.0 * max(width, height) if focal_px is None else focal_px,
        distance_m=dist if distance_m is None else distance_m,
        roll_deg=90.0 * sgn,
        pitch_deg=pitch,
        # Feet are at image-left when lying on the left side: a negative turn brings them near.
        azimuth_deg=-sgn * feet,
    )
    mid, _ = cam.project(_BODY_MIDDLE[None])
    centre = (width - float(mid[0, 0]), height - float(mid[0, 1]))
    return replace(cam, centre_px=centre)
