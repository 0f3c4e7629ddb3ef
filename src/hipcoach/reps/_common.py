"""Pieces shared by the rep counters: sample clock, crossing times, verdicts, rejections.

Times are in seconds; values keep the unit of the counted signal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

import numpy as np
from numpy.typing import ArrayLike

from hipcoach.signal.gaps import TIME_TOLERANCE_S, FloatArray, as_times, as_values

#: Why an attempt was not counted: its duration was outside ``[min_rep_s, max_rep_s]``
#: ("too short" = too fast), or it was abandoned after more than ``max_gap_s`` without a
#: valid sample ("gap").
RejectReason = Literal["too short", "too long", "gap"]

RepT = TypeVar("RepT")


@dataclass(frozen=True, slots=True)
class Rejection(Generic[RepT]):
    """An attempt that was not counted, and why.

    ``rep`` describes the attempt (its ``index`` is 0: it has no rep number).
    """

    rep: RepT
    reason: RejectReason


class CounterLog(Generic[RepT]):
    """What every counter keeps: the counted reps and the rejected attempts, in order."""

    def _clear_log(self) -> None:
        self._reps: list[RepT] = []
        self._rejected: list[Rejection[RepT]] = []

    @property
    def reps(self) -> tuple[RepT, ...]:
        """The counted reps, in order (``index`` 1, 2, ...)."""
        return tuple(self._reps)

    @property
    def rejected(self) -> tuple[Rejection[RepT], ...]:
        """Attempts not counted ("too short", "too long", "gap"), in order."""
        return tuple(self._rejected)


class SampleClock:
    """Checks that sample times (s) are finite and strictly increasing between calls."""

    def __init__(self) -> None:
        self.last_s: float | None = None

    def tick(self, t_s: float) -> float:
        """Validate and record the time of a new sample (s); returns it as a float."""
        t = float(t_s)
        if not math.isfinite(t):
            raise ValueError(f"t_s must be finite, got {t_s}")
        if self.last_s is not None and t <= self.last_s:
            raise ValueError(f"t_s must increase: {t} after {self.last_s}")
        self.last_s = t
        return t


def gap_exceeded(last_valid_s: float | None, t_s: float, max_gap_s: float) -> bool:
    """True when more than ``max_gap_s`` (s) separate the last valid sample and ``t_s``."""
    return last_valid_s is not None and t_s - last_valid_s > max_gap_s + TIME_TOLERANCE_S


def crossing_time(t0_s: float, v0: float, t1_s: float, v1: float, level: float) -> float:
    """Time (s) at which the straight line from ``(t0_s, v0)`` to ``(t1_s, v1)`` reaches
    ``level``; ``level`` must lie between ``v0`` and ``v1`` and ``v0 != v1``."""
    return t0_s + (level - v0) / (v1 - v0) * (t1_s - t0_s)


def duration_verdict(duration_s: float, min_s: float, max_s: float) -> RejectReason | None:
    """``None`` if ``min_s <= duration_s <= max_s`` (s), else the rejection reason."""
    if duration_s < min_s:
        return "too short"
    if duration_s > max_s:
        return "too long"
    return None


def as_series(times_s: ArrayLike, values: ArrayLike, ncols: int) -> tuple[FloatArray, FloatArray]:
    """Validated times (s, shape ``(N,)``) and values of shape ``(N,)`` (``ncols == 1``) or
    ``(N, ncols)``, both float64."""
    t = as_times(times_s)
    x = as_values(t, values)
    expected = (t.shape[0],) if ncols == 1 else (t.shape[0], ncols)
    if x.shape != expected:
        raise ValueError(f"values must have shape {expected}, got {x.shape}")
    return t, np.asarray(x, dtype=np.float64)
