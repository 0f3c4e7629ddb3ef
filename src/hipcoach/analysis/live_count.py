"""Count a known set as its frames come: settled reps kept, only the tail re-counted.

:func:`~hipcoach.analysis.single_set.count_known_set` reads a whole stretch: the view, the
working-leg signals, every counter, the form rules. :class:`LiveSetCount` gives the count
that ``count_known_set`` gives on the set's frames so far, after every frame, for a cost
that grows with the set only by array arithmetic:

- The *readings* are the whole set's, exactly as offline: the view (medians over the
  lying frames) and the signals with their stretch-wide parts (the depth cues' medians and
  fit against abduction, the leg-length scales) are read over all the frames so far, so
  they cannot differ from the offline count's. What made a reading expensive is the
  landmarks' One-Euro smoothing (a loop over the frames); it is causal, so a
  :class:`~hipcoach.signal.filters.GrowingSmoother` smooths each frame once, giving the
  same values. The rest is array arithmetic over the frames (3-6 ms for 300-1200 frames).
- The *counters* (``hipcoach.reps``, a loop over the samples) run only over the *tail*:
  from the end of the last settled rep on. The counters
  are causal: a rep is counted when the signal comes back down, from samples up to then;
  the later reps of a set do not start before the previous one ended; the counters are at
  rest again between two reps. What a later frame can still change about a counted rep is
  which events claim its seconds (a bicycle rep owns ``SegmentSettings.bicycle_lead_s``
  before it; a circle turn is decided when its lift ends) and the readings it was counted
  on (which change a little with every frame). So a rep *settles*
  ``LiveSettings.count_settle_s`` after its end (after its lift's end for a circle turn);
  reps of the tail that start after the last settled one are the new ones. The form rules
  read the whole set's signals, as offline.

That is an argument, not a proof, so the equality is checked: ``tests/unit/test_live_count.py``
compares the count after every frame with ``count_known_set`` on the same frames, on every
stored clip of the corpus and the rendered clips, and shows that reps settling too early
break it. The set's final result (``CameraRepSource.end``) is ``count_known_set`` on the
whole set.

Times are in seconds, on the frames' clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from hipcoach.analysis.events import Event, circle_config
from hipcoach.analysis.result import Flag, SetResult
from hipcoach.analysis.signals import LegSignals
from hipcoach.analysis.single_set import (
    KnownSetCount,
    count_known_set,
    empty_result,
    set_events,
    view_problem,
)
from hipcoach.config import DEFAULTS, Settings
from hipcoach.exercises.routine import ExerciseSpec, Routine
from hipcoach.sequence.schema import PoseSequence
from hipcoach.signal.filters import GrowingSmoother
from hipcoach.types import Side


@dataclass(frozen=True)
class CountWindow:
    """How much of a running set :class:`LiveSetCount` re-counts (s; see the module
    docstring): the tail starts at the end of the last settled rep; a rep settles
    ``settle_s`` after it (or its lift) ends."""

    settle_s: float

    @classmethod
    def from_settings(cls, settings: Settings = DEFAULTS) -> CountWindow:
        """The window of ``settings.live``."""
        live = settings.live
        return cls(live.count_settle_s)


@dataclass(frozen=True)
class _Rep:
    """One settled rep: its times (s), peak (deg) and form flags (``rep`` = its number)."""

    times: tuple[float, float]
    peak_deg: float
    flags: tuple[Flag, ...]


@dataclass
class _Settled:
    reps: list[_Rep] = field(default_factory=list)
    #: Reps of the tail that start at or after this time (s) are new.
    cut_s: float = -math.inf
    direction: str | None = None


class LiveSetCount:
    """The count of one known set, updated as its frames come (see the module docstring).

    Call :meth:`update` with the set's frames so far (the same first frame each time), or
    with any part of them that starts at or before :attr:`known_until_s` (the frames are
    kept here). The result is what ``count_known_set(frames so far, side, exercise, routine,
    settings)`` gives.
    """

    def __init__(
        self,
        side: Side,
        exercise: ExerciseSpec,
        routine: Routine,
        settings: Settings = DEFAULTS,
        window: CountWindow | None = None,
    ) -> None:
        self.side, self.exercise, self.routine, self.settings = side, exercise, routine, settings
        self.window = window or CountWindow.from_settings(settings)
        seg = settings.segment
        lift = circle_config(routine, seg, seg.count_max_gap_s).lift
        self._lift_high = lift.high
        #: No rep of this set lasts longer (s): a circle turn is judged when its lift ends.
        self._longest_s = (
            lift.max_rep_s
            if exercise.signal == "circle"
            else max(e.max_rep_s for e in routine.exercises)
        )
        self._settled = _Settled()
        self._first_s: float | None = None
        self._frames: PoseSequence | None = None
        self._smoother = GrowingSmoother(settings.signal)
        #: Frames the last update re-counted.
        self.tail_frames = 0

    @property
    def settled_reps(self) -> int:
        """Reps that no later frame will change."""
        return len(self._settled.reps)

    @property
    def known_until_s(self) -> float:
        """The newest frame time (s) given so far; -inf before the first."""
        frames = self._frames
        return -math.inf if frames is None or len(frames) == 0 else float(frames.times_s[-1])

    def since_s(self) -> float:
        """Where the next update's counters start (s): -inf until a rep has settled or the
        set has been idle for a while (see ``update``)."""
        return self._settled.cut_s

    def update(self, frames: PoseSequence) -> KnownSetCount:
        """The count of the set's frames so far (``frames``: see the class docstring)."""
        seq = self._extend(frames)
        if len(seq) == 0:
            self.tail_frames = 0
            return count_known_set(seq, self.side, self.exercise, self.routine, self.settings)
        times = seq.times_s
        if self._first_s is None:
            self._first_s = float(times[0])
        newest = float(times[-1])
        since = self.since_s()
        self.tail_frames = len(seq) - int(np.searchsorted(times, since, side="left"))
        count = count_known_set(
            seq, self.side, self.exercise, self.routine, self.settings, self._smoother, since
        )
        if count.analysis is None or view_problem(count.analysis, self.side) is not None:
            return count  # the view withholds the whole count, as it would offline
        new = [i for i, (a, _) in enumerate(count.result.rep_times) if a >= self._settled.cut_s]
        new = new[self._settle(count, new, newest) :]
        if not new:  # nothing in progress: a rep still to come starts after this
            idle_cut = newest - self._longest_s - self.window.settle_s
            self._settled.cut_s = max(self._settled.cut_s, idle_cut)
        return count._replace(result=self._merged(count.result, new, newest))

    def _extend(self, frames: PoseSequence) -> PoseSequence:
        """The set's frames so far: those kept before, then those of ``frames`` after them."""
        if self._frames is None or len(self._frames) == 0:
            self._frames = frames
            return frames
        last = float(self._frames.times_s[-1])
        if len(frames) == 0 or float(frames.times_s[-1]) <= last:
            return self._frames
        if float(frames.times_s[0]) > last:
            raise ValueError(f"frames from {frames.times_s[0]} s leave a gap after {last} s")
        new = frames.select(frames.times_s > last)
        self._frames = PoseSequence.concat([self._frames, new])
        return self._frames

    def _settle(self, count: KnownSetCount, new: list[int], newest_s: float) -> int:
        """Move the new reps that have settled (in order) to the settled ones; returns how
        many moved."""
        analysis = count.analysis
        if not new or analysis is None or analysis.signals is None:
            return 0
        events = set_events(analysis, self.exercise)
        result, moved = count.result, 0
        if len(events) != result.reps:
            return 0
        for i in new:
            done_s = self._done_s(events[i], analysis.signals)
            if done_s is None or newest_s - done_s < self.window.settle_s:
                break
            flags = tuple(
                replace(f, rep=self.settled_reps + 1) for f in result.flags if f.rep == i + 1
            )
            self._settled.reps.append(_Rep(result.rep_times[i], result.peak_angle_deg[i], flags))
            self._settled.cut_s = done_s
            self._settled.direction = self._settled.direction or result.direction
            moved += 1
        return moved

    def _done_s(self, event: Event, signals: LegSignals) -> float | None:
        """When no later frame can change ``event`` any more (s): its end; for a circle
        turn, its lift's end, provided the leg then stayed below the lift level for
        ``settle_s`` (a big circle dips below the lift's release level and continues the
        same lift, whose turns are judged again when it ends). None: not yet."""
        if not event.kind.startswith("circle"):
            return event.end_s
        lift_end = event.get("lift_end_s")
        done_s = max(event.end_s, lift_end) if math.isfinite(lift_end) else event.end_s
        t, abduction = signals.times_s, signals.abduction_2d_deg
        after = (t > done_s) & (t <= done_s + self.window.settle_s)
        with np.errstate(invalid="ignore"):
            lifted = bool(np.any(abduction[after] > self._lift_high))
        return None if lifted else done_s

    def _merged(self, tail: SetResult, new: list[int], newest_s: float) -> SetResult:
        """The settled reps followed by the tail's ``new`` reps (indices into ``tail``)."""
        settled = self._settled.reps
        if not settled and len(new) == tail.reps:
            return tail
        n = len(settled)
        number = {i + 1: n + k + 1 for k, i in enumerate(new)}
        flags = [f for r in settled for f in r.flags]
        flags += [replace(f, rep=number[f.rep]) for f in tail.flags if f.rep in number]
        flags += [f for f in tail.flags if f.rep is None]
        times = [r.times for r in settled] + [tail.rep_times[i] for i in new]
        if not times:
            start_s = self._first_s if self._first_s is not None else tail.start_s
            return replace(empty_result(self.side, self.exercise, start_s, newest_s), flags=flags)
        direction = self._settled.direction or tail.direction
        unknown = self.exercise.signal == "circle" and direction is None
        return replace(
            tail,
            reps=len(times),
            start_s=times[0][0],
            end_s=times[-1][1],
            rep_times=times,
            peak_angle_deg=[r.peak_deg for r in settled] + [tail.peak_angle_deg[i] for i in new],
            direction="ccw" if direction == "ccw" else ("cw" if direction == "cw" else None),
            flags=flags,
            direction_withheld=tail.direction_withheld if unknown else None,
        )
