"""The rule registry is the one list of rules: the schema, measures, cues and docs agree with it."""

from __future__ import annotations

import itertools
from typing import get_args

import pytest

from hipcoach.analysis.cues import CueSelector
from hipcoach.analysis.result import Flag
from hipcoach.analysis.rules import MEASURES
from hipcoach.config import CueSettings
from hipcoach.errors import ConfigError
from hipcoach.exercises.routine import BUNDLED_NAME, ExerciseCues, load_routine, parse_routine
from hipcoach.exercises.rule_registry import RULE_IDS, RULES, UNIT_OF, RuleId, cue_rank, rule_def
from hipcoach.exercises.rules_table import rules_markdown
from hipcoach.exercises.toml_errors import read_data_file

ROUTINE = load_routine()


def test_registry_lists_each_rule_of_the_type_once() -> None:
    assert sorted(RULE_IDS) == sorted(get_args(RuleId))
    assert len(set(RULE_IDS)) == len(RULE_IDS)


def test_every_registered_rule_has_a_measure_and_a_routine_table() -> None:
    assert set(MEASURES) == set(RULE_IDS)
    assert [r.id for r in ROUTINE.rules] == list(RULE_IDS)
    for rule in ROUTINE.rules:
        assert rule.unit == UNIT_OF[rule.id] == rule_def(rule.id).unit


def test_cue_fields_of_the_routine_schema_come_from_the_registry() -> None:
    assert set(ExerciseCues.model_fields) == {"setup", "movement", *RULE_IDS}


def test_a_routine_unit_that_disagrees_with_the_registry_is_refused() -> None:
    text, _ = read_data_file(None, BUNDLED_NAME, "routine")
    tempo = 'id = "tempo"\ntitle = "Too fast"\nunit = "s"'
    wrong = text.replace(tempo, tempo.replace('"s"', '"deg"'))
    assert wrong != text
    with pytest.raises(ConfigError, match="measured in 's'"):
        parse_routine(wrong)


def test_cue_priorities_are_a_ranking_without_ties() -> None:
    assert sorted(r.cue_priority for r in RULES) == list(range(1, len(RULES) + 1))
    assert cue_rank("no_such_rule") == len(RULES)
    with pytest.raises(KeyError):
        rule_def("no_such_rule")


@pytest.mark.parametrize("pair", list(itertools.combinations(RULE_IDS, 2)))
def test_the_cue_said_first_is_the_registry_priority(pair: tuple[str, str]) -> None:
    flags = [Flag(rule, 1, 30.0, "deg", True, f"cue {rule}") for rule in pair]
    chosen = CueSelector(CueSettings(cooldown_s=0.0, repeat_after_s=0.0)).offer(0.0, flags)
    expected = min(pair, key=lambda r: rule_def(r).cue_priority)
    assert chosen is not None and chosen.rule == expected


def test_docs_table_shows_what_each_rule_measures_and_its_priority() -> None:
    table = rules_markdown(ROUTINE)
    for rule in RULES:
        row = next(line for line in table.splitlines() if line.startswith(f"| `{rule.id}` |"))
        assert rule.measures in row
        assert row.rstrip().endswith(f"({rule.cue_priority}) |")
        assert row.count("|") == 8  # no stray pipe breaks the Markdown row
