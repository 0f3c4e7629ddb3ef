"""The outcome of analysing a hip-series recording, and its JSON form.

JSON schema (keys always present unless marked optional)::

    {"view": str, "lying_on": str|null, "working_legs": [str], "problems": [str],
     "sets": [{"side": "left"|"right",          # the WORKING leg (person's own side)
               "exercise": str,                  # routine exercise id
               "reps": int|null, "target_reps": int|null,  # null: count withheld
               "start_s": float, "end_s": float,
               "rep_times": [[start_s, end_s], ...],
               "peak_angle_deg": [float, ...],   # per rep, the exercise's main angle
               "direction": "cw"|"ccw",          # circle sets only (seen from the feet)
               "count_withheld": str,            # optional: why "reps" is null (view)
               "direction_withheld": str,        # optional: why a circle set has no direction
               "rules_checked": [str],           # form rules measurable from this view
               "flags": [{"rule": str, "rep": int|null, "value": float|null,
                          "unit": str, "measurable": bool, "message": str}]}],
     "comparison": [{exercise, left, right, reps_diff, peak_diff_deg, ...}] (analysis.sides),
     "source": str, "duration_s": float, "hipcoach_version": str}
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from hipcoach import __version__
from hipcoach.analysis.sides import SideComparison, compare_sides
from hipcoach.exercises.routine import EXERCISE_IDS
from hipcoach.exercises.rule_registry import RULE_IDS
from hipcoach.files import json_safe, write_text
from hipcoach.types import Side


@dataclass(frozen=True)
class Flag:
    """One form finding. ``measurable=False`` means "not measurable from this view"."""

    rule: str
    rep: int | None
    value: float | None
    unit: str
    measurable: bool
    message: str = ""


@dataclass
class SetResult:
    """One set: consecutive reps of one exercise with one leg."""

    side: Side
    exercise: str
    reps: int
    start_s: float
    end_s: float
    rep_times: list[tuple[float, float]] = field(default_factory=list)
    peak_angle_deg: list[float] = field(default_factory=list)
    target_reps: int | None = None
    direction: Literal["cw", "ccw"] | None = None
    flags: list[Flag] = field(default_factory=list)
    #: Why the count is not given (the view cannot support counting); None = counted.
    #: ``reps`` then holds the movements seen, for plots only: never shown as a count.
    count_withheld: str | None = None
    #: Circle sets: why ``direction`` is None (not measurable from this view); the set's
    #: exercise then follows the routine order, not a measurement.
    direction_withheld: str | None = None
    #: Form rules of the exercise that this view can measure (the others were flagged
    #: "not measurable from this view"); a form score covers these only.
    rules_checked: list[str] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        """True when ``reps`` is a count that may be shown."""
        return self.count_withheld is None

    @property
    def faults(self) -> list[str]:
        """Rules with at least one fault flag, sorted."""
        return sorted({f.rule for f in self.flags if f.measurable})

    @property
    def unmeasurable(self) -> list[str]:
        """Rules of the exercise this view cannot measure, sorted."""
        return sorted({f.rule for f in self.flags if not f.measurable})

    def form_text(self) -> str:
        """The set's form in plain words, never claiming more than was checked: e.g.
        "no fault seen · 3 of 6 rules checked" (the others are not measurable from this
        view), "2 faults · 3 of 6 rules checked", "not checked · 0 of 3 rules measurable"."""
        n = len(self.rules_checked)
        total = n + len(self.unmeasurable)
        if n == 0:
            return f"not checked · 0 of {total} rules measurable from this view"
        checked = f"{n} of {total} rules checked"
        if self.faults:
            k = len(self.faults)
            return f"{k} fault{'s' if k > 1 else ''} · {checked}"
        return f"no fault seen · {checked}"

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON dict (see the module docstring)."""
        out: dict[str, Any] = {
            "side": self.side,
            "exercise": self.exercise,
            "reps": self.reps if self.counted else None,
            "target_reps": self.target_reps,
            "start_s": _num(self.start_s),
            "end_s": _num(self.end_s),
            "rep_times": [[_num(a), _num(b)] for a, b in self.rep_times],
            "peak_angle_deg": [_num(v) for v in self.peak_angle_deg],
            "flags": [_flag_json(f) for f in self.flags],
        }
        if self.direction is not None:
            out["direction"] = self.direction
        if self.count_withheld is not None:
            out["count_withheld"] = self.count_withheld
        if self.direction_withheld is not None:
            out["direction_withheld"] = self.direction_withheld
        out["rules_checked"] = list(self.rules_checked)
        return out


