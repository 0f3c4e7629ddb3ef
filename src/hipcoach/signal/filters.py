"""Smoothing of landmark trajectories sampled at a possibly variable frame rate.

- :class:`OneEuroFilter` / :func:`one_euro`: the causal One-Euro filter (Casiez, Roussel &
  Vogel, CHI 2012), with the time step of every sample taken from its timestamp. The
  streaming class is what the live mode uses; the batch function replays it exactly.
- :func:`butterworth`: zero-phase (forward-backward) Butterworth low-pass for offline use.
- :func:`smooth_sequence`: either filter applied to every landmark coordinate of a
  :class:`~hipcoach.sequence.PoseSequence`.

Units: times in seconds, frequencies in Hz. Filtered values keep the unit of the input.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Literal, overload

import numpy as np
from numpy.typing import ArrayLike
from scipy.signal import butter, sosfiltfilt

from hipcoach.config import DEFAULTS, SignalSettings
from hipcoach.landmarks import N_LANDMARKS
from hipcoach.sequence import PoseSequence
from hipcoach.signal.gaps import (
    FloatArray,
    as_times,
    as_values,
    fill_short_gaps,
    true_runs,
)

SmoothingMethod = Literal["one_euro", "butterworth"]


def _alpha(cutoff_hz: FloatArray | float, dt_s: FloatArray | float) -> FloatArray:
    """Smoothing factor of a first-order low-pass with cutoff ``cutoff_hz`` over ``dt_s``."""
    r = 2.0 * math.pi * np.asarray(cutoff_hz, np.float64) * dt_s
    return np.asarray(r / (r + 1.0), np.float64)


class OneEuroFilter:
    """Streaming One-Euro filter with a per-sample time step (variable frame rate).

    Each sample ``x`` may be a scalar or an array (every entry is an independent channel
    with its own state). For a channel with state, ``dt`` is the time since its last
    finite sample and (Casiez et al. 2012)::

        dx_hat = a(d_cutoff_hz, dt) * (x - x_hat_prev) / dt + (1 - a(d_cutoff_hz, dt)) * dx_hat_prev
        cutoff = min_cutoff_hz + beta * |dx_hat|
        x_hat  = a(cutoff, dt) * x + (1 - a(cutoff, dt)) * x_hat_prev

    with ``a(fc, dt) = r / (r + 1)``, ``r = 2*pi*fc*dt``. ``beta`` is in Hz per (unit of x
    per second).

    Missing samples: a non-finite input gives NaN for that channel (never a stale
    value). The channel keeps its state across a gap of at most ``max_gap_s`` (time since
    its last finite sample); once the gap exceeds ``max_gap_s`` the state is dropped and
    the next finite sample starts afresh (output = input). ``max_gap_s`` should therefore
    exceed the frame interval, or every sample restarts the filter.
    """

    def __init__(
        self, *, min_cutoff_hz: float, beta: float, d_cutoff_hz: float, max_gap_s: float
    ) -> None:
        if not (min_cutoff_hz > 0 and d_cutoff_hz > 0 and beta >= 0 and max_gap_s >= 0):
            raise ValueError("One-Euro needs cutoffs > 0 Hz, beta >= 0 and max_gap_s >= 0")
        self.min_cutoff_hz = float(min_cutoff_hz)
        self.beta = float(beta)
        self.d_cutoff_hz = float(d_cutoff_hz)
        self.max_gap_s = float(max_gap_s)
        self.reset()

    @classmethod
    def from_settings(cls, settings: SignalSettings = DEFAULTS.signal) -> OneEuroFilter:
        """A filter with the One-Euro parameters and ``max_gap_s`` of ``settings``."""
        return cls(
            min_cutoff_hz=settings.one_euro_min_cutoff_hz,
            beta=settings.one_euro_beta,
            d_cutoff_hz=settings.one_euro_d_cutoff_hz,
            max_gap_s=settings.max_gap_s,
        )

    def reset(self) -> None:
        """Forget all state (the next call may use any time and any sample shape)."""
        self._last_call_s: float | None = None
        self._x_hat: FloatArray | None = None
        self._dx_hat: FloatArray = np.zeros(0)
        self._t_valid: FloatArray = np.zeros(0)

    @overload
    def update(self, t_s: float, x: float) -> float: ...
    @overload
    def update(self, t_s: float, x: ArrayLike) -> float | FloatArray: ...

    def update(self, t_s: float, x: ArrayLike) -> float | FloatArray:
        """Filter one sample taken at ``t_s`` (s, strictly increasing between calls).

        Returns a float for a scalar ``x``, else a new array of the shape of ``x``.
        """
        t = float(t_s)
        if not math.isfinite(t):
            raise ValueError(f"t_s must be finite, got {t_s}")
        if self._last_call_s is not None and t <= self._last_call_s:
            raise ValueError(f"t_s must increase: {t} after {self._last_call_s}")
        xa = np.asarray(x, dtype=np.float64)
        if self._x_hat is None:
            self._x_hat = np.full(xa.shape, np.nan)
            self._dx_hat = np.zeros(xa.shape)
            self._t_valid = np.full(xa.shape, np.nan)
        elif xa.shape != self._x_hat.shape:
            raise ValueError(f"sample shape {xa.shape} differs from {self._x_hat.shape}")
        self._last_call_s = t
        out = self._step(t, xa, self._x_hat)
        return float(out) if out.ndim == 0 else out

    def _step(self, t: float, x: FloatArray, x_prev: FloatArray) -> FloatArray:
        valid = np.isfinite(x)
        x = np.where(valid, x, np.nan)  # ±inf counts as missing, like NaN
        dt = t - self._t_valid  # NaN where the channel has no state
        live = dt <= self.max_gap_s
        cont = valid & live
        fresh = valid & ~live
        dx = (x - x_prev) / dt
        a_d = _alpha(self.d_cutoff_hz, dt)
        dx_hat = self._dx_hat + a_d * (dx - self._dx_hat)
        a = _alpha(self.min_cutoff_hz + self.beta * np.abs(dx_hat), dt)
        x_hat = x_prev + a * (x - x_prev)  # = a*x + (1-a)*x_prev, exact for constants
        new_x = np.where(cont, x_hat, np.where(fresh, x, np.where(live, x_prev, np.nan)))
        self._dx_hat = np.where(cont, dx_hat, np.where(live & ~valid, self._dx_hat, 0.0))
        self._t_valid = np.where(valid, t, np.where(live, self._t_valid, np.nan))
        self._x_hat = np.asarray(new_x, np.float64)
        return np.where(valid, self._x_hat, np.nan)


def one_euro(
    times_s: ArrayLike, values: ArrayLike, settings: SignalSettings = DEFAULTS.signal
) -> FloatArray:
    """One-Euro filter of a whole recording, identical to :class:`OneEuroFilter` fed sample by
    sample (same parameters, same NaN and gap handling; short gaps are NOT interpolated).

    Args:
        times_s: sample times (s), strictly increasing, shape ``(N,)``.
        values: shape ``(N,)`` or ``(N, ...)``; every column is an independent channel.
        settings: One-Euro parameters and ``max_gap_s``.

    Returns:
        Filtered float64 values, shape of ``values``; NaN where the input is not finite.
    """
    t = as_times(times_s)
    x = as_values(t, values)
    flt = OneEuroFilter.from_settings(settings)
    out = np.empty_like(x)
    for i in range(t.shape[0]):
        out[i] = flt.update(float(t[i]), x[i])
    return out


def _interp_rows(t_new: FloatArray, t: FloatArray, x: FloatArray) -> FloatArray:
    """Linear interpolation of every column of ``x`` (sampled at ``t``) at ``t_new``,
    which must lie within ``[t[0], t[-1]]``."""
    i = np.clip(np.searchsorted(t, t_new, side="right") - 1, 0, t.shape[0] - 2)
    w = ((t_new - t[i]) / (t[i + 1] - t[i]))[:, None]
    out: FloatArray = x[i] * (1.0 - w) + x[i + 1] * w
    return out


def _butter_run(t: FloatArray, x: FloatArray, settings: SignalSettings) -> FloatArray:
    """Zero-phase low-pass of one gap-free run (``x``: shape (n, k)), via a uniform grid."""
    n = t.shape[0]
    if n < 2:
        return x
    span = float(t[-1] - t[0])
    m = max(2, round(span / float(np.median(np.diff(t)))) + 1)
    fs_hz = (m - 1) / span
    if settings.butterworth_cutoff_hz >= fs_hz / 2.0:
        return x  # the cutoff is at or above Nyquist: nothing to remove
    sos = butter(
        settings.butterworth_order,
        settings.butterworth_cutoff_hz,
        btype="low",
        fs=fs_hz,
        output="sos",
    )
    padlen = 3 * (2 * sos.shape[0] + 1)
    if m <= padlen:
        return x  # too short for the edge padding of filtfilt: left unfiltered
    grid = np.linspace(t[0], t[-1], m)
    smoothed = sosfiltfilt(sos, _interp_rows(grid, t, x), axis=0, padtype="odd", padlen=padlen)
    return _interp_rows(t, grid, np.asarray(smoothed, np.float64))


def butterworth(
    times_s: ArrayLike, values: ArrayLike, settings: SignalSettings = DEFAULTS.signal
) -> FloatArray:
    """Zero-phase Butterworth low-pass (``settings.butterworth_order``, cutoff
    ``settings.butterworth_cutoff_hz`` in Hz), for irregular timestamps and gaps.

    Steps, per column:

    1. Gaps up to ``settings.max_gap_s`` are linearly interpolated (:func:`fill_short_gaps`);
       longer gaps stay NaN and split the signal into runs of finite samples.
    2. Each run is resampled (linearly) to a uniform grid spanning exactly its first to
       last timestamp, at (about) its median sample rate; filtered forward and backward with
       ``scipy.signal.sosfiltfilt`` (odd extension, ``padlen = 3 * (2 * sections + 1)``);
       and interpolated back to its original timestamps.
    3. Runs with no more grid samples than ``padlen`` (e.g. < 10 samples for order 2), or
       whose rate puts the cutoff at or above Nyquist, are returned unfiltered.

    The filter is applied twice, so the effective response is the squared magnitude of the
    Butterworth response (-6 dB at the cutoff).

    Returns:
        Float64 array of the shape of ``values``: short gaps filled and smoothed, long gaps
        NaN.
    """
    t = as_times(times_s)
    x = as_values(t, values)
    filled = fill_short_gaps(t, x, settings.max_gap_s)
    n = t.shape[0]
    if n < 2 or filled.size == 0:
        return filled
    flat = filled.reshape(n, -1)
    out = flat.copy()
    # Columns with the same missing-sample pattern are filtered together.
    patterns, inverse = np.unique(np.isfinite(flat).T, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    for k, pattern in enumerate(patterns):
        cols = np.flatnonzero(inverse == k)
        for start, stop in true_runs(pattern):
            out[start:stop, cols] = _butter_run(t[start:stop], flat[start:stop][:, cols], settings)
    return out.reshape(x.shape)


def _stacked(seq: PoseSequence, settings: SignalSettings) -> FloatArray:
    """Every landmark coordinate of ``seq`` as one row per frame (float64), NaN where the
    landmark's visibility is below ``settings.min_visibility`` (or unknown)."""
    n = len(seq)
    keep = np.asarray(seq.visibility, np.float64) >= settings.min_visibility  # NaN -> False
    blocks = (
        np.where(keep[..., None], seq.image_xy, np.nan).reshape(n, 2 * N_LANDMARKS),
        np.where(keep, seq.image_z, np.nan).reshape(n, N_LANDMARKS),
        np.where(keep[..., None], seq.world, np.nan).reshape(n, 3 * N_LANDMARKS),
    )
    return np.concatenate(blocks, axis=1).astype(np.float64)


