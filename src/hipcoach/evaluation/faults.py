"""The fault suite: reps with injected form faults, and per-rule recall and precision.

Synthetic sessions (``hipcoach.synth``): single-side, views front and front_high, both lying
sides, 1.0 px + 0.01 m noise, 30 fps, two seeds; 5-rep small raises, big lifts and circles,
one fault type per set injected in a known subset of reps (seed 0: reps 2 and 4, seed 1:
reps 1 and 5; the others clean), well above the thresholds: toes up 35 deg (rule toes_up),
knee bend 35 deg (knee_bent), leg forward 30 deg (trunk_leg_alignment), pelvis roll 20 deg
(pelvis_roll), momentum (tempo; raises only: the generator's momentum changes raises only).
A fault goes only into exercises that list its rule. Rendered clips with injected faults
are scored the same way (``hipcoach.evaluation.rendered``).

Scoring: found reps are matched to true reps one-to-one by greatest time overlap
(``score.match_reps``; not via sets, so a rep counted in a merged or misread set still
counts). Per rule, over the true sets of exercises that list the rule: recall = faulted reps
whose found rep has the rule's flag / faulted reps ("uncounted": no found rep); precision =
flags on faulted reps / all the rule's rep flags; false alarms on clean (fault-free) reps;
false flags on reps with another fault (or on no true rep). A rule the view excludes (the
analysis says "not measurable from this view") reads "not measurable": correct behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.analysis.result import AnalysisResult
from hipcoach.evaluation.score import found_rep_spans, match_reps
from hipcoach.evaluation.synthetic import SIDES, VARIATION, synth_truth
from hipcoach.evaluation.tables import Table, fmt
from hipcoach.evaluation.truth import FAULT_RULES, ClipTruth, TrueRep
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
_SHORT = {"small_leg_raise": "small", "big_leg_lift": "big"}


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


@dataclass
class RuleCount:
    """Fault-suite counts of one rule (per session, or pooled)."""

    injected: int = 0  # true reps with the rule's fault, rule measurable
    detected: int = 0  # ... whose matched found rep carries the rule's flag
    no_rep: int = 0  # ... with no found rep matched
    flags: int = 0  # measurable fault flags of the rule on reps
    hits: int = 0  # ... on a found rep matched to a true rep with the rule's fault
    clean_alarms: int = 0  # ... on a found rep matched to a clean true rep
    other_alarms: int = 0  # ... on a rep with another fault, or on no true rep
    other_by: dict[str, int] = field(default_factory=dict)  # ... per fault ("none": no rep)
    clean_reps: int = 0  # clean true reps in sets the rule applies to
    not_measurable: int = 0  # sets with the rule's "not measurable from this view" flag
    nm_injected: int = 0  # faulted true reps in sets where the rule was not measurable
    by_exercise: dict[str, tuple[int, int]] = field(default_factory=dict)  # (detected, inj)

    def add(self, other: RuleCount) -> None:
        """Pool ``other`` into this one."""
        for f in fields(self):
            if f.name not in ("by_exercise", "other_by"):
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        for key, v in other.other_by.items():
            self.other_by[key] = self.other_by.get(key, 0) + v
        for ex, (d, n) in other.by_exercise.items():
            d0, n0 = self.by_exercise.get(ex, (0, 0))
            self.by_exercise[ex] = (d0 + d, n0 + n)

    @property
    def recall(self) -> float:
        """Detected / injected faulted reps (NaN without any)."""
        return self.detected / self.injected if self.injected else float("nan")

    @property
    def precision(self) -> float:
        """Flags on a rep with the rule's fault / all the rule's flags (NaN without any)."""
        return self.hits / self.flags if self.flags else float("nan")


def _true_reps(truth: ClipTruth) -> list[tuple[int, int, TrueRep]]:
    """(set index, rep index within the set, rep) of every true rep."""
    return [(j, i, r) for j, ts in enumerate(truth.sets) for i, r in enumerate(ts.reps)]


def score_faults(
    result: AnalysisResult,
    truth: ClipTruth,
    rules_of: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, RuleCount]:
    """Per suite rule: injected/detected reps, flags and their attribution (``RuleCount``).

    ``rules_of``: exercise id -> its rules (default: the routine's).
    """
    rules_of = exercise_rules() if rules_of is None else rules_of
    true = _true_reps(truth)
    found = found_rep_spans(result.sets)
    spans = [(r.start_s, r.end_s, truth.sets[j].side) for j, _, r in true]
    match = match_reps(spans, [s for _, _, s in found])
    rep_of = {found[fi][:2]: true[ti][2] for fi, ti in match.items()}
    found_of = {true[ti][:2]: found[fi][:2] for fi, ti in match.items()}
    # The view rules a rule out for every set of an exercise: "not measurable" flags.
    nm = {(fs.exercise, f.rule) for fs in result.sets for f in fs.flags if not f.measurable}
    flagged = {
        (k, f.rep, f.rule) for k, fs in enumerate(result.sets) for f in fs.flags if f.measurable
    }
    counts = {rule: RuleCount() for rule in RULE_FAULTS}
    for rule, c in counts.items():
        for j, ts in enumerate(truth.sets):
            if rule not in rules_of[ts.exercise]:
                continue
            faulted = [i for i, r in enumerate(ts.reps) if rule in r.faults]
            if (ts.exercise, rule) in nm:
                c.not_measurable += 1
                c.nm_injected += len(faulted)
                continue
            c.clean_reps += sum(not r.faults for r in ts.reps)
            ex = _SHORT.get(ts.exercise, "circle")
            for i in faulted:
                hit = found_of.get((j, i))
                ok = hit is not None and (*hit, rule) in flagged
                c.injected += 1
                c.detected += ok
                c.no_rep += hit is None
                d, n = c.by_exercise.get(ex, (0, 0))
                c.by_exercise[ex] = (d + ok, n + 1)
    _attribute_flags(result, rep_of, counts)
    return counts


def _attribute_flags(
    result: AnalysisResult, rep_of: Mapping[tuple[int, int], TrueRep], counts: dict[str, RuleCount]
) -> None:
    """Count each measurable rep flag as a hit, a clean alarm or another alarm."""
    for k, fs in enumerate(result.sets):
        for f in fs.flags:
            if not f.measurable or f.rep is None or f.rule not in counts:
                continue
            c = counts[f.rule]
            c.flags += 1
            r = rep_of.get((k, f.rep))
            if r is not None and f.rule in r.faults:
                c.hits += 1
            elif r is not None and not r.faults:
                c.clean_alarms += 1
            else:
                c.other_alarms += 1
                names = sorted(RULE_FAULTS[x] for x in r.faults) if r is not None else ["none"]
                for name in names:
                    c.other_by[name] = c.other_by.get(name, 0) + 1


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
        by_ex = " ".join(f"{ex} {d}/{n}" for ex, (d, n) in c.by_exercise.items())
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
