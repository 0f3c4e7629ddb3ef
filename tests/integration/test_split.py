"""One video split in time across processes (hipcoach.batch.split): the span reader, the
seam check, stitching, and the same reps as one pass on a rendered clip cut mid-exercise."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.batch import split
from hipcoach.config import DEFAULTS
from hipcoach.errors import HipcoachError
from hipcoach.exercises.routine import load_routine
from hipcoach.pipeline import PoseRequest, find_poses
from hipcoach.sequence.schema import PoseSequence
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


def test_parts_overlap_before_each_cut_and_cover_the_video() -> None:
    parts = split.plan_parts("v.mp4", DEFAULTS, 300.0, 3)
    assert [p.keep_s for p in parts] == [(0.0, 100.0), (100.0, 200.0), (200.0, None)]
    assert [p.read_s[0] for p in parts] == [0.0, 100.0 - split.OVERLAP_S, 200.0 - split.OVERLAP_S]


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


def test_stitching_stops_at_the_first_unfinished_part() -> None:
    info = open_source(CLIP).info
    parts = split.plan_parts(str(CLIP), DEFAULTS, 30.0, 3)
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


def test_a_split_video_gives_the_same_reps_as_one_pass() -> None:
    """3 parts of 13.7 s (cut in the middle of exercises), stitched, against one pass."""
    request = PoseRequest(str(CLIP), DEFAULTS)
    one = find_poses(request).sequence
    frames: list[int] = []

    def progress(info: SourceInfo, stack: ExitStack) -> split.Progress:
        return frames.append

    result = split.find_poses_split(request, 3, progress, min_part_s=10.0)
    seq = result.sequence
    assert len(frames) > 3  # the parts ran apart, reporting as they went
    assert sum(frames) == len(one)  # frames kept: not the overlaps
    assert not result.interrupted
    assert np.array_equal(seq.times_s, one.times_s)
    assert np.array_equal(seq.detected, one.detected)
    assert _counts(seq) == _counts(one)
    assert sum(s[2] for s in _counts(one)) > 0


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