def _unstacked(seq: PoseSequence, smoothed: FloatArray) -> PoseSequence:
    """``seq`` with its coordinates replaced by ``smoothed`` (rows as :func:`_stacked`)."""
    n = len(seq)
    xy_end, z_end = 2 * N_LANDMARKS, 3 * N_LANDMARKS
    return replace(
        seq,
        image_xy=smoothed[:, :xy_end].reshape(n, N_LANDMARKS, 2),
        image_z=smoothed[:, xy_end:z_end].reshape(n, N_LANDMARKS),
        world=smoothed[:, z_end:].reshape(n, N_LANDMARKS, 3),
    )


def smooth_sequence(
    seq: PoseSequence,
    method: SmoothingMethod = "one_euro",
    settings: SignalSettings = DEFAULTS.signal,
) -> PoseSequence:
    """Smooth ``image_xy`` (px), ``image_z`` and ``world`` (m) of every landmark coordinate.

    Landmarks whose visibility is below ``settings.min_visibility`` (or unknown) are first
    set to NaN. Every coordinate is then filtered with :func:`one_euro` (causal, what the
    live mode shows) or :func:`butterworth` (zero-phase, offline). Afterwards every entry
    that was missing or masked in the input is NaN again: gap filling only lets the filter
    run across short dropouts, it never invents a reading (and frames without a detection
    stay all-NaN). Timestamps, visibility, presence and ``detected`` are unchanged.

    Returns:
        A new :class:`PoseSequence` (``dataclasses.replace``).
    """
    stacked = _stacked(seq, settings)
    if method == "one_euro":
        smoothed = one_euro(seq.times_s, stacked, settings)
    elif method == "butterworth":
        smoothed = butterworth(seq.times_s, stacked, settings)
    else:
        raise ValueError(f"unknown smoothing method {method!r}")
    smoothed[~np.isfinite(stacked)] = np.nan
    return _unstacked(seq, smoothed)


