"""One long video on many cores: split in time, each part with an overlap, landmarks stitched.

A video of duration D on ``n`` processes is cut at ``k * D / n``. Part ``k`` keeps the frames
from its cut to the next one, but its model starts ``overlap_s`` seconds earlier (a seek to
the key frame before that, then decoding), so the landmarker's tracking and smoothing have
settled by the cut; the overlap's frames are thrown away. The kept frames of every part,
in time order, make the sequence (the same frames as one pass over the whole video).

Each seam is checked: over the last second before a cut, the part before it and the overlap
of the part after it must follow the same person (their hip centres within
``SEAM_MAX_SHIFT`` of the frame's long side where both found someone). When they do not (a
bystander chosen at a part's start), the video is run again in one pass.
:func:`find_poses_split` is :func:`~hipcoach.pipeline.find_poses` with its first pass split.

Worker processes are started with ``spawn``; each decodes with one thread (the cores are
for the models). Frames done are reported to the caller through a queue, for a progress
bar. Ctrl-C (or SIGINT to this process alone) stops every part; the frames done before the
first unfinished part are returned with ``interrupted`` set, as a single pass does.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from hipcoach.batch.relay import relayed
from hipcoach.config import Settings
from hipcoach.extract import ExtractionResult, others_warning
from hipcoach.pipeline import PoseRequest, find_poses, pose_pass, retry_settings
from hipcoach.sequence.schema import PoseSequence
from hipcoach.video.base import SourceInfo

#: Seconds of video each part starts before its cut (tracking and smoothing settle).
OVERLAP_S: Final = 4.0
#: Shortest part (s): a video shorter than twice this runs in one process (a process's
#: start-up, about 3 s, and the overlap would eat much of the gain).
MIN_PART_S: Final = 60.0
#: Largest hip-centre shift at a seam (share of the frame's long side) for "the same person".
SEAM_MAX_SHIFT: Final = 0.1
#: Frames a worker counts before it reports them (progress).
_REPORT_EVERY: Final = 10

#: Told of frames done (a count to add), for a progress bar.
Progress = Callable[[int], None]
#: Makes a pass's progress callback once the source's size and length are known.
ProgressFactory = Callable[[SourceInfo, ExitStack], Progress | None]


@dataclass(frozen=True)
class Part:
    """One time part of a video: decode ``read_s`` (s), keep ``keep_s`` (end None: to the end)."""

    source: str
    settings: Settings
    read_s: tuple[float, float | None]
    keep_s: tuple[float, float | None]


@dataclass(frozen=True)
class PartResult:
    """What a worker returns: the landmarks of the read span, with per-frame flags."""

    sequence: PoseSequence
    #: Per frame of ``sequence``: someone other than the exerciser was in view.
    others: NDArray[np.bool_]
    #: The decoder's warnings (a damaged stretch...).
    warnings: list[str]
    interrupted: bool
    inference_s: float


def plan_parts(source: str, settings: Settings, duration_s: float, parts: int) -> list[Part]:
    """``parts`` equal time parts of a video of ``duration_s`` seconds (module docstring)."""
    cuts = [duration_s * k / parts for k in range(parts)]
    out = []
    for k, cut in enumerate(cuts):
        end = cuts[k + 1] if k + 1 < parts else None
        read_from = 0.0 if k == 0 else max(0.0, cut - OVERLAP_S)
        keep_from = 0.0 if k == 0 else cut
        out.append(Part(source, settings, (read_from, end), (keep_from, end)))
    return out


def split_count(info: SourceInfo, workers: int, min_part_s: float = MIN_PART_S) -> int:
    """How many parts a pass over ``info`` should use (1: do not split): at most
    ``workers``, each at least ``min_part_s`` seconds long."""
    if info.kind != "file" or not info.duration_s or workers < 2:
        return 1
    return max(1, min(workers, int(info.duration_s // min_part_s)))


# ------------------------------------------------------------------- worker side
_QUEUE: dict[str, Any] = {}


def _init_worker(frames_done: Any) -> None:
    _QUEUE["q"] = frames_done


class _Counting:
    """A backend wrapper that remembers how many people its last frame had."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self.name, self.model_sha256 = backend.name, backend.model_sha256
        self.last = 0

    def detect(self, frame: Any) -> Any:
        found = self._backend.detect(frame)
        self.last = len(found)
        return found

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> _Counting:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def run_part(part: Part) -> PartResult:
    """Landmarks of one part (in a worker process; also callable in-process)."""
    from hipcoach.backends.scout import pose_backend  # noqa: PLC0415 - mediapipe on use
    from hipcoach.extract import extract_poses  # noqa: PLC0415
    from hipcoach.video.files import VideoFileSource  # noqa: PLC0415

    pose = part.settings.pose
    others: list[bool] = []
    report = _QUEUE.get("q")
    pending = [0]

    def on_frame(frame: Any, person: Any) -> None:
        others.append(counting.last > (0 if person is None else 1))
        if frame.time_s < part.keep_s[0]:
            return  # the overlap: not counted as done
        pending[0] += 1
        if report is not None and pending[0] >= _REPORT_EVERY:
            report.put(pending[0])
            pending[0] = 0

    path = Path(part.source)
    limits = {"max_side_px": pose.max_inference_side_px, "max_frame_pixels": pose.max_frame_pixels}
    with (
        VideoFileSource(path, span_s=part.read_s, decoder_threads=1, **limits) as source,
        _Counting(pose_backend(pose)) as counting,
    ):
        result = extract_poses(source, counting, part.settings, on_frame=on_frame)
    if report is not None and pending[0]:
        report.put(pending[0])
    flags = np.array(others[: len(result.sequence)], dtype=bool)
    return PartResult(
        result.sequence, flags, list(source.warnings), result.interrupted, result.inference_s
    )


