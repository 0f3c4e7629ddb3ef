"""Fault-suite counting (hipcoach.evaluation.faults) on a hand-made truth and result: recall,
uncounted reps, precision, false alarms on clean and on other reps, not measurable rules."""

from __future__ import annotations

import numpy as np

from hipcoach.analysis.result import AnalysisResult, Flag, SetResult
from hipcoach.evaluation.faults import (
    FAULT_SIZES,
    RULE_FAULTS,
    by_short_name,
    exercise_rules,
    fault_script,
    fault_table,
    pool,
    score_faults,
)
from hipcoach.evaluation.score import RuleCount
from hipcoach.evaluation.truth import ClipTruth, TrueRep, TrueSet
from hipcoach.synth.program import exercise_id

RULES_OF = {
    "small_leg_raise": ("toes_up", "knee_bent", "tempo"),
    "bicycle_sidekick": ("pelvis_roll",),
}


def rep(a: float, *rules: str) -> TrueRep:
    return TrueRep(a, a + 1.0, frozenset(rules))


TRUTH = ClipTruth(
    name="f",
    placement="front",
    lying_on="left",
    working_leg="right",
    sets=(
        TrueSet(
            "small_leg_raise",
            "right",
            0.0,
            4.0,
            (rep(0.0), rep(1.0, "toes_up"), rep(2.0, "toes_up"), rep(3.0, "knee_bent")),
        ),
        TrueSet("bicycle_sidekick", "right", 5.0, 6.0, (rep(5.0),)),
    ),
    t=np.arange(0.0, 12.0, 0.1),
    exercise=np.full(120, "rest"),
    abduction_deg=np.zeros(120),
)


def found(exercise: str, reps: list[tuple[float, float]], flags: list[Flag]) -> SetResult:
    return SetResult(
        side="right",
        exercise=exercise,
        reps=len(reps),
        start_s=reps[0][0],
        end_s=reps[-1][1],
        rep_times=reps,
        flags=flags,
    )


def flag(rule: str, rep: int | None, measurable: bool = True) -> Flag:
    return Flag(rule, rep, 10.0 if measurable else None, "deg", measurable)


RESULT = AnalysisResult(
    "front",
    "left",
    [
        # the third true rep (2-3 s) is not counted; found rep 3 is the knee-bent rep
        found(
            "small_leg_raise",
            [(0.0, 1.0), (1.0, 2.0), (3.0, 4.0)],
            [
                flag("toes_up", 2),  # on the toes-up rep: a hit
                flag("toes_up", 1),  # on the clean rep: a false alarm
                flag("toes_up", 3),  # on the knee-bent rep: another fault's rep
                flag("knee_bent", None, measurable=False),
            ],
        ),
        found("big_leg_lift", [(10.0, 11.0)], [flag("toes_up", 1)]),  # on no true rep
    ],
)


def test_recall_precision_and_false_alarms_of_a_rule() -> None:
    c = score_faults(RESULT, TRUTH, RULES_OF)["toes_up"]
    assert (c.injected, c.detected, c.no_rep) == (2, 1, 1)
    assert (c.flags, c.hits, c.clean_alarms, c.other_alarms) == (4, 1, 1, 2)
    assert c.other_by == {"knee_bend_deg": 1, "none": 1}
    assert c.clean_reps == 1
    assert c.by_exercise == {"small_leg_raise": (1, 2)}
    assert (c.recall, c.precision) == (0.5, 0.25)


def test_a_rule_the_view_cannot_measure_is_not_counted_as_missed() -> None:
    c = score_faults(RESULT, TRUTH, RULES_OF)["knee_bent"]
    assert (c.not_measurable, c.nm_injected, c.injected, c.clean_reps) == (1, 1, 0, 0)


def test_a_rule_counts_only_the_sets_of_exercises_that_list_it() -> None:
    counts = score_faults(RESULT, TRUTH, RULES_OF)
    assert list(counts) == list(RULE_FAULTS)
    assert counts["pelvis_roll"].clean_reps == 1  # the bicycle rep only
    assert counts["tempo"].clean_reps == 1  # the clean raise only
    assert counts["trunk_leg_alignment"] == RuleCount()


def test_counts_pool_per_rule_and_view() -> None:
    pooled: dict[tuple[str, str], RuleCount] = {}
    counts = score_faults(RESULT, TRUTH, RULES_OF)
    pool(pooled, counts, "front")
    pool(pooled, counts, "front")
    pool(pooled, counts, "front_high")
    c = pooled[("toes_up", "front")]
    assert (c.injected, c.detected, c.flags, c.hits) == (4, 2, 8, 2)
    assert c.other_by == {"knee_bend_deg": 2, "none": 2}
    assert c.by_exercise == {"small_leg_raise": (2, 4)}
    assert pooled[("toes_up", "front_high")].injected == 2


def test_fault_table_names_exercises_short_and_pools_the_circles() -> None:
    c = RuleCount(
        by_exercise={"big_leg_lift": (1, 2), "leg_circle_cw": (1, 1), "leg_circle_ccw": (0, 1)}
    )
    assert by_short_name(c) == {"big": (1, 2), "circle": (1, 2)}


def test_fault_table_rows() -> None:
    pooled: dict[tuple[str, str], RuleCount] = {}
    pool(pooled, score_faults(RESULT, TRUTH, RULES_OF), "front")
    table = fault_table("faults", pooled)
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["toes_up <- toes_up_deg"] == [
        "front",
        "0.50 (1/2, 1 uncounted)",
        "small 1/2",
        "0.25 (1/4)",
        "1 of 1",
        "2 (knee_bend_deg 1, none 1)",
    ]
    assert rows["knee_bent <- knee_bend_deg"] == [
        "front",
        "not measurable (1 injected)",
        "-",
        "-",
        "-",
        "-",
    ]
    assert rows["tempo <- momentum"] == ["front", "- (0/0)", "", "- (0/0)", "0 of 1", "0"]


def test_fault_script_injects_each_fault_only_where_its_rule_applies() -> None:
    rules = exercise_rules()
    segs = fault_script([2, 4])
    assert segs[0] == {"kind": "rest", "s": 1.5}
    sets = [s for s in segs if s["kind"] != "rest"]
    assert all(s["kind"] == "rest" for s in segs[2::2])  # a rest after every set
    for seg in sets:
        (key,) = [k for k in RULE_FAULTS.values() if k in seg]
        rule = next(r for r, k in RULE_FAULTS.items() if k == key)
        assert rule in rules[exercise_id(seg)]
        if key == "momentum":
            assert seg["kind"] != "leg_circle" and seg[key] == [2, 4]
        else:
            assert seg[key] == {"deg": FAULT_SIZES[key], "reps": [2, 4]}
    assert {k for s in sets for k in RULE_FAULTS.values() if k in s} == set(RULE_FAULTS.values())
