"""Background jobs: a video analysed or screened in a worker thread while the page polls
its progress. One job runs at a time (the pose model already uses the cores); the others
wait in order. Each job only chains library calls and keeps what they return."""

from __future__ import annotations

import hashlib
import shutil
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from hipcoach.config import DEFAULTS, Settings
from hipcoach.errors import HipcoachError
from hipcoach.files import MAX_JSON_BYTES, parse_json, read_limited, write_text
from hipcoach.sequence.schema import PoseSequence
from hipcoach.storage.db import Moment
from hipcoach.video.base import SourceInfo

JobKind = Literal["analysis", "squat", "stance", "gait"]
JobState = Literal["waiting", "running", "done", "failed"]
#: Job ids are uuid4 hex: the only form a job's URL accepts (no path in an id).
JOB_ID_CHARS = frozenset("0123456789abcdef")


@dataclass
class Job:
    """One analysis or screen; read by the progress endpoint while the worker fills it."""

    id: str
    kind: JobKind
    name: str
    folder: Path
    state: JobState = "waiting"
    stage: str = "waiting for the previous video to finish"
    frames_done: int = 0
    frames_total: int | None = None
    error: str | None = None
    fix: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: The uploaded copy of the video (deleted when the job ends); None for a typed path.
    upload: Path | None = None

    @property
    def report(self) -> Path:
        """The job's HTML report (written when it is done)."""
        return self.folder / "report.html"

    def progress(self) -> dict[str, Any]:
        """What the page shows while it waits (JSON)."""
        share = None
        if self.frames_total:
            share = min(1.0, self.frames_done / self.frames_total)
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "state": self.state,
            "stage": self.stage,
            "frames_done": self.frames_done,
            "frames_total": self.frames_total,
            "share": share,
            "error": self.error,
            "fix": self.fix,
            "summary": self.summary,
        }


def settings_for_model(model: str) -> Settings:
    """The default settings with pose model ``model`` (lite, full or heavy)."""
    pose = {**DEFAULTS.pose.model_dump(), "model": model}
    return Settings.model_validate({**DEFAULTS.model_dump(), "pose": pose})


def _progress(job: Job) -> Callable[[SourceInfo, ExitStack], Callable[[int], None]]:
    """The job's frame count, told of frames done by the pose step (from any of its
    threads)."""
    lock = threading.Lock()

    def make(info: SourceInfo, _stack: ExitStack) -> Callable[[int], None]:
        total = info.frame_count or (
            round(info.duration_s * info.nominal_fps)
            if info.duration_s and info.nominal_fps
            else None
        )
        job.frames_total, job.frames_done = total, 0
        job.stage = "finding the body in each frame"

        def done(frames: int) -> None:
            with lock:
                job.frames_done += frames

        return done

    return make


def find_sequence(job: Job, source: Path, settings: Settings) -> tuple[PoseSequence, list[str]]:
    """The pose pipeline over ``source`` (library: :mod:`hipcoach.pipeline`), with progress;
    the landmarks and the warnings for the user."""
    from hipcoach.pipeline import PoseRequest, check_framing, find_poses  # noqa: PLC0415
    from hipcoach.timesplit import available_cores  # noqa: PLC0415

    request = PoseRequest(str(source), settings, progress=_progress(job), threads=available_cores())
    result = find_poses(request)
    problems = check_framing(result, settings, allow_partial_body=True)
    return result.sequence, [*result.warnings, *problems]


def run_analysis(job: Job, source: Path, settings: Settings, routine_path: Path | None) -> None:
    """Pose → :func:`hipcoach.analysis.analyze.analyze_sequence` → the HTML report of
    :mod:`hipcoach.report.html`; the summary holds the sets as the library returns them."""
    from hipcoach.analysis.analyze import NO_EXERCISE, analyze_sequence  # noqa: PLC0415
    from hipcoach.analysis.view import FIX_PLACEMENT  # noqa: PLC0415
    from hipcoach.exercises.routine import load_routine  # noqa: PLC0415
    from hipcoach.report.html import render_report  # noqa: PLC0415

    routine = load_routine(routine_path)
    seq, warnings = find_sequence(job, source, settings)
    job.stage = "counting reps and checking form"
    result, blocks = analyze_sequence(seq, routine, settings)
    result.source = job.name
    result.write_json(job.folder / "analysis.json")
    job.stage = "drawing the report"
    write_text(job.report, render_report(result, blocks, seq, routine))
    names: dict[str, str] = {e.id: e.name for e in routine.exercises}
    job.summary = {
        "sets": [
            {
                "side": s.side,
                "exercise": names.get(s.exercise, s.exercise),
                "reps": s.reps if s.counted else None,
                "target": s.target_reps,
                "form": s.form_text(),
            }
            for s in result.sets
        ],
        "problems": list(result.problems),
        "warnings": warnings,
        "no_exercise": NO_EXERCISE if not result.sets else None,
        "fix": FIX_PLACEMENT if not result.sets else None,
    }


