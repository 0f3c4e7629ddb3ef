"""What an analysis' numbers rest on: per-rep evidence, reference ranges and stated limits.

One source of text for every place a hip-series result is shown (terminal, HTML report,
JSON, history and web pages), so a physiotherapist sees next to the numbers:

- **per rep**: time (s), duration (s), peak angle (deg) and the form faults with their
  values (:func:`rep_evidence`); sets whose count was withheld show no reps;
- **reference values** (:func:`references`): the exercise's target range from the routine
  file, and a typical range in healthy adults with its published source where one exists;
- **limits** (:func:`limits`): that the figures were validated on rendered bodies, not real
  people; how well hipcoach did on validation bodies with the camera placement it read
  (:data:`ACCURACY`, re-derived from the corpus by ``tests/unit/test_analysis_evidence.py``);
  what this view could not measure; which sets were not counted and why.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from hipcoach.exercises.routine import ExerciseSpec, Routine, SignalKind
from hipcoach.files import write_text

if TYPE_CHECKING:  # result.py is the layer's data; this module only reads it
    from hipcoach.analysis.result import AnalysisResult, SetResult

#: Said wherever hip-series figures are shown.
RENDERED_ONLY: Final = (
    "hipcoach's hip-series counts and angles were checked on rendered (computer-made) "
    "bodies, not on real people; real bodies, clothes and rooms may do worse"
)
#: When and how :data:`ACCURACY` was measured.
MEASURED: Final = (
    "2026-12-04, validation bodies of the rendered corpus "
    "(python benchmarks/accuracy.py --suite corpus; docs/accuracy.md)"
)


@dataclass(frozen=True)
class ViewAccuracy:
    """How hipcoach did on validation bodies whose camera it read as one of ``views``."""

    views: tuple[str, ...]
    label: str
    bodies: int
    sets: int
    exact: int
    withheld: int
    abduction_mae_deg: float
    #: True circle sets, those named the right way, and those named the WRONG way (the
    #: rest were reported as "direction not measurable from this view" or not found).
    circle_sets: int = 0
    directions_right: int = 0
    directions_wrong: int = 0

    def text(self) -> str:
        """One plain sentence with the numbers."""
        withheld = f", {self.withheld} not counted (view)" if self.withheld else ""
        circles = ""
        if self.circle_sets:
            circles = (
                f"; of {self.circle_sets} leg-circle sets, {self.directions_right} were named "
                f"the right direction and {self.directions_wrong} the wrong one (the rest: "
                "direction not measurable)"
            )
        return (
            f"with a camera read as {self.label}, {self.exact} of {self.sets} sets were "
            f"counted exactly{withheld} on {self.bodies} validation bodies; leg angles were "
            f"off by {self.abduction_mae_deg:.1f}° on average{circles}"
        )


#: Measured accuracy per camera view as hipcoach read it (validation split only).
ACCURACY: Final[tuple[ViewAccuracy, ...]] = (
    ViewAccuracy(("front", "front_high"), "square-on", 18, 61, 57, 3, 2.5, 34, 32, 0),
    ViewAccuracy(("diagonal",), "turned toward the feet", 5, 16, 13, 2, 5.4, 9, 9, 0),
)


@dataclass(frozen=True)
class Reference:
    """Reference values for one exercise's peak angle (deg)."""

    exercise: str
    target_min_deg: float
    target_max_deg: float
    #: A typical range in healthy adults, with its source; None where none is published.
    typical: str | None

    def text(self) -> str:
        """The target and the typical range in words."""
        target = f"target {self.target_min_deg:g}-{self.target_max_deg:g}° (routine file)"
        return target if self.typical is None else f"{target}; {self.typical}"


#: Typical active ranges of the angle each signal measures, with their published source.
TYPICAL: Final[dict[SignalKind, str | None]] = {
    "abduction": "healthy adults reach about 45° of hip abduction (AAOS, 1965)",
    "flexion_extension": "healthy adults reach about 120° of hip flexion (AAOS, 1965)",
    "circle": None,  # circle size: no published norm; the routine's target only
}


def references(routine: Routine) -> list[Reference]:
    """One reference per exercise of the routine, in its order."""
    return [_reference(ex) for ex in routine.exercises]


def _reference(ex: ExerciseSpec) -> Reference:
    return Reference(ex.id, ex.target_peak_deg_min, ex.target_peak_deg_max, TYPICAL[ex.signal])


