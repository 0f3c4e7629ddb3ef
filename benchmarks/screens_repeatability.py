"""Repeatability of the screens' angles under small perturbations of the same clip.

The real MediaPipe model runs on perturbed frames of the real clips in ../shared/data
(``HIPCOACH_SHARED``): the original, a crop (10% off the left and right, 5% off the top),
a downscale to 60%, and a frame-rate change (squat clip 5 -> 10 fps by repeating each frame
at the half-step time; stance clip 30 -> 15 fps by keeping every other frame). Frames are
perturbed in memory before the model, so no re-encoding is involved. Prints a Markdown
table of the angles per variant and the largest difference from the original (deg).

    python benchmarks/screens_repeatability.py
    # any one clip, same variants (frame rate doubled for a squat, halved for a stance):
    python benchmarks/screens_repeatability.py --screen squat \\
        --clip tests/data/rendered_standing/squat_valgus.mp4
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from hipcoach.backends import create_backend
from hipcoach.config import DEFAULTS
from hipcoach.extract import extract_poses
from hipcoach.screens.squat import screen_squat
from hipcoach.screens.stance import screen_stance
from hipcoach.video import Frame, open_source
from hipcoach.video.base import SourceInfo

DATA = (
    Path(os.environ.get("HIPCOACH_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data"
)
Perturb = Callable[[list[Frame]], list[Frame]]


@dataclass
class ListSource:
    """Frames already in memory, as a FrameSource."""

    frames: list[Frame]
    info: SourceInfo
    warnings: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Frame]:
        return iter(self.frames)

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> ListSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _crop(frames: list[Frame]) -> list[Frame]:
    h, w = frames[0].rgb.shape[:2]
    return [
        replace(f, rgb=np.ascontiguousarray(f.rgb[h // 20 :, w // 10 : w - w // 10]))
        for f in frames
    ]


def _scale(frames: list[Frame]) -> list[Frame]:
    return [
        replace(f, rgb=cv2.resize(f.rgb, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA))
        for f in frames
    ]


def _double(frames: list[Frame]) -> list[Frame]:
    step = frames[1].time_s - frames[0].time_s
    out: list[Frame] = []
    for f in frames:
        out += [
            replace(f, index=len(out), time_s=f.time_s),
            replace(f, index=len(out) + 1, time_s=f.time_s + step / 2),
        ]
    return out


def _halve(frames: list[Frame]) -> list[Frame]:
    return [replace(f, index=k) for k, f in enumerate(frames[::2])]


def _poses(frames: list[Frame], info: SourceInfo) -> Any:
    h, w = frames[0].rgb.shape[:2]
    src = ListSource(frames, replace(info, width=w, height=h, frame_count=len(frames)))
    with create_backend("full", settings=DEFAULTS.pose) as backend:
        return extract_poses(src, backend, DEFAULTS).sequence


def _squat_values(seq: Any) -> dict[str, float]:
    r = screen_squat(seq)
    out: dict[str, float] = {}
    for k, item in enumerate(r.items[:3], 1):
        out[f"rep{k} FPPA L"] = item["fppa_left_deg"]
        out[f"rep{k} FPPA R"] = item["fppa_right_deg"]
    return out


def _stance_values(seq: Any) -> dict[str, float]:
    item = screen_stance(seq).items[0]
    return {
        "pelvic drop": item["pelvic_drop_median_deg"],
        "trunk lean": item["trunk_lean_toward_stance_deg"],
    }


def run(
    clip: str | Path, values: Callable[[Any], dict[str, float]], rate: tuple[str, Perturb]
) -> None:
    with open_source(DATA / clip, DEFAULTS.pose) as src:
        info, frames = src.info, list(src)
    variants: list[tuple[str, Perturb]] = [
        ("original", lambda f: f),
        ("crop", _crop),
        ("scale 0.6", _scale),
        rate,
    ]
    rows = {name: values(_poses(p(frames), info)) for name, p in variants}
    keys = list(rows["original"])
    title = os.path.relpath(clip) if Path(clip).is_absolute() else clip
    print(f"\n### {title}\n\n| variant | " + " | ".join(keys) + " | max diff |")
    print("|---" * (len(keys) + 2) + "|")
    for name, vals in rows.items():
        diff = max(abs(vals[k] - rows["original"][k]) for k in keys)
        print(f"| {name} | " + " | ".join(f"{vals[k]:.1f}" for k in keys) + f" | {diff:.1f} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", type=Path, help="one clip instead of the shared real clips")
    ap.add_argument("--screen", choices=["squat", "stance"], default="squat")
    args = ap.parse_args(argv)
    if args.clip is not None:
        if args.screen == "squat":
            run(args.clip.resolve(), _squat_values, ("fps x2", _double))
        else:
            run(args.clip.resolve(), _stance_values, ("fps / 2", _halve))
        return 0
    if not DATA.exists():
        print(f"shared data not found: {DATA}", file=sys.stderr)
        return 1
    run("tfjs_squat_miniband/pose_squats.mp4", _squat_values, ("5 -> 10 fps", _double))
    run("tfjs_single_leg_stance/pose_1.mp4", _stance_values, ("30 -> 15 fps", _halve))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
