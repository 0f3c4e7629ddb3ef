"""What one update of the live count costs, frame by frame, as the browser session runs it.

Usage::

    python benchmarks/live_recount.py [--clip faults_left_front series_left_front_high]

Each rendered clip's landmarks (``tests/data/rendered``, the real model "full", cached in
``.cache/accuracy`` as ``benchmarks/accuracy.py`` caches them) are played at 30 frames/s
(each 10 fps frame three times, as ``benchmarks/live_pipeline.py``'s fake camera does); the
clip's first true set (or its first set of ``--exercise``) is counted by
:class:`~hipcoach.analysis.live_count.LiveSetCount` from half a second before it to the
clip's end, one update per frame, as
``CameraRepSource.poll`` does when every frame is re-counted. Prints per clip: frames,
update cost (ms, p50 / p95 / max; the frame's own share of the work included), frames the
counters re-ran (p50 / max) and the reps at the end. Only ``update`` is timed. Prints
numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from hipcoach.analysis.live_count import LiveSetCount
from hipcoach.evaluation.rendered import cached_pose, render_truth
from hipcoach.exercises.routine import load_routine
from hipcoach.sequence.schema import PoseSequence

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "rendered"
CACHE = REPO / ".cache" / "accuracy"
FPS = 30.0


def at_30_fps(seq: PoseSequence, repeat: int = 3) -> PoseSequence:
    """Each frame of ``seq`` ``repeat`` times, re-timed to ``FPS`` frames/s (s)."""
    idx = np.repeat(np.arange(len(seq)), repeat)
    return replace(
        seq,
        times_s=np.arange(len(idx)) / FPS,
        image_xy=seq.image_xy[idx],
        image_z=seq.image_z[idx],
        visibility=seq.visibility[idx],
        presence=seq.presence[idx],
        world=seq.world[idx],
        detected=seq.detected[idx],
    )


def measure(name: str, exercise: str | None = None) -> dict[str, object]:
    """Update costs (ms) and tails (frames) of the first set of clip ``name`` (or its first
    set of ``exercise``)."""
    routine = load_routine()
    video = DATA / f"{name}.mp4"
    seq, _, _ = cached_pose(video, CACHE)
    seq = at_30_fps(seq)
    truth = render_truth(json.loads((DATA / f"{name}.truth.json").read_text()), name)
    first = next(s for s in truth.sets if exercise in (None, s.exercise))
    frames = seq.select(seq.times_s >= first.start_s - 0.5)
    spec = next(e for e in routine.exercises if e.id == first.exercise)
    live = LiveSetCount("left" if first.side == "left" else "right", spec, routine)
    costs, tails, reps = [], [], 0
    for n in range(1, len(frames) + 1):
        so_far = frames.select(np.arange(n))
        started = time.perf_counter()
        reps = live.update(so_far).result.reps
        costs.append((time.perf_counter() - started) * 1e3)
        tails.append(live.tail_frames)
    label = f"{name} ({first.exercise})"
    return {"clip": label, "frames": len(frames), "costs": costs, "tails": tails, "reps": reps}


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", nargs="+", default=["faults_left_front", "series_left_front_high"])
    ap.add_argument("--exercise", default=None, help="count this exercise's set, not the first")
    args = ap.parse_args(argv)
    rows = [measure(name, args.exercise) for name in args.clip]
    load = os.getloadavg()[0]
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load:.1f}, {FPS:.0f} frames/s")
    print("| clip | frames | update ms p50 / p95 / max | counters' frames p50 / max | reps |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        c, t = np.asarray(r["costs"]), np.asarray(r["tails"])
        print(
            f"| {r['clip']} | {r['frames']} | {np.percentile(c, 50):.1f} / "
            f"{np.percentile(c, 95):.1f} / {c.max():.1f} | {np.median(t):.0f} / {t.max()} "
            f"| {r['reps']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
