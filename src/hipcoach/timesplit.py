"""One video on several cores: split in time, each part on its own thread, landmarks stitched.

A video of duration D on ``n`` threads is cut so that every part decodes the same length of
video. Part ``k`` keeps the frames from its cut to the next one, but its model starts
``overlap_s`` seconds earlier (a seek to the key frame before that, then decoding); the
overlap's frames are thrown away. The kept frames of every part, in time order, make the
sequence: the same frames as one pass over the whole video.

How long the overlap must be depends on the model's memory of earlier frames
(:func:`overlap_s`). With the default settings (two people looked for) MediaPipe runs its
person detector on every frame and a part's landmarks equal one pass's bit for bit from its
first frame (docs/performance.md, "One video on both cores"); the half second kept is for
the seam check. A one-person tracker (``max_people`` 1, or a scouted backend) carries each
frame's landmarks into the next: its parts start 4 s early for tracking to settle, still
differ from one pass by a few pixels after a seam, and so only a video of 2 minutes or
more is split.

Each seam is checked: over the last ``SEAM_WINDOW_S`` before a cut, the part before it and
the overlap of the part after it must follow the same person (their hip centres within
``SEAM_MAX_SHIFT`` of the frame's long side where both found someone). When they do not (a
bystander chosen at a part's start), :func:`split_pass` returns None and the caller runs
one pass.

Threads, not processes: the model releases Python's lock while it runs, so two threads keep
two cores busy (1.9-2.0x one thread) without a process's start-up (~3 s) or copying
landmarks between processes. Each part decodes with one thread. Ctrl-C stops every part at
its next frame; the frames done before the first unfinished part are returned with
``interrupted`` set, as a single pass does.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from hipcoach.backends.base import PoseBackend, PoseCandidate
from hipcoach.config import PoseSettings, Settings
from hipcoach.extract import ExtractionResult, extract_poses, others_warning
from hipcoach.memory import return_freed_memory
from hipcoach.sequence.schema import PoseSequence
from hipcoach.video.base import Frame, SourceInfo

#: Seconds a part starts before its cut when the model tracks from frame to frame.
TRACKING_OVERLAP_S: Final = 4.0
#: Seconds before each cut over which the two parts must follow the same person.
SEAM_WINDOW_S: Final = 0.5
#: Seconds a part starts before its cut when the model detects afresh on every frame (the
#: seam check's window).
DETECTING_OVERLAP_S: Final = SEAM_WINDOW_S
#: Shortest kept part (s) when the model detects afresh on every frame: a shorter video
#: runs on one thread (a part's start-up, opening a model and seeking, takes ~0.3 s).
MIN_PART_S: Final = 5.0
#: Shortest kept part (s) when the model tracks: its parts' landmarks differ from one
#: pass's by a few pixels after a seam, so only a long video is split.
TRACKING_MIN_PART_S: Final = 60.0
#: Largest hip-centre shift at a seam (share of the frame's long side) for "the same person".
SEAM_MAX_SHIFT: Final = 0.1

#: Told of frames done (a count to add), for a progress bar; called from the parts' threads.
Progress = Callable[[int], None]


def available_cores() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def detects_every_frame(pose: PoseSettings) -> bool:
    """Whether the model looks for people afresh on every frame (so that its landmarks of a
    frame do not depend on the frames before): two or more people looked for, unscouted."""
    return pose.max_people >= 2 and pose.bystander_check_s <= 0


def overlap_s(pose: PoseSettings) -> float:
    """Seconds each part after the first starts before its cut (module docstring)."""
    return DETECTING_OVERLAP_S if detects_every_frame(pose) else TRACKING_OVERLAP_S


def min_part_s(pose: PoseSettings) -> float:
    """Shortest kept part (s) worth a thread of its own."""
    return MIN_PART_S if detects_every_frame(pose) else TRACKING_MIN_PART_S


@dataclass(frozen=True)
class Part:
    """One time part of a video: decode ``read_s`` (s), keep ``keep_s`` (end None: to the end)."""

    source: str
    settings: Settings
    read_s: tuple[float, float | None]
    keep_s: tuple[float, float | None]


@dataclass(frozen=True)
class PartResult:
    """What a part's thread returns: the landmarks of the read span, with per-frame flags."""

    sequence: PoseSequence
    #: Per frame of ``sequence``: someone other than the exerciser was in view.
    others: NDArray[np.bool_]
    #: The decoder's warnings (a damaged stretch...).
    warnings: list[str]
    interrupted: bool
    inference_s: float


