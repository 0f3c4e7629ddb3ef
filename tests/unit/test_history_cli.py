"""`hipcoach import` / `hipcoach history` on a private database (no camera, no model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.analysis.result import AnalysisResult
from hipcoach.synth.sidelying import SHORT_SERIES, SideLyingScript, generate


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hipcoach", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def analysis_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    session = generate(SideLyingScript(segments=[dict(s) for s in SHORT_SERIES], fps=30.0))
    result, _ = analyze_sequence(session.sequence)
    path = tmp_path_factory.mktemp("a") / "analysis.json"
    result.write_json(path)
    return path


def test_json_round_trip(analysis_file: Path) -> None:
    data = json.loads(analysis_file.read_text())
    again = AnalysisResult.from_json(data).to_json()
    assert again["sets"] == data["sets"]
    assert again["view"] == data["view"]


def test_import_once_and_list(analysis_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    first = run("import", analysis_file, "--db", db)
    assert first.returncode == 0, first.stderr
    assert "as session 1" in first.stdout
    second = run("import", analysis_file, "--db", db)
    assert "already in the history" in second.stdout
    listed = json.loads(run("history", "--db", db, "--json").stdout)["sessions"]
    assert len(listed) == 1
    want = json.loads(analysis_file.read_text())["sets"]
    assert [s["reps"] for s in listed[0]["sets"]] == [s["reps"] for s in want]
    assert [s["exercise"] for s in listed[0]["sets"]] == [s["exercise"] for s in want]


def test_database_from_environment(analysis_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "env.sqlite3"
    assert run("import", analysis_file, env={"HIPCOACH_DB": str(db)}).returncode == 0
    assert db.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"not json", "not valid JSON"), (b'{"sets": 3}', "not a hipcoach analysis")],
)
def test_bad_analysis_file_is_a_clear_error(tmp_path: Path, content: bytes, words: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    res = run("import", bad, "--db", tmp_path / "h.sqlite3")
    assert res.returncode == 2 and words in res.stderr and "Traceback" not in res.stderr


def test_damaged_database_is_kept_and_reported(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    db.write_bytes(os.urandom(4096))
    before = db.read_bytes()
    res = run("history", "--db", db)
    assert res.returncode == 7 and "damaged" in res.stderr and "Traceback" not in res.stderr
    assert db.read_bytes() == before
    backups = list(tmp_path.glob("h.sqlite3.corrupt-*.bak"))
    assert backups and backups[0].read_bytes() == before
