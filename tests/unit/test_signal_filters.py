"""Gap filling, One-Euro and Butterworth filters, and smoothing of a PoseSequence."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from hipcoach.config import DEFAULTS, SignalSettings
from hipcoach.landmarks import N_LANDMARKS
from hipcoach.sequence import PoseSequence
from hipcoach.signal import (
    OneEuroFilter,
    SmoothingMethod,
    butterworth,
    fill_short_gaps,
    finite_runs,
    one_euro,
    smooth_sequence,
    true_runs,
)

SIG = DEFAULTS.signal


def irregular_times(rng: np.random.Generator, n: int, mean_dt: float, jitter: float) -> np.ndarray:
    """Strictly increasing timestamps with a variable frame interval (s)."""
    dt = mean_dt * rng.uniform(1.0 - jitter, 1.0 + jitter, n)
    return np.concatenate(([0.0], np.cumsum(dt[1:]))) + rng.uniform(0.0, 5.0)


def amplitude(t: np.ndarray, x: np.ndarray, freq_hz: float) -> float:
    """Least-squares amplitude of the ``freq_hz`` sinusoid in ``x`` (with an offset)."""
    w = 2.0 * math.pi * freq_hz * t
    design = np.column_stack([np.sin(w), np.cos(w), np.ones_like(t)])
    coef, *_ = np.linalg.lstsq(design, x, rcond=None)
    return float(math.hypot(coef[0], coef[1]))


# ---------------------------------------------------------------- runs and gaps
@given(st.lists(st.booleans(), max_size=60))
def test_true_runs_are_the_maximal_true_stretches(mask: list[bool]) -> None:
    runs = true_runs(np.array(mask, dtype=bool))
    rebuilt = np.zeros(len(mask), dtype=bool)
    for start, stop in runs:
        assert start < stop
        assert not rebuilt[start:stop].any()
        rebuilt[start:stop] = True
        assert start == 0 or not mask[start - 1]
        assert stop == len(mask) or not mask[stop]
    assert rebuilt.tolist() == mask


def test_finite_runs_need_every_entry_of_a_row() -> None:
    x = np.ones((7, 2))
    x[2, 1] = np.nan
    x[5, 0] = np.inf
    assert finite_runs(x) == [(0, 2), (3, 5), (6, 7)]
    assert finite_runs(x[:, 0]) == [(0, 5), (6, 7)]


def expected_fill(t: np.ndarray, x: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Straightforward loop version of short-gap filling for a 1-D signal."""
    out = x.copy()
    valid = [i for i in range(len(x)) if np.isfinite(x[i])]
    for i in range(len(x)):
        if np.isfinite(x[i]):
            continue
        before = [j for j in valid if j < i]
        after = [j for j in valid if j > i]
        if before and after and t[after[0]] - t[before[-1]] <= max_gap_s + 1e-9:
            p, q = before[-1], after[0]
            out[i] = x[p] + (x[q] - x[p]) * (t[i] - t[p]) / (t[q] - t[p])
    return out


@hyp_settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 80),
    missing=st.floats(0.0, 0.8),
    max_gap_s=st.floats(0.0, 0.3),
)
def test_fill_short_gaps_matches_loop_and_recovers_a_line(
    seed: int, n: int, missing: float, max_gap_s: float
) -> None:
    rng = np.random.default_rng(seed)
    t = irregular_times(rng, n, 1 / 30, 0.6)
    line = 2.0 - 3.0 * t
    x = line.copy()
    x[rng.random(n) < missing] = np.nan
    got = fill_short_gaps(t, x, max_gap_s)
    want = expected_fill(t, x, max_gap_s)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    filled = np.isfinite(got)
    np.testing.assert_allclose(got[filled], line[filled], rtol=0, atol=1e-9)
    assert np.isnan(x[0]) <= np.isnan(got[0])  # nothing extrapolated at the ends
    assert np.isnan(x[-1]) <= np.isnan(got[-1])


