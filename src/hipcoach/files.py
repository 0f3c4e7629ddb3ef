"""Writing user files safely: every output appears whole or not at all.

A writer gets a fresh temporary file next to the target and the target is replaced only
when the writer finished (``os.replace``, atomic on one file system). An interrupted or
failed write (Ctrl-C, full disk, an exception) leaves any existing file byte-identical and
no temporary file behind. ``private=True`` makes the file readable by its owner only (mode
600): for anything holding pain scores or health notes.
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from hipcoach.errors import ConfigError, InputError

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


# ---------------------------------------------------------------------- reading user files
MAX_JSON_BYTES = 20_000_000  # an analysis or screen result is a few hundred kB at most


def path_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file, in words (None: a readable regular file).

    Checked without opening it: a missing path, a symbolic link that loops or points
    nowhere, a folder, a pipe or device (reading one could wait forever).
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return f"{path} is a symbolic link to nothing"
        return f"file not found: {path}"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"{path} is a symbolic link that loops"
        return f"cannot read {path}: {exc.strerror or type(exc).__name__}"
    if stat.S_ISDIR(info.st_mode):
        return f"{path} is a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return f"{path} is not a regular file (a pipe, socket or device)"
    return None


def read_limited(path: PathLike, *, what: str, fix: str, max_bytes: int) -> bytes:
    """The bytes of the user's file ``path``, or one clear :class:`InputError`."""
    source = Path(path)
    problem = path_problem(source)
    if problem is not None:
        raise InputError(problem, fix=fix)
    if source.stat().st_size > max_bytes:
        raise InputError(
            f"{source.name} is over {max_bytes / 1e6:.0f} MB, too large for {what}", fix=fix
        )
    try:
        return source.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read {source.name}: {exc.strerror or type(exc).__name__}", fix=fix
        ) from exc


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def read_json(path: PathLike, *, what: str, fix: str, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """The JSON document in ``path`` (strict: no NaN/Infinity, nesting within Python's
    limit), or one clear :class:`InputError` naming ``what`` the file should be."""
    raw = read_limited(path, what=what, fix=fix, max_bytes=max_bytes)
    return parse_json(raw, name=Path(path).name, what=what, fix=fix)


def parse_json(raw: bytes, *, name: str, what: str, fix: str) -> Any:
    """Strict JSON from the bytes of the user's file ``name`` (see :func:`read_json`)."""
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not {what}: not UTF-8 text", fix=fix) from exc
    except RecursionError as exc:
        raise InputError(f"{name} is not {what}: nested too deeply", fix=fix) from exc
    except ValueError as exc:  # JSONDecodeError is a ValueError
        raise InputError(f"{name} is not {what}: not valid JSON ({exc})", fix=fix) from exc


def json_safe(value: Any, decimals: int | None = None) -> Any:
    """A JSON-safe copy: non-finite floats become None (JSON has no NaN), tuples become
    lists, keys become text; floats rounded to ``decimals`` when given."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return round(value, decimals) if decimals is not None else value
    if isinstance(value, dict):
        return {str(k): json_safe(v, decimals) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v, decimals) for v in value]
    return value


# --------------------------------------------------------------------------------------
# Output paths checked before any work: never onto an input, another output or a folder.
# A command that would write its overlay over the video it reads (``hipcoach pose clip.mp4
# --overlay clip.mp4``) would destroy the user's recording: it is refused up front with one
# line naming the option and the fix. A missing folder would only fail after minutes of
# work: it is made up front instead.
# --------------------------------------------------------------------------------------


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # a symbolic link that loops: not the same as anything
        return False


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
