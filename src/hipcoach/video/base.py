"""Frame and source types shared by every video reader."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Frame:
    """One decoded picture.

    ``rgb`` is H×W×3 uint8, already rotated upright and possibly downscaled for inference;
    ``time_s`` is the presentation time in seconds from the start of the source.
    """

    index: int
    time_s: float
    rgb: NDArray[np.uint8]


@dataclass(frozen=True)
class SourceInfo:
    """What is known about a source before (or while) reading it.

    ``width``/``height`` are the display size in pixels after rotation, i.e. the size
    landmark pixel coordinates refer to (not the possibly downscaled ``Frame.rgb``).
    """

    uri: str
    kind: str  # "file", "images" or "camera"
    width: int
    height: int
    rotation_deg: int = 0
    nominal_fps: float | None = None
    duration_s: float | None = None
    frame_count: int | None = None
    codec: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class FrameSource(Protocol):
    """A stream of frames. Iterate once; call ``close()`` (or use ``with``) when done.

    ``warnings`` collects non-fatal problems found while reading (e.g. a truncated tail).
    """

    info: SourceInfo
    warnings: list[str]

    def __iter__(self) -> Iterator[Frame]: ...

    def close(self) -> None: ...

    def __enter__(self) -> FrameSource: ...

    def __exit__(self, *exc: object) -> None: ...


def scaled_size(width: int, height: int, max_side_px: int) -> tuple[int, int]:
    """Size (px) after shrinking so the long side is at most ``max_side_px`` (even numbers)."""
    long_side = max(width, height)
    if long_side <= max_side_px:
        return width, height
    scale = max_side_px / long_side
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)
