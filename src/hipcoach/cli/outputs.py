"""Output paths checked before any work: never onto an input, another output or a folder.

A command that would write its overlay over the video it reads (``hipcoach pose clip.mp4
--overlay clip.mp4``) would destroy the user's recording: it is refused up front with one
line naming the option and the fix. A missing folder would only fail after minutes of work:
it is made up front instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from hipcoach.errors import ConfigError


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # a symbolic link that loops: not the same as anything
        return False


def database_files(db: Path | None) -> list[Path]:
    """The history database (``db`` or the default) and its journal files: inputs that no
    output may overwrite."""
    from hipcoach.storage.db import default_db_path  # noqa: PLC0415

    path = db if db is not None else default_db_path()
    if not path.name:  # "/" and the like: open_db says what is wrong with it
        return [path]
    return [path, *(path.with_name(path.name + tail) for tail in ("-wal", "-shm", "-journal"))]


def check_outputs(inputs: Iterable[str | Path], outputs: dict[str, Path | None]) -> None:
    """Raise :class:`ConfigError` (exit 5) when an output (option name -> path) is an input,
    the same file as another output, an existing folder, or in a folder that cannot be made
    (a missing folder is made now, before the work). Inputs that are not paths (a webcam
    index) are ignored."""
    given = {name: path for name, path in outputs.items() if path is not None}
    sources = [Path(str(p)) for p in inputs if not str(p).isdigit()]
    seen: list[tuple[str, Path]] = []
    for name, path in given.items():
        for source in sources:
            if _same(path, source):
                raise ConfigError(
                    f"{name} {path} is the input file: writing it would destroy it",
                    fix=f"choose another file name for {name}",
                )
        for other_name, other in seen:
            if _same(path, other):
                raise ConfigError(
                    f"{name} and {other_name} are the same file ({path})",
                    fix="give each output its own file name",
                )
        if path.is_dir():
            raise ConfigError(f"{name} {path} is a folder", fix="give a file name")
        if not path.parent.is_dir():
            try:  # made now, before the work, so nothing is lost after it
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"the folder of {name} cannot be made: {path.parent} ({exc.strerror})",
                    fix="choose another path",
                ) from exc
        seen.append((name, path))
