"""Read the camera set-up of a side-lying recording from the landmarks.

The supported view is the FRONT view: the camera faces the exerciser's front, body lying
across the picture. From the landmarks we tell, per frame, whether the body lies across the
picture and where the head is; over the clip, which side the person lies on, which leg works,
how the camera is placed (front, raised, diagonal) and whether the view can be read at all.

Conventions: "left"/"right" are the person's own sides. Facing the camera while lying on the
LEFT side puts the head at image-right and the RIGHT leg on top (the working leg).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from hipcoach.config import DEFAULTS, SignalSettings, ViewSettings
from hipcoach.landmarks import Landmark as L  # noqa: N817
from hipcoach.sequence.quality import body_in_picture, out_of_frame_problem
from hipcoach.sequence.schema import PoseSequence
from hipcoach.signal.angles import mask_low_visibility
from hipcoach.types import Side, View

F64 = NDArray[np.float64]

FIX_PLACEMENT = (
    "place the camera in front of you, 2-3 m away at about mat height, so your "
    "whole body lies across the picture"
)


@dataclass(frozen=True)
class FrameGeometry:
    """Per-frame facts (arrays of shape (N,)); NaN/False where there is no reading."""

    lying: NDArray[np.bool_]
    head_right: NDArray[np.bool_]
    trunk_tilt_deg: F64
    whole_body: NDArray[np.bool_]
    span: F64  # share of the picture width covered by the body (0..1)


@dataclass(frozen=True)
class ViewReport:
    """What the camera sees, and whether hipcoach can read it."""

    view: View
    lying_on: Side | None
    working_leg: Side | None
    head_in_image: Side | None
    #: The model's left/right labels are swapped relative to the geometry (top leg).
    labels_swapped: bool
    yaw_deg: float
    pitch_deg: float
    lying_share: float
    problems: list[str] = field(default_factory=list)
    fix: str | None = None
    #: Why reps must not be shown as counts from this view (None: counts are supported).
    count_problem: str | None = None
    #: Picture scale (px per metre) of the lower leg over that of the trunk: ~1 when the
    #: camera faces the body square-on, > 1 when it is turned toward the feet (they are
    #: nearer, so they look bigger), < 1 toward the head. NaN: no reading.
    feet_scale_ratio: float = float("nan")
    #: Angle of the shoulder-to-ankle axis out of the picture plane in the model's world
    #: landmarks (deg, + = feet farther): a few degrees + square-on, clearly - when the
    #: camera is turned toward the feet. The model's depth of a whole-body axis, far
    #: steadier than a foot's. NaN: no reading.
    axis_tilt_deg: float = float("nan")

    @property
    def readable(self) -> bool:
        """True when reps and form can be read from this view."""
        return self.view in ("front", "front_high", "diagonal") and self.lying_on is not None


@contextmanager
def quiet_nan() -> Iterator[None]:
    """Silence numpy's warnings about all-NaN rows (frames without a reading)."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _mid(xy: F64, i: int, j: int) -> F64:
    return 0.5 * (xy[:, i] + xy[:, j])


