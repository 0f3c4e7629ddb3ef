"""The latest warning-sign check of each client, from the client's own history database.

A client who answers ``hipcoach check`` at home keeps the answers in their history database
(``history.sqlite3``). For a batch, that file goes in the client's input folder:
``IN/<client>/history.sqlite3`` (for a manifest CSV, ``<folder of the CSV>/<client>/``).
The driver reads a copy of it (opening a database may migrate it: the client's file is never
changed), and the client report shows the latest check, or says that none is on file and why.
Times are shown in UTC, so a report does not depend on the machine that wrote it.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Final

from hipcoach.errors import HipcoachError
from hipcoach.history.report import CheckView, check_view

#: The client's history database file in their input folder (``hipcoach check`` writes it).
DB_NAME: Final = "history.sqlite3"


@dataclass(frozen=True)
class CheckOnFile:
    """A client's latest check (``view``), or None and ``note`` saying why there is none."""

    view: CheckView | None
    note: str = ""


def client_db(source: Path, client: str) -> Path:
    """Where a client's history database is looked for (module docstring)."""
    return (source if source.is_dir() else source.parent) / client / DB_NAME


def _no_check(why: str) -> CheckOnFile:
    return CheckOnFile(None, f"No check on file: {why}.")


def latest_check(db: Path) -> CheckOnFile:
    """The latest check stored in the database ``db`` (read from a copy)."""
    if not db.is_file():
        return _no_check(
            f"no history database in {db.parent.name}/ (put the client's {DB_NAME} there "
            "to show their latest hipcoach check)"
        )
    with tempfile.TemporaryDirectory(prefix="hipcoach-check-") as tmp:
        copy = Path(tmp) / DB_NAME
        try:
            for tail in ("", "-wal"):  # a database with unmerged writes has them in -wal
                if Path(f"{db}{tail}").is_file():
                    shutil.copyfile(f"{db}{tail}", f"{copy}{tail}")
            from hipcoach.storage import open_db  # noqa: PLC0415

            with open_db(copy) as history:
                rows = history.answers("check")
        except OSError as exc:
            return _no_check(f"{db.name} could not be read ({exc.strerror or exc})")
        except HipcoachError as exc:
            return _no_check(f"{db.name} could not be read ({exc.message})")
    if not rows:
        return _no_check(f"{db.name} holds no answered check")
    try:
        view = check_view(rows[-1], tz=UTC)
    except HipcoachError as exc:
        return _no_check(f"the latest check in {db.name} cannot be read ({exc.message})")
    assert view is not None  # a row was given
    return CheckOnFile(CheckView(f"{view.when} UTC", view.answers, view.findings))


def latest_checks(source: Path, clients: list[str]) -> dict[str, CheckOnFile]:
    """Every client's latest check (module docstring)."""
    return {client: latest_check(client_db(source, client)) for client in clients}