def plan_parts(
    source: str, settings: Settings, duration_s: float, parts: int, overlap: float
) -> list[Part]:
    """``parts`` time parts of a video of ``duration_s`` seconds, each decoding the same
    length W = (D + (parts - 1) * overlap) / parts: the first keeps [0, W), every later one
    reads from ``overlap`` seconds before its cut."""
    width = (duration_s + (parts - 1) * overlap) / parts
    cuts = [k * width - (k - 1) * overlap if k else 0.0 for k in range(parts)]
    out = []
    for k, cut in enumerate(cuts):
        end = cuts[k + 1] if k + 1 < parts else None
        read_from = max(0.0, cut - overlap) if k else 0.0
        out.append(Part(source, settings, (read_from, end), (cut, end)))
    return out


def split_count(info: SourceInfo, threads: int, shortest_s: float = MIN_PART_S) -> int:
    """How many parts a pass over ``info`` should use (1: do not split): at most
    ``threads``, each keeping at least ``shortest_s`` seconds."""
    if info.kind != "file" or not info.duration_s or threads < 2:
        return 1
    return max(1, min(threads, int(info.duration_s // shortest_s)))


# ------------------------------------------------------------------- one part
class _Counting:
    """A backend wrapper that remembers how many people its last frame had."""

    def __init__(self, backend: PoseBackend) -> None:
        self._backend = backend
        self.name, self.model_sha256 = backend.name, backend.model_sha256
        self.last = 0

    def detect(self, frame: Frame) -> list[PoseCandidate]:
        found = self._backend.detect(frame)
        self.last = len(found)
        return found

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> _Counting:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_part(part: Part, progress: Progress | None, stop: threading.Event) -> PartResult:
    """Landmarks of one part; ``stop`` set ends it at its next frame (as Ctrl-C would)."""
    from hipcoach.backends.scout import pose_backend  # noqa: PLC0415 - mediapipe on use
    from hipcoach.video.files import VideoFileSource  # noqa: PLC0415

    pose = part.settings.pose
    others: list[bool] = []

    def on_frame(frame: Frame, person: PoseCandidate | None) -> None:
        others.append(counting.last > (0 if person is None else 1))
        if stop.is_set():
            raise KeyboardInterrupt  # extract_poses returns the frames done
        if progress is not None and frame.time_s >= part.keep_s[0]:
            progress(1)  # the overlap is not counted as done

    limits = {"max_side_px": pose.max_inference_side_px, "max_frame_pixels": pose.max_frame_pixels}
    path = Path(part.source)
    with (
        VideoFileSource(path, span_s=part.read_s, decoder_threads=1, **limits) as src,
        _Counting(pose_backend(pose)) as counting,
    ):
        result = extract_poses(src, counting, part.settings, on_frame=on_frame)
    flags = np.array(others[: len(result.sequence)], dtype=bool)
    return PartResult(
        result.sequence, flags, list(src.warnings), result.interrupted, result.inference_s
    )


def run_parts(parts: Sequence[Part], progress: Progress | None) -> list[PartResult | None]:
    """Every part on its own thread; None for a part that failed to finish (Ctrl-C)."""
    stop = threading.Event()
    with ThreadPoolExecutor(len(parts), thread_name_prefix="hipcoach-part") as pool:
        futures: list[Future[PartResult]] = [
            pool.submit(run_part, p, progress, stop) for p in parts
        ]
        try:
            return [f.result() for f in futures]
        except KeyboardInterrupt:
            stop.set()
            return [_finished(f) for f in futures]
        except BaseException:
            stop.set()  # a part's error: stop the others before it is raised
            raise


def _finished(future: Future[PartResult]) -> Any:
    try:
        return future.result()
    except BaseException:  # noqa: BLE001 - an interrupted part: no result
        return None


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
    """Every seam's last ``SEAM_WINDOW_S`` before the cut: the same person in both parts."""
    for k in range(1, len(results)):
        cut = parts[k].keep_s[0]
        window = (cut - SEAM_WINDOW_S, cut)
        ahead = results[k - 1].sequence.slice_time(*window)
        if not same_person(ahead, results[k].sequence.slice_time(*window)):
            return False
    return True


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
    seq = PoseSequence.concat(pieces) if pieces else PoseSequence.empty(0, info.width, info.height)
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


def split_pass(
    source: str,
    info: SourceInfo,
    settings: Settings,
    threads: int,
    progress: Progress | None = None,
) -> ExtractionResult | None:
    """One pass over the video file ``source`` (already probed: ``info``) on up to
    ``threads`` threads; None when it should run as one pass instead (too short to split,
    or a seam where the parts followed different people)."""
    start = time.perf_counter()
    n = split_count(info, threads, min_part_s(settings.pose))
    if n < 2 or info.duration_s is None:
        return None
    parts = plan_parts(source, settings, info.duration_s, n, overlap_s(settings.pose))
    results = run_parts(parts, progress)
    return_freed_memory()  # the parts' models are closed: their memory, not the stitching's
    finished = [r for r in results if r is not None and not r.interrupted]
    if len(finished) == len(parts) and not seams_agree(parts, finished):
        return None  # a part began on someone else
    result = stitch(info, parts, results)
    result.wall_s = time.perf_counter() - start
    return result
