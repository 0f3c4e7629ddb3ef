"""Score one analysis against a session's ground truth: counts, directions, angles, phantoms,
invariants and rules. Times in s, angles in deg.

Matching: a true set is matched to the found set of the same exercise and working leg that
overlaps it most in time (each found set used once); an unmatched true set counts 0 reps.
A found set whose count was WITHHELD (the view cannot support counting) is matched the same
way but scores as "withheld", never as a count.

- exact: the matched set's count equals the true count (withheld is not exact).
- rep-count error: |found - true| reps per true set (unmatched or withheld: 0 found).
- direction: for a true circle set, the found circle set of the same leg (either direction)
  that overlaps it most has the true direction; a withheld direction is not right. Sets
  with no overlapping found circle set are not judged.
- phantom reps, three kinds (a withheld count prints no reps, so has none):
  *unmatched*: every rep of a found set that matches no true set; *rest*: a rep of a
  matched set lying entirely in a true rest / break / transition (getting down or up, side
  switch); *stray*: any other rep of a matched set lying outside its true set (e.g. circles
  counted as extra big lifts).
- overlaps: pairs of found sets sharing time (an invariant: must be 0).
- abduction error: per frame, |``abduction_2d_deg`` of the analysed block - true
  working-leg abduction| over exercise frames, block frames mapped to truth frames by time
  (nearest within half a frame); coverage is the share of exercise frames with a reading.
- rules, per rule over the true sets of exercises that list it: found reps are matched
  one-to-one to true reps of the same leg by greatest overlap (:func:`match_reps`; not via
  sets, so a rep counted in a merged or misread set still counts). Recall = faulted reps
  whose found rep carries the rule's flag / faulted reps ("uncounted": no found rep);
  precision = flags on reps whose true rep carries that fault / all the rule's rep flags;
  false alarms = flags on clean reps (of the clean reps of those sets), and flags on reps
  with another fault or on no true rep. A rule the view cannot measure ("not measurable
  from this view" on the exercise's found sets) is counted apart, sets and faulted reps:
  the honest answer, never a detection or a miss.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np
from numpy.typing import NDArray

from hipcoach.analysis.analyze import BlockAnalysis
from hipcoach.analysis.result import AnalysisResult, SetResult
from hipcoach.evaluation.truth import RULE_FAULT, ClipTruth, TrueRep, TrueSet
from hipcoach.exercises.routine import Routine, load_routine

#: A time span (s) and the working leg it belongs to: (start, end, leg).
Span = tuple[float, float, str]


def overlap_s(a0: float, a1: float, b0: float, b1: float) -> float:
    """Length (s) of the intersection of two time spans (0 when they do not meet)."""
    return max(0.0, min(a1, b1) - max(a0, b0))


@dataclass
class SetScore:
    """One true set and what the analysis made of it."""

    exercise: str
    true_reps: int
    found_reps: int | None  # None: no matching set, or its count was withheld
    withheld: bool = False
    direction_ok: bool | None = None  # circle sets only; None: no circle set found
    side: str = ""

    @property
    def exact(self) -> bool:
        """The printed count equals the truth."""
        return self.found_reps == self.true_reps and not self.withheld

    @property
    def error(self) -> int:
        """|found - true| reps (0 found when unmatched; withheld counts as unmatched)."""
        return abs((self.found_reps or 0) - self.true_reps)


@dataclass
class RuleCount:
    """Detection counts of one form rule (per clip, or pooled; see the module docstring)."""

    injected: int = 0  # true reps with the rule's fault in sets where it is measurable
    detected: int = 0  # ... whose matched found rep carries the rule's flag
    no_rep: int = 0  # ... with no found rep matched
    flags: int = 0  # measurable flags of the rule on reps
    hits: int = 0  # ... on a found rep matched to a true rep with the rule's fault
    clean_alarms: int = 0  # ... on a found rep matched to a clean true rep
    other_alarms: int = 0  # ... on a rep with another fault, or on no true rep
    other_by: dict[str, int] = field(default_factory=dict)  # ... per fault ("none": no rep)
    clean_reps: int = 0  # clean true reps in sets the rule applies to
    not_measurable: int = 0  # true sets the view rules the rule out for
    nm_injected: int = 0  # faulted true reps in those sets
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
        return self.detected / self.injected if self.injected else math.nan

    @property
    def precision(self) -> float:
        """Flags on a rep with the rule's fault / all the rule's flags (NaN without any)."""
        return self.hits / self.flags if self.flags else math.nan


@dataclass
class AngleErrors:
    """Abduction error over exercise frames (deg), pooled and per exercise."""

    err_sum: float = 0.0
    n: int = 0
    #: Exercise frames of the truth (the denominator of the coverage).
    exercise_frames: int = 0
    #: Per exercise label: (sum of |error| in deg, frames).
    by_exercise: dict[str, tuple[float, int]] = field(default_factory=dict)

    @property
    def mae(self) -> float:
        """Mean absolute error (deg); NaN without a reading."""
        return self.err_sum / self.n if self.n else math.nan

    def add(self, other: AngleErrors) -> None:
        """Pool another clip's errors into these."""
        self.err_sum += other.err_sum
        self.n += other.n
        self.exercise_frames += other.exercise_frames
        for ex, (e, n) in other.by_exercise.items():
            e0, n0 = self.by_exercise.get(ex, (0.0, 0))
            self.by_exercise[ex] = (e0 + e, n0 + n)


