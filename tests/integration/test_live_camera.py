"""Live counting with the REAL pose model: the demo clip played as a camera.

The package's demo clip (rendered short series lying on the left side, right leg working,
front camera, 10 fps; truth in ``tests/data/rendered/series_left_front.truth.json``) is fed
frame by frame to a :class:`CameraRepSource` running MediaPipe (no mock). The player begins
each set half a second before the true set starts and ends it half a second after; the live
count must be the true count (the offline analysis of this clip is exact too, see
``test_analysis_rendered.py``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest

from hipcoach.backends import create_backend
from hipcoach.config import DEFAULTS
from hipcoach.exercises.routine import ExerciseSpec, load_routine
from hipcoach.session.camera import CameraRepSource
from hipcoach.session.progress import SetProgress, Side
from hipcoach.video.base import Frame, FrameSource, SourceInfo
from hipcoach.video.open import open_source
from tests.integration.test_analysis_rendered import TrueSet, true_sets

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data" / "rendered"
DEMO = Path(str(files("hipcoach") / "data" / "demo_hip_series.mp4"))
LEAD_S = 0.5  # the player's set starts this long before the true set and ends after it (s)
PLAYER = 500.0  # the player's clock minus the clip's clock (s)
WORKING_LEG: Side = "right"  # lying on the left side


def _truth() -> list[TrueSet]:
    truth = json.loads((DATA / "series_left_front.truth.json").read_text(encoding="utf-8"))
    return true_sets(truth)


def _spec(exercise: str) -> ExerciseSpec:
    return next(e for e in load_routine().exercises if e.id == exercise)


class ClipPart:
    """The frames of a clip between two times (s), as a camera: it starts giving frames
    when ``go`` is set and, after the last one, stays open (giving nothing) until
    ``release`` is set; ``all_processed`` is set once the consumer asked for the frame
    after the last one, i.e. had processed them all."""

    def __init__(self, source: FrameSource, start_s: float, end_s: float) -> None:
        self.info: SourceInfo = source.info
        self.warnings: list[str] = []
        self.go, self.release, self.all_processed = (threading.Event() for _ in range(3))
        self.closed = False
        self._source, self._start, self._end = source, start_s, end_s

    def __iter__(self) -> Iterator[Frame]:
        self.go.wait(30.0)
        for frame in self._source:
            if frame.time_s > self._end:
                break
            if frame.time_s >= self._start:
                yield frame
        self.all_processed.set()
        self.release.wait(60.0)

    def close(self) -> None:
        self.closed = True
        self._source.close()


def test_every_set_of_the_demo_clip_counted_live() -> None:
    """One source for the whole clip (model loaded once, person tracked throughout), pumped
    frame by frame; polled every frame (0.1 s) like the player does."""
    sets = _truth()
    src = CameraRepSource(open_source(DEMO), create_backend("full"), DEFAULTS, threaded=False)
    found: dict[str, tuple[int, int, list[int]]] = {}
    try:
        last_end = 0.0
        for true_set in sets:
            begin = max(true_set.start_s - LEAD_S, last_end)
            last_end = true_set.end_s + LEAD_S
            src.pump(until_s=begin)
            t0 = src.feed_state().last_frame_s
            assert t0 is not None
            src.begin(WORKING_LEG, _spec(true_set.exercise), load_routine(), t0 + PLAYER)
            polls: list[SetProgress] = []
            while src.pump(max_frames=1, until_s=last_end):
                t = src.feed_state().last_frame_s
                assert t is not None
                polls.append(src.poll(t + PLAYER))
            result = src.end(last_end + PLAYER)
            reps = [p.reps for p in polls]
            assert reps == sorted(reps), (true_set.exercise, reps)
            assert all(p.problem is None for p in polls), {p.problem for p in polls}
            assert all(a >= t0 + PLAYER for a, _ in result.rep_times)
            found[true_set.exercise] = (result.reps, true_set.n_reps, reps)
    finally:
        src.close()
    assert all(live == truth for live, truth, _ in found.values()), found


def test_small_raises_counted_by_the_camera_thread() -> None:
    """The camera thread runs the model on the frames of the first small raises as they
    come (the first frame after ``begin`` fixes the clock offset)."""
    (true_set,) = [s for s in _truth() if s.exercise == "small_leg_raise"]
    camera = ClipPart(open_source(DEMO), true_set.start_s - LEAD_S, true_set.end_s + LEAD_S)
    src = CameraRepSource(camera, create_backend("full"), DEFAULTS)
    try:
        assert src.alive
        src.begin(WORKING_LEG, _spec("small_leg_raise"), load_routine(), PLAYER)
        camera.go.set()
        progress: list[int] = []
        while not camera.all_processed.wait(0.05):
            state = src.feed_state()
            if state.last_frame_s is not None and state.window_start_s is not None:
                t = state.last_frame_s - state.window_start_s + PLAYER
                progress.append(src.poll(t).reps)
        span = true_set.end_s - true_set.start_s + 2 * LEAD_S
        progress.append(src.poll(PLAYER + span).reps)
        result = src.end(PLAYER + span)
    finally:
        camera.release.set()
        src.close()
    assert src.feed_state().error is None
    assert result.reps == true_set.n_reps == 4
    assert progress == sorted(progress)
    assert camera.closed and not src.alive
    starts = np.array([a for a, _ in result.rep_times]) - PLAYER
    assert np.all((starts >= 0.0) & (starts <= true_set.end_s - true_set.start_s + LEAD_S))
