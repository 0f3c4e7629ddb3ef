"""A frame source of blank pictures for tests whose backend ignores the pixels."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from hipcoach.video.base import Frame, SourceInfo


class BlankSource:
    """Black frames at ``times`` (s) from a file-like source of ``width`` x ``height`` px.

    ``frame_count`` and ``nominal_fps`` are what the container would declare (None:
    unknown); every frame shares one small picture (``picture_px`` square).
    """

    def __init__(
        self,
        times: Sequence[float],
        width: int,
        height: int,
        *,
        frame_count: int | None = None,
        nominal_fps: float | None = None,
        picture_px: int = 8,
    ) -> None:
        self.times = list(times)
        self.info = SourceInfo(
            uri="fake",
            kind="file",
            width=width,
            height=height,
            nominal_fps=nominal_fps,
            frame_count=frame_count,
        )
        self.warnings: list[str] = []
        self._picture = np.zeros((picture_px, picture_px, 3), np.uint8)

    def __iter__(self) -> Iterator[Frame]:
        for i, t in enumerate(self.times):
            yield Frame(index=i, time_s=t, rgb=self._picture)

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> BlankSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
