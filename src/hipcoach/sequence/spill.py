"""Keep a finished :class:`PoseSequence` on disk while another one is being built.

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

import shutil
import tempfile
from pathlib import Path

import numpy as np
import platformdirs

from hipcoach.sequence.schema import ARRAY_FIELDS, PoseSequence


def spill_root() -> Path:
    """Where spilled sequences go: ``<user cache dir>/hipcoach/spill``."""
    return Path(platformdirs.user_cache_dir("hipcoach")) / "spill"


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
