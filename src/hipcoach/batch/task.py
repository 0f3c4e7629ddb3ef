"""The task function: one video → its analysis or screen (JSON + HTML) and its manifest.

:func:`run_task` is what every engine runs, in a worker process (local engine) or as a Ray
task: it reads one video, writes that video's outputs atomically under
``OUT/<client>/<date>/`` and returns a small :class:`JobOutcome` (never frames or
landmarks: those stay in the worker and the pose cache). It never raises for a bad video:
the failure is the outcome. Ctrl-C (KeyboardInterrupt) is the one exception that
propagates, with nothing of the unfinished job written.

Each worker keeps the pose model loaded (read and checksummed once, by :func:`warm_worker`)
and makes a fresh MediaPipe landmarker per video: the landmarker's VIDEO mode carries its
tracking from one clip into the next, so a reused one would make a video's landmarks
depend on which video the same worker ran before (and results on the number of workers).
Making it costs about 0.2 s, against seconds to minutes of inference per video.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from hipcoach.batch.outcome import JobOutcome, write_manifest
from hipcoach.batch.plan import Job
from hipcoach.config import Settings
from hipcoach.errors import HipcoachError
from hipcoach.screens.result import ScreenResult
from hipcoach.sequence.schema import PoseSequence

if TYPE_CHECKING:
    from hipcoach.extract import ExtractionResult
    from hipcoach.pipeline import ProgressFactory
    from hipcoach.timesplit import Progress
    from hipcoach.video.base import SourceInfo

#: Sub-folder of OUT holding the pose cache (landmarks per pose key, ``.npz``).
POSE_CACHE: Final = ".pose-cache"
#: Told of frames done in this process: (video path, frames to add). Set per worker by
#: the engine (:func:`set_frame_reporter`) for the driver's progress bar.
FrameReporter = Callable[[str, int], None]
_REPORTER: dict[str, FrameReporter] = {}
#: Frames counted before they are reported.
_REPORT_EVERY: Final = 10


@dataclass(frozen=True)
class BatchConfig:
    """What every task of one batch shares (sent once per task: a few hundred bytes)."""

    out: Path
    settings: Settings
    routine_path: Path | None = None
    #: Reuse and store landmarks in ``OUT/.pose-cache`` (see :mod:`hipcoach.batch.keys`).
    pose_cache: bool = True
    #: Threads for each video, split in time (:mod:`hipcoach.timesplit`): more than 1 when
    #: the batch has fewer videos than workers.
    split_workers: int = 1


@dataclass(frozen=True)
class Task:
    """One job with its keys (computed by the driver, which hashed the video)."""

    job: Job
    key: str
    pose_key: str


def set_frame_reporter(report: FrameReporter | None) -> None:
    """Report the frames this process does to ``report`` (None: to nobody)."""
    _REPORTER.pop("report", None)
    if report is not None:
        _REPORTER["report"] = report


def _frame_progress(video: str) -> ProgressFactory | None:
    """Progress that reports each pass's frames (every ``_REPORT_EVERY`` and at its end; a
    split pass's threads report through one lock)."""
    report = _REPORTER.get("report")
    if report is None:
        return None
    pending = [0]
    lock = threading.Lock()

    def flush() -> None:
        with lock:
            done, pending[0] = pending[0], 0
        if done:
            report(video, done)

    def on_frames(frames: int) -> None:
        with lock:
            pending[0] += frames
            due = pending[0] >= _REPORT_EVERY
        if due:
            flush()

    def make(info: SourceInfo, stack: ExitStack) -> Progress:
        stack.callback(flush)
        return on_frames

    return make


def warm_worker() -> None:
    """Load the pose model and the heavy modules once per worker process."""
    import hipcoach.analysis.analyze  # noqa: PLC0415
    import hipcoach.report.html  # noqa: F401, PLC0415
    from hipcoach.backends import mediapipe_backend  # noqa: F401, PLC0415
    from hipcoach.config import DEFAULTS  # noqa: PLC0415
    from hipcoach.modelstore import load_model  # noqa: PLC0415

    # the driver checked the model it uses; a task reports any problem itself
    with contextlib.suppress(HipcoachError):
        load_model(DEFAULTS.pose.model)


def _find_poses(video: str, config: BatchConfig) -> ExtractionResult:
    """The pose step on ``video``: one pass, or split across ``config.split_workers`` threads."""
    from hipcoach.pipeline import PoseRequest, find_poses  # noqa: PLC0415

    request = PoseRequest(
        video, config.settings, progress=_frame_progress(video), threads=config.split_workers
    )
    return find_poses(request)


