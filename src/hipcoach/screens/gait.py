"""Gait screen (walking toward or away from the camera): pelvic drop per step and side.

- **Steps**: the difference of the ankles' heights in the picture (% of the leg length,
  :func:`ankle_difference_pct`): the swing foot is lifted, so it lies higher in the picture
  than the planted one, walking toward the camera or away from it. One excursion of
  ``left - right`` (the left ankle lower) above ``step_high_pct`` and back below
  ``step_low_pct`` (``step_min_s``..``step_max_s`` long) is a right swing, i.e. a step
  standing on the LEFT leg; the mirror image for the right leg
  (:class:`~hipcoach.reps.HysteresisCounter`).
- **Pelvic drop** of the free (swing) side during each step (deg): the peak over the step
  of the hip line's angle against its median over the whole walk (walking, the pelvis is
  level on average; this also cancels a tilted camera), + = the free side lower.
- **Per side** (the stance leg, whose hip abductors hold the pelvis): mean and spread of
  the step peaks. A finding needs at least ``min_steps`` steps; a side is flagged when its
  mean drop exceeds ``gait_drop_deg``.
- **Knee-inward proxy**: the stance knee's FPPA (deg, + = inward), median over each step;
  reported, not flagged (walking knees are nearly straight, so it is small and noisy).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hipcoach.config import DEFAULTS, HysteresisConfig, ScreenSettings, Settings
from hipcoach.landmarks import Landmark as L  # noqa: N817
from hipcoach.reps import HysteresisCounter, Rep
from hipcoach.screens.common import (
    F64,
    ViewCheck,
    check_frontal_view,
    fppa_deg,
    hip_drop_deg,
    leg_length_px,
    masked_xy,
    nanmedian,
    other,
    quiet_nan,
)
from hipcoach.screens.result import ScreenResult
from hipcoach.sequence.schema import PoseSequence
from hipcoach.types import SIDES, Finding, Side

#: Least travel (share of apparent size, or leg lengths across) that counts as walking.
MIN_TRAVEL = 0.15
FIX_GAIT = (
    "walk at least 8 steps straight toward (or away from) the camera, whole body in the "
    "picture all the way"
)


def ankle_difference_pct(xy: F64) -> F64:
    """(N,) left minus right ankle height in the picture (image y, so + = the LEFT ankle
    lower, i.e. the right foot lifted) as a % of that frame's leg length (mean hip-to-ankle
    distance of the two legs), minus its median over the walk (standing offsets)."""
    left = np.linalg.norm(xy[:, L.LEFT_ANKLE] - xy[:, L.LEFT_HIP], axis=1)
    right = np.linalg.norm(xy[:, L.RIGHT_ANKLE] - xy[:, L.RIGHT_HIP], axis=1)
    length = 0.5 * (left + right)
    with quiet_nan():
        diff = 100.0 * (xy[:, L.LEFT_ANKLE, 1] - xy[:, L.RIGHT_ANKLE, 1]) / length
    return np.asarray(diff - nanmedian(diff), np.float64)


def find_steps(times_s: F64, diff: F64, settings: Settings = DEFAULTS) -> list[tuple[Side, Rep]]:
    """Steps as (stance leg, swing excursion) of :func:`ankle_difference_pct`, in time
    order."""
    s = settings.screen
    config = HysteresisConfig(
        high=s.step_high_pct,
        low=s.step_low_pct,
        min_rep_s=s.step_min_s,
        max_rep_s=s.step_max_s,
        max_gap_s=max(settings.signal.max_gap_s, 0.3),
    )
    steps: list[tuple[Side, Rep]] = []
    stance: Side
    for stance, sign in (("left", 1.0), ("right", -1.0)):
        counter = HysteresisCounter(config)
        for t, v in zip(times_s.tolist(), (sign * diff).tolist(), strict=True):
            counter.update(t, v)
        steps += [(stance, r) for r in counter.reps]
    return sorted(steps, key=lambda x: x[1].start_s)


def _step_item(
    k: int, stance: Side, rep: Rep, times: F64, drop_left: F64, fppa: dict[str, F64]
) -> dict[str, Any]:
    frames = (times >= rep.start_s) & (times <= rep.end_s)
    sign = -1.0 if stance == "left" else 1.0  # the free side is the other one
    free = sign * drop_left[frames]
    finite = free[np.isfinite(free)]
    return {
        "step": k,
        "stance_leg": stance,
        "start_s": rep.start_s,
        "end_s": rep.end_s,
        "duration_s": rep.duration_s,
        "pelvic_drop_deg": float(finite.max()) if finite.size else math.nan,
        "stance_knee_fppa_deg": nanmedian(fppa[stance][frames]),
    }


def travel(times_s: F64, xy: F64) -> float:
    """How far the person walked (unitless): the larger of the change in apparent size
    (torso length, last 0.5 s vs first 0.5 s, as a share) and the sideways travel of the hip
    midpoint in leg lengths. About 0 for someone standing still."""
    hips = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    sh = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    size = np.linalg.norm(sh - hips, axis=1)
    ok = np.isfinite(size) & np.isfinite(hips[:, 0])
    if ok.sum() < 2:
        return 0.0
    t, size, x = times_s[ok], size[ok], hips[ok, 0]
    first, last = t <= t[0] + 0.5, t >= t[-1] - 0.5
    change = abs(float(np.median(size[last]) / np.median(size[first])) - 1.0)
    across = abs(float(np.median(x[last]) - np.median(x[first]))) / leg_length_px(xy)
    return max(change, across if math.isfinite(across) else 0.0)


def _per_side(items: list[dict[str, Any]], s: ScreenSettings) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for side in SIDES:
        drops = [i["pelvic_drop_deg"] for i in items if i["stance_leg"] == side]
        drops = [d for d in drops if math.isfinite(d)]
        mean = float(np.mean(drops)) if drops else math.nan
        out[side] = {
            "steps": len(drops),
            "free_side": other(side),
            "pelvic_drop_mean_deg": mean,
            "pelvic_drop_sd_deg": float(np.std(drops)) if len(drops) > 1 else math.nan,
            "stance_knee_fppa_median_deg": nanmedian(
                [i["stance_knee_fppa_deg"] for i in items if i["stance_leg"] == side]
            ),
            "drop_flagged": bool(mean > s.gait_drop_deg) if drops else None,
        }
    return out


def _verdict(
    view: ViewCheck,
    items: list[dict[str, Any]],
    per_side: dict[str, dict[str, Any]],
    s: Any,
    moved: float,
) -> tuple[Finding, str, str | None]:
    if not view.readable:
        return "inconclusive", view.problems[0], view.fix
    if moved < MIN_TRAVEL:
        why = f"no walking found: the body moved only {moved:.0%} (size or sideways)"
        return "inconclusive", why, FIX_GAIT
    if len(items) < s.min_steps:
        why = f"not enough steps: {len(items)} found, at least {s.min_steps} needed"
        return "inconclusive", why, FIX_GAIT
    if any(per_side[x]["steps"] == 0 for x in SIDES):
        return "inconclusive", "steps were found on one leg only", FIX_GAIT
    parts = [
        f"standing on the {x} leg the {other(x)} side dropped "
        f"{per_side[x]['pelvic_drop_mean_deg']:.1f}° on average over {per_side[x]['steps']} steps"
        for x in SIDES
    ]
    limit = f" (flagged above {s.gait_drop_deg:.0f}°)"
    flagged = [x for x in SIDES if per_side[x]["drop_flagged"]]
    if flagged:
        return "positive", "; ".join(parts) + limit, None
    return "negative", "; ".join(parts) + limit, None


def screen_gait(seq: PoseSequence, settings: Settings = DEFAULTS) -> ScreenResult:
    """Run the gait screen on one recording (see the module docstring)."""
    s = settings.screen
    xy = masked_xy(seq, settings.signal)
    view = check_frontal_view(seq, xy, None, s, settings.signal)
    times = np.asarray(seq.times_s, np.float64)
    diff = ankle_difference_pct(xy)
    tilt = hip_drop_deg(xy)
    drop_left = tilt - nanmedian(tilt)
    fppa: dict[str, F64] = {x: fppa_deg(xy, x) for x in SIDES}
    steps = find_steps(times, diff, settings)
    items = [_step_item(k + 1, st, r, times, drop_left, fppa) for k, (st, r) in enumerate(steps)]
    per_side = _per_side(items, s)
    finding, reason, fix = _verdict(view, items, per_side, s, travel(times, xy))
    return ScreenResult(
        screen="gait",
        finding=finding,
        reason=reason,
        per_side=per_side,
        items=items,
        fix=fix,
        warnings=list(view.warnings),
        thresholds={"gait_drop_deg": s.gait_drop_deg, "min_steps": s.min_steps},
        view=view.to_dict(),
        source=seq.provenance.source,
        duration_s=seq.duration_s,
        series={
            "t_s": times.tolist(),
            "ankle_left_minus_right_pct": diff.tolist(),
            "hip_line_left_down_deg": drop_left.tolist(),
        },
    )
