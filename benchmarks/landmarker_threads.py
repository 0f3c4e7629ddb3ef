"""Do two landmarkers in two threads of one process use two cores? (MediaPipe releases
Python's lock while its graph runs.) Measured in the same run: frames/s of one thread, then
of two threads each running its own landmarker over the same pre-decoded frames, alternated
``--repeats`` times; prints the ratio (2 = perfect scaling on 2 cores).

    python benchmarks/landmarker_threads.py [CLIP] [--frames 150] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray

from hipcoach.backends.mediapipe_backend import MediaPipeBackend
from hipcoach.config import DEFAULTS
from hipcoach.video.base import Frame

CLIP = Path(__file__).resolve().parents[2] / "shared" / "data" / "rohan_barbell_squat_side"


def decode(clip: Path, frames: int) -> list[NDArray[np.uint8]]:
    """The first ``frames`` frames of ``clip`` as packed RGB arrays."""
    out: list[NDArray[np.uint8]] = []
    with av.open(str(clip)) as container:
        for frame in container.decode(video=0):
            out.append(np.ascontiguousarray(frame.to_ndarray(format="rgb24")))
            if len(out) >= frames:
                break
    return out


def frames_per_s(images: list[NDArray[np.uint8]], threads: int) -> float:
    """Frames/s of ``threads`` landmarkers (one per thread), each over every image."""
    backends = [MediaPipeBackend(settings=DEFAULTS.pose) for _ in range(threads)]

    def work(backend: MediaPipeBackend) -> None:
        for i, rgb in enumerate(images):
            backend.detect(Frame(i, i / 30.0, rgb))

    workers = [threading.Thread(target=work, args=(b,)) for b in backends]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - start
    for b in backends:
        b.close()
    return threads * len(images) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
    parser.add_argument("clip", nargs="?", type=Path, default=CLIP / "squat.mp4")
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    images = decode(args.clip, args.frames)
    rates: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeats):
        for threads in (1, 2):
            rates[threads].append(frames_per_s(images, threads))
    one, two = max(rates[1]), max(rates[2])
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.1f}, "
        f"{args.clip.name}, {len(images)} frames {images[0].shape[1]}x{images[0].shape[0]}"
    )
    print(f"  1 thread : {one:5.1f} frames/s  ({', '.join(f'{r:.1f}' for r in rates[1])})")
    print(f"  2 threads: {two:5.1f} frames/s  ({', '.join(f'{r:.1f}' for r in rates[2])})")
    print(f"  ratio 2 vs 1 thread: {two / one:.2f}x")


if __name__ == "__main__":
    main()
