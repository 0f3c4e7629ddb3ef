"""Choose the exerciser among the people in view and follow the same person over time."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hipcoach.backends.base import PoseCandidate
from hipcoach.config import DEFAULTS, TrackingSettings

_SHOULDERS = [11, 12]
_HIPS = [23, 24]


def _pixels(c: PoseCandidate, width: int, height: int) -> np.ndarray:
    return c.norm_xyz[:, :2].astype(np.float64) * np.array([width, height], np.float64)


def torso_length_px(c: PoseCandidate, width: int, height: int) -> float:
    """Distance from the shoulder midpoint to the hip midpoint (px); NaN if unknown."""
    xy = _pixels(c, width, height)
    return float(np.linalg.norm(xy[_SHOULDERS].mean(axis=0) - xy[_HIPS].mean(axis=0)))


class PersonTracker:
    """Picks one person per frame.

    The first person seen is the largest (the exerciser is usually the nearest to the
    camera); after that, the candidate nearest the last known position, within a radius
    of ``max_jump_torso`` torso lengths that grows while the person is out of sight.
    A frame where the tracked person is not found gives ``None`` even if others are in
    view: a bystander never replaces the exerciser mid-recording.
    """

    def __init__(
        self, width: int, height: int, settings: TrackingSettings = DEFAULTS.tracking
    ) -> None:
        self._w, self._h = width, height
        self._s = settings
        self._centre: np.ndarray | None = None
        self._torso = float("nan")
        self._last_seen_s = float("nan")
        #: Frames in which someone other than the chosen person was in view.
        self.frames_with_others = 0

    def _centre_px(self, c: PoseCandidate) -> np.ndarray:
        return c.centre() * np.array([self._w, self._h], np.float64)

    def _radius(self, time_s: float) -> float:
        torso = (
            self._torso
            if np.isfinite(self._torso) and self._torso > 0
            else 0.25 * max(self._w, self._h)
        )
        since = max(0.0, time_s - self._last_seen_s)
        return torso * (self._s.max_jump_torso + self._s.regrow_torso_per_s * since)

    def _choose(self, time_s: float, candidates: Sequence[PoseCandidate]) -> PoseCandidate | None:
        if self._centre is None:
            return max(candidates, key=lambda c: c.bbox_area())
        dists = [float(np.linalg.norm(self._centre_px(c) - self._centre)) for c in candidates]
        best = int(np.argmin(dists))
        return candidates[best] if dists[best] <= self._radius(time_s) else None

    def update(self, time_s: float, candidates: Sequence[PoseCandidate]) -> PoseCandidate | None:
        """The exerciser in this frame (or None)."""
        if not candidates:
            return None
        chosen = self._choose(time_s, candidates)
        if len(candidates) > 1 or chosen is None:
            self.frames_with_others += 1
        if chosen is not None:
            self._centre = self._centre_px(chosen)
            torso = torso_length_px(chosen, self._w, self._h)
            if np.isfinite(torso) and torso > 0:
                self._torso = torso
            self._last_seen_s = time_s
        return chosen
