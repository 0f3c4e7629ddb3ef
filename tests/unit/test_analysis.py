"""The offline analysis (``analyze_sequence``) on synthetic side-lying sessions.

Sessions come from ``hipcoach.synth.sidelying`` (exact geometry plus light noise), front view,
30 fps, short scripts. Lying on the LEFT side the RIGHT leg works and vice versa; a mirrored
session (same script, other side) must give the same sets with the other working leg.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipcoach.analysis.analyze import NO_EXERCISE, BlockAnalysis, analyze_sequence
from hipcoach.analysis.result import AnalysisResult, SetResult
from hipcoach.sequence.builder import SequenceBuilder
from hipcoach.sequence.schema import PoseSequence
from hipcoach.synth import BodyPose, Camera, candidate_from_body, standing_body
from hipcoach.synth.sidelying import (
    SHORT_SERIES,
    SideLyingScript,
    SyntheticSession,
    full_series_script,
    generate,
)
from hipcoach.synth.skeleton import LyingSide, View

LIGHT_NOISE: dict[str, float] = {
    "pixel_noise_px": 0.5,
    "world_noise_m": 0.005,
    "visibility_noise": 0.02,
}
#: The renderer's series_short.json: every exercise of the routine, few reps.
SHORT: list[dict[str, Any]] = [dict(seg) for seg in SHORT_SERIES]
SHORT_ORDER = [
    "small_leg_raise",
    "bicycle_sidekick",
    "big_leg_lift",
    "leg_circle_ccw",
    "leg_circle_cw",
]
NOT_CIRCLES = ("small_leg_raise", "bicycle_sidekick", "big_leg_lift")
WORKING = {"left": "right", "right": "left"}  # lying on -> working (top) leg


def _session(
    segments: list[dict[str, Any]],
    side: LyingSide,
    view: View = "front",
    seed: int = 0,
    **kw: Any,
) -> SyntheticSession:
    script = SideLyingScript(segments, side_lying_on=side, view=view, fps=30.0, seed=seed)
    return generate(script, **{**LIGHT_NOISE, **kw})


@cache
def _short(side: LyingSide) -> tuple[SyntheticSession, AnalysisResult, list[BlockAnalysis]]:
    session = _session(SHORT, side)
    result, blocks = analyze_sequence(session.sequence)
    return session, result, blocks


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _found_for(result: AnalysisResult, true_set: dict[str, Any]) -> list[SetResult]:
    """Found sets of the true set's exercise and leg that overlap it in time."""
    return [
        s
        for s in result.sets
        if s.exercise == true_set["exercise"]
        and s.side == true_set["side"]
        and _overlap(s.start_s, s.end_s, true_set["start_s"], true_set["end_s"]) > 0
    ]


def _summary(result: AnalysisResult) -> list[tuple[str, str, int]]:
    return [(s.side, s.exercise, s.reps) for s in result.sets]


# ---------------------------------------------------------------- counts, legs, labels
@pytest.mark.parametrize("side", ["left", "right"])
def test_view_side_and_working_leg(side: LyingSide) -> None:
    session, result, _ = _short(side)
    assert result.view == "front"
    assert result.lying_on == side
    assert result.working_legs == [WORKING[side]]
    assert session.truth["working_leg"] == WORKING[side]
    assert result.problems == [], result.problems


@pytest.mark.parametrize("side", ["left", "right"])
def test_raise_bicycle_and_lift_counts_are_exact(side: LyingSide) -> None:
    session, result, _ = _short(side)
    for true_set in session.truth["events"]["sets"]:
        if true_set["exercise"] not in NOT_CIRCLES:
            continue
        found = _found_for(result, true_set)
        assert [s.reps for s in found] == [true_set["n_reps"]], (
            true_set["exercise"],
            _summary(result),
        )


