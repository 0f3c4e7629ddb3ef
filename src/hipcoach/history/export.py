"""The history for scripts and spreadsheets: JSON (:func:`overview_json`) and CSV files.

CSV files are UTF-8 with a header row; empty cells mean "no reading". Dates are local
calendar days (``YYYY-MM-DD``), times ISO-8601 with the local UTC offset, angles in degrees,
pain scores 0..10, shares 0..1. Files are written atomically: a failed write leaves any
existing file untouched.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections.abc import Iterator
from dataclasses import asdict
from datetime import tzinfo
from pathlib import Path
from typing import Any, Final

from hipcoach.analysis.evidence import HISTORY_LIMITS
from hipcoach.files import atomic_output, check_outputs
from hipcoach.history.overview import Overview
from hipcoach.history.stats import HistoryData, PainReading, faulty_reps, session_pain

SET_COLUMNS: Final = (
    "session_id",
    "date",
    "started_at",
    "band_level",
    "pain_before",
    "pain_after",
    "pain_max_during",
    "session_stop_reason",
    "set",
    "side",
    "exercise",
    "direction",
    "reps",
    "target_reps",
    "status",
    "counted_by",
    "reps_with_fault",
    "median_peak_deg",
)
"""Columns of the per-set CSV. ``side`` is the working leg; ``set`` counts from 1;
``reps_with_fault`` is empty for timer-counted sets (no form reading)."""

REP_COLUMNS: Final = (
    "session_id",
    "date",
    "set",
    "side",
    "exercise",
    "rep",
    "peak_angle_deg",
    "fault",
)
"""Columns of the per-rep CSV: ``rep`` counts from 1; ``fault`` is 1 when a form fault was
measured on the rep, 0 when not, empty without a form reading."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if not math.isfinite(value) else f"{value:.1f}"
    return str(value)


def set_rows(data: HistoryData, tz: tzinfo | None = None) -> Iterator[dict[str, str]]:
    """One dict per stored set (keys :data:`SET_COLUMNS`), sessions oldest first."""
    for row in data.sessions:
        started = row.started_at.astimezone(tz)
        pain = session_pain(data.pain_of(row.id))
        for number, stored in enumerate(data.sets_of(row.id), start=1):
            s = stored.result
            peaks = [p for p in s.peak_angle_deg if math.isfinite(p)]
            read = stored.counted_by != "timer"
            values: dict[str, object] = {
                "session_id": row.id,
                "date": started.date().isoformat(),
                "started_at": started.isoformat(timespec="seconds"),
                "band_level": row.band_level,
                "pain_before": pain.before,
                "pain_after": pain.after,
                "pain_max_during": pain.max_during,
                "session_stop_reason": row.stop_reason,
                "set": number,
                "side": s.side,
                "exercise": s.exercise,
                "direction": s.direction,
                "reps": s.reps,
                "target_reps": s.target_reps,
                "status": stored.status,
                "counted_by": stored.counted_by,
                "reps_with_fault": len(faulty_reps(stored)) if read else None,
                "median_peak_deg": statistics.median(peaks) if peaks else None,
            }
            yield {k: _cell(values[k]) for k in SET_COLUMNS}


def rep_rows(data: HistoryData, tz: tzinfo | None = None) -> Iterator[dict[str, str]]:
    """One dict per stored rep (keys :data:`REP_COLUMNS`)."""
    for row in data.sessions:
        day = row.started_at.astimezone(tz).date().isoformat()
        for number, stored in enumerate(data.sets_of(row.id), start=1):
            s = stored.result
            faults = faulty_reps(stored)
            read = stored.counted_by != "timer"
            for rep in range(1, s.reps + 1):
                peak = s.peak_angle_deg[rep - 1] if rep <= len(s.peak_angle_deg) else None
                values: dict[str, object] = {
                    "session_id": row.id,
                    "date": day,
                    "set": number,
                    "side": s.side,
                    "exercise": s.exercise,
                    "rep": rep,
                    "peak_angle_deg": peak,
                    "fault": int(rep in faults) if read else None,
                }
                yield {k: _cell(values[k]) for k in REP_COLUMNS}


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterator[dict[str, str]]) -> int:
    check_outputs((), {"the CSV file": path})
    n = 0
    with (
        atomic_output(path, private=True) as tmp,
        tmp.open("x", encoding="utf-8", newline="") as fh,
    ):
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for r in rows:
            writer.writerow(r)
            n += 1
    return n


