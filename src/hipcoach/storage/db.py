"""The private, local history of sessions: a small SQLite database.

Nothing here leaves the machine. Every write method commits before it returns (WAL journal,
``synchronous=NORMAL``), so a process killed afterwards loses nothing already added; a power
cut may lose at most the last commits, never corrupt the file.

Units: datetimes are stored as ISO-8601 UTC text (naive datetimes are taken as local time);
set and rep times are seconds from the start of the recording (s); angles are degrees (deg).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self, cast

import platformdirs

from hipcoach.analysis.result import AnalysisResult, Flag, SetResult
from hipcoach.errors import StorageError
from hipcoach.storage.migrations import check_not_newer, migrate

Moment = Literal["before", "during", "after"]
_MOMENTS: tuple[str, ...] = ("before", "during", "after")
SetStatus = Literal["done", "skipped", "stopped"]
"""How a set ended: finished, skipped by the user, or stopped (pain or quit) part-way."""
CountedBy = Literal["video", "camera", "timer"]
"""Who counted the reps: offline video analysis, the live camera, or the pacing timer."""
_STATUSES: tuple[str, ...] = ("done", "skipped", "stopped")
_COUNTERS: tuple[str, ...] = ("video", "camera", "timer")
_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_BUSY_TIMEOUT_S = 10.0


def default_db_path() -> Path:
    """``$HIPCOACH_DB`` if set, else ``<user data dir>/hipcoach/history.sqlite3``."""
    env = os.environ.get("HIPCOACH_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("hipcoach")) / "history.sqlite3"


def database_files(db: Path | None) -> list[Path]:
    """The history database (``db`` or the default) and its journal files: inputs that no
    output may overwrite."""
    path = db if db is not None else default_db_path()
    if not path.name:  # "/" and the like: open_db says what is wrong with it
        return [path]
    return [path, *(path.with_name(path.name + tail) for tail in ("-wal", "-shm", "-journal"))]


@dataclass(frozen=True)
class SessionRow:
    """One stored session. ``ended_at`` is None while unfinished (or if the process died)."""

    id: int
    started_at: datetime
    ended_at: datetime | None
    source: str
    band_level: int
    notes: str
    import_key: str | None
    stop_reason: str | None = None


@dataclass(frozen=True)
class StoredSet:
    """One stored set: its row id, order in the session (from 0) and the set itself."""

    id: int
    session_id: int
    position: int
    result: SetResult
    status: SetStatus = "done"
    counted_by: CountedBy = "video"


@dataclass(frozen=True)
class AnswerRow:
    """One filled-in questionnaire: ``answers`` maps question id -> answer (JSON values)."""

    id: int
    at: datetime
    kind: str
    answers: dict[str, Any]
    session_id: int | None


@dataclass(frozen=True)
class PainRow:
    """One pain score (0 = none .. 10 = worst) given before, during or after a session."""

    id: int
    session_id: int
    at: datetime
    score: int
    moment: Moment


def _utc_text(dt: datetime) -> str:
    """ISO-8601 UTC text for ``dt`` (naive = local time)."""
    return dt.astimezone(UTC).isoformat()


def _parse_utc(text: str) -> datetime:
    """Inverse of :func:`_utc_text`: an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def _opt_float(v: float | None) -> float | None:
    """NaN / inf become NULL (SQLite has no NaN)."""
    return None if v is None or not math.isfinite(v) else float(v)


