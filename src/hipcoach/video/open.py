"""Open any supported source from a command-line style spec."""

from __future__ import annotations

from pathlib import Path

from hipcoach.config import DEFAULTS, PoseSettings, VideoSettings
from hipcoach.errors import InputError
from hipcoach.video.base import FrameSource
from hipcoach.video.camera import CameraSource
from hipcoach.video.files import VideoFileSource
from hipcoach.video.images import IMAGE_SUFFIXES, ImageFolderSource

VIDEO_SUFFIXES = frozenset(
    {".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv", ".y4m", ".mpg", ".mpeg"}
)


def camera_index(spec: str | Path | int) -> int | None:
    """The webcam index a spec names (``3``, ``"3"`` or ``"camera:3"``), else None."""
    if isinstance(spec, int):
        return spec
    text = str(spec)
    if text.startswith("camera:"):
        text = text[len("camera:") :]
    elif Path(text).exists():
        return None
    return int(text) if text.isdigit() else None


def open_source(
    spec: str | Path | int,
    pose: PoseSettings = DEFAULTS.pose,
    video: VideoSettings = DEFAULTS.video,
) -> FrameSource:
    """Open a video file, an image folder or a webcam index.

    Raises :class:`InputError` with a one-line cause and fix for anything unusable.
    """
    index = camera_index(spec)
    if index is not None:
        return CameraSource(index, max_side_px=pose.max_inference_side_px)
    path = Path(str(spec))
    if path.is_dir():
        return ImageFolderSource(
            path,
            fps=video.image_folder_fps,
            max_side_px=pose.max_inference_side_px,
            max_frame_pixels=pose.max_frame_pixels,
        )
    if path.suffix.lower() in IMAGE_SUFFIXES:
        raise InputError(
            f"{path.name} is a still image, not a video", fix="give a video, or a folder of frames"
        )
    return VideoFileSource(
        path, max_side_px=pose.max_inference_side_px, max_frame_pixels=pose.max_frame_pixels
    )
