"""Rendered clips: renderer truth as evaluation types, the real pose model's landmarks
(cached), and the rendered suites (series clips and clips with injected faults).

A clip is ``<dir>/<stem>.mp4`` with its truth beside it, as the renderer writes it
(``<dir>/<stem>/ground_truth.json``) or as ``tools/slim_truth.py`` slims it
(``<dir>/<stem>.truth.json``). Landmarks come from ``hipcoach pose``'s pipeline (model
"full") and are cached by file hash, so reruns only analyse. Times in s, angles in deg.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hipcoach import __version__
from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.config import DEFAULTS
from hipcoach.evaluation.faults import pool, score_faults
from hipcoach.evaluation.score import ClipScore, RuleCount, score_clip
from hipcoach.evaluation.truth import EXERCISES, ClipTruth, TrueRep, TrueSet, fault_rules
from hipcoach.pipeline import PoseRequest, find_poses
from hipcoach.sequence.io import load, save
from hipcoach.sequence.schema import PoseSequence
from hipcoach.synth.program import DEFAULTS as SCRIPT_DEFAULTS

#: Exercises whose renderer events are ``events.reps`` (circles: ``events.circles``).
RAISES = ("small_leg_raise", "big_leg_lift", "leg_raise")


def _script_segments(gt: dict[str, Any]) -> list[dict[str, Any]]:
    script = gt["script"]
    return list(script["segments"] if isinstance(script, dict) else script)


def label_runs(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """(label, first frame, end frame exclusive) of each run of equal exercise labels."""
    runs: list[tuple[str, int, int]] = []
    for i, lab in enumerate(labels):
        if runs and runs[-1][0] == lab and runs[-1][2] == i:
            runs[-1] = (lab, runs[-1][1], i + 1)
        else:
            runs.append((str(lab), i, i + 1))
    return [r for r in runs if r[0] in EXERCISES]


def render_truth(
    gt: dict[str, Any], name: str = "", tags: dict[str, Any] | None = None
) -> ClipTruth:
    """Truth of a rendered clip (renderer ``ground_truth.json`` or its slim copy).

    Uses only keys the slim copy keeps: sets are the runs of one exercise label in the
    per-frame labels, in script order, spanning from half a frame before their first frame
    to half a frame after their last; their counts come from the script (checked against
    ``events.reps`` for raises and ``events.circles`` for circles). Frames labelled with a
    rep give the sets their true reps (:func:`frame_reps`).
    """
    frames = gt["frames"]
    t = np.array([f["t"] for f in frames], np.float64)
    labels = np.array([f["exercise"] for f in frames]).astype(str)
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    runs = label_runs([str(x) for x in labels])
    segs = [s for s in _script_segments(gt) if s.get("kind", "rest") in SCRIPT_DEFAULTS]
    segs = [s for s in segs if s.get("kind") != "rest"]
    if len(segs) != len(runs):
        raise ValueError(f"{len(segs)} exercise segments in the script but {len(runs)} runs")
    leg = str(gt["working_leg"])
    reps = frame_reps(gt)
    sets = []
    for j, ((lab, i0, i1), seg) in enumerate(zip(runs, segs, strict=True)):
        n = int(seg.get("reps", SCRIPT_DEFAULTS[seg["kind"]].get("reps", 0)))
        start, end = float(t[i0] - 0.5 * dt), float(t[i1 - 1] + 0.5 * dt)
        direction = lab.rsplit("_", 1)[1] if lab.startswith("leg_circle") else None
        sets.append(TrueSet(lab, leg, start, end, reps.get(j, ()), direction, count=n))
    check_counts(gt, sets, dt)
    return ClipTruth(
        name=name,
        placement=str((tags or {}).get("view", gt.get("view", ""))),
        lying_on=str(gt["lying_on_side"]),
        working_leg=leg,
        sets=tuple(sets),
        t=t,
        exercise=labels,
        abduction_deg=np.array([f["top_leg_abduction_deg"] for f in frames], np.float64),
        tags=dict(tags or {}),
    )


def check_counts(gt: dict[str, Any], sets: Sequence[TrueSet], tol_s: float) -> None:
    """Raise ValueError unless the sets' counts agree with the renderer's own events
    (events starting within ``tol_s`` before a set count for it)."""
    events = gt.get("events", {})
    for s in sets:
        a, b = s.start_s - tol_s, s.end_s
        if s.exercise in RAISES:
            n = sum(a <= r["start"] < b for r in events.get("reps", []))
        elif s.direction is not None:
            n = sum(int(c["n_circles"]) for c in events.get("circles", []) if a <= c["start"] < b)
        else:
            continue
        if n != s.n_reps:
            raise ValueError(f"{s.exercise}: script says {s.n_reps} reps, events say {n}")


def frame_reps(gt: dict[str, Any]) -> dict[int, tuple[TrueRep, ...]]:
    """Set ordinal -> its true reps, from the per-frame rep labels (none without them).

    A rep is the frames sharing one (script segment, rep number), from its first to its last
    frame; its set is the ordinal of its segment among the segments with reps; it carries a
    fault when the fault's size reaches ``MIN_FAULT_DEG`` in any of its frames.
    """
    frames = [f for f in gt["frames"] if f.get("rep") is not None and f["exercise"] != "rest"]
    segments = sorted({int(f["segment"]) for f in frames})
    spans: dict[tuple[int, int], list[float]] = {}
    faults: dict[tuple[int, int], set[str]] = {}
    for f in frames:
        key = (int(f["segment"]), int(f["rep"]))
        spans.setdefault(key, [f["t"], f["t"]])[1] = f["t"]
        faults.setdefault(key, set()).update(fault_rules(f.get("faults_active")))
    out: dict[int, list[TrueRep]] = {}
    for key in sorted(spans):
        rep = TrueRep(float(spans[key][0]), float(spans[key][1]), frozenset(faults[key]))
        out.setdefault(segments.index(key[0]), []).append(rep)
    return {j: tuple(r) for j, r in out.items()}


def has_fault_labels(gt: dict[str, Any]) -> bool:
    """Whether the truth labels its rep frames with the faults active in them."""
    frames = [f for f in gt["frames"] if f.get("rep") is not None and f["exercise"] != "rest"]
    return not frames or "faults_active" in frames[0]


def rendered_clips(dirs: Sequence[Path], prefix: str) -> list[tuple[Path, Path]]:
    """(video, truth) pairs: ``<prefix>*.mp4`` in ``dirs`` whose ground truth exists."""
    out = []
    for d in dirs:
        for video in sorted(d.glob(f"{prefix}*.mp4")):
            for truth in (d / video.stem / "ground_truth.json", d / f"{video.stem}.truth.json"):
                if truth.exists():
                    out.append((video, truth))
                    break
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cached_pose(video: Path, cache: Path | None) -> tuple[PoseSequence, float, float]:
    """Landmarks of ``video`` from the real model ("full"), its inference and wall seconds.

    Cached as ``<cache>/<stem>-<hash>.npz`` + ``.json`` (no cache when ``cache`` is None);
    the key covers the video bytes, the hipcoach version and the pose settings.
    """
    settings = DEFAULTS
    key_src = _sha256(video) + __version__ + settings.pose.model_dump_json()
    key = hashlib.sha256(key_src.encode()).hexdigest()[:16]
    npz = meta = None
    if cache is not None:
        npz, meta = cache / f"{video.stem}-{key}.npz", cache / f"{video.stem}-{key}.json"
        if npz.exists() and meta.exists():
            info = json.loads(meta.read_text(encoding="utf-8"))
            return load(npz), float(info["inference_s"]), float(info["wall_s"])
    t0 = time.perf_counter()
    res = find_poses(PoseRequest(str(video), settings))
    wall = time.perf_counter() - t0
    if npz is not None and meta is not None:
        npz.parent.mkdir(parents=True, exist_ok=True)
        save(res.sequence, npz)
        info = {"video": str(video), "inference_s": res.inference_s, "wall_s": wall}
        meta.write_text(json.dumps(info, indent=1), encoding="utf-8")
    return res.sequence, res.inference_s, wall


def run_rendered_suite(
    dirs: Sequence[Path],
    cache: Path | None,
    progress: Callable[[ClipScore], None] | None = None,
) -> list[ClipScore]:
    """Pose (cached), analyse and score every ``series_*`` clip; times in the scores'
    ``analysis_s`` and ``pose_s`` (inference)."""
    scores = []
    for video, truth_path in rendered_clips(dirs, "series_"):
        gt = json.loads(truth_path.read_text(encoding="utf-8"))
        seq, inference_s, _ = cached_pose(video, cache)
        t0 = time.perf_counter()
        result, blocks = analyze_sequence(seq)
        elapsed = time.perf_counter() - t0
        tags = {"side": str(gt["lying_on_side"]), "view": str(gt["view"]), "clip": video.name}
        score = score_clip(render_truth(gt, video.name, tags), result, blocks)
        score.analysis_s, score.pose_s = elapsed, inference_s
        scores.append(score)
        if progress is not None:
            progress(score)
    return scores


def run_rendered_fault_suite(
    dirs: Sequence[Path],
    cache: Path | None,
    progress: Callable[[str, dict[str, RuleCount]], None] | None = None,
) -> tuple[dict[tuple[str, str], RuleCount], int]:
    """Pose (cached), analyse and score every ``faults*`` clip; counts pooled per (rule,
    view), and the number of clips."""
    pooled: dict[tuple[str, str], RuleCount] = {}
    clips = rendered_clips(dirs, "faults")
    for video, truth_path in clips:
        gt = json.loads(truth_path.read_text(encoding="utf-8"))
        if not has_fault_labels(gt):
            raise ValueError(f"{truth_path} has no per-frame faults (re-slim it)")
        seq, _, _ = cached_pose(video, cache)
        result, _ = analyze_sequence(seq)
        counts = score_faults(result, render_truth(gt, video.name))
        pool(pooled, counts, str(gt["view"]))
        if progress is not None:
            progress(video.name, counts)
    return pooled, len(clips)
