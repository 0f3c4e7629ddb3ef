"""A long pose pass keeps one block of landmarks in memory (issue 16: RSS flat over a
60-minute clip): full blocks go to disk as they come (:class:`~hipcoach.sequence.spill.
BlockSpill`) and come back as memory maps, bit for bit, with no file left behind; a disk that
cannot take them, Ctrl-C in a write, or a pass that fails never lose or shift a row."""

from __future__ import annotations

import gc
import mmap
import os
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from hipcoach.backends.base import PoseCandidate
from hipcoach.extract import extract_poses
from hipcoach.landmarks import N_LANDMARKS
from hipcoach.sequence import builder as builder_mod
from hipcoach.sequence import spill as spill_mod
from hipcoach.sequence.builder import BYTES_PER_FRAME, FIELDS, SequenceBuilder
from hipcoach.sequence.schema import ARRAY_FIELDS, PoseSequence
from hipcoach.sequence.spill import BlockSpill
from hipcoach.video.base import Frame
from tests.helpers.sources import BlankSource

W, H = 480, 360


def _candidate(rng: np.random.Generator) -> PoseCandidate:
    return PoseCandidate(
        norm_xyz=rng.random((N_LANDMARKS, 3)).astype(np.float32),
        visibility=rng.random(N_LANDMARKS).astype(np.float32),
        presence=rng.random(N_LANDMARKS).astype(np.float32),
        world=rng.random((N_LANDMARKS, 3)).astype(np.float32),
    )


def _built(
    frames: int, spill: BlockSpill | None, capacities: list[int] | None = None
) -> PoseSequence:
    """``frames`` frames at 10 frames/s, every fifth without a person."""
    builder = SequenceBuilder(W, H, spill=spill)
    rng = np.random.default_rng(7)
    try:
        for i in range(frames):
            builder.append(i / 10.0, _candidate(rng) if i % 5 else None)
            if capacities is not None:
                capacities.append(builder.capacity)
        return builder.build()
    finally:
        builder.close()


def _file_backed(array: object) -> bool:
    """Whether ``array``'s memory is a memory map (possibly through views)."""
    while array is not None:
        if isinstance(array, (np.memmap, mmap.mmap)):
            return True
        array = getattr(array, "base", None)
    return False


def _assert_same(a: PoseSequence, b: PoseSequence) -> None:
    for name in ARRAY_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert np.asarray(x).tobytes() == np.asarray(y).tobytes(), name


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(builder_mod, "BLOCK_FRAMES", 7)
    return 7


def test_full_blocks_go_to_disk_and_come_back_bit_for_bit(
    tmp_path: Path, small_blocks: int
) -> None:
    capacities: list[int] = []
    spilled = _built(50, BlockSpill(FIELDS, tmp_path), capacities)
    _assert_same(spilled, _built(50, None))
    assert max(capacities) == small_blocks  # one block in memory, however long the pass
    assert _file_backed(spilled.world)  # read from the page cache when used
    assert list(tmp_path.iterdir()) == []  # the files are unlinked once mapped
    spilled.world[0] = 0.0  # copy-on-write: the caller may change its arrays


def test_a_short_pass_never_touches_the_disk(tmp_path: Path, small_blocks: int) -> None:
    seq = _built(small_blocks, BlockSpill(FIELDS, tmp_path))
    assert not _file_backed(seq.world) and len(seq) == small_blocks
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []


