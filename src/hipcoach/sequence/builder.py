"""Accumulate per-frame results into a :class:`PoseSequence` (streaming, O(landmarks) per frame).

Each frame's row is written straight into preallocated numpy blocks: no Python object is
kept per frame, so a frame costs :data:`BYTES_PER_FRAME` (1,065 bytes: 33 landmarks x 8
float32 values, a float64 time and a bool) and memory grows one block at a time. The first
block holds the frames the source is expected to have (``expected_frames``, when known),
later blocks :data:`BLOCK_FRAMES` frames each. :meth:`SequenceBuilder.build` returns views
of the filled rows when everything fits in one block (no copy), else joins the blocks.

Given a :class:`~hipcoach.sequence.spill.BlockSpill`, the builder keeps a single block of
:data:`BLOCK_FRAMES` rows: each time it is full its rows go to disk and it is filled again,
so memory stays flat however long the video; :meth:`~SequenceBuilder.build` then returns
memory maps of the rows on disk. When the disk cannot take a block the builder goes on in
memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from hipcoach.backends.base import PoseCandidate
from hipcoach.landmarks import N_LANDMARKS
from hipcoach.sequence.schema import PoseSequence, Provenance
from hipcoach.sequence.spill import BlockSpill

#: Per-frame shape and dtype of every array of a :class:`PoseSequence`.
FIELDS: dict[str, tuple[tuple[int, ...], DTypeLike]] = {
    "times_s": ((), np.float64),
    "image_xy": ((N_LANDMARKS, 2), np.float32),
    "image_z": ((N_LANDMARKS,), np.float32),
    "visibility": ((N_LANDMARKS,), np.float32),
    "presence": ((N_LANDMARKS,), np.float32),
    "world": ((N_LANDMARKS, 3), np.float32),
    "detected": ((), np.bool_),
}
#: The fields that are NaN in a frame without a person.
_LANDMARK_FIELDS = ("image_xy", "image_z", "visibility", "presence", "world")
#: Bytes one frame takes in a built sequence (and in the builder's blocks).
BYTES_PER_FRAME = sum(
    int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
    for shape, dtype in FIELDS.values()
)
#: Frames per block after the first (about 4.4 MB of landmarks).
BLOCK_FRAMES = 4096
#: Largest first block (frames) taken from ``expected_frames`` (about 140 MB); a longer
#: source continues in :data:`BLOCK_FRAMES` blocks.
MAX_FIRST_BLOCK_FRAMES = 1 << 17

Block = dict[str, NDArray[Any]]


def _new_block(frames: int) -> Block:
    """Uninitialised arrays for ``frames`` frames (every row is written before it is read)."""
    return {name: np.empty((frames, *shape), dtype) for name, (shape, dtype) in FIELDS.items()}


class SequenceBuilder:
    """Collects one row per frame; frames without a person are kept as NaN rows.

    ``width``, ``height``: frame size (px) the normalised landmarks are scaled to.
    ``expected_frames``: how many frames are coming, when known (e.g. from the container),
    to size the first block; it is a hint only, any number of frames may be appended.
    ``spill``: where full blocks go (module docstring); the builder closes it.
    """

    def __init__(
        self,
        width: int,
        height: int,
        expected_frames: int | None = None,
        spill: BlockSpill | None = None,
    ) -> None:
        self.width, self.height = width, height
        self._scale = np.array([width, height], np.float32)
        first = expected_frames if expected_frames and expected_frames > 0 else BLOCK_FRAMES
        self._next_block_frames = min(first, BLOCK_FRAMES if spill else MAX_FIRST_BLOCK_FRAMES)
        self._spill = spill
        self._blocks: list[Block] = []
        self._used = 0  # rows written in the last block
        self._n = 0
        self._last_t: float | None = None

    def __len__(self) -> int:
        return self._n

    @property
    def capacity(self) -> int:
        """Frames the blocks in memory hold (filled or not)."""
        return sum(len(b["times_s"]) for b in self._blocks)

    @property
    def spilled_frames(self) -> int:
        """Frames whose rows are on disk."""
        return self._spill.rows if self._spill is not None else 0

    def close(self) -> None:
        """Remove the spill's files (after :meth:`build`, or when the pass failed)."""
        if self._spill is not None:
            self._spill.close()

    def __enter__(self) -> SequenceBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _to_disk(self, block: Block, rows: int) -> bool:
        """Write ``rows`` rows of ``block`` to the spill; False (and no more spilling) when
        there is none or the disk cannot take them."""
        if self._spill is None:
            return False
        try:
            self._spill.write(block, rows)
        except OSError:  # full or read-only disk: the rest stays in memory
            self._end_spill()
            return False
        return True

    def _end_spill(self) -> None:
        """Stop spilling: the rows on disk become the first block (mapped, and full)."""
        spill, self._spill = self._spill, None
        if spill is not None and spill.rows:
            self._blocks.insert(0, spill.mapped())
        elif spill is not None:
            spill.close()

    def _row(self) -> tuple[Block, int]:
        """The block and row index the next frame goes to (a new block when full; with a
        spill, the same block once its rows are on disk)."""
        full = bool(self._blocks) and self._used == len(self._blocks[-1]["times_s"])
        if full and self._to_disk(self._blocks[-1], self._used):
            self._used = 0
        elif not self._blocks or full:
            self._blocks.append(_new_block(self._next_block_frames))
            self._next_block_frames = BLOCK_FRAMES
            self._used = 0
        self._used += 1
        self._n += 1
        return self._blocks[-1], self._used - 1

    def append(self, time_s: float, person: PoseCandidate | None) -> None:
        """Add one frame at ``time_s`` seconds (must be later than the previous one)."""
        if self._last_t is not None and time_s <= self._last_t:
            raise ValueError(f"frame time {time_s} s is not after {self._last_t} s")
        block, i = self._row()
        self._last_t = time_s
        block["times_s"][i] = time_s
        block["detected"][i] = person is not None
        if person is None:
            for name in _LANDMARK_FIELDS:
                block[name][i] = np.nan
            return
        np.multiply(person.norm_xyz[:, :2], self._scale, out=block["image_xy"][i])
        np.multiply(person.norm_xyz[:, 2], self._scale[0], out=block["image_z"][i])
        block["visibility"][i] = person.visibility
        block["presence"][i] = person.presence
        block["world"][i] = person.world

    def _column(self, name: str) -> NDArray[Any]:
        """One field over the frames so far: a view when one block holds them, else a copy."""
        if not self._blocks:
            shape, dtype = FIELDS[name]
            return np.empty((0, *shape), dtype)
        parts = [b[name] for b in self._blocks[:-1]] + [self._blocks[-1][name][: self._used]]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def build(self, provenance: Provenance | None = None) -> PoseSequence:
        """The sequence collected (call once when spilling: the rows on disk are mapped and
        the spill ends; otherwise frames appended later do not change it)."""
        if self.spilled_frames and self._to_disk(self._blocks[-1], self._used):
            self._blocks = []
            self._end_spill()  # every row on disk: one mapped block
            self._used = len(self._blocks[0]["times_s"])
        col = self._column
        return PoseSequence(
            times_s=col("times_s"),
            image_xy=col("image_xy"),
            image_z=col("image_z"),
            visibility=col("visibility"),
            presence=col("presence"),
            world=col("world"),
            detected=col("detected"),
            width=self.width,
            height=self.height,
            provenance=provenance or Provenance(),
        )
