"""From a source to a checked :class:`PoseSequence`: the pose pipeline as a library call.

:func:`find_poses` opens the source (file, folder of frames or camera index), runs the pose
backend over it and, when the person detector missed most frames of a file (a lying body far
away is found with low confidence), runs a second pass with a more sensitive detector and
keeps the better one, marking the sequence (``WEAK_DETECTION_NOTE``: too uncertain to count
from). :func:`check_framing` says whether the body was in the picture. Nothing here prints:
the command line, the web app and batch jobs present the returned warnings and problems.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace

from hipcoach.backends.base import PoseCandidate
from hipcoach.backends.scout import pose_backend
from hipcoach.config import Settings
from hipcoach.errors import NoPersonError
from hipcoach.extract import ExtractionResult, extract_poses
from hipcoach.memory import return_freed_memory
from hipcoach.sequence.quality import FIX_FRAMING, framing_problems, require_person
from hipcoach.sequence.schema import WEAK_DETECTION_NOTE, PoseSequence
from hipcoach.sequence.spill import SpilledSequence
from hipcoach.timesplit import Progress, min_part_s, split_count, split_pass
from hipcoach.video import Frame, open_source
from hipcoach.video.base import SourceInfo

#: Called for every frame with the person found in it (None: nobody).
FrameHook = Callable[[Frame, PoseCandidate | None], None]
#: Makes a pass's frame hook once the source is open (its size and frame count are known);
#: anything it opens (an overlay writer, a progress bar) goes on the stack and is closed when
#: the pass ends.
HookFactory = Callable[[SourceInfo, ExitStack], FrameHook | None]
#: Makes a pass's progress callback (told of frames done, a count to add; called from any
#: thread) once the source is open, as :data:`HookFactory` does.
ProgressFactory = Callable[[SourceInfo, ExitStack], Progress | None]


@dataclass(frozen=True)
class PoseRequest:
    """What to run the pose model on, and how."""

    source: str
    settings: Settings
    #: Stop after this many seconds of the source (None: all of it).
    max_duration_s: float | None = None
    #: Called for every frame in order (an overlay): the pass then runs on one thread.
    hooks: HookFactory | None = None
    #: Frames done, for a progress bar (works with a split pass too).
    progress: ProgressFactory | None = None
    #: Threads for a video file split in time (:mod:`hipcoach.timesplit`); 1: one pass.
    threads: int = 1


def _on_frame(hook: FrameHook | None, report: Progress | None) -> FrameHook | None:
    if report is None:
        return hook

    def on_frame(frame: Frame, person: PoseCandidate | None) -> None:
        if hook is not None:
            hook(frame, person)
        report(1)

    return on_frame


def _split_pass(
    request: PoseRequest, settings: Settings, info: SourceInfo
) -> ExtractionResult | None:
    """The pass split in time across ``request.threads`` threads; None when it cannot be
    (frames needed in order, a time limit, a camera, a folder, a short video, parts that
    followed different people)."""
    if request.threads < 2 or request.hooks is not None or request.max_duration_s is not None:
        return None
    if split_count(info, request.threads, min_part_s(settings.pose)) < 2:
        return None
    with ExitStack() as stack:
        report = request.progress(info, stack) if request.progress is not None else None
        return split_pass(request.source, info, settings, request.threads, report)


def pose_pass(request: PoseRequest, settings: Settings) -> ExtractionResult:
    """One pass of the pose model over the whole source, with ``settings`` (split in time
    across ``request.threads`` when it can be)."""
    with ExitStack() as stack:
        source = stack.enter_context(open_source(request.source, settings.pose, settings.video))
        split = _split_pass(request, settings, source.info)
        if split is not None:
            return split
        backend = stack.enter_context(pose_backend(settings.pose))
        hook = request.hooks(source.info, stack) if request.hooks is not None else None
        report = request.progress(source.info, stack) if request.progress is not None else None
        return extract_poses(
            source,
            backend,
            settings,
            on_frame=_on_frame(hook, report),
            max_duration_s=request.max_duration_s,
        )


def retry_settings(request: PoseRequest, result: ExtractionResult) -> Settings | None:
    """Settings for a second, more sensitive pass when the person detector missed most
    frames of a file; None when no second pass is due (a camera, an interrupted pass, a
    person found often enough, a detector already at its most sensitive)."""
    pose = request.settings.pose
    seq = result.sequence
    if result.interrupted or not len(seq) or str(request.source).isdigit():
        return None
    if seq.detected.mean() >= pose.retry_below_detected_share:
        return None
    if pose.min_detection_confidence <= pose.retry_detection_confidence:
        return None
    update = {"min_detection_confidence": pose.retry_detection_confidence}
    return request.settings.model_copy(update={"pose": pose.model_copy(update=update)})


def find_poses(request: PoseRequest) -> ExtractionResult:
    """The landmarks of the exerciser in ``request.source`` (see the module docstring).

    Returns the chosen pass; its ``warnings`` are for the user (the second pass says why it
    ran). Ctrl-C ends the pass early with ``interrupted`` set and the frames done so far.
    """
    result = pose_pass(request, request.settings)
    retry = retry_settings(request, result)
    if retry is None:
        return result
    first_share = float(result.sequence.detected.mean())
    # The first pass's landmarks wait on disk: memory holds one pass's at a time.
    with SpilledSequence(result.sequence) as first:
        result = replace(result, sequence=PoseSequence.empty(0, 1, 1))  # arrays freed
        return_freed_memory()  # the first pass's model is closed: its memory, not the next's
        second = pose_pass(request, retry)
        return_freed_memory()
        if second.sequence.detected.mean() <= first_share:
            return replace(result, sequence=first.load())
    note = (
        f"the person was found in only {first_share:.0%} of the frames; "
        f"a second pass with a more sensitive person detector found them in "
        f"{second.sequence.detected.mean():.0%}"
    )
    seq = second.sequence
    notes = (*seq.provenance.notes, WEAK_DETECTION_NOTE)
    seq = replace(seq, provenance=replace(seq.provenance, notes=notes))
    return replace(second, sequence=seq, warnings=[note, *second.warnings])


def check_framing(
    result: ExtractionResult, settings: Settings, *, allow_partial_body: bool = False
) -> list[str]:
    """Framing problems of the sequence (body partly out of the picture...).

    Raises :class:`NoPersonError` when nobody was found, or when the body was partly out of
    frame and ``allow_partial_body`` is False; otherwise returns the problems as warnings.
    """
    require_person(result.sequence)
    problems = framing_problems(result.sequence, settings.quality, settings.signal)
    if problems and not allow_partial_body:
        raise NoPersonError(problems[0], fix=FIX_FRAMING + ", or pass --allow-partial-body")
    return problems
