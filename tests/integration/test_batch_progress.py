"""Progress over frames in ``hipcoach batch``: the workers report the frames they do, the
driver's count ends at the frames the videos declare (a pose cache hit, a failed video and a
second detector pass included)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hipcoach.batch import BatchProgress, BatchRequest, JobOutcome, run_batch
from hipcoach.batch.driver import _FrameTally

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data"
CLIP = DATA / "rendered_standing" / "stance_level_left.mp4"  # 76 frames


class Recorder(BatchProgress):
    """What the driver told its progress hooks."""

    def __init__(self) -> None:
        self.planned_frames = -1
        self.counts: list[int] = []
        self.videos = 0

    def frames_planned(self, total: int) -> None:
        self.planned_frames = total

    def frames(self, count: int) -> None:
        self.counts.append(count)

    def finished(self, outcome: JobOutcome) -> None:
        self.videos += 1


def test_the_frame_tally_never_passes_a_video_and_tops_it_up_at_its_end() -> None:
    hooks = Recorder()
    tally = _FrameTally({"a.mp4": 100, "b.mp4": 50}, hooks)
    tally.frames("a.mp4", 60)
    tally.frames("a.mp4", 60)  # a second pass: capped at 100
    tally.finish("a.mp4")
    tally.finish("b.mp4")  # from the pose cache: no report, all 50 at its end
    tally.frames("b.mp4", 10)  # late: ignored
    assert hooks.counts == [60, 40, 50]


def test_workers_report_frames_as_they_go(tmp_path: Path) -> None:
    day = tmp_path / "in" / "bob" / "2026-11-03"
    day.mkdir(parents=True)
    shutil.copy(CLIP, day / "stance.mp4")
    (day / "broken_stance.mp4").write_bytes(b"\0not a video" * 50)
    hooks = Recorder()
    run_batch(BatchRequest(tmp_path / "in", tmp_path / "out", pdf=False, workers=2), hooks)
    assert hooks.planned_frames == 76  # the broken file declares none
    assert sum(hooks.counts) == 76
    assert len(hooks.counts) > 2  # during the run, not only at the end
    assert hooks.videos == 2
