"""Missing samples: runs of finite values and short-gap interpolation.

All functions take sample times in seconds (``times_s``: one-dimensional, finite,
strictly increasing, possibly irregular) and values of shape ``(N,)`` or ``(N, ...)``
whose first axis is time. Every column (every entry of the trailing axes) is treated
on its own: a NaN in one column does not affect another. Non-finite values (NaN, ±inf)
count as missing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

#: Slack (s) when comparing a gap duration with its limit, so that a gap equal to the
#: limit in decimal terms is not rejected by floating-point rounding of the timestamps.
TIME_TOLERANCE_S = 1e-9


def as_times(times_s: ArrayLike) -> FloatArray:
    """Validate sample times (s): one-dimensional, finite and strictly increasing."""
    t = np.asarray(times_s, dtype=np.float64)
    if t.ndim != 1:
        raise ValueError(f"times_s must be one-dimensional, got shape {t.shape}")
    if not np.all(np.isfinite(t)):
        raise ValueError("times_s must be finite")
    if t.size > 1 and not np.all(np.diff(t) > 0):
        raise ValueError("times_s must be strictly increasing")
    return t


def as_values(times_s: FloatArray, values: ArrayLike) -> FloatArray:
    """A float64 copy of ``values`` after checking that its first axis matches ``times_s``."""
    x = np.array(values, dtype=np.float64)
    if x.ndim == 0 or x.shape[0] != times_s.shape[0]:
        raise ValueError(
            f"values must have shape (N, ...) with N = {times_s.shape[0]}, got {x.shape}"
        )
    return x


def true_runs(mask: ArrayLike) -> list[tuple[int, int]]:
    """Contiguous runs of True in a one-dimensional boolean mask.

    Returns ``(start, stop)`` index pairs (``stop`` exclusive), in order.
    """
    m = np.asarray(mask, dtype=bool)
    if m.ndim != 1:
        raise ValueError(f"mask must be one-dimensional, got shape {m.shape}")
    edges = np.diff(np.concatenate(([False], m, [False])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), stops.tolist(), strict=True))


def finite_runs(values: ArrayLike) -> list[tuple[int, int]]:
    """Contiguous runs of finite samples along the first (time) axis.

    For values of shape ``(N, ...)`` a sample counts as finite only if all of its
    entries are finite. Returns ``(start, stop)`` index pairs (``stop`` exclusive).
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim == 0:
        raise ValueError("values must have a time axis")
    finite = np.isfinite(x).reshape(x.shape[0], -1).all(axis=1)
    return true_runs(finite)


def _neighbour_indices(finite: NDArray[np.bool_]) -> tuple[NDArray[Any], NDArray[Any]]:
    """Per entry, the index of the last finite sample at or before it (-1 if none) and of
    the first finite sample at or after it (N if none), column by column."""
    n = finite.shape[0]
    index = np.arange(n)[:, None]
    prev = np.maximum.accumulate(np.where(finite, index, -1), axis=0)
    nxt = np.minimum.accumulate(np.where(finite, index, n)[::-1], axis=0)[::-1]
    return prev, nxt


def fill_short_gaps(times_s: ArrayLike, values: ArrayLike, max_gap_s: float) -> FloatArray:
    """Linearly interpolate (in time) the gaps that are at most ``max_gap_s`` long.

    The duration of a gap is the time (s) between the last finite sample before it and
    the first finite sample after it, so it depends on the actual timestamps, not on the
    number of missing samples. Longer gaps, and missing samples before the first or after
    the last finite sample of a column, stay NaN: nothing is extrapolated.

    Args:
        times_s: sample times (s), strictly increasing, shape ``(N,)``.
        values: shape ``(N,)`` or ``(N, ...)``; each column is filled on its own.
        max_gap_s: longest gap to fill (s), >= 0.

    Returns:
        A new float64 array of the shape of ``values``; non-finite entries that were not
        filled are NaN.
    """
    if not max_gap_s >= 0:
        raise ValueError(f"max_gap_s must be >= 0, got {max_gap_s}")
    t = as_times(times_s)
    x = as_values(t, values)
    n = t.shape[0]
    if n == 0:
        return x
    flat = x.reshape(n, -1)
    finite = np.isfinite(flat)
    flat[~finite] = np.nan
    prev, nxt = _neighbour_indices(finite)
    rows, cols = np.nonzero(~finite & (prev >= 0) & (nxt < n))
    before, after = prev[rows, cols], nxt[rows, cols]
    short = t[after] - t[before] <= max_gap_s + TIME_TOLERANCE_S
    rows, cols, before, after = rows[short], cols[short], before[short], after[short]
    weight = (t[rows] - t[before]) / (t[after] - t[before])
    v0, v1 = flat[before, cols], flat[after, cols]
    flat[rows, cols] = v0 + weight * (v1 - v0)
    return flat.reshape(x.shape)
