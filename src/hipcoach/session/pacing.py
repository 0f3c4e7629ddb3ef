"""The pacing timer: a :class:`RepSource` for sessions without a camera.

One rep every ``pace_s`` seconds (the exercise's ``pace_s`` in the routine file, else the
session default) of ACTIVE time: pauses stop the beat. A rep's end time is when the
player saw it complete (so a rep interrupted by a pause lasts longer). It has no form
reading, so its sets carry no flags and no angles (NaN peaks).
"""

from __future__ import annotations

import math
from typing import Literal

from hipcoach.analysis.result import SetResult
from hipcoach.config import DEFAULTS, SessionSettings
from hipcoach.exercises.routine import ExerciseSpec, Routine
from hipcoach.session.progress import SetProgress
from hipcoach.types import Side


class TimerRepSource:
    """Counts paced reps by time. Times are seconds on the player's session clock."""

    counted_by: Literal["camera", "timer"] = "timer"

    def __init__(self, settings: SessionSettings = DEFAULTS.session) -> None:
        self._default_pace_s = settings.default_pace_s
        self._exercise: ExerciseSpec | None = None
        self._side: Side = "left"
        self._t0 = 0.0
        self._paused_s = 0.0
        self._pause_at: float | None = None
        self._rep_ends: list[float] = []

    @property
    def pace_s(self) -> float:
        """Rep period of the running set (s)."""
        ex = self._exercise
        return (ex.pace_s if ex is not None else None) or self._default_pace_s

    def begin(self, side: Side, exercise: ExerciseSpec, routine: Routine, t_s: float) -> None:
        self._exercise, self._side, self._t0 = exercise, side, t_s
        self._paused_s, self._pause_at = 0.0, None
        self._rep_ends = []

    def pause(self, t_s: float) -> None:
        """Stop the beat at ``t_s`` (s)."""
        if self._pause_at is None:
            self._pause_at = t_s

    def resume(self, t_s: float) -> None:
        """Restart the beat at ``t_s`` (s)."""
        if self._pause_at is not None:
            self._paused_s += max(0.0, t_s - self._pause_at)
            self._pause_at = None

    def active_s(self, t_s: float) -> float:
        """Seconds of the set so far, pauses excluded."""
        now = t_s if self._pause_at is None else self._pause_at
        return max(0.0, now - self._t0 - self._paused_s)

    def beat(self, t_s: float) -> float:
        """Position within the current rep, 0..1 (0 = start, 0.5 = top)."""
        return (self.active_s(t_s) % self.pace_s) / self.pace_s

    def _reps(self, t_s: float) -> int:
        target = self._exercise.target_reps if self._exercise is not None else 0
        return min(target, math.floor(self.active_s(t_s) / self.pace_s + 1e-9))

    def poll(self, t_s: float) -> SetProgress:
        n = self._reps(t_s)
        while len(self._rep_ends) < n:
            self._rep_ends.append(t_s)
        return SetProgress(reps=n)

    def end(self, t_s: float) -> SetResult:
        ex = self._exercise
        if ex is None:
            raise RuntimeError("end() without begin()")
        self.poll(t_s)
        ends = self._rep_ends
        times = [(ends[i - 1] if i else self._t0, ends[i]) for i in range(len(ends))]
        n = len(ends)
        direction = ex.direction if ex.signal == "circle" else None
        return SetResult(
            side=self._side,
            exercise=ex.id,
            reps=n,
            start_s=self._t0,
            end_s=max(self._t0, t_s),
            rep_times=times,
            peak_angle_deg=[math.nan] * n,
            target_reps=ex.target_reps,
            direction=direction,
        )

    def close(self) -> None:
        return None
