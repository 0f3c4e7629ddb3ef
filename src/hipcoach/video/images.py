"""A folder of still images (jpg/png/bmp/webp), read in name order as a clip.

Images carry no timestamps, so frame ``i`` is at ``i / fps`` seconds with ``fps``
given by the caller (a float; see ``VideoSettings.image_folder_fps``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from hipcoach.errors import InputError
from hipcoach.video.base import Frame, SourceInfo, scaled_size

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


class ImageFolderSource:
    """Frames from the images of one folder (see module docstring)."""

    def __init__(
        self, folder: Path, *, fps: float, max_side_px: int, max_frame_pixels: int
    ) -> None:
        self.warnings: list[str] = []
        self._files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise InputError(
                f"no images found in folder {folder}", fix="put .jpg or .png frames in it"
            )
        if fps <= 0:
            raise InputError(f"frame rate must be positive, got {fps}")
        self._fps = float(fps)
        first = self._read(self._files[0])
        h, w = first.shape[:2]
        if w * h > max_frame_pixels:
            raise InputError(
                f"{self._files[0].name} is {w}x{h} pixels, larger than hipcoach accepts"
            )
        self._size = scaled_size(w, h, max_side_px)
        self.info = SourceInfo(
            uri=str(folder),
            kind="images",
            width=w,
            height=h,
            nominal_fps=self._fps,
            duration_s=(len(self._files) - 1) / self._fps,
            frame_count=len(self._files),
        )

    @staticmethod
    def _read(path: Path) -> np.ndarray:
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            raise InputError(f"cannot read image {path.name}", fix="remove or replace the file")
        return bgr

    def __iter__(self) -> Iterator[Frame]:
        w, h = self._size
        index = 0
        for path in self._files:
            try:
                bgr = self._read(path)
            except InputError as exc:
                self.warnings.append(exc.message)
                continue
            if (bgr.shape[1], bgr.shape[0]) != (self.info.width, self.info.height):
                self.warnings.append(f"{path.name} has a different size; skipped")
                continue
            if (w, h) != (self.info.width, self.info.height):
                bgr = cv2.resize(bgr, (w, h), interpolation=cv2.INTER_AREA)
            rgb = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
            yield Frame(index=index, time_s=index / self._fps, rgb=rgb)
            index += 1

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> ImageFolderSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
