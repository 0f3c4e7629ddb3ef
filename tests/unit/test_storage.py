"""History store: round trip, idempotent import, WAL, migrations, damage, durability."""

from __future__ import annotations

import math
import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from hipcoach.analysis.result import AnalysisResult, Flag, SetResult
from hipcoach.errors import StorageError
from hipcoach.storage import default_db_path, open_db
from hipcoach.storage.migrations import LATEST_VERSION, MIGRATIONS, statements

T0 = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)


def _set(side: str = "right", exercise: str = "leg_raise", n: int = 3) -> SetResult:
    return SetResult(
        side=side,  # type: ignore[arg-type]
        exercise=exercise,
        reps=n,
        start_s=1.0,
        end_s=1.0 + 2.0 * n,
        rep_times=[(1.0 + 2 * i, 2.5 + 2 * i) for i in range(n)],
        peak_angle_deg=[30.0 + i for i in range(n)],
        target_reps=10,
        direction=None,
        flags=[
            Flag("hip_roll", 1, 12.5, "deg", True, "keep the hips stacked"),
            Flag("knee_bend", None, None, "", False, "not measurable from this view"),
        ],
    )


def _analysis() -> AnalysisResult:
    circles = _set("left", "circles_cw", 2)
    circles.direction = "cw"
    return AnalysisResult(
        view="front", lying_on="left", sets=[_set(), circles], source="clip.mp4", duration_s=60.0
    )


