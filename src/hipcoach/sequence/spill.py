"""Landmarks on disk instead of in memory: a finished sequence, or one being built.

:class:`BlockSpill` takes a growing sequence's full blocks of rows as they come (the pose
pass's :class:`~hipcoach.sequence.builder.SequenceBuilder`), so that memory does not grow with
the length of the video, and hands them back as memory-mapped arrays: their pages are read
from the file when first used (after the pose model is closed), and the file is unlinked as
soon as it is mapped, so nothing is left behind.

:class:`SpilledSequence` keeps a finished :class:`PoseSequence` on disk while another one is
being built.

The pose step's retry pass (``pipeline.find_poses``) builds a second sequence of the whole
source and then keeps whichever pass found the person more often. Holding the first pass's
landmarks in memory meanwhile doubles what a long clip needs (1,065 bytes a frame each:
~38 MB per pass on a 60-minute clip at 10 frames/s). :class:`SpilledSequence` writes the
arrays to a private temporary folder in the user's cache directory (on disk, unlike a
``/tmp`` that may be memory) and reads them back bit for bit when asked; the folder is
removed when the ``with`` block ends, Ctrl-C included. When the disk cannot take it (full,
read-only, no cache directory) the sequence simply stays in memory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import platformdirs
from numpy.typing import DTypeLike, NDArray

from hipcoach.sequence.schema import ARRAY_FIELDS, PoseSequence

#: A spill folder nothing was written to for this long (s) was left by a process that was
#: killed (no Ctrl-C, no clean-up): the next spill removes it.
STALE_AFTER_S = 24 * 3600.0


def spill_root() -> Path:
    """Where spilled sequences go: ``<user cache dir>/hipcoach/spill``."""
    return Path(platformdirs.user_cache_dir("hipcoach")) / "spill"


def sweep_stale(root: Path, now: float | None = None) -> None:
    """Remove the folders under ``root`` that nothing was written to for ``STALE_AFTER_S``."""
    now = time.time() if now is None else now
    with contextlib.suppress(OSError):
        for folder in root.iterdir():
            with contextlib.suppress(OSError):
                newest = max([f.stat().st_mtime for f in folder.iterdir()], default=0.0)
                if now - max(newest, folder.stat().st_mtime) > STALE_AFTER_S:
                    shutil.rmtree(folder, ignore_errors=True)


class SpilledSequence:
    """A sequence moved out of memory for the length of a ``with`` block.

    After construction the caller should drop its own references to the sequence so that
    its memory is freed; :meth:`load` returns an equal sequence (same arrays bit for bit,
    same size and provenance). ``root``: the folder to spill into (default
    :func:`spill_root`).
    """

    def __init__(self, seq: PoseSequence, root: Path | None = None) -> None:
        self._shell = seq.select(np.zeros(0, np.intp))  # size and provenance, no frames
        self._kept: PoseSequence | None = None
        self._folder: Path | None = None
        try:
            base = root if root is not None else spill_root()
            base.mkdir(parents=True, exist_ok=True)
            self._folder = Path(tempfile.mkdtemp(prefix="seq-", dir=base))
            for name in ARRAY_FIELDS:
                np.save(self._folder / f"{name}.npy", getattr(seq, name), allow_pickle=False)
        except OSError:  # full or read-only disk: keep it in memory instead
            self.close()
            self._kept = seq
        except BaseException:  # Ctrl-C while writing: leave nothing behind
            self.close()
            raise

    @property
    def on_disk(self) -> bool:
        """True when the arrays are in the spill folder, False when kept in memory."""
        return self._folder is not None

    def load(self) -> PoseSequence:
        """The spilled sequence, read back (or the kept one when it never left memory)."""
        if self._kept is not None:
            return self._kept
        if self._folder is None:
            raise RuntimeError("the spilled sequence was closed")
        folder: Path = self._folder
        return self._shell.map_arrays(
            lambda name, _: np.load(folder / f"{name}.npy", allow_pickle=False)
        )

    def close(self) -> None:
        """Remove the spill folder (safe to call twice)."""
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> SpilledSequence:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class BlockSpill:
    """Rows of named arrays appended to files in a private folder under ``root`` (default:
    :func:`spill_root`, looked up when the first rows are written).

    ``fields`` maps each name to its per-row shape and dtype. :meth:`write` appends rows
    (raising ``OSError`` when the disk cannot take them: the caller keeps them in memory);
    each write goes to the offset of the rows before it, so a write cut short (a full disk,
    Ctrl-C) is overwritten by the next. :meth:`mapped` returns every row written so far as
    copy-on-write memory maps (writes go to private memory, never to the file) and removes
    the folder; :meth:`close` removes it too (Ctrl-C, an error). ``rows`` counts the rows on
    disk.
    """

    def __init__(
        self, fields: dict[str, tuple[tuple[int, ...], DTypeLike]], root: Path | None = None
    ) -> None:
        self._fields = fields
        self._row_bytes = {
            name: int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
            for name, (shape, dtype) in fields.items()
        }
        self._root = root
        self._folder: Path | None = None
        self._fds: dict[str, int] = {}
        self.rows = 0

    def _open(self) -> None:
        root = self._root if self._root is not None else spill_root()
        root.mkdir(parents=True, exist_ok=True)
        sweep_stale(root)
        self._folder = Path(tempfile.mkdtemp(prefix="pass-", dir=root))
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        for name in self._fields:
            self._fds[name] = os.open(self._folder / f"{name}.bin", flags, 0o600)

    def write(self, block: dict[str, NDArray[Any]], rows: int) -> None:
        """Append the first ``rows`` rows of every field of ``block``."""
        if self._folder is None:
            self._open()
        for name, fd in self._fds.items():
            data = memoryview(np.ascontiguousarray(block[name][:rows]).tobytes())
            os.lseek(fd, self.rows * self._row_bytes[name], os.SEEK_SET)
            while data:
                data = data[os.write(fd, data) :]
        self.rows += rows

    def mapped(self) -> dict[str, NDArray[Any]]:
        """The rows written, field by field (read lazily from the page cache)."""
        if self._folder is None or not self.rows:
            raise RuntimeError("nothing was written to the spill")
        folder: Path = self._folder
        self._close_files()
        out: dict[str, NDArray[Any]] = {}
        try:
            for name, (shape, dtype) in self._fields.items():
                path = folder / f"{name}.bin"
                out[name] = np.memmap(path, dtype, "c", shape=(self.rows, *shape))
        finally:
            self.close()  # a mapped file stays readable after its name is gone (POSIX)
        return out

    def _close_files(self) -> None:
        for fd in self._fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds = {}

    def close(self) -> None:
        """Close the files and remove the folder (safe to call twice)."""
        self._close_files()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
