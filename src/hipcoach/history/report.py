"""The history report: one self-contained HTML page (``hipcoach report --out FILE.html``).

Streak and calendar, the progression suggestion with its reasons, pain / form / band-level
trends and left vs right as charts (PNG ``data:`` URIs), the session list and the latest
warning-sign check. Inline CSS, no scripts, no links to other resources: it opens offline.
Jinja2 autoescapes every text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from importlib import resources
from pathlib import Path
from typing import Final

from hipcoach import __version__
from hipcoach.analysis.evidence import HISTORY_LIMITS, MEASURED, references
from hipcoach.analysis.sides import reading_text
from hipcoach.config import HistorySettings
from hipcoach.errors import ConfigError
from hipcoach.exercises.questionnaires import load_questionnaires, summarise
from hipcoach.exercises.routine import Routine, load_routine
from hipcoach.files import write_text
from hipcoach.history import plots
from hipcoach.history.overview import Overview
from hipcoach.history.progression import band_text, pain_reasons
from hipcoach.history.stats import HistoryData, SessionSummary
from hipcoach.report.figures import html_environment
from hipcoach.report.html import Chart, data_uri
from hipcoach.report.plots import exercise_name
from hipcoach.storage import AnswerRow

TEMPLATE: Final = "template.html.j2"
NOT_A_DIAGNOSIS: Final = (
    "These answers are not a diagnosis: they point at common patterns. See a physiotherapist "
    "or doctor about symptoms that are strong, getting worse or not easing."
)


@dataclass(frozen=True)
class CalendarCell:
    """One calendar day: its label, tooltip text and CSS class."""

    label: str
    title: str
    css: str


@dataclass(frozen=True)
class SessionLine:
    """One row of the session table (texts ready to show)."""

    id: int
    date: str
    band: str
    pain: str
    form: str
    reps: str
    counted_by: str
    note: str
    painful: bool


@dataclass(frozen=True)
class AsymmetryLine:
    """One exercise, left vs right (texts ready to show)."""

    exercise: str
    left: str
    right: str
    reps_diff: str
    peak_diff: str
    note: str
    #: The exercise's reference values (``analysis.evidence.Reference.text``).
    reference: str = ""


@dataclass(frozen=True)
class CheckView:
    """The latest stored warning-sign check: when, each answer, and what they suggest."""

    when: str
    answers: list[tuple[str, str]]
    findings: list[str]


def calendar_cells(overview: Overview) -> list[list[CalendarCell]]:
    """The calendar weeks as cells (``has`` = a session that day)."""
    out = []
    for week in overview.calendar:
        row = []
        for d in week:
            css = "future" if d.is_future else ("has" if d.sessions else "none")
            if d.is_today:
                css += " today"
            n = d.sessions
            title = f"{d.day:%a %d %b %Y}: " + (
                f"{n} session{'s' if n > 1 else ''}" if n else "no session"
            )
            row.append(CalendarCell(f"{d.day.day}", title, css))
        out.append(row)
    return out


def _pain(s: SessionSummary) -> str:
    p = s.pain
    if p.worst is None:
        return "-"
    parts = [
        f"{p.before if p.before is not None else '-'} → {p.after if p.after is not None else '-'}"
    ]
    if p.max_during is not None:
        parts.append(f"(max {p.max_during} during)")
    return " ".join(parts)


def session_lines(overview: Overview, cfg: HistorySettings) -> list[SessionLine]:
    """All sessions, newest first (``painful``: a session that calls for easing off)."""
    lines = []
    for s in reversed(overview.sessions):
        done = s.completion
        note = (
            f"stopped: {s.stop_reason}" if s.stop_reason else ("" if s.finished else "interrupted")
        )
        lines.append(
            SessionLine(
                id=s.id,
                date=f"{s.started_at:%a %d %b %Y %H:%M}",
                band=band_text(s.band_level),
                pain=_pain(s),
                form=s.form.text(),
                reps=f"{done.done} / {done.target}" if done.target else str(s.reps),
                counted_by=", ".join(s.counted_by) or "-",
                note=note,
                painful=bool(pain_reasons(s, cfg)),
            )
        )
    return lines


def asymmetry_lines(overview: Overview, routine: Routine) -> list[AsymmetryLine]:
    """Left vs right per exercise (differences left minus right, in % of the larger)."""
    refs = {r.exercise: r.text() for r in references(routine)}
    out = []
    for a in overview.asymmetry:
        out.append(
            AsymmetryLine(
                exercise=exercise_name(routine, a.exercise),
                left=reading_text(a.left),
                right=reading_text(a.right),
                reps_diff="-" if a.reps_diff_pct is None else f"{a.reps_diff_pct:+.0f}%",
                peak_diff="-" if a.peak_diff_pct is None else f"{a.peak_diff_pct:+.0f}%",
                note=a.note(overview.asymmetry_note_pct),
                reference=refs.get(a.exercise, ""),
            )
        )
    return out


def check_view(row: AnswerRow | None, tz: tzinfo | None = None) -> CheckView | None:
    """The latest check as shown in the report (None when none is stored); ``tz`` None:
    local time."""
    if row is None:
        return None
    questionnaire = load_questionnaires()["check"]
    answers = []
    for q in questionnaire.questions:
        if q.id in row.answers:
            try:
                answers.append((q.text, q.answer_text(row.answers[q.id])))
            except ValueError:
                answers.append((q.text, f"unreadable answer {row.answers[q.id]!r}"))
    try:
        findings = summarise(questionnaire, row.answers)
    except ValueError as exc:
        raise ConfigError(f"stored check answers do not fit the questionnaire: {exc}") from exc
    when = f"{row.at.astimezone(tz):%a %d %b %Y %H:%M}"
    return CheckView(when, answers, findings)


def charts(overview: Overview, routine: Routine, cfg: HistorySettings) -> list[Chart]:
    """The report's charts (those that have data)."""
    s = overview.sessions
    candidates = (
        (
            plots.pain_png(s, cfg),
            "Pain per session",
            "Line chart of pain scores 0 to 10 before, at most during and after each session",
            "Pain is asked before, during and after each guided session.",
        ),
        (
            plots.form_png(s, cfg),
            "Form score per session",
            "Line chart of the share of reps without a form fault per session, in percent",
            "Only reps counted by the camera or from video have a form reading; "
            "timer-counted sessions show as 'no reading', not 100%.",
        ),
        (
            plots.asymmetry_png(overview.asymmetry, routine),
            f"Left vs right (last {overview.asymmetry_sessions} sessions)",
            "Bar charts of total reps and median peak angle per exercise for the "
            "left and right leg",
            "Orange: left leg, blue: right leg. A weaker side often shows as fewer "
            "reps or a lower peak angle.",
        ),
        (
            plots.band_png(s, cfg),
            "Band level",
            "Step chart of the resistance band level per session",
            "0 = no band.",
        ),
    )
    return [
        Chart(title, alt, data_uri(png), caption)
        for png, title, alt, caption in candidates
        if png is not None
    ]


