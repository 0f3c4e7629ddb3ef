"""Slim a render-side-lying ``ground_truth.json`` down to what the analysis tests need.

Keeps the clip facts (format, fps, frame_step, view, lying_on_side, working_leg), the
script, the definitions and the events, and per frame only ``t``, ``exercise``, ``phase``,
``top_leg_abduction_deg`` and ``top_leg_flexion_deg`` (no joint positions, which make up
almost all of the renderer's file). The result is still in the renderer's layout
(``frames`` is a list of per-frame dicts), so readers of the full file read it too.

    python tools/slim_truth.py /work/render-out/series_left_front/ground_truth.json \\
        tests/data/rendered/series_left_front.truth.json
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TOP_KEYS = (
    "format",
    "fps",
    "frame_step",
    "view",
    "lying_on_side",
    "working_leg",
    "script",
    "definitions",
    "events",
)
FRAME_KEYS = ("t", "exercise", "phase", "top_leg_abduction_deg", "top_leg_flexion_deg")
#: Kept when present (clips with injected form faults): script segment, rep, active faults.
OPTIONAL_FRAME_KEYS = ("segment", "rep", "faults_active")


def _round(value: Any, digits: int = 4) -> Any:
    if isinstance(value, dict):
        return {k: _round(v, digits) for k, v in value.items()}
    return round(value, digits) if isinstance(value, float) else value


def slim(gt: dict[str, Any]) -> dict[str, Any]:
    """The slim copy of a renderer ground truth (see the module docstring)."""
    missing = [k for k in (*TOP_KEYS, "frames") if k not in gt]
    if missing:
        raise ValueError(f"not a render-side-lying ground truth: missing {missing}")
    out = {k: gt[k] for k in TOP_KEYS}
    keys = FRAME_KEYS + tuple(k for k in OPTIONAL_FRAME_KEYS if k in gt["frames"][0])
    out["frames"] = [{k: _round(f[k]) for k in keys} for f in gt["frames"]]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Read the renderer's file, write the slim one."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("ground_truth", type=Path, help="the renderer's ground_truth.json")
    p.add_argument("out", type=Path, help="where to write the slim JSON")
    args = p.parse_args(argv)
    gt = json.loads(args.ground_truth.read_text(encoding="utf-8"))
    args.out.write_text(json.dumps(slim(gt), indent=1) + "\n", encoding="utf-8")
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB, {len(gt['frames'])} frames)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