def _backup_corrupt(path: Path) -> Path:
    """Copy a damaged database (and its ``-wal`` file, if any) next to it; returns the copy."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    bak = path.with_name(f"{path.name}.corrupt-{stamp}.bak")
    n = 1
    while bak.exists():
        bak = path.with_name(f"{path.name}.corrupt-{stamp}-{n}.bak")
        n += 1
    shutil.copy2(path, bak)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        shutil.copy2(wal, bak.with_name(bak.name + "-wal"))
    return bak


def _damaged(path: Path) -> StorageError:
    """Back up a damaged database and build the error that says where the copy is."""
    try:
        bak = _backup_corrupt(path)
    except OSError as exc:
        return StorageError(
            f"history database {path} is damaged and could not be copied ({exc})",
            fix="copy the file somewhere safe by hand, then move it away to start a new history",
        )
    return StorageError(
        f"history database {path} is damaged; a copy was kept at {bak}",
        fix=f"move {path} away to start a new history (the copy keeps the old data for recovery)",
    )


def _check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    """Raise :class:`StorageError` (after backing the file up) if it is not a sound SQLite DB."""
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code not in _CORRUPT_CODES:
            raise _unusable(path, exc) from exc
        conn.close()
        raise _damaged(path) from exc
    if rows != [("ok",)]:
        conn.close()
        raise _damaged(path)


def _unusable(path: Path, exc: BaseException) -> StorageError:
    """A database that cannot be opened or written for a reason other than damage."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return StorageError(
        f"cannot use history database {path}: {reason}",
        fix="check the folder exists and is writable, the disk has space, and no other "
        "program holds the file locked (set HIPCOACH_DB to use another file)",
    )


