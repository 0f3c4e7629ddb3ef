"""Per-exercise signals of the working leg, per frame, in degrees (NaN = no reading).

- ``abduction_2d_deg``: image angle between the body line (shoulder midpoint → hip
  midpoint, continued toward the feet) and the working leg (hip → ankle); + = leg raised
  toward the top of the picture. Reads abduction directly in the front view.
- ``flexion_depth_deg`` / ``thigh_depth_deg``: how far the working ankle / knee comes
  toward the camera (+) or goes away from it (-) relative to the working hip, as the angle
  of the hip-ankle / hip-knee line out of the picture plane, from the model's image depth
  (``image_z``), minus its median over the analysed stretch (so the resting leg reads ~0);
  the ankle cue also minus the part explained by abduction (see :func:`decorrelate`).
  From the front view these depth cues are what carry hip flexion: the thigh cue follows
  forward flexion but shows the kick-back behind the body only faintly, and the signed area
  of the (flexion_depth, abduction_2d) path gives the circle direction.
- ``along_2d_deg``: where the working ankle lies along the body line in the picture, per leg
  length (hip→knee→ankle in pixels) as a small angle (1 deg = 1.75 % of the leg length),
  minus the part explained by abduction. A second,
  purely 2-D view of forward/backward leg motion: a camera turned toward the feet sees
  the foot moving forward as moving along the body, where the depth cue is weak; a
  square-on camera sees it through perspective with the opposite sign. Its sign therefore
  depends on the placement; the circle counter only trusts its direction after
  calibrating it against the depth cue.
- ``toe_along_deg``: where the working foot's toes point along the body line in the picture:
  the heel → toes vector's component toward the head, per hip → ankle distance (median over
  the stretch) as a small angle, minus the part explained by abduction. Lying on the side,
  swinging the leg forward turns the foot about the vertical too, so the toes turn toward
  the head: a purely 2-D cue of forward/backward leg motion whose sign, unlike
  ``along_2d_deg``'s, does not change when the camera is turned a little toward the feet.
- ``thigh_fold_2d_deg``: how far the working thigh points out of the picture plane, from its
  foreshortening alone: arccos(picture length of hip→knee / its 90th percentile over the
  stretch), unsigned (forward or back). Purely 2-D, so it holds where the model's depth
  swaps the knees (legs close together, far camera). It reads well above zero at rest
  (arccos is steep near 1, so small length noise shows), hence the bicycle's own release
  level for it (``SegmentSettings.fold_release_deg``).
- ``knee_flexion_deg``: 0 = straight knee (3-D, from world landmarks).
- ``foot_up_deg``: how far the working foot (heel → toes) has turned about the working
  shank (knee → ankle), from pointing at the camera toward the top of the picture ("toes
  turning up"), minus its median. Points are (image x, image y, image depth) in pixels;
  the foot and the camera direction are both projected onto the plane normal to the shank,
  so raising the leg or bending the knee does not change the angle. The pose model
  under-reads the turn (small foot landmarks), and a leg drifting forward reads as a turn
  too (the camera direction is not the body's forward axis).
- ``pelvis_roll_deg``: rotation of the hip line (top hip - bottom hip) about the body's long
  axis, toward the camera (+, rolling forward) or away (-), minus its median (world
  landmarks).

How well each signal follows the renderer's truth, and what the form measures read on clean
and faulted reps: docs/hip-series.md ("Signals against the renderer's truth") and
docs/settings.md; ``python benchmarks/signal_readings.py`` re-measures both.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
from numpy.typing import NDArray

from hipcoach.analysis.view import ViewReport, quiet_nan
from hipcoach.config import DEFAULTS, SignalSettings
from hipcoach.landmarks import MIRROR_PERMUTATION
from hipcoach.landmarks import Landmark as L  # noqa: N817
from hipcoach.sequence.schema import PoseSequence
from hipcoach.signal.angles import knee_flexion_deg, mask_low_visibility
from hipcoach.signal.filters import GrowingSmoother, despike, smooth_sequence

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class LegSignals:
    """Signals of the working leg over time (see the module docstring for units/signs)."""

    times_s: F64
    abduction_2d_deg: F64
    flexion_depth_deg: F64
    thigh_depth_deg: F64
    along_2d_deg: F64
    thigh_fold_2d_deg: F64
    knee_flexion_deg: F64
    foot_up_deg: F64
    pelvis_roll_deg: F64
    toe_along_deg: F64


def relabel(seq: PoseSequence, swap: bool) -> PoseSequence:
    """The sequence with left/right landmark labels exchanged when ``swap`` is True."""
    if not swap:
        return seq
    perm = list(MIRROR_PERMUTATION)
    return replace(
        seq,
        image_xy=seq.image_xy[:, perm],
        image_z=seq.image_z[:, perm],
        visibility=seq.visibility[:, perm],
        presence=seq.presence[:, perm],
        world=seq.world[:, perm],
    )


def _feetward(xy: F64) -> F64:
    """The body line in the picture per frame: shoulder midpoint → hip midpoint (px)."""
    shoulder = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    return np.asarray(0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]) - shoulder, np.float64)


def _abduction_2d(xy: F64, working: str) -> F64:
    feetward = _feetward(xy)
    leg = xy[:, L[f"{working.upper()}_ANKLE"]] - xy[:, L[f"{working.upper()}_HIP"]]
    normal = _up_normal(xy)
    with quiet_nan():
        along = np.sum(leg * feetward, axis=1) / np.linalg.norm(feetward, axis=1)
        across = np.sum(leg * normal, axis=1)
        return np.asarray(np.degrees(np.arctan2(across, along)), np.float64)


def _along(xy: F64, working: str) -> F64:
    """Ankle position along the body line in the picture, per median leg length (px/px)."""
    w = working.upper()
    feetward = _feetward(xy)
    hip, knee, ankle = xy[:, L[f"{w}_HIP"]], xy[:, L[f"{w}_KNEE"]], xy[:, L[f"{w}_ANKLE"]]
    with quiet_nan():
        length = np.linalg.norm(knee - hip, axis=1) + np.linalg.norm(ankle - knee, axis=1)
        along = np.sum((ankle - hip) * feetward, axis=1) / np.linalg.norm(feetward, axis=1)
        scale = float(np.nanmedian(length)) if np.isfinite(length).any() else float("nan")
        return np.asarray(along / scale, np.float64)


def _toe_along(xy: F64, working: str) -> F64:
    """Heel → toes of the working foot along the body line toward the head, per median
    hip → ankle distance (px/px); see the module docstring."""
    w = working.upper()
    feetward = _feetward(xy)
    foot = xy[:, L[f"{w}_FOOT_INDEX"]] - xy[:, L[f"{w}_HEEL"]]
    leg = np.linalg.norm(xy[:, L[f"{w}_ANKLE"]] - xy[:, L[f"{w}_HIP"]], axis=1)
    with quiet_nan():
        headward = -np.sum(foot * feetward, axis=1) / np.linalg.norm(feetward, axis=1)
        scale = float(np.nanmedian(leg)) if np.isfinite(leg).any() else float("nan")
        return np.asarray(headward / scale, np.float64)


def _thigh_fold(xy: F64, working: str) -> F64:
    """Unsigned out-of-picture angle (deg) of the working thigh from its foreshortening."""
    w = working.upper()
    length = np.linalg.norm(xy[:, L[f"{w}_KNEE"]] - xy[:, L[f"{w}_HIP"]], axis=1)
    with quiet_nan():
        ref = float(np.nanpercentile(length, 90)) if np.isfinite(length).any() else np.nan
        return np.asarray(np.degrees(np.arccos(np.clip(length / ref, 0.0, 1.0))), np.float64)


def _depth_angle(xy: F64, z: F64, working: str, end: str) -> F64:
    """Angle (deg) of the hip→``end`` line toward the camera, minus its median."""
    hip, tip = L[f"{working.upper()}_HIP"], L[f"{working.upper()}_{end}"]
    toward = -(z[:, tip] - z[:, hip])
    in_plane = np.linalg.norm(xy[:, tip] - xy[:, hip], axis=1)
    with quiet_nan():
        angle = np.degrees(np.arctan2(toward, in_plane))
        return np.asarray(angle - np.nanmedian(angle), np.float64)


def _up_normal(xy: F64) -> F64:
    """Unit normal of the body line (shoulder mid → hip mid) pointing to the picture's top."""
    feetward = _feetward(xy)
    normal = np.stack([feetward[:, 1], -feetward[:, 0]], axis=1)
    normal = np.where((normal[:, 1] > 0)[:, None], -normal, normal)
    with quiet_nan():
        return np.asarray(normal / np.linalg.norm(normal, axis=1, keepdims=True), np.float64)


