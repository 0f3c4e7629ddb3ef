"""``hipcoach pose``: landmarks from a video, with progress, export and overlay."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from rich.progress import Progress

from hipcoach.backends import create_backend
from hipcoach.backends.base import PoseCandidate
from hipcoach.cli.ui import frame_progress, print_warning
from hipcoach.config import Settings
from hipcoach.errors import Interrupted, NoPersonError
from hipcoach.extract import ExtractionResult, extract_poses
from hipcoach.sequence.io import save
from hipcoach.sequence.quality import FIX_FRAMING, framing_problems, require_person
from hipcoach.sequence.schema import WEAK_DETECTION_NOTE
from hipcoach.video import Frame, open_source
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


def _total_frames(info: SourceInfo) -> float | None:
    if info.frame_count:
        return float(info.frame_count)
    if info.duration_s and info.nominal_fps:
        return round(info.duration_s * info.nominal_fps)
    return None


def _frame_callback(
    progress: Progress, overlay: OverlayWriter | None, min_visibility: float
) -> Callable[[Frame, PoseCandidate | None], None]:
    task = progress.task_ids[0]

    def on_frame(frame: Frame, person: PoseCandidate | None) -> None:
        progress.advance(task)
        if overlay is None:
            return
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


def _extract(job: PoseJob, s: Settings) -> ExtractionResult:
    """One pass of the pose model over the whole source."""
    with ExitStack() as stack:
        source = stack.enter_context(open_source(job.source, s.pose, s.video))
        backend = stack.enter_context(create_backend(s.pose.model, settings=s.pose))
        overlay = None
        if job.overlay is not None:
            probe = _first_frame_size(source.info, s.pose.max_inference_side_px)
            overlay = stack.enter_context(
                OverlayWriter(job.overlay, *probe, source.info.nominal_fps)
            )
        progress = stack.enter_context(
            frame_progress(_total_frames(source.info), "pose", job.show_progress)
        )
        return extract_poses(
            source,
            backend,
            s,
            on_frame=_frame_callback(progress, overlay, s.signal.min_visibility),
            max_duration_s=job.max_duration_s,
        )


def _retry_settings(job: PoseJob, result: ExtractionResult) -> Settings | None:
    """Settings for a second pass when the person detector missed most frames of a file
    (a lying body far away is found with low confidence), else None."""
    pose = job.settings.pose
    seq = result.sequence
    if result.interrupted or not len(seq) or str(job.source).isdigit():
        return None
    if seq.detected.mean() >= pose.retry_below_detected_share:
        return None
    if pose.min_detection_confidence <= pose.retry_detection_confidence:
        return None
    update = {"min_detection_confidence": pose.retry_detection_confidence}
    return job.settings.model_copy(update={"pose": pose.model_copy(update=update)})


def run_pose(job: PoseJob) -> ExtractionResult:
    """Run the pose pipeline; save outputs (partial ones too, on Ctrl-C)."""
    s = job.settings
    result = _extract(job, s)
    retry = _retry_settings(job, result)
    if retry is not None:
        second = _extract(job, retry)
        if second.sequence.detected.mean() > result.sequence.detected.mean():
            note = (
                f"the person was found in only {result.sequence.detected.mean():.0%} of the "
                f"frames; a second pass with a more sensitive person detector found them in "
                f"{second.sequence.detected.mean():.0%}"
            )
            seq = second.sequence
            notes = (*seq.provenance.notes, WEAK_DETECTION_NOTE)
            seq = replace(seq, provenance=replace(seq.provenance, notes=notes))
            result = replace(second, sequence=seq, warnings=[note, *second.warnings])
    for message in result.warnings:
        print_warning(message)
    if job.out is not None and len(result.sequence):
        save(result.sequence, job.out)
    if result.interrupted:
        raise Interrupted(
            f"stopped after {len(result.sequence)} frames"
            + (f"; partial landmarks saved to {job.out}" if job.out else "")
        )
    require_person(result.sequence)
    problems = framing_problems(result.sequence, s.quality, s.signal)
    if problems and not job.allow_partial_body:
        saved = f" (landmarks were saved to {job.out})" if job.out else ""
        raise NoPersonError(problems[0] + saved, fix=FIX_FRAMING + ", or pass --allow-partial-body")
    for problem in problems:
        print_warning(problem)
    return result


def _first_frame_size(info: SourceInfo, max_side_px: int) -> tuple[int, int]:
    return scaled_size(info.width, info.height, max_side_px)
