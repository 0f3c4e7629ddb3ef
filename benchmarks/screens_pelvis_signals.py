"""Which camera signal sees a pelvic drop? Candidate signals of the one-leg stance against
the rendered truth, through the real MediaPipe full model (issue 12, "measure first").

For each clip: the stance screen's finding, then per hold (the screen's hold, against the
two-feet reference before it, deg or % of the leg length) the candidate signals:

- ``hip line``: the screen's pelvic drop (MediaPipe hip landmarks, + = free side lower);
- ``knee line``: the line through the two knees, + = the free knee lower;
- ``stance hip add``: stance hip adduction = hip-line drop + stance thigh tilt toward the
  midline (pelvis-on-femur angle, + = adducted);
- ``pelvis shift``: hip midpoint over the stance ankle, % leg length toward the stance side;
- ``free knee up`` / ``free ankle up``: free knee / ankle above the stance one, % leg length;
- ``trunk lean``: hip→shoulder midpoints toward the stance side (the screen's compensation);
- segmentation mask (``output_segmentation_masks``): the silhouette's lateral contour of the
  torso run on each side: ``waist line`` (the narrowest row between shoulders and hips on
  each side), ``hip bulge line`` (the widest row between waist and mid-thigh) and
  ``contour shift`` (the vertical shift that best aligns the two sides' contours, as an
  angle over the hip width), + = the free side lower.

Then the slope and Pearson r of each signal against the true free-side drop: per frame
(every frame of the rendered stance clips, the lift ramp included) and per hold.

    python benchmarks/screens_pelvis_signals.py                 # rendered + real clips
    python benchmarks/screens_pelvis_signals.py --cache /tmp/pelvis   # keep the model runs
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hipcoach.backends.mediapipe_backend import MediaPipeBackend
from hipcoach.config import DEFAULTS
from hipcoach.extract import extract_poses
from hipcoach.landmarks import Landmark as L  # noqa: N817
from hipcoach.screens.common import hip_drop_deg, masked_xy, trunk_lean_deg
from hipcoach.screens.gait import screen_gait
from hipcoach.screens.squat import screen_squat
from hipcoach.screens.stance import find_holds, lift_share, screen_stance
from hipcoach.sequence.io import load, save
from hipcoach.sequence.schema import PoseSequence
from hipcoach.video import Frame, open_source

F64 = NDArray[np.float64]
REPO = Path(__file__).resolve().parents[1]
RENDERED = REPO / "tests" / "data" / "rendered_standing"
STANDING = REPO / "tests" / "data" / "standing_corpus"
SHARED = Path(os.environ.get("HIPCOACH_SHARED", REPO.parent / "shared")) / "data"
STANCE = ["stance_drop_right", "stance_drop_right_tilted", "stance_level_left"]
REAL = {"tfjs_single_leg_stance/pose_1.mp4": ("stance", "left", 0.0)}
OTHER_REAL = {
    "tfjs_squat_miniband/pose_squats.mp4": "squat",
    "rohan_barbell_squat_side/squat.mp4": "squat",
    "sports2d_demo_walk/demo.mp4": "gait",
}


@dataclass
class MaskRecorder:
    """A MediaPipe backend with segmentation masks that keeps contour features per frame."""

    inner: MediaPipeBackend
    features: list[dict[str, float]] = field(default_factory=list)
    name: str = "mediapipe-full+mask"
    model_sha256: str = ""

    def detect(self, frame: Frame) -> list[Any]:
        """Run the model, then measure the silhouette of the first person found."""
        found = self.inner.detect(frame)
        feats: dict[str, float] = {}
        if found and self.inner.last_masks:
            h, w = frame.rgb.shape[:2]
            xy = found[0].norm_xyz[:, :2].astype(np.float64) * np.array([w, h])
            feats = contour_features(self.inner.last_masks[0] > 0.5, xy)
        self.features.append({"t": frame.time_s, **feats})
        return found

    def close(self) -> None:
        """Release the model."""
        self.inner.close()

    def __enter__(self) -> MaskRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _torso_run(row: NDArray[np.bool_], x0: int) -> tuple[float, float]:
    """Left and right image x (px) of the foreground run through column ``x0``."""
    if not 0 <= x0 < row.size or not row[x0]:
        return math.nan, math.nan
    bg = np.flatnonzero(~row)
    left = bg[bg < x0]
    right = bg[bg > x0]
    return (left[-1] + 1 if left.size else 0.0), (right[0] - 1 if right.size else row.size - 1.0)


def _profiles(fg: NDArray[np.bool_], xy: F64) -> tuple[F64, F64, F64, float, float] | None:
    """Rows (y px) and lateral offsets (px) of the person's LEFT and RIGHT contours."""
    hip_l, hip_r = xy[L.LEFT_HIP], xy[L.RIGHT_HIP]
    sh_y = 0.5 * (xy[L.LEFT_SHOULDER, 1] + xy[L.RIGHT_SHOULDER, 1])
    hip_y = 0.5 * (hip_l[1] + hip_r[1])
    knee_y = 0.5 * (xy[L.LEFT_KNEE, 1] + xy[L.RIGHT_KNEE, 1])
    mid_x = 0.5 * (hip_l[0] + hip_r[0])
    if not all(math.isfinite(v) for v in (sh_y, hip_y, knee_y, mid_x)):
        return None
    rows = np.arange(int(sh_y + 0.3 * (hip_y - sh_y)), int(hip_y + 0.5 * (knee_y - hip_y)))
    rows = rows[(rows >= 0) & (rows < fg.shape[0])]
    if rows.size < 10:
        return None
    offsets = []
    for hip, other in ((hip_l, hip_r), (hip_r, hip_l)):  # each side from its own hip column
        runs = np.array([_torso_run(fg[y], round(hip[0])) for y in rows])
        lateral = 0 if hip[0] < other[0] else 1  # the run end away from the other hip
        offsets.append(np.abs(runs[:, lateral] - mid_x))
    if not (np.isfinite(offsets[0]).all() and np.isfinite(offsets[1]).all()):
        return None
    return rows.astype(np.float64), offsets[0], offsets[1], hip_y, abs(hip_l[0] - hip_r[0])


