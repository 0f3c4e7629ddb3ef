// hipcoach guided session: pose in the browser (MediaPipe tasks-vision, served by the app, in
// a worker: pose_worker.js), landmarks to Python over /ws/live, the session's state back. One frame in flight at a time:
// while the answer to the last frame is pending, only the newest new frame is kept.
// Times: frame times are seconds on the page clock (performance.now() / 1000).

const cfg = JSON.parse(document.getElementById("live-config").textContent);
const $ = (id) => document.getElementById(id);
const video = $("live-video");
const overlay = $("live-overlay");
const YES_NO = /\[y\/n\]\s*$/;

const stats = {
  started: 0, processed: 0, sent: 0, dropped: 0, errors: [],
  // Pose inference per frame; frame → its answer from Python; frame → a shown count that
  // covers it (the count is re-computed every LiveSettings.recount_interval_s or slower).
  inferMs: [], latencyMs: [], countLatencyMs: [],
};
const captured = new Map(); // frame time (s) → performance.now() when the frame came (ms)
const live = {
  worker: null, workerBusy: false, frameAt: null, socket: null, started: false, finished: false,
  inflight: null, pending: null, lastTs: 0, lastCountT: null, muted: false, view: null, state: null,
};
window.hipcoachLive = { stats, live };

function setStatus(text) { $("live-status").textContent = text; }

function loadModel() {
  // The pose model runs in a worker; resolves once it is loaded.
  live.worker = new Worker(cfg.worker);
  return new Promise((resolve, reject) => {
    live.worker.onmessage = (event) => {
      if (event.data.type === "ready") { live.worker.onmessage = onWorkerMessage; resolve(); }
      else if (event.data.type === "error") reject(new Error(event.data.error));
    };
    live.worker.onerror = (event) => reject(new Error(event.message || "the pose worker failed"));
    live.worker.postMessage({
      type: "init", bundle: cfg.bundle, wasm_loader: cfg.wasm_loader,
      wasm_binary: cfg.wasm_binary, model: cfg.model,
    });
  });
}

async function openCamera() {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false,
  });
  video.srcObject = stream;
  await video.play();
}

