"""One video split in time across threads (hipcoach.timesplit): the span reader, the plan,
the seam check, stitching, Ctrl-C, and the same landmarks as one pass on a rendered clip cut
mid-exercise."""

from __future__ import annotations

import os
import signal
import threading
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hipcoach import timesplit as split
from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.config import DEFAULTS
from hipcoach.errors import HipcoachError
from hipcoach.exercises.routine import load_routine
from hipcoach.pipeline import PoseRequest, find_poses
from hipcoach.sequence.schema import ARRAY_FIELDS, PoseSequence
from hipcoach.video import open_source
from hipcoach.video.base import SourceInfo
from hipcoach.video.files import VideoFileSource

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data"
CLIP = DATA / "rendered" / "series_left_front_high.mp4"  # 41.1 s, 10 fps, 411 frames
LIMITS = {"max_side_px": 1280, "max_frame_pixels": 10**8}


def test_a_span_reads_the_same_frames_as_the_whole_file() -> None:
    with VideoFileSource(CLIP, **LIMITS) as whole:
        frames = {round(f.time_s, 6): f.rgb for f in whole}
    with VideoFileSource(CLIP, span_s=(20.05, 30.0), decoder_threads=1, **LIMITS) as part:
        got = list(part)
        warnings = part.warnings
    times = [f.time_s for f in got]
    assert times == sorted(t for t in frames if 20.05 <= t < 30.0)
    assert all(np.array_equal(frames[round(f.time_s, 6)], f.rgb) for f in got)
    assert not warnings  # a span is not a truncated file


def test_parts_read_equal_lengths_overlap_before_each_cut_and_cover_the_video() -> None:
    parts = split.plan_parts("v.mp4", DEFAULTS, 300.0, 3, 4.0)
    # each part reads (300 + 2 * 4) / 3 s: the first keeps it all, the others start 4 s early
    cuts = [p.keep_s[0] for p in parts]
    assert cuts == pytest.approx([0.0, 102.667, 201.333], abs=1e-3)
    assert [p.keep_s[1] for p in parts] == [*cuts[1:], None]
    assert [p.read_s[1] for p in parts] == [*cuts[1:], None]
    assert [p.read_s[0] for p in parts] == pytest.approx([0.0, 98.667, 197.333], abs=1e-3)
    lengths = [(p.read_s[1] or 300.0) - p.read_s[0] for p in parts]
    assert lengths == pytest.approx([102.667] * 3, abs=1e-3)


def test_the_overlap_is_long_enough_for_the_model_to_forget_and_for_the_seam_check() -> None:
    detecting = DEFAULTS.pose
    assert detecting.max_people >= 2 and detecting.bystander_check_s == 0
    assert split.overlap_s(detecting) == split.SEAM_WINDOW_S == 0.5  # the seam check's
    tracking = detecting.model_copy(update={"max_people": 1})
    assert split.overlap_s(tracking) == 4.0
    scouted = detecting.model_copy(update={"bystander_check_s": 0.5})
    assert split.overlap_s(scouted) == 4.0


