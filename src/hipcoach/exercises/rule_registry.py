"""The form rules hipcoach knows: one entry per rule, the list every layer derives from.

A rule has ONE name (its id) in the routine file, the analysis flags, JSON, the history
database, cues and docs. This module gives, per rule: the unit of its measured value, what
is measured (plain words, shown in the docs table) and its cue priority (1 = said first
when several rules break at once). The routine file
(``hip_series.toml``) gives each rule's title, threshold, direction, views and cue text, and
the exercises' own thresholds; the measure functions are ``MEASURES`` in
``hipcoach.analysis.rules``, keyed by the same ids. Derived from this list: the routine
schema's rule ids, units and cue fields (``exercises.routine``), the cue order
(``analysis.cues``) and the docs table (``exercises.rules_table``).

Adding a rule: an entry here (and its id in :data:`RuleId`), its measure in
``analysis/rules.py``, its ``[[rule]]`` table and cues in the routine file; the tests in
``tests/unit/test_rule_registry.py`` fail until all three agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

RuleId = Literal[
    "pelvis_roll",
    "toes_up",
    "trunk_leg_alignment",
    "knee_bent",
    "range_of_motion",
    "tempo",
    "circle_size",
    "incomplete_extension",
]
Unit = Literal["deg", "s"]


@dataclass(frozen=True)
class RuleDef:
    """What a rule is, independent of any routine file: id, unit, what is measured."""

    id: RuleId
    #: Unit of the measured value: degrees or seconds.
    unit: Unit
    #: Cue priority: 1 = said first when several rules break at once.
    cue_priority: int
    #: The measured value in plain words ("the middle of a rep" = its middle half).
    measures: str


#: Every rule, in the routine file's order.
RULES: Final[tuple[RuleDef, ...]] = (
    RuleDef(
        "pelvis_roll",
        "deg",
        1,
        "80th percentile of the pelvis roll's size (about the body's long axis, from the "
        "set's start) in the middle of the rep",
    ),
    RuleDef("toes_up", "deg", 3, "median foot turn-up (heel to toes) in the middle of the rep"),
    RuleDef(
        "trunk_leg_alignment",
        "deg",
        2,
        "median of how far the leg is forward of the body line in the middle of the rep",
    ),
    RuleDef(
        "knee_bent",
        "deg",
        4,
        "median knee flexion in the middle of the rep minus its median with the leg down",
    ),
    RuleDef(
        "range_of_motion",
        "deg",
        6,
        "how far the rep's peak angle lies outside the target band",
    ),
    RuleDef(
        "tempo",
        "s",
        5,
        "lift time: the rep's abduction amplitude over its fast (95th percentile) speed",
    ),
    RuleDef("circle_size", "deg", 8, "how far the circle's radius lies outside the target band"),
    RuleDef(
        "incomplete_extension",
        "deg",
        7,
        "how far behind the body the thigh gets between the kick and the next rep (+ = behind)",
    ),
)

#: The rule ids, in the routine file's order.
RULE_IDS: Final[tuple[RuleId, ...]] = tuple(r.id for r in RULES)
#: The unit of each rule's measured value.
UNIT_OF: Final[dict[RuleId, Unit]] = {r.id: r.unit for r in RULES}


def rule_def(rule_id: str) -> RuleDef:
    """The entry of ``rule_id``; KeyError for an id hipcoach does not know."""
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)


def cue_rank(rule_id: str) -> int:
    """Cue priority of ``rule_id`` (0 = said first); unknown ids rank after every rule."""
    return _RANK.get(rule_id, len(RULES))


_RANK: Final[dict[str, int]] = {r.id: r.cue_priority - 1 for r in RULES}
