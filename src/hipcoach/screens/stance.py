"""One-leg stance screen (frontal view): does the pelvis drop on the free side?

- **Which leg stands**: a foot counts as lifted when its ankle is higher in the picture
  than the other by more than ``lift_share`` of the leg length; the other leg stands.
  A hold is a run of such frames on the same leg (gaps up to ``max_gap_s`` bridged)
  lasting at least ``min_hold_s``.
- **Reference**: the hip line while standing on both feet before the first hold (at least
  0.5 s of it), which cancels a tilted camera and a static pelvic tilt; without it, the
  picture horizontal (then a level camera is assumed and said so).
- **Pelvic drop** of the free side over the hold (deg): the hip line's angle minus the
  reference, + = the free side's hip lower (drop), - = higher (hike); median and 90th
  percentile over the hold. Trendelenburg positive when the median drop exceeds
  ``pelvic_drop_deg``.
- **Trunk lean** toward the stance side (deg, relative to the same reference): leaning
  over the stance leg beyond ``trunk_lean_deg`` is the compensation that keeps a weak
  side's pelvis level (compensated Trendelenburg); it is reported, and flagged.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hipcoach.config import DEFAULTS, ScreenSettings, Settings
from hipcoach.landmarks import Landmark as L  # noqa: N817
from hipcoach.screens.common import (
    F64,
    BoolArray,
    ViewCheck,
    check_frontal_view,
    hip_drop_deg,
    leg_length_px,
    masked_xy,
    nanmedian,
    other,
    quiet_nan,
    trunk_lean_deg,
)
from hipcoach.screens.result import ScreenResult
from hipcoach.sequence.schema import PoseSequence
from hipcoach.signal.gaps import fill_short_gaps, true_runs
from hipcoach.types import SIDES, Finding, Side

FIX_STANCE = (
    "stand on both feet for 2 s, then lift one foot and hold for 10-30 s, facing the camera"
)
MIN_REFERENCE_S = 0.5


def lift_share(xy: F64) -> F64:
    """(N,) right ankle height above the left one over the leg length (+ = right foot up,
    standing on the LEFT leg; - = standing on the right leg)."""
    with quiet_nan():
        lift = (xy[:, L.LEFT_ANKLE, 1] - xy[:, L.RIGHT_ANKLE, 1]) / leg_length_px(xy)
    return np.asarray(lift, np.float64)


def find_holds(
    times_s: F64, lift: F64, s: ScreenSettings, max_gap_s: float
) -> list[tuple[Side, int, int]]:
    """Holds on one leg: (stance leg, first frame, stop frame) lasting >= ``min_hold_s``."""
    filled = fill_short_gaps(times_s, lift, max_gap_s)
    holds: list[tuple[Side, int, int]] = []
    signs: tuple[tuple[Side, float], ...] = (("left", 1.0), ("right", -1.0))
    for side, sign in signs:
        with quiet_nan():
            mask = np.asarray(sign * filled > s.lift_share, bool)
        for a, b in true_runs(mask):
            if times_s[b - 1] - times_s[a] >= s.min_hold_s:
                holds.append((side, a, b))
    return sorted(holds, key=lambda h: h[1])


def _reference(times_s: F64, lift: F64, tilt: F64, before: int, s: ScreenSettings) -> float:
    """Median hip-line angle (deg) over the two-feet frames before frame ``before``;
    NaN when they span less than ``MIN_REFERENCE_S``."""
    with quiet_nan():
        both = np.asarray(np.abs(lift[:before]) < s.lift_share, bool)
    if both.sum() < 2 or times_s[:before][both][-1] - times_s[:before][both][0] < MIN_REFERENCE_S:
        return math.nan
    return nanmedian(tilt[:before][both])


def _hold_item(
    k: int, hold: tuple[Side, int, int], times: F64, drop: F64, lean: F64, s: ScreenSettings
) -> dict[str, Any]:
    side, a, b = hold
    sign = -1.0 if side == "left" else 1.0  # free side = the other: left hip lower is +
    free_drop = sign * drop[a:b]
    toward_stance = -sign * lean[a:b]
    finite = free_drop[np.isfinite(free_drop)]
    median = nanmedian(free_drop)
    lean_median = nanmedian(toward_stance)
    return {
        "hold": k,
        "stance_leg": side,
        "free_side": other(side),
        "start_s": float(times[a]),
        "end_s": float(times[b - 1]),
        "hold_s": float(times[b - 1] - times[a]),
        "pelvic_drop_median_deg": median,
        "pelvic_drop_p90_deg": float(np.percentile(finite, 90)) if finite.size else math.nan,
        "trunk_lean_toward_stance_deg": lean_median,
        "trendelenburg": bool(median > s.pelvic_drop_deg) if math.isfinite(median) else None,
        "trunk_compensation": bool(lean_median > s.trunk_lean_deg)
        if math.isfinite(lean_median)
        else None,
    }


def _per_side(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for side in SIDES:
        mine = [i for i in items if i["stance_leg"] == side]
        if not mine:
            out[side] = {"tested": False, "note": f"no hold on the {side} leg in this video"}
            continue
        best = max(mine, key=lambda i: i["hold_s"])
        out[side] = {"tested": True, **{k: v for k, v in best.items() if k != "hold"}}
    return out


def _verdict(
    view: ViewCheck, items: list[dict[str, Any]], s: ScreenSettings
) -> tuple[Finding, str, str | None]:
    if not view.readable:
        return "inconclusive", view.problems[0], view.fix
    if not items:
        why = f"no one-leg stance of at least {s.min_hold_s:.0f} s found"
        return "inconclusive", why, FIX_STANCE
    parts, positive = [], False
    for i in items:
        drop, lean = i["pelvic_drop_median_deg"], i["trunk_lean_toward_stance_deg"]
        if not math.isfinite(drop):
            return "inconclusive", "the hips could not be read during the hold", view.fix
        word = "dropped" if drop >= 0 else "rose"
        text = (
            f"standing on the {i['stance_leg']} leg for {i['hold_s']:.1f} s, the {i['free_side']}"
            f" side of the pelvis {word} {abs(drop):.1f}° (Trendelenburg above "
            f"{s.pelvic_drop_deg:.0f}° drop)"
        )
        if i["trendelenburg"]:
            text += ": positive"
            positive = True
        if i["trunk_compensation"]:
            text += f"; trunk leaned {lean:.1f}° over the stance leg (compensation)"
            positive = True
        parts.append(text)
    return ("positive" if positive else "negative"), "; ".join(parts), None


def screen_stance(seq: PoseSequence, settings: Settings = DEFAULTS) -> ScreenResult:
    """Run the one-leg stance screen on one recording (see the module docstring)."""
    s = settings.screen
    # the lifted foot is partly hidden behind the stance leg: placed from a lower visibility
    signal = settings.signal.model_copy(update={"min_visibility": s.stance_min_visibility})
    xy = masked_xy(seq, signal)
    times = np.asarray(seq.times_s, np.float64)
    lift = lift_share(xy)
    with quiet_nan():
        both_feet: BoolArray = np.asarray(np.abs(lift) < s.lift_share, bool)
    view = check_frontal_view(seq, xy, both_feet if both_feet.any() else None, s, signal)
    holds = find_holds(times, lift, s, settings.signal.max_gap_s)
    tilt, lean = hip_drop_deg(xy), trunk_lean_deg(xy)
    first = holds[0][1] if holds else len(seq)
    ref_tilt = _reference(times, lift, tilt, first, s)
    ref_lean = _reference(times, lift, lean, first, s)
    warnings = list(view.warnings)
    if not math.isfinite(ref_tilt):
        ref_tilt, ref_lean = 0.0, 0.0
        warnings.append(
            "no standing on both feet before the lift: angles are against the picture "
            "horizontal, so a tilted camera adds to them"
        )
    items = [
        _hold_item(k + 1, h, times, tilt - ref_tilt, lean - ref_lean, s)
        for k, h in enumerate(holds)
    ]
    finding, reason, fix = _verdict(view, items, s)
    longest = max(items, key=lambda i: i["hold_s"]) if items else None
    return ScreenResult(
        screen="stance",
        finding=finding,
        reason=reason,
        per_side=_per_side(items),
        items=items,
        stance_leg=longest["stance_leg"] if longest else None,
        fix=fix,
        warnings=warnings,
        thresholds={
            "pelvic_drop_deg": s.pelvic_drop_deg,
            "trunk_lean_deg": s.trunk_lean_deg,
            "min_hold_s": s.min_hold_s,
        },
        view={**view.to_dict(), "reference_hip_line_deg": ref_tilt},
        source=seq.provenance.source,
        duration_s=seq.duration_s,
        series={
            "t_s": times.tolist(),
            "lift_share": lift.tolist(),
            "hip_line_left_down_deg": (tilt - ref_tilt).tolist(),
            "trunk_lean_left_deg": (lean - ref_lean).tolist(),
        },
    )
