"""video → backend → tracker → PoseSequence: the pose extraction pipeline.

Decoding runs in a background thread (``prefetch``) while the model runs in the
caller's thread, so neither waits for the other more than needed. Frames are
streamed, and the landmarks of a long pass wait on disk in blocks of
``builder.BLOCK_FRAMES`` frames (``spill.BlockSpill``), so memory does not grow with the
length of the video; they come back as memory maps, read when first used.
"""

from __future__ import annotations

import importlib.metadata
import math
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

from hipcoach import __version__
from hipcoach.backends.base import PoseBackend, PoseCandidate
from hipcoach.config import DEFAULTS, Settings
from hipcoach.memory import return_freed_memory
from hipcoach.sequence.builder import FIELDS, SequenceBuilder
from hipcoach.sequence.schema import PoseSequence, Provenance
from hipcoach.sequence.spill import BlockSpill
from hipcoach.sequence.tracking import PersonTracker
from hipcoach.video.base import Frame, FrameSource, SourceInfo
from hipcoach.video.prefetch import prefetch

FrameCallback = Callable[[Frame, PoseCandidate | None], None]


#: Every this many frames a pass gives the C heap's free pages back (``malloc_trim``, ~7 ms):
#: without it the model's per-frame buffers fragment the heap and a long pass grows by
#: ~0.4-0.7 KB a frame beyond its landmarks (docs/performance.md, "RSS over a 60-minute
#: clip").
TRIM_EVERY_FRAMES = 500


@dataclass
class ExtractionResult:
    """Output of :func:`extract_poses`."""

    sequence: PoseSequence
    source: SourceInfo
    warnings: list[str] = field(default_factory=list)
    #: True when the run was stopped early (Ctrl-C); ``sequence`` holds what was done.
    interrupted: bool = False
    #: Seconds spent inside the model and in the whole run.
    inference_s: float = 0.0
    wall_s: float = 0.0


def _versions() -> dict[str, str]:
    out = {"hipcoach": __version__}
    for pkg in ("mediapipe", "av", "numpy"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = "absent"
    return out


def _provenance(
    source: SourceInfo, backend: PoseBackend, others: int, notes: list[str]
) -> Provenance:
    return Provenance(
        source=source.uri,
        model=backend.name,
        model_sha256=backend.model_sha256,
        versions=_versions(),
        rotation_deg=source.rotation_deg,
        frames_with_others=others,
        notes=tuple(notes),
    )


def others_warning(frames: int) -> str:
    """The warning for ``frames`` frames in which people other than the exerciser were seen."""
    return (
        f"other people were in view in {frames} frame(s); "
        "they were ignored (the exerciser is the largest person at the start)"
    )


def expected_frames(info: SourceInfo, max_duration_s: float | None = None) -> int | None:
    """Frames the pass over ``info``'s source should see (from the container's frame count,
    else its duration in s times its frame rate in frames/s, cut at ``max_duration_s``);
    None when unknown (a camera, a folder without a rate)."""
    duration = info.duration_s
    if max_duration_s is not None and duration is not None:
        duration = min(duration, max_duration_s)
    if info.nominal_fps and duration:
        by_time = math.ceil(duration * info.nominal_fps) + 1
        return min(info.frame_count, by_time) if info.frame_count else by_time
    return info.frame_count or None


def extract_poses(
    source: FrameSource,
    backend: PoseBackend,
    settings: Settings = DEFAULTS,
    *,
    on_frame: FrameCallback | None = None,
    max_duration_s: float | None = None,
) -> ExtractionResult:
    """Run ``backend`` on every frame of ``source`` and track the exerciser.

    ``on_frame`` is called after each frame with the chosen person (or None), e.g. to
    advance a progress bar or draw an overlay. Ctrl-C stops the run and returns the
    frames done so far with ``interrupted=True``.
    """
    info = source.info
    tracker = PersonTracker(info.width, info.height, settings.tracking)
    notes: list[str] = []
    interrupted = False
    inference = 0.0
    start = time.perf_counter()
    expected = expected_frames(info, max_duration_s)
    # a long pass's landmarks wait on disk; the files go when the block ends, however
    with SequenceBuilder(info.width, info.height, expected, BlockSpill(FIELDS)) as builder:
        frames: Generator[Frame, None, None] = prefetch(source, settings.pose.queue_frames)
        try:
            for frame in frames:
                if max_duration_s is not None and frame.time_s > max_duration_s:
                    break
                t0 = time.perf_counter()
                candidates = backend.detect(frame)
                inference += time.perf_counter() - t0
                person = tracker.update(frame.time_s, candidates)
                builder.append(frame.time_s, person)
                if len(builder) % TRIM_EVERY_FRAMES == 0:
                    return_freed_memory()
                if on_frame is not None:
                    on_frame(frame, person)
        except KeyboardInterrupt:
            interrupted = True
            notes.append(f"interrupted by the user after {len(builder)} frames")
        finally:
            frames.close()
        warnings = list(source.warnings)
        if tracker.frames_with_others:
            warnings.append(others_warning(tracker.frames_with_others))
        seq = builder.build(
            _provenance(info, backend, tracker.frames_with_others, notes + warnings)
        )
    return ExtractionResult(
        sequence=seq,
        source=info,
        warnings=warnings,
        interrupted=interrupted,
        inference_s=inference,
        wall_s=time.perf_counter() - start,
    )