# ------------------------------------------------------------------- driver side
def run_parts(parts: Sequence[Part], progress: Progress | None) -> list[PartResult | None]:
    """Every part on its own process; None for a part lost to Ctrl-C."""
    context = multiprocessing.get_context("spawn")
    futures: list[Future[PartResult]] = []
    with relayed(context, lambda n: progress(int(n)) if progress else None) as frames_done:
        pool = ProcessPoolExecutor(
            len(parts), context, initializer=_init_worker, initargs=(frames_done,)
        )
        try:
            futures = [pool.submit(run_part, p) for p in parts]
            results = [f.result() for f in futures]
        except KeyboardInterrupt:
            results = _stop(pool, futures)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return list(results)


def _stop(pool: ProcessPoolExecutor, futures: Sequence[Future[PartResult]]) -> list[Any]:
    """Interrupt every worker (a SIGINT sent to this process alone does not reach them) and
    collect what the parts finished."""
    for pid in dict(getattr(pool, "_processes", None) or {}):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGINT)
    out: list[PartResult | None] = []
    for future in futures:
        try:
            out.append(future.result())
        except BaseException:  # noqa: BLE001 - an interrupted or broken worker: no part
            out.append(None)
    return out


# ------------------------------------------------------------------- stitching
def _kept(part: Part, result: PartResult) -> tuple[PoseSequence, NDArray[np.bool_]]:
    start, end = part.keep_s
    t = result.sequence.times_s
    mask = (t >= start) & (t < (np.inf if end is None else end))
    return result.sequence.select(mask), result.others[mask]


def _hip_centres(seq: PoseSequence) -> NDArray[np.float64]:
    return np.asarray(seq.image_xy[:, [23, 24]].mean(axis=1), dtype=np.float64)


def same_person(before: PoseSequence, after: PoseSequence) -> bool:
    """Whether two passes over the same stretch of video followed the same person: hip
    centres within ``SEAM_MAX_SHIFT`` of the frame's long side (median over the frames where
    both found someone; True when there are none)."""
    _, ia, ib = np.intersect1d(
        np.round(before.times_s, 6), np.round(after.times_s, 6), return_indices=True
    )
    both = before.detected[ia] & after.detected[ib]
    if not both.any():
        return True
    shift = np.linalg.norm(_hip_centres(before)[ia][both] - _hip_centres(after)[ib][both], axis=1)
    return bool(np.nanmedian(shift) <= SEAM_MAX_SHIFT * max(before.width, before.height))


