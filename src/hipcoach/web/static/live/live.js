// hipcoach guided session: pose in the browser (MediaPipe tasks-vision, served by the app),
// landmarks to Python over /ws/live, the session's state back. One frame in flight at a time:
// while the answer to the last frame is pending, only the newest new frame is kept.
// Times: frame times are seconds on the page clock (performance.now() / 1000).

const cfg = JSON.parse(document.getElementById("live-config").textContent);
const $ = (id) => document.getElementById(id);
const video = $("live-video");
const overlay = $("live-overlay");
const YES_NO = /\[y\/n\]\s*$/;

const stats = {
  started: 0, processed: 0, sent: 0, dropped: 0, inferMs: [], latencyMs: [], errors: [],
};
const live = {
  landmarker: null, socket: null, started: false, finished: false,
  inflight: null, pending: null, lastTs: 0, muted: false, view: null, state: null,
};
window.hipcoachLive = { stats, live };

function setStatus(text) { $("live-status").textContent = text; }

async function loadModel() {
  const vision = await import(cfg.bundle);
  const fileset = { wasmLoaderPath: cfg.wasm_loader, wasmBinaryPath: cfg.wasm_binary };
  live.landmarker = await vision.PoseLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: cfg.model, delegate: "CPU" },
    runningMode: "VIDEO",
    numPoses: 1,
  });
}

async function openCamera() {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false,
  });
  video.srcObject = stream;
  await video.play();
}

function round(v) { return Math.round(v * 1e5) / 1e5; }

function frameMessage(result, tsMs) {
  const lm = result.landmarks && result.landmarks[0];
  const wd = result.worldLandmarks && result.worldLandmarks[0];
  const ok = lm && wd && lm.length === 33 && wd.length === 33;
  return {
    type: "frame",
    t: tsMs / 1000,
    landmarks: ok ? lm.map((p) => [round(p.x), round(p.y), round(p.z), round(p.visibility ?? 0)]) : [],
    world: ok ? wd.map((p) => [round(p.x), round(p.y), round(p.z)]) : [],
  };
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

function onFrame(now) {
  if (live.finished) return;
  const captured = performance.now();
  const ts = Math.max(live.lastTs + 1, captured);
  live.lastTs = ts;
  const result = live.landmarker.detectForVideo(video, ts);
  stats.inferMs.push(performance.now() - captured);
  stats.processed += 1;
  const msg = frameMessage(result, ts);
  drawOverlay(msg);
  if (live.started && live.socket && live.socket.readyState === WebSocket.OPEN) {
    const item = { msg, captured };
    if (live.inflight) {
      if (live.pending) stats.dropped += 1;
      live.pending = item;
    } else {
      send(item);
    }
  }
  video.requestVideoFrameCallback(onFrame);
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
      start_side: $("live-side").value || null, band: band === "" ? null : Number(band),
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
  video.requestVideoFrameCallback(onFrame);
}

main();