class GrowingSmoother:
    """``smooth_sequence(seq, "one_euro", settings)`` for a sequence that grows at its end
    (a running set counted live): the rows smoothed before are kept and only the new frames
    go through the same streaming filter, so the result is the same, bit for bit, for a
    cost of the new frames (plus copying). A sequence that does not start with the frames
    smoothed before (by their times, s) is smoothed afresh."""

    def __init__(self, settings: SignalSettings = DEFAULTS.signal) -> None:
        self.settings = settings
        self._filter = OneEuroFilter.from_settings(settings)
        self._times: FloatArray = np.zeros(0)
        self._rows: FloatArray = np.zeros((0, 0))

    def smooth(self, seq: PoseSequence) -> PoseSequence:
        """``seq`` smoothed (see the class docstring)."""
        n0 = len(self._times)
        if n0 > len(seq) or not np.array_equal(seq.times_s[:n0], self._times):
            self._filter.reset()
            self._times, self._rows, n0 = np.zeros(0), np.zeros((0, 0)), 0
        if n0 == len(seq):  # nothing new
            return _unstacked(seq, self._rows)
        new = seq.select(np.arange(n0, len(seq)))
        stacked = _stacked(new, self.settings)
        rows = np.empty_like(stacked)
        for i, t in enumerate(new.times_s):
            rows[i] = self._filter.update(float(t), stacked[i])
        rows[~np.isfinite(stacked)] = np.nan
        self._rows = rows if n0 == 0 else np.concatenate([self._rows, rows])
        self._times = np.asarray(seq.times_s, np.float64).copy()
        return _unstacked(seq, self._rows)


def despike(x: FloatArray, width: int = 3) -> FloatArray:
    """Running median over ``width`` samples (odd): removes single-sample outliers, such as
    the pose model's depth flipping for one frame, without moving edges. A sample next to a
    missing one is kept as it is (no filtering across gaps); NaN stays NaN. Centred, so a
    live caller sees each value ``width // 2`` samples late."""
    if width < 3 or width % 2 == 0:
        raise ValueError(f"width must be odd and >= 3, got {width}")
    x = np.asarray(x, np.float64)
    half = width // 2
    padded = np.pad(x, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    whole = np.all(np.isfinite(windows), axis=1)
    out = x.copy()
    if width == 3:  # the middle one of three, the median's value, without sorting
        a, b, c = (windows[whole, k] for k in range(3))
        out[whole] = np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))
    else:
        out[whole] = np.median(windows[whole], axis=1)
    return out