def render_history_report(
    overview: Overview,
    data: HistoryData,
    settings: HistorySettings,
    *,
    latest_check: AnswerRow | None = None,
    generated: datetime | None = None,
    routine: Routine | None = None,
    tz: tzinfo | None = None,
    with_charts: bool = True,
) -> str:
    """The report's HTML text (see the module docstring); ``with_charts`` False leaves the
    PNG charts out (the web history page draws them itself, interactive)."""
    routine = routine or load_routine()
    text = resources.files("hipcoach.history").joinpath(TEMPLATE).read_text(encoding="utf-8")
    when = (generated or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M")
    sessions = overview.sessions
    return (
        html_environment()
        .from_string(text)
        .render(
            title="Hip series history",
            generated=when,
            version=__version__,
            safety=routine.safety,
            empty=overview.empty,
            overview=overview,
            first=sessions[0].day if sessions else None,
            last=sessions[-1].day if sessions else None,
            band_now=band_text(sessions[-1].band_level) if sessions else "-",
            weekdays=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
            calendar=calendar_cells(overview),
            week_labels=[f"{w[0].day:%d %b}" for w in overview.calendar],
            progression=overview.progression,
            charts=charts(overview, routine, settings) if sessions and with_charts else [],
            asymmetry=asymmetry_lines(overview, routine),
            limits=HISTORY_LIMITS,
            accuracy_measured=MEASURED,
            sessions=session_lines(overview, settings),
            check=check_view(latest_check, tz),
            not_a_diagnosis=NOT_A_DIAGNOSIS,
            sets_stored=sum(len(v) for v in data.sets.values()),
        )
    )


def write_history_report(
    overview: Overview,
    data: HistoryData,
    path: Path,
    settings: HistorySettings,
    *,
    latest_check: AnswerRow | None = None,
    generated: datetime | None = None,
    tz: tzinfo | None = None,
) -> Path:
    """Write the report to ``path`` (UTF-8, atomically; the folder must exist)."""
    html = render_history_report(
        overview, data, settings, latest_check=latest_check, generated=generated, tz=tz
    )
    write_text(path, html, private=True)
    return Path(path)
