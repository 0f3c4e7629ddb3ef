"""The 33 BlazePose landmarks: names, indices, skeleton edges and left/right pairs.

This is the single source of truth for landmark naming used by every layer
(sequence schema, CSV/TRC export, signal, overlay).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final


class Landmark(IntEnum):
    """BlazePose landmark indices (the person's own left/right)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


N_LANDMARKS: Final = len(Landmark)
NAMES: Final[tuple[str, ...]] = tuple(lm.name.lower() for lm in Landmark)

#: Skeleton edges drawn in overlays (pairs of landmark indices).
EDGES: Final[tuple[tuple[int, int], ...]] = (
    (11, 12),
    (11, 13),
    (13, 15),
    (12, 14),
    (14, 16),
    (11, 23),
    (12, 24),
    (23, 24),
    (23, 25),
    (25, 27),
    (27, 29),
    (29, 31),
    (27, 31),
    (24, 26),
    (26, 28),
    (28, 30),
    (30, 32),
    (28, 32),
    (0, 2),
    (0, 5),
    (2, 7),
    (5, 8),
    (9, 10),
)


def mirror_index(index: int) -> int:
    """Return the index of the same landmark on the other body side (nose maps to itself)."""
    name = Landmark(index).name
    if name.startswith("LEFT_"):
        return int(Landmark["RIGHT_" + name[5:]])
    if name.startswith("RIGHT_"):
        return int(Landmark["LEFT_" + name[6:]])
    if name == "MOUTH_LEFT":
        return int(Landmark.MOUTH_RIGHT)
    if name == "MOUTH_RIGHT":
        return int(Landmark.MOUTH_LEFT)
    return index


#: Permutation that swaps every left landmark with its right twin.
MIRROR_PERMUTATION: Final[tuple[int, ...]] = tuple(mirror_index(i) for i in range(N_LANDMARKS))
