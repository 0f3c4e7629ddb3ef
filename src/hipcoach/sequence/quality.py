"""Is a pose sequence usable? Checks that turn bad recordings into clear messages."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hipcoach.config import DEFAULTS, QualitySettings, SignalSettings
from hipcoach.errors import NoPersonError
from hipcoach.landmarks import Landmark
from hipcoach.sequence.schema import PoseSequence

#: Landmarks that must be in the picture for a "whole body" frame.
LOWER_BODY = (
    Landmark.LEFT_HIP,
    Landmark.RIGHT_HIP,
    Landmark.LEFT_KNEE,
    Landmark.RIGHT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
)

FIX_FRAMING = "move the camera back so your whole body, hips and feet included, is in the picture"


def in_picture(seq: PoseSequence, min_visibility: float) -> NDArray[np.bool_]:
    """(N, 33) True where a landmark is visible enough and inside the frame."""
    x, y = seq.image_xy[..., 0], seq.image_xy[..., 1]
    with np.errstate(invalid="ignore"):
        inside = (x >= 0) & (x < seq.width) & (y >= 0) & (y < seq.height)
        return np.asarray(inside & (seq.visibility >= min_visibility), dtype=bool)


def full_body_share(seq: PoseSequence, signal: SignalSettings = DEFAULTS.signal) -> float:
    """Share of detected frames (0..1) with hips, knees and ankles all in the picture."""
    if not seq.detected.any():
        return 0.0
    visible = in_picture(seq, signal.min_visibility)
    ok = np.all(visible[:, list(LOWER_BODY)], axis=1)
    return float(np.mean(ok[seq.detected]))


def require_person(seq: PoseSequence) -> None:
    """Raise :class:`NoPersonError` when nobody was found in any frame."""
    if len(seq) == 0:
        raise NoPersonError("the video has no frames to analyse")
    if not seq.detected.any():
        raise NoPersonError(
            f"no person found in any of the {len(seq)} frames",
            fix="film in good light with your whole body in the picture",
        )


def framing_problems(
    seq: PoseSequence,
    quality: QualitySettings = DEFAULTS.quality,
    signal: SignalSettings = DEFAULTS.signal,
) -> list[str]:
    """Messages about framing that make the recording hard to use (empty when fine)."""
    share = full_body_share(seq, signal)
    if seq.detected.any() and share < quality.min_full_body_share:
        return [
            f"body partly out of frame: hips, knees and ankles were all visible in only "
            f"{share:.0%} of the frames with a person"
        ]
    return []
