"""One long video on 2 cores vs 1 (``hipcoach.timesplit``), measured in the same run.

The clip: the package's demo hip series (82 s, 480x360, 10 fps, one person lying on the
side doing the whole series with one leg, then the other) played ``--copies`` times in a
row (default 3: 4.1 minutes, 2,466 frames), re-encoded once with x264 (key frame every 10 s).
Then, ``--repeats`` times, alternating the order (1, 2, 2, 1, ...):

- one thread: :func:`hipcoach.pipeline.find_poses` (what ``hipcoach pose --workers 1``
  runs);
- two threads: the same with ``threads=2`` (what ``hipcoach pose`` runs on this machine),
  the parts' start-up included.

It prints the wall times (with how many cores other processes kept busy during each run),
the speed-up (fastest of each) and whether the analysis of the two landmark sequences counts
the same reps (per set: exercise, side, reps, rep times).

    python benchmarks/split.py [--copies 3] [--repeats 2] [--model full]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import av
import numpy as np

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.config import DEFAULTS, Settings
from hipcoach.exercises.routine import load_routine
from hipcoach.pipeline import PoseRequest, find_poses
from hipcoach.sequence.schema import ARRAY_FIELDS, PoseSequence

DEMO = Path(str(files("hipcoach") / "data" / "demo_hip_series.mp4"))


def make_long_clip(path: Path, copies: int) -> Path:
    """The demo clip ``copies`` times in a row, 10 fps, one key frame every 100 frames."""
    with av.open(str(DEMO)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "20", "preset": "veryfast", "g": "100"}
        for _ in range(copies):
            for rgb in frames:
                for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                    out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def counts(seq: PoseSequence) -> list[tuple[str, str, int, list[tuple[float, float]]]]:
    """Every set's exercise, side, reps and rep times."""
    result, _ = analyze_sequence(seq, load_routine(), DEFAULTS)
    return [(s.exercise, s.side, s.reps, s.rep_times) for s in result.sets]


def timed(clip: Path, settings: Settings, threads: int) -> tuple[float, PoseSequence]:
    """Wall seconds of one pose step (1 thread, or split across ``threads``)."""
    request = PoseRequest(str(clip), settings, threads=threads)
    start, cpu, busy = time.perf_counter(), _cpu_s(), machine_busy_s()
    result = find_poses(request)
    wall = time.perf_counter() - start
    others = (machine_busy_s() - busy - (_cpu_s() - cpu)) / wall
    print(f"  ({threads} thread(s): {wall:.1f} s, other processes {others:.2f} cores)")
    return wall, result.sequence


def _cpu_s() -> float:
    """CPU seconds of this process and its reaped children."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def machine_busy_s() -> float:
    """CPU seconds every process of the machine has used since boot (``/proc/stat``)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=3, help="demo clips in a row")
    parser.add_argument("--repeats", type=int, default=2, help="runs of 1 and of 2 threads")
    parser.add_argument("--model", default="full", choices=("lite", "full"))
    args = parser.parse_args()
    pose = DEFAULTS.pose.model_copy(update={"model": args.model})
    settings = DEFAULTS.model_copy(update={"pose": pose})
    times: dict[int, list[float]] = {1: [], 2: []}
    seqs: dict[int, PoseSequence] = {}
    with tempfile.TemporaryDirectory(prefix="hipcoach-split-bench-") as tmp:
        clip = make_long_clip(Path(tmp) / "long.mp4", args.copies)
        for k in range(args.repeats):
            for workers in (1, 2) if k % 2 == 0 else (2, 1):
                wall, seqs[workers] = timed(clip, settings, workers)
                times[workers].append(wall)
    one, two = seqs[1], seqs[2]
    t1, t2 = min(times[1]), min(times[2])
    same = counts(one) == counts(two)
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, model {args.model}, {len(one)} frames "
        f"({one.duration_s / 60:.1f} min), best of {args.repeats}, load {os.getloadavg()[0]:.2f}"
    )
    print(f"  1 thread     {t1:6.1f} s  ({', '.join(f'{t:.1f}' for t in times[1])})")
    print(f"  2 threads    {t2:6.1f} s  ({', '.join(f'{t:.1f}' for t in times[2])})")
    print(f"  speed-up 2 vs 1: {t1 / t2:.2f}x (target >= 1.7)")
    reps = sum(c[2] for c in counts(one))
    print(f"  reps counted: {reps} (1 thread) - identical sets and rep times: {same}")
    same_xy = all(
        np.array_equal(getattr(one, f), getattr(two, f), equal_nan=True) for f in ARRAY_FIELDS
    )
    print(f"  identical landmarks (every per-frame array): {same_xy}")


if __name__ == "__main__":
    main()