def write_sets_csv(data: HistoryData, path: Path, tz: tzinfo | None = None) -> int:
    """Write one row per set (:data:`SET_COLUMNS`) to ``path``; returns the row count."""
    return _write_csv(path, SET_COLUMNS, set_rows(data, tz))


def write_reps_csv(data: HistoryData, path: Path, tz: tzinfo | None = None) -> int:
    """Write one row per rep (:data:`REP_COLUMNS`) to ``path``; returns the row count."""
    return _write_csv(path, REP_COLUMNS, rep_rows(data, tz))


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _pain_json(p: PainReading) -> dict[str, int | None]:
    return {"before": p.before, "after": p.after, "max_during": p.max_during}


def _sessions_json(overview: Overview, data: HistoryData) -> list[dict[str, Any]]:
    out = []
    for row, s in zip(data.sessions, overview.sessions, strict=True):
        out.append(
            {
                "id": row.id,
                "started_at": row.started_at.isoformat(),
                "ended_at": None if row.ended_at is None else row.ended_at.isoformat(),
                "date": s.day.isoformat(),
                "source": row.source,
                "band_level": row.band_level,
                "stop_reason": row.stop_reason,
                "pain": _pain_json(s.pain),
                "form": {
                    "reps_read": s.form.reps_read,
                    "reps_clean": s.form.reps_clean,
                    "score": _share(s.form.score),
                },
                "completion": {
                    "done": s.completion.done,
                    "target": s.completion.target,
                    "share": _share(s.completion.share),
                },
                "sets": [
                    {**st.result.to_json(), "status": st.status, "counted_by": st.counted_by}
                    for st in data.sets_of(row.id)
                ],
            }
        )
    return out


def _asymmetry_json(overview: Overview) -> list[dict[str, Any]]:
    return [
        {**a.to_json(), "note": a.note(overview.asymmetry_note_pct)} for a in overview.asymmetry
    ]


def overview_json(overview: Overview, data: HistoryData) -> dict[str, Any]:
    """Plain-JSON form of the history and its statistics (for ``hipcoach history --json``).

    Keys: ``today``, ``streak`` (days), ``calendar`` (weeks of ``{date, sessions}``),
    ``sessions`` (each with ``pain``, ``form`` (score 0..1 or null = no reading),
    ``completion`` and its ``sets``), ``asymmetry`` (left minus right in % of the larger
    side, over the last ``asymmetry_sessions`` sessions), ``band_changes`` and
    ``progression`` (``kind``, ``headline``, ``reasons``, ``session_ids``).
    """
    streak = overview.streak
    return {
        "today": overview.today.isoformat(),
        "streak": {
            "current_days": streak.current,
            "longest_days": streak.longest,
            "last_day": None if streak.last_day is None else streak.last_day.isoformat(),
        },
        "calendar": [
            [{"date": d.day.isoformat(), "sessions": d.sessions} for d in week]
            for week in overview.calendar
        ],
        "sessions": _sessions_json(overview, data),
        "asymmetry_sessions": overview.asymmetry_sessions,
        "asymmetry": _asymmetry_json(overview),
        "painful_side": overview.painful_side,
        "limits": list(HISTORY_LIMITS),
        "band_changes": [{**asdict(b), "day": b.day.isoformat()} for b in overview.band_changes],
        "progression": {**asdict(overview.progression)},
    }
