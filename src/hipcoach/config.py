"""All tunable defaults of hipcoach, in one place.

Every threshold that other modules use is a field here, with its unit in the
name or the docstring. Modules take a settings object (or one field of it) as
an argument; none of them repeats a literal default.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ModelName = Literal["lite", "full", "heavy"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PoseSettings(_Frozen):
    """Pose inference settings."""

    model: ModelName = "full"
    #: MediaPipe detector confidence needed to start tracking a person (0..1).
    min_detection_confidence: float = Field(0.5, ge=0.0, le=1.0)
    #: MediaPipe pose presence confidence needed to keep a detection (0..1).
    min_presence_confidence: float = Field(0.5, ge=0.0, le=1.0)
    #: MediaPipe tracking confidence below which the detector re-runs (0..1).
    min_tracking_confidence: float = Field(0.5, ge=0.0, le=1.0)
    #: How many people the model looks for; the exerciser is chosen among them.
    max_people: int = Field(2, ge=1, le=8)
    #: Frames whose long side exceeds this are downscaled before inference (px).
    #: Landmarks are still reported in the pixels of the original frame.
    max_inference_side_px: int = Field(1280, ge=256)
    #: Frames larger than this many pixels (w*h) are refused as unreasonable.
    max_frame_pixels: int = Field(8192 * 8192, ge=1)
    #: Decoded frames buffered between the decoder thread and inference.
    queue_frames: int = Field(8, ge=1)


class VideoSettings(_Frozen):
    """Reading video sources."""

    #: Frame rate assumed for a folder of still images (frames per second).
    image_folder_fps: float = Field(30.0, gt=0.0)


class TrackingSettings(_Frozen):
    """Choosing and following the exerciser when several people are in view."""

    #: A candidate farther than this from the tracked person (in units of the
    #: tracked person's torso length) is not the same person.
    max_jump_torso: float = Field(1.0, gt=0.0)
    #: The search radius grows by this many torso lengths per second the person is
    #: not seen, so they can be found again after walking out and back.
    regrow_torso_per_s: float = Field(2.0, ge=0.0)


class SignalSettings(_Frozen):
    """Smoothing and angle settings."""

    #: Landmarks below this visibility give "no reading" (NaN).
    min_visibility: float = Field(0.5, ge=0.0, le=1.0)
    #: Gaps (missing frames) up to this long are interpolated before filtering;
    #: longer gaps stay missing (s).
    max_gap_s: float = Field(0.25, ge=0.0)
    #: One-Euro filter minimum cutoff frequency (Hz).
    one_euro_min_cutoff_hz: float = Field(1.5, gt=0.0)
    #: One-Euro speed coefficient (cutoff grows by beta Hz per unit/s of speed).
    one_euro_beta: float = Field(0.05, ge=0.0)
    #: One-Euro cutoff for the derivative estimate (Hz).
    one_euro_d_cutoff_hz: float = Field(1.0, gt=0.0)
    #: Butterworth low-pass cutoff (Hz) and order (zero-phase, applied forward-backward).
    butterworth_cutoff_hz: float = Field(6.0, gt=0.0)
    butterworth_order: int = Field(2, ge=1, le=8)


class QualitySettings(_Frozen):
    """When a recording is judged unusable."""

    #: Share of detected frames in which hips, knees and ankles must be inside
    #: the picture; below it the body is "partly out of frame".
    min_full_body_share: float = Field(0.5, ge=0.0, le=1.0)


class ViewSettings(_Frozen):
    """Reading the camera set-up of a side-lying recording."""

    #: The trunk (hip→shoulder line) counts as lying when within this angle of the image
    #: horizontal (deg).
    max_lying_tilt_deg: float = Field(35.0, gt=0.0, lt=90.0)
    #: Share of frames with a person that must show a lying body for the clip to be a
    #: side-lying recording (0..1).
    min_lying_share: float = Field(0.3, ge=0.0, le=1.0)
    #: Body long axis turned toward/away from the camera beyond this (deg) = diagonal view.
    diagonal_yaw_deg: float = Field(22.0, gt=0.0, lt=90.0)
    #: Hip line tilted toward the camera beyond this (deg) = raised camera looking down.
    raised_pitch_deg: float = Field(15.0, gt=0.0, lt=90.0)
    #: Beyond this the view cannot be read (deg from square-on).
    max_yaw_deg: float = Field(55.0, gt=0.0, lt=90.0)
    #: Body spanning more than this share of the picture width = camera too close (0..1).
    max_body_span: float = Field(0.97, gt=0.0, le=1.0)
    #: Share of lying frames with head, hips and feet inside the picture, below which the
    #: body counts as cut off (0..1).
    min_whole_body_share: float = Field(0.7, ge=0.0, le=1.0)


class Settings(_Frozen):
    """The whole configuration tree."""

    pose: PoseSettings = PoseSettings()
    video: VideoSettings = VideoSettings()
    tracking: TrackingSettings = TrackingSettings()
    signal: SignalSettings = SignalSettings()
    quality: QualitySettings = QualitySettings()
    view: ViewSettings = ViewSettings()


DEFAULTS = Settings()
