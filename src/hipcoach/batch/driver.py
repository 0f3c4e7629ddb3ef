"""The batch driver: plan, skip finished work, run an engine, write the overview and the
client reports. Only the driver writes these shared outputs; tasks write their own video's.

Nothing here prints: ``progress`` (optional) hears of the plan and of each finished video,
and :class:`BatchResult` carries everything the command line shows.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from hipcoach.batch.engines import EngineName, run_engine
from hipcoach.batch.keys import file_sha256, job_key, model_sha256, pose_key
from hipcoach.batch.outcome import JobOutcome, read_manifest
from hipcoach.batch.plan import Job, plan_jobs
from hipcoach.batch.task import BatchConfig, Task
from hipcoach.config import DEFAULTS, Settings
from hipcoach.errors import ConfigError, InputError, Interrupted
from hipcoach.timesplit import available_cores


@dataclass(frozen=True)
class BatchRequest:
    """What to run: IN (folder or manifest CSV), OUT, and how."""

    source: Path
    out: Path
    settings: Settings = DEFAULTS
    routine_path: Path | None = None
    engine: EngineName = "local"
    #: Worker processes (local) or CPUs of a local Ray cluster; None: every core.
    workers: int | None = None
    #: Ray cluster address (``auto``, ``ray://head:10001``); None starts a local one.
    address: str | None = None
    pose_cache: bool = True
    #: Also print each client report to PDF with Chromium (skipped, with a warning, if absent).
    pdf: bool = True


@dataclass
class BatchResult:
    """Every job's outcome in plan order, and what the driver wrote (times in s)."""

    outcomes: list[JobOutcome]
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    #: Of ``wall_s``: the engine running the videos, and the driver writing the reports.
    engine_s: float = 0.0
    reports_s: float = 0.0

    @property
    def failed(self) -> list[JobOutcome]:
        """Jobs that gave no result (their reasons are in the overview)."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def skipped(self) -> int:
        """Jobs finished by an earlier run (same key), not run again."""
        return sum(o.skipped for o in self.outcomes)


class BatchProgress:
    """Hooks the caller may override (the command line draws a progress bar)."""

    def planned(self, total: int, to_run: int) -> None:
        """``total`` jobs, of which ``to_run`` run now (the rest are finished)."""

    def finished(self, outcome: JobOutcome) -> None:
        """One job ended (in finishing order)."""

    def frames_planned(self, total: int) -> None:
        """The videos to run declare ``total`` frames (0: unknown)."""

    def frames(self, count: int) -> None:
        """``count`` more frames done (called from a thread of the driver)."""


class _FrameTally:
    """Frames done per video for :meth:`BatchProgress.frames`: the workers' reports, never
    past a video's declared frames (a second detector pass), and at the video's end the rest
    of them (a pose cache hit, a failure), so the count ends at the planned total."""

    def __init__(self, expected: dict[str, int], hooks: BatchProgress) -> None:
        self._expected, self._hooks = expected, hooks
        self._done: dict[str, int] = {}
        self._closed: set[str] = set()
        self._lock = threading.Lock()

    def _add(self, video: str, count: int) -> int:
        have, cap = self._done.get(video, 0), self._expected.get(video, 0)
        self._done[video] = have + count
        return max(0, min(have + count, cap) - min(have, cap))

    def frames(self, video: str, count: int) -> None:
        """A worker did ``count`` frames of ``video``."""
        with self._lock:
            add = 0 if video in self._closed else self._add(video, count)
        if add:
            self._hooks.frames(add)

    def finish(self, video: str) -> None:
        """``video`` ended: count the rest of its frames."""
        with self._lock:
            self._closed.add(video)
            add = self._add(video, max(0, self._expected.get(video, 0) - self._done.get(video, 0)))
        if add:
            self._hooks.frames(add)


def _declared_frames(tasks: list[Task]) -> dict[str, int]:
    """Each video's declared frame count (header only; 0 for landmarks or unknown)."""
    from hipcoach.video.files import frames_declared  # noqa: PLC0415 - PyAV

    out = {}
    for task in tasks:
        video = task.job.video
        out[str(video)] = 0 if video.suffix.lower() == ".npz" else frames_declared(video) or 0
    return out