def _create_private(path: Path) -> None:
    """Create the parent folders (mode 700) and an empty file (mode 600) if missing."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def _connect(path: Path) -> sqlite3.Connection:
    """Open, check and migrate the database at ``path``; autocommit mode."""
    try:
        _create_private(path)
        conn = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise _unusable(path, exc) from exc
    try:
        _check_integrity(conn, path)
        check_not_newer(conn, path)
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StorageError(
                f"history database {path} cannot use write-ahead logging (mode {mode})",
                fix="keep the history on a local disk (set HIPCOACH_DB), not a network share",
            )
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        migrate(conn, path)
    except StorageError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        raise _unusable(path, exc) from exc
    return conn


def open_db(path: Path | str | None = None) -> History:
    """Open (creating and migrating as needed) the history database; use as a context manager.

    ``path`` defaults to :func:`default_db_path`. Raises :class:`StorageError` for a damaged
    file (after copying it to ``<name>.corrupt-<UTC time>.bak``; the original is kept), a file
    written by a newer hipcoach, or a file that cannot be opened.
    """
    p = Path(path) if path is not None else default_db_path()
    return History(_connect(p), p)


class History:
    """An open history database. Every write commits before returning."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (safe to call twice)."""
        self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed on success, rolled back on any error."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _unusable(self.path, exc) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StorageError(
                    f"could not write to history database {self.path}: {exc}",
                    fix="check the disk has space and the file is writable; nothing was saved",
                ) from exc
            raise

    def start_session(
        self,
        started_at: datetime,
        source: str,
        band_level: int = 0,
        notes: str = "",
        import_key: str | None = None,
    ) -> int:
        """Record a new session (``band_level``: resistance band, 0 = none); returns its id."""
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (started_at, source, band_level, notes, import_key)"
                " VALUES (?, ?, ?, ?, ?)",
                (_utc_text(started_at), source, int(band_level), notes, import_key),
            )
        return int(cast(int, cur.lastrowid))

    def finish_session(
        self, session_id: int, ended_at: datetime, stop_reason: str | None = None
    ) -> None:
        """Set the end time of a session; ``stop_reason`` says why it ended early (None =
        the routine was completed)."""
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE sessions SET ended_at = ?, stop_reason = ? WHERE id = ?",
                (_utc_text(ended_at), stop_reason, session_id),
            )
            if cur.rowcount != 1:
                raise StorageError(f"no session {session_id} in history database {self.path}")

    def add_set(
        self,
        session_id: int,
        set_result: SetResult,
        status: SetStatus = "done",
        counted_by: CountedBy = "video",
    ) -> int:
        """Store one set with its reps and flags in one transaction; returns the set's id."""
        if status not in _STATUSES:
            raise ValueError(f"set status must be one of {_STATUSES}, got {status!r}")
        if counted_by not in _COUNTERS:
            raise ValueError(f"counted_by must be one of {_COUNTERS}, got {counted_by!r}")
        with self._tx() as conn:
            return _insert_set(conn, session_id, set_result, status, counted_by)

    def add_answers(
        self, kind: str, at: datetime, answers: dict[str, Any], session_id: int | None = None
    ) -> int:
        """Store one filled-in questionnaire (``answers``: question id -> JSON value)."""
        text = json.dumps(answers, sort_keys=True)
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO answers (at, kind, answers, session_id) VALUES (?, ?, ?, ?)",
                (_utc_text(at), kind, text, session_id),
            )
        return int(cast(int, cur.lastrowid))

    def answers(self, kind: str | None = None) -> list[AnswerRow]:
        """Stored questionnaires (all, or of one ``kind``), oldest first."""
        sql = "SELECT id, at, kind, answers, session_id FROM answers"
        args: tuple[str, ...] = ()
        if kind is not None:
            sql += " WHERE kind = ?"
            args = (kind,)
        rows = self._conn.execute(sql + " ORDER BY at, id", args).fetchall()
        return [AnswerRow(r[0], _parse_utc(r[1]), r[2], json.loads(r[3]), r[4]) for r in rows]

    def add_pain(self, session_id: int, at: datetime, score: int, moment: Moment) -> int:
        """Record a pain score (0..10) given ``moment`` the session; returns its id."""
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
            raise ValueError(f"pain score must be an integer 0..10, got {score!r}")
        if moment not in _MOMENTS:
            raise ValueError(f"pain moment must be one of {_MOMENTS}, got {moment!r}")
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO pain (session_id, at, score, moment) VALUES (?, ?, ?, ?)",
                (session_id, _utc_text(at), score, moment),
            )
        return int(cast(int, cur.lastrowid))

    def import_analysis(
        self,
        result: AnalysisResult,
        key: str,
        started_at: datetime,
        *,
        band_level: int = 0,
        pain: Sequence[tuple[Moment, int]] = (),
    ) -> int | None:
        """Store an analysed recording as a finished session, once per ``key``.

        Returns the new session id, or None if ``key`` was imported before. All-or-nothing:
        a failure part-way stores nothing. ``ended_at`` = ``started_at`` + ``duration_s``;
        ``pain``: scores 0..10 told for the session ("before" at its start, "after" at
        its end); ``band_level``: the resistance band used (0 = none).
        """
        ended = started_at + timedelta(seconds=max(0.0, _opt_float(result.duration_s) or 0.0))
        for moment, score in pain:
            if isinstance(score, bool) or not 0 <= score <= 10 or moment not in _MOMENTS:
                raise ValueError(f"pain must be 0..10 before/during/after, got {score!r}")
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (started_at, ended_at, source, import_key, band_level)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (import_key) DO NOTHING",
                (_utc_text(started_at), _utc_text(ended), result.source, key, int(band_level)),
            )
            if cur.rowcount == 0:
                return None
            session_id = int(cast(int, cur.lastrowid))
            for s in result.sets:
                if s.counted:  # a withheld count is no count: never stored as one
                    _insert_set(conn, session_id, s)
            for moment, score in pain:
                at = started_at if moment == "before" else ended
                conn.execute(
                    "INSERT INTO pain (session_id, at, score, moment) VALUES (?, ?, ?, ?)",
                    (session_id, _utc_text(at), int(score), moment),
                )
        return session_id

    def sessions(self) -> list[SessionRow]:
        """All sessions, oldest first."""
        rows = self._conn.execute(
            "SELECT id, started_at, ended_at, source, band_level, notes, import_key,"
            " stop_reason FROM sessions ORDER BY started_at, id"
        ).fetchall()
        return [
            SessionRow(
                id=r[0],
                started_at=_parse_utc(r[1]),
                ended_at=None if r[2] is None else _parse_utc(r[2]),
                source=r[3],
                band_level=r[4],
                notes=r[5],
                import_key=r[6],
                stop_reason=r[7],
            )
            for r in rows
        ]

    def sets_of(self, session_id: int) -> list[StoredSet]:
        """The sets of one session in the order they were added, with reps and flags."""
        rows = self._conn.execute(
            "SELECT id, position, side, exercise, reps, target_reps, start_s, end_s, direction,"
            " status, counted_by FROM sets WHERE session_id = ? ORDER BY position",
            (session_id,),
        ).fetchall()
        out: list[StoredSet] = []
        for r in rows:
            rep_times, peaks = _reps_of(self._conn, r[0])
            result = SetResult(
                side=r[2],
                exercise=r[3],
                reps=r[4],
                start_s=r[6],
                end_s=r[7],
                rep_times=rep_times,
                peak_angle_deg=peaks,
                target_reps=r[5],
                direction=r[8],
                flags=_flags_of(self._conn, r[0]),
            )
            out.append(StoredSet(r[0], session_id, r[1], result, status=r[9], counted_by=r[10]))
        return out

    def pain_scores(self) -> list[PainRow]:
        """All pain scores, oldest first."""
        rows = self._conn.execute(
            "SELECT id, session_id, at, score, moment FROM pain ORDER BY at, id"
        ).fetchall()
        return [PainRow(r[0], r[1], _parse_utc(r[2]), r[3], r[4]) for r in rows]


