"""The `PoseBackend` interface: one frame in, the people found in it out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from hipcoach.video.base import Frame

F32 = NDArray[np.float32]


@dataclass(frozen=True)
class PoseCandidate:
    """One person found in one frame.

    ``norm_xyz``: (33, 3) x, y as a fraction of the frame width/height (may fall outside
    0..1 for off-picture landmarks), z relative depth in the same scale as x.
    ``visibility``, ``presence``: (33,) in 0..1. ``world``: (33, 3) metres, hip-centred.
    """

    norm_xyz: F32
    visibility: F32
    presence: F32
    world: F32

    def centre(self) -> NDArray[np.float64]:
        """Normalised image position of the hip centre, falling back to the mean landmark."""
        hips = self.norm_xyz[[23, 24], :2].astype(np.float64)
        if np.all(np.isfinite(hips)):
            return np.asarray(hips.mean(axis=0))
        return np.asarray(np.nanmean(self.norm_xyz[:, :2], axis=0), dtype=np.float64)

    def bbox_area(self) -> float:
        """Area of the landmark bounding box in normalised units (width*height fractions)."""
        xy = self.norm_xyz[:, :2]
        vis = self.visibility >= 0.5
        pts = xy[vis] if np.count_nonzero(vis) >= 4 else xy
        span = np.nanmax(pts, axis=0) - np.nanmin(pts, axis=0)
        return float(span[0] * span[1])


class PoseBackend(Protocol):
    """Anything that turns frames into pose candidates (see ``MediaPipeBackend``,
    ``ReplayBackend``). Frames must be given in increasing time order."""

    #: Short model description for provenance, e.g. "mediapipe-full".
    name: str
    #: sha256 of the model file ("" when not applicable).
    model_sha256: str

    def detect(self, frame: Frame) -> list[PoseCandidate]:
        """People found in ``frame`` (empty list when nobody is found)."""
        ...

    def close(self) -> None:
        """Release the model."""
        ...

    def __enter__(self) -> PoseBackend: ...

    def __exit__(self, *exc: Any) -> None: ...
