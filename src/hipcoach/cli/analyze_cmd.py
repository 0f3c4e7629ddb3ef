"""``hipcoach analyze``: reps, sides and form of a hip-series recording."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from rich.console import Group
from rich.markup import escape
from rich.table import Table

from hipcoach.analysis.analyze import BlockAnalysis, analyze_sequence
from hipcoach.analysis.evidence import limits, write_analysis_json
from hipcoach.analysis.result import AnalysisResult
from hipcoach.analysis.sides import peak_text, reps_text
from hipcoach.analysis.view import FIX_PLACEMENT
from hipcoach.cli.pose_cmd import PoseJob, run_pose
from hipcoach.cli.ui import frame_progress, print_warning
from hipcoach.config import Settings
from hipcoach.exercises.routine import Routine, load_routine
from hipcoach.sequence.io import load
from hipcoach.sequence.quality import require_person
from hipcoach.sequence.schema import PoseSequence


@dataclass(frozen=True)
class AnalyzeJob:
    """What ``hipcoach analyze`` was asked to do."""

    source: str
    settings: Settings
    routine_path: Path | None = None
    landmarks_out: Path | None = None
    show_progress: bool = True
    #: Put a small picture of each rep into the HTML report (opt-in: pictures of the person).
    thumbnails: bool = False


def _sequence(job: AnalyzeJob) -> PoseSequence:
    """Landmarks of the source: a saved ``.npz`` is reused, a video goes through the model."""
    if job.source.lower().endswith(".npz"):
        if job.landmarks_out is not None:
            print_warning("--landmarks is ignored: the input already is a landmarks file")
        seq = load(Path(job.source))
        require_person(seq)  # no frames or nobody in them: exit 4, as for a video
        return seq
    pose = PoseJob(
        source=job.source,
        out=job.landmarks_out,
        overlay=None,
        settings=job.settings,
        show_progress=job.show_progress,
        allow_partial_body=True,
    )
    return run_pose(pose).sequence


@dataclass(frozen=True)
class AnalyzeOutput:
    """The analysis, its per-block details, the landmarks and the routine used."""

    result: AnalysisResult
    blocks: list[BlockAnalysis]
    sequence: PoseSequence
    routine: Routine


def run_analyze(job: AnalyzeJob) -> AnalyzeOutput:
    """Pose (or load) → analyse. Raises HipcoachError subclasses for unusable input."""
    routine = load_routine(job.routine_path)
    seq = _sequence(job)
    result, blocks = analyze_sequence(seq, routine, job.settings)
    return AnalyzeOutput(result, blocks, seq, routine)


def write_outputs(
    out: AnalyzeOutput,
    job: AnalyzeJob,
    *,
    json_out: Path | None,
    report: Path | None,
    overlay: Path | None,
) -> list[tuple[str, Path]]:
    """Write the requested JSON, HTML report and overlay video; returns (what, path) pairs."""
    written: list[tuple[str, Path]] = []
    if json_out is not None:
        write_analysis_json(out.result, out.routine, json_out)
        written.append(("JSON", json_out))
    if report is not None:
        # Imported on use: the report pulls in matplotlib and Jinja2.
        from hipcoach.report.html import write_report  # noqa: PLC0415

        thumbs = None
        if job.thumbnails:
            from hipcoach.report.thumbnails import rep_thumbnails  # noqa: PLC0415

            thumbs = rep_thumbnails(job.source, out.sequence, out.result, job.settings)
        path = write_report(
            out.result, out.blocks, out.sequence, out.routine, report, thumbnails=thumbs
        )
        written.append(("report", path))
    if overlay is not None:
        from hipcoach.report.overlay import write_analysis_overlay  # noqa: PLC0415

        with frame_progress(len(out.sequence), "overlay", job.show_progress) as bar:
            task = bar.task_ids[0]
            write_analysis_overlay(
                job.source,
                out.sequence,
                out.result,
                out.blocks,
                out.routine,
                overlay,
                job.settings,
                progress=lambda done, _total: bar.update(task, completed=done),
            )
        written.append(("overlay video", overlay))
    return written


def _fmt(v: float, unit: str = "°") -> str:
    return "-" if not math.isfinite(v) else f"{v:.0f}{unit}"


def _names(routine: Routine | None) -> tuple[dict[str, str], dict[str, str]]:
    """Plain words for exercise and rule ids, as the HTML report uses (routine file)."""
    r = routine or load_routine()
    return {e.id: e.name for e in r.exercises}, {x.id: x.title.lower() for x in r.rules}


def sets_table(result: AnalysisResult, routine: Routine | None = None) -> Table:
    """One row per set: side, exercise, reps vs target, peak angles, form flags."""
    exercises, rules = _names(routine)
    table = Table(title=f"hip series — view: {result.view.replace('_', ' ')}")
    for col in ("working leg", "exercise", "reps", "peak angle", "form"):
        table.add_column(col, overflow="fold")
    for s in result.sets:
        target = f" / {s.target_reps}" if s.target_reps else ""
        peaks = [p for p in s.peak_angle_deg if math.isfinite(p)]
        peak = f"{_fmt(min(peaks))}-{_fmt(max(peaks))}" if peaks else "-"
        name = exercises.get(s.exercise, s.exercise)
        if s.direction_withheld:
            name = "Small leg circles (direction not measurable from this view)"
        form = escape(s.form_text())
        if s.faults:
            words = ", ".join(rules.get(f, f) for f in s.faults)
            form = f"{escape(words)}: {form}"
        reps = f"{s.reps}{target}" if s.counted else f"[dim]not counted{target}[/]"
        table.add_row(s.side, escape(name), reps, peak, form)
    return table


def comparison_table(result: AnalysisResult, routine: Routine | None = None) -> Table | None:
    """Left vs right per exercise (``analysis.sides``; asymmetry is itself a glute-med
    signal)."""
    rows = [c for c in result.comparison() if c.left is not None and c.right is not None]
    if not rows:
        return None
    exercises, _ = _names(routine)
    table = Table(title="left vs right")
    for col in ("exercise", "left reps", "right reps", "left peak", "right peak", "difference"):
        table.add_column(col, overflow="fold")
    for c in rows:
        table.add_row(
            escape(exercises.get(c.exercise, c.exercise)),
            *(reps_text(c.reading(side)) for side in ("left", "right")),
            *(peak_text(c.reading(side)) for side in ("left", "right")),
            c.peak_words(),
        )
    return table


def render_result(result: AnalysisResult, routine: Routine | None = None) -> Group:
    """Everything the terminal shows after an analysis (names from ``routine``, by default
    the bundled one)."""
    parts: list[Table | str] = [sets_table(result, routine)]
    comp = comparison_table(result, routine)
    if comp is not None:
        parts.append(comp)
    _, rules = _names(routine)
    for line in limits(result, rules):
        parts.append(f"[dim]limit: {escape(line)}[/]")
    for problem in result.problems:
        parts.append(f"[yellow]note:[/] {escape(problem)}")
    if any(not s.counted for s in result.sets):
        parts.append(f"[yellow]fix:[/] {FIX_PLACEMENT}, then record again to get counts.")
    return Group(*parts)
