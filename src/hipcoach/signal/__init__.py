"""Signal layer: gap handling, smoothing and joint angles on numpy arrays.

Units: times in seconds, frequencies in Hz, angles in degrees; positions keep the unit of
the input (image pixels or world metres). See each module for sign conventions.
"""

from hipcoach.signal.angles import (
    angle_2d,
    angle_3d,
    angle_between_segments_2d,
    knee_flexion_deg,
    mask_low_visibility,
    segment_angle_2d,
)
from hipcoach.signal.filters import (
    OneEuroFilter,
    SmoothingMethod,
    butterworth,
    one_euro,
    smooth_sequence,
)
from hipcoach.signal.gaps import fill_short_gaps, finite_runs, true_runs
from hipcoach.types import Side

__all__ = [
    "OneEuroFilter",
    "Side",
    "SmoothingMethod",
    "angle_2d",
    "angle_3d",
    "angle_between_segments_2d",
    "butterworth",
    "fill_short_gaps",
    "finite_runs",
    "knee_flexion_deg",
    "mask_low_visibility",
    "one_euro",
    "segment_angle_2d",
    "smooth_sequence",
    "true_runs",
]
