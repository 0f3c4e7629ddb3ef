"""Frontal-view checks and per-frame frontal-plane signals shared by the screens.

Every screen needs the camera in front of (or behind) the person, level, with the whole
lower body in the picture and nobody else in view. :func:`check_frontal_view` measures
each of these and says what blocks a finding (``problems``) and what only weakens it
(``warnings``), with the fix. Signals are computed from image landmarks (pixels, y down)
after masking low-visibility landmarks: a missing landmark gives NaN ("no reading").

Sign conventions (the person's own sides, independent of facing the camera or not):

- :func:`fppa_deg`: frontal-plane projection angle of a knee, + = knee inward of the
  hip-ankle line (toward the other leg: valgus), - = outward (varus).
- :func:`hip_drop_deg`: angle of the hip line vs the picture horizontal, + = the person's
  LEFT hip lower than the right.
- :func:`trunk_lean_deg`: hip-midpoint → shoulder-midpoint line vs the picture vertical,
  + = shoulders toward the person's LEFT.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hipcoach.config import DEFAULTS, ScreenSettings, SignalSettings
from hipcoach.landmarks import Landmark as L  # noqa: N817
from hipcoach.sequence.quality import (
    FIX_FRAMING,
    body_in_picture,
    out_of_frame_problem,
    require_person,
)
from hipcoach.sequence.schema import PoseSequence
from hipcoach.signal.angles import angle_2d, mask_low_visibility
from hipcoach.signal.filters import smooth_sequence
from hipcoach.types import SIDES, Side

F64 = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

FIX_FRONTAL = (
    "put the camera straight in front of you (or straight behind), at hip height, level, "
    "2-3 m away, so both hips and feet are visible"
)
FIX_PEOPLE = "film with only you in the picture"

_HIP = {"left": L.LEFT_HIP, "right": L.RIGHT_HIP}
_KNEE = {"left": L.LEFT_KNEE, "right": L.RIGHT_KNEE}
_ANKLE = {"left": L.LEFT_ANKLE, "right": L.RIGHT_ANKLE}


def other(side: Side) -> Side:
    """The other body side."""
    return "right" if side == "left" else "left"


@contextmanager
def quiet_nan() -> Iterator[None]:
    """Silence numpy's warnings about all-NaN slices (frames without a reading)."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def nanmedian(values: Any) -> float:
    """Median of the finite values (NaN when there are none)."""
    arr = np.asarray(values, np.float64)
    arr = arr[np.isfinite(arr)]
    return float(np.median(arr)) if arr.size else float("nan")


def masked_xy(seq: PoseSequence, signal: SignalSettings = DEFAULTS.signal) -> F64:
    """(N, 33, 2) image pixels, zero-phase smoothed, NaN below ``min_visibility``."""
    smooth = smooth_sequence(seq, "butterworth", signal) if len(seq) > 1 else seq
    return mask_low_visibility(smooth.image_xy, seq.visibility, signal.min_visibility)


def fppa_deg(xy: F64, side: Side) -> F64:
    """Frontal-plane projection angle of one knee (deg, (N,)): 180 minus the image angle
    hip-knee-ankle, + when the knee lies toward the other hip from the hip-ankle line
    (inward, valgus), - when outward. Invariant to translation, scale, rotation and
    mirroring of the picture (the sides come from the landmark labels)."""
    hip, knee, ankle = xy[:, _HIP[side]], xy[:, _KNEE[side]], xy[:, _ANKLE[side]]
    bend = 180.0 - angle_2d(hip, knee, ankle)
    axis = ankle - hip
    rel = knee - hip
    with quiet_nan():
        along = np.sum(rel * axis, axis=1) / np.sum(axis * axis, axis=1)
    perp = rel - along[:, None] * axis
    inward = np.sign(np.sum(perp * (xy[:, _HIP[other(side)]] - hip), axis=1))
    inward = np.where(inward == 0, 1.0, inward)
    return np.asarray(inward * bend, np.float64)


