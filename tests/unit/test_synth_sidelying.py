"""Synthetic side-lying sessions: ground truth, geometry conventions, noise, transitions."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipcoach.landmarks import MIRROR_PERMUTATION, Landmark
from hipcoach.signal.angles import knee_flexion_deg
from hipcoach.synth.body_angles import hip_angles, pelvis_frame, to_pelvis_frame
from hipcoach.synth.sidelying import (
    SideLyingScript,
    evaluate,
    full_series_script,
    generate,
    layout,
    save_truth,
)
from hipcoach.synth.skeleton import (
    BodyPose,
    Camera,
    candidate_from_body,
    lying_camera,
    standing_body,
)

SCRIPT: list[dict[str, Any]] = [
    {"kind": "rest", "s": 1.0},
    {"kind": "small_leg_raise", "reps": 4, "speed_var": 0.2, "amp_var": 0.1, "jitter_deg": 1.5,
     "pelvis_roll_deg": 8.0, "toes_up_deg": {"deg": 15.0, "reps": [2]}, "momentum": [3]},
    {"kind": "bicycle_sidekick", "reps": 3, "knee_bend_deg": 10.0, "gap_s": 0.5},
    {"kind": "big_leg_lift", "reps": 2, "leg_forward_deg": 12.0},
    {"kind": "break", "s": 3.0},
    {"kind": "leg_circle", "direction": "ccw", "reps": 3, "jitter_deg": 1.0},
    {"kind": "leg_circle", "direction": "cw", "reps": 2},
    {"kind": "rest", "s": 1.0},
]  # fmt: skip
MOVE_KINDS = {"getting_down", "getting_up", "switch_side", "break"}


def _session(side: str = "left", view: str = "front", **kw: Any) -> Any:
    script = SideLyingScript(SCRIPT, side_lying_on=side, view=view, seed=3)
    return generate(script, **kw)


def _signed_area(u: np.ndarray, v: np.ndarray) -> float:
    return 0.5 * float(np.sum(u * np.roll(v, -1) - np.roll(u, -1) * v))


def test_truth_reps_match_script() -> None:
    truth = _session().truth
    sets, reps = truth["events"]["sets"], truth["events"]["reps"]
    expected = [(s.get("kind"), s["reps"]) for s in SCRIPT if "reps" in s]
    assert [s["n_reps"] for s in sets] == [n for _, n in expected]
    assert [s["exercise"] for s in sets] == [
        "small_leg_raise", "bicycle_sidekick", "big_leg_lift", "leg_circle_ccw", "leg_circle_cw",
    ]  # fmt: skip
    assert {s["side"] for s in sets} == {"right"} and truth["working_leg"] == "right"
    assert len(reps) == sum(n for _, n in expected)
    for k, s in enumerate(sets):
        mine = [r for r in reps if r["set"] == k]
        assert [r["index"] for r in mine] == list(range(1, s["n_reps"] + 1))
        assert all(s["start_s"] <= r["start"] < r["peak"] < r["end"] <= s["end_s"] for r in mine)
    assert reps[2]["faults"].get("momentum") and reps[1]["faults"]["toes_up_deg"] == 15.0
    # per-frame rep labels agree with the events
    pf = truth["per_frame"]
    for r in reps:
        inside = (pf["t"] >= r["start"]) & (pf["t"] < r["end"])
        assert np.all(pf["rep"][inside] == r["index"])
    assert not np.any(np.isin(pf["exercise"][pf["rep"] > 0], list(MOVE_KINDS)))


def test_same_random_draws_as_renderer() -> None:
    """Golden values from render.py Program (seed 7): rep times, amplitudes and channels."""
    script = [
        {"kind": "rest", "s": 1.0},
        {"kind": "small_leg_raise", "reps": 3, "speed_var": 0.2, "amp_var": 0.1,
         "jitter_deg": 1.0},
        {"kind": "leg_circle", "direction": "cw", "reps": 2, "speed_var": 0.3, "amp_var": 0.2},
    ]  # fmt: skip
    segs, duration = layout(script, "left", 7)
    evs = [e for s in segs for e in s["rep_events"]]
    assert duration == pytest.approx(9.76952483385107, abs=1e-12)
    assert [e["end"] for e in evs] == pytest.approx(
        [2.6082399839090717, 3.9967282861351467, 5.468638911957612, 7.6581864071359185,
         9.16952483385107], abs=1e-12)  # fmt: skip
    assert evs[4]["amp_scale"] == pytest.approx(1.1500549982293715, abs=1e-12)
    ch = evaluate(segs, np.array([1.3, 2.0, 5.1, 6.0]), 7)
    assert ch["abd"] == pytest.approx(
        [7.299228467828726, 14.747152021718996, 3.440039240280942, 19.23332787979836], abs=1e-9
    )
    assert ch["flex"] == pytest.approx([-1.1783688020662069, 0.4024090565620214,
                                        0.0726453805794031, 0.0], abs=1e-9)  # fmt: skip
    assert list(ch["phase"]) == ["up", "down", "down", "lift"]
    assert list(ch["rep"]) == [1, 1, 3, 0]


@pytest.mark.parametrize("view", ["front", "front_high", "diagonal", "feet"])
@pytest.mark.parametrize("side", ["left", "right"])
def test_angles_recovered_from_world_landmarks(side: str, view: str) -> None:
    script = full_series_script(side, reps=2)
    script.insert(3, {"kind": "break", "s": 2.0})
    script[1].update(pelvis_roll_deg=10.0, toes_up_deg=20.0, knee_bend_deg=15.0, jitter_deg=2.0)
    sess = generate(
        SideLyingScript(script, side_lying_on=side, view=view),
        transitions=True,
    )
    pf, world = sess.truth["per_frame"], sess.sequence.world.astype(np.float64)
    assert np.ptp(pf["rotation_deg"]) > 15 and np.ptp(pf["pelvis_roll_deg"]) > 8  # faults on
    for leg in ("left", "right"):
        m = pf["working_leg"] == leg
        got = hip_angles(world[m], leg)
        assert np.max(np.abs(got["abduction_deg"] - pf["abduction_deg"][m])) < 0.1
        assert np.max(np.abs(got["flexion_deg"] - pf["flexion_deg"][m])) < 0.1
        knee = knee_flexion_deg(world[m], leg)
        assert np.max(np.abs(knee - pf["knee_deg"][m])) < 0.1


@pytest.mark.parametrize("view", ["front", "front_high", "diagonal"])
def test_head_side_and_top_hip_higher(view: str) -> None:
    for side, head_right in (("left", True), ("right", False)):
        sess = _session(side, view)
        xy = sess.sequence.image_xy
        top, bottom = (Landmark.RIGHT_HIP, Landmark.LEFT_HIP)[:: 1 if side == "left" else -1]
        hip_x = xy[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 0].mean(axis=1)
        assert np.all((xy[:, Landmark.NOSE, 0] > hip_x) == head_right)
        assert np.all(xy[:, top, 1] < xy[:, bottom, 1])
        assert sess.truth["head_in_image"] == ("right" if head_right else "left")
        assert sess.truth["working_leg"] == ("right" if side == "left" else "left")


@pytest.mark.parametrize("side", ["left", "right"])
def test_circle_winding_matches_direction(side: str) -> None:
    sess = _session(side)
    pf, world = sess.truth["per_frame"], sess.sequence.world.astype(np.float64)
    leg = sess.truth["working_leg"]
    ankle = Landmark.RIGHT_ANKLE if leg == "right" else Landmark.LEFT_ANKLE
    hip = Landmark.RIGHT_HIP if leg == "right" else Landmark.LEFT_HIP
    sets = sess.truth["events"]["sets"]
    circles = [k for k, s in enumerate(sets) if s["exercise"].startswith("leg_circle")]
    assert len(circles) == 2
    for k in circles:
        s = sets[k]
        reps = [r for r in sess.truth["events"]["reps"] if r["set"] == k]
        m = (pf["t"] >= reps[0]["start"]) & (pf["t"] < reps[-1]["end"])
        # Seen from the feet end looking toward the head: up = abduction; the viewer's right
        # is the person's front when lying on the left side, the back on the right side.
        right = pf["flexion_deg"][m] * (1.0 if side == "left" else -1.0)
        area = _signed_area(right, pf["abduction_deg"][m])
        assert ("ccw" if area > 0 else "cw") == s["direction"]
        # the same from the 3-D ankle path in the pelvis frame: (forward, -lateral) both sides
        _, rot = pelvis_frame(world[m])
        local = to_pelvis_frame(world[m][:, ankle] - world[m][:, hip], rot)
        area3d = _signed_area(local[:, 2], -local[:, 0])
        assert ("ccw" if area3d > 0 else "cw") == s["direction"]
        seq = "forward-up-back-down" if (s["direction"] == "ccw") == (side == "left") else "back"
        assert s["anatomical_sequence"].startswith(seq)


@pytest.mark.parametrize("burst_s", [0.0, 0.5])
def test_dropouts_give_nan_frames(burst_s: float) -> None:
    seq = _session(dropout_rate=0.2, dropout_burst_s=burst_s).sequence
    missing = ~seq.detected
    assert 0.08 < missing.mean() < 0.4
    assert np.all(np.isnan(seq.image_xy[missing])) and np.all(np.isnan(seq.world[missing]))
    assert np.all(np.isfinite(seq.image_xy[~missing]))
    if burst_s:
        runs = np.diff(np.flatnonzero(np.diff(np.r_[0, missing.astype(int), 0])))[::2]
        assert runs.mean() > 5  # bursts, not isolated frames


def test_noise_is_added_and_seeded() -> None:
    a = _session(pixel_noise_px=2.0, world_noise_m=0.01, visibility_noise=0.1).sequence
    b = _session(pixel_noise_px=2.0, world_noise_m=0.01, visibility_noise=0.1).sequence
    clean = _session().sequence
    np.testing.assert_array_equal(a.image_xy, b.image_xy)
    assert 1.5 < np.std(a.image_xy - clean.image_xy) < 2.5
    assert 0.008 < np.std(a.world - clean.world) < 0.012
    assert a.visibility.max() <= 0.99 and a.visibility.min() >= 0.0


def test_transitions_move_the_whole_body_without_reps() -> None:
    script = [*SCRIPT[:3], {"kind": "switch_side"}, *SCRIPT[3:]]
    sess = generate(SideLyingScript(script, seed=1), transitions=True)
    pf, xy, truth = sess.truth["per_frame"], sess.sequence.image_xy, sess.truth
    moves = np.isin(pf["exercise"], list(MOVE_KINDS))
    assert {"getting_down", "switch_side", "getting_up"} <= set(pf["exercise"][moves])
    assert np.all(pf["rep"][moves] == 0)
    for r in truth["events"]["reps"]:
        assert not np.any(moves & (pf["t"] >= r["start"]) & (pf["t"] < r["end"]))
    hip_xy = xy[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]].mean(axis=1)
    for kind in ("getting_down", "switch_side", "getting_up"):
        m = pf["exercise"] == kind
        assert np.ptp(hip_xy[m, 0]) + np.ptp(hip_xy[m, 1]) > 60  # whole body travels (px)
        assert np.ptp(pf["knee_deg"][m]) > 30  # and the legs move
    # the head changes image side and the working leg changes at the switch
    nose_right = xy[:, Landmark.NOSE, 0] > hip_xy[:, 0]
    before = pf["t"] < truth["events"]["sets"][2]["start_s"]
    assert np.all(nose_right[before & ~moves])  # lying on the left side: head at image-right
    assert not np.any(nose_right[~before & ~moves])
    assert [s["side"] for s in truth["events"]["sets"]] == ["right", "right"] + ["left"] * 3


def test_mirrored_scripts_give_mirrored_images() -> None:
    width = 640
    sessions = {
        side: generate(
            SideLyingScript(full_series_script(side, reps=2), side_lying_on=side, width=width),
            transitions=True,
        ).sequence
        for side in ("left", "right")
    }  # fmt: skip
    left, right = sessions["left"], sessions["right"]
    perm = list(MIRROR_PERMUTATION)
    np.testing.assert_allclose(left.image_xy[..., 0], width - right.image_xy[:, perm, 0], atol=2e-3)
    np.testing.assert_allclose(left.image_xy[..., 1], right.image_xy[:, perm, 1], atol=2e-3)
    np.testing.assert_allclose(left.world[..., 0], -right.world[:, perm, 0], atol=1e-5)


@settings(max_examples=15, deadline=None)
@given(fps=st.one_of(st.floats(10.0, 60.0), st.sampled_from([29.97, 23.976, 59.94])))
def test_rep_times_do_not_depend_on_fps(fps: float) -> None:
    script = SCRIPT[:4]
    ref = generate(SideLyingScript(script, seed=5, fps=30.0)).truth
    got = generate(SideLyingScript(script, seed=5, fps=fps)).truth
    assert got["events"] == ref["events"]
    t, rep = got["per_frame"]["t"], got["per_frame"]["rep"]
    assert t[1] == pytest.approx(1.0 / fps)
    for r in got["events"]["reps"]:
        assert np.all(rep[(t >= r["start"]) & (t < r["end"])] == r["index"])


def test_full_series_and_save_truth(tmp_path: Path) -> None:
    segs = full_series_script("right", reps={"small_leg_raise": 3})
    assert sum(s["kind"] == "switch_side" for s in segs) == 1
    script = SideLyingScript(segs, side_lying_on="right", fps=30.0)
    t0 = time.perf_counter()
    sess = generate(script, transitions=True, pixel_noise_px=1.0, dropout_rate=0.05)
    elapsed = time.perf_counter() - t0
    assert sess.sequence.duration_s > 150 and elapsed < 2.0
    sets = sess.truth["events"]["sets"]
    assert [s["side"] for s in sets] == ["left"] * 5 + ["right"] * 5
    assert [s["n_reps"] for s in sets[:3]] == [3, 5, 10]
    assert [s.get("direction") for s in sets if "direction" in s] == ["cw", "ccw", "ccw", "cw"]
    path = tmp_path / "truth.json"
    save_truth(sess.truth, path)
    data = json.loads(path.read_text())
    assert data["lying_on_side"] == "right" and data["head_in_image"] == "left"
    assert len(data["per_frame"]["abduction_deg"]) == len(sess.sequence)
    assert SideLyingScript.from_json({"segments": segs, "side": "right", "seed": 2}).seed == 2


# --- skeleton extensions ------------------------------------------------------------------
def test_toes_up_is_external_rotation_and_keeps_hip_angles() -> None:
    cam = lying_camera("left", "front")
    base = BodyPose(right_hip_abduction_deg=20.0)
    up = BodyPose(right_hip_abduction_deg=20.0, right_hip_rotation_deg=-30.0)  # external
    c0, c1 = (
        candidate_from_body(standing_body(base), cam),
        candidate_from_body(standing_body(up), cam),
    )
    toe, ankle = Landmark.RIGHT_FOOT_INDEX, Landmark.RIGHT_ANKLE
    rise0, rise1 = (c.norm_xyz[ankle, 1] - c.norm_xyz[toe, 1] for c in (c0, c1))
    assert rise1 > rise0 + 0.01  # the toes point further up toward the ceiling
    for c in (c0, c1):
        got = hip_angles(c.world[None].astype(np.float64), "right")
        assert got["abduction_deg"][0] == pytest.approx(20.0, abs=1e-3)


def test_pelvis_roll_forward_and_camera_pitch() -> None:
    cam = lying_camera("left", "front")
    rolled = candidate_from_body(standing_body(BodyPose(pelvis_roll_deg=15.0)), cam)
    flat = candidate_from_body(standing_body(), cam)
    assert rolled.world[Landmark.RIGHT_HIP, 2] < flat.world[Landmark.RIGHT_HIP, 2] - 0.02
    high = candidate_from_body(standing_body(), lying_camera("left", "front_high"))
    assert high.world[Landmark.RIGHT_HIP, 2] < high.world[Landmark.LEFT_HIP, 2]  # top nearer
    diag = candidate_from_body(standing_body(), lying_camera("right", "diagonal"))
    assert diag.world[Landmark.LEFT_ANKLE, 2] < diag.world[Landmark.NOSE, 2]  # feet nearer
    assert Camera().body_to_camera() == pytest.approx(np.diag([1.0, -1.0, -1.0]))
