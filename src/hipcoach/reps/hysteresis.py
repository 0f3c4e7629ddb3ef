"""Counting reps of one excursion above a threshold, with hysteresis (e.g. leg raises).

A rep is one excursion of a scalar signal (unit: that of the signal, e.g. degrees of hip
abduction) from below ``low`` to above ``high`` and back below ``low``:

- **start** (``start_s``): the last upward crossing of ``low`` before the signal rises
  above ``high``;
- **end** (``end_s``): the next downward crossing of ``low``.

Both crossing times are interpolated linearly between the two valid samples around the
crossing, so they do not depend on the frame rate beyond the linear approximation. The
two thresholds form a hysteresis band: noise around ``high`` or around ``low`` cannot count
twice, because a new rep needs the signal to go below ``low`` and then above ``high``.

Durations ``end_s - start_s`` outside ``[min_rep_s, max_rep_s]`` are not counted; they go
to :attr:`HysteresisCounter.rejected` with the reason "too short" (too fast) or "too long".

Missing samples (NaN or ±inf: "no reading") change nothing by themselves. When more than
``max_gap_s`` passes without a valid sample, the counter forgets the signal: an excursion
in progress is abandoned (rejected with reason "gap", ``complete=False``) and the counter
needs to see the signal below ``low`` again before a rep can start. Before the first valid
sample below ``low`` (e.g. a stream that begins with the leg already raised) nothing is
counted either: the start of that excursion is unknown.

The live mode feeds :meth:`HysteresisCounter.update` one sample at a time; the batch
helper :func:`count_reps` feeds the same counter in a loop, so both give identical reps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from numpy.typing import ArrayLike

from hipcoach.config import HysteresisConfig
from hipcoach.reps._common import (
    CounterLog,
    Rejection,
    SampleClock,
    as_series,
    crossing_time,
    duration_verdict,
    gap_exceeded,
)

__all__ = ["HysteresisConfig", "HysteresisCounter", "Rep", "count_reps"]


@dataclass(frozen=True, slots=True)
class Rep:
    """One excursion above ``high`` (times in s, ``peak_value`` in the signal's unit).

    Attributes:
        index: rep number, from 1, among the counted reps; 0 for an attempt that was not
            counted (rejected, or open at :meth:`HysteresisCounter.flush`).
        start_s: interpolated upward crossing of ``low`` (s).
        peak_s: time of the highest sample of the excursion (s).
        end_s: interpolated downward crossing of ``low`` (s); for an incomplete excursion,
            the time of its last valid sample.
        peak_value: the highest sample value (signal unit).
        duration_s: ``end_s - start_s`` (s).
        complete: True when the signal came back below ``low``; False for an excursion
            abandoned after a gap or still open at the end.
    """

    index: int
    start_s: float
    peak_s: float
    end_s: float
    peak_value: float
    duration_s: float
    complete: bool


@dataclass(slots=True)
class _Excursion:
    start_s: float
    peak_s: float
    peak_value: float
    last_valid_s: float

    def to_rep(self, index: int, end_s: float, complete: bool) -> Rep:
        return Rep(
            index=index,
            start_s=self.start_s,
            peak_s=self.peak_s,
            end_s=end_s,
            peak_value=self.peak_value,
            duration_s=end_s - self.start_s,
            complete=complete,
        )


class HysteresisCounter(CounterLog[Rep]):
    """Streaming rep counter with two thresholds (see the module docstring).

    Feed samples with :meth:`update` in time order; read :attr:`reps` (counted) and
    :attr:`rejected` (not counted, with the reason).
    """

    def __init__(self, config: HysteresisConfig) -> None:
        self.config = config
        self.reset()

    def reset(self) -> None:
        """Forget everything: reps, rejections and signal state (a new set starts)."""
        self._clock = SampleClock()
        self._prev: tuple[float, float] | None = None  # last valid sample (s, value)
        self._cand_start_s: float | None = None  # last upward crossing of low (s)
        self._exc: _Excursion | None = None
        self._clear_log()

    @property
    def state(self) -> Literal["rest", "active"]:
        """Either "active" (an excursion above ``high`` is in progress) or "rest"."""
        return "rest" if self._exc is None else "active"

    def update(self, t_s: float, value: float) -> Rep | None:
        """Process one sample: ``value`` (signal unit; NaN = no reading) at ``t_s`` (s).

        ``t_s`` must be finite and strictly greater than at the previous call. Returns the
        rep that this sample completed and counted, else None.
        """
        t = self._clock.tick(t_s)
        if self._prev is not None and gap_exceeded(self._prev[0], t, self.config.max_gap_s):
            self._forget()
        v = float(value)
        if not math.isfinite(v):
            return None
        prev, self._prev = self._prev, (t, v)
        if prev is None:
            return None
        if self._exc is None:
            self._rest_step(prev, t, v)
            return None
        return self._active_step(prev, t, v)

    def flush(self) -> Rep | None:
        """End of the stream: return the excursion still open (``complete=False``, ``index``
        0, ending at its last valid sample), or None. It is NOT counted nor rejected; the
        counter then needs the signal below ``low`` again before the next rep."""
        open_rep = None
        if self._exc is not None:
            open_rep = self._exc.to_rep(0, self._exc.last_valid_s, complete=False)
        self._exc = None
        self._prev = None
        self._cand_start_s = None
        return open_rep

    def _forget(self) -> None:
        """Drop the signal state after a long gap; an open excursion is rejected."""
        if self._exc is not None:
            rep = self._exc.to_rep(0, self._exc.last_valid_s, complete=False)
            self._rejected.append(Rejection(rep, "gap"))
        self._exc = None
        self._prev = None
        self._cand_start_s = None

    def _rest_step(self, prev: tuple[float, float], t: float, v: float) -> None:
        cfg = self.config
        tp, vp = prev
        if vp < cfg.low <= v:
            self._cand_start_s = crossing_time(tp, vp, t, v, cfg.low)
        if v > cfg.high and self._cand_start_s is not None:
            self._exc = _Excursion(self._cand_start_s, t, v, t)
            self._cand_start_s = None

    def _active_step(self, prev: tuple[float, float], t: float, v: float) -> Rep | None:
        exc = self._exc
        assert exc is not None
        cfg = self.config
        exc.last_valid_s = t
        if v > exc.peak_value:
            exc.peak_s, exc.peak_value = t, v
        if not v < cfg.low:
            return None
        tp, vp = prev
        self._exc = None
        end_s = crossing_time(tp, vp, t, v, cfg.low)
        duration = end_s - exc.start_s
        reason = duration_verdict(duration, cfg.min_rep_s, cfg.max_rep_s)
        if reason is not None:
            self._rejected.append(Rejection(exc.to_rep(0, end_s, complete=True), reason))
            return None
        rep = exc.to_rep(len(self._reps) + 1, end_s, complete=True)
        self._reps.append(rep)
        return rep


def count_reps(times_s: ArrayLike, values: ArrayLike, config: HysteresisConfig) -> list[Rep]:
    """Counted reps of a whole recording: :class:`HysteresisCounter` fed sample by sample.

    Args:
        times_s: sample times (s), finite and strictly increasing, shape ``(N,)``; the
            frame interval may vary.
        values: the signal (its unit, e.g. degrees), shape ``(N,)``; NaN = no reading.
        config: thresholds (signal unit) and durations (s).

    Returns:
        The counted reps, in order. An excursion still open at the end is not a rep.
    """
    t, x = as_series(times_s, values, ncols=1)
    counter = HysteresisCounter(config)
    for ti, xi in zip(t.tolist(), x.tolist(), strict=True):
        counter.update(ti, xi)
    return list(counter.reps)