def squared_world_xy(seq: PoseSequence, min_visibility: float) -> F64:
    """(N, 33, 2) world landmarks (m) turned about the vertical so that the hip line is
    parallel to the picture, then seen straight on (x, y down): a frontal view that does
    not depend on how the camera is turned about the person (noisier: model depth)."""
    w = mask_low_visibility(seq.world, seq.visibility, min_visibility)
    d = w[:, L.LEFT_HIP] - w[:, L.RIGHT_HIP]
    yaw = np.arctan2(d[:, 2], d[:, 0])
    x = np.cos(yaw)[:, None] * w[..., 0] + np.sin(yaw)[:, None] * w[..., 2]
    return np.stack([x, w[..., 1]], axis=-1)


def kasr(xy: F64) -> F64:
    """Knee-to-ankle separation ratio (N,): horizontal knee distance over horizontal ankle
    distance in the picture (unitless; < ~0.6 = knees closer together than the feet)."""
    knees = np.abs(xy[:, L.LEFT_KNEE, 0] - xy[:, L.RIGHT_KNEE, 0])
    ankles = np.abs(xy[:, L.LEFT_ANKLE, 0] - xy[:, L.RIGHT_ANKLE, 0])
    with quiet_nan():
        return np.asarray(np.where(ankles > 1e-6, knees / ankles, np.nan), np.float64)


def hip_drop_deg(xy: F64) -> F64:
    """Hip line vs the picture horizontal (deg, (N,)), + = the person's LEFT hip lower."""
    left, right = xy[:, L.LEFT_HIP], xy[:, L.RIGHT_HIP]
    return np.degrees(np.arctan2(left[:, 1] - right[:, 1], np.abs(left[:, 0] - right[:, 0])))


def _left_dir(xy: F64) -> F64:
    """+1 where the person's left is at image-right (facing the camera), -1 otherwise."""
    d = xy[:, L.LEFT_HIP, 0] - xy[:, L.RIGHT_HIP, 0] + xy[:, L.LEFT_SHOULDER, 0]
    d = d - xy[:, L.RIGHT_SHOULDER, 0]
    return np.where(d >= 0, 1.0, -1.0)


def trunk_lean_deg(xy: F64) -> F64:
    """Trunk (hip midpoint → shoulder midpoint) vs the picture vertical (deg, (N,)),
    + = shoulders toward the person's LEFT."""
    hip = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    sh = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    d = sh - hip
    return np.degrees(np.arctan2(d[:, 0] * _left_dir(xy), -d[:, 1]))


def body_roll_deg(xy: F64) -> F64:
    """Long axis of the body (ankle midpoint → shoulder midpoint) vs the picture vertical
    (deg, (N,)), + = top toward image-right. Standing upright, this is the camera roll."""
    ank = 0.5 * (xy[:, L.LEFT_ANKLE] + xy[:, L.RIGHT_ANKLE])
    sh = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    d = sh - ank
    return np.degrees(np.arctan2(d[:, 0], -d[:, 1]))


def leg_length_px(xy: F64) -> float:
    """Median hip-to-ankle distance over both legs and all frames (px)."""
    lengths = [np.linalg.norm(xy[:, _ANKLE[s]] - xy[:, _HIP[s]], axis=1) for s in SIDES]
    return nanmedian(np.concatenate(lengths))


@dataclass(frozen=True)
class ViewCheck:
    """How the camera sees the person and whether frontal angles can be read.

    ``turn_deg``: body turned away from square-on (0 = facing the camera or facing away,
    90 = side view); ``width_ratio``: shoulder and hip width over torso length in the
    picture; ``tilt_deg``: camera roll (body axis vs vertical while upright); shares 0..1.
    """

    turn_deg: float
    width_ratio: float
    tilt_deg: float
    in_frame_share: float
    others_share: float
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fix: str | None = None

    @property
    def readable(self) -> bool:
        """True when nothing blocks a frontal-plane finding."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (units in the keys)."""
        return {
            "turn_deg": self.turn_deg,
            "width_ratio": self.width_ratio,
            "camera_tilt_deg": self.tilt_deg,
            "lower_body_in_frame_share": self.in_frame_share,
            "other_people_share": self.others_share,
            "problems": list(self.problems),
            "warnings": list(self.warnings),
        }