def test_short_videos_and_single_threads_run_as_one_pass() -> None:
    info = open_source(CLIP).info  # 41.1 s
    assert split.split_count(info, 1) == 1
    assert split.split_count(info, 2) == 2
    assert split.split_count(info, 16) == int(41.1 // split.MIN_PART_S)
    assert split.split_count(replace(info, duration_s=2 * split.MIN_PART_S - 0.1), 2) == 1
    assert split.split_count(replace(info, kind="camera"), 2) == 1
    # a tracking model's parts differ from one pass after a seam: only long videos
    tracking = DEFAULTS.pose.model_copy(update={"max_people": 1})
    assert split.min_part_s(DEFAULTS.pose) == split.MIN_PART_S == 5.0
    assert split.min_part_s(tracking) == split.TRACKING_MIN_PART_S == 60.0
    assert split.split_count(info, 2, split.min_part_s(tracking)) == 1


def _person(n: int, x: float, start_s: float = 0.0) -> PoseSequence:
    seq = PoseSequence.empty(n, 640, 480, times_s=start_s + np.arange(n) / 10.0)
    xy = np.full_like(seq.image_xy, 240.0)
    xy[..., 0] = x
    return replace(seq, image_xy=xy, detected=np.ones(n, bool))


def test_the_seam_check_tells_another_person() -> None:
    here = _person(10, 100.0)
    assert split.same_person(here, _person(10, 110.0))
    assert not split.same_person(here, _person(10, 400.0))
    assert split.same_person(here, PoseSequence.empty(10, 640, 480, np.arange(10) / 10.0))


def test_a_seam_is_checked_over_the_overlap_before_the_cut() -> None:
    parts = split.plan_parts("v.mp4", DEFAULTS, 20.0, 2, split.overlap_s(DEFAULTS.pose))
    cut, read_from = parts[1].keep_s[0], parts[1].read_s[0]
    assert cut == pytest.approx(10.25) and read_from == pytest.approx(9.75)
    no_one = np.zeros(200, bool)
    first = split.PartResult(_person(103, 100.0), no_one[:103], [], False, 1.0)  # 0-10.2 s
    for x, agree in ((105.0, True), (400.0, False)):
        later = _person(103, x, start_s=9.8)  # the overlap's frames: 9.8-10.2 s
        second = split.PartResult(later, no_one[:103], [], False, 1.0)
        assert split.seams_agree(parts, [first, second]) is agree


def test_stitching_stops_at_the_first_unfinished_part() -> None:
    info = open_source(CLIP).info
    parts = split.plan_parts(str(CLIP), DEFAULTS, 30.0, 3, 0.0)
    no_one = np.zeros(100, bool)
    first = split.PartResult(_person(100, 50.0), no_one, [], False, 1.0)
    second = split.PartResult(_person(70, 50.0, start_s=6.0), no_one[:70], [], True, 0.5)
    result = split.stitch(info, parts, [first, second, None])
    assert result.interrupted
    assert len(result.sequence) == 100 + 30  # 0-9.9 s, then the second's kept 10-12.9 s
    assert result.sequence.provenance.notes[0].startswith("interrupted")


def _counts(seq: PoseSequence) -> list[tuple[str, str, int, list[tuple[float, float]]]]:
    result, _ = analyze_sequence(seq, load_routine(), DEFAULTS)
    return [(s.exercise, s.side, s.reps, s.rep_times) for s in result.sets]


def _counter(frames: list[int]) -> split.Progress:
    lock = threading.Lock()

    def add(n: int) -> None:
        with lock:
            frames.append(n)

    return add


def test_a_split_video_gives_the_same_landmarks_as_one_pass() -> None:
    """3 parts of ~14 s (cut in the middle of exercises), stitched, against one pass."""
    one = find_poses(PoseRequest(str(CLIP), DEFAULTS)).sequence
    frames: list[int] = []

    def progress(info: SourceInfo, stack: ExitStack) -> split.Progress:
        return _counter(frames)

    result = find_poses(PoseRequest(str(CLIP), DEFAULTS, progress=progress, threads=3))
    seq = result.sequence
    assert sum(frames) == len(one)  # frames kept: not the overlaps
    assert not result.interrupted
    assert np.array_equal(seq.times_s, one.times_s)
    assert np.array_equal(seq.detected, one.detected)
    # the model detects afresh on every frame: bit for bit from a part's first frame
    for name in ARRAY_FIELDS:
        assert np.array_equal(getattr(seq, name), getattr(one, name), equal_nan=True), name
    assert _counts(seq) == _counts(one)
    assert sum(s[2] for s in _counts(one)) > 0


def test_parts_that_followed_different_people_give_way_to_one_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    info = open_source(CLIP).info
    monkeypatch.setattr(split, "same_person", lambda before, after: False)
    assert split.split_pass(str(CLIP), info, DEFAULTS, 2) is None
    result = find_poses(PoseRequest(str(CLIP), DEFAULTS, threads=2))
    assert len(result.sequence) == info.frame_count  # one pass over it all


def test_ctrl_c_stops_every_part_and_keeps_the_frames_done_before_the_first_unfinished() -> None:
    info = open_source(CLIP).info
    frames: list[int] = []
    count = _counter(frames)

    once = threading.Lock()

    def progress(n: int) -> None:
        count(n)
        # the first thread past 40 frames presses Ctrl-C once: it reaches the main thread
        if len(frames) >= 40 and once.acquire(blocking=False):
            os.kill(os.getpid(), signal.SIGINT)

    result = split.split_pass(str(CLIP), info, DEFAULTS, 2, progress)
    assert result is not None and result.interrupted
    assert 0 < len(result.sequence) < info.frame_count
    assert sum(frames) < info.frame_count  # every part stopped early
    assert result.sequence.provenance.notes[0].startswith("interrupted")
    one = find_poses(PoseRequest(str(CLIP), DEFAULTS, max_duration_s=20.0)).sequence
    n = min(len(one), len(result.sequence))
    assert np.array_equal(result.sequence.times_s[:n], one.times_s[:n])


def test_a_batch_with_fewer_videos_than_workers_splits_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hipcoach.batch import BatchRequest, run_batch, task
    from hipcoach.batch import driver as batch_driver

    seen: list[int] = []

    def engine(engine: str, tasks: list[task.Task], config: task.BatchConfig, *a: object) -> None:
        seen.append(config.split_workers)
        raise KeyboardInterrupt  # nothing more to run here

    monkeypatch.setattr(batch_driver, "run_engine", engine)
    day = tmp_path / "in" / "ann" / "2026-11-02"
    day.mkdir(parents=True)
    (day / "series.mp4").write_bytes(CLIP.read_bytes())
    for workers, engine_name in ((2, "local"), (1, "local"), (2, "ray")):
        request = BatchRequest(tmp_path / "in", tmp_path / "out", workers=workers, pdf=False)
        with pytest.raises(HipcoachError):  # Interrupted
            run_batch(replace(request, engine=engine_name))  # type: ignore[arg-type]
    assert seen == [2, 1, 1]


_PINNED = """
import gc, sys, weakref
import numpy as np
from hipcoach.backends.mediapipe_backend import MediaPipeBackend

class Landmarks:  # stands for a pass's landmarks, a local of the caller
    pass

def first_use():
    landmarks = Landmarks()
    MediaPipeBackend().close()  # the first import of mediapipe happens here
    return weakref.ref(landmarks)

alive = first_use()
gc.collect()
sys.exit(0 if alive() is None else 3)
"""


def test_the_first_import_of_mediapipe_does_not_pin_its_callers_locals() -> None:
    """MediaPipe keeps its audio import's error with the traceback, which held every frame
    on the stack at the first import, locals and all (a split part's landmarks, for the life
    of the process); in a fresh process the caller's locals must be freed once it returns."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _PINNED], check=False, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()[-500:]
