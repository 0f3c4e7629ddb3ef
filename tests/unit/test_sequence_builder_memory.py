"""Memory per frame of the pose step (issue 16: RSS flat over a 60-minute clip).

The landmarks of a frame are :data:`~hipcoach.sequence.builder.BYTES_PER_FRAME` (1,065)
bytes. The builder used to keep five small numpy arrays and a float per frame in Python lists
(1.45-1.57 KB a frame, traced, plus ~1 KB more while ``build`` stacked them), which also
fragmented the heap between the model's large per-frame buffers. These tests hold the pose
pass to the landmarks' own bytes, measured with ``tracemalloc`` (numpy's buffers included).
"""

from __future__ import annotations

import gc
import sys
import tracemalloc

import numpy as np
import pytest

from hipcoach import extract, memory, pipeline
from hipcoach.backends.base import PoseCandidate
from hipcoach.config import DEFAULTS
from hipcoach.extract import ExtractionResult, expected_frames, extract_poses
from hipcoach.landmarks import N_LANDMARKS
from hipcoach.sequence import builder as builder_mod
from hipcoach.sequence.builder import BLOCK_FRAMES, BYTES_PER_FRAME, SequenceBuilder
from hipcoach.sequence.schema import PoseSequence
from hipcoach.video.base import Frame, SourceInfo
from tests.helpers.sources import BlankSource

W, H = 480, 360
FPS = 10.0


def _candidate(rng: np.random.Generator, x: float) -> PoseCandidate:
    """A fresh person near normalised x (new arrays, as the MediaPipe backend makes)."""
    xyz = rng.random((N_LANDMARKS, 3)).astype(np.float32) * 0.1
    xyz[:, 0] += x
    xyz[:, 1] += 0.4
    return PoseCandidate(
        norm_xyz=xyz,
        visibility=rng.random(N_LANDMARKS).astype(np.float32),
        presence=rng.random(N_LANDMARKS).astype(np.float32),
        world=rng.random((N_LANDMARKS, 3)).astype(np.float32),
    )


def _fill(builder: SequenceBuilder, frames: int, seed: int = 0) -> None:
    """``frames`` frames at FPS, every fifth without a person."""
    rng = np.random.default_rng(seed)
    for i in range(frames):
        builder.append(i / FPS, _candidate(rng, 0.3) if i % 5 else None)


def _traced_bytes() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def test_builder_keeps_only_the_landmark_bytes() -> None:
    """Bytes held per frame over 3 full blocks: the landmarks plus under 5% (the old
    per-frame arrays and list entries held 1,455 bytes here, 1.37x)."""
    frames = 3 * BLOCK_FRAMES
    tracemalloc.start()
    try:
        base = _traced_bytes()
        builder = SequenceBuilder(W, H)
        _fill(builder, frames)
        held = _traced_bytes() - base
    finally:
        tracemalloc.stop()
    assert BYTES_PER_FRAME == 1065  # 33 x (2 + 1 + 1 + 1 + 3) float32 + float64 + bool
    assert held / frames < 1.05 * BYTES_PER_FRAME, f"{held / frames:.0f} B/frame"


def test_build_from_one_block_copies_nothing() -> None:
    """With the frame count known, build() returns views of the block: no second copy (what
    it allocates is the sequence's validation of the frames without a person, ~6%)."""
    builder = SequenceBuilder(W, H, expected_frames=1000)
    _fill(builder, 900)
    tracemalloc.start()
    try:
        base = _traced_bytes()
        seq = builder.build()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert len(seq) == 900 and builder.capacity == 1000
    assert peak < 0.25 * 900 * BYTES_PER_FRAME, f"build() allocated {peak} bytes"


class _TwoPeople:
    """The exerciser and a bystander in every frame but every fifth, new arrays each time."""

    name = "fake"
    model_sha256 = ""

    def __init__(self) -> None:
        self._rng = np.random.default_rng(1)
        self._n = 0

    def detect(self, frame: Frame) -> list[PoseCandidate]:
        self._n += 1
        if self._n % 5 == 0:
            return []
        return [_candidate(self._rng, 0.3), _candidate(self._rng, 0.8)]

    def close(self) -> None:
        pass


