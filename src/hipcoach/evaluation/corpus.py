"""Re-score the rendered corpus (stored landmarks + truth) and summarise it per split.

A corpus folder (``tests/data/corpus``, written by ``tools/render_corpus.py collect``) holds a
``manifest.json`` (one entry per clip: name, body, split "dev"/"val", placement, tags) and,
per clip, ``<name>.npz`` (the real pose model's landmarks) and ``<name>.truth.json``. The
analysis runs on the stored landmarks (no pose model), so the whole corpus re-scores in
seconds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.config import DEFAULTS, Settings
from hipcoach.evaluation.score import ClipScore, RuleCount, score_clip
from hipcoach.evaluation.summary import Summary, summarize
from hipcoach.evaluation.tables import Table, fmt, ratio
from hipcoach.evaluation.truth import EXERCISES, load_clip_truth
from hipcoach.exercises.routine import Routine, load_routine
from hipcoach.sequence.io import load_npz

#: Placements the targets apply to (diagonal up to 30 deg).
SUPPORTED = ("front", "front_high", "diagonal10", "diagonal15", "diagonal20", "diagonal30")


@dataclass(frozen=True)
class CorpusClip:
    """One manifest entry."""

    name: str
    body: str
    split: str
    view: str
    side: str
    tags: tuple[str, ...] = ()
    cam_dist: float | None = None


def read_manifest(folder: Path) -> list[CorpusClip]:
    """The clips listed in ``folder/manifest.json``."""
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [
        CorpusClip(
            c["name"],
            c["body"],
            c["split"],
            c["view"],
            c["side"],
            tuple(c.get("tags", ())),
            c.get("cam_dist"),
        )
        for c in data["clips"]
    ]


def score_corpus(
    folder: Path,
    routine: Routine | None = None,
    settings: Settings = DEFAULTS,
    select: Callable[[CorpusClip], bool] = lambda c: True,
) -> list[ClipScore]:
    """Analyse every selected clip from its stored landmarks and score it."""
    routine = routine or load_routine()
    out = []
    for clip in read_manifest(folder):
        if not select(clip):
            continue
        tags: dict[str, Any] = {
            "split": clip.split,
            "view": clip.view,
            "body": clip.body,
            "side": clip.side,
            "seen": "seen" in clip.tags,
        }
        truth = load_clip_truth(folder / f"{clip.name}.truth.json", clip.name, tags)
        seq = load_npz(folder / f"{clip.name}.npz")
        t0 = time.perf_counter()
        result, blocks = analyze_sequence(seq, routine, settings)
        score = score_clip(truth, result, blocks, routine)
        score.analysis_s = time.perf_counter() - t0
        out.append(score)
    return out


def summary_row(name: str, s: Summary) -> list[str]:
    """One table row of pooled metrics."""
    return [
        name,
        str(s.clips),
        str(s.sets),
        fmt(s.exact_share),
        fmt(s.mae),
        str(s.withheld),
        ratio(s.direction_ok, s.circle_sets),
        str(s.phantom),
        str(s.overlaps),
        fmt(s.angle_mae, 2),
    ]


SUMMARY_HEAD = [
    "group",
    "clips",
    "true sets",
    "exact",
    "rep MAE",
    "withheld",
    "circle dir",
    "phantom reps",
    "overlapping sets",
    "abduction MAE (deg)",
]


def markdown_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table without a title."""
    table = Table("", head)
    for row in rows:
        table.add(*row)
    return table.markdown()


def split_tables(scores: Sequence[ClipScore]) -> str:
    """Per split, per split x placement, per split x exercise, per split x rule."""
    parts = []
    rows = []
    for split in ("dev", "val"):
        sel = [c for c in scores if c.tags["split"] == split]
        supported = [c for c in sel if c.tags["view"] in SUPPORTED]
        rows.append(summary_row(f"{split}, supported placements", summarize(supported)))
        if split == "val":
            fresh = [c for c in supported if not c.tags.get("seen")]
            rows.append(summary_row("val, first scored with the final rules", summarize(fresh)))
        for view in sorted({str(c.tags["view"]) for c in sel}):
            part = [c for c in sel if c.tags["view"] == view]
            rows.append(summary_row(f"{split} {view}", summarize(part)))
    parts.append(markdown_table(SUMMARY_HEAD, rows))
    ex_rows = []
    for split in ("dev", "val"):
        sel = [c for c in scores if c.tags["split"] == split]
        for ex in EXERCISES:
            s = summarize(sel, ex)
            if s.sets:
                ex_rows.append(
                    [
                        split,
                        ex,
                        str(s.sets),
                        fmt(s.exact_share),
                        fmt(s.mae),
                        str(s.withheld),
                        ratio(s.direction_ok, s.circle_sets),
                    ]
                )
    parts.append(
        markdown_table(
            ["split", "exercise", "true sets", "exact", "rep MAE", "withheld", "circle dir"],
            ex_rows,
        )
    )
    parts.append(rule_table(scores))
    parts.append(clip_table(scores))
    return "\n\n".join(parts)


def rule_table(scores: Sequence[ClipScore]) -> str:
    """Per split and rule, over the sets of exercises that list the rule: recall,
    precision, flags on clean reps, sets not measurable (and the faulted reps in them)."""
    rows = []
    rule_ids = [r.id for r in load_routine().rules]
    for split in ("dev", "val"):
        s = summarize([c for c in scores if c.tags["split"] == split])
        for rule in rule_ids:
            rs = s.rules.get(rule, RuleCount())
            rows.append(
                [
                    split,
                    rule,
                    ratio(rs.detected, rs.injected),
                    ratio(rs.hits, rs.flags),
                    ratio(rs.clean_alarms, rs.clean_reps),
                    f"{rs.not_measurable}"
                    + (f" ({rs.nm_injected} faulted)" if rs.nm_injected else ""),
                ]
            )
    return markdown_table(
        [
            "split",
            "rule",
            "recall (faulted reps flagged)",
            "precision (flags on a faulted rep)",
            "flags on clean reps",
            "sets: not measurable from this view (faulted reps in them)",
        ],
        rows,
    )


def clip_table(scores: Sequence[ClipScore]) -> str:
    """One row per clip: what was found against what was true."""
    rows = []
    for c in scores:
        truth = ", ".join(
            f"{r.exercise} {r.found_reps if r.found_reps is not None else '-'}/{r.true_reps}"
            + (" (withheld)" if r.withheld else "")
            for r in c.sets
        )
        rows.append(
            [
                c.name,
                str(c.tags["split"]),
                str(c.tags["view"]),
                c.read_view,
                truth,
                str(c.phantom_reps),
                str(c.overlapping_pairs),
            ]
        )
    return markdown_table(
        ["clip", "split", "placement", "read as", "sets found/true", "phantom", "overlaps"], rows
    )