def turn_deg(seq: PoseSequence, frames: BoolArray, min_visibility: float) -> float:
    """Median turn of the hip and shoulder lines out of the picture plane (deg, 0..90),
    from world landmarks (x image-right, z away from the camera)."""
    w = mask_low_visibility(seq.world, seq.visibility, min_visibility)[frames]
    angles = []
    for a, b in ((L.LEFT_HIP, L.RIGHT_HIP), (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)):
        d = w[:, a] - w[:, b]
        angles.append(np.degrees(np.arctan2(np.abs(d[:, 2]), np.abs(d[:, 0]))))
    return nanmedian(np.concatenate(angles))


def width_ratio(xy: F64) -> float:
    """Median (shoulder width + hip width) / 2 over the torso length in the picture."""
    sh = np.linalg.norm(xy[:, L.LEFT_SHOULDER] - xy[:, L.RIGHT_SHOULDER], axis=1)
    hp = np.linalg.norm(xy[:, L.LEFT_HIP] - xy[:, L.RIGHT_HIP], axis=1)
    mid_sh = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    torso = np.linalg.norm(mid_sh - 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]), axis=1)
    with quiet_nan():
        return nanmedian(0.5 * (sh + hp) / torso)


def _measure(
    seq: PoseSequence, xy: F64, upright: BoolArray | None, s: ScreenSettings, min_vis: float
) -> ViewCheck:
    det = seq.detected
    n_det = int(det.sum())
    inside = body_in_picture(seq, min_vis)
    roll_frames = det if upright is None else det & upright
    return ViewCheck(
        turn_deg=turn_deg(seq, det, min_vis),
        width_ratio=width_ratio(xy[det]),
        tilt_deg=nanmedian(body_roll_deg(xy[roll_frames])),
        in_frame_share=float(inside[det].mean()),
        others_share=min(1.0, seq.provenance.frames_with_others / n_det),
    )


def _judge(v: ViewCheck, s: ScreenSettings) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    warns: list[str] = []
    if v.others_share > s.max_others_share:
        problems.append(
            f"more than one person in view ({v.others_share:.0%} of the frames): the finding "
            "could be about the wrong person"
        )
    side = v.turn_deg > s.side_view_deg or v.width_ratio < s.side_width_ratio
    if side:
        problems.append(
            f"side view (body turned about {v.turn_deg:.0f}° from square-on): knees caving in "
            "and the pelvis dropping cannot be seen from the side"
        )
    elif v.turn_deg > s.oblique_max_deg:
        problems.append(
            f"camera too oblique (body turned about {v.turn_deg:.0f}° from square-on, more "
            f"than {s.oblique_max_deg:.0f}°): knee bending shows up as a sideways angle"
        )
    elif v.turn_deg > s.oblique_warn_deg:
        warns.append(f"camera slightly oblique (body turned about {v.turn_deg:.0f}°)")
    cut = out_of_frame_problem(v.in_frame_share, s.min_in_frame_share, "the frames")
    problems += [cut] if cut is not None else []
    tilt = abs(v.tilt_deg)
    if tilt > s.tilt_max_deg:
        problems.append(f"camera tilted about {tilt:.0f}° (more than {s.tilt_max_deg:.0f}°)")
    elif tilt > s.tilt_warn_deg:
        warns.append(f"camera tilted about {tilt:.0f}°: level it for a cleaner reading")
    return problems, warns


def check_frontal_view(
    seq: PoseSequence,
    xy: F64 | None = None,
    upright: BoolArray | None = None,
    settings: ScreenSettings = DEFAULTS.screen,
    signal: SignalSettings = DEFAULTS.signal,
) -> ViewCheck:
    """Judge a recording for the frontal screens (see the module docstring).

    ``upright`` (N,) marks the frames where the person stands upright (used for the camera
    roll); None = all frames. Raises :class:`NoPersonError` when nobody was found.
    """
    require_person(seq)
    xy = masked_xy(seq, signal) if xy is None else xy
    with quiet_nan():
        v = _measure(seq, xy, upright, settings, signal.min_visibility)
    problems, warns = _judge(v, settings)
    fix = None
    if problems:
        fix = FIX_PEOPLE if problems[0].startswith("more than one") else FIX_FRONTAL
        if problems[0].startswith("body partly"):
            fix = FIX_FRAMING
    return ViewCheck(
        v.turn_deg, v.width_ratio, v.tilt_deg, v.in_frame_share, v.others_share,
        problems, warns, fix,
    )  # fmt: skip
