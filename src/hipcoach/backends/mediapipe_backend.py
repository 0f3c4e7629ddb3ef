"""The real pose model: MediaPipe Tasks PoseLandmarker in VIDEO mode.

This is the only module of hipcoach that imports mediapipe.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hipcoach.backends.base import PoseCandidate
from hipcoach.config import DEFAULTS, ModelName, PoseSettings
from hipcoach.interrupts import shielded
from hipcoach.modelstore import load_model
from hipcoach.video.base import Frame


def mediapipe_version() -> str:
    """Installed mediapipe version string."""
    import mediapipe  # noqa: PLC0415 - keep import lazy

    _unpin_import_frames()
    return str(getattr(mediapipe, "__version__", "unknown"))


def _unpin_import_frames() -> None:
    """Let go of the frames that were on the stack when MediaPipe was first imported.

    ``mediapipe.tasks.python.audio.core.audio_record`` keeps the error of its optional audio
    import (no PortAudio library here) in a module global, ``sd_error``, traceback included;
    that traceback holds every frame that was on the stack at the first import, with the
    locals each had when it returned, for the life of the process: a pose pass's landmarks,
    a split part's result (docs/performance.md, "RSS over a 60-minute clip"). The error is
    kept, its traceback dropped.
    """
    module = sys.modules.get("mediapipe.tasks.python.audio.core.audio_record")
    error = getattr(module, "sd_error", None)
    if isinstance(error, BaseException):
        error.__traceback__ = None


class _Silencer:
    """Points fd 2 at /dev/null while any thread is inside :meth:`silenced`: the first thread
    in saves the real stderr, the last one out puts it back (two landmarkers starting in two
    threads must not save each other's /dev/null as "the real stderr")."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0
        self._saved = -1

    @contextmanager
    def silenced(self) -> Iterator[None]:
        with self._lock:
            if self._inside == 0:
                sys.stderr.flush()
                self._saved = os.dup(2)
                with open(os.devnull, "wb") as devnull:
                    os.dup2(devnull.fileno(), 2)
            self._inside += 1
        try:
            yield
        finally:
            with self._lock:
                self._inside -= 1
                if self._inside == 0:
                    os.dup2(self._saved, 2)
                    os.close(self._saved)


_SILENCER = _Silencer()


@contextmanager
def _native_logs_silenced() -> Iterator[None]:
    """Hide the native library's start-up log lines (TFLite/absl write them to fd 2).

    They appear only while the task is created and on its first frame. Set
    ``HIPCOACH_NATIVE_LOGS=1`` to see them.
    """
    if os.environ.get("HIPCOACH_NATIVE_LOGS") == "1":
        yield
        return
    with _SILENCER.silenced():
        yield


class MediaPipeBackend:
    """PoseLandmarker (lite/full/heavy) on CPU, fed frames with strictly increasing ms stamps.

    ``segmentation=True`` also asks the model for each person's segmentation mask: after
    each :meth:`detect`, ``last_masks`` holds one (H, W) float32 array per candidate (in the
    candidates' order), the probability 0..1 that the pixel belongs to that person.
    """

    def __init__(
        self,
        model: ModelName | None = None,
        settings: PoseSettings = DEFAULTS.pose,
        *,
        segmentation: bool = False,
    ) -> None:
        from mediapipe.tasks.python import vision  # noqa: PLC0415
        from mediapipe.tasks.python.core.base_options import BaseOptions  # noqa: PLC0415

        _unpin_import_frames()
        model_name: ModelName = model or settings.model
        data, sha = load_model(model_name)
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=data),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=settings.max_people,
            min_pose_detection_confidence=settings.min_detection_confidence,
            min_pose_presence_confidence=settings.min_presence_confidence,
            min_tracking_confidence=settings.min_tracking_confidence,
            output_segmentation_masks=segmentation,
        )
        with _native_logs_silenced():
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        self.name = f"mediapipe-{model_name}"
        self.model_sha256 = sha
        self._last_ms = -1
        self._quiet = True  # until the landmark stage has run once
        self.last_masks: list[NDArray[np.float32]] = []

    def _timestamp_ms(self, time_s: float) -> int:
        ms = max(round(time_s * 1000.0), self._last_ms + 1)
        self._last_ms = ms
        return ms

    def detect(self, frame: Frame) -> list[PoseCandidate]:
        """Run the model on one RGB frame."""
        import mediapipe as mp  # noqa: PLC0415 - imported already, by __init__

        # mp.Image reads the buffer as packed rows: a strided view (padded or sliced
        # rows) would be read as a different, garbled picture with nobody in it
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(frame.rgb))
        stamp = self._timestamp_ms(frame.time_s)
        # Ctrl-C is held during the call: the native worker still reads ``image``
        if self._quiet:  # the graph logs its set-up until it first finds a person
            with _native_logs_silenced(), shielded():
                result = self._landmarker.detect_for_video(image, stamp)
            self._quiet = not result.pose_landmarks
        else:
            with shielded():
                result = self._landmarker.detect_for_video(image, stamp)
        masks = result.segmentation_masks or []
        self.last_masks = [np.asarray(m.numpy_view(), np.float32).squeeze() for m in masks]
        return [
            _candidate(lms, wlms)
            for lms, wlms in zip(result.pose_landmarks, result.pose_world_landmarks, strict=False)
        ]

    def close(self) -> None:
        """Release the native task."""
        self._landmarker.close()

    def __enter__(self) -> MediaPipeBackend:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _candidate(landmarks: Any, world_landmarks: Any) -> PoseCandidate:
    def num(v: Any) -> float:
        return float("nan") if v is None else float(v)

    norm = np.array([[num(p.x), num(p.y), num(p.z)] for p in landmarks], np.float32)
    vis = np.array([num(p.visibility) for p in landmarks], np.float32)
    pres = np.array([num(p.presence) for p in landmarks], np.float32)
    world = np.array([[num(p.x), num(p.y), num(p.z)] for p in world_landmarks], np.float32)
    return PoseCandidate(norm_xyz=norm, visibility=vis, presence=pres, world=world)
