"""The result of one screen and its JSON form.

JSON schema (``ScreenResult.to_dict``)::

    {"screen": "squat" | "stance" | "gait",
     "finding": "positive" | "negative" | "cannot_rule_out" | "inconclusive",
     "reason": str,                  # always set; for "inconclusive" it says why
     "fix": str | null,              # what to do: film again, or (cannot_rule_out) ask whom
     "readings_trusted": bool,       # false: the numbers below are no reading (greyed)
     "per_side": {"left": {...}, "right": {...}},   # the person's own sides
     "items": [{...}, ...],          # one per rep / hold / step, keys carry units (_deg, _s)
     "stance_leg": "left" | "right" | null,         # stance screen only
     "warnings": [str], "thresholds": {name: value}, "view": {...},
     "source": str, "duration_s": float, "not_a_diagnosis": str,
     "series": {"t_s": [...], name: [...]},         # per-frame signals for the charts
     "evidence": {...}}              # measured sensitivity/specificity with n (evidence.py)

"cannot_rule_out": the video could be read but the screen's measured sensitivity does not
support a "negative" (:mod:`hipcoach.screens.evidence`). Non-finite numbers (no reading) are
written as ``null``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast, get_args

from hipcoach.errors import ConfigError, InputError
from hipcoach.files import json_safe, read_json, write_text
from hipcoach.screens import result_checks as checks
from hipcoach.screens.evidence import EVIDENCE, judge
from hipcoach.types import SIDES, Finding

ScreenName = Literal["squat", "stance", "gait"]
#: How each finding is written for people (terminal, chart, report, overlay).
FINDING_LABEL: dict[str, str] = {
    "positive": "positive",
    "negative": "negative",
    "cannot_rule_out": "cannot rule out",
    "inconclusive": "inconclusive",
}
#: Findings whose per-rep/hold/step numbers are no reading: shown greyed, never as values.
QUIET: frozenset[str] = frozenset({"cannot_rule_out", "inconclusive"})

NOT_A_DIAGNOSIS = (
    "hipcoach is not a medical device. This screen measures movement from a video; it is not "
    "a diagnosis. See a physiotherapist or doctor about pain, weakness or giving way."
)


#: The screens' yes/no calls per rep/hold/step or side, and counts of them: no reading
#: when the finding is quiet (an oblique squat's "valgus: 2" is not a count of anything).
FLAG_KEYS: frozenset[str] = frozenset(
    {"valgus", "valgus_left", "valgus_right", "reps_valgus", "trendelenburg"}
    | {"trunk_compensation", "drop_flagged"}
)


def _silence_flags(values: dict[str, Any]) -> None:
    """The screens' flags and flag counts become None (no reading), in place."""
    for key in FLAG_KEYS & values.keys():
        values[key] = None


@dataclass
class ScreenResult:
    """What one screen found (see the module docstring for the JSON form).

    Built through the evidence rule: a "negative" that the screen's measured sensitivity does
    not support becomes "cannot_rule_out" (:func:`hipcoach.screens.evidence.judge`), and when
    the finding is quiet (inconclusive or cannot rule out) the yes/no flags of the items and
    sides become None: they are no reading.
    """

    screen: ScreenName
    finding: Finding
    reason: str
    per_side: dict[str, dict[str, Any]] = field(default_factory=lambda: {"left": {}, "right": {}})
    items: list[dict[str, Any]] = field(default_factory=list)
    stance_leg: str | None = None
    fix: str | None = None
    warnings: list[str] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=dict)
    view: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    duration_s: float = 0.0
    series: dict[str, list[float]] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Apply the evidence rule (a negative the screen cannot support becomes
        "cannot_rule_out") and attach the screen's measured evidence."""
        self.finding, self.reason, self.fix = judge(
            self.screen, self.finding, self.reason, self.fix
        )
        self.evidence = EVIDENCE[self.screen].to_dict()
        if not self.readings_trusted:
            for values in [*self.items, *self.per_side.values()]:
                _silence_flags(values)

    @property
    def readings_trusted(self) -> bool:
        """False when the per-item numbers are no reading (inconclusive, cannot rule out)."""
        return self.finding not in QUIET

    @property
    def label(self) -> str:
        """The finding in words ("cannot rule out", ...)."""
        return FINDING_LABEL[self.finding]

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (NaN -> null)."""
        out: dict[str, Any] = {
            "screen": self.screen,
            "finding": self.finding,
            "reason": self.reason,
            "fix": self.fix,
            "readings_trusted": self.readings_trusted,
            "per_side": {s: self.per_side.get(s, {}) for s in SIDES},
            "items": self.items,
        }
        if self.screen == "stance":
            out["stance_leg"] = self.stance_leg
        out.update(
            warnings=self.warnings,
            thresholds=self.thresholds,
            view=self.view,
            source=self.source,
            duration_s=self.duration_s,
            not_a_diagnosis=NOT_A_DIAGNOSIS,
            series=self.series,
            evidence=self.evidence,
        )
        return dict(json_safe(out))

    def write_json(self, path: Path) -> Path:
        """Write :meth:`to_dict` as indented UTF-8 JSON; returns ``path``."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, json.dumps(self.to_dict(), indent=2) + "\n")
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any], name: str = "screen JSON") -> ScreenResult:
        """Inverse of :meth:`to_dict`; ConfigError naming the field when it does not fit."""
        screen, finding = data.get("screen"), data.get("finding")
        if screen not in get_args(ScreenName):
            raise ConfigError(f"{name}: 'screen' must be squat, stance or gait, not {screen!r}")
        if finding not in get_args(Finding):
            raise ConfigError(
                f"{name}: 'finding' must be positive/negative/cannot_rule_out/inconclusive"
            )
        try:
            return cls(
                screen=cast(ScreenName, screen),
                finding=cast(Finding, finding),
                reason=checks.text(data.get("reason"), "reason"),
                per_side=checks.per_side(data.get("per_side")),
                items=checks.items(data.get("items")),
                stance_leg=_stance_leg(data.get("stance_leg")),
                fix=None if data.get("fix") is None else checks.text(data["fix"], "fix"),
                warnings=checks.warnings(data.get("warnings")),
                thresholds=checks.numbers(data.get("thresholds"), "thresholds"),
                view=checks.flat(data.get("view"), "view"),
                source=checks.text(str(data.get("source", "")), "source"),
                duration_s=checks.duration(data.get("duration_s")),
                series=checks.series(data.get("series")),
            )
        except ValueError as exc:
            raise ConfigError(f"{name}: {exc}") from exc


def _stance_leg(value: Any) -> str | None:
    if value not in (None, *SIDES):
        raise ValueError("'stance_leg' must be left, right or null")
    return cast(str | None, value)


def load_result(path: Path) -> ScreenResult:
    """Read a file written by :meth:`ScreenResult.write_json` (InputError if it is not one)."""
    path = Path(path)
    fix = "pass files written by `hipcoach screen ... --json`"
    data = read_json(path, what="a screen result", fix=fix)
    if not isinstance(data, dict):
        raise InputError(f"{path.name}: a screen JSON file holds one object", fix=fix)
    try:
        return ScreenResult.from_dict(data, path.name)
    except ConfigError as exc:
        raise InputError(exc.message, fix=fix) from exc
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise InputError(f"{path.name} is not a screen result ({exc})", fix=fix) from exc
