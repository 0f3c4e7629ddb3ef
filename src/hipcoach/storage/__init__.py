"""Local, private history of sessions (SQLite): see :mod:`hipcoach.storage.db`."""

from hipcoach.storage.db import (
    AnswerRow,
    CountedBy,
    History,
    PainRow,
    SessionRow,
    SetStatus,
    StoredSet,
    default_db_path,
    open_db,
)

__all__ = [
    "AnswerRow",
    "CountedBy",
    "History",
    "PainRow",
    "SessionRow",
    "SetStatus",
    "StoredSet",
    "default_db_path",
    "open_db",
]