@dataclass
class ClipScore:
    """Everything measured on one clip or session (times in s)."""

    name: str
    tags: dict[str, object]
    sets: list[SetScore] = field(default_factory=list)
    phantom_unmatched: int = 0
    phantom_rest: int = 0
    stray: int = 0
    overlapping_pairs: int = 0
    angles: AngleErrors = field(default_factory=AngleErrors)
    rules: dict[str, RuleCount] = field(default_factory=dict)
    read_view: str = ""
    #: The camera view read equals the truth's placement.
    view_ok: bool = False
    found: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: All flags the analysis emitted, and the measurable fault flags per rule.
    flags: int = 0
    fault_flags: dict[str, int] = field(default_factory=dict)
    analysis_s: float = 0.0
    video_s: float = 0.0
    pose_s: float = math.nan

    @property
    def phantom_reps(self) -> int:
        """All phantom reps: unmatched + in a rest + stray (see the module docstring)."""
        return self.phantom_unmatched + self.phantom_rest + self.stray


def describe(s: SetResult) -> str:
    """A found set in one short line: leg, exercise, count ("?" when withheld), span."""
    count = "?" if s.count_withheld else str(s.reps)
    return f"{s.side[0].upper()} {s.exercise} {count} [{s.start_s:.1f}-{s.end_s:.1f}]"


def match_sets(truth: ClipTruth, found: Sequence[SetResult]) -> dict[int, int]:
    """True set index -> found set index (see the module docstring); true sets are taken in
    time order, ties in overlap go to the later found set."""
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


def direction_ok(ts: TrueSet, found: Sequence[SetResult]) -> bool | None:
    """Whether the found circle set of the same leg overlapping ``ts`` most turns its way;
    None for a set that is not a circle set or that no found circle set overlaps."""
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


def in_rest(truth: ClipTruth, a: float, b: float) -> bool:
    """Whether the truth frames within [a, b] s (the nearest one when none falls inside) are
    all outside exercise segments (rest, break or transition)."""
    idx = np.flatnonzero((truth.t >= a) & (truth.t <= b))
    if len(idx) == 0:
        idx = np.array([int(np.argmin(np.abs(truth.t - 0.5 * (a + b))))])
    return bool(np.all(~truth.in_exercise[idx]))