@pytest.mark.parametrize("side", ["left", "right"])
def test_set_labels_follow_the_script(side: LyingSide) -> None:
    _, result, _ = _short(side)
    assert [s.exercise for s in result.sets] == SHORT_ORDER, _summary(result)
    assert [s.direction for s in result.sets] == [None, None, None, "ccw", "cw"]
    starts = [s.start_s for s in result.sets]
    assert starts == sorted(starts)


def test_mirrored_sessions_give_the_same_sets() -> None:
    _, on_left, _ = _short("left")
    _, on_right, _ = _short("right")
    assert {s.side for s in on_left.sets} == {"right"}
    assert {s.side for s in on_right.sets} == {"left"}
    assert [(s.exercise, s.reps) for s in on_left.sets] == [
        (s.exercise, s.reps) for s in on_right.sets
    ]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    small=st.integers(2, 6),
    bike=st.integers(2, 4),
    big=st.integers(2, 6),
    seed=st.integers(0, 1000),
)
def test_counts_exact_and_mirrored_for_any_rep_numbers(
    small: int, bike: int, big: int, seed: int
) -> None:
    """Varied counts, speeds (±10%) and heights (±10%): exact on both sides."""
    var = {"speed_var": 0.1, "amp_var": 0.1}
    segments = [
        {"kind": "rest", "s": 1.0},
        {"kind": "small_leg_raise", "reps": small, **var},
        {"kind": "rest", "s": 1.0},
        {"kind": "bicycle_sidekick", "reps": bike, **var},
        {"kind": "rest", "s": 1.0},
        {"kind": "big_leg_lift", "reps": big, **var},
        {"kind": "rest", "s": 1.0},
    ]
    expected = [("small_leg_raise", small), ("bicycle_sidekick", bike), ("big_leg_lift", big)]
    sides: tuple[LyingSide, ...] = ("left", "right")
    for side in sides:
        result, _ = analyze_sequence(_session(segments, side, seed=seed).sequence)
        assert [(s.exercise, s.reps) for s in result.sets] == expected, (side, _summary(result))
        assert result.working_legs == [WORKING[side]]


@pytest.mark.parametrize("side", ["left", "right"])
def test_bicycle_between_raises_separates_small_from_big(side: LyingSide) -> None:
    """With short pauses (well under the set gap) only the bicycle set in between keeps the
    small raises and the big lifts apart; both must keep their own label and count."""
    segments = [
        {"kind": "rest", "s": 1.0},
        {"kind": "small_leg_raise", "reps": 5},
        {"kind": "rest", "s": 0.3},
        {"kind": "bicycle_sidekick", "reps": 2},
        {"kind": "rest", "s": 0.3},
        {"kind": "big_leg_lift", "reps": 5},
        {"kind": "rest", "s": 1.0},
    ]
    result, _ = analyze_sequence(_session(segments, side).sequence)
    assert _summary(result) == [
        (WORKING[side], "small_leg_raise", 5),
        (WORKING[side], "bicycle_sidekick", 2),
        (WORKING[side], "big_leg_lift", 5),
    ]
    small, _, big = result.sets
    assert max(small.peak_angle_deg) < min(big.peak_angle_deg)


# ---------------------------------------------------------------- circles
@pytest.mark.parametrize("direction", ["ccw", "cw"])
@pytest.mark.parametrize("side", ["left", "right"])
def test_circle_direction(side: LyingSide, direction: str) -> None:
    segments = [
        {"kind": "rest", "s": 1.5},
        {"kind": "leg_circle", "reps": 4, "direction": direction},
        {"kind": "rest", "s": 1.5},
    ]
    result, _ = analyze_sequence(_session(segments, side).sequence)
    circles = [s for s in result.sets if s.direction is not None]
    assert circles, f"no circle set found: {_summary(result)}"
    assert [s.direction for s in circles] == [direction] * len(circles)
    assert [s.exercise for s in circles] == [f"leg_circle_{direction}"] * len(circles)
    assert {s.side for s in circles} == {WORKING[side]}


