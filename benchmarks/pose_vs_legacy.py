"""Issue 16 item 5: default ``hipcoach pose`` against a hobby-style legacy loop, same run.

The baseline is ``benchmarks/legacy_pose_loop.py``: OpenCV decode + the legacy
``mp.solutions.pose`` (model_complexity=1, one person, tracking), run by a Python with the
last MediaPipe that still has ``mp.solutions`` (0.10.14). ``--make-venv DIR`` builds that
venv from PyPI once; ``--legacy-python`` points at its interpreter.

Per repeat, in turn (so load drifts hit all alike): the legacy loop, ``hipcoach pose`` with
its defaults (the video split in time across every core), with ``--workers 1`` (one thread)
and with ``--max-people 1``. Wall time and CPU time (all threads) of each whole process
(start-up, decode, model, writing the .npz), median over repeats, and each ratio to the
legacy loop of the same repeat.

    python benchmarks/pose_vs_legacy.py --make-venv /work/legacy-venv
    python benchmarks/pose_vs_legacy.py --legacy-python /work/legacy-venv/bin/python \
        [--clip ../shared/data/rohan_barbell_squat_side/squat.mp4] [--repeats 3]

Prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLIP = REPO.parent / "shared" / "data" / "rohan_barbell_squat_side" / "squat.mp4"
LEGACY_PINS = ["mediapipe==0.10.14", "opencv-python-headless<4.11", "numpy<2"]


def make_venv(path: Path) -> int:
    """Create the legacy venv at ``path`` (needs PyPI once)."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    pip = [str(path / "bin" / "python"), "-m", "pip", "install", "-q", *LEGACY_PINS]
    return subprocess.run(pip, check=False).returncode


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, every thread) of ``cmd`` in s; raises if it
    fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--make-venv", type=Path)
    p.add_argument("--legacy-python", type=Path, default=Path("/work/legacy-venv/bin/python"))
    p.add_argument("--clip", type=Path, default=CLIP)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    if a.make_venv:
        return make_venv(a.make_venv)
    if not a.legacy_python.exists():
        print(f"no legacy Python at {a.legacy_python}: run with --make-venv DIR first")
        return 2
    loop = REPO / "benchmarks" / "legacy_pose_loop.py"
    with tempfile.TemporaryDirectory() as tmp:
        npz = str(Path(tmp) / "out.npz")
        pose = [sys.executable, "-m", "hipcoach", "pose", str(a.clip), "-o", npz, "-q"]
        commands = {
            "legacy loop": [str(a.legacy_python), str(loop), str(a.clip)],
            "hipcoach pose (default: every core)": pose,
            "hipcoach pose --workers 1": [*pose, "--workers", "1"],
            "hipcoach pose --max-people 1": [*pose, "--max-people", "1"],
        }
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(a.repeats):
            for name, cmd in commands.items():
                runs[name].append(timed(cmd))
    load = os.getloadavg()[0]
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {load:.1f}, {a.clip.name}, "
        f"{a.repeats} repeats"
    )
    print("| run | wall s | wall ratio to the legacy loop | CPU s | CPU ratio |")
    print("|---|---|---|---|---|")
    base = runs["legacy loop"]
    for name, times in runs.items():
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        wall_r = statistics.median(t[0] / b[0] for t, b in zip(times, base, strict=True))
        cpu_r = statistics.median(t[1] / b[1] for t, b in zip(times, base, strict=True))
        print(f"| {name} | {wall:.2f} | {wall_r:.2f} | {cpu:.2f} | {cpu_r:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