def test_a_disk_that_fills_up_keeps_every_row(
    tmp_path: Path, small_blocks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third block's write fails half-way (some fields written): the rows on disk come
    back mapped, the rest stays in memory, and nothing is shifted or left behind."""
    real_write, calls = os.write, [0]

    def write(fd: int, data: memoryview) -> int:
        calls[0] += 1
        if calls[0] > 2 * len(FIELDS) + 3:
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(spill_mod.os, "write", write)
    spilled = _built(50, BlockSpill(FIELDS, tmp_path))
    monkeypatch.undo()
    _assert_same(spilled, _built(50, None))
    assert list(tmp_path.iterdir()) == []


def test_a_write_cut_short_is_overwritten_by_the_next(
    tmp_path: Path, small_blocks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C in the middle of a block's write: the pass ends (the frames so far are kept)
    and the block is written again at the same offsets, not after the partial bytes."""
    real_write, calls = os.write, [0]

    def write(fd: int, data: memoryview) -> int:
        calls[0] += 1
        if calls[0] == len(FIELDS) + 3:  # the second block, half of its fields written
            real_write(fd, data[: len(data) // 2])
            raise KeyboardInterrupt
        return real_write(fd, data)

    monkeypatch.setattr(spill_mod.os, "write", write)
    builder = SequenceBuilder(W, H, spill=BlockSpill(FIELDS, tmp_path))
    reference = SequenceBuilder(W, H)
    rng, ref_rng = np.random.default_rng(1), np.random.default_rng(1)
    with pytest.raises(KeyboardInterrupt):
        for i in range(50):
            builder.append(i / 10.0, _candidate(rng))
            reference.append(i / 10.0, _candidate(ref_rng))
    seq = builder.build()
    builder.close()
    assert len(seq) == 14  # two blocks appended; the 15th frame's row was never made
    _assert_same(seq, reference.build().select(np.arange(14)))
    assert list(tmp_path.iterdir()) == []


class _FailsAt:
    name, model_sha256 = "fake", ""

    def __init__(self, frame: int) -> None:
        self._rng, self._frame = np.random.default_rng(2), frame

    def detect(self, frame: Frame) -> list[PoseCandidate]:
        if frame.index == self._frame:
            raise RuntimeError("the model broke")
        return [_candidate(self._rng)]

    def close(self) -> None:
        pass


def test_a_pass_that_fails_leaves_no_files(
    tmp_path: Path, small_blocks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spill_mod, "spill_root", lambda: tmp_path)
    with pytest.raises(RuntimeError):
        extract_poses(BlankSource([i / 10.0 for i in range(40)], W, H), _FailsAt(30))
    assert list(tmp_path.iterdir()) == []
    result = extract_poses(BlankSource([i / 10.0 for i in range(40)], W, H), _FailsAt(99))
    assert len(result.sequence) == 40 and _file_backed(result.sequence.world)
    assert list(tmp_path.iterdir()) == []


def test_a_long_pass_holds_no_landmarks_per_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Traced memory of a pose pass from frame 1,000 to 13,000 (three 4,096-frame blocks
    in between, frame count unknown): under 32 bytes a frame, where the landmarks are
    1,065 (they grow by that much without the spill: checked below)."""
    monkeypatch.setattr(spill_mod, "spill_root", lambda: tmp_path)
    first, last = 1000, 13000
    seen: dict[int, int] = {}

    def on_frame(frame: Frame, person: PoseCandidate | None) -> None:
        if frame.index + 1 in (first, last):
            gc.collect()
            seen[frame.index + 1] = tracemalloc.get_traced_memory()[0]

    def per_frame() -> float:
        tracemalloc.start()
        try:
            extract_poses(
                BlankSource([i / 10.0 for i in range(last)], W, H), _FailsAt(-1), on_frame=on_frame
            )
        finally:
            tracemalloc.stop()
        return (seen[last] - seen[first]) / (last - first)

    assert per_frame() < 32
    monkeypatch.setattr(spill_mod.BlockSpill, "write", _no_disk)
    assert per_frame() > 0.9 * BYTES_PER_FRAME  # in memory, the test would fail


def _no_disk(self: BlockSpill, block: object, rows: int) -> None:
    raise OSError(30, "Read-only file system")


def test_folders_left_by_a_killed_process_are_swept_a_day_later(tmp_path: Path) -> None:
    old, fresh = tmp_path / "pass-old", tmp_path / "pass-fresh"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / "world.bin").write_bytes(b"x")
    day = spill_mod.STALE_AFTER_S
    assert day == 24 * 3600
    now = (fresh / "world.bin").stat().st_mtime
    os.utime(old / "world.bin", (now - day - 60, now - day - 60))
    os.utime(old, (now - day - 60, now - day - 60))
    spill_mod.sweep_stale(tmp_path, now=now)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pass-fresh"]
    spill_mod.sweep_stale(tmp_path, now=now + day - 60)  # written to within the day: kept
    assert (fresh / "world.bin").exists()
