"""`PoseSequence`: one person's landmarks over time, validated at construction.

Conventions
-----------
- ``times_s``: seconds from the start of the source, strictly increasing, float64.
- ``image_xy``: pixels in the (rotation-corrected) frame, origin top-left, x right, y down.
- ``image_z``: MediaPipe's relative depth, scaled to pixels like x (smaller = nearer the camera;
  origin at the hip centre). Only ordinal within a frame.
- ``visibility`` / ``presence``: 0..1 per landmark.
- ``world``: metres, origin at the hip centre, MediaPipe axes (x to the image right, y down,
  z away from the camera).
- A frame where nobody was detected is kept: ``detected`` is False and every value is NaN.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, cast

import numpy as np
from numpy.typing import NDArray

from hipcoach.landmarks import N_LANDMARKS

FloatArray = NDArray[np.floating[Any]]
BoolArray = NDArray[np.bool_]


#: The per-frame arrays of a :class:`PoseSequence`, in field order.
ARRAY_FIELDS: Final = (
    "times_s",
    "image_xy",
    "image_z",
    "visibility",
    "presence",
    "world",
    "detected",
)

#: Provenance note of a sequence whose person was only found by the pose step's second, more
#: sensitive detector pass: its landmarks are too uncertain to count reps from.
WEAK_DETECTION_NOTE = "person found only by a second, more sensitive detector pass"


@dataclass(frozen=True)
class Provenance:
    """Where a sequence came from (kept with saved files)."""

    source: str = ""
    model: str = ""
    model_sha256: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    #: Clockwise rotation applied to decoded frames from container metadata (degrees).
    rotation_deg: int = 0
    #: Frames in which other people than the exerciser were seen and ignored.
    frames_with_others: int = 0
    #: Free-form notes (e.g. "interrupted at 12.3 s").
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "source": self.source,
            "model": self.model,
            "model_sha256": self.model_sha256,
            "versions": dict(self.versions),
            "rotation_deg": self.rotation_deg,
            "frames_with_others": self.frames_with_others,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provenance:
        """Inverse of :meth:`to_dict` (unknown keys are ignored)."""
        return cls(
            source=str(data.get("source", "")),
            model=str(data.get("model", "")),
            model_sha256=str(data.get("model_sha256", "")),
            versions={str(k): str(v) for k, v in dict(data.get("versions", {})).items()},
            rotation_deg=int(data.get("rotation_deg", 0)),
            frames_with_others=int(data.get("frames_with_others", 0)),
            notes=tuple(str(n) for n in data.get("notes", ())),
        )


def _check_shape(name: str, arr: np.ndarray, shape: tuple[int, ...]) -> None:
    if arr.shape != shape:
        raise ValueError(f"PoseSequence.{name} has shape {arr.shape}, expected {shape}")


@dataclass(frozen=True)
class PoseSequence:
    """Landmarks of one person over time (see the module docstring for units)."""

    times_s: FloatArray
    image_xy: FloatArray
    image_z: FloatArray
    visibility: FloatArray
    presence: FloatArray
    world: FloatArray
    detected: BoolArray
    width: int
    height: int
    provenance: Provenance = field(default_factory=Provenance)

    def __post_init__(self) -> None:
        n = int(np.asarray(self.times_s).shape[0]) if np.ndim(self.times_s) == 1 else -1
        if n < 0:
            raise ValueError("PoseSequence.times_s must be one-dimensional")
        conv = {
            "times_s": np.float64,
            "image_xy": np.float32,
            "image_z": np.float32,
            "visibility": np.float32,
            "presence": np.float32,
            "world": np.float32,
        }
        for name, dtype in conv.items():
            object.__setattr__(self, name, np.ascontiguousarray(getattr(self, name), dtype=dtype))
        object.__setattr__(self, "detected", np.ascontiguousarray(self.detected, dtype=bool))
        _check_shape("image_xy", self.image_xy, (n, N_LANDMARKS, 2))
        _check_shape("image_z", self.image_z, (n, N_LANDMARKS))
        _check_shape("visibility", self.visibility, (n, N_LANDMARKS))
        _check_shape("presence", self.presence, (n, N_LANDMARKS))
        _check_shape("world", self.world, (n, N_LANDMARKS, 3))
        _check_shape("detected", self.detected, (n,))
        if n > 1 and not np.all(np.diff(self.times_s) > 0):
            raise ValueError("PoseSequence.times_s must be strictly increasing")
        if not np.all(np.isfinite(self.times_s)):
            raise ValueError("PoseSequence.times_s must be finite")
        if self.width <= 0 or self.height <= 0:
            raise ValueError("PoseSequence width and height must be positive pixels")
        if np.any(np.isfinite(self.image_xy[~self.detected])):
            raise ValueError("PoseSequence frames without a detection must hold NaN")

    # ------------------------------------------------------------------ construction
    @classmethod
    def empty(
        cls,
        n: int,
        width: int,
        height: int,
        times_s: FloatArray | None = None,
        provenance: Provenance | None = None,
    ) -> PoseSequence:
        """A sequence of ``n`` frames with nothing detected (all NaN)."""
        t = np.arange(n, dtype=np.float64) if times_s is None else np.asarray(times_s, np.float64)
        nan = np.float32(np.nan)
        return cls(
            times_s=t,
            image_xy=np.full((n, N_LANDMARKS, 2), nan, np.float32),
            image_z=np.full((n, N_LANDMARKS), nan, np.float32),
            visibility=np.full((n, N_LANDMARKS), nan, np.float32),
            presence=np.full((n, N_LANDMARKS), nan, np.float32),
            world=np.full((n, N_LANDMARKS, 3), nan, np.float32),
            detected=np.zeros(n, bool),
            width=width,
            height=height,
            provenance=provenance or Provenance(),
        )

    # ------------------------------------------------------------------ queries
    def __len__(self) -> int:
        return int(self.times_s.shape[0])

    @property
    def duration_s(self) -> float:
        """Time from the first to the last frame (s); 0 for fewer than two frames."""
        return float(self.times_s[-1] - self.times_s[0]) if len(self) > 1 else 0.0

    @property
    def detection_rate(self) -> float:
        """Share of frames with a detected person (0..1); 0 for an empty sequence."""
        return float(self.detected.mean()) if len(self) else 0.0

    @property
    def median_fps(self) -> float:
        """Median frame rate (frames per second) from the timestamps; NaN if unknown."""
        if len(self) < 2:
            return float("nan")
        return float(1.0 / np.median(np.diff(self.times_s)))

    @staticmethod
    def concat(pieces: Sequence[PoseSequence]) -> PoseSequence:
        """The frames of ``pieces`` one after the other (at least one piece; the size and
        provenance are the first piece's; the caller keeps the times increasing)."""
        return pieces[0].map_arrays(
            lambda name, _: np.concatenate([getattr(p, name) for p in pieces])
        )

    def map_arrays(self, fn: Callable[[str, NDArray[Any]], NDArray[Any]]) -> PoseSequence:
        """The same size and provenance with every per-frame array (:data:`ARRAY_FIELDS`)
        replaced by ``fn(name, array)``; the result is validated like any sequence."""
        arrays = {name: fn(name, getattr(self, name)) for name in ARRAY_FIELDS}
        return replace(self, **cast(dict[str, Any], arrays))

    def slice_time(self, start_s: float, end_s: float) -> PoseSequence:
        """Frames with ``start_s <= t < end_s``."""
        keep = (self.times_s >= start_s) & (self.times_s < end_s)
        return self.select(keep)

    def select(self, mask_or_index: BoolArray | NDArray[np.integer[Any]]) -> PoseSequence:
        """Frames chosen by a boolean mask or an increasing index array."""
        return self.map_arrays(lambda _, a: a[mask_or_index])
