"""Schema of the history database, as an ordered list of migrations.

Each migration is ``(version, SQL script)``. :func:`migrate` applies the ones newer than the
database's ``PRAGMA user_version``, each in its own transaction together with the new
``user_version``, so a crash mid-migration leaves the previous version intact.

Units: times are ISO-8601 UTC text, set/rep times are seconds from the start of the
recording (s), angles are degrees (deg).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from hipcoach.errors import StorageError

# Version 1: the first released schema — sessions and sets only.
_V1 = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,          -- ISO-8601 UTC
    ended_at TEXT,                     -- ISO-8601 UTC, NULL while unfinished
    source TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT ''
);
CREATE TABLE sets (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,         -- order within the session, from 0
    side TEXT NOT NULL CHECK (side IN ('left', 'right')),
    exercise TEXT NOT NULL,
    reps INTEGER NOT NULL,
    target_reps INTEGER,
    start_s REAL NOT NULL,             -- s from the start of the recording
    end_s REAL NOT NULL,               -- s
    direction TEXT CHECK (direction IN ('cw', 'ccw')),
    UNIQUE (session_id, position)
);
"""

# Version 2: resistance band level, idempotent imports, per-rep detail, form flags, pain.
_V2 = """
ALTER TABLE sessions ADD COLUMN band_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX sessions_import_key ON sessions(import_key);
CREATE INDEX sets_session ON sets(session_id);
CREATE TABLE reps (
    set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,              -- rep number within the set, from 0
    start_s REAL,                      -- s
    end_s REAL,                        -- s
    peak_angle_deg REAL,               -- deg, NULL when not measured
    PRIMARY KEY (set_id, idx)
);
CREATE TABLE flags (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    rep INTEGER,
    value REAL,
    unit TEXT NOT NULL DEFAULT '',
    measurable INTEGER NOT NULL CHECK (measurable IN (0, 1)),
    message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX flags_set ON flags(set_id);
CREATE TABLE pain (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at TEXT NOT NULL,                  -- ISO-8601 UTC
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    moment TEXT NOT NULL CHECK (moment IN ('before', 'during', 'after'))
);
CREATE INDEX pain_session ON pain(session_id);
"""

# Version 3: guided sessions — how a set was counted and how it ended, why a session
# stopped, and questionnaire answers (red-flag screen, warning-sign check).
_V3 = """
ALTER TABLE sessions ADD COLUMN stop_reason TEXT;
ALTER TABLE sets ADD COLUMN status TEXT NOT NULL DEFAULT 'done'
    CHECK (status IN ('done', 'skipped', 'stopped'));
ALTER TABLE sets ADD COLUMN counted_by TEXT NOT NULL DEFAULT 'video'
    CHECK (counted_by IN ('video', 'camera', 'timer'));
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,                  -- ISO-8601 UTC
    kind TEXT NOT NULL,                -- questionnaire id, e.g. 'red_flags', 'check'
    answers TEXT NOT NULL,             -- JSON object: question id -> answer
    session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL
);
CREATE INDEX answers_kind ON answers(kind, at);
"""

MIGRATIONS: tuple[tuple[int, str], ...] = ((1, _V1), (2, _V2), (3, _V3))
"""Ordered ``(version, SQL script)`` pairs; never edit a released entry, append a new one."""

LATEST_VERSION = MIGRATIONS[-1][0]


def statements(script: str) -> Iterator[str]:
    """Split an SQL script into complete statements (so they can run inside one transaction;
    ``executescript`` would commit first)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database (``PRAGMA user_version``; 0 when new)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def check_not_newer(conn: sqlite3.Connection, path: Path) -> None:
    """Raise :class:`StorageError` if the database was written by a newer hipcoach."""
    found = user_version(conn)
    if found > LATEST_VERSION:
        raise StorageError(
            f"history database {path} has schema version {found}, but this hipcoach only "
            f"knows up to version {LATEST_VERSION}",
            fix="upgrade hipcoach (pip install -U hipcoach); the file was left untouched",
        )


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Bring the database up to :data:`LATEST_VERSION`; returns the number of migrations run.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Each migration runs in a
    ``BEGIN IMMEDIATE`` transaction that re-reads ``user_version`` first, so two processes
    opening the same old database at once do not both apply it.
    """
    check_not_newer(conn, path)
    applied = 0
    for version, script in MIGRATIONS:
        if user_version(conn) >= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) >= version:
                conn.execute("ROLLBACK")
                continue
            for stmt in statements(script):
                conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StorageError(
                f"could not upgrade history database {path} to schema version {version}: {exc}",
                fix="check the disk has space and the file is writable; the old data is intact",
            ) from exc
        applied += 1
    return applied