def test_round_trip_session_sets_reps_flags_pain(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "history.sqlite3"
    local = timezone(timedelta(hours=2))
    with open_db(db) as h:
        sid = h.start_session(T0.astimezone(local), "live", band_level=2, notes="easy day")
        h.add_pain(sid, T0, 3, "before")
        a = _set()
        b = _set("left", "circles", 2)
        b.direction = "ccw"
        b.peak_angle_deg[1] = math.nan
        h.add_set(sid, a)
        h.add_set(sid, b)
        h.add_pain(sid, T0 + timedelta(minutes=5), 1, "after")
        h.finish_session(sid, T0 + timedelta(minutes=4))
    with open_db(db) as h:
        (s,) = h.sessions()
        assert s.id == sid
        assert s.started_at == T0
        assert s.started_at.tzinfo is not None
        assert s.ended_at == T0 + timedelta(minutes=4)
        assert (s.source, s.band_level, s.notes, s.import_key) == ("live", 2, "easy day", None)
        sets = h.sets_of(sid)
        assert [x.position for x in sets] == [0, 1]
        assert sets[0].result == a
        got_b = sets[1].result
        assert got_b.direction == "ccw"
        assert got_b.rep_times == b.rep_times
        assert got_b.peak_angle_deg[0] == b.peak_angle_deg[0]
        assert math.isnan(got_b.peak_angle_deg[1])
        assert got_b.flags == b.flags
        pain = h.pain_scores()
        assert [(p.score, p.moment, p.session_id) for p in pain] == [
            (3, "before", sid),
            (1, "after", sid),
        ]
        assert pain[0].at == T0
    raw = sqlite3.connect(db)
    assert raw.execute("SELECT started_at FROM sessions").fetchone()[0].endswith("+00:00")
    raw.close()


def test_bad_pain_and_unknown_session_rejected(tmp_path: Path) -> None:
    with open_db(tmp_path / "h.sqlite3") as h:
        sid = h.start_session(T0, "live")
        with pytest.raises(ValueError):
            h.add_pain(sid, T0, 11, "before")
        with pytest.raises(ValueError):
            h.add_pain(sid, T0, 2, "later")  # type: ignore[arg-type]
        with pytest.raises(StorageError):
            h.add_set(sid + 99, _set())
        with pytest.raises(StorageError):
            h.finish_session(sid + 99, T0)
        assert h.pain_scores() == []
        assert h.sets_of(sid + 99) == []


def test_import_twice_counts_once(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with open_db(db) as h:
        sid = h.import_analysis(_analysis(), "sha256:abc", T0)
        assert sid is not None
        assert h.import_analysis(_analysis(), "sha256:abc", T0) is None
    with open_db(db) as h:
        assert h.import_analysis(_analysis(), "sha256:abc", T0) is None
        (s,) = h.sessions()
        assert s.import_key == "sha256:abc"
        assert s.ended_at == T0 + timedelta(seconds=60)
        sets = h.sets_of(s.id)
        assert [x.result.exercise for x in sets] == ["leg_raise", "circles_cw"]
        assert sets[1].result.direction == "cw"
        assert h.import_analysis(_analysis(), "sha256:other", T0) is not None
        assert len(h.sessions()) == 2


def test_wal_mode_and_pragmas(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with open_db(db) as h:
        h.start_session(T0, "live")
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    raw.close()
    if os.name == "posix":
        assert db.stat().st_mode & 0o077 == 0


def test_version_1_database_migrates_and_keeps_rows(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    version, script = MIGRATIONS[0]
    assert version == 1
    raw = sqlite3.connect(db)
    raw.executescript(script)
    raw.execute("PRAGMA user_version = 1")
    raw.execute(
        "INSERT INTO sessions (started_at, ended_at, source, notes) VALUES (?, ?, ?, ?)",
        (T0.isoformat(), None, "old.mp4", "from v1"),
    )
    raw.execute(
        "INSERT INTO sets (session_id, position, side, exercise, reps, target_reps,"
        " start_s, end_s, direction) VALUES (1, 0, 'left', 'leg_raise', 4, 10, 0.5, 9.5, NULL)"
    )
    raw.commit()
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "reps" not in tables
    raw.close()

    with open_db(db) as h:
        (s,) = h.sessions()
        assert (s.source, s.notes, s.band_level, s.import_key) == ("old.mp4", "from v1", 0, None)
        (st,) = h.sets_of(s.id)
        assert (st.result.reps, st.result.exercise, st.result.rep_times) == (4, "leg_raise", [])
        h.add_pain(s.id, T0, 2, "after")
        assert h.import_analysis(_analysis(), "k", T0) is not None
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    raw.close()


def test_corrupt_file_is_backed_up_not_wiped(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    junk = os.urandom(8192)
    db.write_bytes(junk)
    with pytest.raises(StorageError) as err:
        open_db(db)
    baks = list(tmp_path.glob("history.sqlite3.corrupt-*.bak"))
    assert len(baks) == 1
    assert baks[0].read_bytes() == junk
    assert db.read_bytes() == junk
    assert "damaged" in err.value.message
    assert str(baks[0]) in err.value.message
    assert err.value.fix
    assert err.value.exit_code == 7
    with pytest.raises(StorageError):
        open_db(db)
    assert len(list(tmp_path.glob("history.sqlite3.corrupt-*.bak"))) == 2


def test_damaged_pages_fail_integrity_check(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with open_db(db) as h:
        sid = h.start_session(T0, "live")
        for _ in range(40):
            h.add_set(sid, _set(n=20))
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.execute("PRAGMA journal_mode=DELETE")
    raw.close()
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[2 * page : 4 * page] = os.urandom(2 * page)
    db.write_bytes(bytes(data))
    with pytest.raises(StorageError, match="damaged"):
        open_db(db)
    assert db.read_bytes() == bytes(data)
    assert len(list(tmp_path.glob("h.sqlite3.corrupt-*.bak"))) == 1


def test_newer_schema_refused(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with open_db(db) as h:
        h.start_session(T0, "live")
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    raw.close()
    with pytest.raises(StorageError, match="upgrade hipcoach") as err:
        open_db(db)
    assert err.value.exit_code == 7
    assert not list(tmp_path.glob("*.bak"))


def test_sets_survive_sigkill_before_finish(tmp_path: Path) -> None:
    if not hasattr(__import__("signal"), "SIGKILL"):
        pytest.skip("no SIGKILL on this platform")
    db = tmp_path / "h.sqlite3"
    code = textwrap.dedent(
        f"""
        import os, signal, sys
        from datetime import datetime, timezone
        from hipcoach.analysis.result import SetResult
        from hipcoach.storage import open_db
        h = open_db({str(db)!r})
        sid = h.start_session(datetime(2024, 5, 1, tzinfo=timezone.utc), "live")
        for i in range(3):
            h.add_set(sid, SetResult("right", "leg_raise", 2, 0.0, 4.0,
                                     [(0.0, 1.5), (2.0, 3.5)], [30.0, 31.0 + i]))
        print(sid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        h.finish_session(sid, datetime.now(timezone.utc))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == -9, proc.stderr
    sid = int(proc.stdout.strip())
    with open_db(db) as h:
        (s,) = h.sessions()
        assert s.id == sid
        assert s.ended_at is None
        sets = h.sets_of(sid)
        assert len(sets) == 3
        assert [x.result.peak_angle_deg[1] for x in sets] == [31.0, 32.0, 33.0]


def test_default_db_path_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HIPCOACH_DB", str(tmp_path / "x.sqlite3"))
    assert default_db_path() == tmp_path / "x.sqlite3"
    monkeypatch.delenv("HIPCOACH_DB")
    p = default_db_path()
    assert p.name == "history.sqlite3"
    assert "hipcoach" in str(p.parent)


def test_open_db_uses_env_when_no_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HIPCOACH_DB", str(tmp_path / "deep" / "env.sqlite3"))
    with open_db() as h:
        h.start_session(T0, "live")
    assert (tmp_path / "deep" / "env.sqlite3").exists()


def test_statements_split_keeps_every_statement() -> None:
    for _, script in MIGRATIONS:
        parts = list(statements(script))
        assert all(sqlite3.complete_statement(p) for p in parts)
        assert len(parts) == script.count(";")


def test_guided_set_status_stop_reason_and_answers_round_trip(tmp_path: Path) -> None:
    with open_db(tmp_path / "h.sqlite3") as h:
        sid = h.start_session(T0, "guided")
        h.add_set(sid, _set(), status="done", counted_by="camera")
        h.add_set(sid, _set("left"), status="stopped", counted_by="timer")
        with pytest.raises(ValueError):
            h.add_set(sid, _set(), status="paused")  # type: ignore[arg-type]
        h.finish_session(sid, T0 + timedelta(minutes=4), stop_reason="pain 6/10")
        h.add_answers("red_flags", T0, {"numbness": False, "fever": True}, session_id=sid)
        h.add_answers("check", T0 + timedelta(days=1), {"tfl_tight": 2})
    with open_db(tmp_path / "h.sqlite3") as h:
        sets = h.sets_of(sid)
        assert [(s.status, s.counted_by) for s in sets] == [
            ("done", "camera"),
            ("stopped", "timer"),
        ]
        assert h.sessions()[0].stop_reason == "pain 6/10"
        red = h.answers("red_flags")
        assert len(red) == 1 and red[0].answers == {"fever": True, "numbness": False}
        assert red[0].session_id == sid
        assert [a.kind for a in h.answers()] == ["red_flags", "check"]
