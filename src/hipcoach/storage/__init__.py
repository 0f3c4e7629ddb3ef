"""Local, private history of sessions (SQLite): see :mod:`hipcoach.storage.db`."""

from hipcoach.storage.db import (
    History,
    PainRow,
    SessionRow,
    StoredSet,
    default_db_path,
    open_db,
)

__all__ = ["History", "PainRow", "SessionRow", "StoredSet", "default_db_path", "open_db"]
