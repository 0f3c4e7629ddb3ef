"""The latest check in batch client reports (hipcoach.batch.checks): read from a copy of the
client's own history database in IN/<client>/, or the report says why no check is on file."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

from hipcoach.batch import BatchRequest, run_batch
from hipcoach.batch.checks import DB_NAME, client_db, latest_check
from hipcoach.storage import open_db
from tests.helpers.history import CHECK_ANSWERS

DATA = Path(__file__).resolve().parents[1] / "data"


def _db_with_checks(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_db(path) as history:
        history.add_answers("check", datetime(2026, 11, 1, 9, 30, tzinfo=UTC), {"tfl_tight": 2})
        history.add_answers("check", datetime(2026, 11, 8, 18, 5, tzinfo=UTC), CHECK_ANSWERS)
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_latest_check_is_read_and_the_file_left_as_it_was(tmp_path: Path) -> None:
    db = _db_with_checks(tmp_path / "ann" / DB_NAME)
    before = sorted(p.name for p in db.parent.iterdir()), _sha(db)
    on_file = latest_check(db)
    assert on_file.view is not None
    assert on_file.view.when == "Sun 08 Nov 2026 18:05 UTC"  # the later one, in UTC
    assert len(on_file.view.answers) >= len(CHECK_ANSWERS) - 1
    assert (sorted(p.name for p in db.parent.iterdir()), _sha(db)) == before


def test_no_database_no_check_or_a_damaged_file_each_say_why(tmp_path: Path) -> None:
    missing = latest_check(tmp_path / "bob" / DB_NAME)
    assert missing.view is None and "no history database in bob/" in missing.note
    empty = tmp_path / "cat" / DB_NAME
    empty.parent.mkdir()
    open_db(empty).close()
    assert "holds no answered check" in latest_check(empty).note
    junk = tmp_path / "dan" / DB_NAME
    junk.parent.mkdir()
    junk.write_bytes(b"not a database" * 100)
    assert "could not be read" in latest_check(junk).note
    assert all(n.note.startswith("No check on file") for n in map(latest_check, [empty, junk]))


def test_a_client_report_shows_the_check_or_that_none_is_on_file(tmp_path: Path) -> None:
    source = tmp_path / "in"
    for client in ("ann", "bob"):
        day = source / client / "2026-11-09"
        day.mkdir(parents=True)
        shutil.copy(DATA / "corpus" / "B02_R_front_high.npz", day / "series.npz")
    _db_with_checks(client_db(source, "ann"))
    run_batch(BatchRequest(source, tmp_path / "out", pdf=False, workers=1))
    ann = (tmp_path / "out" / "ann" / "report.html").read_text(encoding="utf-8")
    bob = (tmp_path / "out" / "bob" / "report.html").read_text(encoding="utf-8")
    assert "Answered Sun 08 Nov 2026 18:05 UTC" in ann
    assert "No check on file" not in ann
    assert "No check on file: no history database in bob/" in bob