def test_pose_pass_memory_does_not_grow_per_frame() -> None:
    """Traced memory of a whole pose pass (decode thread, backend, tracker, builder) between
    frame 1,000 and 6,000: under 32 bytes a frame once the landmark block is allocated (it
    grew by 687 bytes a frame here with per-frame arrays kept in lists)."""
    frames, first, last = 6000, 1000, 6000
    seen: dict[int, int] = {}

    def on_frame(frame: Frame, person: PoseCandidate | None) -> None:
        if frame.index + 1 in (first, last):
            seen[frame.index + 1] = _traced_bytes()

    tracemalloc.start()
    try:
        result = extract_poses(
            BlankSource(
                [i / FPS for i in range(frames)], W, H, frame_count=frames, nominal_fps=FPS
            ),
            _TwoPeople(),
            on_frame=on_frame,
        )
    finally:
        tracemalloc.stop()
    assert len(result.sequence) == frames
    per_frame = (seen[last] - seen[first]) / (last - first)
    assert per_frame < 32, f"{per_frame:.0f} B/frame"


def test_blocks_join_to_the_same_sequence(monkeypatch: pytest.MonkeyPatch) -> None:
    """Frames spread over several small blocks build the same arrays as one block, equal to
    the values appended (NaN rows for frames without a person)."""
    monkeypatch.setattr(builder_mod, "BLOCK_FRAMES", 7)
    small = SequenceBuilder(W, H)
    one = SequenceBuilder(W, H, expected_frames=100)
    _fill(small, 50, seed=3)
    _fill(one, 50, seed=3)
    assert small.capacity == 56 and one.capacity == 100
    a, b = small.build(), one.build()
    for name in ("times_s", "image_xy", "image_z", "visibility", "presence", "world"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    np.testing.assert_array_equal(a.detected, [i % 5 != 0 for i in range(50)])
    assert np.isnan(a.world[0]).all() and np.isfinite(a.world[1]).all()
    rng = np.random.default_rng(3)
    c = _candidate(rng, 0.3)  # frame 0 has nobody: the first candidate is frame 1's
    np.testing.assert_array_equal(a.image_xy[1], c.norm_xyz[:, :2] * np.float32([W, H]))
    np.testing.assert_array_equal(a.image_z[1], c.norm_xyz[:, 2] * np.float32(W))


def test_expected_frames_of_a_source() -> None:
    """From the container's count, else duration x rate (+1), cut at max_duration_s."""
    info = SourceInfo(uri="f", kind="file", width=W, height=H, nominal_fps=10.0)
    assert expected_frames(info) is None
    assert expected_frames(SourceInfo("c", "camera", W, H)) is None
    timed = SourceInfo("f", "file", W, H, nominal_fps=10.0, duration_s=60.0)
    assert expected_frames(timed) == 601
    assert expected_frames(timed, max_duration_s=5.0) == 51
    counted = SourceInfo("f", "file", W, H, nominal_fps=10.0, duration_s=60.0, frame_count=600)
    assert expected_frames(counted) == 600
    assert expected_frames(counted, max_duration_s=5.0) == 51


def test_freed_memory_is_returned_between_pose_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The retry pass starts after the first pass's model memory went back to the system
    (glibc's malloc_trim; measured in docs/performance.md), and so does the caller."""
    info = SourceInfo(uri="clip.mp4", kind="file", width=W, height=H)
    calls: list[str] = []

    def pose_pass(request: pipeline.PoseRequest, settings: object) -> ExtractionResult:
        calls.append("pass")
        return ExtractionResult(PoseSequence.empty(10, W, H), info)  # nobody found: retry

    monkeypatch.setattr(pipeline, "pose_pass", pose_pass)
    monkeypatch.setattr(pipeline, "return_freed_memory", lambda: calls.append("trim"))
    pipeline.find_poses(pipeline.PoseRequest("clip.mp4", DEFAULTS))
    assert calls == ["pass", "trim", "pass", "trim"]


def test_return_freed_memory_runs() -> None:
    """On Linux (glibc) the trim is found and callable; elsewhere it is a no-op."""
    memory.return_freed_memory()
    if sys.platform.startswith("linux"):
        assert memory._malloc_trim() is not None


def test_a_long_pass_returns_freed_memory_every_500_frames(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The C heap's free pages go back every TRIM_EVERY_FRAMES (500) frames of a pass (the
    model's per-frame buffers fragment it: docs/performance.md)."""
    frames: list[int] = []
    builders: list[SequenceBuilder] = []
    real_append = SequenceBuilder.append

    def append(self: SequenceBuilder, t: float, person: PoseCandidate | None) -> None:
        builders[:1] = [self]
        real_append(self, t, person)

    monkeypatch.setattr(SequenceBuilder, "append", append)
    monkeypatch.setattr(extract, "return_freed_memory", lambda: frames.append(len(builders[0])))
    times = [i / FPS for i in range(1250)]
    extract_poses(BlankSource(times, W, H), _TwoPeople())
    assert frames == [500, 1000]
