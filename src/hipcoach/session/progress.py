"""What a rep source tells the session player while a set runs (camera or pacing timer).

The player does not care who counts: it starts a set on a :class:`RepSource`, polls it with
the current time (s, the player's clock) and ends it. A camera source counts reps and
judges form with the same counters and rules as ``hipcoach analyze``; the timer source
paces reps with a metronome and has no form reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from hipcoach.analysis.result import Flag, SetResult
from hipcoach.exercises.routine import ExerciseSpec, Routine
from hipcoach.types import Side


@dataclass(frozen=True)
class SetProgress:
    """The state of the running set at one moment.

    ``reps``: reps counted so far. ``cue``: the one form cue to show/say now (None = none).
    ``problem``: why the source cannot read the set right now (e.g. "no person in view",
    "not measurable from this view: ..."), None when it can. ``flags``: form findings of the
    reps finished so far.
    """

    reps: int
    cue: str | None = None
    problem: str | None = None
    flags: tuple[Flag, ...] = field(default_factory=tuple)


class RepSource(Protocol):
    """Counts the reps of one set at a time. Times are seconds on the player's clock."""

    counted_by: Literal["camera", "timer"]

    def begin(self, side: Side, exercise: ExerciseSpec, routine: Routine, t_s: float) -> None:
        """Start counting a set of ``exercise`` done by the ``side`` (working) leg."""
        ...

    def poll(self, t_s: float) -> SetProgress:
        """Progress of the running set at time ``t_s`` (s)."""
        ...

    def end(self, t_s: float) -> SetResult:
        """Stop counting; the finished set (reps, rep times and peaks, flags)."""
        ...

    def close(self) -> None:
        """Release the camera / threads (safe to call twice)."""
        ...
