"""Squat screen (frontal view): knees caving inward at the bottom of each rep.

Reps come from the hip descent: the height of the hip midpoint above the lower ankle in
the picture, as a % of its standing value (95th percentile of the clip). A rep is one
excursion above ``squat_high_pct`` and back below ``squat_low_pct`` lasting
``squat_min_rep_s``..``squat_max_rep_s`` (dual thresholds with durations, as the
cycle detection of kineticstoolkit; :class:`~hipcoach.reps.HysteresisCounter`), and its
bottom is the deepest frame. A last rep cut off by the end of the video still has its
bottom measured (``complete: false``) but does not count toward ``min_reps``.

At each bottom: the frontal-plane projection angle (FPPA, deg, + = knee inward) of each
knee, read from estimated hip joint centres (:func:`hip_centres`) with each foot on its own
side (:func:`feet_by_side`), and the knee-to-ankle separation ratio (KASR). A knee is
flagged when the median FPPA over the reps exceeds ``fppa_valgus_deg`` AND the same angle
read from the world landmarks turned square to the camera (``fppa_3d``, which a turned
camera does not bias but which is noisier) exceeds half of it: a camera turned a few
degrees makes a straight knee read as caving in in the picture at the bottom of a squat
(docs/screens.md, "Squat (frontal)"). The finding is positive when a knee is flagged or
the median KASR falls below ``kasr_valgus``; negative only when every knee's median FPPA
lies more than ``fppa_uncertainty_deg`` (the measured reading uncertainty) below a relevant
valgus (:data:`~hipcoach.screens.evidence.RELEVANT_VALGUS_DEG`), otherwise cannot rule out.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hipcoach.config import DEFAULTS, HysteresisConfig, Settings
from hipcoach.landmarks import Landmark as L  # noqa: N817
from hipcoach.reps import HysteresisCounter, Rep
from hipcoach.screens.common import (
    F64,
    ViewCheck,
    check_frontal_view,
    fppa_deg,
    kasr,
    masked_xy,
    nanmedian,
    quiet_nan,
    squared_world_xy,
)
from hipcoach.screens.evidence import RELEVANT_VALGUS_DEG
from hipcoach.screens.result import ScreenResult
from hipcoach.sequence.schema import PoseSequence
from hipcoach.types import SIDES, Finding

FIX_UNSURE = (
    "ask a physiotherapist to watch your squat or a step-down from the front, or film again "
    "square-on from 3-4 m with the knees clearly visible"
)
FIX_SQUAT = (
    "film 3-5 slow bodyweight squats, feet hip-width apart, facing the camera, down to "
    "about thighs parallel"
)


def descent_pct(xy: F64) -> F64:
    """Hip descent (N,): 100 * (1 - h / h_standing), h = lower ankle y - hip midpoint y
    (px), h_standing = its 95th percentile over the clip; 0 = standing, % of standing."""
    floor = np.fmax(xy[:, L.LEFT_ANKLE, 1], xy[:, L.RIGHT_ANKLE, 1])
    hip = 0.5 * (xy[:, L.LEFT_HIP, 1] + xy[:, L.RIGHT_HIP, 1])
    h = floor - hip
    with quiet_nan():
        standing = float(np.nanpercentile(h, 95)) if np.isfinite(h).any() else math.nan
    return np.asarray(100.0 * (1.0 - h / standing), np.float64)


_FEET = (
    (L.LEFT_ANKLE, L.RIGHT_ANKLE),
    (L.LEFT_HEEL, L.RIGHT_HEEL),
    (L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX),
)


def feet_by_side(xy: F64) -> F64:
    """(N, 33, 2) landmarks with each foot (ankle, heel, toes) on its own hip's side: in a
    squat the feet stay planted apart, so a left ankle lying on the right hip's side of the
    right ankle is the model swapping the feet where the knees cross above them; the two
    feet's labels are swapped back in those frames. Frames without both ankles unchanged."""
    out = xy.copy()
    hips = xy[:, L.LEFT_HIP, 0] - xy[:, L.RIGHT_HIP, 0]
    ankles = xy[:, L.LEFT_ANKLE, 0] - xy[:, L.RIGHT_ANKLE, 0]
    with quiet_nan():
        swapped = np.asarray(hips * ankles < 0.0, bool)
    for left, right in _FEET:
        out[swapped, left] = xy[swapped, right]
        out[swapped, right] = xy[swapped, left]
    return out


