"""The routine file (``hip_series.toml``): strict models and a loader with exact error lines.

The routine is data a coach may edit. Loading it either returns a fully checked
:class:`Routine` or raises :class:`~hipcoach.errors.ConfigError` whose message names the
file, the line and the key, e.g.::

    hip_series.toml line 42: exercise[2].rep_high_deg: must be greater than rep_low_deg (10.0)

TOML syntax errors take their line from :mod:`tomllib`; validation errors map pydantic's
error location (``("exercise", 2, "rep_high_deg")``) to a line with :class:`TomlLineIndex`,
which scans the TOML text for table headers and ``key =`` lines.

Indices in field paths are 0-based (``exercise[0]`` is the first ``[[exercise]]`` table).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, NamedTuple, Self, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    field_validator,
    model_validator,
)

from hipcoach.exercises.rule_registry import RULE_IDS, UNIT_OF, RuleId, Unit
from hipcoach.exercises.toml_errors import LocatedValueError, parse_model, read_data_file
from hipcoach.types import RuleView, Side

ExerciseId = Literal[
    "small_leg_raise", "bicycle_sidekick", "big_leg_lift", "leg_circle_ccw", "leg_circle_cw"
]
SignalKind = Literal["abduction", "flexion_extension", "circle"]
FaultDirection = Literal["above", "below"]
CircleDirection = Literal["ccw", "cw"]
#: A location in the routine data: keys and 0-based array indices.

EXERCISE_IDS: Final[tuple[ExerciseId, ...]] = get_args(ExerciseId)
BUNDLED_NAME: Final = "hip_series.toml"

#: The signal each exercise is counted from (fixed by the counting code, not editable).
SIGNAL_OF: Final[dict[ExerciseId, SignalKind]] = {
    "small_leg_raise": "abduction",
    "bicycle_sidekick": "flexion_extension",
    "big_leg_lift": "abduction",
    "leg_circle_ccw": "circle",
    "leg_circle_cw": "circle",
}
#: Counter keys each signal needs; keys of the other signals must be absent.
COUNTER_KEYS: Final[dict[SignalKind, tuple[str, ...]]] = {
    "abduction": ("rep_high_deg", "rep_low_deg"),
    "flexion_extension": ("flexion_high_deg", "extension_low_deg"),
    "circle": ("direction", "min_radius_deg"),
}


def _as_tuple(value: Any) -> Any:
    """TOML arrays arrive as lists; the frozen models store tuples."""
    return tuple(value) if isinstance(value, list) else value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _distinct(values: tuple[str, ...]) -> tuple[str, ...]:
    dupes = sorted({v for v in values if values.count(v) > 1})
    if dupes:
        raise ValueError(f"lists {', '.join(map(repr, dupes))} more than once")
    return values


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    if not values:
        raise ValueError("must list at least one entry")
    return _distinct(values)


def _version_number(value: str) -> str:
    if re.fullmatch(r"\d+(\.\d+)*", value) is None:
        raise ValueError(f'must be a version number such as "1.0", not {value!r}')
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
Angle = Annotated[float, Field(ge=-180.0, le=180.0)]
Seconds = Annotated[float, Field(gt=0.0, le=600.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Safety(_Strict):
    """Texts shown before every session."""

    not_medical_device: Text
    stop_on_pain: Text
    take_breaks: Text


class RuleSpec(_Strict):
    """One form rule: fault when the measured value is ``direction`` the ``threshold``."""

    id: RuleId
    title: Text
    unit: Unit
    threshold: float = Field(ge=-180.0, le=180.0)
    direction: FaultDirection
    #: Camera views the rule is measured from; empty = none (always "not measurable").
    views: Annotated[tuple[RuleView, ...], BeforeValidator(_as_tuple), AfterValidator(_distinct)]
    cue: Text

    @model_validator(mode="after")
    def _check_unit(self) -> Self:
        expected = UNIT_OF[self.id]
        if self.unit != expected:
            raise LocatedValueError(("unit",), f"rule {self.id!r} is measured in {expected!r}")
        if self.unit == "s" and self.threshold <= 0:
            raise LocatedValueError(("threshold",), "a duration threshold must be positive")
        return self

    def is_fault(self, value: float, threshold: float | None = None) -> bool:
        """True when ``value`` (in :attr:`unit`) breaks this rule (against ``threshold``
        when given, e.g. an exercise's own, else the rule's)."""
        limit = self.threshold if threshold is None else threshold
        return value > limit if self.direction == "above" else value < limit


class _CueTexts(_Strict):
    """Short coaching texts: set-up and movement; :class:`ExerciseCues` adds one optional
    text per rule of the registry."""

    setup: Text
    movement: Text

    def for_rule(self, rule: RuleId) -> str | None:
        """The exercise-specific cue for ``rule``, if the file gives one."""
        cue: str | None = getattr(self, rule, None)
        return cue


if TYPE_CHECKING:
    ExerciseCues = _CueTexts
else:
    #: The cue table of an exercise: ``setup``, ``movement`` and one optional text per rule
    #: of ``rule_registry.RULES`` (fields derived from the registry, never listed by hand).
    ExerciseCues = create_model(
        "ExerciseCues",
        __base__=_CueTexts,
        __module__=__name__,
        **{rule: (Text | None, None) for rule in RULE_IDS},
    )


class ExerciseSpec(_Strict):
    """One exercise of the series with its counter thresholds, targets, rules and cues."""

    id: ExerciseId
    name: Text
    target_reps: int = Field(ge=1, le=100)
    max_reps: int | None = Field(None, ge=1, le=100)
    signal: SignalKind
    rep_high_deg: Angle | None = None
    rep_low_deg: Angle | None = None
    flexion_high_deg: Angle | None = None
    extension_low_deg: Angle | None = None
    direction: CircleDirection | None = None
    min_radius_deg: float | None = Field(None, gt=0.0, le=90.0)
    min_rep_s: Seconds
    max_rep_s: Seconds
    pace_s: Seconds | None = None
    target_peak_deg_min: Angle
    target_peak_deg_max: Angle
    rules: Annotated[tuple[RuleId, ...], BeforeValidator(_as_tuple), AfterValidator(_unique)]
    #: This exercise's own threshold for some of its rules (same unit as the rule).
    thresholds: dict[RuleId, Annotated[float, Field(ge=-180.0, le=180.0)]] = Field(
        default_factory=dict
    )
    cues: ExerciseCues

    @model_validator(mode="after")
    def _check(self) -> Self:
        self._check_signal()
        self._check_ranges()
        self._check_counter()
        self._check_cues()
        for rule in self.thresholds:
            if rule not in self.rules:
                raise LocatedValueError(
                    ("thresholds", rule), f"rule {rule!r} is not in this exercise's rules"
                )
        return self

    def threshold(self, rule: RuleSpec) -> float:
        """The threshold of ``rule`` for this exercise (its own, else the rule's)."""
        return self.thresholds.get(rule.id, rule.threshold)

    def _check_signal(self) -> None:
        expected = SIGNAL_OF[self.id]
        if self.signal != expected:
            raise LocatedValueError(("signal",), f"{self.id} is counted from {expected!r}")
        for signal, keys in COUNTER_KEYS.items():
            for key in keys:
                present = getattr(self, key) is not None
                if signal == self.signal and not present:
                    raise LocatedValueError((key,), f"required for signal {self.signal!r}")
                if signal != self.signal and present:
                    raise LocatedValueError((key,), f"not used by signal {self.signal!r}")

    def _check_ranges(self) -> None:
        if self.max_reps is not None and self.max_reps < self.target_reps:
            raise LocatedValueError(
                ("max_reps",), f"must be at least target_reps ({self.target_reps})"
            )
        if self.max_rep_s <= self.min_rep_s:
            raise LocatedValueError(
                ("max_rep_s",), f"must be greater than min_rep_s ({self.min_rep_s})"
            )
        if self.pace_s is not None and not self.min_rep_s <= self.pace_s <= self.max_rep_s:
            raise LocatedValueError(
                ("pace_s",),
                f"must lie between min_rep_s and max_rep_s ({self.min_rep_s}...{self.max_rep_s})",
            )
        if self.target_peak_deg_max <= self.target_peak_deg_min:
            raise LocatedValueError(
                ("target_peak_deg_max",),
                f"must be greater than target_peak_deg_min ({self.target_peak_deg_min})",
            )

    def _check_counter(self) -> None:
        if self.signal == "circle":
            if self.direction != self.id.rsplit("_", 1)[-1]:
                raise LocatedValueError(("direction",), f"does not match the id {self.id!r}")
            high, low = "min_radius_deg", None
        else:
            high, low = COUNTER_KEYS[self.signal]
        high_value = float(getattr(self, high))
        if low is not None and high_value <= float(getattr(self, low)):
            raise LocatedValueError((high,), f"must be greater than {low} ({getattr(self, low)})")
        if high_value > self.target_peak_deg_min:
            raise LocatedValueError(
                (high,),
                f"must not exceed target_peak_deg_min ({self.target_peak_deg_min}), "
                "or reps that reach the target would not be counted",
            )

    def _check_cues(self) -> None:
        for rule in RULE_IDS:
            listed = rule in self.rules
            has_cue = self.cues.for_rule(rule) is not None
            if listed and not has_cue:
                raise LocatedValueError(("cues", rule), f"missing cue for rule {rule!r}")
            if has_cue and not listed:
                raise LocatedValueError(
                    ("cues", rule), f"cue for rule {rule!r}, which this exercise's rules omit"
                )

    def cue(self, rule: RuleId) -> str:
        """The exercise-specific cue for one of this exercise's rules."""
        cue = self.cues.for_rule(rule)
        if cue is None:
            raise KeyError(f"{self.id} has no rule {rule!r}")
        return cue


class PlannedSet(NamedTuple):
    """One set of the session: which leg works and which exercise it does."""

    side: Side
    exercise: ExerciseSpec


class Routine(_Strict):
    """The whole routine file."""

    name: Text
    version: Annotated[str, AfterValidator(_version_number)]
    side_order: Annotated[tuple[Side, ...], BeforeValidator(_as_tuple)]
    rest_between_exercises_s: float = Field(ge=0.0, le=600.0)
    rest_between_sides_s: float = Field(ge=0.0, le=600.0)
    progression: Text
    safety: Safety
    rules: Annotated[tuple[RuleSpec, ...], BeforeValidator(_as_tuple)] = Field(alias="rule")
    exercises: Annotated[tuple[ExerciseSpec, ...], BeforeValidator(_as_tuple)] = Field(
        alias="exercise"
    )

    @field_validator("side_order")
    @classmethod
    def _both_sides(cls, value: tuple[Side, ...]) -> tuple[Side, ...]:
        if sorted(value) != ["left", "right"]:
            raise ValueError('must name each working leg once, e.g. ["left", "right"]')
        return value

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_ids("rule", [r.id for r in self.rules], RULE_IDS, require_all=False)
        _check_ids("exercise", [e.id for e in self.exercises], EXERCISE_IDS, require_all=True)
        defined = {r.id: r for r in self.rules}
        for i, ex in enumerate(self.exercises):
            for rule in ex.rules:
                if rule not in defined:
                    raise LocatedValueError(
                        ("exercise", i, "rules"), f"rule {rule!r} has no [[rule]] table"
                    )
            _check_against_rules(i, ex, defined)
        return self

    def exercise(self, exercise_id: ExerciseId) -> ExerciseSpec:
        """The exercise with this id (every id is present exactly once)."""
        for ex in self.exercises:
            if ex.id == exercise_id:
                return ex
        raise KeyError(exercise_id)

    def rule(self, rule_id: RuleId) -> RuleSpec:
        """The rule with this id; KeyError if the file does not describe it."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def sets(self) -> list[PlannedSet]:
        """The sets of a session in order: every exercise for each working leg in turn."""
        return [PlannedSet(side, ex) for side in self.side_order for ex in self.exercises]


def _check_ids(table: str, ids: list[str], allowed: Sequence[str], *, require_all: bool) -> None:
    """Each id at most once; with ``require_all`` every allowed id present."""
    first: dict[str, int] = {}
    for i, item in enumerate(ids):
        if item in first:
            raise LocatedValueError(
                (table, i, "id"), f"duplicate id {item!r} (already {table}[{first[item]}])"
            )
        first[item] = i
    missing = [item for item in allowed if item not in first]
    if require_all and missing:
        raise LocatedValueError(
            (table,), f"missing {table} {', '.join(map(repr, missing))}; each must appear once"
        )


def _check_against_rules(index: int, ex: ExerciseSpec, rules: dict[RuleId, RuleSpec]) -> None:
    """Counter thresholds must agree with the rules that judge the same movement."""
    extension = rules.get("incomplete_extension")
    if (
        extension is not None
        and "incomplete_extension" in ex.rules
        and ex.extension_low_deg is not None
        and ex.extension_low_deg < -extension.threshold
    ):
        raise LocatedValueError(
            ("exercise", index, "extension_low_deg"),
            f"must be at least {-extension.threshold} (minus the incomplete_extension "
            "threshold), or kicks the counter rejects as incomplete would pass the rule",
        )


# --------------------------------------------------------------------------------------
# Mapping a data location to a line of the TOML text
# --------------------------------------------------------------------------------------


_FIX = "correct that line (the bundled hip_series.toml documents every key)"


def parse_routine(text: str, source: str = BUNDLED_NAME) -> Routine:
    """Parse and validate routine TOML text; ``source`` names it in error messages.

    Raises:
        ConfigError: on a TOML syntax error or any validation failure.
    """
    return parse_model(text, source, Routine, _FIX)


def load_routine(path: Path | None = None) -> Routine:
    """Load a routine file; ``None`` loads the bundled ``hip_series.toml``.

    Raises:
        ConfigError: the file cannot be read, is not valid TOML, or fails validation; the
            message names the file, the line and the key.
    """
    text, source = read_data_file(path, BUNDLED_NAME, "routine")
    return parse_routine(text, source)
