"""Where one pose process spends its CPU, per thread (Linux): how many cores it keeps busy.

Runs one pose pass (:func:`hipcoach.pipeline.find_poses`, default settings) over a clip and
samples every thread's CPU time (``/proc/self/task/*/stat``) every 0.2 s; prints the wall
time, the process's CPU time, their ratio (cores kept busy) and the CPU seconds per thread
name (``drishti``: MediaPipe's graph threads, where the model runs; ``av:h264:*``: FFmpeg's
decoder threads; ``python``: the main thread and others). A ratio near 1 means one process
uses one core: two of them cannot oversubscribe two cores by their own threads.

    python benchmarks/pose_threads.py [CLIP]   # default: the rendered series clip
"""

from __future__ import annotations

import os
import resource
import sys
import threading
import time
from pathlib import Path

from hipcoach.config import DEFAULTS
from hipcoach.pipeline import PoseRequest, find_poses

REPO = Path(__file__).resolve().parents[1]
CLIP = REPO / "tests" / "data" / "rendered" / "series_left_front_high.mp4"
TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu() -> dict[str, tuple[str, float]]:
    """CPU seconds (user + system) of each live thread: id -> (name, seconds)."""
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            stat = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
            name = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
        except OSError:  # the thread ended meanwhile
            continue
        out[tid] = (name, (int(stat[11]) + int(stat[12])) / TICK)
    return out


def main() -> None:
    clip = sys.argv[1] if len(sys.argv) > 1 else str(CLIP)
    seen: dict[str, tuple[str, float]] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            seen.update(thread_cpu())
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    sampler.start()
    result = find_poses(PoseRequest(clip, DEFAULTS))
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    seen.update(thread_cpu())
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    print(
        f"{Path(clip).name}: {len(result.sequence)} frames, wall {wall:.1f} s, CPU {cpu:.1f} s, "
        f"cores kept busy {cpu / wall:.2f}, load {os.getloadavg()[0]:.2f}"
    )
    per_name: dict[str, float] = {}
    for name, seconds in seen.values():
        per_name[name] = per_name.get(name, 0.0) + seconds
    for name, seconds in sorted(per_name.items(), key=lambda item: -item[1]):
        print(f"  {name:16s} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
