"""The pose step's retry pass holds one pass's landmarks in memory at a time (issue 16: RSS
flat over a 60-minute clip). The first pass's sequence waits on disk
(:class:`~hipcoach.sequence.spill.SpilledSequence`) while the second is built, and comes back
bit for bit when it is the better one."""

from __future__ import annotations

import gc
import weakref
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hipcoach import pipeline
from hipcoach.config import DEFAULTS, Settings
from hipcoach.extract import ExtractionResult
from hipcoach.sequence import spill as spill_mod
from hipcoach.sequence.schema import ARRAY_FIELDS, WEAK_DETECTION_NOTE, PoseSequence, Provenance
from hipcoach.sequence.spill import SpilledSequence
from hipcoach.video.base import SourceInfo

W, H = 480, 360


def _sequence(n: int, found: float, seed: int = 0) -> PoseSequence:
    """``n`` frames at 10 frames/s; the person found in the first ``found`` share of them."""
    rng = np.random.default_rng(seed)
    seq = PoseSequence.empty(n, W, H, times_s=np.arange(n) / 10.0, provenance=Provenance("c"))
    keep = np.arange(n) < found * n
    rows = {
        name: np.where(
            keep.reshape(-1, *[1] * (getattr(seq, name).ndim - 1)),
            rng.random(getattr(seq, name).shape).astype(np.float32),
            np.nan,
        )
        for name in ("image_xy", "image_z", "visibility", "presence", "world")
    }
    return replace(seq, detected=keep, **rows)


def _assert_same(a: PoseSequence, b: PoseSequence) -> None:
    for name in ARRAY_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name
    assert (a.width, a.height, a.provenance) == (b.width, b.height, b.provenance)


def test_a_spilled_sequence_comes_back_bit_for_bit(tmp_path: Path) -> None:
    seq = _sequence(50, 0.6)
    with SpilledSequence(seq, root=tmp_path) as spilled:
        assert spilled.on_disk
        assert len(list(tmp_path.iterdir())) == 1
        _assert_same(spilled.load(), seq)
    assert list(tmp_path.iterdir()) == []  # the spill folder is gone


def test_a_disk_that_cannot_take_it_keeps_the_sequence_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")  # a file where the folder should be: mkdir fails
    seq = _sequence(20, 0.5)
    with SpilledSequence(seq, root=blocker / "spill") as spilled:
        assert not spilled.on_disk
        assert spilled.load() is seq
    assert blocker.read_bytes() == b""


def _fake_passes(
    monkeypatch: pytest.MonkeyPatch, spill: Path, first: PoseSequence, second: PoseSequence
) -> list[bool]:
    """``pose_pass`` returns ``first``, then ``second``; returns whether the first pass's
    arrays were still alive when the second pass ran. Spills go to ``spill``."""
    info = SourceInfo(uri="clip.mp4", kind="file", width=W, height=H)
    alive: list[bool] = []
    passes = [first, second]
    del first, second
    ref: list[weakref.ref[np.ndarray]] = []

    def pose_pass(request: pipeline.PoseRequest, settings: Settings) -> ExtractionResult:
        if ref:
            gc.collect()
            alive.append(ref[0]() is not None)
        seq = passes.pop(0)
        ref.append(weakref.ref(seq.image_xy))
        return ExtractionResult(seq, info)

    monkeypatch.setattr(pipeline, "pose_pass", pose_pass)
    monkeypatch.setattr(spill_mod, "spill_root", lambda: spill)
    return alive


def test_the_first_pass_is_out_of_memory_during_the_second_and_returns_when_better(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    expected = _sequence(400, 0.3, seed=1)
    first = replace(expected)  # same arrays; `expected` keeps its own copies below
    expected = replace(expected, **{n: getattr(expected, n).copy() for n in ARRAY_FIELDS})
    alive = _fake_passes(monkeypatch, tmp_path, first, _sequence(400, 0.2, seed=2))
    del first
    out = pipeline.find_poses(pipeline.PoseRequest("clip.mp4", DEFAULTS))
    assert alive == [False]  # freed while the second pass ran
    _assert_same(out.sequence, expected)  # the second found less: the first comes back
    assert not out.warnings
    assert list(tmp_path.iterdir()) == []


def test_a_better_second_pass_is_kept_and_marked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    second = _sequence(400, 0.9, seed=2)
    _fake_passes(monkeypatch, tmp_path, _sequence(400, 0.3, seed=1), second)
    out = pipeline.find_poses(pipeline.PoseRequest("clip.mp4", DEFAULTS))
    assert out.sequence.image_xy is second.image_xy
    assert WEAK_DETECTION_NOTE in out.sequence.provenance.notes
    assert out.warnings[0].startswith("the person was found in only 30% of the frames")


def test_ctrl_c_while_spilling_leaves_no_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        SpilledSequence(_sequence(10, 0.5), root=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_mid_spill_keeps_the_sequence_and_leaves_no_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_save = np.save
    calls = []

    def save_until_full(path: Path, arr: np.ndarray, allow_pickle: bool = False) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_save(path, arr, allow_pickle=allow_pickle)

    monkeypatch.setattr(np, "save", save_until_full)
    seq = _sequence(30, 0.5)
    with SpilledSequence(seq, root=tmp_path) as spilled:
        assert not spilled.on_disk
        assert spilled.load() is seq
    assert list(tmp_path.iterdir()) == []
