"""Score one analysis against a clip's ground truth: counts, directions, angles, rules, invariants.

Matching: a true set is matched to the found set of the same exercise and working leg that
overlaps it most in time (each found set used once); an unmatched true set counts 0 reps.
A found set whose count was WITHHELD (the view cannot support counting) is matched the same
way but scores as "withheld", never as a count.

- exact: the matched set's count equals the true count (withheld is not exact).
- phantom reps: every rep of a found set that matches no true set, plus reps of a matched
  set lying entirely outside its true set (sets whose count was withheld print no reps).
- direction: for a true circle set, the found circle set (either direction) that overlaps it
  most has the true direction; a withheld direction is not right.
- overlaps: pairs of found sets sharing time (an invariant: must be 0).
- abduction error: per frame, |measured - true| abduction of the working leg over exercise
  frames.
- rules: found reps are matched one-to-one to true reps by greatest overlap; recall per rule
  = faulted true reps whose found rep carries the rule's flag; precision = flags on reps
  whose true rep carries that fault / all the rule's rep flags. A rule the view cannot
  measure is counted as "not measurable" (the honest answer), never as a detection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hipcoach.analysis.analyze import BlockAnalysis
from hipcoach.analysis.result import AnalysisResult, SetResult
from hipcoach.evaluation.truth import ClipTruth, TrueRep, TrueSet


def overlap_s(a0: float, a1: float, b0: float, b1: float) -> float:
    """Length (s) of the intersection of two time spans."""
    return max(0.0, min(a1, b1) - max(a0, b0))


@dataclass
class SetScore:
    """One true set and what the analysis made of it."""

    exercise: str
    true_reps: int
    found_reps: int | None  # None: no matching set, or its count was withheld
    withheld: bool = False
    direction_ok: bool | None = None  # circle sets only; None: no circle set found

    @property
    def exact(self) -> bool:
        """The printed count equals the truth."""
        return self.found_reps == self.true_reps and not self.withheld

    @property
    def error(self) -> int:
        """|found - true| (0 reps when unmatched; withheld counts as unmatched)."""
        return abs((self.found_reps or 0) - self.true_reps)


@dataclass
class RuleScore:
    """Per-rule detection counts (summable over clips)."""

    faulted: int = 0
    detected: int = 0
    flags: int = 0
    true_flags: int = 0
    not_measurable_sets: int = 0
    clean_reps: int = 0
    clean_flags: int = 0

    def add(self, other: RuleScore) -> None:
        """Add another clip's counts."""
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))


@dataclass
class ClipScore:
    """Everything measured on one clip."""

    name: str
    tags: dict[str, object]
    sets: list[SetScore] = field(default_factory=list)
    phantom_reps: int = 0
    overlapping_pairs: int = 0
    angle_err_sum: float = 0.0
    angle_n: int = 0
    rules: dict[str, RuleScore] = field(default_factory=dict)
    read_view: str = ""
    found: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _describe(s: SetResult) -> str:
    count = "?" if s.count_withheld else str(s.reps)
    return f"{s.side[0].upper()} {s.exercise} {count} [{s.start_s:.1f}-{s.end_s:.1f}]"


def match_sets(truth: ClipTruth, found: Sequence[SetResult]) -> dict[int, int]:
    """True set index -> found set index (see the module docstring)."""
    used: dict[int, int] = {}
    for i, ts in sorted(enumerate(truth.sets), key=lambda p: p[1].start_s):
        cands = [
            (overlap_s(fs.start_s, fs.end_s, ts.start_s, ts.end_s), k)
            for k, fs in enumerate(found)
            if k not in used.values() and _same_exercise(fs, ts) and fs.side == ts.side
        ]
        best = max((c for c in cands if c[0] > 0), default=None)
        if best is not None:
            used[i] = best[1]
    return used


def _same_exercise(found: SetResult, true: TrueSet) -> bool:
    """Same exercise; a circle set whose direction was withheld matches either direction
    (its count is scored, its direction is not right)."""
    if found.direction_withheld is not None and true.direction is not None:
        return found.exercise.startswith("leg_circle")
    return found.exercise == true.exercise


def _direction_ok(ts: TrueSet, found: Sequence[SetResult]) -> bool | None:
    if ts.direction is None:
        return None
    circles = [
        (overlap_s(fs.start_s, fs.end_s, ts.start_s, ts.end_s), fs.direction)
        for fs in found
        if fs.direction is not None and fs.side == ts.side
    ]
    best = max((c for c in circles if c[0] > 0), default=None)
    return None if best is None else best[1] == ts.direction


def overlapping_pairs(found: Sequence[SetResult]) -> list[tuple[int, int]]:
    """Pairs of found sets that share time (the analysis must never produce one)."""
    return [
        (i, j)
        for i in range(len(found))
        for j in range(i + 1, len(found))
        if overlap_s(found[i].start_s, found[i].end_s, found[j].start_s, found[j].end_s) > 0
    ]