@dataclass
class AnalysisResult:
    """Everything ``hipcoach analyze`` found in one recording."""

    view: str
    lying_on: str | None
    sets: list[SetResult]
    problems: list[str] = field(default_factory=list)
    source: str = ""
    duration_s: float = 0.0

    @property
    def working_legs(self) -> list[str]:
        """Working legs seen, in order of first appearance."""
        return list(dict.fromkeys(s.side for s in self.sets))

    def comparison(self) -> list[SideComparison]:
        """Left vs right per exercise (:func:`~hipcoach.analysis.sides.compare_sides`)."""
        return compare_sides(self.sets)

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON dict (see the module docstring)."""
        return {
            "view": self.view,
            "lying_on": self.lying_on,
            "working_legs": self.working_legs,
            "problems": list(self.problems),
            "sets": [s.to_json() for s in self.sets],
            "comparison": json_safe([c.to_json() for c in self.comparison()], decimals=3),
            "source": self.source,
            "duration_s": _num(self.duration_s),
            "hipcoach_version": __version__,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnalysisResult:
        """Inverse of :meth:`to_json` (nulls become NaN). Raises KeyError/TypeError/ValueError
        on a malformed document; callers turn those into a user-facing error."""
        sets = [
            SetResult(
                side=_side(s["side"]),
                exercise=str(s["exercise"]),
                reps=0 if s["reps"] is None else _int(s["reps"], "reps"),
                start_s=_float(s["start_s"]),
                end_s=_float(s["end_s"]),
                rep_times=[(_float(a), _float(b)) for a, b in s["rep_times"]],
                peak_angle_deg=[_float(v) for v in s["peak_angle_deg"]],
                target_reps=(
                    None if s.get("target_reps") is None else _int(s["target_reps"], "target_reps")
                ),
                direction=_direction(s.get("direction")),
                flags=[
                    Flag(
                        str(f["rule"]),
                        None if f["rep"] is None else _int(f["rep"], "flag rep"),
                        None if f["value"] is None else _float(f["value"]),
                        str(f["unit"]),
                        bool(f["measurable"]),
                        str(f.get("message", "")),
                    )
                    for f in s["flags"]
                ],
                count_withheld=_withheld(s),
                direction_withheld=(
                    None if s.get("direction_withheld") is None else str(s["direction_withheld"])
                ),
                rules_checked=[str(r) for r in s.get("rules_checked", [])],
            )
            for s in data["sets"]
        ]
        for s in sets:
            _check_bounds(s)
        check_duration(_float(data["duration_s"]))
        if len(str(data.get("source", ""))) > 4096 or len(data.get("problems", [])) > 100:
            raise ValueError("source or problems too long")
        return cls(
            view=str(data["view"]),
            lying_on=data.get("lying_on"),
            sets=sets,
            problems=[str(p) for p in data.get("problems", [])],
            source=str(data.get("source", "")),
            duration_s=_float(data["duration_s"]),
        )

    def write_json(self, path: Path) -> None:
        """Write :meth:`to_json` to ``path`` (UTF-8, indented)."""
        write_text(path, json.dumps(self.to_json(), indent=2) + "\n")


def _float(v: Any) -> float:
    if v is None:
        return float("nan")
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise ValueError(f"expected a finite number or null, got {str(v)[:20]!r}")
    return float(v)


def _int(v: Any, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"{name} must be a whole number, got {str(v)[:20]!r}")
    return v


#: Bounds of an analysis read from a file (one home: import, the database and the reports
#: all receive values that passed here).
MAX_REPS = 1000
MAX_TIME_S = 24 * 3600.0
MAX_TEXT = 200


def _check_bounds(s: SetResult) -> None:
    """Raise ValueError for values no recording can have (a crafted or damaged file)."""
    if not 0 <= s.reps <= MAX_REPS:
        raise ValueError(f"reps must be 0-{MAX_REPS}, got {s.reps}")
    if s.target_reps is not None and not 0 <= s.target_reps <= MAX_REPS:
        raise ValueError(f"target_reps must be 0-{MAX_REPS}, got {s.target_reps}")
    times = [s.start_s, s.end_s, *(t for pair in s.rep_times for t in pair)]
    if not all(math.isfinite(t) and 0.0 <= t <= MAX_TIME_S for t in times):
        raise ValueError(f"times must be finite seconds within 0-{MAX_TIME_S:.0f}")
    if len(s.rep_times) > MAX_REPS or len(s.peak_angle_deg) > MAX_REPS:
        raise ValueError(f"at most {MAX_REPS} reps per set")
    if not all(-360.0 <= v <= 360.0 for v in s.peak_angle_deg if math.isfinite(v)):
        raise ValueError("peak angles must be degrees within -360..360")
    if s.exercise not in EXERCISE_IDS:
        raise ValueError(f"unknown exercise {s.exercise[:MAX_TEXT]!r}")
    if s.end_s < s.start_s:
        raise ValueError("a set ends before it starts")
    _check_flags(s)
    texts = [*s.rules_checked, s.count_withheld or "", s.direction_withheld or ""]
    if any(len(t) > MAX_TEXT * 5 or not t.isprintable() for t in texts):
        raise ValueError("notes must be printable text of at most 1000 characters")


def _check_flags(s: SetResult) -> None:
    for f in s.flags:
        if f.rule not in RULE_IDS or f.unit not in ("deg", "s"):
            raise ValueError(f"unknown rule or unit {f.rule[:MAX_TEXT]!r} {f.unit[:10]!r}")
        if f.rep is not None and not 1 <= f.rep <= max(1, len(s.rep_times)):
            raise ValueError(f"flag of rep {f.rep} in a set of {len(s.rep_times)} reps")
        if f.value is not None and math.isfinite(f.value) and abs(f.value) > 1e4:
            raise ValueError("flag values must be within +-10000 deg or s")


def check_duration(duration_s: float) -> None:
    """Raise ValueError for a recording length (s) no file can have."""
    if not (math.isnan(duration_s) or 0.0 <= duration_s <= MAX_TIME_S):
        raise ValueError(f"duration must be seconds within 0-{MAX_TIME_S:.0f}")


def _withheld(s: dict[str, Any]) -> str | None:
    if s.get("count_withheld") is not None:
        return str(s["count_withheld"])
    return "no count given" if s["reps"] is None else None


def _side(v: Any) -> Side:
    if v not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {v!r}")
    return "left" if v == "left" else "right"


def _direction(v: Any) -> Literal["cw", "ccw"] | None:
    if v is None:
        return None
    if v not in ("cw", "ccw"):
        raise ValueError(f"direction must be 'cw' or 'ccw', got {v!r}")
    return "cw" if v == "cw" else "ccw"


def _num(v: float | None) -> float | None:
    """JSON has no NaN: a missing reading becomes null."""
    if v is None or not math.isfinite(v):
        return None
    return round(float(v), 3)


def _flag_json(f: Flag) -> dict[str, Any]:
    d = asdict(f)
    d["value"] = _num(f.value)
    return d