def seams_agree(parts: Sequence[Part], results: Sequence[PartResult]) -> bool:
    """Every seam's last second before the cut: the same person in both parts."""
    for k in range(1, len(results)):
        cut = parts[k].keep_s[0]
        ahead = results[k - 1].sequence.slice_time(cut - 1.0, cut)
        if not same_person(ahead, results[k].sequence.slice_time(cut - 1.0, cut)):
            return False
    return True


def _concat(pieces: Sequence[PoseSequence], info: SourceInfo) -> PoseSequence:
    if not pieces:
        return PoseSequence.empty(0, info.width, info.height)
    return PoseSequence.concat(pieces)


def stitch(
    info: SourceInfo, parts: Sequence[Part], results: Sequence[PartResult | None]
) -> ExtractionResult:
    """One pass's result from the parts' (up to the first part that did not finish)."""
    from hipcoach.video.files import ended_early  # noqa: PLC0415

    pieces, others, warnings = [], 0, []
    interrupted = False
    for part, result in zip(parts, results, strict=True):
        if result is None:
            interrupted = True
            break
        seq, flags = _kept(part, result)
        pieces.append(seq)
        others += int(flags.sum())
        warnings += [w for w in result.warnings if w not in warnings]
        if result.interrupted:
            interrupted = True
            break
    seq = _concat(pieces, info)
    notes = [f"interrupted by the user after {len(seq)} frames"] if interrupted else []
    short = None if interrupted else ended_early(len(seq), info.frame_count)
    warnings += [short] if short else []
    warnings += [others_warning(others)] if others else []
    provenance = replace(seq.provenance, frames_with_others=others, notes=(*notes, *warnings))
    done = [r for r in results if r is not None]
    return ExtractionResult(
        sequence=replace(seq, provenance=provenance),
        source=info,
        warnings=warnings,
        interrupted=interrupted,
        inference_s=sum(r.inference_s for r in done),
    )


def _probe(request: PoseRequest, settings: Settings) -> SourceInfo:
    """The source's size and length (InputError, one line, for an unusable source)."""
    from hipcoach.video import open_source  # noqa: PLC0415

    with open_source(request.source, settings.pose, settings.video) as source:
        return source.info


def split_pass(
    request: PoseRequest,
    settings: Settings,
    workers: int,
    progress: ProgressFactory | None = None,
    min_part_s: float = MIN_PART_S,
) -> ExtractionResult:
    """One pass over ``request.source`` on up to ``workers`` processes (module docstring);
    a short video, a camera, a folder of frames or a time limit run as one
    :func:`~hipcoach.pipeline.pose_pass` (with ``request.hooks``)."""
    start = time.perf_counter()
    info = _probe(request, settings)
    n = split_count(info, workers, min_part_s)
    if n < 2 or request.max_duration_s is not None or info.duration_s is None:
        return pose_pass(request, settings)
    parts = plan_parts(request.source, settings, info.duration_s, n)
    with ExitStack() as stack:
        report = progress(info, stack) if progress is not None else None
        results = run_parts(parts, report)
    finished = [r for r in results if r is not None and not r.interrupted]
    if len(finished) == len(parts) and not seams_agree(parts, finished):
        return pose_pass(request, settings)  # a part began on someone else: one pass
    result = stitch(info, parts, results)
    result.wall_s = time.perf_counter() - start
    return result


def find_poses_split(
    request: PoseRequest,
    workers: int,
    progress: ProgressFactory | None = None,
    min_part_s: float = MIN_PART_S,
) -> ExtractionResult:
    """:func:`~hipcoach.pipeline.find_poses` with its first pass split across up to
    ``workers`` processes (:func:`split_pass`). When the person detector missed most frames,
    so that ``find_poses`` would run more passes, it runs in one process from the start (a
    rare case: the passes and the choice between them stay in one place)."""
    first = split_pass(request, request.settings, workers, progress, min_part_s)
    if retry_settings(request, first) is None:
        return first
    return find_poses(request)
