"""Does turning a lying body upright before inference help the pose model?

For each rendered side-lying clip with ground truth, runs the real model on the frames as
filmed and on the frames rotated by 90 degrees so the head points up, maps the landmarks
back to the original picture, and compares detection rate, the image abduction angle
against the true abduction, and how often the left/right labels of the hips are swapped.

    python benchmarks/upright_rotation.py [CLIP.mp4 ...]   (default: tests/data/rendered/*.mp4)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from hipcoach.analysis.signals import leg_signals
from hipcoach.analysis.view import assess_view
from hipcoach.backends import create_backend
from hipcoach.backends.base import PoseCandidate
from hipcoach.sequence.builder import SequenceBuilder
from hipcoach.video import open_source
from hipcoach.video.base import Frame

REPO = Path(__file__).resolve().parents[1]


def _unrotate(c: PoseCandidate, k: int) -> PoseCandidate:
    """Map normalised landmarks of a frame rotated by k*90 deg CCW back to the original."""
    xyz = c.norm_xyz.copy()
    x, y = xyz[:, 0].copy(), xyz[:, 1].copy()
    for _ in range(k % 4):  # undo one CCW quarter turn: (x', y') = (y, 1 - x) -> original
        x, y = 1.0 - y, x
    xyz[:, 0], xyz[:, 1] = x, y
    return PoseCandidate(norm_xyz=xyz, visibility=c.visibility, presence=c.presence, world=c.world)


def run(clip: Path, k: int) -> SequenceBuilder:
    """Landmarks of ``clip`` with frames turned by k*90 deg CCW before inference."""
    with open_source(clip) as src, create_backend("full") as backend:
        b = SequenceBuilder(src.info.width, src.info.height)
        for f in src:
            rgb = np.ascontiguousarray(np.rot90(f.rgb, k)) if k else f.rgb
            cands = backend.detect(Frame(f.index, f.time_s, rgb))
            b.append(f.time_s, _unrotate(cands[0], k) if cands else None)
    return b


def truth_of(clip: Path) -> dict:
    for cand in (clip.with_suffix(".truth.json"), clip.parent / clip.stem / "ground_truth.json"):
        if cand.exists():
            return dict(json.loads(cand.read_text()))
    raise FileNotFoundError(f"no ground truth next to {clip}")


def main(argv: list[str]) -> int:
    clips = [Path(a) for a in argv] or sorted((REPO / "tests/data/rendered").glob("*.mp4"))
    print(f"{'clip':28} {'rotation':>9} {'detected':>9} {'abd MAE':>8} {'hips swapped':>13}")
    for clip in clips:
        truth = truth_of(clip)
        frames = truth["frames"]
        true_abd = np.array([f["top_leg_abduction_deg"] for f in frames])
        head_right = truth.get("head_in_image", "right") == "right"
        for label, k in (("none", 0), ("upright", 1 if head_right else 3)):
            seq = run(clip, k).build()
            view, _ = assess_view(seq)
            mae, swapped = float("nan"), float("nan")
            if view.readable:
                sig = leg_signals(seq, view)
                n = min(len(true_abd), len(sig.abduction_2d_deg))
                mae = float(np.nanmean(np.abs(sig.abduction_2d_deg[:n] - true_abd[:n])))
                swapped = float(view.labels_swapped)
            print(
                f"{clip.name:28} {label:>9} {seq.detection_rate:9.1%} {mae:8.2f} {swapped:13.0f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