def hip_centres(xy: F64, width_factor: float) -> F64:
    """(N, 33, 2) landmarks with the two hips moved apart about their midpoint to
    ``width_factor`` times their picture distance: the pose model's hips lie medial of the
    hip joint centres, more so as the thighs foreshorten at a squat bottom."""
    out = xy.copy()
    mid = 0.5 * (xy[:, L.LEFT_HIP, 0] + xy[:, L.RIGHT_HIP, 0])
    for hip in (L.LEFT_HIP, L.RIGHT_HIP):
        out[:, hip, 0] = mid + width_factor * (xy[:, hip, 0] - mid)
    return out


def find_reps(times_s: F64, depth: F64, settings: Settings = DEFAULTS) -> list[Rep]:
    """Squat reps of the descent signal (%): counted reps, then an open last rep (if the
    video ends after its bottom) with ``complete=False``."""
    s = settings.screen
    config = HysteresisConfig(
        high=s.squat_high_pct,
        low=s.squat_low_pct,
        min_rep_s=s.squat_min_rep_s,
        max_rep_s=s.squat_max_rep_s,
        max_gap_s=max(settings.signal.max_gap_s, 0.5),
    )
    counter = HysteresisCounter(config)
    for t, v in zip(times_s.tolist(), depth.tolist(), strict=True):
        counter.update(t, v)
    reps = list(counter.reps)
    tail = counter.flush()
    if tail is not None and tail.peak_s < tail.end_s:
        reps.append(tail)
    return reps


def _nearest(times_s: F64, t: float) -> int:
    return int(np.argmin(np.abs(times_s - t)))


def _rep_item(rep: Rep, k: int, i: int, signals: dict[str, F64], s: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "rep": k,
        "complete": rep.complete,
        "start_s": rep.start_s,
        "bottom_s": rep.peak_s,
        "end_s": rep.end_s if rep.complete else None,
        "depth_pct": rep.peak_value,
        "kasr": float(signals["kasr"][i]),
    }
    for side in SIDES:
        value = float(signals[f"fppa_{side}_deg"][i])
        check = float(signals[f"fppa_3d_{side}_deg"][i])
        item[f"fppa_{side}_deg"] = value
        item[f"fppa_3d_{side}_deg"] = check
        item[f"valgus_{side}"] = (
            bool(value > s.fppa_valgus_deg and check > 0.5 * s.fppa_valgus_deg)
            if math.isfinite(value) and math.isfinite(check)
            else None
        )
    return item


def _per_side(items: list[dict[str, Any]], s: Any) -> dict[str, dict[str, Any]]:
    ratio = nanmedian([i["kasr"] for i in items])
    out: dict[str, dict[str, Any]] = {}
    for side in SIDES:
        values = [i[f"fppa_{side}_deg"] for i in items]
        median = nanmedian(values)
        check = nanmedian([i[f"fppa_3d_{side}_deg"] for i in items])
        finite = [v for v in values if v is not None and math.isfinite(v)]
        out[side] = {
            "fppa_median_deg": median,
            "fppa_max_deg": max(finite) if finite else math.nan,
            "fppa_3d_median_deg": check,
            "reps_measured": len(finite),
            "reps_valgus": sum(1 for i in items if i[f"valgus_{side}"]),
            "kasr_median": ratio,
            "valgus": bool(median > s.fppa_valgus_deg and check > 0.5 * s.fppa_valgus_deg),
        }
    return out


