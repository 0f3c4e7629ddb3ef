"""Throughput of ``hipcoach pose`` versus a bare model-only loop, measured in the same run.

For each model (lite, full) and size (640x480, 1280x720) this makes a short H.264 clip from
real footage (the Sports2D demo in ../shared/data, letterboxed), then times:

- bare:  frames decoded to memory beforehand; only ``PoseLandmarker.detect_for_video`` in a loop
- e2e:   ``hipcoach pose`` as the CLI runs it (decode thread, model, tracking, landmark
         building, saving the .npz), from the file on disk.

Both include creating the landmarker. Runs alternate and repeat; the median of each is used.
Prints frames/s and the ratio e2e / bare (target >= 0.9).

    python benchmarks/pose_throughput.py [--frames 300] [--repeats 3]
    python benchmarks/pose_throughput.py --memory-minutes 10   # peak RSS over a long 720p clip
    python benchmarks/pose_throughput.py --memory-minutes 60 --memory-size 480x360 --memory-fps 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import cv2
import mediapipe as mp  # the bare loop uses the model directly, bypassing hipcoach
import numpy as np
from mediapipe.tasks.python import vision
from mediapipe.tasks.python.core.base_options import BaseOptions

from hipcoach.config import DEFAULTS, Settings
from hipcoach.modelstore import load_model
from hipcoach.pipeline import PoseRequest, find_poses
from hipcoach.sequence.io import save
from hipcoach.video import open_source

REPO = Path(__file__).resolve().parents[1]
FOOTAGE = REPO.parent / "shared" / "data" / "sports2d_demo_walk" / "demo.mp4"
SIZES = ((640, 480), (1280, 720))


def _letterbox(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    s = min(width / w, height / h)
    small = cv2.resize(rgb, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
    out = np.zeros((height, width, 3), np.uint8)
    y0, x0 = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    out[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]] = small
    return out


def make_clip(path: Path, width: int, height: int, n_frames: int, fps: int = 30) -> Path:
    """``n_frames`` of real footage at width x height, ``fps`` (looping the source)."""
    with av.open(str(FOOTAGE)) as c:
        src = [_letterbox(f.to_ndarray(format="rgb24"), width, height) for f in c.decode(video=0)]
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "23", "preset": "veryfast"}
        for i in range(n_frames):
            frame = av.VideoFrame.from_ndarray(src[i % len(src)], format="rgb24")
            for p in stream.encode(frame):
                out.mux(p)
        for p in stream.encode():
            out.mux(p)
    return path


def _settings(model: str, max_people: int) -> Settings:
    pose = DEFAULTS.pose.model_copy(update={"model": model, "max_people": max_people})
    return DEFAULTS.model_copy(update={"pose": pose})


def bare_fps(clip: Path, model: str, max_people: int) -> float:
    """Model-only loop over frames decoded beforehand (same options as hipcoach uses)."""
    pose = _settings(model, max_people).pose
    with open_source(clip, pose) as src:
        frames = [(f.rgb, round(f.time_s * 1000)) for f in src]
    t0 = time.perf_counter()
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_buffer=load_model(model)[0]),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=pose.max_people,
        min_pose_detection_confidence=pose.min_detection_confidence,
        min_pose_presence_confidence=pose.min_presence_confidence,
        min_tracking_confidence=pose.min_tracking_confidence,
    )
    with vision.PoseLandmarker.create_from_options(options) as lm:
        for rgb, ts in frames:
            lm.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), ts)
    return len(frames) / (time.perf_counter() - t0)


def e2e_fps(clip: Path, model: str, out: Path, max_people: int) -> float:
    """``hipcoach pose CLIP --out OUT.npz`` in-process, without the progress bar."""
    t0 = time.perf_counter()
    result = find_poses(PoseRequest(str(clip), _settings(model, max_people)))
    save(result.sequence, out)
    return len(result.sequence) / (time.perf_counter() - t0)


def throughput(n_frames: int, repeats: int, max_people: int) -> None:
    print(f"max_people={max_people}, {n_frames} frames, median of {repeats} runs")
    print(f"{'model':6} {'size':>10} {'bare fps':>9} {'e2e fps':>9} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for w, h in SIZES:
            clip = make_clip(Path(tmp) / f"clip_{w}x{h}.mp4", w, h, n_frames)
            for model in ("lite", "full"):
                bare, e2e = [], []
                for _ in range(repeats):
                    bare.append(bare_fps(clip, model, max_people))
                    e2e.append(e2e_fps(clip, model, Path(tmp) / "out.npz", max_people))
                b, e = statistics.median(bare), statistics.median(e2e)
                print(f"{model:6} {f'{w}x{h}':>10} {b:9.1f} {e:9.1f} {e / b:6.3f}", flush=True)


def _status_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory(
    minutes: float, max_people: int, size: str = "1280x720", fps: int = 30, workers: int = 1
) -> None:
    """RSS of the real ``hipcoach pose`` process (``--workers``: its threads) over a long
    clip of ``size`` pixels at ``fps``, sampled every 2 s: all of it, and the anonymous
    part (the heap; the rest is files mapped in: libraries, the model, landmarks on disk)."""
    n = int(minutes * 60 * fps)
    width, height = (int(v) for v in size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        print(f"encoding a {minutes:g}-minute {size} {fps} fps clip ({n} frames)...", flush=True)
        clip = make_clip(Path(tmp) / "long.mp4", width, height, n, fps)
        cmd = [
            sys.executable,
            "-m",
            "hipcoach",
            "pose",
            str(clip),
            "--out",
            str(Path(tmp) / "l.npz"),
            "--model",
            "lite",
            "--max-people",
            str(max_people),
            "-q",
            "--allow-partial-body",
            "--workers",
            str(workers),
        ]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples: list[tuple[float, float, float, float]] = []
        while proc.poll() is None:
            try:
                rss, hwm = _status_mb(proc.pid, "VmRSS"), _status_mb(proc.pid, "VmHWM")
                anon = _status_mb(proc.pid, "RssAnon")
            except OSError:
                break
            samples.append((time.perf_counter() - t0, rss, hwm, anon))
            time.sleep(2.0)
        wall = time.perf_counter() - t0
    peak = samples[-1][2]
    print(f"hipcoach pose: exit {proc.returncode}, {n / wall:.1f} frames/s, peak RSS {peak:.0f} MB")
    print(f"  workers {workers}, load {os.getloadavg()[0]:.1f} at the end")
    for q in (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        t, rss, _, anon = samples[max(0, round(q * len(samples)) - 1)]
        print(f"  at {t:6.0f} s ({q:4.0%} of the run): RSS {rss:.0f} MB (anonymous {anon:.0f})")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""

    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--memory-minutes", type=float, default=0.0)
    ap.add_argument("--memory-size", default="1280x720", help="WxH of the memory clip")
    ap.add_argument("--memory-fps", type=int, default=30, help="frame rate of the memory clip")
    ap.add_argument("--memory-workers", type=int, default=1, help="threads of the pose step")
    ap.add_argument("--max-people", type=int, default=DEFAULTS.pose.max_people)
    args = ap.parse_args(argv)
    if not FOOTAGE.exists():
        print(f"footage not found: {FOOTAGE}", file=sys.stderr)
        return 2
    if args.memory_minutes > 0:
        memory(
            args.memory_minutes,
            args.max_people,
            args.memory_size,
            args.memory_fps,
            args.memory_workers,
        )
    else:
        throughput(args.frames, args.repeats, args.max_people)
    return 0


if __name__ == "__main__":
    sys.exit(main())
