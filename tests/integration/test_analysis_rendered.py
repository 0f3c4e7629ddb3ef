"""The whole analysis with the REAL pose model on rendered hip-series clips with exact truth.

Three clips of the same short series (4 small raises, 3 bicycle-to-sidekicks, 4 big lifts,
3 ccw and 3 cw circles; 10 fps): lying on the left side (right leg works) from the front, its
mirror lying on the right side (left leg works) -- these two are the halves of the package's
demo clip, joined at the side switch (41.1 s) --, and lying on the left seen from a raised
camera. Clips and slim truths: ``tests/data/rendered`` (README).
True sets are the runs of one ``exercise`` label in the per-frame truth, their counts come
from the script.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hipcoach.analysis.analyze import BlockAnalysis, analyze_sequence
from hipcoach.analysis.result import AnalysisResult, SetResult
from hipcoach.config import DEFAULTS
from hipcoach.pipeline import PoseRequest, find_poses
from hipcoach.sequence.schema import PoseSequence

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data" / "rendered"
DEMO = Path(str(files("hipcoach") / "data" / "demo_hip_series.mp4"))


@dataclass(frozen=True)
class Clip:
    name: str
    video: Path
    view: str
    lying_on: str
    working_leg: str
    start_s: float = 0.0  # the part of the video showing this clip (s)
    end_s: float = 1e9


SWITCH_S = 41.1  # the demo clip: left side until here, then the right side
CLIPS = (
    Clip("series_left_front", DEMO, "front", "left", "right", 0.0, SWITCH_S),
    Clip("series_right_front", DEMO, "front", "right", "left", SWITCH_S),
    Clip(
        "series_left_front_high", DATA / "series_left_front_high.mp4", "front_high", "left", "right"
    ),
)


@cache
def _pose(video: Path) -> PoseSequence:
    return find_poses(PoseRequest(str(video), DEFAULTS)).sequence


def clip_sequence(clip: Clip) -> PoseSequence:
    """The clip's frames of its video, with times from the clip's own start (s)."""
    seq = _pose(clip.video)
    part = seq.select((seq.times_s >= clip.start_s - 1e-6) & (seq.times_s < clip.end_s - 1e-6))
    return replace(part, times_s=part.times_s - clip.start_s)


NOT_CIRCLES = ("small_leg_raise", "bicycle_sidekick", "big_leg_lift")
MAX_ABDUCTION_MAE_DEG = 5.0


@dataclass(frozen=True)
class TrueSet:
    exercise: str
    n_reps: int
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Run:
    clip: Clip
    seq: PoseSequence
    result: AnalysisResult
    blocks: list[BlockAnalysis]
    truth: dict[str, Any]
    sets: list[TrueSet]
    t: np.ndarray  # per truth frame (s)
    exercise: np.ndarray  # per truth frame: exercise id or "rest"
    abduction: np.ndarray  # per truth frame: working-leg abduction (deg)


def true_sets(truth: dict[str, Any]) -> list[TrueSet]:
    """Runs of one exercise label, matched in order to the script's exercise segments."""
    t = np.array([f["t"] for f in truth["frames"]])
    labels = [f["exercise"] for f in truth["frames"]]
    dt = float(np.median(np.diff(t)))
    runs: list[list[Any]] = []
    for i, label in enumerate(labels):
        if runs and runs[-1][0] == label:
            runs[-1][2] = i
        else:
            runs.append([label, i, i])
    runs = [r for r in runs if r[0] != "rest"]
    segments = [s for s in truth["script"] if s["kind"] != "rest"]
    assert len(runs) == len(segments)
    return [
        TrueSet(label, int(seg["reps"]), float(t[i0] - dt / 2), float(t[i1] + dt / 2))
        for (label, i0, i1), seg in zip(runs, segments, strict=True)
    ]


@pytest.fixture(scope="module", params=CLIPS, ids=[c.name for c in CLIPS])
def run(request: pytest.FixtureRequest) -> Run:
    clip: Clip = request.param
    seq = clip_sequence(clip)
    result, blocks = analyze_sequence(seq)
    truth = json.loads((DATA / f"{clip.name}.truth.json").read_text(encoding="utf-8"))
    frames = truth["frames"]
    return Run(
        clip=clip,
        seq=seq,
        result=result,
        blocks=blocks,
        truth=truth,
        sets=true_sets(truth),
        t=np.array([f["t"] for f in frames], np.float64),
        exercise=np.array([f["exercise"] for f in frames]),
        abduction=np.array([f["top_leg_abduction_deg"] for f in frames], np.float64),
    )


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _found(run: Run, true_set: TrueSet, circles_any_direction: bool = False) -> list[SetResult]:
    return [
        s
        for s in run.result.sets
        if (s.direction is not None if circles_any_direction else s.exercise == true_set.exercise)
        and _overlap(s.start_s, s.end_s, true_set.start_s, true_set.end_s) > 0
    ]