def score_clip(
    truth: ClipTruth,
    result: AnalysisResult,
    blocks: Sequence[BlockAnalysis] = (),
    routine: Routine | None = None,
) -> ClipScore:
    """Counts, directions, phantoms, invariants, angles, flags and the counts of every rule
    of ``routine`` (default: the bundled one) of one clip."""
    found = result.sets
    score = ClipScore(truth.name, dict(truth.tags), read_view=result.view)
    score.view_ok = result.view == truth.placement
    score.video_s = result.duration_s
    score.found = [describe(s) for s in found]
    matched = match_sets(truth, found)
    for i, ts in enumerate(truth.sets):
        fs = found[matched[i]] if i in matched else None
        score.sets.append(
            SetScore(
                ts.exercise,
                ts.n_reps,
                None if fs is None or fs.count_withheld else fs.reps,
                withheld=fs is not None and bool(fs.count_withheld),
                direction_ok=direction_ok(ts, found),
                side=ts.side,
            )
        )
    _score_phantoms(score, truth, found, {k: truth.sets[i] for i, k in matched.items()})
    for fs in found:
        score.flags += len(fs.flags)
        for flag in fs.flags:
            if flag.measurable:
                score.fault_flags[flag.rule] = score.fault_flags.get(flag.rule, 0) + 1
    score.overlapping_pairs = len(overlapping_pairs(found))
    score.angles = angle_errors(blocks, truth)
    routine = routine or load_routine()
    rules_of: dict[str, Sequence[str]] = {ex.id: ex.rules for ex in routine.exercises}
    score.rules = score_rules(truth, found, [r.id for r in routine.rules], rules_of)
    return score


def _score_phantoms(
    score: ClipScore, truth: ClipTruth, found: Sequence[SetResult], true_of: dict[int, TrueSet]
) -> None:
    """Count (and note) the unmatched, rest and stray reps (see the module docstring)."""
    for k, fs in enumerate(found):
        ts = true_of.get(k)
        if ts is None:
            score.phantom_unmatched += fs.reps if fs.counted else 0
            score.notes.append(f"unmatched {score.found[k]}")
            continue
        for a, b in fs.rep_times if fs.counted else ():
            if in_rest(truth, a, b):
                score.phantom_rest += 1
                score.notes.append(f"{fs.exercise} rep in rest [{a:.1f}-{b:.1f}]")
            elif overlap_s(a, b, ts.start_s, ts.end_s) <= 0:
                score.stray += 1
                score.notes.append(f"stray {fs.exercise} rep [{a:.1f}-{b:.1f}]")


def nearest_frames(t_truth: NDArray[np.float64], t: NDArray[np.float64]) -> NDArray[np.intp]:
    """Index of the truth frame nearest in time to each of ``t`` (s; ``t_truth`` sorted,
    at least two frames)."""
    j = np.clip(np.searchsorted(t_truth, t), 1, len(t_truth) - 1)
    return np.where(np.abs(t_truth[j - 1] - t) <= np.abs(t_truth[j] - t), j - 1, j)


def angle_errors(blocks: Sequence[BlockAnalysis], truth: ClipTruth) -> AngleErrors:
    """Abduction error of the blocks' working leg over exercise frames of that leg; block
    frames mapped to the nearest truth frame within half a frame interval."""
    out = AngleErrors(exercise_frames=int(truth.in_exercise.sum()))
    if len(truth.t) < 2:
        return out
    dt = float(np.median(np.diff(truth.t)))
    legs, in_ex = truth.frame_legs, truth.in_exercise
    for b in blocks:
        if b.signals is None:
            continue
        t = b.signals.times_s
        j = nearest_frames(truth.t, t)
        a = b.signals.abduction_2d_deg
        use = (np.abs(truth.t[j] - t) <= 0.5 * dt) & np.isfinite(a) & in_ex[j]
        use &= legs[j] == (b.view.working_leg or "")
        err = np.abs(a[use] - truth.abduction_deg[j[use]])
        out.err_sum += float(err.sum())
        out.n += int(use.sum())
        labels = truth.exercise[j[use]]
        for ex in np.unique(labels):
            e_sum, n = out.by_exercise.get(str(ex), (0.0, 0))
            sel = labels == ex
            out.by_exercise[str(ex)] = (e_sum + float(err[sel].sum()), n + int(sel.sum()))
    return out


