"""Leg circles counted per lifted excursion: counts, direction, raises give no circles."""

from __future__ import annotations

import numpy as np
import pytest

from hipcoach.config import CircleConfig, HysteresisConfig
from hipcoach.reps.excursion_circles import ExcursionCircleConfig, ExcursionCircleCounter

CFG = ExcursionCircleConfig(
    lift=HysteresisConfig(high=10.0, low=5.0, min_rep_s=0.3, max_rep_s=60.0, max_gap_s=0.5),
    circle=CircleConfig(min_radius=2.5, min_rep_s=0.3, max_rep_s=5.0),
    min_circularity=0.75,
)


def lifted_circles(
    n: int, direction: int, period: float, fps: float, seed: int, noise: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rest at -4 deg, lift to a circle centred at 20 deg (radius 8), n turns, lower, rest."""
    rng = np.random.default_rng(seed)
    lift, rest = 0.6, 1.0
    total = 2 * rest + 2 * lift + n * period
    t = np.arange(0.0, total, 1.0 / fps)
    u = np.clip((t - rest - lift) / (n * period), 0.0, 1.0)
    theta = -np.pi / 2 + direction * 2 * np.pi * n * u
    env = np.interp(t, [rest, rest + lift, total - rest - lift, total - rest], [0, 1, 1, 0])
    x = env * 8.0 * np.cos(theta)
    y = -4.0 + env * (24.0 + 8.0 * np.sin(theta))
    return t, x + rng.normal(0, noise, t.size), y + rng.normal(0, noise, t.size)


def feed(t: np.ndarray, x: np.ndarray, y: np.ndarray) -> ExcursionCircleCounter:
    counter = ExcursionCircleCounter(CFG)
    for i in range(t.size):
        counter.update(float(t[i]), float(x[i]), float(y[i]))
    return counter


@pytest.mark.parametrize("n", [2, 3, 5, 8])
@pytest.mark.parametrize("direction", [1, -1])
@pytest.mark.parametrize("fps", [10.0, 29.97, 60.0])
def test_counts_and_direction(n: int, direction: int, fps: float) -> None:
    t, x, y = lifted_circles(n, direction, 1.5, fps, seed=n)
    reps = feed(t, x, y).reps
    assert len(reps) == n
    assert {r.direction for r in reps} == {"ccw" if direction > 0 else "cw"}
    assert all(6.0 < r.mean_radius < 12.0 for r in reps)
    ends = [r.end_s for r in reps]
    assert np.all(np.diff(ends) > 0)


def test_mirroring_x_flips_direction() -> None:
    t, x, y = lifted_circles(4, 1, 1.5, 30.0, seed=1)
    assert {r.direction for r in feed(t, -x, y).reps} == {"cw"}


def test_leg_raises_with_depth_wobble_are_not_circles() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(0.0, 12.0, 1 / 30)
    y = -4 + 24 * np.clip(np.sin(np.pi * t / 1.5), 0, None) ** 2
    x = 3.0 * np.sin(np.pi * t / 1.5 + 0.8) + rng.normal(0, 0.5, t.size)  # forward wobble
    assert feed(t, x, y).reps == ()


def test_turns_are_confirmed_when_the_leg_comes_down() -> None:
    t, x, y = lifted_circles(3, 1, 1.5, 30.0, seed=2)
    counter = ExcursionCircleCounter(CFG)
    confirmed_at = []
    for i in range(t.size):
        if counter.update(float(t[i]), float(x[i]), float(y[i])):
            confirmed_at.append(t[i])
    assert len(confirmed_at) == 1
    assert confirmed_at[0] > t[-1] - 1.6  # after lowering (rest lasts 1 s at the end)


def one_circle(
    direction: int, radius: float, phase0: float, fps: float = 15.0, seed: int = 3
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rest, lift to 20 deg, ONE circle started from the lifted position (radius easing in
    over 0.3 s as a person starts it; phase0 = 0 goes up first, pi goes down first), lower."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, 5.1, 1 / fps)
    lift = np.interp(t, [1.0, 1.6, 3.1, 3.7], [0.0, 1.0, 1.0, 0.0])
    u = np.clip((t - 1.6) / 1.5, 0, 1)
    r = radius * np.minimum(1.0, np.minimum(u * 1.5 / 0.3, (1 - u) * 1.5 / 0.3))
    phase = phase0 + direction * 2 * np.pi * u
    y = -4.0 + 24.0 * lift + r * np.sin(phase)
    x = r * np.cos(phase)
    return t, x + rng.normal(0, 0.4, t.size), y + rng.normal(0, 0.4, t.size)


@pytest.mark.parametrize("direction", [1, -1])
@pytest.mark.parametrize("radius", [5.0, 8.0, 15.0])
@pytest.mark.parametrize("phase0", [0.0, np.pi])
def test_one_circle_in_a_lift_is_a_circle_from_the_first_turn(
    direction: int, radius: float, phase0: float
) -> None:
    t, x, y = one_circle(direction, radius, phase0)
    reps = feed(t, x, y).reps
    assert len(reps) == 1
    assert reps[0].direction == ("ccw" if direction > 0 else "cw")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("wobble", [1.0, 3.0, 8.0])
def test_single_raises_with_looping_depth_wobble_are_not_circles(seed: int, wobble: float) -> None:
    """A raise whose depth differs on the way up and down draws a thin loop (an ellipse,
    sweeping a full turn): still one hump in abduction, so not a circle."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, 4.0, 1 / 15)
    u = np.clip((t - 1.0) / 2.0, 0, 1)
    y = -4 + 24 * np.sin(np.pi * u) ** 2 + rng.normal(0, 0.5, t.size)
    x = wobble * np.sin(2 * np.pi * u) + rng.normal(0, 0.5, t.size)
    assert feed(t, x, y).reps == ()


def feed2(t: np.ndarray, x: np.ndarray, y: np.ndarray, x2: np.ndarray) -> ExcursionCircleCounter:
    counter = ExcursionCircleCounter(CFG)
    for i in range(t.size):
        counter.update(float(t[i]), float(x[i]), float(y[i]), float(x2[i]))
    return counter


def test_circles_seen_only_in_the_second_cue_are_counted_without_a_direction() -> None:
    """A camera turned toward the feet: the depth cue shows no loop, the 2-D cue does."""
    t, x, y = lifted_circles(4, 1, 1.5, 15.0, seed=5)
    flat_depth = np.random.default_rng(0).normal(0, 0.5, t.size)
    counter = feed2(t, flat_depth, y, x)
    assert len(counter.reps) == 4
    (excursion,) = counter.excursions
    assert excursion.direction is None
    assert excursion.flat.sweep_turns > 3.0


def test_resolve_directions_reads_the_second_cue_by_the_placement() -> None:
    from hipcoach.analysis.events import resolve_directions
    from hipcoach.config import DEFAULTS
    from hipcoach.reps.excursion_circles import Excursion, Loop

    def loop(sweep: float) -> Loop:
        return Loop(2.0, sweep, 8.0)

    both = Excursion(0.0, 5.0, loop(-3.0), loop(3.0), "cw", "ccw")  # a bicycle's wrong loop
    flat_only = Excursion(10.0, 15.0, Loop(0.1, 0.2, 3.0), loop(4.0), None, "ccw")
    seg = DEFAULTS.segment
    assert resolve_directions([both, flat_only], seg)(11.0, "cw") == "ccw"  # no calibration
    same = Excursion(0.0, 5.0, loop(3.0), loop(3.0), "ccw", "ccw")
    assert resolve_directions([same, flat_only], seg)(11.0, "cw") == "ccw"
    assert resolve_directions([flat_only], seg)(11.0, "x") == "ccw"  # square-on: same sign
    assert resolve_directions([flat_only], seg, turned_to_feet=True)(11.0, "x") == "cw"
    # turned toward the feet the 2-D cue leads, even against a (wrong) depth loop
    disagree = Excursion(30.0, 35.0, loop(3.0), loop(3.0), "ccw", "ccw")
    assert resolve_directions([disagree], seg, turned_to_feet=True)(31.0, "x") == "cw"
    assert resolve_directions([disagree], seg)(31.0, "x") == "ccw"
    assert resolve_directions([both, flat_only], seg)(2.0, "cw") == "cw"  # depth read: kept
    neither = Excursion(20.0, 22.0, Loop(0.3, 0.1, 3.0), Loop(0.3, 0.0, 3.0), None, None)
    assert resolve_directions([both, neither], seg)(21.0, "ccw") is None  # not measurable


def test_a_single_circle_is_counted_from_the_abduction_even_without_a_loop() -> None:
    """Top, dip below the circle, back up, lowered: a circle even when neither cue loops
    (the direction then stays unknown)."""
    t, _, y = one_circle(1, 10.0, 0.0)
    noise = np.random.default_rng(1).normal(0, 0.5, (2, t.size))
    counter = feed2(t, noise[0], y, noise[1])
    assert len(counter.reps) == 1
    (excursion,) = counter.excursions
    assert excursion.direction is None and excursion.flat_direction is None


@pytest.mark.parametrize("n", [2, 3, 5])
def test_several_circles_are_counted_from_the_abduction_even_without_a_loop(n: int) -> None:
    """A lift whose abduction tops and dips n times, twice a circle's radius deep, is n
    circles even when neither cue loops (the camera at the sign change of the 2-D cue and
    the depth flat: validation body B27 at 10 deg read 3 such circles as one raise)."""
    t, _, y = lifted_circles(n, 1, 1.5, 10.0, seed=n)
    still = np.zeros_like(t)  # neither cue moves: no loop, no direction
    counter = feed2(t, still, y, still)
    assert len(counter.reps) == n
    (excursion,) = counter.excursions
    assert excursion.direction is None and excursion.flat_direction is None


def test_a_raise_held_with_a_shallow_wobble_is_not_circles() -> None:
    """Held up with dips shallower than a circle's diameter and no loop: not circles."""
    t = np.arange(0.0, 8.0, 0.1)
    env = np.interp(t, [1.0, 1.6, 6.4, 7.0], [0, 1, 1, 0])
    y = -4.0 + env * (24.0 + 2.0 * np.sin(2 * np.pi * t / 1.5))
    noise = np.random.default_rng(3).normal(0, 0.3, (2, t.size))
    counter = feed2(t, noise[0], y, noise[1])
    assert counter.reps == () and counter.excursions == []


@pytest.mark.parametrize("direction", [1, -1])
def test_big_circles_dipping_below_the_lift_release_stay_one_lift(direction: int) -> None:
    """Circles of 15 deg about 20 deg reach down to 5 deg, below the lift's release (5):
    the leg never rests, so the lift goes on and every turn is a circle, not a raise."""
    fps, n, period = 10.0, 4, 1.5
    t = np.arange(0.0, 2.0 + 1.2 + n * period + 1.0, 1 / fps)
    env = np.interp(t, [1.0, 1.6, 1.6 + n * period, 2.2 + n * period], [0, 1, 1, 0])
    u = np.clip((t - 1.6) / (n * period), 0, 1)
    phase = direction * 2 * np.pi * n * u
    y = -2.0 + env * 22.0 + 16.0 * np.sin(phase) * (env >= 1.0)
    x = 12.0 * np.cos(phase) * (env >= 1.0)
    rng = np.random.default_rng(0)
    counter = feed(t, x + rng.normal(0, 0.4, t.size), y + rng.normal(0, 0.4, t.size))
    counter.finish()
    assert len(counter.reps) == n
    assert {r.direction for r in counter.reps} == {"ccw" if direction > 0 else "cw"}


def test_raises_that_rest_between_are_never_merged_into_one_lift() -> None:
    t = np.arange(0.0, 8.0, 0.1)
    y = -2.0 + 30.0 * np.clip(np.sin(np.pi * t / 1.0), 0, None) ** 2  # down to rest each time
    counter = feed(t, np.zeros_like(t), y)
    counter.finish()
    assert counter.reps == ()
    assert counter.excursions == []


def test_slightly_turned_with_a_weak_depth_loop_gives_no_direction() -> None:
    """Read as square-on but turned a little toward the feet (development body B19, 20 deg):
    the depth loop swept one turn of three, the 2-D loop three; its sign is no longer
    certain there, so the direction is withheld. A depth loop of half the turns is kept."""
    from hipcoach.analysis.events import resolve_directions
    from hipcoach.config import DEFAULTS
    from hipcoach.reps.excursion_circles import Excursion, Loop

    seg = DEFAULTS.segment
    share = seg.min_depth_sweep_share
    weak = Excursion(0.0, 5.0, Loop(0.7, 1.0, 8.0), Loop(3.0, 3.0, 8.0), "ccw", "ccw")
    assert resolve_directions([weak], seg)(1.0, "x") == "ccw"  # square-on: depth leads
    assert resolve_directions([weak], seg, slightly_turned=True)(1.0, "x") is None
    assert resolve_directions([weak], seg, True, slightly_turned=True)(1.0, "x") == "cw"
    kept = Excursion(0.0, 5.0, Loop(0.7, 3.0 * share + 0.01, 8.0), Loop(3.0, 3.0, 8.0),
                     "ccw", "ccw")  # fmt: skip
    assert resolve_directions([kept], seg, slightly_turned=True)(1.0, "x") == "ccw"
    edge = Excursion(0.0, 5.0, Loop(0.7, 3.0 * share - 0.01, 8.0), Loop(3.0, 3.0, 8.0),
                     "ccw", "ccw")  # fmt: skip
    assert resolve_directions([edge], seg, slightly_turned=True)(1.0, "x") is None


def test_circles_of_unknown_direction_that_turned_opposite_ways_are_two_sets() -> None:
    from hipcoach.analysis.events import Event
    from hipcoach.analysis.sets import group_events

    def circle(start: float, sign: float) -> Event:
        return Event("circle", start, start + 1.0, 30.0, (("turn_sign", sign),))

    one_way = [circle(0.0, 1.0), circle(1.2, 1.0), circle(2.4, 1.0)]
    other_way = [circle(3.6, -1.0), circle(4.8, -1.0)]
    groups = group_events(one_way + other_way, set_gap_s=5.0)
    assert [len(g) for g in groups] == [3, 2]
    unclear = [circle(3.6, 0.0), circle(4.8, 0.0)]
    assert [len(g) for g in group_events(one_way + unclear, set_gap_s=5.0)] == [5]
    known = [Event("circle_cw", 3.6, 4.6, 30.0, (("turn_sign", -1.0),))]
    assert [len(g) for g in group_events(one_way + known, set_gap_s=5.0)] == [3, 1]


def test_a_tilted_body_axis_marks_a_camera_turned_toward_the_feet() -> None:
    """Development body B19 (20 deg): the feet ratio read 1.14 (square-on range), but the
    world landmarks' shoulder-to-ankle axis tilts -7 deg, so the 2-D loop is read with the
    turned sign and both circle sets get their true directions (cw, then ccw). Without the
    tilt rule the camera reads square-on and the toes' loop gives the same directions (the
    depth loop alone left both withheld before the toe cue)."""
    from pathlib import Path

    from hipcoach.analysis.analyze import analyze_sequence
    from hipcoach.config import DEFAULTS
    from hipcoach.sequence.io import load

    seq = load(Path(__file__).resolve().parents[1] / "data" / "corpus" / "B19_L_diagonal20.npz")
    result, blocks = analyze_sequence(seq)
    assert blocks[0].view.axis_tilt_deg <= DEFAULTS.view.turned_axis_tilt_deg
    circles = [s for s in result.sets if s.exercise.startswith("leg_circle")]
    assert [s.direction for s in circles] == ["cw", "ccw"]
    off = DEFAULTS.model_copy(
        update={"view": DEFAULTS.view.model_copy(update={"turned_axis_tilt_deg": -90.0})}
    )
    result, blocks = analyze_sequence(seq, settings=off)
    assert blocks[0].view.axis_tilt_deg > off.view.turned_axis_tilt_deg
    circles = [s for s in result.sets if s.exercise.startswith("leg_circle")]
    assert [s.direction for s in circles] == ["cw", "ccw"]


def test_the_toes_loop_leads_unless_the_camera_is_turned_toward_the_feet() -> None:
    """Read as square-on (or slightly turned), the toes' loop names the direction, over a
    depth loop turning the other way (validation bodies B20 and B29 at 10 deg: depth and
    2-D loops wrong, toes right); turned toward the feet, the 2-D cue leads as before."""
    from hipcoach.analysis.events import resolve_directions
    from hipcoach.config import DEFAULTS
    from hipcoach.reps.excursion_circles import Excursion, Loop

    seg = DEFAULTS.segment
    wrong_depth = Loop(2.0, -2.0, 8.0)
    toes = Loop(2.0, 3.0, 0.5)
    e = Excursion(0.0, 5.0, wrong_depth, Loop(2.0, -3.0, 8.0), "cw", "cw", toes, "ccw")
    assert resolve_directions([e], seg)(1.0, "cw") == "ccw"
    assert resolve_directions([e], seg, slightly_turned=True)(1.0, "cw") == "ccw"
    assert resolve_directions([e], seg, turned_to_feet=True)(1.0, "cw") == "ccw"  # 2-D cue
    silent = Excursion(0.0, 5.0, wrong_depth, Loop(2.0, 3.0, 8.0), "cw", "ccw")
    assert resolve_directions([silent], seg)(1.0, "cw") == "cw"  # no toe loop: depth


@pytest.mark.parametrize("direction", [1, -1])
def test_the_third_cue_loop_is_recorded_with_the_excursion(direction: int) -> None:
    t, x, y = lifted_circles(3, direction, 1.5, 10.0, seed=5)
    still = np.zeros_like(t)
    counter = ExcursionCircleCounter(CFG)
    for i in range(t.size):
        counter.update(float(t[i]), float(still[i]), float(y[i]), float(still[i]), float(x[i]))
    (excursion,) = counter.excursions
    assert excursion.direction is None
    assert excursion.toe_direction == ("ccw" if direction > 0 else "cw")
    assert len(counter.reps) == 3


def test_toes_turning_toward_the_head_read_positive() -> None:
    """Lying with the head at the picture's left (shoulders left of the hips): toes turned
    toward the head (left) read +, toward the feet -, per leg length."""
    from hipcoach.analysis.signals import _toe_along
    from hipcoach.landmarks import Landmark as L  # noqa: N817

    xy = np.full((2, 33, 2), np.nan)
    for frame, toe_dx in enumerate((-20.0, 20.0)):
        xy[frame, L.LEFT_SHOULDER] = xy[frame, L.RIGHT_SHOULDER] = (100.0, 200.0)
        xy[frame, L.LEFT_HIP] = xy[frame, L.RIGHT_HIP] = (300.0, 200.0)
        xy[frame, L.RIGHT_ANKLE] = (700.0, 200.0)
        xy[frame, L.RIGHT_HEEL] = (710.0, 200.0)
        xy[frame, L.RIGHT_FOOT_INDEX] = (710.0 + toe_dx, 180.0)
    got = _toe_along(xy, "right")
    assert got[0] == pytest.approx(20.0 / 400.0) and got[1] == pytest.approx(-20.0 / 400.0)
