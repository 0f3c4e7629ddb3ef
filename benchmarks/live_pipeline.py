"""The live page's speed in headless Chromium: processed frames/s and latencies.

Usage::

    python benchmarks/live_pipeline.py [--model lite full] [--seconds 20] [--repeat 3]

For each pose model, the app is served on 127.0.0.1, Debian's Chromium opens ``/session``
with a fake camera playing a rendered side-lying clip (``tests/data/rendered``, 10 fps,
each frame written ``--repeat`` times: 30 frames/s by default), a session is started and,
while the first set runs, the page's own counters are read over ``--seconds`` s:

- processed frames/s: frames the page ran PoseLandmarker on (VIDEO mode, CPU/WASM);
- sent frames/s and frames dropped (one frame in flight: the newest waits, older ones drop);
- pose inference per frame (ms, p50/p95);
- frame → answer (ms, p50/p95): from the frame reaching the page to Python's state message
  that acknowledges it (inference, WebSocket, validation, the session engine's frame step);
- frame → shown count (ms, p50/p95): from a frame reaching the page to the page showing a
  count whose re-count covered it (adds the re-count cadence,
  ``LiveSettings.recount_interval_s``);
- page ready (s): ``/session`` loaded to the Start button enabled (model and camera ready).

Targets (issue 15): >= 25 processed frames/s, frame-to-cue p95 <= 100 ms, ready <= 2 s.
Prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers.live import (  # noqa: E402
    compose,
    open_live_page,
    read_frames,
    served_app,
    write_y4m,
)

from hipcoach.config import DEFAULTS  # noqa: E402

CLIP = REPO / "tests" / "data" / "rendered" / "faults_left_front.mp4"


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def measure(
    model: str,
    clip: Path,
    seconds: float,
    tmp: Path,
    recount_s: float | None = None,
    share: float | None = None,
) -> dict[str, Any]:
    """One run: the page's counters over ``seconds`` s of the first set (``recount_s``:
    ``LiveSettings.recount_interval_s`` when given, s; ``share``: its ``max_count_share``)."""
    session = DEFAULTS.session.model_copy(update={"idle_end_s": 60.0})
    live = DEFAULTS.live
    if recount_s is not None:
        live = live.model_copy(update={"recount_interval_s": recount_s})
    if share is not None:
        live = live.model_copy(update={"max_count_share": share})
    settings = DEFAULTS.model_copy(update={"session": session, "live": live})
    with (
        served_app(tmp / model, settings, model=model) as config,
        open_live_page(config, clip) as lp,
    ):
        ready_s = lp.start("right")
        lp.page.wait_for_function(
            "() => (window.hipcoachLive.live.view || {}).phase === 'exercise'", timeout=30_000
        )
        before, t0 = lp.stats(), time.monotonic()
        time.sleep(seconds)
        after, dt = lp.stats(), time.monotonic() - t0
    n = {k: len(before[k]) for k in ("inferMs", "latencyMs", "countLatencyMs")}
    return {
        "model": model,
        "recount_s": settings.live.recount_interval_s,
        "share": settings.live.max_count_share,
        "ready_s": ready_s,
        "processed_fps": (after["processed"] - before["processed"]) / dt,
        "sent_fps": (after["sent"] - before["sent"]) / dt,
        "dropped": after["dropped"] - before["dropped"],
        "infer": after["inferMs"][n["inferMs"] :],
        "latency": after["latencyMs"][n["latencyMs"] :],
        "count_latency": after["countLatencyMs"][n["countLatencyMs"] :],
    }


def row(r: dict[str, Any]) -> str:
    """One markdown table row of a run."""
    cells = [
        r["model"],
        f"{r['recount_s']:g} / {r['share']:g}",
        f"{r['processed_fps']:.1f}",
        f"{r['sent_fps']:.1f}",
        str(r["dropped"]),
        f"{_pct(r['infer'], 50):.0f} / {_pct(r['infer'], 95):.0f}",
        f"{_pct(r['latency'], 50):.0f} / {_pct(r['latency'], 95):.0f}",
        f"{_pct(r['count_latency'], 50):.0f} / {_pct(r['count_latency'], 95):.0f}",
        f"{r['ready_s']:.1f}",
    ]
    return "| " + " | ".join(cells) + " |"


HEADER = (
    "| model | re-count every (s) / max share | processed frames/s | sent frames/s | dropped "
    "| inference ms p50 / p95 | frame → answer ms p50 / p95 "
    "| frame → shown count ms p50 / p95 | page ready s |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", nargs="+", default=["lite", "full"], choices=["lite", "full"])
    ap.add_argument("--seconds", type=float, default=20.0, help="measured span (s)")
    ap.add_argument("--repeat", type=int, default=3, help="each 10 fps frame written N times")
    ap.add_argument("--clip", type=Path, default=CLIP)
    ap.add_argument(
        "--recount", type=float, nargs="+", default=[DEFAULTS.live.recount_interval_s],
        help="LiveSettings.recount_interval_s values to measure (s)",
    )  # fmt: skip
    ap.add_argument("--share", type=float, default=None, help="LiveSettings.max_count_share")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        frames = read_frames(args.clip)
        y4m = write_y4m(compose(frames, 0, len(frames) - 1, 2.0, 10), tmp / "cam.y4m", 10,
                        repeat=args.repeat)  # fmt: skip
        rows = [
            measure(m, y4m, args.seconds, tmp / f"r{i}", r, args.share)
            for m in args.model
            for i, r in enumerate(args.recount)
        ]
    load = os.getloadavg()[0]
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load:.1f}, "
        f"camera {10 * args.repeat} frames/s, {args.seconds:.0f} s of a running set, "
        f"{args.clip.name}"
    )
    print(HEADER)
    for r in rows:
        print(row(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
