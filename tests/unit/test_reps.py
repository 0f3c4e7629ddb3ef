"""Rep counters on synthetic signals whose true reps are known analytically.

Signals are raised-cosine excursions (times in s, values in degrees) sampled at irregular
timestamps; the expected reps, crossing times and rejections are computed from the
continuous signal, never from the counters.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from hipcoach.reps import (
    BiphasicConfig,
    BiphasicCounter,
    CircleConfig,
    CircleCounter,
    HysteresisConfig,
    HysteresisCounter,
    count_biphasic,
    count_circles,
    count_reps,
)

HYST = HysteresisConfig(high=25.0, low=10.0, min_rep_s=0.5, max_rep_s=5.0, max_gap_s=0.5)
BIKE = BiphasicConfig(high=45.0, high_release=15.0, low=-5.0, low_release=0.0)
CIRC = CircleConfig(min_radius=4.0, centre_window_s=2.0, min_rep_s=0.4, max_rep_s=8.0)
TURN = 2.0 * math.pi
Arr = NDArray[np.float64]


def sample_times(rng: np.random.Generator, t_end: float, fps: float, jitter: float = 0.3) -> Arr:
    """Strictly increasing times (s) in [0, t_end] with a random interval around 1/fps."""
    n = int(t_end * fps * (1.0 + jitter)) + 3
    dt = rng.uniform(1.0 - jitter, 1.0 + jitter, n) / fps
    t = rng.uniform(0.0, 1.0 / fps) + np.concatenate(([0.0], np.cumsum(dt)))
    return t[t <= t_end]


@dataclass(frozen=True)
class Bump:
    """Raised cosine from 0 up to ``amp`` (deg) and back, over [t0, t0 + dur] (s)."""

    t0: float
    dur: float
    amp: float

    def __call__(self, t: Arr) -> Arr:
        u = (t - self.t0) / self.dur
        inside = (u >= 0.0) & (u <= 1.0)
        return np.where(inside, self.amp * (1.0 - np.cos(TURN * u)) / 2.0, 0.0)

    def crossings(self, level: float) -> tuple[float, float]:
        """Exact times (s) at which the bump rises through and falls through ``level``."""
        u = math.acos(1.0 - 2.0 * level / self.amp) / TURN
        return self.t0 + self.dur * u, self.t0 + self.dur * (1.0 - u)


def bumps_from(
    rng: np.random.Generator, durs: list[float], amp: tuple[float, float] = (35.0, 50.0)
) -> list[Bump]:
    """Bumps of the given durations (s) separated by random rests (s)."""
    out, t0 = [], rng.uniform(0.5, 1.0)
    for dur in durs:
        out.append(Bump(t0, dur, rng.uniform(*amp)))
        t0 += dur + rng.uniform(0.5, 2.0)
    return out


def signal(t: Arr, bumps: list[Bump]) -> Arr:
    return np.asarray(np.sum([b(t) for b in bumps], axis=0), dtype=np.float64)


def expected(
    bumps: list[Bump], cfg: HysteresisConfig
) -> tuple[list[tuple[float, float]], list[str]]:
    """(start, end) of the counted reps and the reasons of the rejected ones, in order."""
    counted, rejected = [], []
    for b in bumps:
        if b.amp <= cfg.high:
            continue
        start, end = b.crossings(cfg.low)
        if end - start < cfg.min_rep_s:
            rejected.append("too short")
        elif end - start > cfg.max_rep_s:
            rejected.append("too long")
        else:
            counted.append((start, end))
    return counted, rejected


def feed(counter: HysteresisCounter | BiphasicCounter, t: Arr, x: Arr) -> list[Any]:
    """Feed one sample at a time, collecting what ``update`` returned."""
    return [r for ti, xi in zip(t, x, strict=True) if (r := counter.update(ti, xi))]


# ------------------------------------------------------------------ hysteresis counter
@pytest.mark.parametrize("seed", range(6))
def test_counts_and_crossing_times_on_irregular_timestamps(seed: int) -> None:
    rng = np.random.default_rng(seed)
    bumps = bumps_from(rng, list(rng.uniform(1.0, 3.0, 6)), amp=(20.0, 50.0))
    t = sample_times(rng, bumps[-1].t0 + bumps[-1].dur + 1.0, fps=rng.uniform(20, 40))
    reps = count_reps(t, signal(t, bumps), HYST)
    truth, _ = expected(bumps, HYST)
    # Crossings are interpolated linearly between samples: on a smooth noise-free signal
    # that is far better than one sample interval (measured: < 0.04 dt).
    tol = 0.1 * float(np.max(np.diff(t)))
    assert len(reps) == len(truth)
    for i, (rep, (start, end)) in enumerate(zip(reps, truth, strict=True)):
        assert rep.index == i + 1 and rep.complete
        assert abs(rep.start_s - start) <= tol and abs(rep.end_s - end) <= tol
        assert rep.start_s < rep.peak_s < rep.end_s
        assert rep.duration_s == pytest.approx(rep.end_s - rep.start_s)


@pytest.mark.parametrize("seed", range(6))
def test_noise_and_short_dropouts_do_not_change_the_count(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    bumps = bumps_from(rng, list(rng.uniform(1.5, 3.0, 8)))
    t = sample_times(rng, bumps[-1].t0 + bumps[-1].dur + 1.0, fps=30.0)
    x = signal(t, bumps) + rng.normal(0.0, 1.0, t.size)
    dt = float(np.max(np.diff(t)))
    for slot in np.array_split(np.arange(t.size), 12):  # one short NaN run per slot
        s = rng.uniform(t[slot[0]], t[slot[-1]] - HYST.max_gap_s)
        x[(t >= s) & (t <= s + rng.uniform(0.05, HYST.max_gap_s - 2 * dt))] = np.nan
    assert np.max(np.diff(t[np.isfinite(x)])) <= HYST.max_gap_s
    counter = HysteresisCounter(HYST)
    feed(counter, t, x)
    truth, _ = expected(bumps, HYST)
    assert len(counter.reps) == len(truth) and not counter.rejected


def test_too_fast_and_too_slow_reps_are_rejected_with_a_reason() -> None:
    rng = np.random.default_rng(7)
    bumps = bumps_from(rng, [2.0, 0.6, 2.5, 9.0, 0.5, 2.0])
    t = sample_times(rng, bumps[-1].t0 + bumps[-1].dur + 1.0, fps=30.0)
    counter = HysteresisCounter(HYST)
    feed(counter, t, signal(t, bumps))
    truth, reasons = expected(bumps, HYST)
    assert {"too short", "too long"} <= set(reasons)
    assert len(counter.reps) == len(truth)
    assert [r.reason for r in counter.rejected] == reasons
    assert all(r.rep.index == 0 and r.rep.complete for r in counter.rejected)


def test_noise_around_a_threshold_counts_once() -> None:
    rng = np.random.default_rng(3)
    t = sample_times(rng, 8.0, fps=30.0)
    wobble = rng.uniform(-0.4, 0.4, t.size) * (HYST.high - HYST.low)
    # rest hovering around low, ramp up, hover around high, ramp down, hover around low
    level = np.interp(t, [0, 2, 2.5, 5, 5.5, 8], [HYST.low, HYST.low, HYST.high] * 2)
    level[(t > 2.5) & (t < 5.0)] = HYST.high
    x = level + wobble
    above = x > HYST.high
    assert np.count_nonzero(~above[:-1] & above[1:]) >= 5  # the noise does cross `high`
    below = x < HYST.low
    assert np.count_nonzero(below[:-1] & ~below[1:]) >= 5  # ... and `low`
    reps = count_reps(t, x, HYST)
    assert len(reps) == 1
    assert 1.5 < reps[0].start_s < 2.5 and 5.0 < reps[0].end_s < 6.5


def test_open_excursion_at_the_end_is_not_a_rep() -> None:
    rng = np.random.default_rng(11)
    bumps = bumps_from(rng, [2.0, 2.0, 2.0])
    last = bumps[-1]
    t = sample_times(rng, last.t0 + 0.6 * last.dur, fps=30.0)  # stops on the way down
    counter = HysteresisCounter(HYST)
    feed(counter, t, signal(t, bumps))
    assert len(counter.reps) == 2 and counter.state == "active"
    open_rep = counter.flush()
    assert open_rep is not None and not open_rep.complete and open_rep.index == 0
    assert abs(open_rep.start_s - last.crossings(HYST.low)[0]) <= np.max(np.diff(t))
    assert counter.state == "rest" and len(counter.reps) == 2 and counter.flush() is None
    assert len(count_reps(t, signal(t, bumps), HYST)) == 2


def test_long_gap_abandons_the_excursion_and_needs_a_new_rest() -> None:
    rng = np.random.default_rng(5)
    bumps = bumps_from(rng, [2.0, 3.0, 2.0, 2.0])
    t = sample_times(rng, bumps[-1].t0 + bumps[-1].dur + 1.0, fps=30.0)
    x = signal(t, bumps)
    b1, b3 = bumps[1], bumps[3]
    x[(t > b1.t0 + 1.2) & (t < b1.t0 + 2.2)] = np.nan  # 1 s without reading, leg up
    x[(t > b3.t0 - 0.8) & (t < b3.t0 + 0.5 * b3.dur)] = np.nan  # back when already up
    counter = HysteresisCounter(HYST)
    feed(counter, t, x)
    assert [r.index for r in counter.reps] == [1, 2]
    assert counter.reps[1].start_s == pytest.approx(bumps[2].crossings(HYST.low)[0], abs=0.1)
    assert [r.reason for r in counter.rejected] == ["gap"]
    assert not counter.rejected[0].rep.complete


@pytest.mark.parametrize("seed", range(4))
def test_streaming_equals_batch(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    bumps = bumps_from(rng, list(rng.uniform(0.4, 6.0, 8)), amp=(15.0, 50.0))
    t = sample_times(rng, bumps[-1].t0 + bumps[-1].dur + 1.0, fps=25.0)
    x = signal(t, bumps) + rng.normal(0.0, 1.0, t.size)
    x[rng.random(t.size) < 0.05] = np.nan
    counter = HysteresisCounter(HYST)
    returned = feed(counter, t, x)
    batch = count_reps(t, x, HYST)
    assert len(batch) > 0 and returned == list(counter.reps) == batch
    counter.reset()
    assert counter.reps == () and feed(counter, t, x) == batch


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        HysteresisConfig(high=10.0, low=10.0)
    with pytest.raises(ValueError):
        HysteresisConfig(high=20.0, low=10.0, min_rep_s=3.0, max_rep_s=2.0)
    counter = HysteresisCounter(HYST)
    counter.update(1.0, 0.0)
    for bad_t in (1.0, 0.5, math.nan):
        with pytest.raises(ValueError):
            counter.update(bad_t, 0.0)
    with pytest.raises(ValueError):
        count_reps([0.0, 1.0], [0.0], HYST)


RESAMPLE = HysteresisConfig(high=25.0, low=10.0, min_rep_s=0.3, max_rep_s=8.0, max_gap_s=0.5)


@hyp_settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    fps=st.lists(st.floats(10.0, 60.0), min_size=2, max_size=2),
    jitter=st.floats(0.0, 0.4),
)
def test_resampling_gives_the_same_reps(seed: int, fps: list[float], jitter: float) -> None:
    rng = np.random.default_rng(seed)
    bumps = bumps_from(rng, list(rng.uniform(1.2, 4.0, rng.integers(2, 6))))
    truth, _ = expected(bumps, RESAMPLE)
    assert len(truth) == len(bumps)
    for rate in fps:
        t = sample_times(rng, bumps[-1].t0 + bumps[-1].dur + 1.0, rate, jitter)
        reps = count_reps(t, signal(t, bumps), RESAMPLE)
        tol = 1.5 * float(np.max(np.diff(t)))
        assert len(reps) == len(truth)
        for rep, (start, end) in zip(reps, truth, strict=True):
            assert abs(rep.start_s - start) <= tol and abs(rep.end_s - end) <= tol


@hyp_settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31), k=st.floats(0.2, 5.0))
def test_scaling_time_scales_rep_times(seed: int, k: float) -> None:
    rng = np.random.default_rng(seed)
    bumps = bumps_from(rng, list(rng.uniform(0.3, 7.0, 6)), amp=(15.0, 50.0))
    t = sample_times(rng, bumps[-1].t0 + bumps[-1].dur + 1.0, fps=30.0)
    x = signal(t, bumps) + rng.normal(0.0, 1.0, t.size)
    x[rng.random(t.size) < 0.1] = np.nan
    scaled_cfg = HysteresisConfig(
        high=HYST.high,
        low=HYST.low,
        min_rep_s=HYST.min_rep_s * k,
        max_rep_s=HYST.max_rep_s * k,
        max_gap_s=HYST.max_gap_s * k,
    )
    base, scaled = HysteresisCounter(HYST), HysteresisCounter(scaled_cfg)
    feed(base, t, x)
    feed(scaled, t * k, x)
    assert len(scaled.reps) == len(base.reps) > 0
    assert [r.reason for r in scaled.rejected] == [r.reason for r in base.rejected]
    for a, b in zip(base.reps, scaled.reps, strict=True):
        assert b.peak_value == a.peak_value
        got = [b.start_s, b.peak_s, b.end_s, b.duration_s]
        assert got == pytest.approx([k * v for v in (a.start_s, a.peak_s, a.end_s, a.duration_s)])


# ------------------------------------------------------------------ biphasic counter
REST_FLEX = 5.0  # resting hip flexion (deg) between bicycle reps


@dataclass(frozen=True)
class Bike:
    """Flexion bump of ``flex`` deg over ``flex_s``, then extension dip of ``ext`` deg."""

    t0: float
    flex_s: float
    flex: float
    ext_s: float
    ext: float

    def parts(self) -> tuple[Bump, Bump]:
        return Bump(self.t0, self.flex_s, self.flex), Bump(
            self.t0 + self.flex_s, self.ext_s, self.ext
        )

    def start(self, cfg: BiphasicConfig) -> float:
        return self.parts()[0].crossings(cfg.high_release - REST_FLEX)[0]

    def end(self, cfg: BiphasicConfig) -> float:
        return self.parts()[1].crossings(REST_FLEX - cfg.low_release)[1]

    def extends(self, cfg: BiphasicConfig) -> bool:
        return bool(REST_FLEX - self.ext < cfg.low)


def bike_signal(t: Arr, reps: list[Bike]) -> Arr:
    flex, ext = zip(*(r.parts() for r in reps), strict=True)
    return REST_FLEX + signal(t, list(flex)) - signal(t, list(ext))


def bike_session(rng: np.random.Generator, specs: list[tuple[float, float, float]]) -> list[Bike]:
    """Bicycle reps from (flexion s, extension s, extension deg), with random rests."""
    out, t0 = [], 1.0
    for flex_s, ext_s, ext in specs:
        out.append(Bike(t0, flex_s, rng.uniform(50.0, 70.0), ext_s, ext))
        t0 += flex_s + ext_s + rng.uniform(0.3, 1.5)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_bicycle_reps_incomplete_attempts_and_rejections(seed: int) -> None:
    rng = np.random.default_rng(300 + seed)
    specs = [
        (1.0, 1.0, 20.0),
        (1.2, 0.9, 6.0),
        (0.9, 1.1, 18.0),
        (0.25, 0.25, 20.0),
        (1.0, 1.0, 15.0),
    ]
    reps = bike_session(rng, [specs[i] for i in rng.permutation(len(specs))])
    t = sample_times(rng, reps[-1].t0 + reps[-1].flex_s + reps[-1].ext_s + 1.0, fps=30.0)
    counter = BiphasicCounter(BIKE)
    feed(counter, t, bike_signal(t, reps))
    dt = 0.1 * float(np.max(np.diff(t)))  # interpolated crossings (see above)
    full = [r for r in reps if r.extends(BIKE)]
    fast = [r for r in full if r.end(BIKE) - r.start(BIKE) < BIKE.min_rep_s]
    good = [r for r in full if r not in fast]
    partial = [i for i, r in enumerate(reps) if not r.extends(BIKE)]
    assert len(counter.reps) == len(good) == 3
    for got, want in zip(counter.reps, good, strict=True):
        assert abs(got.start_s - want.start(BIKE)) <= dt and abs(got.end_s - want.end(BIKE)) <= dt
        assert got.peak_flexion == pytest.approx(REST_FLEX + want.flex, abs=0.5)
        assert got.peak_extension == pytest.approx(REST_FLEX - want.ext, abs=0.5)
        assert got.start_s < got.peak_flexion_s < got.peak_extension_s < got.end_s
        assert got.complete and not got.incomplete_extension
    assert [r.reason for r in counter.rejected] == ["too short"] * len(fast)
    closed = [i for i in partial if i + 1 < len(reps)]
    assert len(counter.incomplete) == len(closed)
    for got, i in zip(counter.incomplete, closed, strict=True):
        assert got.incomplete_extension and not got.complete
        assert got.peak_extension == pytest.approx(REST_FLEX - reps[i].ext, abs=0.5)
        assert abs(got.end_s - reps[i + 1].start(BIKE)) <= dt
    open_attempt = counter.flush()
    assert (open_attempt is not None) == (len(reps) - 1 in partial)


@pytest.mark.parametrize("seed", range(4))
def test_bicycle_noise_dropouts_and_streaming_equals_batch(seed: int) -> None:
    rng = np.random.default_rng(400 + seed)
    reps = bike_session(rng, [(1.0, 1.0, rng.uniform(15.0, 25.0)) for _ in range(6)])
    t = sample_times(rng, reps[-1].t0 + 3.0, fps=rng.uniform(15.0, 40.0))
    x = bike_signal(t, reps) + rng.normal(0.0, 1.0, t.size)
    x[rng.random(t.size) < 0.05] = np.nan
    counter = BiphasicCounter(BIKE)
    returned = feed(counter, t, x)
    assert len(counter.reps) == 6 and not counter.incomplete and not counter.rejected
    assert returned == list(counter.reps) == count_biphasic(t, x, BIKE)


def test_bicycle_long_gap_is_rejected() -> None:
    rng = np.random.default_rng(9)
    reps = bike_session(rng, [(1.0, 1.0, 20.0)] * 3)
    t = sample_times(rng, reps[-1].t0 + 3.0, fps=30.0)
    x = bike_signal(t, reps)
    x[(t > reps[1].t0 + 0.9) & (t < reps[1].t0 + 1.7)] = np.nan
    counter = BiphasicCounter(BIKE)
    feed(counter, t, x)
    assert len(counter.reps) == 2 and [r.reason for r in counter.rejected] == ["gap"]
    with pytest.raises(ValueError):
        BiphasicConfig(high=45.0, high_release=0.0, low=-5.0, low_release=5.0)


# ------------------------------------------------------------------ circles
def path(
    t: Arr,
    theta: Arr,
    *,
    a: float = 15.0,
    b: float = 8.0,
    tilt: float = 0.4,
    centre: tuple[float, float] = (10.0, 20.0),
    drift: tuple[float, float] = (0.0, 0.0),
    env: Arr | None = None,
) -> tuple[Arr, Arr]:
    """Tilted ellipse with parameter ``theta(t)`` (rad), radius envelope ``env`` (0..1)."""
    env = np.ones_like(t) if env is None else env
    ex, ey = a * np.cos(theta) * env, b * np.sin(theta) * env
    c, s = math.cos(tilt), math.sin(tilt)
    return centre[0] + drift[0] * t + c * ex - s * ey, centre[1] + drift[1] * t + s * ex + c * ey


def circling(
    t: Arr, turns: float, period: float, direction: int, rest: float = 1.0, ramp: float = 0.4
) -> tuple[Arr, Arr, float]:
    """theta(t) and envelope: rest at the centre, ramp out, ``turns`` turns, ramp in, rest."""
    t_on = rest + ramp
    theta = 0.7 + direction * TURN * np.clip(t - t_on, 0.0, turns * period) / period
    env = np.interp(
        t, [rest, t_on, t_on + turns * period, t_on + turns * period + ramp], [0, 1, 1, 0]
    )
    return theta, env, t_on


@pytest.mark.parametrize("rest_below", [0.0, 20.0])
@pytest.mark.parametrize("direction", [1, -1])
@pytest.mark.parametrize("seed", range(3))
def test_circles_count_and_direction_with_drift_and_noise(
    direction: int, seed: int, rest_below: float
) -> None:
    """N.5 turns from and back to a rest at the centre, or ``rest_below`` deg below it
    (the leg is lifted into the circles and lowered after them)."""
    rng = np.random.default_rng(500 + seed)
    turns, period = rng.integers(3, 7) + 0.5, rng.uniform(1.0, CIRC.centre_window_s)
    t = sample_times(rng, 3.0 + turns * period, fps=rng.uniform(20.0, 40.0))
    theta, env, t_on = circling(t, turns, period, direction)
    drift = rng.uniform(-1.5, 1.5, 2)
    x, y = path(t, theta, env=env, drift=(float(drift[0]), float(drift[1])))
    y = y - rest_below * (1.0 - env)
    x, y = x + rng.normal(0.0, 0.3, t.size), y + rng.normal(0.0, 0.3, t.size)
    counter = CircleCounter(CIRC)
    returned = [r for i in range(t.size) if (r := counter.update(t[i], x[i], y[i]))]
    reps = counter.reps
    assert len(reps) == int(turns) and returned == list(reps) == count_circles(t, x, y, CIRC)
    assert {r.direction for r in reps} == {"ccw" if direction > 0 else "cw"}
    # Turns count from the phase of the first usable sample, seen from a centre that is
    # still settling: the first ends 0.5..1.5 periods into the circling, then one per period.
    assert t_on + 0.5 * period < reps[0].end_s < t_on + 1.5 * period
    assert np.allclose([r.duration_s for r in reps[1:]], period, atol=0.1 * period)
    assert all(a.end_s == b.start_s for a, b in itertools.pairwise(reps))
    assert all(6.0 < r.mean_radius < 17.0 for r in reps)


def test_circle_times_with_a_given_centre_are_interpolated() -> None:
    rng = np.random.default_rng(1)
    t = sample_times(rng, 12.0, fps=25.0)
    theta, env, t_on = circling(t, 5.5, 1.5, 1)
    x, y = path(t, theta, env=env)
    reps = count_circles(t, x, y, CIRC, centre=(10.0, 20.0))
    per_sample = count_circles(t, x, y, CIRC, centre=np.tile([10.0, 20.0], (t.size, 1)))
    assert reps == per_sample and len(reps) == 5
    ends = t_on + 1.5 * np.arange(1, 6)
    # the turn is interpolated in accumulated phase between samples (measured: < 0.03 dt)
    assert np.max(np.abs(np.array([r.end_s for r in reps]) - ends)) <= 0.1 * np.max(np.diff(t))


def test_mirroring_x_flips_the_direction() -> None:
    rng = np.random.default_rng(2)
    t = sample_times(rng, 12.0, fps=30.0)
    theta, env, _ = circling(t, 4.5, 1.6, 1)
    x, y = path(t, theta, env=env, drift=(1.0, -1.0))
    x, y = x + rng.normal(0.0, 0.3, t.size), y + rng.normal(0.0, 0.3, t.size)
    reps, mirrored = count_circles(t, x, y, CIRC), count_circles(t, -x, y, CIRC)
    assert len(reps) == len(mirrored) == 4
    assert [r.direction for r in reps] == ["ccw"] * 4 and [r.direction for r in mirrored] == [
        "cw"
    ] * 4
    assert np.allclose([r.end_s for r in reps], [r.end_s for r in mirrored], atol=1e-6)


def test_alternating_directions_do_not_add_up() -> None:
    rng = np.random.default_rng(4)
    t = sample_times(rng, 14.0, fps=30.0)
    _, env, _ = circling(t, 11.0, 1.0, 1)
    swing = 0.7 + 0.45 * TURN * np.sin(TURN * t / 2.0)  # +-0.45 turn, back and forth
    x, y = path(t, swing, env=env)
    travelled = np.sum(np.abs(np.diff(swing))[env[1:] > 0.5]) / TURN
    assert travelled > 8.0  # a counter of |phase| would find several turns
    assert count_circles(t, x, y, CIRC) == []
    # 3.5 turns one way then 3.5 back: each way counts from its own turning point
    half = t.size // 2
    theta = 0.7 + TURN * np.interp(t, [1.4, t[half], 12.6], [0.0, 3.5, 0.0])
    x, y = path(t, theta, env=np.interp(t, [1.0, 1.4, 12.6, 13.0], [0, 1, 1, 0]))
    counter = CircleCounter(CIRC.model_copy(update={"max_rep_s": 20.0}))
    for i in range(t.size):
        counter.update(t[i], x[i], y[i])
    assert [r.direction for r in counter.reps] == ["ccw"] * 3 + ["cw"] * 3


def test_circle_gaps_and_too_fast_turns() -> None:
    rng = np.random.default_rng(6)
    t = sample_times(rng, 14.0, fps=30.0)
    turns = 6.7
    theta, env, t_on = circling(t, turns, 1.5, -1)
    x, y = path(t, theta, env=env)
    short = (t > t_on + 2.0) & (t < t_on + 2.0 + CIRC.max_gap_s - 0.1)
    assert len(count_circles(t, np.where(short, np.nan, x), y, CIRC)) == int(turns)
    # 0.7 s (~half a turn) > max_gap_s: the turn in progress is dropped, not bridged
    gap = (t > t_on + 3.8) & (t < t_on + 4.5)
    before = np.abs(theta[t <= t_on + 3.8][-1] - theta[0]) / TURN
    after = np.abs(theta[-1] - theta[t >= t_on + 4.5][0]) / TURN
    assert min(before % 1, after % 1) > 0.1 and max(before % 1, after % 1) < 0.9
    reps = count_circles(t, np.where(gap, np.nan, x), y, CIRC)
    assert len(reps) == int(before) + int(after) < int(turns)
    assert all(r.end_s <= t_on + 3.8 or r.start_s >= t_on + 4.5 for r in reps)
    fast = CircleConfig(min_radius=4.0, min_rep_s=2.0)
    counter = CircleCounter(fast)
    for i in range(t.size):
        counter.update(t[i], x[i], y[i])
    assert counter.reps == () and [r.reason for r in counter.rejected] == ["too short"] * int(turns)