function drawOverlay(msg) {
  const w = video.videoWidth, h = video.videoHeight;
  if (overlay.width !== w) { overlay.width = w; overlay.height = h; }
  const ctx = overlay.getContext("2d");
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = "#ffbf00";
  for (const [x, y, , v] of msg.landmarks) {
    if (v < 0.5) continue;
    ctx.beginPath();
    ctx.arc(x * w, y * h, 4, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function send(item) {
  live.inflight = item;
  live.socket.send(JSON.stringify(item.msg));
  stats.sent += 1;
}

function onVideoFrame() {
  // A new camera frame: remember when it came; the worker takes the newest when it is free.
  live.frameAt = performance.now();
  pump();
  if (!live.finished) video.requestVideoFrameCallback(onVideoFrame);
}

async function pump() {
  if (live.workerBusy || live.frameAt === null || live.finished) return;
  const capturedAt = live.frameAt;
  live.frameAt = null;
  live.workerBusy = true;
  const ts = Math.max(live.lastTs + 1, capturedAt);
  live.lastTs = ts;
  captured.set(ts / 1000, capturedAt);
  if (captured.size > 300) captured.delete(captured.keys().next().value);
  let bitmap;
  try {
    bitmap = await createImageBitmap(video);
  } catch (err) {
    live.workerBusy = false;
    return;
  }
  live.worker.postMessage({ type: "frame", bitmap, ts }, [bitmap]);
}

function onWorkerMessage(event) {
  const data = event.data;
  if (data.type === "error") { stats.errors.push(data.error); finish(`The pose model stopped (${data.error}).`); return; }
  if (data.type !== "result") return;
  live.workerBusy = false;
  stats.inferMs.push(data.inferMs);
  stats.processed += 1;
  const msg = { type: "frame", t: data.ts / 1000, landmarks: data.landmarks, world: data.world };
  drawOverlay(msg);
  if (live.started && !live.finished && live.socket && live.socket.readyState === WebSocket.OPEN) {
    const item = { msg, captured: captured.get(msg.t) };
    if (live.inflight) {
      if (live.pending) stats.dropped += 1;
      live.pending = item;
    } else {
      send(item);
    }
  }
  pump();
}

function speak(texts) {
  if (live.muted || !texts.length || !("speechSynthesis" in window)) return;
  // One cue at a time: a newer text cuts off an older one still being said.
  window.speechSynthesis.cancel();
  window.speechSynthesis.speak(new SpeechSynthesisUtterance(texts[texts.length - 1]));
}

function showPrompt(view) {
  const box = $("live-prompt");
  if (!view || !view.prompt) { box.hidden = true; return; }
  box.hidden = false;
  const yesNo = YES_NO.test(view.prompt);
  $("live-prompt-text").textContent = view.prompt.replace(YES_NO, "").replace(
    "Type a number, then Enter:", "Tap a number:");
  $("live-yesno").hidden = !yesNo;
  $("live-scale").hidden = yesNo;
}

function renderView(view) {
  if (!view) return;
  $("live-title").textContent = view.title;
  $("live-step").textContent = view.steps_total ? `Step ${view.step_no} of ${view.steps_total} · ${view.phase.replace("_", " ")}` : "";
  $("live-instruction").textContent = view.instruction;
  $("live-reps").textContent = String(view.reps);
  $("live-target").textContent = String(view.target);
  $("live-remaining").textContent = view.remaining_s == null ? "" : `${Math.ceil(view.remaining_s)} s`;
  $("live-cue").textContent = view.cue || "";
  $("live-problem").textContent = view.problem || "";
  $("live-message").textContent = view.message || "";
  showPrompt(view);
}

function renderWarnings(warnings) {
  const list = $("live-warnings");
  list.replaceChildren(...warnings.map((w) => {
    const li = document.createElement("li");
    li.textContent = w;
    return li;
  }));
}

function finish(text) {
  live.finished = true;
  setStatus(text);
  for (const b of document.querySelectorAll("[data-key]")) b.disabled = true;
  if (live.socket && live.socket.readyState === WebSocket.OPEN) live.socket.close(1000);
}

function onState(state) {
  live.state = state;
  if (live.inflight && state.frame_t !== null && state.frame_t >= live.inflight.msg.t - 1e-9) {
    stats.latencyMs.push(performance.now() - live.inflight.captured);
    live.inflight = null;
    if (live.pending) { const next = live.pending; live.pending = null; send(next); }
  }
  const countT = state.count_frame_t;
  const counting = live.view && live.view.phase === "exercise" && state.view && state.view.phase === "exercise";
  if (counting && countT !== null && live.lastCountT !== null && countT !== live.lastCountT) {
    // Every frame this re-count covers for the first time: how long until it was counted
    // (within a running set; the first re-count of a set also covers frames of the rest).
    const now = performance.now();
    for (const [t, at] of captured) {
      if (t <= countT && t > live.lastCountT) stats.countLatencyMs.push(now - at);
    }
  }
  live.lastCountT = countT;
  live.view = state.view || live.view;
  renderView(state.view);
  renderWarnings(state.warnings || []);
  speak(state.say || []);
  if (state.error) { finish(`${state.error.error}${state.error.fix ? " — " + state.error.fix : ""}`); return; }
  if (state.finished) {
    const why = state.stop_reason ? `Session stopped: ${state.stop_reason}` : "Session finished. Every set is saved in your history.";
    finish(why);
  }
}

function onMessage(event) {
  const data = JSON.parse(event.data);
  if (data.type === "state") onState(data);
  else if (data.type === "error") { stats.errors.push(data.error); finish(`${data.error} — ${data.fix}`); }
}

function pressKey(key) {
  if (live.started && !live.finished && live.socket && live.socket.readyState === WebSocket.OPEN) {
    live.socket.send(JSON.stringify({ type: "key", key }));
  }
}

function startSession(event) {
  event.preventDefault();
  if (live.started) return;
  const socket = new WebSocket(`ws://${location.host}${cfg.socket}`);
  live.socket = socket;
  socket.addEventListener("open", () => {
    const band = $("live-band").value;
    socket.send(JSON.stringify({
      type: "start", width: video.videoWidth, height: video.videoHeight,
      start_side: $("live-side").value || null,
      band: band === "" || Number.isNaN(Number(band)) ? null : Math.min(10, Math.max(0, Math.round(Number(band)))),
    }));
    live.started = true;
    stats.started = performance.now();
    $("live-start-button").disabled = true;
    for (const b of document.querySelectorAll("[data-key]")) b.disabled = false;
    setStatus("Session running: the camera counts your reps.");
  });
  socket.addEventListener("message", onMessage);
  socket.addEventListener("close", () => { if (!live.finished) finish("The connection to hipcoach closed."); });
}

function buildScale() {
  const scale = $("live-scale");
  for (let n = 0; n <= 10; n += 1) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = n >= 5 ? "button danger" : "button";
    b.textContent = String(n);
    b.dataset.pain = String(n);
    b.setAttribute("aria-label", `pain ${n} of 10`);
    b.addEventListener("click", () => pressKey(`\x7f\x7f${n}\n`));
    scale.append(b);
  }
}

function wireControls() {
  $("live-start").addEventListener("submit", startSession);
  for (const b of document.querySelectorAll("[data-key]")) {
    b.addEventListener("click", () => pressKey(b.dataset.key));
  }
  $("live-mute").addEventListener("click", () => {
    live.muted = !live.muted;
    $("live-mute").setAttribute("aria-pressed", String(live.muted));
    $("live-mute").textContent = live.muted ? "Unmute voice" : "Mute voice";
    if (live.muted && "speechSynthesis" in window) window.speechSynthesis.cancel();
  });
  document.addEventListener("keydown", (e) => {
    if (!live.started || e.target.closest("input, select, textarea")) return;
    const key = e.key === "Enter" ? "\n" : e.key === "Backspace" ? "\x7f" : e.key.toLowerCase();
    if (key.length === 1 && " psnqy0123456789\n\x7f".includes(key)) {
      e.preventDefault();
      pressKey(key);
    }
  });
}

async function main() {
  buildScale();
  wireControls();
  try {
    await Promise.all([loadModel(), openCamera()]);
  } catch (err) {
    stats.errors.push(String(err));
    setStatus(`The camera or the pose model could not start (${err}). Check that the camera is connected and allowed for this page.`);
    return;
  }
  setStatus("Camera ready. Lie down in view, then press Start.");
  $("live-start-button").disabled = false;
  video.requestVideoFrameCallback(onVideoFrame);
}

main();
