"""Rep counters on synthetic signals whose true reps are known analytically.

Signals are raised-cosine excursions (times in s, values in degrees) sampled at irregular
timestamps; the expected reps, crossing times and rejections are computed from the
continuous signal, never from the counters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from hipcoach.reps import (
    HysteresisConfig,
    HysteresisCounter,
    count_reps,
)

HYST = HysteresisConfig(high=25.0, low=10.0, min_rep_s=0.5, max_rep_s=5.0, max_gap_s=0.5)
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


def feed(counter: HysteresisCounter, t: Arr, x: Arr) -> list[Any]:
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
    assume(len(base.reps) > 0)  # some draws reject every bump (too long, too gappy)
    assert len(scaled.reps) == len(base.reps)
    assert [r.reason for r in scaled.rejected] == [r.reason for r in base.rejected]
    for a, b in zip(base.reps, scaled.reps, strict=True):
        assert b.peak_value == a.peak_value
        got = [b.start_s, b.peak_s, b.end_s, b.duration_s]
        assert got == pytest.approx([k * v for v in (a.start_s, a.peak_s, a.end_s, a.duration_s)])
