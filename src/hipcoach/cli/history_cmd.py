"""``hipcoach import`` and ``hipcoach history``: the private history of sessions."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from rich.table import Table

from hipcoach.analysis.result import AnalysisResult
from hipcoach.errors import InputError
from hipcoach.storage import History, SessionRow

FIX_ANALYSIS = "give a file written by `hipcoach analyze --json FILE`"


def read_analysis(path: Path) -> tuple[AnalysisResult, str]:
    """The analysis in ``path`` and its import key (sha256 of the file's bytes)."""
    if not path.is_file():
        raise InputError(f"file not found: {path}", fix=FIX_ANALYSIS)
    raw = path.read_bytes()
    try:
        result = AnalysisResult.from_json(json.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path.name} is not JSON ({exc})", fix=FIX_ANALYSIS) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(
            f"{path.name} is not a hipcoach analysis ({exc!r})", fix=FIX_ANALYSIS
        ) from exc
    return result, hashlib.sha256(raw).hexdigest()


def import_file(history: History, path: Path, started_at: datetime | None) -> int | None:
    """Store an analysis file as a session (None if this exact file was imported before).

    The session starts at ``started_at``, else at the file's modification time.
    """
    result, key = read_analysis(path)
    when = started_at or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return history.import_analysis(result, key, when)


def sessions_table(history: History) -> Table:
    """One row per stored session: date, source, sets, reps."""
    table = Table(title=f"history ({history.path})")
    for col in ("#", "started (UTC)", "source", "sets", "reps", "finished"):
        table.add_column(col)
    for row in history.sessions():
        sets = history.sets_of(row.id)
        table.add_row(
            str(row.id),
            row.started_at.strftime("%Y-%m-%d %H:%M"),
            Path(row.source).name or "-",
            str(len(sets)),
            str(sum(s.result.reps for s in sets)),
            _finished(row),
        )
    return table


def _finished(row: SessionRow) -> str:
    return "yes" if row.ended_at is not None else "no (interrupted)"


def sessions_json(history: History) -> list[dict[str, object]]:
    """Plain-JSON list of sessions with their sets (for scripts)."""
    out: list[dict[str, object]] = []
    for row in history.sessions():
        out.append(
            {
                "id": row.id,
                "started_at": row.started_at.isoformat(),
                "ended_at": None if row.ended_at is None else row.ended_at.isoformat(),
                "source": row.source,
                "band_level": row.band_level,
                "sets": [s.result.to_json() for s in history.sets_of(row.id)],
            }
        )
    return out
