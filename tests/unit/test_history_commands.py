"""`hipcoach history --json/--csv`, `hipcoach report`, `hipcoach check` with typer's CliRunner
on seeded databases; bad input through the real entry point (exit codes, one-line errors)."""

from __future__ import annotations

import csv
import json
import os
import re
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from hipcoach.analysis.evidence import HISTORY_LIMITS
from hipcoach.cli.app import app
from hipcoach.errors import HipcoachError
from hipcoach.history.export import REP_COLUMNS, SET_COLUMNS
from hipcoach.storage import open_db
from tests.helpers.history import CHECK_ANSWERS, SessionSpec, SetSpec, add_session, seed_realistic

runner = CliRunner()


def invoke(*args: str | Path, stdin: str | None = None) -> tuple[int, Result]:
    """Run the app in-process; hipcoach errors give their exit code, as ``main()`` does."""
    result = runner.invoke(app, [str(a) for a in args], input=stdin)
    if isinstance(result.exception, HipcoachError):
        return result.exception.exit_code, result
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m hipcoach`` for real (exit codes and stderr as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "hipcoach", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "120"},
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three weeks of sessions ending today (local time), plus one stored check."""
    db = tmp_path_factory.mktemp("seeded") / "history.sqlite3"
    with open_db(db) as h:
        seed_realistic(h, datetime.now().astimezone().replace(hour=8))
    return db


def test_history_json_has_the_statistics(seeded: Path) -> None:
    code, result = invoke("history", "--db", seeded, "--json")
    assert code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["sessions"]) == 18
    assert data["streak"]["longest_days"] == 5
    assert data["streak"]["current_days"] >= 4  # 5 if today's 18:30 session is not ahead
    assert len(data["calendar"]) == 4 and all(len(w) == 7 for w in data["calendar"])
    stopped = [s for s in data["sessions"] if s["stop_reason"] == "pain"]
    assert len(stopped) == 1
    assert stopped[0]["pain"] == {"before": 1, "after": 4, "max_during": 5}
    timer = [s for s in data["sessions"] if s["form"]["score"] is None]
    assert len(timer) == 2 and all(s["form"]["reps_read"] == 0 for s in timer)
    assert data["sessions"][0]["form"]["score"] < data["sessions"][-1]["form"]["score"] == 1.0
    assert [e["exercise"] for e in data["asymmetry"]][:1] == ["small_leg_raise"]
    assert all(e["peak_diff_pct"] < -10 for e in data["asymmetry"])  # the left leg is weaker
    assert [(b["before"], b["after"]) for b in data["band_changes"]] == [(0, 1), (1, 0), (0, 1)]
    prog = data["progression"]
    assert prog["kind"] == "add_band" and "band level 2" in prog["headline"]
    assert len(prog["session_ids"]) == 3 and len(prog["reasons"]) >= 4
    assert data["painful_side"] == "left"  # from the stored check
    assert data["limits"] == list(HISTORY_LIMITS)
    assert prog["reasons"][-1].startswith("Your left side hurts (latest check)")
    assert "also the weaker leg in: small leg raise" in prog["reasons"][-1]
    assert data["sessions"][0]["sets"][0]["counted_by"] == "camera"


def test_history_rich_output(seeded: Path) -> None:
    code, result = invoke("history", "--db", seeded)
    assert code == 0, result.output
    out = result.stdout
    for words in ("Streak:", "Sessions, last weeks", "Recent sessions", "Left vs right",
                  "Ready for more: try band level 2", "stopped", "8 older",
                  "(hurts)", "limit: hipcoach's hip-series counts"):  # fmt: skip
        assert words in out, words


def test_history_csv_one_row_per_set_and_rep(seeded: Path, tmp_path: Path) -> None:
    sets_csv, reps_csv = tmp_path / "sets.csv", tmp_path / "reps.csv"
    code, result = invoke(
        "history", "--db", seeded, "--csv", sets_csv, "--reps-csv", reps_csv, "--json"
    )
    assert code == 0, result.output
    json.loads(result.stdout)  # the notes about the files do not spoil the JSON
    with sets_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == SET_COLUMNS
    assert len(rows) == 17 * 10 + 7  # 17 full sessions, the painful one stopped at set 7
    first = rows[0]
    assert (first["side"], first["exercise"], first["reps"], first["target_reps"]) == (
        "left", "small_leg_raise", "10", "10",
    )  # fmt: skip
    assert (first["pain_before"], first["pain_after"], first["band_level"]) == ("3", "3", "0")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", first["date"])
    stopped = [r for r in rows if r["status"] == "stopped"]
    assert len(stopped) == 1 and stopped[0]["session_stop_reason"] == "pain"
    timer = [r for r in rows if r["counted_by"] == "timer"]
    assert len(timer) == 20 and all(r["reps_with_fault"] == "" for r in timer)
    with reps_csv.open(encoding="utf-8", newline="") as fh:
        reps = list(csv.DictReader(fh))
    assert tuple(reps[0]) == REP_COLUMNS
    assert len(reps) == sum(int(r["reps"]) for r in rows)
    assert reps[0]["fault"] == "1" and reps[-1]["fault"] == "0"
    for path in (sets_csv, reps_csv):  # pain scores: readable by the owner only
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_report_is_self_contained(seeded: Path, tmp_path: Path) -> None:
    out = tmp_path / "history.html"
    code, result = invoke("report", "--db", seeded, "--out", out)
    assert code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for section in ('id="streak"', 'id="calendar"', 'id="progression"', 'id="charts"',
                    'id="asymmetry"', 'id="sessions"', 'id="check"'):  # fmt: skip
        assert section in html, section
    assert html.count('src="data:image/png;base64,') == 4
    assert "not a medical device" in html and "not a diagnosis" in html
    assert "Ready for more: try band level 2" in html
    assert "The front-outside of your hip feels tight" in html  # from the stored check
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<script" not in html
    assert html.count('class="session-row') == 18
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # pain scores: owner only


def test_report_of_an_empty_history_says_so(tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    code, result = invoke("report", "--db", tmp_path / "new.sqlite3", "--out", out)
    assert code == 0
    assert "no sessions yet" in result.output
    html = out.read_text(encoding="utf-8")
    assert "Nothing here yet" in html and "<img" not in html
    assert "No check answered yet" in html


def test_report_escapes_stored_text(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with open_db(db) as h:
        spec = SessionSpec(datetime.now().astimezone(), [SetSpec()], stop_reason="<b>pain</b>")
        add_session(h, spec)
    code, _ = invoke("report", "--db", db, "--out", tmp_path / "r.html")
    assert code == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<b>pain</b>" not in html and "&lt;b&gt;pain&lt;/b&gt;" in html


def test_check_asks_stores_and_summarises(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    answers = "2\n0\n3\n1\nleft\ny\nn\n"  # four scales, the painful side, two yes/no
    code, result = invoke("check", "--db", db, stdin=answers)
    assert code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Your lower back feels tight" in out
    assert "front-outside of your hip" in out
    assert "Sitting brings on buttock pain" in out
    assert "side of your waist" not in out.split("What your answers suggest")[1]
    assert "not a diagnosis" in out
    with open_db(db) as h:
        (row,) = h.answers("check")
    assert row.answers == {
        "low_back_tight": 2,
        "side_waist_tight": 0,
        "outer_hip_tight": 3,
        "deep_buttock_pain": 1,
        "painful_side": "left",
        "sitting_pain": True,
        "leg_tingling": False,
    }


def test_check_reasks_an_invalid_answer(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    code, result = invoke("check", "--db", db, stdin="7\nlots\n0\n0\n0\n0\n0\nneither\nn\nn\n")
    assert code == 0, result.output
    assert "None of the usual warning signs stood out" in " ".join(result.stdout.split())
    with open_db(db) as h:
        assert h.answers("check")[0].answers["low_back_tight"] == 0


def test_check_without_answers_saves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    code, result = invoke("check", "--db", db, stdin="1\n")
    assert code == 2
    assert isinstance(result.exception, HipcoachError)
    assert "after 1 of 7 answers; nothing was saved" in result.exception.message
    with open_db(db) as h:
        assert h.answers("check") == []


def test_check_show(seeded: Path, tmp_path: Path) -> None:
    code, result = invoke("check", "--db", seeded, "--show")
    assert code == 0
    out = " ".join(result.stdout.split())
    assert CHECK_ANSWERS["low_back_tight"] == 2 and "2 (quite a bit)" in out
    assert "Sitting brings on buttock pain" in out
    code, result = invoke("check", "--db", tmp_path / "none.sqlite3", "--show")
    assert code == 0 and "No check answered yet" in result.stdout


@pytest.mark.parametrize(
    "command", [["history"], ["report", "--out", "r.html"], ["check", "--show"]]
)
def test_damaged_database_exit_7_and_backup(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "h.sqlite3"
    db.write_bytes(b"this is not a database" * 300)
    before = db.read_bytes()
    args = [a if a != "r.html" else str(tmp_path / "r.html") for a in command]
    res = run(*args, "--db", db)
    assert res.returncode == 7, res.stderr
    assert "damaged" in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == before
    (backup,) = tmp_path.glob("h.sqlite3.corrupt-*.bak")
    assert backup.read_bytes() == before
    assert not (tmp_path / "r.html").exists()


def test_output_folders_are_made_or_refused_before_the_work(seeded: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "r.html"
    res = run("report", "--db", seeded, "--out", missing)  # a missing folder is made
    assert res.returncode == 0 and missing.exists(), res.stderr
    code, result = invoke("report", "--db", seeded, "--out", tmp_path)
    assert code == 5 and isinstance(result.exception, HipcoachError)
    assert "is a folder" in result.exception.message
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    code, result = invoke("history", "--db", seeded, "--csv", blocker / "h.csv")
    assert code == 5 and blocker.read_text() == "a file where a folder should be"


def test_history_of_an_empty_database(tmp_path: Path) -> None:
    code, result = invoke("history", "--db", tmp_path / "h.sqlite3")
    assert code == 0 and "No sessions yet" in result.stdout
    code, result = invoke("history", "--db", tmp_path / "h.sqlite3", "--json")
    data = json.loads(result.stdout)
    assert data["sessions"] == [] and data["progression"]["kind"] == "insufficient"


def test_environment_selects_the_database(seeded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIPCOACH_DB", str(seeded))
    code, result = invoke("history", "--json")
    assert code == 0 and len(json.loads(result.stdout)["sessions"]) == 18


@pytest.mark.parametrize(
    "command", [[], ["pose"], ["analyze"], ["session"], ["import"], ["screen", "report"]]
)
def test_help_speaks_plain_words(command: list[str]) -> None:
    code, result = invoke(*command, "--help")
    assert code == 0
    text = result.output
    assert "<bool>" not in text and "{source}" not in text
    if command == ["session"]:
        assert "--start-side <left|right>" in text


def test_start_side_accepts_only_left_or_right() -> None:
    code, result = invoke("session", "--start-side", "up", "--mute")
    assert code == 2 and "left" in result.output and "right" in result.output


def test_import_records_pain_and_band_for_the_trend(tmp_path: Path) -> None:
    npz = Path(__file__).resolve().parents[1] / "data" / "corpus" / "B01_L_front.npz"
    analysis = tmp_path / "a.json"
    code, result = invoke("analyze", npz, "--json", analysis, "-q")
    assert code == 0, result.output
    db = tmp_path / "h.sqlite3"
    code, result = invoke(
        "import", analysis, "--db", db, "--pain-before", "4", "--pain-after", "2", "--band", "1",
        "--started-at", "2026-11-30T18:00:00",
    )  # fmt: skip
    assert code == 0, result.output
    with open_db(db) as h:
        (session,) = h.sessions()
        assert session.band_level == 1
        assert sorted((p.moment, p.score) for p in h.pain_scores()) == [("after", 2), ("before", 4)]
    code, result = invoke("import", analysis, "--db", db, "--pain-after", "11")
    assert code == 2  # 0-10 only
