"""The fault suite: reps with injected form faults, and per-rule recall and precision.

Synthetic sessions (``hipcoach.synth``): single-side, views front and front_high, both lying
sides, 1.0 px + 0.01 m noise, 30 fps, two seeds; 5-rep small raises, big lifts and circles,
one fault type per set injected in a known subset of reps (seed 0: reps 2 and 4, seed 1:
reps 1 and 5; the others clean), well above the thresholds: toes up 35 deg (rule toes_up),
knee bend 35 deg (knee_bent), leg forward 30 deg (trunk_leg_alignment), pelvis roll 20 deg
(pelvis_roll), momentum (tempo; raises only: the generator's momentum changes raises only).
A fault goes only into exercises that list its rule. Rendered clips with injected faults
are scored the same way (``hipcoach.evaluation.rendered``).

Scoring: per rule and view, recall, precision, false alarms on clean (fault-free) reps and
false flags on reps with another fault, as ``hipcoach.evaluation.score`` defines them. A
rule the view excludes (the analysis says "not measurable from this view") reads "not
measurable": correct behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.analysis.result import AnalysisResult
from hipcoach.evaluation.score import RuleCount, score_rules
from hipcoach.evaluation.synthetic import SIDES, VARIATION, synth_truth
from hipcoach.evaluation.tables import Table, fmt
from hipcoach.evaluation.truth import FAULT_RULES, ClipTruth
from hipcoach.exercises.routine import load_routine
from hipcoach.synth.program import exercise_id
from hipcoach.synth.sidelying import SideLyingScript, generate
from hipcoach.synth.skeleton import View

#: The suite's faults (generator keys), in table order; each one's rule is ``FAULT_RULES``.
SUITE_FAULTS = ("toes_up_deg", "knee_bend_deg", "leg_forward_deg", "pelvis_roll_deg", "momentum")
#: Rule id -> the generator's fault key.
RULE_FAULTS = {FAULT_RULES[f]: f for f in SUITE_FAULTS}
#: Injected size (deg) of each angle fault (momentum is on or off).
FAULT_SIZES = {
    "toes_up_deg": 35.0,
    "knee_bend_deg": 35.0,
    "leg_forward_deg": 30.0,
    "pelvis_roll_deg": 20.0,
}
FAULT_VIEWS: tuple[View, ...] = ("front", "front_high")
#: Landmark noise: pixel (px) and world (m) standard deviations.
FAULT_NOISE = {"pixel_noise_px": 1.0, "world_noise_m": 0.01}
#: Faulted reps (1-based, within each 5-rep set) per seed; the other reps are clean.
FAULT_REPS = ((2, 4), (1, 5))
FAULT_SEEDS = 2
FAULT_SETS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("small_leg_raise", {"reps": 5, "rep_s": 1.5, "peak_deg": 20.0}),
    ("big_leg_lift", {"reps": 5, "rep_s": 2.0, "peak_deg": 45.0}),
    ("leg_circle", {"reps": 5}),
)
#: Exercise id -> its short name in the fault table (circles: "circle").
SHORT_NAMES = {"small_leg_raise": "small", "big_leg_lift": "big"}


def exercise_rules() -> dict[str, tuple[str, ...]]:
    """Exercise id -> its form rules, from the routine."""
    return {ex.id: tuple(ex.rules) for ex in load_routine().exercises}


def fault_script(reps: Sequence[int]) -> list[dict[str, Any]]:
    """One fault type per set, the exercises interleaved so consecutive sets differ.

    A fault goes only into exercises whose rules include its rule, and momentum only into
    raises (the generator's momentum changes raises only); 1.5 s rest first, 2 s after
    each set.
    """
    rules = exercise_rules()
    segs: list[dict[str, Any]] = [{"kind": "rest", "s": 1.5}]
    for i, (rule, key) in enumerate(RULE_FAULTS.items()):
        for kind, extra in FAULT_SETS:
            seg = {"kind": kind, **VARIATION, **extra}
            if kind == "leg_circle":
                seg["direction"] = "ccw" if i % 2 == 0 else "cw"
                if key == "momentum":
                    continue
            if rule not in rules[exercise_id(seg)]:
                continue
            size = FAULT_SIZES.get(key, 0.0)
            seg[key] = list(reps) if key == "momentum" else {"deg": size, "reps": list(reps)}
            segs += [seg, {"kind": "rest", "s": 2.0}]
    return segs


def score_faults(
    result: AnalysisResult,
    truth: ClipTruth,
    rules_of: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, RuleCount]:
    """Counts of the suite's rules (``score.score_rules``), in ``RULE_FAULTS`` order;
    ``rules_of``: exercise id -> its rules (default: the routine's)."""
    return score_rules(truth, result.sets, tuple(RULE_FAULTS), rules_of)


def pool(
    pooled: dict[tuple[str, str], RuleCount], counts: Mapping[str, RuleCount], view: str
) -> None:
    """Add one session's counts to ``pooled`` under (rule, view)."""
    for rule, c in counts.items():
        pooled.setdefault((rule, view), RuleCount()).add(c)


def run_fault_suite(
    seeds: int = FAULT_SEEDS,
    progress: Callable[[str, dict[str, RuleCount]], None] | None = None,
) -> tuple[dict[tuple[str, str], RuleCount], int]:
    """Generate, analyse and score the fault sessions; counts pooled per (rule, view), and
    the number of sessions."""
    pooled: dict[tuple[str, str], RuleCount] = {}
    n = 0
    for view in FAULT_VIEWS:
        for side in SIDES:
            for seed in range(seeds):
                reps = FAULT_REPS[seed % len(FAULT_REPS)]
                script = SideLyingScript(
                    fault_script(reps), side_lying_on=side, view=view, fps=30.0, seed=200 + seed
                )
                session = generate(
                    script,
                    pixel_noise_px=FAULT_NOISE["pixel_noise_px"],
                    world_noise_m=FAULT_NOISE["world_noise_m"],
                )
                result, _ = analyze_sequence(session.sequence)
                counts = score_faults(result, synth_truth(session.truth))
                pool(pooled, counts, view)
                n += 1
                if progress is not None:
                    progress(f"faults {side}/{view}/seed{seed}", counts)
    return pooled, n


def by_short_name(c: RuleCount) -> dict[str, tuple[int, int]]:
    """(detected, injected) per short exercise name (``SHORT_NAMES``), in order of first
    appearance."""
    out: dict[str, tuple[int, int]] = {}
    for ex, (d, n) in c.by_exercise.items():
        name = SHORT_NAMES.get(ex, "circle")
        d0, n0 = out.get(name, (0, 0))
        out[name] = (d0 + d, n0 + n)
    return out


def fault_table(title: str, pooled: Mapping[tuple[str, str], RuleCount]) -> Table:
    """Per rule and view: recall, precision, false alarms on clean and on other reps."""
    table = Table(
        title,
        [
            "rule <- injected fault",
            "view",
            "recall",
            "recall by exercise",
            "precision",
            "false alarms on clean reps",
            "false flags on other reps (their fault)",
        ],
    )
    for (rule, view), c in pooled.items():
        label = f"{rule} <- {RULE_FAULTS[rule]}"
        if c.not_measurable and not c.injected:
            nm = f"not measurable ({c.nm_injected} injected)"
            table.add(label, view, nm, "-", "-", "-", "-")
            continue
        miss = f", {c.no_rep} uncounted" if c.no_rep else ""
        by_ex = " ".join(f"{ex} {d}/{n}" for ex, (d, n) in by_short_name(c).items())
        other = ", ".join(f"{k} {v}" for k, v in c.other_by.items())
        table.add(
            label,
            view,
            f"{fmt(c.recall, 2)} ({c.detected}/{c.injected}{miss})",
            by_ex,
            f"{fmt(c.precision, 2)} ({c.hits}/{c.flags})",
            f"{c.clean_alarms} of {c.clean_reps}",
            f"{c.other_alarms}" + (f" ({other})" if other else ""),
        )
    return table