def run_screen(job: Job, source: Path, settings: Settings) -> None:
    """Pose → the screen of :mod:`hipcoach.screens` → its HTML report; the summary holds the
    finding, the reason and the fix as the screen returns them."""
    from hipcoach.report.screens import render_screening  # noqa: PLC0415
    from hipcoach.screens.gait import screen_gait  # noqa: PLC0415
    from hipcoach.screens.squat import screen_squat  # noqa: PLC0415
    from hipcoach.screens.stance import screen_stance  # noqa: PLC0415

    screens = {"squat": screen_squat, "stance": screen_stance, "gait": screen_gait}
    seq, warnings = find_sequence(job, source, settings)
    job.stage = "measuring"
    result = screens[job.kind](seq, settings)
    result.source = job.name
    result.write_json(job.folder / "screen.json")
    write_text(job.report, render_screening([result]))
    job.summary = {
        "finding": result.finding,
        "label": result.label,
        "reason": result.reason,
        "fix": result.fix,
        "warnings": [*warnings, *result.warnings],
        "evidence": str(result.evidence.get("headline", "")),
    }


def keep_analysis(
    job: Job, db_path: Path | None, band: int, pain: list[tuple[Moment, int]]
) -> int | None:
    """Store a finished analysis in the history as a session (as ``hipcoach import`` does:
    once per analysis file); the new session id, or None when it was kept before."""
    from hipcoach.analysis.result import AnalysisResult  # noqa: PLC0415
    from hipcoach.storage import open_db  # noqa: PLC0415

    path = job.folder / "analysis.json"
    fix = "analyse the video again"
    raw = read_limited(path, what="an analysis", fix=fix, max_bytes=MAX_JSON_BYTES)
    result = AnalysisResult.from_json(parse_json(raw, name=path.name, what="an analysis", fix=fix))
    key = hashlib.sha256(raw).hexdigest()
    with open_db(db_path) as history:
        return history.import_analysis(result, key, job.created, band_level=band, pain=pain)


class JobStore:
    """The jobs of one server, run one at a time in a worker thread."""

    def __init__(self, root: Path, settings: Settings | None = None) -> None:
        self.root = root
        self.settings = settings or DEFAULTS
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hipcoach-job")
        self._remove_old_jobs()

    def _remove_old_jobs(self) -> None:
        """Job folders of earlier runs (their pages are gone with that server)."""
        if self.root.is_dir():
            for old in self.root.iterdir():
                if old.is_dir() and len(old.name) == 32 and set(old.name) <= JOB_ID_CHARS:
                    shutil.rmtree(old, ignore_errors=True)

    def new(self, kind: JobKind, name: str) -> Job:
        """A new job with its own empty folder (the upload is written there)."""
        job_id = uuid.uuid4().hex
        folder = self.root / job_id
        folder.mkdir(parents=True, exist_ok=False)
        job = Job(job_id, kind, name, folder)
        with self._lock:
            self._jobs[job_id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None (also for anything that is not a job id)."""
        if len(job_id) != 32 or not set(job_id) <= JOB_ID_CHARS:
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def discard(self, job: Job) -> None:
        """Forget a job that never started (its upload was refused) and remove its folder."""
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def submit(self, job: Job, work: Callable[[], None]) -> None:
        """Run ``work`` for ``job`` in the worker thread; errors end up on the job."""
        self._pool.submit(self._run, job, work)

    @staticmethod
    def _run(job: Job, work: Callable[[], None]) -> None:
        job.state, job.stage = "running", "opening the video"
        try:
            work()
        except HipcoachError as exc:
            job.state, job.error, job.fix = "failed", exc.message, exc.fix
        except Exception as exc:  # noqa: BLE001 - shown to the user as one line, never raised
            job.state, job.error = "failed", f"unexpected error ({type(exc).__name__}: {exc})"
            job.fix = "try another video; if it keeps happening, run `hipcoach analyze` on it"
        else:
            job.state, job.stage = "done", "done"
        finally:  # an uploaded video is not kept once it is analysed (the report is)
            if job.upload is not None:
                job.upload.unlink(missing_ok=True)

    def shutdown(self) -> None:
        """Stop accepting jobs; the running one finishes."""
        self._pool.shutdown(wait=False, cancel_futures=True)
