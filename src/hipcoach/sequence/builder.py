"""Accumulate per-frame results into a :class:`PoseSequence` (streaming, O(landmarks) per frame)."""

from __future__ import annotations

import numpy as np

from hipcoach.backends.base import PoseCandidate
from hipcoach.landmarks import N_LANDMARKS
from hipcoach.sequence.schema import PoseSequence, Provenance

_NAN33 = np.full(N_LANDMARKS, np.nan, np.float32)
_NAN33x2 = np.full((N_LANDMARKS, 2), np.nan, np.float32)
_NAN33x3 = np.full((N_LANDMARKS, 3), np.nan, np.float32)


class SequenceBuilder:
    """Collects one row per frame; frames without a person are kept as NaN rows."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._scale = np.array([width, height], np.float32)
        self._t: list[float] = []
        self._xy: list[np.ndarray] = []
        self._z: list[np.ndarray] = []
        self._vis: list[np.ndarray] = []
        self._pres: list[np.ndarray] = []
        self._world: list[np.ndarray] = []
        self._det: list[bool] = []

    def __len__(self) -> int:
        return len(self._t)

    def append(self, time_s: float, person: PoseCandidate | None) -> None:
        """Add one frame at ``time_s`` seconds (must be later than the previous one)."""
        if self._t and time_s <= self._t[-1]:
            raise ValueError(f"frame time {time_s} s is not after {self._t[-1]} s")
        self._t.append(time_s)
        self._det.append(person is not None)
        if person is None:
            for lst, blank in (
                (self._xy, _NAN33x2),
                (self._z, _NAN33),
                (self._vis, _NAN33),
                (self._pres, _NAN33),
                (self._world, _NAN33x3),
            ):
                lst.append(blank)
            return
        self._xy.append(person.norm_xyz[:, :2] * self._scale)
        self._z.append(person.norm_xyz[:, 2] * self._scale[0])
        self._vis.append(person.visibility)
        self._pres.append(person.presence)
        self._world.append(person.world)

    def build(self, provenance: Provenance | None = None) -> PoseSequence:
        """The sequence collected so far."""
        n = len(self._t)

        def stack(items: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
            return np.stack(items) if items else np.empty((0, *shape), np.float32)

        return PoseSequence(
            times_s=np.asarray(self._t, np.float64),
            image_xy=stack(self._xy, (N_LANDMARKS, 2)),
            image_z=stack(self._z, (N_LANDMARKS,)),
            visibility=stack(self._vis, (N_LANDMARKS,)),
            presence=stack(self._pres, (N_LANDMARKS,)),
            world=stack(self._world, (N_LANDMARKS, 3)),
            detected=np.asarray(self._det, bool).reshape(n),
            width=self.width,
            height=self.height,
            provenance=provenance or Provenance(),
        )