@dataclass(frozen=True)
class RepEvidence:
    """One counted rep: set number (1-based, as in the tables), rep number, times (s),
    peak angle (deg, None = no reading) and its form faults as "rule: value unit"."""

    set_number: int
    rep: int
    start_s: float
    end_s: float
    peak_deg: float | None
    faults: tuple[str, ...]

    @property
    def duration_s(self) -> float:
        """How long the rep took (s)."""
        return self.end_s - self.start_s


def rep_evidence(result: AnalysisResult, titles: dict[str, str] | None = None) -> list[RepEvidence]:
    """Every rep of the counted sets, with ``titles`` (rule id -> words) for the faults."""
    out = []
    for number, s in enumerate(result.sets, start=1):
        if s.counted:
            out += _set_reps(number, s, titles or {})
    return out


def _set_reps(number: int, s: SetResult, titles: dict[str, str]) -> list[RepEvidence]:
    reps = []
    for k, (a, b) in enumerate(s.rep_times, start=1):
        peak = s.peak_angle_deg[k - 1] if k - 1 < len(s.peak_angle_deg) else math.nan
        faults = tuple(
            f"{titles.get(f.rule, f.rule.replace('_', ' '))}: {_value(f.value, f.unit)}"
            for f in s.flags
            if f.measurable and f.rep == k
        )
        reps.append(RepEvidence(number, k, a, b, peak if math.isfinite(peak) else None, faults))
    return reps


#: How a rule's measured value is written, per unit: symbol and decimals.
UNIT_TEXT: Final[dict[str, tuple[str, int]]] = {"deg": ("°", 0), "s": (" s", 1)}


def _value(value: float | None, unit: str) -> str:
    if value is None or not math.isfinite(value):
        return "no reading"
    symbol, digits = UNIT_TEXT.get(unit, (f" {unit}", 1))
    return f"{value:.{digits}f}{symbol}"


def accuracy_for(view: str) -> ViewAccuracy | None:
    """The measured accuracy for a camera view as read (None: not validated)."""
    return next((a for a in ACCURACY if view in a.views), None)


def limits(result: AnalysisResult, titles: dict[str, str] | None = None) -> list[str]:
    """What the reader must know about this result's numbers, most important first."""
    out = [RENDERED_ONLY]
    acc = accuracy_for(result.view)
    out.append(
        acc.text() if acc is not None else f"a camera read as {result.view} was not validated"
    )
    names = titles or {}
    unmeasured = sorted(
        {names.get(r, r.replace("_", " ")) for s in result.sets for r in s.unmeasurable}
    )
    if unmeasured:
        out.append(f"not measurable from this camera view: {', '.join(unmeasured)}")
    withheld = [s for s in result.sets if not s.counted]
    if withheld:
        reason = withheld[0].count_withheld
        out.append(f"{len(withheld)} set(s) not counted: {reason}")
    return out


#: What a history of sessions rests on (the history report and the client reports).
HISTORY_LIMITS: Final[tuple[str, ...]] = (
    RENDERED_ONLY,
    *(a.text() for a in ACCURACY),
    "sessions counted by the pacing timer (no camera) are the plan, not a measurement: "
    "they are left out of form scores and left-vs-right",
)


def evidence_json(result: AnalysisResult, routine: Routine) -> dict[str, Any]:
    """The ``evidence`` section of the analysis JSON: limits, references, per-rep rows."""
    titles: dict[str, str] = {r.id: r.title for r in routine.rules}
    return {
        "limits": limits(result, titles),
        "accuracy_measured": MEASURED,
        "references": [
            {
                "exercise": r.exercise,
                "target_deg": [r.target_min_deg, r.target_max_deg],
                "typical": r.typical,
            }
            for r in references(routine)
        ],
        "reps": [
            {
                "set": e.set_number,
                "rep": e.rep,
                "start_s": round(e.start_s, 3),
                "duration_s": round(e.duration_s, 3),
                "peak_deg": None if e.peak_deg is None else round(e.peak_deg, 1),
                "faults": list(e.faults),
            }
            for e in rep_evidence(result, titles)
        ],
    }


def analysis_document(result: AnalysisResult, routine: Routine) -> dict[str, Any]:
    """The analysis JSON (``AnalysisResult.to_json``) with its ``evidence`` section."""
    return {**result.to_json(), "evidence": evidence_json(result, routine)}


def write_analysis_json(result: AnalysisResult, routine: Routine, path: Path) -> None:
    """Write :func:`analysis_document` to ``path`` (UTF-8, atomically)."""
    write_text(path, json.dumps(analysis_document(result, routine), indent=2) + "\n")
