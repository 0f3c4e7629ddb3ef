"""Left vs right: the one comparison of the two working legs, for an analysis and the history.

Per exercise and working leg, over COUNTED sets only (a withheld count is not a
measurement): the sets, the reps and the median peak angle (deg) of the reps. Differences
are left minus right: in reps and degrees, and each in % of the larger side (+ = the left
leg did more or went higher). The median, not the mean, so one misread rep does not move
the side. Asymmetry is itself a glute-med signal; the words say which leg is behind.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hipcoach.exercises.routine import EXERCISE_IDS
from hipcoach.types import SIDES, Side

if TYPE_CHECKING:  # result.py builds its comparison with this module
    from hipcoach.analysis.result import SetResult

#: Peak angles closer than this (deg) read as "equal" (the angles are shown to 1°).
EQUAL_DEG = 0.5


@dataclass(frozen=True)
class SideReading:
    """One leg's counted sets of one exercise: sets, reps and the median peak angle (deg)."""

    sets: int
    reps: int
    median_peak_deg: float | None


def peak_text(reading: SideReading | None) -> str:
    """A leg's median peak in words: "21°", or "-" without one."""
    peak = None if reading is None else reading.median_peak_deg
    return "-" if peak is None or not math.isfinite(peak) else f"{peak:.0f}°"


def reps_text(reading: SideReading | None) -> str:
    """A leg's reps: "8", or "-" without counted sets."""
    return "-" if reading is None else str(reading.reps)


def reading_text(reading: SideReading | None) -> str:
    """A leg in one cell: "8 reps, 21°" ("-" for the peak without one), or "-"."""
    return "-" if reading is None else f"{reading.reps} reps, {peak_text(reading)}"


def percent_difference(left: float, right: float) -> float | None:
    """``100 * (left - right) / max(left, right)`` (%); None unless both are finite and the
    larger is > 0."""
    larger = max(left, right)
    if not (math.isfinite(left) and math.isfinite(right)) or larger <= 0:
        return None
    return 100.0 * (left - right) / larger


@dataclass(frozen=True)
class SideComparison:
    """Left vs right of one exercise; a side is None when it has no counted set."""

    exercise: str
    left: SideReading | None
    right: SideReading | None

    def reading(self, side: Side) -> SideReading | None:
        """The reading of ``side``."""
        return self.left if side == "left" else self.right

    @property
    def reps_diff(self) -> int | None:
        """Left minus right reps; None unless both legs have counted sets."""
        if self.left is None or self.right is None:
            return None
        return self.left.reps - self.right.reps

    @property
    def peak_diff_deg(self) -> float | None:
        """Left minus right median peak angle (deg); None unless both have one."""
        if self.left is None or self.right is None:
            return None
        if self.left.median_peak_deg is None or self.right.median_peak_deg is None:
            return None
        return self.left.median_peak_deg - self.right.median_peak_deg

    @property
    def reps_diff_pct(self) -> float | None:
        """Left minus right reps in % of the larger side."""
        if self.left is None or self.right is None:
            return None
        return percent_difference(self.left.reps, self.right.reps)

    @property
    def peak_diff_pct(self) -> float | None:
        """Left minus right median peak angle in % of the larger side."""
        if self.peak_diff_deg is None or self.left is None or self.right is None:
            return None
        return percent_difference(
            self.left.median_peak_deg or 0.0, self.right.median_peak_deg or 0.0
        )

    def note(self, note_pct: float) -> str:
        """Plain words; a difference above ``note_pct`` (%) names the leg that is behind."""
        if self.left is None or self.right is None:
            only = "left" if self.right is None else "right"
            return f"only the {only} leg has data, so the sides cannot be compared"
        parts = []
        reps, peak = self.reps_diff_pct, self.peak_diff_pct
        if reps is not None and abs(reps) > note_pct:
            parts.append(f"{_behind(reps)} leg {abs(reps):.0f}% fewer reps")
        if peak is not None and abs(peak) > note_pct:
            parts.append(f"{_behind(peak)} leg {abs(peak):.0f}% lower peak angle")
        return "; ".join(parts) if parts else f"sides within {note_pct:g}% of each other"

    def peak_words(self) -> str:
        """The peak difference in words: "left 5° higher", "equal" (under 0.5°) or "-"."""
        diff = self.peak_diff_deg
        if diff is None:
            return "-"
        if abs(diff) < EQUAL_DEG:
            return "equal"
        return f"{'left' if diff > 0 else 'right'} {abs(diff):.0f}° higher"

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form (differences rounded to 0.1)."""

        def side(r: SideReading | None) -> dict[str, Any] | None:
            return (
                None
                if r is None
                else {"sets": r.sets, "reps": r.reps, "median_peak_deg": r.median_peak_deg}
            )

        return {
            "exercise": self.exercise,
            "left": side(self.left),
            "right": side(self.right),
            "reps_diff": self.reps_diff,
            "peak_diff_deg": _round(self.peak_diff_deg),
            "reps_diff_pct": _round(self.reps_diff_pct),
            "peak_diff_pct": _round(self.peak_diff_pct),
        }


def _behind(diff_pct: float) -> Side:
    return "right" if diff_pct > 0 else "left"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _reading(sets: Sequence[SetResult]) -> SideReading:
    peaks = [p for s in sets for p in s.peak_angle_deg if math.isfinite(p)]
    return SideReading(
        sets=len(sets),
        reps=sum(s.reps for s in sets),
        median_peak_deg=statistics.median(peaks) if peaks else None,
    )


def compare_sides(sets: Iterable[SetResult]) -> list[SideComparison]:
    """Left vs right per exercise over the counted ``sets`` (routine order, unknown ids
    last); exercises with no counted set are left out."""
    by_key: dict[tuple[str, str], list[SetResult]] = {}
    for s in sets:
        if s.counted:
            by_key.setdefault((s.exercise, s.side), []).append(s)
    found = {e for e, _ in by_key}
    order = [e for e in EXERCISE_IDS if e in found] + sorted(found - set(EXERCISE_IDS))
    return [
        SideComparison(
            e,
            *(_reading(by_key[(e, side)]) if (e, side) in by_key else None for side in SIDES),
        )
        for e in order
    ]