def _best_shift(a: F64, b: F64, max_px: int = 20) -> float:
    """Vertical shift (px, sub-pixel) of profile ``b`` that best matches ``a``: b(y+s)≈a(y)."""
    costs = []
    for s in range(-max_px, max_px + 1):
        lo, hi = max(0, -s), min(a.size, b.size - s)
        costs.append(float(np.mean((a[lo:hi] - b[lo + s : hi + s]) ** 2)))
    k = int(np.argmin(costs))
    if 0 < k < len(costs) - 1:
        c0, c1, c2 = costs[k - 1], costs[k], costs[k + 1]
        den = c0 - 2 * c1 + c2
        return k - max_px + (0.5 * (c0 - c2) / den if den > 0 else 0.0)
    return float(k - max_px)


def contour_features(fg: NDArray[np.bool_], xy: F64) -> dict[str, float]:
    """Silhouette heights (px, y down) of the waist and hip bulge on each side and the
    contour shift (px, + = the person's LEFT contour lower), with the hip width (px)."""
    prof = _profiles(fg, xy)
    if prof is None:
        return {}
    rows, off_l, off_r, hip_y, hip_w = prof
    waist_zone = rows <= hip_y
    out: dict[str, float] = {"hip_w": hip_w}
    for side, off in (("left", off_l), ("right", off_r)):
        waist = int(np.argmin(np.where(waist_zone, off, np.inf)))
        below = np.where(np.arange(rows.size) > waist, off, -np.inf)
        out[f"waist_{side}"] = rows[waist]
        out[f"bulge_{side}"] = rows[int(np.argmax(below))]
    near = np.abs(rows - hip_y) <= 0.5 * hip_w  # the pelvis' own outline, shapes only
    a, b = off_r[near], off_l[near]
    if a.size > 24:
        out["shift_left_down"] = _best_shift(a - a.mean(), b - b.mean(), max_px=8)
    return out


