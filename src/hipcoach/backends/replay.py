"""Replay recorded landmarks as if a model produced them (tests, re-analysis)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hipcoach.backends.base import PoseCandidate
from hipcoach.sequence.schema import PoseSequence
from hipcoach.video.base import Frame


class ReplayBackend:
    """Returns, for the n-th frame it is given, the n-th recorded list of candidates.

    Build it from per-frame candidate lists (any number of people per frame) or from a
    saved :class:`PoseSequence` (one person; undetected frames give no candidate).
    Frames past the end of the recording give no candidate.
    """

    def __init__(
        self,
        frames: Sequence[Sequence[PoseCandidate]],
        name: str = "replay",
        model_sha256: str = "",
    ) -> None:
        self._frames = [list(f) for f in frames]
        self._next = 0
        self.name = name
        self.model_sha256 = model_sha256

    @classmethod
    def from_sequence(cls, seq: PoseSequence) -> ReplayBackend:
        """Replay a saved sequence (pixels are converted back to normalised units)."""
        scale = np.array([seq.width, seq.height, seq.width], np.float32)
        frames: list[list[PoseCandidate]] = []
        for i in range(len(seq)):
            if not seq.detected[i]:
                frames.append([])
                continue
            xyz = np.concatenate([seq.image_xy[i], seq.image_z[i][:, None]], axis=1) / scale
            frames.append(
                [
                    PoseCandidate(
                        norm_xyz=xyz.astype(np.float32),
                        visibility=seq.visibility[i],
                        presence=seq.presence[i],
                        world=seq.world[i],
                    )
                ]
            )
        return cls(
            frames,
            name=f"replay:{seq.provenance.model or 'unknown'}",
            model_sha256=seq.provenance.model_sha256,
        )

    def detect(self, frame: Frame) -> list[PoseCandidate]:
        """The recorded candidates of the next frame."""
        i = self._next
        self._next += 1
        return list(self._frames[i]) if i < len(self._frames) else []

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> ReplayBackend:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
