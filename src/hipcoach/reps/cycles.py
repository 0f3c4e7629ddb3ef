"""Counting biphasic reps: up past one threshold, then down past another (bicycle-to-sidekick).

For the bicycle-to-sidekick the signal is hip flexion (deg, + = thigh forward): the thigh
swings forward (flexion above ``high``, e.g. 45°), then back behind the body (extension
below ``low``, e.g. -5°), then returns toward neutral. With the four levels of
:class:`~hipcoach.config.BiphasicConfig` (``low < low_release <= high_release < high``, all
in the signal's unit):

- **start** (``start_s``): the last upward crossing of ``high_release`` before the signal
  rises above ``high`` (first phase);
- the first phase is over when the signal falls below ``high_release`` again;
- the second phase is reached when the signal falls below ``low``;
- **end** (``end_s``): the first upward crossing of ``low_release`` after that ("returns
  toward neutral").

``high``/``high_release`` and ``low``/``low_release`` are two hysteresis bands, so noise
around one threshold cannot count twice. Crossing times are interpolated linearly between
the two valid samples around the crossing. A complete rep whose duration is outside
``[min_rep_s, max_rep_s]`` is rejected ("too short" / "too long").

If the first phase happened but the signal rises above ``high`` again (after falling below
``high_release``) without having gone below ``low``, the earlier attempt is closed as an
**incomplete attempt** (``incomplete_extension=True``): it is listed in
:attr:`BiphasicCounter.incomplete`, never in :attr:`BiphasicCounter.reps`; its ``end_s`` is
the start of the next attempt. Incomplete attempts have no duration check.

Missing samples (NaN / ±inf) and long gaps are handled as in
:mod:`hipcoach.reps.hysteresis`: more than ``max_gap_s`` without a valid sample abandons
the attempt in progress (rejected, reason "gap") and the counter waits for the signal to
come from below ``high_release`` again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from numpy.typing import ArrayLike

from hipcoach.config import BiphasicConfig
from hipcoach.reps._common import (
    CounterLog,
    Rejection,
    SampleClock,
    as_series,
    crossing_time,
    duration_verdict,
    gap_exceeded,
)

__all__ = ["BiphasicConfig", "BiphasicCounter", "BiphasicRep", "BiphasicState", "count_biphasic"]

#: "rest": waiting for the first phase; "high": above ``high`` (not yet back below
#: ``high_release``); "between": first phase over, waiting for ``low`` (or the next
#: flexion); "low": second phase reached, waiting for the return above ``low_release``.
BiphasicState = Literal["rest", "high", "between", "low"]


@dataclass(frozen=True, slots=True)
class BiphasicRep:
    """One biphasic attempt (times in s, peaks in the signal's unit).

    Attributes:
        index: number, from 1, within its list (:attr:`BiphasicCounter.reps` or
            :attr:`BiphasicCounter.incomplete`); 0 for a rejected or open attempt.
        start_s: interpolated upward crossing of ``high_release`` (s).
        end_s: interpolated upward crossing of ``low_release`` after the second phase (s);
            for an incomplete attempt the start of the next one; for an abandoned or open
            attempt its last valid sample.
        duration_s: ``end_s - start_s`` (s).
        peak_flexion: maximum of the first phase (signal unit).
        peak_flexion_s: time of that sample (s).
        peak_extension: minimum after the first phase (signal unit; NaN if none yet). For
            a complete rep it is below ``low``; for an incomplete attempt it shows how far
            back the signal went.
        peak_extension_s: time of that sample (s; NaN if none).
        incomplete_extension: the first phase happened but ``low`` was never reached.
        complete: the signal returned above ``low_release`` after reaching ``low``.
    """

    index: int
    start_s: float
    end_s: float
    duration_s: float
    peak_flexion: float
    peak_flexion_s: float
    peak_extension: float
    peak_extension_s: float
    incomplete_extension: bool
    complete: bool


@dataclass(slots=True)
class _Attempt:
    start_s: float
    flex: float
    flex_s: float
    last_valid_s: float
    ext: float = math.nan
    ext_s: float = math.nan
    reached_low: bool = False

    def track_min(self, t: float, v: float) -> None:
        if math.isnan(self.ext) or v < self.ext:
            self.ext, self.ext_s = v, t

    def to_rep(self, index: int, end_s: float, complete: bool) -> BiphasicRep:
        return BiphasicRep(
            index=index,
            start_s=self.start_s,
            end_s=end_s,
            duration_s=end_s - self.start_s,
            peak_flexion=self.flex,
            peak_flexion_s=self.flex_s,
            peak_extension=self.ext,
            peak_extension_s=self.ext_s,
            incomplete_extension=not self.reached_low,
            complete=complete,
        )


class BiphasicCounter(CounterLog[BiphasicRep]):
    """Streaming counter of biphasic reps (see the module docstring).

    Feed samples with :meth:`update`; read :attr:`reps` (counted), :attr:`incomplete`
    (first phase without the second) and :attr:`rejected` (with the reason).
    """

    def __init__(self, config: BiphasicConfig) -> None:
        self.config = config
        self.reset()

    def reset(self) -> None:
        """Forget everything: reps, incomplete attempts, rejections and signal state."""
        self._clock = SampleClock()
        self._prev: tuple[float, float] | None = None  # last valid sample (s, value)
        self._cand_start_s: float | None = None  # last upward crossing of high_release
        self._state: BiphasicState = "rest"
        self._att: _Attempt | None = None
        self._clear_log()
        self._incomplete: list[BiphasicRep] = []

    @property
    def incomplete(self) -> tuple[BiphasicRep, ...]:
        """Attempts whose second phase was never reached before the next first phase."""
        return tuple(self._incomplete)

    @property
    def state(self) -> BiphasicState:
        """Where the signal is in the cycle (see :data:`BiphasicState`)."""
        return self._state

    def update(self, t_s: float, value: float) -> BiphasicRep | None:
        """Process one sample: ``value`` (signal unit; NaN = no reading) at ``t_s`` (s).

        ``t_s`` must be finite and strictly increasing. Returns the rep this sample
        completed and counted, else None (incomplete attempts and rejections are only
        appended to their lists).
        """
        t = self._clock.tick(t_s)
        if self._prev is not None and gap_exceeded(self._prev[0], t, self.config.max_gap_s):
            self._forget(record=True)
        v = float(value)
        if not math.isfinite(v):
            return None
        prev, self._prev = self._prev, (t, v)
        if prev is None:
            return None
        if self._att is not None:
            self._att.last_valid_s = t
        return self._advance(prev, t, v)

    def flush(self) -> BiphasicRep | None:
        """End of the stream: return the attempt still open (``complete=False``, ``index``
        0), or None. It is not counted, nor listed as incomplete or rejected."""
        att = self._att
        self._forget(record=False)
        return None if att is None else att.to_rep(0, att.last_valid_s, complete=False)

    def _forget(self, record: bool) -> None:
        if record and self._att is not None:
            rep = self._att.to_rep(0, self._att.last_valid_s, complete=False)
            self._rejected.append(Rejection(rep, "gap"))
        self._att = None
        self._state = "rest"
        self._prev = None
        self._cand_start_s = None

    def _advance(self, prev: tuple[float, float], t: float, v: float) -> BiphasicRep | None:
        """Move through the states for the straight segment from ``prev`` to ``(t, v)``."""
        cfg = self.config
        att = self._att
        if self._state == "high" and att is not None:
            if v > att.flex:
                att.flex, att.flex_s = v, t
            if v >= cfg.high_release:
                return None
            self._state = "between"
        if self._state == "between" and att is not None:
            att.track_min(t, v)
            if not v < cfg.low:
                self._between_step(prev, t, v)
                return None
            att.reached_low = True
            self._state = "low"
        rep = None
        if self._state == "low" and att is not None:
            att.track_min(t, v)
            if not v > cfg.low_release:
                return None
            rep = self._close(att, crossing_time(*prev, t, v, cfg.low_release))
        self._rest_step(prev, t, v)
        return rep

    def _rest_step(self, prev: tuple[float, float], t: float, v: float) -> None:
        cfg = self.config
        tp, vp = prev
        if vp < cfg.high_release <= v:
            self._cand_start_s = crossing_time(tp, vp, t, v, cfg.high_release)
        if v > cfg.high and self._cand_start_s is not None:
            self._att = _Attempt(self._cand_start_s, v, t, t)
            self._state = "high"
            self._cand_start_s = None

    def _between_step(self, prev: tuple[float, float], t: float, v: float) -> None:
        """Waiting for ``low``: a new first phase closes the attempt as incomplete."""
        old = self._att
        self._rest_step(prev, t, v)
        if self._att is not old and old is not None:
            end_s = self._att.start_s if self._att is not None else t
            incomplete = old.to_rep(len(self._incomplete) + 1, end_s, complete=False)
            self._incomplete.append(incomplete)

    def _close(self, att: _Attempt, end_s: float) -> BiphasicRep | None:
        """Count or reject a complete attempt ending at ``end_s`` (s)."""
        cfg = self.config
        self._att = None
        self._state = "rest"
        self._cand_start_s = None
        reason = duration_verdict(end_s - att.start_s, cfg.min_rep_s, cfg.max_rep_s)
        if reason is not None:
            self._rejected.append(Rejection(att.to_rep(0, end_s, complete=True), reason))
            return None
        rep = att.to_rep(len(self._reps) + 1, end_s, complete=True)
        self._reps.append(rep)
        return rep


def count_biphasic(
    times_s: ArrayLike, values: ArrayLike, config: BiphasicConfig
) -> list[BiphasicRep]:
    """Counted reps of a whole recording: :class:`BiphasicCounter` fed sample by sample.

    Args:
        times_s: sample times (s), finite and strictly increasing, shape ``(N,)``.
        values: the signal (its unit, e.g. degrees of hip flexion), shape ``(N,)``;
            NaN = no reading.
        config: the four levels (signal unit) and durations (s).

    Returns:
        The counted reps, in order (not the incomplete attempts; use the counter for those).
    """
    t, x = as_series(times_s, values, ncols=1)
    counter = BiphasicCounter(config)
    for ti, xi in zip(t.tolist(), x.tolist(), strict=True):
        counter.update(ti, xi)
    return list(counter.reps)
