"""A depth-steady camera-yaw candidate on the side-lying corpus (issue 11, next step).

Per clip: the median over the clip of the angle of the shoulder-to-ankle axis out of the
picture plane in MediaPipe's world landmarks (deg, + = feet farther from the camera), beside
the camera's true turn toward the feet. Development bodies only by default: the validation
bodies are for scoring a rule once one is chosen.

    python benchmarks/camera_yaw.py            # development bodies
    python benchmarks/camera_yaw.py --split all
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from hipcoach.landmarks import Landmark as L  # noqa: N817
from hipcoach.sequence.io import load

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus"


def axis_tilt_deg(world: np.ndarray) -> float:
    """Median angle (deg) of the shoulder-to-ankle axis out of the picture plane."""
    sh = 0.5 * (world[:, L.LEFT_SHOULDER] + world[:, L.RIGHT_SHOULDER])
    ank = 0.5 * (world[:, L.LEFT_ANKLE] + world[:, L.RIGHT_ANKLE])
    v = ank - sh
    return float(np.nanmedian(np.degrees(np.arctan2(v[:, 2], np.abs(v[:, 0])))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "val", "all"], default="dev")
    args = ap.parse_args(argv)
    clips = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["clips"]
    print("| clip | split | turn toward the feet (deg) | axis tilt (deg) |\n|---|---|---|---|")
    rows = []
    for c in clips:
        if args.split != "all" and c["split"] != args.split:
            continue
        view = c["view"]
        turn = 0.0 if view in ("front", "front_high") else float(view.replace("diagonal", ""))
        tilt = axis_tilt_deg(load(CORPUS / f"{c['name']}.npz").world.astype(np.float64))
        rows.append((turn, c["name"], c["split"], tilt))
    for turn, name, split, tilt in sorted(rows):
        print(f"| {name} | {split} | {turn:.0f} | {tilt:+.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
