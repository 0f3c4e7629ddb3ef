"""``hipcoach pose``: landmarks from a video, with progress, export and overlay."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hipcoach.backends.base import PoseCandidate
from hipcoach.cli.ui import frame_progress, print_warning
from hipcoach.config import Settings
from hipcoach.errors import Interrupted, NoPersonError
from hipcoach.extract import ExtractionResult
from hipcoach.pipeline import (
    FrameHook,
    HookFactory,
    PoseRequest,
    ProgressFactory,
    check_framing,
    find_poses,
)
from hipcoach.sequence.io import save
from hipcoach.timesplit import available_cores
from hipcoach.video import Frame
from hipcoach.video.base import SourceInfo, scaled_size
from hipcoach.video.overlay import OverlayWriter, draw_pose


@dataclass(frozen=True)
class PoseJob:
    """What ``hipcoach pose`` was asked to do."""

    source: str
    out: Path | None
    overlay: Path | None
    settings: Settings
    show_progress: bool = True
    #: Accept a recording where the body is partly out of frame (warn instead of failing).
    allow_partial_body: bool = False
    max_duration_s: float | None = None
    #: Threads for a video file split in time (None: every core; 1: one pass). Only a video
    #: of at least twice ``timesplit.MIN_PART_S`` without an overlay is split.
    workers: int | None = None


def _total_frames(info: SourceInfo) -> float | None:
    if info.frame_count:
        return float(info.frame_count)
    if info.duration_s and info.nominal_fps:
        return round(info.duration_s * info.nominal_fps)
    return None


def _overlay_hook(overlay: OverlayWriter, min_visibility: float) -> FrameHook:
    def on_frame(frame: Frame, person: PoseCandidate | None) -> None:
        h, w = frame.rgb.shape[:2]
        if person is None:
            overlay.write(frame.rgb, frame.time_s)
            return
        xy = person.norm_xyz[:, :2] * np.array([w, h], np.float32)
        overlay.write(
            draw_pose(
                frame.rgb, xy, person.visibility, min_visibility, f"t = {frame.time_s:6.2f} s"
            ),
            frame.time_s,
        )

    return on_frame


def _overlay_hooks(job: PoseJob, s: Settings) -> HookFactory | None:
    """The overlay video of one pass (frames in order), opened once the source is known."""
    if job.overlay is None:
        return None
    path = job.overlay

    def make(info: SourceInfo, stack: ExitStack) -> FrameHook:
        probe = _first_frame_size(info, s.pose.max_inference_side_px)
        overlay = stack.enter_context(OverlayWriter(path, *probe, info.nominal_fps))
        return _overlay_hook(overlay, s.signal.min_visibility)

    return make


def _progress(job: PoseJob) -> ProgressFactory:
    """The frame bar of one pass (its parts' threads report frames done)."""

    def make(info: SourceInfo, stack: ExitStack) -> Callable[[int], None]:
        bar = stack.enter_context(frame_progress(_total_frames(info), "pose", job.show_progress))
        task = bar.task_ids[0]
        return lambda frames: bar.advance(task, frames)

    return make


def request_of(job: PoseJob) -> PoseRequest:
    """The library request behind a ``hipcoach pose`` job: a video file split in time across
    ``job.workers`` threads (default: every core) unless an overlay needs its frames in order."""
    return PoseRequest(
        job.source,
        job.settings,
        job.max_duration_s,
        hooks=_overlay_hooks(job, job.settings),
        progress=_progress(job),
        threads=job.workers or available_cores(),
    )


def run_pose(job: PoseJob) -> ExtractionResult:
    """Run the pose pipeline (:func:`hipcoach.pipeline.find_poses`; a video split in time
    across threads, :mod:`hipcoach.timesplit`), print its warnings, save the
    landmarks (partial ones too, on Ctrl-C) and check the framing."""
    result = find_poses(request_of(job))
    for message in result.warnings:
        print_warning(message)
    if job.out is not None and len(result.sequence):
        save(result.sequence, job.out)
    if result.interrupted:
        raise Interrupted(
            f"stopped after {len(result.sequence)} frames"
            + (f"; partial landmarks saved to {job.out}" if job.out else "")
        )
    try:
        problems = check_framing(result, job.settings, allow_partial_body=job.allow_partial_body)
    except NoPersonError as exc:
        if job.out is None or not len(result.sequence):
            raise
        saved = f" (landmarks were saved to {job.out})"
        raise NoPersonError(exc.message + saved, fix=exc.fix) from exc
    for problem in problems:
        print_warning(problem)
    return result


def _first_frame_size(info: SourceInfo, max_side_px: int) -> tuple[int, int]:
    return scaled_size(info.width, info.height, max_side_px)
