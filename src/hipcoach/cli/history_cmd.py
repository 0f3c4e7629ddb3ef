"""``hipcoach import``, ``hipcoach history`` and ``hipcoach report``: the private history.

``history`` prints the streak, a calendar, the recent sessions (pain, form, reps, band),
left vs right and the progression suggestion; ``--json`` and ``--csv`` give the same for
scripts and spreadsheets. ``report`` writes it all as one self-contained HTML page.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hipcoach.analysis.evidence import HISTORY_LIMITS
from hipcoach.analysis.result import AnalysisResult
from hipcoach.analysis.sides import reading_text
from hipcoach.cli.ui import err_console, plain
from hipcoach.config import HistorySettings
from hipcoach.errors import InputError
from hipcoach.exercises.routine import load_routine
from hipcoach.files import MAX_JSON_BYTES, parse_json, read_limited
from hipcoach.history.export import (
    overview_json,
    write_reps_csv,
    write_sets_csv,
)
from hipcoach.history.overview import Overview, build_overview
from hipcoach.history.progression import band_text
from hipcoach.history.stats import HistoryData, SessionSummary, load_history
from hipcoach.storage import History, open_db
from hipcoach.storage.db import Moment

FIX_ANALYSIS = "give a file written by `hipcoach analyze --json FILE`"
_DAY = "%a %d %b"
_WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_KIND_STYLE = {
    "add_band": "green",
    "more_reps": "green",
    "hold": "cyan",
    "ease_off": "yellow",
    "rest": "red",
    "insufficient": "dim",
}


def read_analysis(path: Path) -> tuple[AnalysisResult, str]:
    """The analysis in ``path`` and its import key (sha256 of the file's bytes)."""
    what = "a hipcoach analysis"
    raw = read_limited(path, what=what, fix=FIX_ANALYSIS, max_bytes=MAX_JSON_BYTES)
    data = parse_json(raw, name=path.name, what=what, fix=FIX_ANALYSIS)
    try:
        if not isinstance(data, dict):
            raise TypeError("the file holds no JSON object")
        result = AnalysisResult.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise InputError(f"{path.name} is not {what}: {why(exc)}", fix=FIX_ANALYSIS) from exc
    return result, hashlib.sha256(raw).hexdigest()


def why(exc: BaseException) -> str:
    """A malformed document's reason in words (a missing key is named as a field)."""
    if isinstance(exc, KeyError):
        return f"the field {exc} is missing"
    return str(exc) or type(exc).__name__


#: Imported sessions are dated from this day to tomorrow (a file's time or --started-at).
EARLIEST_SESSION = datetime(2000, 1, 1, tzinfo=UTC)


def session_time(path: Path, started_at: datetime | None) -> datetime:
    """When the session in ``path`` took place: ``started_at`` (naive = local time) or the
    file's modification time; InputError for a date no session can have."""
    when = started_at or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    try:
        if when.tzinfo is None:
            when = when.astimezone()
        plausible = EARLIEST_SESSION <= when <= datetime.now(UTC) + timedelta(days=1)
    except (ValueError, OverflowError, OSError):  # beyond what the clock can convert
        plausible = False
    if not plausible:
        raise InputError(
            f"{path.name}: the session date {when:%Y-%m-%d} is not plausible",
            fix="pass --started-at with the real date and time, e.g. 2026-03-01T18:30",
        )
    return when


@dataclass(frozen=True)
class ImportExtras:
    """What the analysis file cannot know: pain told before/after (0..10) and the band."""

    pain_before: int | None = None
    pain_after: int | None = None
    band_level: int = 0

    def pain(self) -> list[tuple[Moment, int]]:
        """The pain scores given, with their moment."""
        told: list[tuple[Moment, int | None]] = [
            ("before", self.pain_before),
            ("after", self.pain_after),
        ]
        return [(m, v) for m, v in told if v is not None]


def import_files(
    history_path: Path | None,
    paths: list[Path],
    started_at: datetime | None,
    extras: ImportExtras = ImportExtras(),
) -> list[tuple[Path, int | None]]:
    """Read and check every file first (nothing is stored if one is bad), then store each as
    a session; (path, new session id or None when this exact file was imported before)."""
    read = [(p, *read_analysis(p), session_time(p, started_at)) for p in paths]
    stored: list[tuple[Path, int | None]] = []
    with open_db(history_path) as history:
        for path, result, key, when in read:
            session = history.import_analysis(
                result, key, when, band_level=extras.band_level, pain=extras.pain()
            )
            stored.append((path, session))
    return stored


def read_overview(
    history: History,
    settings: HistorySettings,
    today: date | None = None,
    tz: tzinfo | None = None,
) -> tuple[HistoryData, Overview]:
    """Read the history and compute its statistics (``tz`` None: local time zone)."""
    data = load_history(history)
    return data, build_overview(data, settings, today=today, tz=tz)


# --------------------------------------------------------------------------------------
# Rich rendering
# --------------------------------------------------------------------------------------


def _pct(share: float | None) -> str:
    return "no reading" if share is None else f"{100.0 * share:.0f}%"


def _num(value: int | None) -> str:
    return "-" if value is None else str(value)


def streak_text(overview: Overview) -> Text:
    """``"Streak: 5 days (longest 7) · 18 sessions"``."""
    s = overview.streak
    text = Text("Streak: ", style="bold")
    text.append(f"{s.current} day{'s' if s.current != 1 else ''}", style="bold green")
    n = len(overview.sessions)
    text.append(f" (longest {s.longest}) · {n} session{'s' if n != 1 else ''}")
    if s.last_day is not None:
        text.append(f" · last on {s.last_day:{_DAY}}")
    return text


def calendar_table(overview: Overview) -> Table:
    """The last weeks, Monday first: ● a day with a session, · a day without."""
    table = Table(title="Sessions, last weeks", title_justify="left", box=None, padding=(0, 1))
    table.add_column("week of", style="dim")
    for name in _WEEKDAYS:
        table.add_column(name, justify="center")
    for week in overview.calendar:
        cells = []
        for d in week:
            mark = "" if d.is_future else ("●" if d.sessions else "·")
            style = "green" if d.sessions else "dim"
            cells.append(Text(mark, style=style + (" reverse" if d.is_today else "")))
        table.add_row(f"{week[0].day:%d %b}", *cells)
    return table


def _pain_cell(s: SessionSummary) -> str:
    p = s.pain
    if p.worst is None:
        return "-"
    during = f" (max {p.max_during})" if p.max_during is not None else ""
    return f"{_num(p.before)} → {_num(p.after)}{during}"


def sessions_table(overview: Overview, limit: int) -> Table:
    """The most recent ``limit`` sessions: pain, form, reps against target, band."""
    shown = overview.sessions[-limit:]
    older = len(overview.sessions) - len(shown)
    title = "Recent sessions" + (f" ({older} older: --json or --csv for all)" if older else "")
    table = Table(title=title, title_justify="left")
    for col in ("#", "date", "band", "pain before → after", "form", "reps", "counted by", "note"):
        table.add_column(col, overflow="fold")
    for s in shown:
        done = s.completion
        reps = f"{done.done}/{done.target}" if done.target else str(s.reps)
        note = s.stop_reason and f"stopped: {s.stop_reason}"
        if not s.finished:
            note = "interrupted"
        table.add_row(
            str(s.id),
            f"{s.started_at:{_DAY} %H:%M}",
            str(s.band_level),
            _pain_cell(s),
            s.form.text(),
            reps,
            plain(", ".join(s.counted_by) or "-"),
            plain(note or ""),
        )
    return table


def asymmetry_table(overview: Overview) -> Table:
    """Left vs right per exercise: reps and median peak angle, differences in %."""
    n = overview.asymmetry_sessions
    table = Table(title=f"Left vs right (last {n} sessions)", title_justify="left")
    legs = (overview.leg_label("left"), overview.leg_label("right"))
    for col in ("exercise", *legs, "reps diff", "peak diff", "note"):
        table.add_column(col, overflow="fold")
    names: dict[str, str] = {e.id: e.name for e in load_routine().exercises}
    for a in overview.asymmetry:
        table.add_row(
            plain(names.get(a.exercise, a.exercise.replace("_", " "))),
            reading_text(a.left),
            reading_text(a.right),
            "-" if a.reps_diff_pct is None else f"{a.reps_diff_pct:+.0f}%",
            "-" if a.peak_diff_pct is None else f"{a.peak_diff_pct:+.0f}%",
            a.note(overview.asymmetry_note_pct),
        )
    return table


def band_text_line(overview: Overview) -> Text:
    """The current band level and when it changed."""
    now = overview.sessions[-1].band_level
    text = Text("Band: ", style="bold")
    text.append(band_text(now))
    changes = [
        f"{c.day:{_DAY}} {band_text(c.before)} → {band_text(c.after)}"
        for c in overview.band_changes[-4:]
    ]
    if changes:
        text.append(" (changes: " + "; ".join(changes) + ")", style="dim")
    return text


def progression_panel(overview: Overview) -> Panel:
    """The suggestion with every reason behind it."""
    p = overview.progression
    body = Text("\n".join(f"• {reason}" for reason in p.reasons) or "-")
    return Panel(
        body,
        title=Text(p.headline, style="bold " + _KIND_STYLE[p.kind]),
        title_align="left",
    )


def render_overview(overview: Overview, settings: HistorySettings) -> RenderableType:
    """Everything ``hipcoach history`` prints."""
    if overview.empty:
        return Text(
            "No sessions yet: run a guided session, or `hipcoach import` an analysis.",
            style="yellow",
        )
    parts: list[RenderableType] = [
        streak_text(overview),
        calendar_table(overview),
        sessions_table(overview, settings.table_sessions),
        band_text_line(overview),
    ]
    if overview.asymmetry:
        parts.append(asymmetry_table(overview))
    parts.append(progression_panel(overview))
    parts += [Text(f"limit: {line}", style="dim") for line in HISTORY_LIMITS]
    return Group(*parts)


def print_history(
    history: History,
    settings: HistorySettings,
    console: Console,
    *,
    as_json: bool = False,
    csv_out: Path | None = None,
    reps_csv: Path | None = None,
) -> None:
    """``hipcoach history``: Rich output, or JSON on stdout; optional CSV files."""
    data, overview = read_overview(history, settings)
    written = []
    if csv_out is not None:
        written.append((write_sets_csv(data, csv_out), "sets", csv_out))
    if reps_csv is not None:
        written.append((write_reps_csv(data, reps_csv), "reps", reps_csv))
    if as_json:
        print(json.dumps(overview_json(overview, data), indent=2))
    else:
        console.print(render_overview(overview, settings))
    notes = err_console if as_json else console
    for n, what, path in written:
        notes.print(f"{n} {what} written to [bold]{path}[/]")


def write_history_report(
    history: History,
    settings: HistorySettings,
    out: Path,
    today: date | None = None,
    tz: tzinfo | None = None,
) -> tuple[Path, Overview]:
    """``hipcoach report``: the HTML history report at ``out``; returns it and the stats."""
    # Imported on use: the report pulls in matplotlib and Jinja2.
    from hipcoach.history.report import write_history_report as write  # noqa: PLC0415

    data, overview = read_overview(history, settings, today, tz)
    checks = history.answers("check")
    latest = checks[-1] if checks else None
    path = write(overview, data, out, settings, latest_check=latest, tz=tz)
    return path, overview
