"""Which cue names a leg circle's direction? Every true circle set of the side-lying corpus.

Per true circle set (renderer truth: its span and direction seen from the feet), the loop of
each forward/back cue against the abduction over the set's frames
(:func:`hipcoach.reps.excursion_circles.loop`, read as the counter reads it): the model's
depth (``flexion_depth_deg``), the ankle along the body line (``along_2d_deg``: its sign
relation depends on the camera, so it is scored both ways) and where the toes point
(``toe_along_deg``). Each cue is "right", "wrong" or "-" (no clear loop: roundness under
``min_direction_roundness`` or less than ``min_sweep_turns`` turns), grouped by split and by
how the analysis read the camera (square-on or slightly turned, or turned toward the feet).

    python benchmarks/circle_cues.py            # tables for docs/accuracy.md
    python benchmarks/circle_cues.py --clips    # one row per circle set
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.analysis.events import circle_config
from hipcoach.config import DEFAULTS
from hipcoach.evaluation.corpus import read_manifest
from hipcoach.exercises.routine import load_routine
from hipcoach.reps.excursion_circles import loop
from hipcoach.sequence.io import load

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus"
CUES = ("depth", "along (square-on sign)", "along (turned sign)", "toes")


#: The circle counter's own limits for reading a loop's direction.
CONFIG = circle_config(load_routine(), DEFAULTS.segment, DEFAULTS.segment.count_max_gap_s)


def _verdict(sweep: float, roundness: float, truth: str, flip: float = 1.0) -> str:
    cfg = CONFIG
    if roundness < cfg.min_direction_roundness or abs(sweep) < cfg.min_sweep_turns:
        return "-"
    return "right" if ("ccw" if flip * sweep > 0 else "cw") == truth else "wrong"


def circle_rows() -> list[dict[str, str]]:
    """One row per true circle set: clip, split, read view, each cue's verdict."""
    rows = []
    for clip in read_manifest(CORPUS):
        truth = json.loads((CORPUS / f"{clip.name}.truth.json").read_text(encoding="utf-8"))
        circles = truth["events"].get("circles", [])
        _, blocks = analyze_sequence(load(CORPUS / f"{clip.name}.npz"))
        for block in blocks:
            sig, view = block.signals, block.view
            if sig is None or view.working_leg is None:
                continue
            mirror = 1.0 if view.working_leg == "right" else -1.0
            turned = bool(view.view == "diagonal")
            for c in circles:
                sel = (sig.times_s >= c["start"]) & (sig.times_s <= c["end"])
                if sel.sum() < 6:
                    continue
                y = sig.abduction_2d_deg[sel]
                truth_dir = c["direction_seen_from_feet"]
                row = {"clip": clip.name, "split": clip.split, "read": view.view, "true": truth_dir}
                row["turned"] = "turned" if turned else "square-on"
                cues = {
                    "depth": (sig.flexion_depth_deg, 1.0),
                    "along (square-on sign)": (sig.along_2d_deg, 1.0),
                    "along (turned sign)": (sig.along_2d_deg, -1.0),
                    "toes": (sig.toe_along_deg, 1.0),
                }
                for name, (x, flip) in cues.items():
                    lp = loop(mirror * x[sel], y, 2.0)
                    row[name] = _verdict(lp.sweep_turns, lp.roundness, truth_dir, flip)
                rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", action="store_true", help="one row per circle set")
    args = ap.parse_args(argv)
    rows = circle_rows()
    if args.clips:
        head = ["clip", "split", "read", "true", *CUES]
        print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r[h] for h in head) + " |")
        return 0
    print("| split | camera read as | circle sets | " + " | ".join(CUES) + " |")
    print("|" + "---|" * (3 + len(CUES)))
    for split in ("dev", "val"):
        for turned in ("square-on", "turned"):
            sel = [r for r in rows if r["split"] == split and r["turned"] == turned]
            cells = []
            for cue in CUES:
                n = Counter(r[cue] for r in sel)
                cells.append(f"{n['right']} right, {n['wrong']} wrong")
            print(f"| {split} | {turned} | {len(sel)} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