@pytest.mark.parametrize("side", ["left", "right"])
def test_circle_directions_in_the_short_series(side: LyingSide) -> None:
    session, result, _ = _short(side)
    for true_set in session.truth["events"]["sets"]:
        if "direction" not in true_set:
            continue
        found = [
            s
            for s in result.sets
            if s.direction is not None
            and _overlap(s.start_s, s.end_s, true_set["start_s"], true_set["end_s"]) > 0
        ]
        assert found, f"no circle set found for {true_set['exercise']}: {_summary(result)}"
        assert {s.direction for s in found} == {true_set["direction"]}


@pytest.mark.parametrize("side", ["left", "right"])
def test_circle_counts(side: LyingSide) -> None:
    session, result, _ = _short(side)
    for true_set in session.truth["events"]["sets"]:
        if "direction" in true_set:
            found = _found_for(result, true_set)
            assert [s.reps for s in found] == [true_set["n_reps"]], (
                true_set["exercise"],
                _summary(result),
            )


# ---------------------------------------------------------------- transitions
@pytest.mark.parametrize("side", ["left", "right"])
def test_transitions_give_no_reps_outside_true_sets(side: LyingSide) -> None:
    """Getting down, rolling over to the other side and getting up are not exercise."""
    script = SideLyingScript(full_series_script(side, reps=3), side_lying_on=side, seed=5)
    session = generate(script, transitions=True, **LIGHT_NOISE)
    result, _ = analyze_sequence(session.sequence)
    true_sets = session.truth["events"]["sets"]
    assert result.working_legs == [WORKING[side], side]
    for found in result.sets:
        for a, b in found.rep_times:
            mid = 0.5 * (a + b)
            inside = [
                t
                for t in true_sets
                if t["side"] == found.side and t["start_s"] <= mid <= t["end_s"]
            ]
            assert inside, f"{found.side} {found.exercise} rep at {a:.1f}-{b:.1f} s is in no set"
    # and every non-circle true set is counted exactly
    for true_set in true_sets:
        if true_set["exercise"] in NOT_CIRCLES:
            found_sets = _found_for(result, true_set)
            assert [s.reps for s in found_sets] == [true_set["n_reps"]], (
                true_set["side"],
                true_set["exercise"],
                _summary(result),
            )


# ---------------------------------------------------------------- nothing to count
def _standing_sequence(seconds: float = 12.0, fps: float = 30.0) -> PoseSequence:
    """A person standing upright facing the camera, lifting each leg to the side and to the
    front in turn (the movements of the series, but standing)."""
    camera = Camera(width=640, height=480, focal_px=600.0, distance_m=3.0)
    builder = SequenceBuilder(camera.width, camera.height)
    for i in range(round(seconds * fps)):
        t = i / fps
        wave = 0.5 - 0.5 * np.cos(2 * np.pi * t / 2.0)  # 0..1, one lift every 2 s
        right_side = (t // 4) % 2 == 0
        pose = BodyPose(
            right_hip_abduction_deg=35.0 * wave if right_side else 0.0,
            left_hip_abduction_deg=0.0 if right_side else 35.0 * wave,
            right_hip_flexion_deg=20.0 * wave if (t // 6) % 2 == 1 else 0.0,
        )
        builder.append(t, candidate_from_body(standing_body(pose), camera))
    return builder.build()


def test_standing_person_has_no_sets() -> None:
    seq = _standing_sequence()
    assert seq.detection_rate == 1.0
    result, _ = analyze_sequence(seq)
    assert result.sets == []
    assert NO_EXERCISE in result.problems
    assert result.lying_on is None


@pytest.mark.parametrize("side", ["left", "right"])
def test_feet_end_view_gives_no_sets(side: LyingSide) -> None:
    session = _session(SHORT, side, view="feet")
    assert session.sequence.detection_rate == 1.0
    result, _ = analyze_sequence(session.sequence)
    assert result.sets == [], _summary(result)
    assert NO_EXERCISE in result.problems
