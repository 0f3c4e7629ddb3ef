"""What the signals and the form-rule measures read on the rendered corpus, against its truth.

The evidence behind the signal descriptions in ``analysis/signals.py`` and behind the
thresholds in ``config.py`` and the routine file lives in docs/ (docs/hip-series.md,
"Signals against the renderer's truth"; docs/accuracy.md, "Measurements behind the
settings"); this script reproduces it from the stored landmarks of ``tests/data/corpus``
(a few seconds, no pose model).

Table 1, per clip (frames mapped to the truth by time, working leg only): the feet-scale
ratio the view reading used, the abduction's correlation and MAE against the true
abduction over exercise frames, the thigh's 2-D foreshortening (``thigh_fold_2d_deg``)
against the true |hip flexion| in bicycle frames (r and its peak there) and its largest
reading at rest and in the other exercises, and the two circle loop cues
(``along_2d_deg``, ``flexion_depth_deg``) against the true flexion in circle frames.

Table 2, per rule, split and exercise: the range of the measure on reps without any
injected fault ("clean") and on reps carrying that rule's fault, every threshold set so
that each measurable rep reports its value.

    python benchmarks/signal_readings.py
    python benchmarks/signal_readings.py --rules toes_up,pelvis_roll
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from hipcoach.analysis.analyze import BlockAnalysis, analyze_sequence
from hipcoach.analysis.result import SetResult
from hipcoach.evaluation.corpus import CorpusClip, read_manifest
from hipcoach.evaluation.score import found_rep_spans, match_reps, nearest_frames
from hipcoach.evaluation.truth import ClipTruth, load_clip_truth
from hipcoach.exercises.routine import Routine, load_routine
from hipcoach.exercises.rule_registry import UNIT_OF
from hipcoach.sequence.io import load_npz

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus"
F64 = NDArray[np.float64]


def corr(a: F64, b: F64) -> float:
    """Pearson r over the samples where both are finite (NaN with fewer than 10)."""
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 10 or np.ptp(a[ok]) == 0 or np.ptp(b[ok]) == 0:
        return float("nan")
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def _fmt(x: float, spec: str = "+.2f") -> str:
    return "-" if not np.isfinite(x) else format(x, spec)


def _max(x: F64) -> float:
    return float(np.nanmax(x)) if np.isfinite(x).any() else float("nan")


def signal_row(clip: CorpusClip, truth: ClipTruth, flex: F64, blocks: list[BlockAnalysis]) -> str:
    """One row of table 1."""
    dt = float(np.median(np.diff(truth.t)))
    parts: dict[str, list[tuple[F64, F64]]] = defaultdict(list)
    ratios = []
    for b in blocks:
        if b.signals is None:
            continue
        ratios.append(b.view.feet_scale_ratio)
        s, t = b.signals, b.signals.times_s
        j = nearest_frames(truth.t, t)
        mine = (np.abs(truth.t[j] - t) <= 0.5 * dt) & (truth.frame_legs[j] == b.view.working_leg)
        ex = truth.exercise[j].astype(str)
        in_ex, bike = mine & truth.in_exercise[j], mine & (ex == "bicycle_sidekick")
        circle = mine & np.char.startswith(ex, "leg_circle")
        parts["abd"].append((s.abduction_2d_deg[in_ex], truth.abduction_deg[j[in_ex]]))
        parts["fold"].append((s.thigh_fold_2d_deg[bike], np.abs(flex[j[bike]])))
        rest, other = mine & ~truth.in_exercise[j], in_ex & ~bike
        parts["fold_rest"].append((s.thigh_fold_2d_deg[rest], flex[j[rest]]))
        parts["fold_other"].append((s.thigh_fold_2d_deg[other], flex[j[other]]))
        parts["along"].append((s.along_2d_deg[circle], flex[j[circle]]))
        parts["depth"].append((s.flexion_depth_deg[circle], flex[j[circle]]))
    cat = {
        k: (np.concatenate([a for a, _ in v]), np.concatenate([b for _, b in v]))
        for k, v in parts.items()
    }
    empty = (np.zeros(0), np.zeros(0))
    abd, fold = cat.get("abd", empty), cat.get("fold", empty)
    rest, other = cat.get("fold_rest", empty)[0], cat.get("fold_other", empty)[0]
    mae = float(np.nanmean(np.abs(abd[0] - abd[1]))) if len(abd[0]) else float("nan")
    cells = [
        clip.name,
        clip.split,
        _fmt(float(np.nanmedian(ratios)) if ratios else float("nan"), ".2f"),
        _fmt(corr(*abd), ".3f"),
        _fmt(mae, ".2f"),
        _fmt(corr(*fold)),
        _fmt(_max(fold[0]), ".0f"),
        _fmt(_max(rest), ".0f"),
        _fmt(_max(other), ".0f"),
        _fmt(corr(*cat.get("along", empty))),
        _fmt(corr(*cat.get("depth", empty))),
    ]
    return "| " + " | ".join(cells) + " |"


def reading_routine(routine: Routine, rules: set[str]) -> Routine:
    """The routine with every threshold of ``rules`` set so that each rep is flagged."""
    low = {"above": -1e9, "below": 1e9}
    new_rules = [
        r.model_copy(update={"threshold": low[r.direction]}) if r.id in rules else r
        for r in routine.rules
    ]
    exercises = [
        e.model_copy(
            update={"thresholds": {k: v for k, v in e.thresholds.items() if k not in rules}}
        )
        for e in routine.exercises
    ]
    return routine.model_copy(update={"rules": new_rules, "exercises": exercises})


def rule_readings(
    clip: CorpusClip,
    truth: ClipTruth,
    found: list[SetResult],
    rules: set[str],
    out: dict[tuple[str, ...], list[float]],
) -> None:
    """Append the value of each measured rep of ``rules`` to
    ``out[(rule, split, exercise, clean|fault)]``."""
    true_reps = [(r, (r.start_s, r.end_s, ts.side)) for ts in truth.sets for r in ts.reps]
    spans = found_rep_spans(found)
    match = match_reps([s for _, s in true_reps], [s for _, _, s in spans])
    index = {(k, n): fi for fi, (k, n, _) in enumerate(spans)}
    for k, fs in enumerate(found):
        for f in fs.flags:
            if f.rule not in rules or not f.measurable or f.rep is None or f.value is None:
                continue
            ti = match.get(index[(k, f.rep)])
            if ti is None:
                continue
            faults = true_reps[ti][0].faults
            state = "clean" if not faults else "fault" if f.rule in faults else ""
            if state:
                out[(f.rule, clip.split, fs.exercise, state)].append(float(f.value))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--rules", default="toes_up,pelvis_roll,knee_bent", help="comma-separated")
    args = ap.parse_args(argv)
    routine = load_routine()
    rules = {r for r in args.rules.split(",") if r}
    reading = reading_routine(routine, rules)
    print(
        "| clip | split | feet ratio | abduction r | abduction MAE (deg) | thigh fold r "
        "(bicycles) | fold peak (deg) | fold at rest, max (deg) | fold in other exercises, "
        "max (deg) | along-2d r (circles) | depth r (circles) |\n" + "|---" * 11 + "|"
    )
    readings: dict[tuple[str, ...], list[float]] = defaultdict(list)
    for clip in read_manifest(args.corpus):
        truth_path = args.corpus / f"{clip.name}.truth.json"
        truth = load_clip_truth(truth_path, clip.name, {})
        frames = json.loads(truth_path.read_text(encoding="utf-8"))["frames"]
        flex = np.array([f["top_leg_flexion_deg"] for f in frames], np.float64)
        seq = load_npz(args.corpus / f"{clip.name}.npz")
        _, blocks = analyze_sequence(seq, routine)
        print(signal_row(clip, truth, flex, blocks))
        result, _ = analyze_sequence(seq, reading)
        rule_readings(clip, truth, list(result.sets), rules, readings)
    print(
        "\n| rule | split | exercise | reps | clean or injected | min | max (deg; tempo s) |\n"
        + "|---" * 7
        + "|"
    )
    for key in sorted(readings):
        v = readings[key]
        rule, split, exercise, state = key
        spec = "+.2f" if UNIT_OF.get(rule) == "s" else "+.1f"
        row = [
            rule,
            split,
            exercise,
            str(len(v)),
            state,
            format(min(v), spec),
            format(max(v), spec),
        ]
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