def test_fill_short_gaps_uses_gap_duration_not_sample_count() -> None:
    #            0    1     2     3     4     5     6     7     8     9
    t = np.array([0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8])
    x = np.array([0.0, 1.0, np.nan, np.nan, np.nan, 5.0, 6.0, np.nan, np.nan, 9.0])
    got = fill_short_gaps(t, x, max_gap_s=0.2)
    # 3 missing samples but only 0.2 s from index 1 to 5: filled linearly in time.
    np.testing.assert_allclose(got[2:5], 1.0 + 4.0 * (t[2:5] - 0.1) / 0.2)
    # 2 missing samples spanning 0.3 s from index 6 to 9: left missing.
    assert np.isnan(got[7:9]).all()
    assert np.isnan(x[2])  # input untouched


def test_fill_short_gaps_works_per_column_and_never_extrapolates() -> None:
    t = np.arange(8) / 10.0
    x = np.tile(np.arange(8.0)[:, None, None], (1, 2, 3))
    x[3, 0, 1] = np.nan
    x[0, 1, 2] = np.nan
    x[7, 1, 0] = np.nan
    x[2:6, 0, 0] = np.nan
    got = fill_short_gaps(t, x, max_gap_s=0.25)
    assert got[3, 0, 1] == pytest.approx(3.0)
    assert np.isnan(got[0, 1, 2]) and np.isnan(got[7, 1, 0])
    assert np.isnan(got[2:6, 0, 0]).all()
    assert np.isfinite(np.delete(got.reshape(8, -1), [0, 3, 5], axis=1)).all()


