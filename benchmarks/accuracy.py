"""Accuracy of the offline hip-series analysis (``analyze_sequence``) against ground truth.

Suites (definitions and metrics in the modules of ``hipcoach.evaluation`` and in
docs/accuracy.md):

- **landmark**: synthetic sessions over a grid of side, view, noise, seed and frame rate
  (``hipcoach.evaluation.synthetic``; exact geometry, NOT the real model's depth errors).
- **rendered**: every ``series_*.mp4`` with a ground truth in the rendered folders, through
  the REAL pose model, landmarks cached by file hash (``hipcoach.evaluation.rendered``).
- **faults**: synthetic sessions with injected form faults, per-rule recall and precision
  (``hipcoach.evaluation.faults``); **rendered-faults**: the same on ``faults*.mp4`` clips.
- **corpus**: the rendered corpus re-scored from its stored landmarks, per split
  (``hipcoach.evaluation.corpus``).

Metrics and targets: ``hipcoach.evaluation.score`` and ``hipcoach.evaluation.tables``.
The landmark and rendered sessions have no injected fault: any fault flag the analysis
raises on them is listed as a false positive.

    python benchmarks/accuracy.py                      # all suites, tables on stdout
    python benchmarks/accuracy.py --suite faults -v     # fault suite only (a few seconds)
    python benchmarks/accuracy.py --suite landmark --seeds 3 --markdown accuracy.md
    python benchmarks/accuracy.py --suite rendered --rendered-dir tests/data/rendered
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from hipcoach.evaluation.corpus import score_corpus, split_tables
from hipcoach.evaluation.faults import fault_table, run_fault_suite
from hipcoach.evaluation.rendered import run_rendered_fault_suite, run_rendered_suite
from hipcoach.evaluation.score import ClipScore, RuleCount
from hipcoach.evaluation.summary import Summary, summarize
from hipcoach.evaluation.synthetic import run_landmark_suite
from hipcoach.evaluation.tables import (
    Table,
    breakdown_table,
    exercise_table,
    fmt,
    form_note,
    rendered_clip_table,
    summary_table,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = REPO / ".cache" / "accuracy"
DEFAULT_RENDERED = (Path("/work/render-out"),)
#: Camera placements hipcoach supports (docs/hip-series.md); the others are measured too.
SUPPORTED_VIEWS = ("front", "front_high")


def _print_session(s: ClipScore) -> None:
    """One line per session on stderr (-v), then its phantom reps."""
    bad = [
        f"{r.exercise} {'withheld' if r.withheld else r.found_reps or 0}/{r.true_reps}"
        for r in s.sets
        if not r.exact
    ]
    print(
        f"  {s.name}: {len(s.sets)} sets, off: {bad or 'none'}, "
        f"phantom {s.phantom_rest + s.phantom_unmatched}, "
        f"angle MAE {fmt(s.angles.mae, 2)}, {s.analysis_s:.2f} s",
        file=sys.stderr,
    )
    for p in s.notes:
        print(f"      phantom: {p}", file=sys.stderr)


def _print_faults(name: str, counts: dict[str, RuleCount]) -> None:
    """One line per fault session on stderr (-v)."""
    got = ", ".join(
        f"{r} {c.detected}/{c.injected} fa {c.clean_alarms + c.other_alarms}"
        for r, c in counts.items()
    )
    print(f"  {name}: {got}", file=sys.stderr)


def landmark_suite(args: argparse.Namespace, tables: list[Table]) -> list[ClipScore]:
    """Run the landmark suite and append its tables."""
    t0 = time.perf_counter()
    scores = run_landmark_suite(args.seeds, _print_session if args.verbose else None)
    print(f"landmark suite: {len(scores)} sessions in {time.perf_counter() - t0:.1f} s")
    tables.append(breakdown_table("landmark suite by view and noise", scores, ["view", "noise"]))
    tables.append(breakdown_table("landmark suite by side and script", scores, ["side", "script"]))
    tables.append(exercise_table("landmark suite by exercise", scores))
    return scores


def rendered_suite(args: argparse.Namespace, tables: list[Table]) -> list[ClipScore]:
    """Run the rendered suite and append its tables (none without clips)."""
    dirs = args.rendered_dir or list(DEFAULT_RENDERED)
    cache = None if args.no_cache else args.cache
    scores = run_rendered_suite(dirs, cache, _print_session if args.verbose else None)
    print(f"rendered suite: {len(scores)} clip(s) from {', '.join(map(str, dirs))}")
    if scores:
        tables.append(rendered_clip_table(scores))
        tables.append(exercise_table("rendered suite by exercise", scores))
    return scores


def fault_tables(args: argparse.Namespace) -> list[Table]:
    """Run the fault suites selected and return their tables."""
    out = []
    progress = _print_faults if args.verbose else None
    if args.suite in ("faults", "all"):
        t0 = time.perf_counter()
        pooled, n = run_fault_suite(progress=progress)
        print(f"fault suite: {n} sessions in {time.perf_counter() - t0:.1f} s")
        title = f"fault suite ({n} sessions; rep matched by time overlap)"
        out.append(fault_table(title, pooled))
    if args.suite in ("rendered-faults", "all"):
        dirs = args.rendered_dir or list(DEFAULT_RENDERED)
        cache = None if args.no_cache else args.cache
        pooled, n = run_rendered_fault_suite(dirs, cache, progress)
        print(f"rendered fault suite: {n} clip(s)")
        if n:
            title = (
                f"rendered fault suite ({n} clips, real pose model; rep matched by time overlap)"
            )
            out.append(fault_table(title, pooled))
    return out


def corpus_suite(folder: Path, markdown: Path | None) -> int:
    """The rendered corpus, re-scored from its stored landmarks, per split (dev / val)."""
    t0 = time.perf_counter()
    scores = score_corpus(folder)
    text = split_tables(scores)
    took = time.perf_counter() - t0
    print(f"corpus: {len(scores)} clips from {folder} in {took:.1f} s\n")
    print(text)
    if markdown is not None:
        markdown.write_text(f"# hipcoach corpus accuracy\n\n{text}\n", encoding="utf-8")
    return 0


def _parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--suite",
        choices=("landmark", "rendered", "faults", "rendered-faults", "corpus", "all"),
        default="all",
    )
    p.add_argument(
        "--corpus-dir",
        type=Path,
        default=REPO / "tests" / "data" / "corpus",
        help="rendered corpus (manifest.json, <clip>.npz, <clip>.truth.json)",
    )
    p.add_argument("--seeds", type=int, default=2, help="seeds per landmark grid cell (2-3)")
    p.add_argument(
        "--rendered-dir",
        type=Path,
        action="append",
        help="folder with series_*.mp4 and their ground truth (repeatable; "
        "default /work/render-out)",
    )
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="landmark cache folder")
    p.add_argument("--no-cache", action="store_true", help="always run the pose model")
    p.add_argument("--markdown", type=Path, help="also write the tables to this markdown file")
    p.add_argument("-v", "--verbose", action="store_true", help="one line per session (stderr)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suites, print the tables, optionally write them as markdown."""
    args = _parser().parse_args(argv)
    if args.suite == "corpus":
        return corpus_suite(args.corpus_dir, args.markdown)
    tables: list[Table] = []
    suites: dict[str, Summary] = {}
    all_scores: dict[str, Sequence[ClipScore]] = {}
    if args.suite in ("landmark", "all"):
        scores = all_scores["landmark"] = landmark_suite(args, tables)
        suites["landmark"] = summarize(scores)
        suites["landmark, supported views"] = summarize(
            [s for s in scores if s.tags["view"] in SUPPORTED_VIEWS]
        )
    if args.suite in ("rendered", "all"):
        rscores = rendered_suite(args, tables)
        if rscores:
            all_scores["rendered"] = rscores
            suites["rendered"] = summarize(rscores)
            supported = [r for r in rscores if r.tags["view"] in SUPPORTED_VIEWS]
            if supported and len(supported) < len(rscores):
                suites["rendered, supported views"] = summarize(supported)
    if suites:
        tables.insert(0, summary_table(suites))
    tables += fault_tables(args)
    for table in tables:
        print()
        print(table.text())
    note = form_note(all_scores) if all_scores else ""
    if note:
        print()
        print(note)
    if args.markdown is not None:
        body = "\n\n".join(t.markdown() for t in tables)
        args.markdown.write_text(
            f"# hipcoach analysis accuracy\n\n{body}\n\n{note}\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