def _check_paths(source: Path, out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file", fix="give a folder for the batch outputs")
    if source.is_dir():
        src, dst = source.resolve(), out.resolve()
        if dst == src or src in dst.parents:
            raise ConfigError(
                f"--out {out} is inside the input folder {source}",
                fix="write the outputs to a folder outside IN",
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"the folder --out {out} cannot be made ({exc.strerror})", fix="choose another path"
        ) from exc


def routine_sha256(path: Path | None) -> str:
    """Check the routine (ConfigError, exit 5) and return the sha256 of its text."""
    from hipcoach.exercises.routine import BUNDLED_NAME, load_routine  # noqa: PLC0415
    from hipcoach.exercises.toml_errors import read_data_file  # noqa: PLC0415

    load_routine(path)
    text, _ = read_data_file(path, BUNDLED_NAME, "routine")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _tasks(
    jobs: list[Job], request: BatchRequest, routine_sha: str
) -> tuple[list[Task], dict[Job, JobOutcome]]:
    """Tasks to run now, and the outcomes known already (finished, or unreadable)."""
    model_sha = model_sha256(request.settings)
    known: dict[Job, JobOutcome] = {}
    tasks: list[Task] = []
    for job in jobs:
        try:
            video = file_sha256(job.video)
        except InputError as exc:
            known[job] = JobOutcome(
                job.client, job.date, str(job.video), job.kind, "", "failed",
                reason=exc.message, exit_code=exc.exit_code, keep=False,
            )  # fmt: skip
            continue
        key = job_key(video, request.settings, model_sha, routine_sha, job.kind)
        stored = read_manifest(request.out, job)
        if stored is not None and stored.key == key:
            stored.skipped = True
            known[job] = stored
            continue
        tasks.append(Task(job, key, pose_key(video, request.settings, model_sha)))
    # longest first (file size stands in for length): no long video left alone at the end
    tasks.sort(key=lambda t: -_size(t.job.video))
    return tasks, known


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def run_batch(request: BatchRequest, progress: BatchProgress | None = None) -> BatchResult:
    """Run the batch (module docstring). Raises ConfigError/InputError/ModelError before
    any work for an unusable request, and Interrupted (exit 130) on Ctrl-C, after which
    every finished video is kept and a re-run continues where it stopped."""
    start = time.perf_counter()
    hooks = progress or BatchProgress()
    jobs = plan_jobs(request.source)
    if not jobs:
        raise InputError(
            f"no videos in {request.source}",
            fix="put videos in IN/<client>/<YYYY-MM-DD>/, or list them in a manifest CSV",
        )
    _check_paths(request.source, request.out)
    routine_sha = routine_sha256(request.routine_path)
    tasks, known = _tasks(jobs, request, routine_sha)
    hooks.planned(len(jobs), len(tasks))
    expected = _declared_frames(tasks)
    hooks.frames_planned(sum(expected.values()))
    tally = _FrameTally(expected, hooks)
    for outcome in known.values():
        hooks.finished(outcome)
    workers = request.workers or available_cores()
    # fewer videos than local workers: each long one is split in time across the rest
    split = workers // len(tasks) if request.engine == "local" and tasks else 1
    config = BatchConfig(
        request.out, request.settings, request.routine_path, request.pose_cache, max(1, split)
    )
    done: list[JobOutcome] = []

    def on_done(outcome: JobOutcome) -> None:
        done.append(outcome)
        tally.finish(outcome.video)
        hooks.finished(outcome)

    engine_start = time.perf_counter()
    try:
        run_engine(request.engine, tasks, config, workers, on_done, request.address, tally.frames)
    except KeyboardInterrupt:
        finished = sum(o.keep for o in done)
        raise Interrupted(
            f"stopped; {finished} video(s) finished in this run are kept in {request.out}",
            fix="run the same command again to continue (finished videos are skipped)",
        ) from None
    ran = {(o.client, o.date, o.video): o for o in done}
    outcomes = [known.get(job) or ran[(job.client, job.date, str(job.video))] for job in jobs]
    result = BatchResult(outcomes, engine_s=time.perf_counter() - engine_start)
    reports_start = time.perf_counter()
    from hipcoach.batch.checks import latest_checks  # noqa: PLC0415 - the history modules
    from hipcoach.batch.reports import write_reports  # noqa: PLC0415 - Jinja2, matplotlib

    checks = latest_checks(request.source, sorted({o.client for o in outcomes}))
    result.written, result.warnings = write_reports(
        request.out, outcomes, request.routine_path, pdf=request.pdf, workers=workers,
        checks=checks,
    )  # fmt: skip
    result.reports_s = time.perf_counter() - reports_start
    result.wall_s = time.perf_counter() - start
    return result