def _leg_normal(xy: F64, working: str) -> F64:
    """Unit normal of the working leg (hip → ankle) in the picture, pointing to its top."""
    leg = xy[:, L[f"{working.upper()}_ANKLE"]] - xy[:, L[f"{working.upper()}_HIP"]]
    normal = np.stack([leg[:, 1], -leg[:, 0]], axis=1)
    normal = np.where((normal[:, 1] > 0)[:, None], -normal, normal)
    with quiet_nan():
        return np.asarray(normal / np.linalg.norm(normal, axis=1, keepdims=True), np.float64)


def _unit(v: F64) -> F64:
    with quiet_nan():
        return np.asarray(v / np.linalg.norm(v, axis=-1, keepdims=True), np.float64)


def _foot_up(xy: F64, z: F64, working: str) -> F64:
    """Rotation (deg) of the foot about the working shank, from pointing at the camera
    toward the top of the picture, minus its median (see the module docstring)."""
    w = working.upper()
    p = np.concatenate([xy, z[..., None]], axis=2)  # image x, y (down), depth (px)
    axis = _unit(p[:, L[f"{w}_ANKLE"]] - p[:, L[f"{w}_KNEE"]])
    toward = np.zeros_like(axis)
    toward[:, 2] = -1.0
    forward = _unit(toward - np.sum(toward * axis, axis=1, keepdims=True) * axis)
    up = np.cross(axis, forward)
    up = np.where((up[:, 1] > 0)[:, None], -up, up)  # toward the picture's top
    foot = p[:, L[f"{w}_FOOT_INDEX"]] - p[:, L[f"{w}_HEEL"]]
    foot = foot - np.sum(foot * axis, axis=1, keepdims=True) * axis
    with quiet_nan():
        angle = np.degrees(np.arctan2(np.sum(foot * up, axis=1), np.sum(foot * forward, axis=1)))
        return np.asarray(angle - np.nanmedian(angle), np.float64)


