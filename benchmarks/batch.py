"""``hipcoach batch`` scaling, measured in one run (ratios, so a noisy machine cancels out).

A small batch of real clips (the rendered side-lying clips in tests/data/rendered, 10 fps,
480x360, 24-41 s each; ``--copies`` repeats them under more clients) goes through:

1. the local engine with 1 worker, then with 2 (fresh outputs each): speed-up 2 vs 1;
2. the same command again on the 2-worker output: re-run time / first-run time;
3. a changed routine on a copy of that output: every job runs again, the landmarks come from
   the pose cache: time / first-run time;
4. the Ray engine (a local cluster on 127.0.0.1, 2 CPUs; cluster start-up included): Ray
   speed / local speed (skipped when Ray is not installed).

It prints each wall time, the ratios and the cost per video-minute (CPU-core-seconds per
minute of video, from the 2-worker run), as the table in docs/scaling.md.

    python benchmarks/batch.py [--copies 1] [--model full] [--no-ray]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

from hipcoach.batch import BatchRequest, BatchResult, run_batch
from hipcoach.config import DEFAULTS

REPO = Path(__file__).resolve().parents[1]
CLIPS = sorted((REPO / "tests" / "data" / "rendered").glob("*.mp4"))


def make_input(root: Path, copies: int) -> Path:
    """IN/<client>/<date>/<clip>: the clips under ``copies`` clients."""
    for k in range(copies):
        day = root / f"client{k + 1:02d}" / "2026-11-02"
        day.mkdir(parents=True)
        for clip in CLIPS:
            shutil.copy(clip, day / clip.name)
    return root


def timed(request: BatchRequest) -> tuple[float, BatchResult]:
    """Wall seconds of one whole batch (planning, engine, reports) and its result."""
    start = time.perf_counter()
    result = run_batch(request)
    elapsed = time.perf_counter() - start
    failed = [o.reason for o in result.outcomes if o.status != "done"]
    assert not failed, failed
    return elapsed, result


def changed_routine(folder: Path) -> Path:
    """The bundled routine with one target changed (rules/routine edit, same landmarks)."""
    text = files("hipcoach.exercises").joinpath("hip_series.toml").read_text(encoding="utf-8")
    path = folder / "routine.toml"
    path.write_text(text.replace("target_reps = 10", "target_reps = 12", 1), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=1, help="clients holding every clip")
    parser.add_argument("--model", default="full", choices=("lite", "full"))
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray engine")
    args = parser.parse_args()
    settings = DEFAULTS.model_copy(
        update={"pose": DEFAULTS.pose.model_copy(update={"model": args.model})}
    )
    with tempfile.TemporaryDirectory(prefix="hipcoach-batch-bench-") as tmp:
        root = Path(tmp)
        source = make_input(root / "in", args.copies)

        def request(out: str, **kw: object) -> BatchRequest:
            base = {"settings": settings, "pdf": False, "workers": 2}
            return BatchRequest(source, root / out, **{**base, **kw})  # type: ignore[arg-type]

        t1, _ = timed(request("w1", workers=1))
        t2, first = timed(request("w2"))
        t_rerun, again = timed(request("w2"))
        assert again.skipped == len(again.outcomes)
        shutil.copytree(root / "w2", root / "w2r")
        t_routine, redo = timed(request("w2r", routine_path=changed_routine(root)))
        assert all(o.pose_cached and not o.skipped for o in redo.outcomes)
        t_ray = None
        if not args.no_ray:
            try:
                import ray  # noqa: F401, PLC0415
            except ImportError:
                print("ray not installed: Ray engine skipped (pip install 'hipcoach[batch]')")
            else:
                t_ray, _ = timed(request("ray", engine="ray"))
    video_s = sum(o.video_s for o in first.outcomes)
    frames = sum(round(o.video_s * 10) for o in first.outcomes)
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, model {args.model}, "
        f"{len(first.outcomes)} videos, {video_s / 60:.1f} video-minutes, ~{frames} frames"
    )
    rows = [
        ("local, 1 worker", t1, ""),
        ("local, 2 workers", t2, f"speed-up 2 vs 1: {t1 / t2:.2f}x (target >= 1.8)"),
        ("re-run, all done", t_rerun, f"re-run / first: {t_rerun / t2:.1%} (target <= 5%)"),
        ("changed routine", t_routine, f"pose cache: {t_routine / t2:.1%} of the first run"),
    ]
    if t_ray is not None:
        rows.append(("ray, 2 CPUs", t_ray, f"ray / local speed: {t2 / t_ray:.2f}x (target >= 0.9)"))
    for name, wall, note in rows:
        print(f"  {name:18s} {wall:7.1f} s  {note}")
    core_s_per_video_min = t2 * 2 / (video_s / 60)
    print(f"  cost: {core_s_per_video_min:.1f} core-seconds per video-minute (2-worker run)")


if __name__ == "__main__":
    main()