# ---------------------------------------------------------------- One-Euro
def reference_one_euro(t: np.ndarray, x: np.ndarray, s: SignalSettings) -> np.ndarray:
    """Casiez et al. 2012, written out for a gap-free scalar signal."""

    def alpha(cutoff: float, dt: float) -> float:
        tau = 1.0 / (2.0 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    out = [float(x[0])]
    x_hat, dx_hat = float(x[0]), 0.0
    for i in range(1, len(t)):
        dt = float(t[i] - t[i - 1])
        a_d = alpha(s.one_euro_d_cutoff_hz, dt)
        dx_hat = a_d * (x[i] - x_hat) / dt + (1.0 - a_d) * dx_hat
        a = alpha(s.one_euro_min_cutoff_hz + s.one_euro_beta * abs(dx_hat), dt)
        x_hat = a * x[i] + (1.0 - a) * x_hat
        out.append(x_hat)
    return np.array(out)


@pytest.mark.parametrize("beta", [0.0, 0.05, 2.0])
def test_one_euro_matches_the_paper_on_irregular_times(beta: float) -> None:
    rng = np.random.default_rng(1)
    t = irregular_times(rng, 300, 1 / 30, 0.7)
    x = np.sin(2 * math.pi * 0.8 * t) + rng.normal(0.0, 0.05, t.size)
    s = SignalSettings(one_euro_beta=beta)
    np.testing.assert_allclose(one_euro(t, x, s), reference_one_euro(t, x, s), rtol=1e-12)


def test_one_euro_streaming_equals_batch_with_gaps() -> None:
    rng = np.random.default_rng(2)
    t = irregular_times(rng, 400, 1 / 30, 0.5)
    x = np.column_stack([np.sin(2 * math.pi * f * t) for f in (0.5, 1.0, 2.0)])
    x += rng.normal(0.0, 0.03, x.shape)
    x[50:53, 0] = np.nan  # short gap in one column
    x[100:140, :] = np.nan  # long gap everywhere
    x[200:202, 2] = np.nan
    x[300, 1] = np.inf
    batch = one_euro(t, x, SIG)
    for col in range(x.shape[1]):
        flt = OneEuroFilter.from_settings(SIG)
        stream = np.array([flt.update(ti, xi) for ti, xi in zip(t, x[:, col], strict=True)])
        np.testing.assert_array_equal(stream, batch[:, col])
    np.testing.assert_array_equal(np.isnan(batch), ~np.isfinite(x))


def test_one_euro_keeps_state_over_short_gaps_and_resets_after_long_ones() -> None:
    t = np.arange(60) / 30.0
    x = np.where(t < 1.0, 0.0, 1.0)
    short = x.copy()
    short[29:32] = np.nan  # 0.13 s from the last valid sample to the next
    long_ = x.copy()
    long_[25:35] = np.nan  # 0.37 s
    out_short = one_euro(t, short, SIG)
    out_long = one_euro(t, long_, SIG)
    assert np.isnan(out_short[29:32]).all() and np.isnan(out_long[25:35]).all()
    assert 0.0 < out_short[32] < 1.0  # still smoothing toward the new level
    assert out_long[35] == 1.0  # fresh start: output equals input


def test_one_euro_reduces_noise_and_keeps_constants() -> None:
    rng = np.random.default_rng(3)
    t = irregular_times(rng, 600, 1 / 30, 0.5)
    truth = np.sin(2 * math.pi * 0.05 * t)
    noisy = truth + rng.normal(0.0, 0.1, t.size)
    out = one_euro(t, noisy, SIG)
    err_raw = np.sqrt(np.mean((noisy - truth)[30:] ** 2))
    err_out = np.sqrt(np.mean((out - truth)[30:] ** 2))
    assert err_out < 0.6 * err_raw
    np.testing.assert_array_equal(one_euro(t, np.full(t.size, 4.2), SIG), 4.2)


def test_one_euro_beta_reduces_lag_on_fast_motion() -> None:
    t = np.arange(90) / 30.0
    ramp = 2.0 * t  # 2 units/s
    lag = {}
    for beta in (0.0, 1.0):
        out = one_euro(t, ramp, SignalSettings(one_euro_beta=beta))
        lag[beta] = float(np.mean((ramp - out)[45:]))
    assert lag[0.0] > 0.0
    assert 0.0 < lag[1.0] < 0.7 * lag[0.0]


def test_one_euro_streaming_checks_its_input() -> None:
    flt = OneEuroFilter.from_settings(SIG)
    assert isinstance(flt.update(0.0, 1.0), float)
    with pytest.raises(ValueError, match="increase"):
        flt.update(0.0, 1.0)
    with pytest.raises(ValueError, match="shape"):
        flt.update(0.1, np.zeros(3))
    flt.reset()
    np.testing.assert_array_equal(flt.update(0.0, np.arange(3.0)), np.arange(3.0))
    with pytest.raises(ValueError):
        OneEuroFilter(min_cutoff_hz=0.0, beta=0.0, d_cutoff_hz=1.0, max_gap_s=0.1)


# ---------------------------------------------------------------- Butterworth
def test_butterworth_passes_1hz_and_attenuates_20hz_on_irregular_times() -> None:
    rng = np.random.default_rng(4)
    t = irregular_times(rng, 1200, 1 / 120, 0.4)
    x = np.sin(2 * math.pi * 1.0 * t) + 0.5 * np.sin(2 * math.pi * 20.0 * t + 0.3)
    out = butterworth(t, x, SIG)
    inner = slice(120, -120)
    assert amplitude(t[inner], out[inner], 1.0) == pytest.approx(1.0, abs=0.02)
    assert amplitude(t[inner], x[inner], 20.0) == pytest.approx(0.5, abs=0.01)
    assert amplitude(t[inner], out[inner], 20.0) < 0.05 * 0.5


def test_butterworth_fills_short_gaps_and_keeps_long_ones_missing() -> None:
    rng = np.random.default_rng(5)
    t = irregular_times(rng, 300, 1 / 30, 0.3)
    truth = np.sin(2 * math.pi * 0.5 * t)
    x = np.column_stack([truth, -truth])
    x[100:103, 0] = np.nan  # about 0.13 s: filled
    x[200:230, :] = np.nan  # about 1 s: stays missing
    out = butterworth(t, x, SIG)
    assert np.isfinite(out[100:103, 0]).all()
    np.testing.assert_allclose(out[100:103, 0], truth[100:103], atol=0.02)
    assert np.isnan(out[200:230]).all()
    assert np.isfinite(np.delete(out, np.arange(200, 230), axis=0)).all()
    np.testing.assert_allclose(
        out[:, 1][np.isfinite(x[:, 0])], -out[:, 0][np.isfinite(x[:, 0])], atol=0.02
    )


def test_butterworth_leaves_too_short_runs_unfiltered() -> None:
    rng = np.random.default_rng(6)
    t = np.arange(40) / 30.0
    x = rng.normal(size=40)
    x[5:20] = np.nan  # leaves a 5-sample run at the start
    out = butterworth(t, x, SIG)
    np.testing.assert_array_equal(out[:5], x[:5])
    assert not np.allclose(out[20:], x[20:])


@hyp_settings(max_examples=25, deadline=None)
@given(
    freq_hz=st.floats(0.2, 3.0),
    phase=st.floats(0.0, 2 * math.pi),
    offset_s=st.floats(0.0, 10.0),
)
def test_butterworth_output_does_not_depend_on_the_frame_rate(
    freq_hz: float, phase: float, offset_s: float
) -> None:
    def signal(t: np.ndarray) -> np.ndarray:
        return np.sin(2 * math.pi * freq_hz * t + phase) + 0.4 * np.cos(2 * math.pi * 0.7 * t)

    t30 = offset_s + np.arange(300) / 30.0
    t60 = offset_s + np.arange(599) / 60.0
    out30 = butterworth(t30, signal(t30), SIG)
    out60 = butterworth(t60, signal(t60), SIG)
    inner = slice(30, -30)
    np.testing.assert_allclose(out30[inner], out60[::2][inner], atol=0.02)


def test_butterworth_regular_and_jittered_timestamps_agree() -> None:
    rng = np.random.default_rng(7)
    t_reg = np.arange(600) / 60.0
    t_jit = irregular_times(rng, 600, 1 / 60, 0.5)
    t_jit -= t_jit[0]
    f = lambda t: np.sin(2 * math.pi * 1.3 * t) + 0.3 * np.sin(2 * math.pi * 12.0 * t)  # noqa: E731
    out_jit = butterworth(t_jit, f(t_jit), SIG)
    truth = np.sin(2 * math.pi * 1.3 * t_jit)
    np.testing.assert_allclose(out_jit[60:-60], truth[60:-60], atol=0.03)
    out_reg = butterworth(t_reg, f(t_reg), SIG)
    np.testing.assert_allclose(
        out_reg[60:-60], np.sin(2 * math.pi * 1.3 * t_reg)[60:-60], atol=0.03
    )


# ---------------------------------------------------------------- PoseSequence
def noisy_sequence(n: int = 150) -> tuple[PoseSequence, np.ndarray]:
    rng = np.random.default_rng(8)
    t = irregular_times(rng, n, 1 / 30, 0.3)
    base = rng.uniform(100.0, 500.0, (N_LANDMARKS, 2))
    truth_xy = base[None] + 5.0 * np.sin(2 * math.pi * 0.2 * t)[:, None, None]
    xy = truth_xy + rng.normal(0.0, 2.0, truth_xy.shape)
    world = xy[..., :1].repeat(3, axis=-1) / 1000.0
    vis = np.full((n, N_LANDMARKS), 0.9)
    vis[40:45, 25] = 0.1  # left knee hard to see for a moment
    vis[60, 26] = np.nan
    detected = np.ones(n, dtype=bool)
    detected[90:93] = False
    xy[~detected] = np.nan
    world[~detected] = np.nan
    seq = PoseSequence(
        times_s=t,
        image_xy=xy,
        image_z=xy[..., 0] / 10.0,
        visibility=vis,
        presence=vis,
        world=world,
        detected=detected,
        width=640,
        height=480,
    )
    return seq, truth_xy


@pytest.mark.parametrize("method", ["one_euro", "butterworth"])
def test_smooth_sequence_masks_smooths_and_keeps_metadata(method: SmoothingMethod) -> None:
    seq, truth = noisy_sequence()
    out = smooth_sequence(seq, method, SIG)
    assert isinstance(out, PoseSequence) and out is not seq
    np.testing.assert_array_equal(out.times_s, seq.times_s)
    np.testing.assert_array_equal(out.visibility, seq.visibility)
    np.testing.assert_array_equal(out.detected, seq.detected)
    assert np.isnan(out.image_xy[40:45, 25]).all() and np.isnan(out.world[40:45, 25]).all()
    assert np.isnan(out.image_z[60, 26])
    assert np.isnan(out.image_xy[90:93]).all() and np.isnan(out.world[90:93]).all()
    assert np.isfinite(out.image_xy[:40]).all()
    assert np.isfinite(seq.image_xy[40, 25]).all()  # the input is not modified
    ok = np.isfinite(out.image_xy) & np.isfinite(seq.image_xy)
    ok[:15] = False  # filter start-up
    err_raw = np.sqrt(np.mean((seq.image_xy - truth)[ok] ** 2))
    err_out = np.sqrt(np.mean((out.image_xy - truth)[ok] ** 2))
    assert err_out < 0.8 * err_raw
    assert not np.allclose(out.world[:40], seq.world[:40])
    assert not np.allclose(out.image_z[:40], seq.image_z[:40])


def test_smooth_sequence_one_euro_equals_streaming_on_visible_landmarks() -> None:
    seq, _ = noisy_sequence(100)
    out = smooth_sequence(seq, "one_euro", SIG)
    flt = OneEuroFilter.from_settings(SIG)
    stream = np.array(
        [flt.update(t, xy[23, 0]) for t, xy in zip(seq.times_s, seq.image_xy, strict=True)]
    )
    np.testing.assert_allclose(out.image_xy[:, 23, 0], stream, rtol=1e-6)


def test_despike_removes_single_sample_flips_and_keeps_edges_and_gaps() -> None:
    from hipcoach.signal.filters import despike

    x = np.array([0.0, 0.0, 60.0, 65.0, -60.0, 66.0, 64.0, 0.0, np.nan, 0.0, 0.0])
    out = despike(x)
    assert out[4] == 65.0  # the one-frame flip is gone
    assert out[2] == 60.0 and out[7] == 0.0  # the step up and down stay where they were
    np.testing.assert_array_equal(despike(np.arange(9.0)), np.arange(9.0))
    assert np.isnan(out[8])  # a missing sample is never invented
    assert not np.isnan(out[9])
    with pytest.raises(ValueError):
        despike(x, 4)


def test_despike_of_three_is_the_median_of_three() -> None:
    """The width-3 shortcut (the middle one of three) gives ``np.median``'s values exactly."""
    from hipcoach.signal.filters import despike

    rng = np.random.default_rng(3)
    x = rng.normal(size=400)
    x[rng.random(400) < 0.1] = np.nan
    x[rng.random(400) < 0.1] = 1.0  # ties
    padded = np.pad(x, 1, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 3)
    whole = np.all(np.isfinite(windows), axis=1)
    expected = x.copy()
    expected[whole] = np.median(windows[whole], axis=1)
    np.testing.assert_array_equal(despike(x), expected)


def test_growing_smoother_equals_smooth_sequence_bit_for_bit() -> None:
    """Fed a sequence that grows (by one frame, then by several), the growing smoother gives
    exactly ``smooth_sequence``'s values; a sequence with other first frames starts afresh."""
    from hipcoach.signal.filters import GrowingSmoother

    seq, _ = noisy_sequence(120)
    smoother = GrowingSmoother(SIG)
    for n in [*range(1, 30), 45, 45, 46, 80, 120, 120]:  # twice: no new frame
        part = seq.select(np.arange(n))
        out, ref = smoother.smooth(part), smooth_sequence(part, "one_euro", SIG)
        for name in ("image_xy", "image_z", "world"):
            np.testing.assert_array_equal(getattr(out, name), getattr(ref, name))
    later = seq.select(np.arange(10, 60))
    np.testing.assert_array_equal(
        smoother.smooth(later).image_xy, smooth_sequence(later, "one_euro", SIG).image_xy
    )