def poses_and_masks(video: Path, cache: Path | None) -> tuple[PoseSequence, list[dict[str, float]]]:
    """The screens' landmarks and the silhouette features of every frame (cached)."""
    stem = video.stem
    if cache is not None and (cache / f"{stem}.npz").exists():
        feats = json.loads((cache / f"{stem}.mask.json").read_text())
        return load(cache / f"{stem}.npz"), feats
    with (
        open_source(video, DEFAULTS.pose) as src,
        MaskRecorder(MediaPipeBackend("full", DEFAULTS.pose, segmentation=True)) as rec,
    ):
        seq = extract_poses(src, rec, DEFAULTS).sequence
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        save(seq, cache / f"{stem}.npz")
        (cache / f"{stem}.mask.json").write_text(json.dumps(rec.features))
    return seq, rec.features


def _angle(dy: F64, width: F64) -> F64:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.degrees(np.arctan2(dy, width)), np.float64)


def signals(seq: PoseSequence, feats: list[dict[str, float]], stance: str) -> dict[str, F64]:
    """Per-frame candidate signals (see the module docstring), + = toward a drop of the free
    side (``stance`` = the stance leg)."""
    xy = masked_xy(seq)
    sign = 1.0 if stance == "right" else -1.0  # + = the person's LEFT (free) side lower
    stance_l = L.RIGHT_HIP if stance == "right" else L.LEFT_HIP
    free_l = L.LEFT_HIP if stance == "right" else L.RIGHT_HIP
    leg = float(np.nanmedian(np.linalg.norm(xy[:, L.LEFT_ANKLE] - xy[:, L.LEFT_HIP], axis=1)))
    knee_s, knee_f = stance_l + 2, free_l + 2  # hip 23/24 -> knee 25/26
    ankle_s, ankle_f = stance_l + 4, free_l + 4
    knee_w = np.abs(xy[:, L.LEFT_KNEE, 0] - xy[:, L.RIGHT_KNEE, 0])
    toward_mid = np.sign(xy[:, free_l, 0] - xy[:, stance_l, 0])
    thigh = xy[:, knee_s] - xy[:, stance_l]
    thigh_tilt = np.degrees(np.arctan2(thigh[:, 0] * toward_mid, thigh[:, 1]))
    hip_line = sign * hip_drop_deg(xy)
    mid = 0.5 * (xy[:, L.LEFT_HIP, 0] + xy[:, L.RIGHT_HIP, 0])
    out = {
        "hip line": hip_line,
        "knee line": _angle(xy[:, knee_f, 1] - xy[:, knee_s, 1], knee_w),
        "stance hip add": hip_line + thigh_tilt,
        "pelvis shift %": -100.0 * toward_mid * (mid - xy[:, ankle_s, 0]) / leg,
        "free knee up %": 100.0 * (xy[:, knee_s, 1] - xy[:, knee_f, 1]) / leg,
        "free ankle up %": 100.0 * (xy[:, ankle_s, 1] - xy[:, ankle_f, 1]) / leg,
        "trunk lean": -sign * trunk_lean_deg(xy),
    }
    keys = ("waist_left", "waist_right", "bulge_left", "bulge_right", "shift_left_down", "hip_w")
    col = {k: np.array([f.get(k, math.nan) for f in feats], np.float64) for k in keys}
    width = col["hip_w"]
    out["waist line"] = sign * _angle(col["waist_left"] - col["waist_right"], width)
    out["hip bulge line"] = sign * _angle(col["bulge_left"] - col["bulge_right"], width)
    out["contour shift"] = sign * _angle(col["shift_left_down"], width)
    return out