def score_clip(
    truth: ClipTruth,
    result: AnalysisResult,
    blocks: Sequence[BlockAnalysis] = (),
    rule_ids: Sequence[str] = (),
) -> ClipScore:
    """Counts, directions, phantoms, invariants, angles and rules of one clip."""
    found = result.sets
    score = ClipScore(truth.name, dict(truth.tags), read_view=result.view)
    score.found = [_describe(s) for s in found]
    matched = match_sets(truth, found)
    for i, ts in enumerate(truth.sets):
        fs = found[matched[i]] if i in matched else None
        score.sets.append(
            SetScore(
                ts.exercise,
                ts.n_reps,
                None if fs is None or fs.count_withheld else fs.reps,
                withheld=fs is not None and bool(fs.count_withheld),
                direction_ok=_direction_ok(ts, found),
            )
        )
    true_of = {k: truth.sets[i] for i, k in matched.items()}
    for k, fs in enumerate(found):
        matched_set = true_of.get(k)
        if matched_set is None:
            score.phantom_reps += 0 if fs.count_withheld else fs.reps
            score.notes.append(f"unmatched {score.found[k]}")
            continue
        for a, b in fs.rep_times if fs.counted else ():  # a withheld count prints no rep
            if overlap_s(a, b, matched_set.start_s, matched_set.end_s) <= 0:
                score.phantom_reps += 1
                score.notes.append(f"stray {fs.exercise} rep [{a:.1f}-{b:.1f}]")
    score.overlapping_pairs = len(overlapping_pairs(found))
    _score_angles(score, blocks, truth)
    score.rules = score_rules(truth, found, rule_ids)
    return score


def _score_angles(score: ClipScore, blocks: Sequence[BlockAnalysis], truth: ClipTruth) -> None:
    """Abduction error over exercise frames; block frames mapped to truth frames by time."""
    if len(truth.t) < 2:
        return
    dt = float(np.median(np.diff(truth.t)))
    for b in blocks:
        if b.signals is None or b.view.working_leg != truth.working_leg:
            continue
        t = b.signals.times_s
        j = np.clip(np.searchsorted(truth.t, t), 1, len(truth.t) - 1)
        j = np.where(np.abs(truth.t[j - 1] - t) <= np.abs(truth.t[j] - t), j - 1, j)
        a = b.signals.abduction_2d_deg
        use = (np.abs(truth.t[j] - t) <= 0.5 * dt) & np.isfinite(a) & truth.in_exercise[j]
        err = np.abs(a[use] - truth.abduction_deg[j[use]])
        score.angle_err_sum += float(err.sum())
        score.angle_n += int(use.sum())


def _match_reps(
    true_reps: Sequence[TrueRep], found: Sequence[tuple[float, float, int, int]]
) -> dict[int, int]:
    """Found rep index -> true rep index, one-to-one by greatest overlap."""
    pairs = sorted(
        (
            (overlap_s(fa, fb, tr.start_s, tr.end_s), fi, ti)
            for fi, (fa, fb, _, _) in enumerate(found)
            for ti, tr in enumerate(true_reps)
        ),
        reverse=True,
    )
    out: dict[int, int] = {}
    taken: set[int] = set()
    for ov, fi, ti in pairs:
        if ov > 0 and fi not in out and ti not in taken:
            out[fi] = ti
            taken.add(ti)
    return out


def score_rules(
    truth: ClipTruth, found: Sequence[SetResult], rule_ids: Sequence[str] = ()
) -> dict[str, RuleScore]:
    """Per-rule recall/precision counts (see the module docstring), for ``rule_ids`` and
    every rule that flagged or was injected."""
    true_reps = [r for ts in truth.sets for r in ts.reps]
    reps = [(a, b, k, n) for k, fs in enumerate(found) for n, (a, b) in enumerate(fs.rep_times)]
    match = _match_reps(true_reps, reps)
    rules: dict[str, RuleScore] = {}
    unmeasurable: dict[str, set[int]] = {}
    flagged: dict[str, set[int]] = {}
    for k, fs in enumerate(found):
        for f in fs.flags:
            rs = rules.setdefault(f.rule, RuleScore())
            if not f.measurable:
                unmeasurable.setdefault(f.rule, set()).add(k)
                rs.not_measurable_sets += 1
                continue
            if f.rep is None:
                continue
            fi = next(i for i, r in enumerate(reps) if r[2] == k and r[3] == f.rep - 1)
            flagged.setdefault(f.rule, set()).add(fi)
    for rule in set(rules) | set(rule_ids) | {r for tr in true_reps for r in tr.faults}:
        rs = rules.setdefault(rule, RuleScore())
        hits = flagged.get(rule, set())
        rs.flags += len(hits)
        for fi in hits:
            ti = match.get(fi)
            if ti is not None and rule in true_reps[ti].faults:
                rs.true_flags += 1
            elif ti is not None and not true_reps[ti].faults:
                rs.clean_flags += 1
        rs.clean_reps += sum(1 for tr in true_reps if not tr.faults)
        for ti, tr in enumerate(true_reps):
            if rule in tr.faults:
                rs.faulted += 1
                rs.detected += any(match.get(fi) == ti for fi in hits)
    return rules
