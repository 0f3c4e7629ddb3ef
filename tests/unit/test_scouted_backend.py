"""The fast default pose step (backends/scout.py): a one-person model on every frame, the
many-person scout every ``every_s`` seconds, and the scout on every frame from the first
time it sees someone else (so bystanders are still noticed and counted)."""

from __future__ import annotations

import numpy as np

from hipcoach.backends.base import PoseCandidate
from hipcoach.backends.replay import ReplayBackend
from hipcoach.backends.scout import ScoutedBackend
from hipcoach.config import DEFAULTS
from hipcoach.sequence.tracking import PersonTracker
from hipcoach.video.base import Frame


def _person(x: float) -> PoseCandidate:
    xyz = np.zeros((33, 3), np.float32)
    xyz[:, 0], xyz[:, 1] = x, np.linspace(0.2, 0.8, 33)
    xyz[:, 0] += np.linspace(-0.05, 0.05, 33)
    ones = np.ones(33, np.float32)
    return PoseCandidate(xyz, ones, ones, np.zeros((33, 3), np.float32))


class Counting(ReplayBackend):
    """A replay that remembers the frame times it was asked about."""

    def __init__(self, frames: list[list[PoseCandidate]]) -> None:
        super().__init__(frames)
        self.times: list[float] = []
        self._by_time = frames

    def detect(self, frame: Frame) -> list[PoseCandidate]:
        self.times.append(frame.time_s)
        return list(self._by_time[round(frame.time_s * 10)])


def _frames(n: int) -> list[Frame]:
    return [Frame(i, i / 10, np.zeros((4, 4, 3), np.uint8)) for i in range(n)]


def test_the_scout_runs_every_half_second_while_one_person_is_in_view() -> None:
    alone = [[_person(0.3)] for _ in range(30)]
    one, scout = Counting(alone), Counting(alone)
    backend = ScoutedBackend(one, scout, every_s=0.5)
    found = [backend.detect(f) for f in _frames(30)]
    assert all(len(f) == 1 for f in found)
    assert len(one.times) == 30
    assert scout.times == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    assert not backend.others_seen


def test_a_bystander_is_noticed_and_then_every_frame_is_scouted() -> None:
    alone = [[_person(0.3)] for _ in range(30)]
    crowd = [[_person(0.3)] if i < 12 else [_person(0.3), _person(0.8)] for i in range(30)]
    one, scout = Counting(alone), Counting(crowd)
    backend = ScoutedBackend(one, scout, every_s=0.5)
    tracker = PersonTracker(100, 100, DEFAULTS.tracking)
    chosen = [tracker.update(f.time_s, backend.detect(f)) for f in _frames(30)]
    assert backend.others_seen
    assert scout.times[:4] == [0.0, 0.5, 1.0, 1.5]  # seen at 1.5 s (entered at 1.2 s)
    assert scout.times[3:] == [i / 10 for i in range(15, 30)]
    assert tracker.frames_with_others == 15
    exerciser = _person(0.3).centre()
    assert all(c is not None and np.allclose(c.centre(), exerciser) for c in chosen)