def _insert_set(
    conn: sqlite3.Connection,
    session_id: int,
    s: SetResult,
    status: SetStatus = "done",
    counted_by: CountedBy = "video",
) -> int:
    """Insert a set, its reps and flags inside the caller's transaction; returns the set id."""
    cur = conn.execute(
        "INSERT INTO sets (session_id, position, side, exercise, reps, target_reps,"
        " start_s, end_s, direction, status, counted_by) VALUES (?,"
        " (SELECT COALESCE(MAX(position), -1) + 1 FROM sets WHERE session_id = ?),"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            session_id,
            session_id,
            s.side,
            s.exercise,
            s.reps,
            s.target_reps,
            float(s.start_s),
            float(s.end_s),
            s.direction,
            status,
            counted_by,
        ),
    )
    set_id = int(cast(int, cur.lastrowid))
    n = max(len(s.rep_times), len(s.peak_angle_deg))
    reps = []
    for i in range(n):
        start, end = s.rep_times[i] if i < len(s.rep_times) else (None, None)
        peak = s.peak_angle_deg[i] if i < len(s.peak_angle_deg) else None
        reps.append((set_id, i, _opt_float(start), _opt_float(end), _opt_float(peak)))
    conn.executemany(
        "INSERT INTO reps (set_id, idx, start_s, end_s, peak_angle_deg) VALUES (?, ?, ?, ?, ?)",
        reps,
    )
    conn.executemany(
        "INSERT INTO flags (set_id, rule, rep, value, unit, measurable, message)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (set_id, f.rule, f.rep, _opt_float(f.value), f.unit, int(f.measurable), f.message)
            for f in s.flags
        ],
    )
    return set_id


def _reps_of(
    conn: sqlite3.Connection, set_id: int
) -> tuple[list[tuple[float, float]], list[float]]:
    """Rep times (s) and peak angles (deg; NaN when not measured) of one stored set."""
    rows = conn.execute(
        "SELECT start_s, end_s, peak_angle_deg FROM reps WHERE set_id = ? ORDER BY idx",
        (set_id,),
    ).fetchall()
    times = [(float(a), float(b)) for a, b, _ in rows if a is not None and b is not None]
    peaks = [math.nan if p is None else float(p) for _, _, p in rows]
    return times, peaks


def _flags_of(conn: sqlite3.Connection, set_id: int) -> list[Flag]:
    """The form flags of one stored set, in the order they were added."""
    rows = conn.execute(
        "SELECT rule, rep, value, unit, measurable, message FROM flags WHERE set_id = ?"
        " ORDER BY id",
        (set_id,),
    ).fetchall()
    return [Flag(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]
