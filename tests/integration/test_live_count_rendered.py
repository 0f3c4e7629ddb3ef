"""The live count equals ``count_known_set`` on the frames so far, after EVERY frame, on the
rendered test clips (``tests/data/rendered`` and the package's demo clip, both halves), with
the real pose model's landmarks (model "full", cached in ``.cache/accuracy`` as
``benchmarks/accuracy.py`` caches them).

Each true set is counted from half a second before it to the END of the clip, as when a
person goes on moving after the planned reps (the other exercises then run through the
"set"): 13-40 s at 10 frames/s, longer than the live count's tail, so reps settle and the
tail moves on, which the corpus sets of ``tests/unit/test_live_count.py`` are too short to
show.
"""

from __future__ import annotations

import json
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import pytest

from hipcoach.evaluation.rendered import cached_pose, render_truth, rendered_clips
from hipcoach.sequence.schema import PoseSequence
from hipcoach.types import Side
from tests.conftest import REPO
from tests.unit.test_live_count import mismatches

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1800)]

DATA = REPO / "tests" / "data" / "rendered"
CACHE = REPO / ".cache" / "accuracy"
DEMO = Path(str(files("hipcoach") / "data" / "demo_hip_series.mp4"))
SWITCH_S = 41.1  # the demo clip: lying on the left until here, then on the right
LEAD_S = 0.5
#: (name, video, truth, part of the video (s)).
CLIPS = [
    pytest.param(v.stem, v, t, 0.0, 1e9, id=v.stem)
    for v, t in rendered_clips([DATA], "")
] + [
    pytest.param(
        "series_left_front", DEMO, DATA / "series_left_front.truth.json", 0.0, SWITCH_S,
        id="series_left_front",
    ),
    pytest.param(
        "series_right_front", DEMO, DATA / "series_right_front.truth.json", SWITCH_S, 1e9,
        id="series_right_front",
    ),
]  # fmt: skip


def clip_frames(video: Path, start_s: float, end_s: float) -> PoseSequence:
    """The landmarks of ``video`` from ``start_s`` to ``end_s`` (s), timed from ``start_s``."""
    seq, _, _ = cached_pose(video, CACHE)
    part = seq.select((seq.times_s >= start_s - 1e-6) & (seq.times_s < end_s - 1e-6))
    return replace(part, times_s=part.times_s - start_s)


def test_every_rendered_clip_is_here() -> None:
    assert len(CLIPS) >= 8


@pytest.mark.parametrize(("name", "video", "truth", "start_s", "end_s"), CLIPS)
def test_live_count_equals_offline_after_every_frame(
    name: str, video: Path, truth: Path, start_s: float, end_s: float
) -> None:
    seq = clip_frames(video, start_s, end_s)
    sets = render_truth(json.loads(truth.read_text()), name).sets
    assert sets
    for k, s in enumerate(sets):
        frames = seq.select(seq.times_s >= s.start_s - LEAD_S)
        side: Side = "left" if s.side == "left" else "right"
        wrong, tails = mismatches(frames, side, s.exercise)
        assert not wrong, (name, s.exercise, wrong[:5])
        if k == 0:  # the longest "set": its tail has moved on by the clip's end
            assert tails[-1] < len(frames) / 2, (name, tails[-1], len(frames))