def _verdict(
    view: ViewCheck, items: list[dict[str, Any]], per_side: dict[str, dict[str, Any]], s: Any
) -> tuple[Finding, str, str | None]:
    full = sum(1 for i in items if i["complete"])
    if not view.readable:
        return "inconclusive", view.problems[0], view.fix
    if not items:
        return "inconclusive", "no squat found in the video", FIX_SQUAT
    if full < s.min_reps:
        return "inconclusive", f"too few reps: {full} full, at least {s.min_reps} needed", FIX_SQUAT
    ratio = per_side["left"]["kasr_median"]
    if not all(math.isfinite(per_side[x]["fppa_median_deg"]) for x in SIDES):
        return "inconclusive", "the knees could not be read at the bottoms", view.fix
    flagged = [x for x in SIDES if per_side[x]["valgus"]]
    angles = ", ".join(f"{x} {per_side[x]['fppa_median_deg']:.0f}°" for x in SIDES)
    limits = f"(inward above {s.fppa_valgus_deg:.0f}°); knee-to-ankle ratio {ratio:.2f} "
    limits += f"(valgus below {s.kasr_valgus:.2f})"
    narrow = ratio < s.kasr_valgus
    if flagged or narrow:
        who = " and ".join(flagged) + " knee caved inward" if flagged else "knees came together"
        return "positive", f"{who} at the bottom: FPPA {angles} {limits}", None
    clear = RELEVANT_VALGUS_DEG - s.fppa_uncertainty_deg
    if any(per_side[x]["fppa_median_deg"] >= clear for x in SIDES):
        why = (
            f"the knees stayed below the limit at the bottom, but a knee's angle can read up "
            f"to about {s.fppa_uncertainty_deg:.0f}° away from the truth, so a knee caving "
            f"inward by {RELEVANT_VALGUS_DEG:.0f}° or more cannot be ruled out"
        )
        return "cannot_rule_out", why, FIX_UNSURE
    return "negative", f"knees stayed in line at the bottom: FPPA {angles} {limits}", None


def screen_squat(seq: PoseSequence, settings: Settings = DEFAULTS) -> ScreenResult:
    """Run the squat screen on one recording (see the module docstring)."""
    s = settings.screen
    xy = masked_xy(seq, settings.signal)
    depth = descent_pct(xy)
    with quiet_nan():
        upright = np.asarray(depth < s.squat_low_pct, bool)
    view = check_frontal_view(seq, xy, upright, s, settings.signal)
    legs = hip_centres(feet_by_side(xy), s.fppa_hip_width_factor)
    signals = {f"fppa_{x}_deg": fppa_deg(legs, x) for x in SIDES}
    squared = feet_by_side(squared_world_xy(seq, settings.signal.min_visibility))
    signals.update({f"fppa_3d_{x}_deg": fppa_deg(squared, x) for x in SIDES})
    signals["kasr"] = kasr(xy)
    times = np.asarray(seq.times_s, np.float64)
    reps = find_reps(times, depth, settings)
    items = [_rep_item(r, k + 1, _nearest(times, r.peak_s), signals, s) for k, r in enumerate(reps)]
    per_side = _per_side(items, s)
    finding, reason, fix = _verdict(view, items, per_side, s)
    if not view.readable:  # angles from this view are no reading for a flag
        for item in items:
            item.update(valgus_left=None, valgus_right=None)
        for side in SIDES:
            per_side[side]["valgus"] = None
    return ScreenResult(
        screen="squat",
        finding=finding,
        reason=reason,
        per_side=per_side,
        items=items,
        fix=fix,
        warnings=list(view.warnings),
        thresholds={
            "fppa_valgus_deg": s.fppa_valgus_deg,
            "kasr_valgus": s.kasr_valgus,
            "min_reps": s.min_reps,
        },
        view=view.to_dict(),
        source=seq.provenance.source,
        duration_s=seq.duration_s,
        series={
            "t_s": times.tolist(),
            "depth_pct": depth.tolist(),
            **{k: v.tolist() for k, v in signals.items()},
        },
    )
