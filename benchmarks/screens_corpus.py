"""The screens on the rendered standing corpus, by split (issue 12): per clip, then the
stance sensitivity/specificity/drop error, the squat FPPA error and valgus calls, and the
gait per-side mean drop error, side naming and calls.

    python benchmarks/screens_corpus.py          # from tests/data/standing_corpus, ~10 s

Splits: dev (S01-S04, thresholds may be set), val (S05-S08, scored), val2 (S09-S12: fresh
squat bodies, scored once after the squat's FPPA reading was chosen).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from hipcoach.evaluation.gait import GaitRow, score_gait_corpus, summarize_gait
from hipcoach.evaluation.standing import (
    SquatRow,
    StanceRow,
    score_corpus,
    summarize_squat,
    summarize_stance,
)

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "standing_corpus"


def _f(v: float) -> str:
    return "-" if not math.isfinite(v) else f"{v:.1f}"


def stance_tables(rows: list[StanceRow]) -> None:
    """Per clip, then per split."""
    print("| clip | split | true drop | true lean | finding | measured drop |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.clip.name} | {r.clip.split} | {r.true_drop_deg:g} | {r.true_lean_deg:g} "
              f"| {r.finding} | {_f(r.measured_drop_deg)} |")  # fmt: skip
    print("\n| split | sensitivity (sign >= 6 deg) | called negative | specificity (level) "
          "| drop MAE |\n|---|---|---|---|---|")  # fmt: skip
    for split in ("dev", "val"):
        s = summarize_stance([r for r in rows if r.clip.split == split])
        print(f"| {split} | {s.found}/{s.relevant} | {s.false_negatives} | {s.quiet}/{s.level} "
              f"| {_f(s.drop_mae_deg)} |")  # fmt: skip


def squat_tables(rows: list[SquatRow]) -> None:
    """Per clip, then per split."""
    print("\n| clip | split | valgus | finding | true FPPA (bottoms, L/R) | measured |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        true = " ".join(_f(v) for v in r.true_fppa_deg)
        got = " ".join(_f(v) for v in r.measured_fppa_deg)
        print(f"| {r.clip.name} | {r.clip.split} | {r.true_valgus_deg:g} | {r.finding} "
              f"| {true} | {got} |")  # fmt: skip
    print("\n| split | FPPA MAE | FPPA bias | valgus >= 15 positive | valgus <= 5 not positive |")
    print("|---|---|---|---|---|")
    for split in ("dev", "val", "val2"):
        s = summarize_squat([r for r in rows if r.clip.split == split])
        calls = f"{s.positives_found}/{s.positives} | {s.negatives_quiet}/{s.negatives}"
        print(f"| {split} | {_f(s.fppa_mae_deg)} | {_f(s.fppa_bias_deg)} | {calls} |")


def _sides(r: GaitRow, key: str) -> str:
    return " / ".join(_f(getattr(r.side(leg), key)) for leg in ("left", "right"))


def gait_tables(rows: list[GaitRow]) -> None:
    """Per walk (drops per stance leg: left / right), then per split."""
    print("\n| walk | split | direction | true drop (on L / on R) | measured | steps found "
          "| finding | side named |\n|---|---|---|---|---|---|---|---|")  # fmt: skip
    for r in rows:
        steps = " / ".join(str(r.side(leg).found_steps) for leg in ("left", "right"))
        named = ("yes" if r.side_named else "no") if r.relevant else "-"
        true, got = _sides(r, "true_drop_deg"), _sides(r, "measured_drop_deg")
        print(f"| {r.clip.name} | {r.clip.split} | {r.direction} | {true} | {got} | {steps} "
              f"| {r.finding} | {named} |")  # fmt: skip
    print("\n| split | walks | drop >= 6 positive | side named | called negative | level not "
          "positive | inconclusive | both sides within 2.5 | drop MAE (dropping sides) "
          "| drop MAE / bias (all sides) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for split in ("dev", "val"):
        s = summarize_gait([r for r in rows if r.clip.split == split])
        print(f"| {split} | {s.walks} | {s.found}/{s.relevant} | {s.side_named}/{s.relevant} "
              f"| {s.false_negatives} | {s.quiet}/{s.level} | {s.inconclusive} "
              f"| {s.within_tolerance}/{s.walks} | {_f(s.dropping_mae_deg)} "
              f"| {_f(s.drop_mae_deg)} / {_f(s.drop_bias_deg)} |")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument(
        "--split",
        choices=["dev", "val", "val2", "all"],
        default="all",
        help="dev: while choosing a rule, never look at the validation bodies",
    )
    args = ap.parse_args(argv)
    stances, squats = score_corpus(args.corpus)
    walks = score_gait_corpus(args.corpus)
    if args.split != "all":
        stances = [r for r in stances if r.clip.split == args.split]
        squats = [r for r in squats if r.clip.split == args.split]
        walks = [r for r in walks if r.clip.split == args.split]
    stance_tables(stances)
    squat_tables(squats)
    gait_tables(walks)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