def hold_values(seq: PoseSequence, sig: dict[str, F64]) -> tuple[dict[str, float], slice]:
    """Median of each signal over the first hold minus its two-feet reference before it."""
    xy = masked_xy(seq)
    times = np.asarray(seq.times_s, np.float64)
    lift = lift_share(xy)
    holds = find_holds(times, lift, DEFAULTS.screen, DEFAULTS.signal.max_gap_s)
    if not holds:
        return {}, slice(0, 0)
    _, a, b = holds[0]
    with np.errstate(invalid="ignore"):
        both = np.abs(lift[:a]) < DEFAULTS.screen.lift_share

    def ref(v: F64) -> float:  # no two-feet frames before the hold: the picture's zero
        return float(np.nanmedian(v[:a][both])) if both.sum() >= 2 else 0.0

    out = {k: float(np.nanmedian(v[a:b])) - ref(v) for k, v in sig.items()}
    return out, slice(a, b)


def fit(x: F64, y: F64) -> tuple[float, float, int]:
    """Slope of y on x and Pearson r over the finite pairs, with their count."""
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3 or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
        return math.nan, math.nan, int(ok.sum())
    slope = float(np.polyfit(x[ok], y[ok], 1)[0])
    return slope, float(np.corrcoef(x[ok], y[ok])[0, 1]), int(ok.sum())


def _truth_drop(name: str, times: F64) -> tuple[str, F64]:
    gt = json.loads((RENDERED / f"{name}.truth.json").read_text())
    t = np.array([f["t"] for f in gt["frames"]])
    drop = np.array([f["pelvic_drop_free_side_deg"] for f in gt["frames"]])
    idx = np.abs(t[None, :] - times[:, None]).argmin(axis=1)
    return str(gt["events"]["holds"][0]["stance_leg"]), drop[idx]


def findings(cache: Path | None) -> None:
    """Print every clip's finding from the screen it was made for (Markdown rows)."""
    clips = [(RENDERED / f"{n}.mp4", n.split("_")[0]) for n in ("squat_valgus", "squat_normal")]
    clips += [(RENDERED / f"{n}.mp4", "stance") for n in STANCE]
    clips += [(SHARED / rel, screen) for rel, screen in OTHER_REAL.items()]
    clips += [(SHARED / rel, spec[0]) for rel, spec in REAL.items()]
    run = {"squat": screen_squat, "stance": screen_stance, "gait": screen_gait}
    print("| clip | screen | finding | reason |\n|---|---|---|---|")
    for video, screen in clips:
        if video.exists():
            r = run[screen](poses_and_masks(video, cache)[0])
            print(f"| {video.name} | {screen} | {r.finding} | {r.reason} |")


def _clips(cache: Path | None) -> Iterator[tuple[str, PoseSequence, F64, str, dict[str, F64]]]:
    for name in STANCE:
        seq, feats = poses_and_masks(RENDERED / f"{name}.mp4", cache)
        leg, drop = _truth_drop(name, np.asarray(seq.times_s, np.float64))
        yield name, seq, drop, leg, signals(seq, feats, leg)
    for rel, (_, leg, drop0) in REAL.items():
        if (SHARED / rel).exists():
            seq, feats = poses_and_masks(SHARED / rel, cache)
            drop = np.full(len(seq), drop0)
            yield rel, seq, drop, leg, signals(seq, feats, leg)