def _pose_from_video(task: Task, config: BatchConfig) -> tuple[PoseSequence, bool]:
    """Landmarks of the task's video: from the pose cache, or the model (then cached)."""
    from hipcoach.pipeline import check_framing  # noqa: PLC0415
    from hipcoach.sequence.io import load_npz, save_npz  # noqa: PLC0415
    from hipcoach.sequence.quality import require_person  # noqa: PLC0415

    cached = config.out / POSE_CACHE / f"{task.pose_key}.npz"
    if config.pose_cache and cached.is_file():
        try:
            seq = load_npz(cached)
        except HipcoachError:
            pass  # damaged: run the model again and replace it
        else:
            require_person(seq)
            return seq, True
    result = _find_poses(str(task.job.video), config)
    if result.interrupted:
        raise KeyboardInterrupt
    if config.pose_cache and len(result.sequence):
        cached.parent.mkdir(parents=True, exist_ok=True)
        save_npz(result.sequence, cached)
    check_framing(result, config.settings, allow_partial_body=True)
    return result.sequence, False


def _sequence(task: Task, config: BatchConfig) -> tuple[PoseSequence, bool]:
    if task.job.video.suffix.lower() == ".npz":  # landmarks saved by `hipcoach pose`
        from hipcoach.sequence.io import load_npz  # noqa: PLC0415
        from hipcoach.sequence.quality import require_person  # noqa: PLC0415

        seq = load_npz(task.job.video)
        require_person(seq)
        return seq, True
    return _pose_from_video(task, config)


def _hip_series(task: Task, config: BatchConfig, seq: PoseSequence) -> tuple[dict[str, str], str]:
    """Analyse the hip series; write ``<stem>.analysis.json`` and ``<stem>.report.html``."""
    from hipcoach.analysis.analyze import NO_EXERCISE, analyze_sequence  # noqa: PLC0415
    from hipcoach.exercises.routine import load_routine  # noqa: PLC0415
    from hipcoach.report.html import write_report  # noqa: PLC0415

    routine = load_routine(config.routine_path)
    result, blocks = analyze_sequence(seq, routine, config.settings)
    folder, stem = task.job.folder, task.job.stem
    outputs = {
        "json": str(folder / f"{stem}.analysis.json"),
        "html": str(folder / f"{stem}.report.html"),
    }
    (config.out / folder).mkdir(parents=True, exist_ok=True)
    result.write_json(config.out / outputs["json"])
    write_report(result, blocks, seq, routine, config.out / outputs["html"])
    return outputs, "" if result.sets else NO_EXERCISE


def _screen(task: Task, config: BatchConfig, seq: PoseSequence) -> tuple[dict[str, str], str]:
    """Run the job's screen; write ``<stem>.<kind>.json`` and ``<stem>.<kind>.html``."""
    from hipcoach.report.screens import write_screening  # noqa: PLC0415
    from hipcoach.screens.gait import screen_gait  # noqa: PLC0415
    from hipcoach.screens.squat import screen_squat  # noqa: PLC0415
    from hipcoach.screens.stance import screen_stance  # noqa: PLC0415

    screens: dict[str, Callable[[PoseSequence, Settings], ScreenResult]] = {
        "squat": screen_squat,
        "stance": screen_stance,
        "gait": screen_gait,
    }
    result = screens[task.job.kind](seq, config.settings)
    result.source = result.source or str(task.job.video)
    folder, stem, kind = task.job.folder, task.job.stem, task.job.kind
    outputs = {
        "json": str(folder / f"{stem}.{kind}.json"),
        "html": str(folder / f"{stem}.{kind}.html"),
    }
    result.write_json(config.out / outputs["json"])
    write_screening([result], config.out / outputs["html"])
    return outputs, f"{result.label}: {result.reason}"


def run_task(task: Task, config: BatchConfig) -> JobOutcome:
    """Do one job (module docstring); its outcome is also kept in its manifest."""
    job = task.job
    start = time.perf_counter()
    outcome = JobOutcome(job.client, job.date, str(job.video), job.kind, task.key, "failed")
    try:
        seq, cached = _sequence(task, config)
        run = _hip_series if job.kind == "hip-series" else _screen
        outcome.outputs, outcome.reason = run(task, config, seq)
        outcome.status, outcome.pose_cached, outcome.video_s = "done", cached, seq.duration_s
    except HipcoachError as exc:
        outcome.reason = exc.message + (f" — {exc.fix}" if exc.fix else "")
        outcome.exit_code = exc.exit_code
    except Exception as exc:  # noqa: BLE001 - one bad video never stops the batch
        what = f"{type(exc).__name__}: {exc}"
        outcome.reason = f"unexpected error ({what}); it is tried again next run"
        outcome.exit_code, outcome.keep = 1, False
    outcome.wall_s = time.perf_counter() - start
    if outcome.keep:
        write_manifest(config.out, job, outcome)
    return outcome
