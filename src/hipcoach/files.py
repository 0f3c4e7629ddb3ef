"""Writing user files safely: every output appears whole or not at all.

A writer gets a fresh temporary file next to the target and the target is replaced only
when the writer finished (``os.replace``, atomic on one file system). An interrupted or
failed write (Ctrl-C, full disk, an exception) leaves any existing file byte-identical and
no temporary file behind. ``private=True`` makes the file readable by its owner only (mode
600): for anything holding pain scores or health notes.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from hipcoach.errors import InputError

PathLike = str | os.PathLike[str]
PRIVATE_MODE = 0o600


def temp_path(target: Path) -> Path:
    """A fresh hidden temporary path beside ``target`` with the same suffix."""
    return target.with_name(f".{target.stem}.{uuid.uuid4().hex[:12]}.tmp{target.suffix}")


def write_failed(target: Path, exc: OSError) -> InputError:
    """The one-line error for an operating-system failure while writing ``target``."""
    reason = exc.strerror or type(exc).__name__
    return InputError(
        f"cannot write '{target}': {reason}",
        fix="check that the folder exists, is writable and the disk has space",
    )


@contextmanager
def atomic_output(path: PathLike, *, private: bool = False) -> Iterator[Path]:
    """Yield a fresh temporary path next to ``path``; move it onto ``path`` on success.

    The caller writes the temporary file (open it with mode ``"x"``/``"xb"``). If the body
    raises, the temporary file is deleted and any existing ``path`` is left untouched.
    Operating-system failures become :class:`InputError`.
    """
    target = Path(path)
    tmp = temp_path(target)
    try:
        yield tmp
        if private:
            os.chmod(tmp, PRIVATE_MODE)
        os.replace(tmp, target)
    except OSError as exc:
        raise write_failed(target, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)  # no-op after a successful replace


def sync(fh: IO[Any]) -> None:
    """Flush ``fh`` and ask the OS to put it on disk (before an atomic rename)."""
    fh.flush()
    os.fsync(fh.fileno())


def write_text(path: PathLike, text: str, *, private: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_output(path, private=private) as tmp, tmp.open("x", encoding="utf-8") as fh:
        fh.write(text)
        sync(fh)


def write_bytes(path: PathLike, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_output(path, private=private) as tmp, tmp.open("xb") as fh:
        fh.write(data)
        sync(fh)