def _summary(run: Run) -> list[tuple[str, str, int, str | None]]:
    return [(s.side, s.exercise, s.reps, s.direction) for s in run.result.sets]


def test_truth_is_the_short_series(run: Run) -> None:
    assert [(s.exercise, s.n_reps) for s in run.sets] == [
        ("small_leg_raise", 4),
        ("bicycle_sidekick", 3),
        ("big_leg_lift", 4),
        ("leg_circle_ccw", 3),
        ("leg_circle_cw", 3),
    ]
    assert len(run.seq) == len(run.truth["frames"]) == 411
    np.testing.assert_allclose(run.seq.times_s, run.t, atol=1e-3)


def test_view_and_working_leg(run: Run) -> None:
    assert run.truth["working_leg"] == run.clip.working_leg
    assert run.truth["lying_on_side"] == run.clip.lying_on
    assert run.result.view == run.clip.view
    assert run.result.lying_on == run.clip.lying_on
    assert run.result.working_legs == [run.clip.working_leg]


@pytest.mark.parametrize("exercise", NOT_CIRCLES)
def test_raise_bicycle_and_lift_counts_are_exact(run: Run, exercise: str) -> None:
    (true_set,) = [s for s in run.sets if s.exercise == exercise]
    assert [s.reps for s in _found(run, true_set)] == [true_set.n_reps], _summary(run)


def test_abduction_angle_error(run: Run) -> None:
    """Image abduction of the working leg vs the true abduction over exercise frames."""
    errors: list[np.ndarray] = []
    exercise_frames = int((run.exercise != "rest").sum())
    for block in run.blocks:
        assert block.signals is not None
        t = block.signals.times_s
        j = np.clip(np.searchsorted(run.t, t - 0.02), 0, len(run.t) - 1)
        assert np.all(np.abs(run.t[j] - t) < 0.02)  # one truth frame per video frame
        a = block.signals.abduction_2d_deg
        use = np.isfinite(a) & (run.exercise[j] != "rest")
        errors.append(np.abs(a[use] - run.abduction[j[use]]))
    err = np.concatenate(errors)
    assert len(err) >= 0.95 * exercise_frames
    assert float(err.mean()) <= MAX_ABDUCTION_MAE_DEG, f"MAE {err.mean():.2f} deg"


def test_no_reps_during_rests(run: Run) -> None:
    for found in run.result.sets:
        for a, b in found.rep_times:
            nearest = int(np.argmin(np.abs(run.t - 0.5 * (a + b))))
            assert run.exercise[nearest] != "rest", (found.exercise, a, b)
            assert any(_overlap(a, b, s.start_s, s.end_s) > 0 for s in run.sets)


def test_circle_directions_of_found_circle_sets(run: Run) -> None:
    for true_set in run.sets:
        if not true_set.exercise.startswith("leg_circle"):
            continue
        truth_direction = true_set.exercise.rsplit("_", 1)[1]
        found = _found(run, true_set, circles_any_direction=True)
        assert {s.direction for s in found} <= {truth_direction}, _summary(run)
    for found_set in run.result.sets:
        if found_set.direction is not None:
            assert found_set.exercise == f"leg_circle_{found_set.direction}"


def test_circle_counts(run: Run) -> None:
    """Counted from the tops of the circles (abduction), the direction from the depth cue.
    (Counting turns of the depth path alone gave 2 of 3 here: the model's depth barely
    shows the leg behind the body.)"""
    counts = {}
    for true_set in run.sets:
        if true_set.exercise.startswith("leg_circle"):
            counts[true_set.exercise] = ([s.reps for s in _found(run, true_set)], true_set.n_reps)
    assert all(found == [n] for found, n in counts.values()), counts


def test_demo_clip_shows_both_sides() -> None:
    """The bundled sample covers a side switch: ``hipcoach demo`` compares left and right."""
    result, _ = analyze_sequence(_pose(DEMO))
    assert result.working_legs == ["right", "left"]
    comparison = {c.exercise: c for c in result.comparison()}
    for exercise in ("small_leg_raise", "bicycle_sidekick", "big_leg_lift"):
        c = comparison[exercise]
        assert c.left is not None and c.right is not None
        assert c.reps_diff == 0