def corpus(videos: Path, cache: Path | None) -> None:
    """Per hold of every stance clip of the standing corpus (videos in ``videos``/NAME/):
    truth, body, split and every candidate; then slope and r against the true drop per split,
    and each candidate's best threshold on the development bodies applied to the others."""
    from hipcoach.evaluation.standing import RELEVANT_DEG, read_manifest  # noqa: PLC0415

    rows: list[tuple[str, str, float, float, dict[str, float]]] = []
    for clip in read_manifest(STANDING):
        video = videos / clip.name / f"{clip.name}.mp4"
        if clip.motion != "stance" or not video.exists():
            continue
        seq, feats = poses_and_masks(video, cache)
        leg = clip.options["stance-leg"]
        values, _ = hold_values(seq, signals(seq, feats, leg))
        drop, lean = clip.number("drop-deg"), clip.number("lean-deg")
        rows.append((clip.name, clip.split, drop, lean, values))
    keys = list(dict.fromkeys(k for r in rows for k in r[4]))
    print("\n| clip | split | true drop | true lean | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 4) + "|")
    for name, split, drop, lean, values in rows:
        cells = " | ".join(f"{values.get(k, math.nan):.1f}" for k in keys)
        print(f"| {name} | {split} | {drop:g} | {lean:g} | {cells} |")
    print("\n| signal | dev slope | dev r (n) | val slope | val r (n) | dev threshold | "
          "val sensitivity | val specificity |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for k in keys:
        cells = []
        for split in ("dev", "val"):
            x = np.array([r[2] for r in rows if r[1] == split])
            y = np.array([r[4].get(k, math.nan) for r in rows if r[1] == split])
            slope, r, n = fit(x, y)
            cells += [f"{slope:.2f}", f"{r:.2f} ({n})"]
        thr, sens, spec = _threshold_rule(rows, k, RELEVANT_DEG)
        print(f"| {k} | " + " | ".join(cells) + f" | {thr:.1f} | {sens} | {spec} |")


def _threshold_rule(
    rows: list[tuple[str, str, float, float, dict[str, float]]], key: str, relevant: float
) -> tuple[float, str, str]:
    """The threshold on ``key`` separating relevant signs from level stances best on the
    development rows (midpoint of the best split), scored on the validation rows."""

    def sign(r: tuple[str, str, float, float, dict[str, float]]) -> bool:
        return max(r[2], r[3]) >= relevant

    dev = [(r[4].get(key, math.nan), sign(r)) for r in rows if r[1] == "dev"]
    dev = [(v, s) for v, s in dev if math.isfinite(v)]
    if not dev:
        return math.nan, "-", "-"
    scored = [
        (sum(((v >= c) if up else (v <= c)) == s for v, s in dev), c, up)
        for c in sorted(v for v, _ in dev)
        for up in (True, False)
    ]
    _, best, up = max(scored, key=lambda t: t[0])

    def says_sign(v: float) -> bool:
        return (v >= best) if up else (v <= best)

    val = [(r[4].get(key, math.nan), sign(r)) for r in rows if r[1] == "val"]
    pos = [says_sign(v) for v, s in val if s]
    neg = [not says_sign(v) for v, s in val if not s]
    best = best if up else -best  # printed as "-x": the sign when the value is x or less
    return best, f"{sum(pos)}/{len(pos)}", f"{sum(neg)}/{len(neg)}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=None, help="keep landmarks and mask features")
    ap.add_argument("--corpus", type=Path, default=None, help="standing corpus render folder")
    args = ap.parse_args(argv)
    if args.corpus is not None:
        corpus(args.corpus, args.cache)
        return 0
    findings(args.cache)
    per_frame: dict[str, tuple[list[F64], list[F64]]] = {}
    holds: list[tuple[str, float, dict[str, float]]] = []
    for name, seq, drop, _, sig in _clips(args.cache):
        values, span = hold_values(seq, sig)
        holds.append((name, float(np.median(drop[span])) if values else math.nan, values))
        if name in STANCE:
            for k, v in sig.items():
                xs, ys = per_frame.setdefault(k, ([], []))
                ref = np.nanmedian(v[: max(span.start, 1)])
                xs.append(drop)
                ys.append(v - ref)
    keys = list(holds[0][2])
    print("\n| clip | true drop (°) | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 2) + "|")
    for name, truth, values in holds:
        cells = " | ".join(f"{values.get(k, math.nan):.1f}" for k in keys)
        print(f"| {name} | {truth:.1f} | {cells} |")
    print("\n| signal | per-frame slope | per-frame r (n) | per-hold slope | per-hold r (n) |")
    print("|---|---|---|---|---|")
    for k in keys:
        xs, ys = per_frame[k]
        s1, r1, n1 = fit(np.concatenate(xs), np.concatenate(ys))
        hx = np.array([h[1] for h in holds])
        hy = np.array([h[2].get(k, math.nan) for h in holds])
        s2, r2, n2 = fit(hx, hy)
        print(f"| {k} | {s1:.2f} | {r1:.2f} ({n1}) | {s2:.2f} | {r2:.2f} ({n2}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