def _pelvis_roll(world: F64, working: str) -> F64:
    other = "LEFT" if working == "right" else "RIGHT"
    hip_line = world[:, L[f"{working.upper()}_HIP"]] - world[:, L[f"{other}_HIP"]]
    with quiet_nan():
        angle = np.degrees(np.arctan2(-hip_line[:, 2], -hip_line[:, 1]))
        return np.asarray(angle - np.nanmedian(angle), np.float64)


def decorrelate(y: F64, x: F64, degree: int = 2) -> F64:
    """``y`` minus its best polynomial fit in ``x`` (least squares over finite samples).

    The model's depth of the ankle drifts with the leg's abduction (a spurious "flexion"
    over a raise; docs/hip-series.md, "What the front view can and cannot see");
    forward/backward motion is independent of abduction, so removing the part of the depth
    cue explained by abduction keeps it.
    """
    ok = np.isfinite(y) & np.isfinite(x)
    if ok.sum() <= degree + 2 or float(np.ptp(x[ok])) < 5.0:
        return y  # x barely varies (e.g. a block of rest): nothing to remove
    coef = np.polynomial.polynomial.polyfit(x[ok], y[ok], degree)
    return np.asarray(y - np.polynomial.polynomial.polyval(x, coef), np.float64)


def unproject_pitch(angle_deg: F64, pitch_deg: float) -> F64:
    """Undo the foreshortening of an angle in a plane tilted ``pitch_deg`` about the body's
    long axis (a raised camera looking down): tan(seen) = tan(true) * cos(pitch).

    Applied only to views read as ``front_high``; what it gains: docs/hip-series.md
    ("Signals against the renderer's truth").
    """
    with quiet_nan():
        return np.asarray(
            np.degrees(np.arctan2(np.tan(np.radians(angle_deg)), np.cos(np.radians(pitch_deg)))),
            np.float64,
        )


def since(sig: LegSignals, start_s: float) -> LegSignals:
    """The samples of ``sig`` at or after ``start_s`` (s), every signal as it is (views)."""
    i = int(np.searchsorted(sig.times_s, start_s, side="left"))
    return LegSignals(*(getattr(sig, f.name)[i:] for f in fields(sig)))


def leg_signals(
    seq: PoseSequence,
    view: ViewReport,
    settings: SignalSettings = DEFAULTS.signal,
    smooth: bool = True,
    smoother: GrowingSmoother | None = None,
) -> LegSignals:
    """Working-leg signals of a side-lying recording whose view was read by ``assess_view``.

    ``smoother``: smooths ``seq`` keeping the frames it smoothed before (a live count; the
    same values as ``smooth_sequence``)."""
    if view.working_leg is None:
        raise ValueError("the view report names no working leg")
    if smooth:  # per coordinate, so smoothing before relabelling changes nothing
        seq = smoother.smooth(seq) if smoother else smooth_sequence(seq, "one_euro", settings)
    s = relabel(seq, view.labels_swapped)
    xy = mask_low_visibility(s.image_xy, s.visibility, settings.min_visibility)
    world = mask_low_visibility(s.world, s.visibility, settings.min_visibility)
    z = mask_low_visibility(s.image_z, s.visibility, settings.min_visibility)
    abduction = _abduction_2d(xy, view.working_leg)
    if view.view == "front_high" and np.isfinite(view.pitch_deg):
        abduction = unproject_pitch(abduction, view.pitch_deg)
    return LegSignals(
        times_s=s.times_s.astype(np.float64),
        abduction_2d_deg=abduction,
        flexion_depth_deg=despike(
            decorrelate(_depth_angle(xy, z, view.working_leg, "ANKLE"), abduction)
        ),
        thigh_depth_deg=despike(_depth_angle(xy, z, view.working_leg, "KNEE")),
        along_2d_deg=despike(decorrelate(np.degrees(_along(xy, view.working_leg)), abduction)),
        thigh_fold_2d_deg=despike(_thigh_fold(xy, view.working_leg)),
        knee_flexion_deg=knee_flexion_deg(world, view.working_leg),
        foot_up_deg=_foot_up(xy, z, view.working_leg),
        pelvis_roll_deg=_pelvis_roll(world, view.working_leg),
        toe_along_deg=despike(decorrelate(np.degrees(_toe_along(xy, view.working_leg)), abduction)),
    )
