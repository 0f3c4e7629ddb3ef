// hipcoach pose worker: runs MediaPipe's PoseLandmarker (VIDEO mode, CPU/WASM) off the page's
// main thread, so the page keeps capturing, sending and showing while a frame is inferred.
// Messages in: {type: "init", bundle, wasm_loader, wasm_binary, model} once, then
// {type: "frame", bitmap: ImageBitmap, ts: ms (increasing)}. Out: {type: "ready"},
// {type: "result", ts, landmarks: 33x[x,y,z,visibility] | [], world: 33x[x,y,z] | [],
// inferMs} per frame, {type: "error", error}.
"use strict";

let landmarker = null;

function round(v) { return Math.round(v * 1e5) / 1e5; }

async function init(cfg) {
  importScripts(cfg.bundle); // defines self.Vision (the package's classic-script build)
  landmarker = await self.Vision.PoseLandmarker.createFromOptions(
    { wasmLoaderPath: cfg.wasm_loader, wasmBinaryPath: cfg.wasm_binary },
    {
      baseOptions: { modelAssetPath: cfg.model, delegate: "CPU" },
      runningMode: "VIDEO",
      numPoses: 1,
    },
  );
  self.postMessage({ type: "ready" });
}

function detect(bitmap, ts) {
  const started = performance.now();
  const result = landmarker.detectForVideo(bitmap, ts);
  bitmap.close();
  const lm = result.landmarks && result.landmarks[0];
  const wd = result.worldLandmarks && result.worldLandmarks[0];
  const ok = lm && wd && lm.length === 33 && wd.length === 33;
  self.postMessage({
    type: "result",
    ts,
    landmarks: ok ? lm.map((p) => [round(p.x), round(p.y), round(p.z), round(p.visibility ?? 0)]) : [],
    world: ok ? wd.map((p) => [round(p.x), round(p.y), round(p.z)]) : [],
    inferMs: performance.now() - started,
  });
}

self.onmessage = (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      init(msg).catch((err) => self.postMessage({ type: "error", error: String(err) }));
    } else if (msg.type === "frame") {
      detect(msg.bitmap, msg.ts);
    }
  } catch (err) {
    self.postMessage({ type: "error", error: String(err) });
  }
};
