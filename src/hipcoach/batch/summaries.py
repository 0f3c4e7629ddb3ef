"""Per-client summaries read back from the per-video results in OUT (no HTML here).

The driver builds the client reports and the overview from the JSON files the tasks wrote,
so a video finished by an earlier run counts the same as one finished now. Reps are counts
the view supports (a withheld count is left out, never shown as a number); a "rep with a
form fault" is a rep with at least one measurable rule flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from hipcoach.analysis.result import AnalysisResult
from hipcoach.batch.outcome import JobOutcome
from hipcoach.errors import ConfigError, HipcoachError, InputError
from hipcoach.exercises.routine import Routine
from hipcoach.files import read_json
from hipcoach.report.html import CompareRow, compare_rows
from hipcoach.screens.result import ScreenResult, load_result

_FIX: Final = "run the batch again: the video is analysed again"


@dataclass(frozen=True)
class SessionRow:
    """One hip-series video of a client (reps are counts; angles in degrees)."""

    date: str
    video: str
    #: The video's own report, relative to the client's folder.
    link: str
    reps: int
    target: int
    left_reps: int
    right_reps: int
    left_target: int
    right_target: int
    sets: int
    fault_reps: int
    faults: str
    sides: str
    problems: str
    compare: list[CompareRow] = field(default_factory=list)


@dataclass(frozen=True)
class ScreenRow:
    """One screen video of a client."""

    date: str
    video: str
    link: str
    screen: str
    finding: str
    label: str
    reason: str


@dataclass(frozen=True)
class ProblemRow:
    """A video that gave no result, and why."""

    date: str
    video: str
    kind: str
    reason: str


@dataclass
class ClientSummary:
    """Everything known of one client, by date."""

    client: str
    sessions: list[SessionRow] = field(default_factory=list)
    screens: list[ScreenRow] = field(default_factory=list)
    problems: list[ProblemRow] = field(default_factory=list)

    @property
    def dates(self) -> list[str]:
        """Every date with a video (``YYYY-MM-DD``), sorted."""
        dates = {s.date for s in self.sessions} | {s.date for s in self.screens}
        return sorted(dates | {p.date for p in self.problems})

    @property
    def latest(self) -> SessionRow | None:
        """The latest hip-series session (None: none)."""
        return self.sessions[-1] if self.sessions else None

    def latest_screens(self) -> list[ScreenRow]:
        """The latest result of each screen, in screen order."""
        latest: dict[str, ScreenRow] = {}
        for row in self.screens:
            latest[row.screen] = row
        return [latest[s] for s in ("squat", "stance", "gait") if s in latest]


def _session(
    outcome: JobOutcome, result: AnalysisResult, routine: Routine, link: str
) -> SessionRow:
    counted = [s for s in result.sets if s.counted]
    titles: dict[str, str] = {r.id: r.title.lower() for r in routine.rules}
    names: dict[str, str] = {e.id: e.name for e in routine.exercises}
    fault_reps = sum(len({f.rep for f in s.flags if f.measurable}) for s in counted)
    faults = sorted({titles.get(r, r) for s in counted for r in s.faults})
    sides = [
        f"{names.get(c.exercise, c.exercise)}: {c.peak_words()}"
        for c in result.comparison()
        if c.left is not None and c.right is not None
    ]
    return SessionRow(
        date=outcome.date,
        video=Path(outcome.video).name,
        link=link,
        reps=sum(s.reps for s in counted),
        target=sum(s.target_reps or 0 for s in counted),
        left_reps=sum(s.reps for s in counted if s.side == "left"),
        right_reps=sum(s.reps for s in counted if s.side == "right"),
        left_target=sum(s.target_reps or 0 for s in counted if s.side == "left"),
        right_target=sum(s.target_reps or 0 for s in counted if s.side == "right"),
        sets=len(result.sets),
        fault_reps=fault_reps,
        faults=", ".join(faults),
        sides="; ".join(sides),
        problems="; ".join(result.problems),
        compare=compare_rows(result, routine),
    )


def _screen(outcome: JobOutcome, result: ScreenResult, link: str) -> ScreenRow:
    return ScreenRow(
        date=outcome.date,
        video=Path(outcome.video).name,
        link=link,
        screen=result.screen,
        finding=result.finding,
        label=result.label,
        reason=result.reason,
    )


def _read_analysis(path: Path) -> AnalysisResult:
    data = read_json(path, what="an analysis result", fix=_FIX)
    try:
        return AnalysisResult.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{path.name} is not an analysis result ({exc})", fix=_FIX) from exc


def _add(summary: ClientSummary, out: Path, outcome: JobOutcome, routine: Routine) -> None:
    problem = ProblemRow(outcome.date, Path(outcome.video).name, outcome.kind, outcome.reason)
    if outcome.status != "done":
        summary.problems.append(problem)
        return
    link = str(Path(outcome.outputs["html"]).relative_to(outcome.client))
    try:
        if outcome.kind == "hip-series":
            result = _read_analysis(out / outcome.outputs["json"])
            summary.sessions.append(_session(outcome, result, routine, link))
        else:
            screen = load_result(out / outcome.outputs["json"])
            summary.screens.append(_screen(outcome, screen, link))
    except (HipcoachError, ConfigError, KeyError, ValueError) as exc:
        reason = exc.message if isinstance(exc, HipcoachError) else str(exc)
        summary.problems.append(
            ProblemRow(outcome.date, problem.video, outcome.kind, f"result unreadable: {reason}")
        )


def summarise(out: Path, outcomes: list[JobOutcome], routine: Routine) -> list[ClientSummary]:
    """One summary per client (sorted by name; rows by date, then video name)."""
    clients: dict[str, ClientSummary] = {}
    ordered = sorted(outcomes, key=lambda o: (o.client, o.date, Path(o.video).name))
    for outcome in ordered:
        summary = clients.setdefault(outcome.client, ClientSummary(outcome.client))
        _add(summary, out, outcome, routine)
    return [clients[name] for name in sorted(clients)]
