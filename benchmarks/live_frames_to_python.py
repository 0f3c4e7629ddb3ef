"""The alternative live pipeline (issue 15, option b), measured: camera frames to Python.

Usage::

    python benchmarks/live_frames_to_python.py [--model lite full] [--seconds 20]

The page (served by a bare benchmark app on 127.0.0.1, not by ``hipcoach serve``) draws
each new fake-camera frame into a canvas, encodes it as JPEG (quality 0.8) and sends it over
a WebSocket, one frame in flight as on the real live page; Python decodes it (Pillow) and
runs the package's MediaPipe backend (``hipcoach.backends.create_backend``, VIDEO mode,
``PoseSettings`` defaults) in a worker thread, then answers. Printed: processed frames/s,
encode ms (page), decode + model ms (Python), frame → answer ms (p50/p95). Compare with
``benchmarks/live_pipeline.py`` (option a, pose in the page), which counts reps as well.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import struct
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse
from PIL import Image
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.helpers.live import compose, free_port, read_frames, write_y4m  # noqa: E402

from hipcoach.backends import create_backend  # noqa: E402
from hipcoach.video.base import Frame  # noqa: E402

CLIP = REPO / "tests" / "data" / "rendered" / "faults_left_front.mp4"

PAGE = """<!doctype html><meta charset="utf-8"><title>frames to Python</title>
<video id="v" playsinline muted></video><canvas id="c"></canvas>
<script>
const stats = {processed: 0, encodeMs: [], latencyMs: [], serverMs: []};
window.stats = stats;
const v = document.getElementById("v"), c = document.getElementById("c");
let inflight = null, waiting = null, ws = null;
async function grab(at) {
  inflight = at;  // at once: encoding is asynchronous
  c.width = v.videoWidth; c.height = v.videoHeight;
  const t0 = performance.now();
  c.getContext("2d").drawImage(v, 0, 0);
  const blob = await new Promise((r) => c.toBlob(r, "image/jpeg", 0.8));
  const body = new Uint8Array(await blob.arrayBuffer());
  stats.encodeMs.push(performance.now() - t0);
  const msg = new Uint8Array(8 + body.length);
  new DataView(msg.buffer).setFloat64(0, at / 1000);
  msg.set(body, 8);
  ws.send(msg);
}
function onFrame() {
  const at = performance.now();
  if (inflight === null) grab(at); else waiting = at;
  v.requestVideoFrameCallback(onFrame);
}
async function main() {
  v.srcObject = await navigator.mediaDevices.getUserMedia({video: true, audio: false});
  await v.play();
  ws = new WebSocket(`ws://${location.host}/ws`);
  ws.binaryType = "arraybuffer";
  ws.onmessage = (e) => {
    const d = JSON.parse(e.data);
    stats.processed += 1;
    stats.latencyMs.push(performance.now() - inflight);
    stats.serverMs.push(d.server_ms);
    inflight = null;
    if (waiting !== null) { const at = waiting; waiting = null; grab(at); }
  };
  ws.onopen = () => v.requestVideoFrameCallback(onFrame);
}
main();
</script>"""


def make_app(model: str) -> Any:
    """The benchmark app: the page, and a socket that runs the pose model on each JPEG."""
    app = FastAPI()
    backend = create_backend(model)

    def detect(data: bytes, index: int) -> float:
        started = time.perf_counter()
        (t,) = struct.unpack(">d", data[:8])
        rgb = np.asarray(Image.open(io.BytesIO(data[8:])).convert("RGB"))
        backend.detect(Frame(index, t, rgb))
        return (time.perf_counter() - started) * 1000

    @app.get("/")
    def page() -> HTMLResponse:
        return HTMLResponse(PAGE)

    @app.websocket("/ws")
    async def frames(ws: WebSocket) -> None:
        await ws.accept()
        index = 0
        try:
            while True:
                data = await ws.receive_bytes()
                server_ms = await asyncio.to_thread(detect, data, index)
                index += 1
                await ws.send_text(json.dumps({"server_ms": server_ms}))
        except WebSocketDisconnect:
            return

    return app


def measure(model: str, clip: Path, seconds: float) -> dict[str, Any]:
    """One run: the page's counters over ``seconds`` s (after 5 s of warm-up)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(make_app(model), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    ]
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=args)
            page = browser.new_page()
            page.on("console", lambda m: print("console:", m.text, file=sys.stderr))
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function("() => window.stats.processed > 10", timeout=60_000)
            time.sleep(5.0)
            before, t0 = page.evaluate("() => window.stats"), time.monotonic()
            time.sleep(seconds)
            after, dt = page.evaluate("() => window.stats"), time.monotonic() - t0
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    cut = {k: len(before[k]) for k in ("encodeMs", "latencyMs", "serverMs")}
    return {
        "model": model,
        "fps": (after["processed"] - before["processed"]) / dt,
        **{k: after[k][cut[k] :] for k in cut},
    }


def _p(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{np.percentile(values, 50):.0f} / {np.percentile(values, 95):.0f}"


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", nargs="+", default=["lite", "full"], choices=["lite", "full"])
    ap.add_argument("--seconds", type=float, default=20.0, help="measured span (s)")
    ap.add_argument("--repeat", type=int, default=3, help="each 10 fps frame written N times")
    ap.add_argument("--clip", type=Path, default=CLIP)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        frames = read_frames(args.clip)
        y4m = write_y4m(
            compose(frames, 0, len(frames) - 1, 2.0, 10), Path(tmp) / "cam.y4m", 10, args.repeat
        )
        rows = [measure(m, y4m, args.seconds) for m in args.model]
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.1f}, "
        f"camera {10 * args.repeat} frames/s, {args.seconds:.0f} s, {args.clip.name}"
    )
    print(
        "| model | processed frames/s | JPEG encode ms p50 / p95 "
        "| decode + model ms p50 / p95 | frame → answer ms p50 / p95 |\n"
        "| --- | --- | --- | --- | --- |"
    )
    for r in rows:
        cells = [r["model"], f"{r['fps']:.1f}", _p(r["encodeMs"]), _p(r["serverMs"])]
        print("| " + " | ".join([*cells, _p(r["latencyMs"])]) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
