"""A 33-landmark skeleton built from joint angles, posed in a room and seen by a pinhole camera.

Body frame (metres): X toward the person's LEFT, Y toward the head, Z out of the belly
(forward); origin at the hip centre. Hip angles rotate the thigh about the hip:
``abduction_deg`` moves it sideways away from the midline, ``flexion_deg`` forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hipcoach.backends.base import PoseCandidate
from hipcoach.landmarks import N_LANDMARKS, Landmark

L = Landmark
F64 = NDArray[np.float64]

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
_HIP_HALF_WIDTH = 0.10
_THIGH = 0.43
_SHANK = 0.42
_HEEL = np.array([0.0, -0.06, -0.05])
_TOE = np.array([0.0, -0.07, 0.16])


def _rot_x(deg: float) -> F64:
    a = np.radians(deg)
    return np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])


def _rot_y(deg: float) -> F64:
    a = np.radians(deg)
    return np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])


def _rot_z(deg: float) -> F64:
    a = np.radians(deg)
    return np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])


@dataclass(frozen=True)
class BodyPose:
    """Joint angles of the synthetic body (degrees)."""

    left_hip_abduction_deg: float = 0.0
    left_hip_flexion_deg: float = 0.0
    right_hip_abduction_deg: float = 0.0
    right_hip_flexion_deg: float = 0.0
    left_knee_flexion_deg: float = 0.0
    right_knee_flexion_deg: float = 0.0


def _leg(side: str, abduction: float, flexion: float, knee: float) -> dict[Landmark, F64]:
    sign = 1.0 if side == "LEFT" else -1.0
    hip = np.array([sign * _HIP_HALF_WIDTH, 0.0, 0.0])
    # Abduction out of the sagittal plane, then flexion within it: the same convention
    # as hipcoach.signal.angles.hip_angles, so the known angles are recovered exactly.
    r_thigh = _rot_x(-flexion) @ _rot_z(sign * abduction)
    knee_pt = hip + r_thigh @ np.array([0.0, -_THIGH, 0.0])
    r_shank = r_thigh @ _rot_x(knee)
    ankle = knee_pt + r_shank @ np.array([0.0, -_SHANK, 0.0])
    return {
        Landmark[f"{side}_HIP"]: hip,
        Landmark[f"{side}_KNEE"]: knee_pt,
        Landmark[f"{side}_ANKLE"]: ankle,
        Landmark[f"{side}_HEEL"]: ankle + r_shank @ _HEEL,
        Landmark[f"{side}_FOOT_INDEX"]: ankle + r_shank @ _TOE,
    }


def standing_body(pose: BodyPose = BodyPose()) -> F64:
    """(33, 3) landmarks in the body frame (metres) for the given joint angles."""
    pts = np.full((N_LANDMARKS, 3), np.nan)
    for lm, xyz in _NEUTRAL.items():
        pts[lm] = xyz
    for side in ("LEFT", "RIGHT"):
        angles = (
            getattr(pose, f"{side.lower()}_hip_abduction_deg"),
            getattr(pose, f"{side.lower()}_hip_flexion_deg"),
            getattr(pose, f"{side.lower()}_knee_flexion_deg"),
        )
        for lm, point in _leg(side, *angles).items():
            pts[lm] = point
    return pts


@dataclass(frozen=True)
class Camera:
    """Pinhole camera looking at the body.

    The body is turned by ``yaw_deg`` about its vertical axis (0 = facing the camera) and
    rolled by ``roll_deg`` about the camera's viewing axis (90 = lying with the head at
    image-right), placed ``distance_m`` in front of the camera, centred at ``centre_px``.
    """

    width: int = 640
    height: int = 480
    focal_px: float = 600.0
    distance_m: float = 3.0
    yaw_deg: float = 0.0
    roll_deg: float = 0.0
    centre_px: tuple[float, float] | None = None

    def body_to_camera(self) -> F64:
        """Rotation from body frame to camera frame (x right, y down, z away)."""
        facing = np.array([[1.0, 0, 0], [0, -1.0, 0], [0, 0, -1.0]])  # body faces the camera
        return np.asarray(_rot_z(self.roll_deg) @ facing @ _rot_y(self.yaw_deg))

    def project(self, body_pts: F64) -> tuple[F64, F64]:
        """Pixel coordinates (N, 2) and camera-frame hip-centred points (N, 3) in metres."""
        cam = body_pts @ self.body_to_camera().T
        cx, cy = self.centre_px or (self.width / 2, self.height / 2)
        z = cam[:, 2] + self.distance_m
        px = np.stack(
            [cx + self.focal_px * cam[:, 0] / z, cy + self.focal_px * cam[:, 1] / z], axis=1
        )
        return px, cam


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
