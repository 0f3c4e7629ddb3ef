"""Is a pose sequence usable? Checks that turn bad recordings into clear messages.

The one "body in the picture" check of hipcoach: a frame shows the body when hips, knees and
ankles are all visible enough and inside the picture (:func:`body_in_picture`); too few such
frames give one message (:func:`out_of_frame_problem`) and one fix (:data:`FIX_FRAMING`).
Each user keeps its own share with the settings it owns: the pose step
(``QualitySettings.min_full_body_share``), the side-lying view check
(``ViewSettings.min_whole_body_share``, over the lying frames) and the screens
(``ScreenSettings.min_in_frame_share``).
"""

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

FIX_FRAMING = (
    "move the camera back (2-3 m) so your whole body, hips and feet included, is in the picture"
)
#: What :func:`require_person` suggests when nobody was found.
FIX_NO_PERSON = "film in good light with your whole body in the picture"


def in_picture(seq: PoseSequence, min_visibility: float) -> NDArray[np.bool_]:
    """(N, 33) True where a landmark is visible enough and inside the frame."""
    x, y = seq.image_xy[..., 0], seq.image_xy[..., 1]
    with np.errstate(invalid="ignore"):
        inside = (x >= 0) & (x < seq.width) & (y >= 0) & (y < seq.height)
        return np.asarray(inside & (seq.visibility >= min_visibility), dtype=bool)


def body_in_picture(seq: PoseSequence, min_visibility: float) -> NDArray[np.bool_]:
    """(N,) True where hips, knees and ankles are all visible enough and inside the picture."""
    return np.asarray(np.all(in_picture(seq, min_visibility)[:, list(LOWER_BODY)], axis=1))


def full_body_share(seq: PoseSequence, signal: SignalSettings = DEFAULTS.signal) -> float:
    """Share of detected frames (0..1) with hips, knees and ankles all in the picture."""
    if not seq.detected.any():
        return 0.0
    return float(np.mean(body_in_picture(seq, signal.min_visibility)[seq.detected]))


def out_of_frame_problem(share: float, min_share: float, frames: str) -> str | None:
    """The message when only ``share`` (0..1) of ``frames`` (e.g. "the lying frames") show
    the body, below ``min_share``; None when enough do."""
    if share >= min_share:
        return None
    return (
        f"body partly out of frame: hips, knees and ankles were all in the picture in only "
        f"{share:.0%} of {frames}"
    )


def require_person(seq: PoseSequence) -> None:
    """Raise :class:`NoPersonError` when nobody was found in any frame."""
    if len(seq) == 0:
        raise NoPersonError("the video has no frames to analyse")
    if not seq.detected.any():
        raise NoPersonError(f"no person found in any of the {len(seq)} frames", fix=FIX_NO_PERSON)


def framing_problems(
    seq: PoseSequence,
    quality: QualitySettings = DEFAULTS.quality,
    signal: SignalSettings = DEFAULTS.signal,
) -> list[str]:
    """Messages about framing that make the recording hard to use (empty when fine)."""
    if not seq.detected.any():
        return []
    share = full_body_share(seq, signal)
    problem = out_of_frame_problem(share, quality.min_full_body_share, "the frames with a person")
    return [problem] if problem is not None else []
