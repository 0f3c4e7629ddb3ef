"""Synthetic standing screens with exact ground truth: squats (with or without knee
valgus), a one-leg stance (with pelvic drop and trunk lean) and walking toward the camera
(with pelvic drop per side). Built on :func:`~hipcoach.synth.skeleton.posed_bodies` and seen
by the pinhole :class:`~hipcoach.synth.skeleton.Camera` (hip centre moved per frame so the
feet stay on the floor).

Truth is geometric: the knee FPPA is the angle in the body's FRONTAL plane (orthographic
projection of the 3-D landmarks on the body's X-Y plane, + = knee inward), the pelvic drop
is the rotation of the pelvis about the body's forward axis (+ = the free side lower) and
the trunk lean is the trunk's angle in the frontal plane (+ = toward the stance side). All
angles in degrees, times in seconds, positions in metres; ``fps`` may be non-integer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hipcoach.backends.base import PoseCandidate
from hipcoach.landmarks import MIRROR_PERMUTATION, Landmark
from hipcoach.sequence import PoseSequence
from hipcoach.sequence.builder import SequenceBuilder
from hipcoach.synth.skeleton import F64, Camera, posed_bodies, rotation_matrix
from hipcoach.types import Side

L = Landmark
_LEG = {
    s: [int(Landmark[f"{s.upper()}_{p}"]) for p in ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX")]
    for s in ("left", "right")
}
_UPPER = list(range(int(L.LEFT_HIP)))  # face, shoulders, arms: indices 0..22
_STANDING_ANKLE_Y = -0.85  # body-frame ankle height below the hip centre, standing (m)


@dataclass(frozen=True)
class StandingView:
    """Camera and noise of a synthetic standing recording: the body faces the camera,
    ``yaw_deg`` turns it about its long axis (oblique view), ``roll_deg`` tilts the camera.
    ``px_sd`` pixel noise (sd, px), ``drop_rate`` share of frames with nobody found."""

    width: int = 640
    height: int = 720
    focal_px: float = 900.0
    distance_m: float = 4.0
    yaw_deg: float = 0.0
    roll_deg: float = 0.0
    px_sd: float = 0.0
    drop_rate: float = 0.0
    seed: int = 0

    def camera(self) -> Camera:
        """The pinhole camera (hip centre at the middle of the picture, slightly high)."""
        return Camera(
            width=self.width,
            height=self.height,
            focal_px=self.focal_px,
            distance_m=self.distance_m,
            yaw_deg=self.yaw_deg,
            roll_deg=self.roll_deg,
            centre_px=(self.width / 2, self.height * 0.45),
        )


@dataclass(frozen=True)
class StandingSession:
    """Generated landmarks and their truth (keys documented per generator)."""

    sequence: PoseSequence
    truth: dict[str, Any] = field(default_factory=dict)


def frontal_xy(body: F64) -> F64:
    """Orthographic frontal view of body-frame points (..., 3) -> picture-like (..., 2):
    x = body X (the person's left at the right, as facing a camera), y = -Y (down)."""
    return np.stack([body[..., 0], -body[..., 1]], axis=-1)


def _observe(body: F64, offset: F64, fps: float, view: StandingView) -> PoseSequence:
    """Project bodies (n, 33, 3) moved by ``offset`` (n, 3, room metres) into a sequence."""
    cam = view.camera()
    n = body.shape[0]
    px, world, depth = cam.project_frames(body, offset_m=offset)
    rng = np.random.default_rng(view.seed)
    if view.px_sd > 0:
        px = px + rng.normal(0.0, view.px_sd, px.shape)
    zn = world[..., 2] * cam.focal_px / depth[:, None] / cam.width
    norm = np.concatenate([px / [view.width, view.height], zn[..., None]], -1).astype(np.float32)
    vis = np.full(body.shape[1], 0.99, np.float32)
    drop = np.asarray(rng.random(n) < view.drop_rate, bool)
    builder = SequenceBuilder(view.width, view.height)
    for i in range(n):
        cand = (
            None
            if drop[i]
            else PoseCandidate(norm[i], vis, vis.copy(), world[i].astype(np.float32))
        )
        builder.append(i / fps, cand)
    return builder.build()


def _floor_offset(body: F64) -> F64:
    """Room offset (n, 3) of the hip centre that keeps the lower ankle on the floor and the
    feet from sliding forward (body Y up -> room y down, body Z forward -> room z toward)."""
    ankles = body[:, [int(L.LEFT_ANKLE), int(L.RIGHT_ANKLE)]]
    low = ankles[..., 1].min(axis=1)
    fwd = ankles[..., 2].mean(axis=1)
    return np.stack([np.zeros_like(low), low - _STANDING_ANKLE_Y, fwd], axis=1)


def tilt_pelvis(body: F64, stance: Side, drop_deg: F64, lean_deg: F64) -> F64:
    """Drop the free side of the pelvis by ``drop_deg`` (n,) about the stance hip (the
    stance leg's knee and foot stay put), then lean the trunk ``lean_deg`` (n,) toward the
    stance side about the hip centre. Body-frame points (n, 33, 3), metres."""
    out = body.copy()
    sgn = 1.0 if stance == "left" else -1.0
    pivot = body[:, int(Landmark[f"{stance.upper()}_HIP"])][:, None, :]
    rot = rotation_matrix(2, sgn * np.asarray(drop_deg, np.float64))
    moving = [i for i in range(body.shape[1]) if i not in _LEG[stance]]
    out[:, moving] = np.einsum("nij,nkj->nki", rot, body[:, moving] - pivot) + pivot
    centre = 0.5 * (out[:, int(L.LEFT_HIP)] + out[:, int(L.RIGHT_HIP)])[:, None, :]
    lean = rotation_matrix(2, -sgn * np.asarray(lean_deg, np.float64))
    out[:, _UPPER] = np.einsum("nij,nkj->nki", lean, out[:, _UPPER] - centre) + centre
    return out


def mirror_sequence(seq: PoseSequence) -> PoseSequence:
    """The mirror image of a recording: picture flipped left-right and the landmark labels
    swapped, i.e. the same movement done with the other side of the body."""
    perm = list(MIRROR_PERMUTATION)
    xy = seq.image_xy[:, perm].copy()
    xy[..., 0] = seq.width - xy[..., 0]
    world = seq.world[:, perm].copy()
    world[..., 0] = -world[..., 0]
    return PoseSequence(
        times_s=seq.times_s,
        image_xy=xy,
        image_z=seq.image_z[:, perm],
        visibility=seq.visibility[:, perm],
        presence=seq.presence[:, perm],
        world=world,
        detected=seq.detected,
        width=seq.width,
        height=seq.height,
        provenance=seq.provenance,
    )


def fppa_truth_deg(body: F64, side: Side) -> F64:
    """FPPA (deg, (n,)) of one knee in the body's frontal plane, + = knee inward (toward the
    other hip from the hip-ankle line), from body-frame points (n, 33, 3)."""
    xy = frontal_xy(body)
    o = "right" if side == "left" else "left"
    hip, knee, ankle = (
        xy[:, int(Landmark[f"{side.upper()}_{p}"])] for p in ("HIP", "KNEE", "ANKLE")
    )
    u, v = knee - hip, ankle - knee
    cross = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    bend = np.degrees(np.arctan2(np.abs(cross), np.sum(u * v, axis=1)))
    axis = ankle - hip
    perp = u - (np.sum(u * axis, 1) / np.sum(axis * axis, 1))[:, None] * axis
    inward = np.sign(np.sum(perp * (xy[:, int(Landmark[f"{o.upper()}_HIP"])] - hip), axis=1))
    return np.asarray(np.where(inward == 0, 1.0, inward) * bend, np.float64)


def _profile(t: F64, starts: list[float], rep_s: float) -> F64:
    """0 standing .. 1 at the bottom, a raised cosine over each rep of ``rep_s`` seconds."""
    u = np.zeros_like(t)
    for a in starts:
        tau = (t - a) / rep_s
        inside = (tau >= 0) & (tau <= 1)
        u[inside] = 0.5 * (1 - np.cos(2 * np.pi * tau[inside]))
    return u


def squats(
    reps: int = 3,
    *,
    rep_s: float = 2.5,
    rest_s: float = 1.0,
    hip_flexion_deg: float = 60.0,
    knee_flexion_deg: float = 80.0,
    adduction_deg: tuple[float, float] = (0.0, 0.0),
    rotation_deg: tuple[float, float] = (0.0, 0.0),
    fps: float = 30.0,
    view: StandingView = StandingView(),
) -> StandingSession:
    """Bodyweight squats facing the camera. At each bottom the hips flex
    ``hip_flexion_deg`` and the knees ``knee_flexion_deg``; knee valgus comes from hip
    adduction and internal rotation at depth, ``(left, right)`` in deg (0 = knees in line).

    Truth: ``bottoms_s`` (s), ``fppa_left_deg`` / ``fppa_right_deg`` at each bottom (deg, +
    inward), ``depth_u`` (0..1 per frame).
    """
    starts = [rest_s + k * (rep_s + rest_s) for k in range(reps)]
    n = int(np.floor((starts[-1] + rep_s + rest_s) * fps)) + 1 if reps else int(rest_s * fps)
    t = np.arange(n) / fps
    u = _profile(t, starts, rep_s) if reps else np.zeros(n)
    angles: dict[str, Any] = {}
    for k, side in enumerate(("left", "right")):
        angles[f"{side}_hip_flexion_deg"] = hip_flexion_deg * u
        angles[f"{side}_knee_flexion_deg"] = knee_flexion_deg * u
        angles[f"{side}_hip_abduction_deg"] = -adduction_deg[k] * u
        angles[f"{side}_hip_rotation_deg"] = rotation_deg[k] * u
    body = posed_bodies(n, 1.0, **angles)
    seq = _observe(body, _floor_offset(body), fps, view)
    bottoms = [a + rep_s / 2 for a in starts]
    idx = [round(b * fps) for b in bottoms]
    truth = {
        "bottoms_s": bottoms,
        "fppa_left_deg": fppa_truth_deg(body[idx], "left").tolist(),
        "fppa_right_deg": fppa_truth_deg(body[idx], "right").tolist(),
        "depth_u": u.tolist(),
    }
    return StandingSession(seq, truth)


def _ramp(t: F64, start: float, ramp_s: float) -> F64:
    return np.clip((t - start) / ramp_s, 0.0, 1.0)


def one_leg_stance(
    stance: Side = "left",
    *,
    before_s: float = 2.0,
    hold_s: float = 5.0,
    drop_deg: float = 0.0,
    lean_deg: float = 0.0,
    fps: float = 30.0,
    view: StandingView = StandingView(),
) -> StandingSession:
    """Stand on both feet for ``before_s``, lift the other foot behind (knee bent 80 deg)
    over 0.4 s and hold for ``hold_s``, with the free side of the pelvis dropped
    ``drop_deg`` (- = hiked) and the trunk leaning ``lean_deg`` toward the stance side.

    Truth: ``stance_leg``, ``hold_start_s``, ``pelvic_drop_deg`` (free side, vs standing),
    ``trunk_lean_toward_stance_deg`` (vs standing, frontal plane).
    """
    ramp_s = 0.4
    n = round((before_s + ramp_s + hold_s) * fps) + 1
    t = np.arange(n) / fps
    r = _ramp(t, before_s, ramp_s)
    free = "right" if stance == "left" else "left"
    angles = {f"{free}_knee_flexion_deg": 80.0 * r, f"{free}_hip_flexion_deg": 10.0 * r}
    body = tilt_pelvis(posed_bodies(n, 1.0, **angles), stance, drop_deg * r, lean_deg * r)
    seq = _observe(body, _floor_offset(body), fps, view)
    hip = frontal_xy(body[-1])
    sh = 0.5 * (hip[int(L.LEFT_SHOULDER)] + hip[int(L.RIGHT_SHOULDER)])
    mid = 0.5 * (hip[int(L.LEFT_HIP)] + hip[int(L.RIGHT_HIP)])
    toward = 1.0 if stance == "left" else -1.0
    lean = float(np.degrees(np.arctan2(toward * (sh - mid)[0], -(sh - mid)[1])))
    truth = {
        "stance_leg": stance,
        "hold_start_s": before_s + ramp_s,
        "hold_s": hold_s,
        "pelvic_drop_deg": drop_deg,
        "trunk_lean_toward_stance_deg": lean,
    }
    return StandingSession(seq, truth)


def walk_toward(
    steps: int = 10,
    *,
    step_s: float = 0.55,
    drop_deg: tuple[float, float] = (4.0, 4.0),
    speed_m_s: float = 1.0,
    start_m: float = 8.0,
    fps: float = 30.0,
    view: StandingView = StandingView(distance_m=0.0),
) -> StandingSession:
    """Walk straight toward the camera: ``steps`` steps of ``step_s``, the first standing on
    the LEFT leg. While standing on a leg the free side of the pelvis drops
    ``drop_deg[(left, right) stance]`` at mid-step (a raised sine), the swing knee bends up
    to 60 deg. The hip centre starts ``start_m`` from the camera (plus ``view.distance_m``).

    Truth: ``steps`` (stance leg, start_s, end_s, pelvic_drop_deg) per step.
    """
    n = round((steps * step_s + 0.5) * fps) + 1
    t = np.arange(n) / fps
    k = np.minimum((t // step_s).astype(int), steps - 1)
    u = np.clip(t / step_s - k, 0.0, 1.0)
    left_stance = k % 2 == 0
    bump = np.sin(np.pi * u)
    swing_hip = -20.0 + 45.0 * (0.5 - 0.5 * np.cos(np.pi * u))
    stance_hip = 25.0 - 45.0 * (0.5 - 0.5 * np.cos(np.pi * u))
    angles = {
        "right_hip_flexion_deg": np.where(left_stance, swing_hip, stance_hip),
        "left_hip_flexion_deg": np.where(left_stance, stance_hip, swing_hip),
        "right_knee_flexion_deg": np.where(left_stance, 60.0 * bump, 5.0),
        "left_knee_flexion_deg": np.where(left_stance, 5.0, 60.0 * bump),
    }
    body = posed_bodies(n, 1.0, **angles)
    drop = np.where(left_stance, drop_deg[0], drop_deg[1]) * bump
    for side, mask in (("left", left_stance), ("right", ~left_stance)):
        body[mask] = tilt_pelvis(body[mask], side, drop[mask], np.zeros(int(mask.sum())))  # type: ignore[arg-type]
    offset = _floor_offset(body)
    offset[:, 2] += start_m - speed_m_s * t
    seq = _observe(body, offset, fps, view)
    truth = {
        "steps": [
            {
                "stance_leg": "left" if j % 2 == 0 else "right",
                "start_s": j * step_s,
                "end_s": (j + 1) * step_s,
                "pelvic_drop_deg": drop_deg[j % 2],
            }
            for j in range(steps)
        ]
    }
    return StandingSession(seq, truth)
