"""The landmark grid and synthetic truth (hipcoach.evaluation.synthetic)."""

from __future__ import annotations

from typing import Any

from hipcoach.evaluation.synthetic import (
    FPS,
    NOISE,
    SIDES,
    VARIATION,
    VIEWS,
    landmark_sessions,
    noisy_session,
    synth_truth,
    vary,
)
from hipcoach.synth.sidelying import SideLyingScript


def test_the_grid_covers_sides_views_noise_and_seeds() -> None:
    sessions = landmark_sessions(2)
    assert len(sessions) == len(SIDES) * len(VIEWS) * len(NOISE) * 2
    assert len({s.name for s in sessions}) == len(sessions)
    assert [s.script.fps for s in sessions[:4]] == [FPS[0], FPS[1], FPS[2], FPS[0]]
    for s in sessions:
        full = s.script.seed == 101
        assert s.transitions == full
        assert s.tags["script"] == ("full+transitions" if full else "short")
        assert s.tags["view"] == s.script.view and s.tags["side"] == s.script.side_lying_on
        assert s.name == f"{s.tags['side']}/{s.tags['view']}/{s.tags['noise']}/seed" + (
            f"{s.script.seed - 100}/{s.tags['fps']}fps"
        )


def test_vary_adds_the_variation_to_exercise_segments_only() -> None:
    segs = [{"kind": "rest", "s": 1.0}, {"kind": "small_leg_raise", "amp_var": 0.0}]
    out = vary(segs)
    assert out[0] == {"kind": "rest", "s": 1.0}
    assert out[1] == {**VARIATION, "kind": "small_leg_raise", "amp_var": 0.0}
    out[0]["s"] = 9.0
    assert segs[0]["s"] == 1.0  # copies


def hand_truth() -> dict[str, Any]:
    return {
        "view": "front",
        "lying_on_side": "left",
        "working_leg": "right",
        "events": {
            "sets": [
                {"exercise": "small_leg_raise", "side": "right", "start_s": 1.0, "end_s": 3.0,
                 "n_reps": 2},
                {"exercise": "leg_circle_cw", "side": "left", "start_s": 5.0, "end_s": 6.0,
                 "n_reps": 1, "direction": "cw"},
            ],
            "reps": [
                {"set": 0, "start": 1.0, "end": 2.0, "faults": {"toes_up_deg": 35.0}},
                {"set": 0, "start": 2.0, "end": 3.0, "faults": {"momentum": True}},
                {"set": 1, "start": 5.0, "end": 6.0, "faults": {"knee_bend_deg": 0.5}},
            ],
        },
        "per_frame": {
            "t": [0.0, 2.0, 4.0, 5.5],
            "exercise": ["rest", "small_leg_raise", "switch_side", "leg_circle_cw"],
            "working_leg": ["right", "right", "left", "left"],
            "abduction_deg": [0.0, 20.0, 5.0, 30.0],
        },
    }  # fmt: skip


def test_synth_truth_keeps_sets_reps_faults_and_the_leg_of_every_frame() -> None:
    truth = synth_truth(hand_truth(), "s", {"view": "front_high"})
    assert (truth.name, truth.placement, truth.working_leg) == ("s", "front_high", "right")
    raises, circles = truth.sets
    assert (raises.exercise, raises.side, raises.n_reps, raises.direction) == (
        "small_leg_raise", "right", 2, None,
    )  # fmt: skip
    assert [r.faults for r in raises.reps] == [frozenset({"toes_up"}), frozenset({"tempo"})]
    assert (circles.side, circles.direction, circles.start_s, circles.end_s) == (
        "left", "cw", 5.0, 6.0,
    )  # fmt: skip
    assert circles.reps[0].faults == frozenset()  # 0.5 deg is below the floor
    assert truth.frame_legs.tolist() == ["right", "right", "left", "left"]
    assert truth.in_exercise.tolist() == [False, True, False, True]
    assert truth.abduction_deg.tolist() == [0.0, 20.0, 5.0, 30.0]


def test_the_truth_of_a_generated_session_matches_its_script() -> None:
    script = SideLyingScript(
        [{"kind": "rest", "s": 1.0}, {"kind": "small_leg_raise", "reps": 3}],
        side_lying_on="right",
        view="front",
        fps=30.0,
        seed=1,
    )
    session = noisy_session(script, "noisy", transitions=False)
    truth = synth_truth(session.truth)
    (s,) = truth.sets
    assert (s.exercise, s.side, s.n_reps, len(s.reps)) == ("small_leg_raise", "left", 3, 3)
    assert all(s.start_s <= r.start_s < r.end_s <= s.end_s for r in s.reps)
    assert len(truth.t) == len(session.sequence.times_s)
    assert set(truth.frame_legs.tolist()) == {"left"}