def match_reps(true: Sequence[Span], found: Sequence[Span]) -> dict[int, int]:
    """Found rep index -> true rep index: one-to-one, same leg only, greatest time overlap
    first (equal overlaps: earlier found rep, then earlier true rep). Reps are matched
    directly, not via their sets, so a rep counted in a merged or misread set is still
    attributed to the true rep it covers."""
    pairs = [
        (overlap_s(fa, fb, ta, tb), fi, ti)
        for fi, (fa, fb, f_leg) in enumerate(found)
        for ti, (ta, tb, t_leg) in enumerate(true)
        if f_leg == t_leg
    ]
    out: dict[int, int] = {}
    taken: set[int] = set()
    for ov, fi, ti in sorted(pairs, key=lambda p: p[0], reverse=True):
        if ov > 0 and fi not in out and ti not in taken:
            out[fi] = ti
            taken.add(ti)
    return out


def found_rep_spans(found: Sequence[SetResult]) -> list[tuple[int, int, Span]]:
    """(found set index, rep number from 1, span) of every found rep, in order."""
    return [
        (k, n, (a, b, fs.side))
        for k, fs in enumerate(found)
        for n, (a, b) in enumerate(fs.rep_times, start=1)
    ]


def score_rules(
    truth: ClipTruth,
    found: Sequence[SetResult],
    rule_ids: Sequence[str],
    rules_of: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, RuleCount]:
    """Per rule of ``rule_ids``, over the true sets of exercises that list it (``rules_of``:
    exercise id -> rules, default: the bundled routine's): faulted reps
    detected or not, and every measurable rep flag as a hit, a clean alarm or another alarm.
    A rule flagged "not measurable from this view" on a found set of an exercise is not
    measurable on every true set of that exercise: its faulted reps are counted apart."""
    if rules_of is None:
        rules_of = {ex.id: ex.rules for ex in load_routine().exercises}
    true = [(j, i, r) for j, ts in enumerate(truth.sets) for i, r in enumerate(ts.reps)]
    reps = found_rep_spans(found)
    spans = [(r.start_s, r.end_s, truth.sets[j].side) for j, _, r in true]
    match = match_reps(spans, [s for _, _, s in reps])
    found_of = {true[ti][:2]: reps[fi][:2] for fi, ti in match.items()}
    nm = {(fs.exercise, f.rule) for fs in found for f in fs.flags if not f.measurable}
    flagged = {(k, f.rep, f.rule) for k, fs in enumerate(found) for f in fs.flags if f.measurable}
    counts = {rule: RuleCount() for rule in rule_ids}
    for rule, c in counts.items():
        for j, ts in enumerate(truth.sets):
            if rule not in rules_of.get(ts.exercise, ()):
                continue
            faulted = [i for i, r in enumerate(ts.reps) if rule in r.faults]
            if (ts.exercise, rule) in nm:
                c.not_measurable += 1
                c.nm_injected += len(faulted)
                continue
            c.clean_reps += sum(not r.faults for r in ts.reps)
            for i in faulted:
                hit = found_of.get((j, i))
                ok = hit is not None and (*hit, rule) in flagged
                c.injected += 1
                c.detected += ok
                c.no_rep += hit is None
                d, n = c.by_exercise.get(ts.exercise, (0, 0))
                c.by_exercise[ts.exercise] = (d + ok, n + 1)
    _attribute_flags(found, {reps[fi][:2]: true[ti][2] for fi, ti in match.items()}, counts)
    return counts


def _attribute_flags(
    found: Sequence[SetResult],
    rep_of: Mapping[tuple[int, int], TrueRep],
    counts: dict[str, RuleCount],
) -> None:
    """Count each measurable rep flag as a hit, a clean alarm or another alarm."""
    for k, fs in enumerate(found):
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
                names = ["none"] if r is None else sorted(RULE_FAULT.get(x, x) for x in r.faults)
                for name in names:
                    c.other_by[name] = c.other_by.get(name, 0) + 1