def frame_geometry(
    seq: PoseSequence, view: ViewSettings = DEFAULTS.view, signal: SignalSettings = DEFAULTS.signal
) -> FrameGeometry:
    """Per-frame lying/head-side/whole-body facts from image landmarks."""
    xy = mask_low_visibility(seq.image_xy, seq.visibility, signal.min_visibility)
    trunk = _mid(xy, L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - _mid(xy, L.LEFT_HIP, L.RIGHT_HIP)
    with quiet_nan():
        tilt = np.degrees(np.arctan2(np.abs(trunk[:, 1]), np.abs(trunk[:, 0])))
        lying = tilt < view.max_lying_tilt_deg
        head_right = trunk[:, 0] > 0
    whole = body_in_picture(seq, signal.min_visibility)
    raw_x = seq.image_xy[..., 0]
    with quiet_nan():
        span = (np.nanmax(raw_x, axis=1) - np.nanmin(raw_x, axis=1)) / seq.width
    return FrameGeometry(
        lying=lying & seq.detected,
        head_right=head_right & lying,
        trunk_tilt_deg=tilt,
        whole_body=whole,
        span=span,
    )


def _world_angles(
    seq: PoseSequence, frames: NDArray[np.bool_], working: Side, min_visibility: float
) -> tuple[float, float]:
    """Median yaw (body long axis vs the image plane) and pitch (vertical hip line vs the
    image plane) in degrees, from world landmarks of the given frames."""
    w = mask_low_visibility(seq.world, seq.visibility, min_visibility)[frames]
    if len(w) == 0:
        return float("nan"), float("nan")
    bottom = "left" if working == "right" else "right"
    ankle = w[:, L[f"{bottom.upper()}_ANKLE"]]
    axis = _mid(w, L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - ankle
    top_hip, low_hip = w[:, L[f"{working.upper()}_HIP"]], w[:, L[f"{bottom.upper()}_HIP"]]
    top_sh, low_sh = w[:, L[f"{working.upper()}_SHOULDER"]], w[:, L[f"{bottom.upper()}_SHOULDER"]]
    up = (top_hip - low_hip) + (top_sh - low_sh)
    with quiet_nan():
        yaw = np.degrees(np.arcsin(np.abs(axis[:, 2]) / np.linalg.norm(axis, axis=1)))
        pitch = np.degrees(np.arcsin(-up[:, 2] / np.linalg.norm(up, axis=1)))
        return float(np.nanmedian(yaw)), float(np.nanmedian(pitch))


def _scale(xy: F64, world: F64, a: F64, b: F64, wa: F64, wb: F64) -> F64:
    """Picture length (px) over model length (m) of a segment, per frame."""
    with quiet_nan():
        return np.asarray(
            np.linalg.norm(a - b, axis=1) / np.linalg.norm(wa - wb, axis=1), np.float64
        )


def feet_scale_ratio(seq: PoseSequence, frames: NDArray[np.bool_], working: Side) -> float:
    """Median picture scale of the resting (lower) shin over the trunk's (see
    :attr:`ViewReport.feet_scale_ratio`). Perspective, not the model's depth, which
    flattens a camera's turn toward the feet (readings: docs/settings.md, "View")."""
    xy, w = seq.image_xy[frames].astype(np.float64), seq.world[frames].astype(np.float64)
    if len(xy) == 0:
        return float("nan")
    low = "LEFT" if working == "right" else "RIGHT"
    knee, ankle = L[f"{low}_KNEE"], L[f"{low}_ANKLE"]
    shin = _scale(xy, w, xy[:, knee], xy[:, ankle], w[:, knee], w[:, ankle])
    trunk = _scale(
        xy,
        w,
        _mid(xy, L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
        _mid(xy, L.LEFT_HIP, L.RIGHT_HIP),
        _mid(w, L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
        _mid(w, L.LEFT_HIP, L.RIGHT_HIP),
    )
    with quiet_nan():
        return float(np.nanmedian(shin) / np.nanmedian(trunk))


def axis_tilt_deg(seq: PoseSequence, frames: NDArray[np.bool_]) -> float:
    """Median angle (deg) of the shoulder-to-ankle axis out of the picture plane, from the
    world landmarks over ``frames`` (see :attr:`ViewReport.axis_tilt_deg`)."""
    w = seq.world[frames].astype(np.float64)
    if len(w) == 0:
        return float("nan")
    axis = _mid(w, L.LEFT_ANKLE, L.RIGHT_ANKLE) - _mid(w, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    with quiet_nan():
        return float(np.nanmedian(np.degrees(np.arctan2(axis[:, 2], np.abs(axis[:, 0])))))


def _labels_swapped(seq: PoseSequence, frames: NDArray[np.bool_], working: Side) -> bool:
    """True when the hip the model labels as the working side is mostly the LOWER one."""
    y = seq.image_xy[frames, :, 1]
    bottom = "LEFT" if working == "right" else "RIGHT"
    top_y = y[:, L[f"{working.upper()}_HIP"]] + y[:, L[f"{working.upper()}_SHOULDER"]]
    low_y = y[:, L[f"{bottom}_HIP"]] + y[:, L[f"{bottom}_SHOULDER"]]
    with quiet_nan():
        return bool(np.nanmean(top_y > low_y) > 0.5)


def _classify(yaw: float, pitch: float, settings: ViewSettings, ratio: float) -> View:
    if not np.isfinite(yaw):
        return "unknown"
    if yaw > settings.max_yaw_deg:
        return "feet"
    turned = np.isfinite(ratio) and abs(np.log(ratio)) > np.log(settings.diagonal_feet_ratio)
    if yaw > settings.diagonal_yaw_deg or turned:
        return "diagonal"
    if np.isfinite(pitch) and pitch > settings.raised_pitch_deg:
        return "front_high"
    return "front"


def _framing_problems(geo: FrameGeometry, settings: ViewSettings) -> list[str]:
    lying = geo.lying
    problems: list[str] = []
    if lying.any():
        share = float(geo.whole_body[lying].mean())
        cut = out_of_frame_problem(share, settings.min_whole_body_share, "the lying frames")
        problems += [cut] if cut is not None else []
    with quiet_nan():
        span = float(np.nanmedian(geo.span[lying])) if lying.any() else float("nan")
    if span > settings.max_body_span:
        problems.append("camera too close: your body fills the whole width of the picture")
    return problems


def assess_view(
    seq: PoseSequence,
    settings: ViewSettings = DEFAULTS.view,
    signal: SignalSettings = DEFAULTS.signal,
) -> tuple[ViewReport, FrameGeometry]:
    """Judge the camera set-up of a side-lying recording (see the module docstring)."""
    geo = frame_geometry(seq, settings, signal)
    detected = int(seq.detected.sum())
    share = float(geo.lying.sum() / detected) if detected else 0.0
    if share < settings.min_lying_share:
        problem = (
            "no person found"
            if detected == 0
            else f"no side-lying body found (lying across the picture in {share:.0%} of frames)"
        )
        report = ViewReport(
            view="unknown",
            lying_on=None,
            working_leg=None,
            head_in_image=None,
            labels_swapped=False,
            yaw_deg=float("nan"),
            pitch_deg=float("nan"),
            lying_share=share,
            problems=[problem],
            fix=FIX_PLACEMENT,
        )
        return report, geo
    head: Side = "right" if geo.head_right[geo.lying].mean() >= 0.5 else "left"
    lying_on: Side = "left" if head == "right" else "right"
    working: Side = "right" if lying_on == "left" else "left"
    swapped = _labels_swapped(seq, geo.lying, working)
    leg_labels: Side = working if not swapped else lying_on
    yaw, pitch = _world_angles(seq, geo.lying, leg_labels, signal.min_visibility)
    ratio = feet_scale_ratio(seq, geo.lying, leg_labels)
    view = _classify(yaw, pitch, settings, ratio)
    problems = _framing_problems(geo, settings)
    count_problem = _count_problem(view, ratio, settings)
    if count_problem is not None:
        problems.append(f"{count_problem}: counts are not shown")
    if view in ("feet", "unknown"):
        problems.insert(
            0, f"this camera view cannot be read (body turned {yaw:.0f} deg away from square-on)"
        )
    report = ViewReport(
        view=view,
        lying_on=lying_on,
        working_leg=working,
        head_in_image=head,
        labels_swapped=swapped,
        yaw_deg=yaw,
        pitch_deg=pitch,
        lying_share=share,
        problems=problems,
        fix=FIX_PLACEMENT if problems else None,
        count_problem=count_problem,
        feet_scale_ratio=ratio,
        axis_tilt_deg=axis_tilt_deg(seq, geo.lying),
    )
    return report, geo


def _count_problem(view: View, ratio: float, settings: ViewSettings) -> str | None:
    """Why counts cannot be shown from this view (None: they can)."""
    if view not in ("front", "front_high", "diagonal"):
        return None
    if np.isfinite(ratio) and abs(np.log(ratio)) > np.log(settings.max_count_feet_ratio):
        end = "feet" if ratio > 1 else "head"
        return (
            f"the camera is turned too far toward your {end} to count reps (your "
            f"{'feet look' if end == 'feet' else 'head looks'} {max(ratio, 1 / ratio):.1f}x "
            "as big as they would square-on)"
        )
    return None
