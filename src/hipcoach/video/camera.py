"""A live webcam (OpenCV). Timestamps are seconds since the first frame, from a
monotonic clock, so a camera that drops frames keeps its real timing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import cv2
import numpy as np

from hipcoach.errors import InputError
from hipcoach.video.base import Frame, SourceInfo, scaled_size


def _open_quietly(index: int) -> cv2.VideoCapture:
    """``cv2.VideoCapture(index)`` without OpenCV's native warnings on stderr (a missing
    camera is reported by our own one-line error instead)."""
    previous = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        cap = cv2.VideoCapture(index)
        # Keep at most one frame queued in the driver: frames are stamped when read, so a
        # deep queue would hand out old frames with new times when inference is slower
        # than the camera (ignored by backends that cannot change it).
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        return cap
    finally:
        cv2.utils.logging.setLogLevel(previous)


class CameraSource:
    """Frames from webcam ``index`` until ``close()`` or ``max_duration_s``."""

    def __init__(
        self,
        index: int,
        *,
        max_side_px: int,
        max_duration_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.warnings: list[str] = []
        self._cap = _open_quietly(index)
        if not self._cap.isOpened():
            raise InputError(
                f"cannot open camera {index}",
                fix="check that a webcam is connected "
                "and not used by another program, or give a video file",
            )
        ok, bgr = self._cap.read()
        if not ok or bgr is None:
            self._cap.release()
            raise InputError(f"camera {index} gives no picture", fix="check the camera")
        self._first = bgr
        self._clock = clock
        self._max = max_duration_s
        h, w = bgr.shape[:2]
        self._size = scaled_size(w, h, max_side_px)
        fps = float(self._cap.get(cv2.CAP_PROP_FPS)) or None
        self.info = SourceInfo(
            uri=f"camera:{index}", kind="camera", width=w, height=h, nominal_fps=fps
        )
        self._closed = False

    def __iter__(self) -> Iterator[Frame]:
        t0 = self._clock()
        bgr = self._first
        index = 0
        while not self._closed:
            t = self._clock() - t0
            if self._max is not None and t > self._max:
                return
            if (bgr.shape[1], bgr.shape[0]) != self._size:
                bgr = cv2.resize(bgr, self._size, interpolation=cv2.INTER_AREA)
            rgb = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
            yield Frame(index=index, time_s=t, rgb=rgb)
            index += 1
            ok, bgr = self._cap.read()
            if not ok or bgr is None:
                self.warnings.append("the camera stopped giving pictures")
                return

    def close(self) -> None:
        """Release the camera."""
        self._closed = True
        self._cap.release()

    def __enter__(self) -> CameraSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
