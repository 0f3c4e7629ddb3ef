"""Candidate ways to read the squat's per-knee FPPA at the rep bottom, against the rendered
truth of the standing corpus (stored landmarks of the real pose model; issue 12).

Per candidate: MAE, bias and range of the per-knee error (measured minus the true picture
FPPA of the rig's joint centres, mean over the held bottom), its one parameter fitted on the
chosen bodies, and a leave-one-body-out MAE (the parameter fitted on the other bodies).
Only ever choose on the development bodies (the default).

    python benchmarks/screens_squat_fppa.py                  # dev S01-S04, ~5 s
    python benchmarks/screens_squat_fppa.py --split val2     # score once, after choosing
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hipcoach.config import DEFAULTS
from hipcoach.evaluation.standing import read_manifest, true_bottom_fppa
from hipcoach.screens.common import F64, fppa_deg, masked_xy, squared_world_xy
from hipcoach.screens.squat import descent_pct, feet_by_side, find_reps, hip_centres
from hipcoach.sequence.io import load
from hipcoach.types import SIDES

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "standing_corpus"


@dataclass
class Clip:
    """One squat clip: landmarks, descent, the bottom frame of each true rep, truth."""

    name: str
    seq: Any
    xy: F64
    depth: F64
    bottoms: list[tuple[int, dict[str, Any]]]
    truth: dict[str, Any]


def _clips(folder: Path, split: str) -> list[Clip]:
    out = []
    for c in read_manifest(folder):
        if c.motion != "squat" or split not in ("all", c.split):
            continue
        seq = load(folder / f"{c.name}.npz")
        truth = json.loads((folder / f"{c.name}.truth.json").read_text(encoding="utf-8"))
        xy = masked_xy(seq)
        depth = descent_pct(xy)
        times = np.asarray(seq.times_s, np.float64)
        reps = find_reps(times, depth)
        bottoms = []
        for rep in truth["events"]["reps"]:
            found = min(reps, key=lambda r: abs(r.peak_s - rep["bottom_s"]))
            bottoms.append((int(np.argmin(np.abs(times - found.peak_s))), rep))
        out.append(Clip(c.name, seq, xy, depth, bottoms, truth))
    return out


Reader = Callable[[Clip, float], dict[str, F64]]


def _picture(clip: Clip, _: float) -> dict[str, F64]:
    return {x: fppa_deg(clip.xy, x) for x in SIDES}


def _depth_bias(clip: Clip, p: float) -> dict[str, F64]:
    xy = feet_by_side(clip.xy)
    return {x: fppa_deg(xy, x) + p * np.fmax(clip.depth, 0.0) for x in SIDES}


def _depth_bias_no_feet(clip: Clip, p: float) -> dict[str, F64]:
    return {x: fppa_deg(clip.xy, x) + p * np.fmax(clip.depth, 0.0) for x in SIDES}


def _feet(clip: Clip, _: float) -> dict[str, F64]:
    xy = feet_by_side(clip.xy)
    return {x: fppa_deg(xy, x) for x in SIDES}


def _hip_centres(clip: Clip, p: float) -> dict[str, F64]:
    xy = hip_centres(feet_by_side(clip.xy), p)
    return {x: fppa_deg(xy, x) for x in SIDES}


def _hip_centres_by_depth(clip: Clip, p: float) -> dict[str, F64]:
    xy = feet_by_side(clip.xy)
    factor = 1.0 + p * np.fmax(clip.depth, 0.0)
    out = xy.copy()
    for i, f in enumerate(factor):  # one factor per frame
        out[i : i + 1] = hip_centres(xy[i : i + 1], float(f) if math.isfinite(f) else 1.0)
    return {x: fppa_deg(out, x) for x in SIDES}


def _world(clip: Clip, _: float) -> dict[str, F64]:
    xy = feet_by_side(squared_world_xy(clip.seq, DEFAULTS.signal.min_visibility))
    return {x: fppa_deg(xy, x) for x in SIDES}


#: name: (reader, parameter grid (one value: nothing to fit)).
CANDIDATES: dict[str, tuple[Reader, F64]] = {
    "picture (model's landmarks)": (_picture, np.array([0.0])),
    "picture + depth bias (deg/%), feet as labelled": (
        _depth_bias_no_feet,
        np.arange(0, 0.4, 0.01),
    ),
    "feet on their sides": (_feet, np.array([0.0])),
    "feet + depth bias (deg/%)": (_depth_bias, np.arange(0.0, 0.4, 0.01)),
    "feet + hip centres (width factor)": (_hip_centres, np.arange(1.0, 1.6, 0.01)),
    "feet + hip centres growing with depth (1/%)": (
        _hip_centres_by_depth,
        np.arange(0.0, 0.02, 0.0005),
    ),
    "world landmarks squared, feet on their sides": (_world, np.array([0.0])),
}


def errors(clips: list[Clip], reader: Reader, p: float) -> F64:
    """Per-knee errors (deg) at every true rep bottom of ``clips``."""
    out = []
    for clip in clips:
        values = reader(clip, p)
        for i, rep in clip.bottoms:
            for side in SIDES:
                out.append(values[side][i] - true_bottom_fppa(clip.truth, rep, side))
    return np.asarray(out, np.float64)


def _fit(clips: list[Clip], reader: Reader, grid: F64) -> float:
    return float(min(grid, key=lambda p: float(np.nanmean(np.abs(errors(clips, reader, p))))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--split", default="dev", help="dev (choose here), val, val2 or all")
    ap.add_argument(
        "--fixed",
        action="store_true",
        help="score the screen's own settings (no fitting): fppa_hip_width_factor",
    )
    args = ap.parse_args(argv)
    clips = _clips(args.corpus, args.split)
    print(f"{len(clips)} squat clips ({args.split}): {', '.join(c.name for c in clips)}\n")
    if args.fixed:
        p = DEFAULTS.screen.fppa_hip_width_factor
        e = errors(clips, _hip_centres, p)
        print(f"| clip | per-knee error (deg), factor {p:g} |\n|---|---|")
        for clip in clips:
            ce = errors([clip], _hip_centres, p)
            print(f"| {clip.name} | {' '.join(f'{v:+.1f}' for v in ce)} |")
        print(
            f"\nMAE {np.mean(np.abs(e)):.2f}, bias {np.mean(e):+.2f}, range "
            f"{e.min():+.1f}..{e.max():+.1f}, 95th percentile of |error| "
            f"{np.percentile(np.abs(e), 95):.1f} (n {e.size} knees x bottoms)"
        )
        return 0
    print("| candidate | fitted | MAE | bias | range | leave-one-body-out MAE (range) |")
    print("|---|---|---|---|---|---|")
    for name, (reader, grid) in CANDIDATES.items():
        p = _fit(clips, reader, grid)
        e = errors(clips, reader, p)
        held: list[float] = []
        if grid.size > 1 and len(clips) > 1:
            for k in range(len(clips)):
                rest = clips[:k] + clips[k + 1 :]
                held.extend(errors([clips[k]], reader, _fit(rest, reader, grid)))
        cv = np.asarray(held, np.float64)
        cv_text = (
            f"{np.mean(np.abs(cv)):.2f} ({cv.min():+.1f}..{cv.max():+.1f})" if cv.size else "-"
        )
        fitted = f"{p:g}" if grid.size > 1 else "-"
        print(
            f"| {name} | {fitted} | {np.nanmean(np.abs(e)):.2f} | {np.nanmean(e):+.2f} "
            f"| {np.nanmin(e):+.1f}..{np.nanmax(e):+.1f} | {cv_text} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
