// hipcoach guided session: pose in the browser (camera.js: MediaPipe tasks-vision in a
// worker), landmarks to Python over /ws/live, the session's state back (the same session
// engine as `hipcoach session`: views, texts to say, pain prompts).

import { LivePose, LiveSocket, captured, socketUrl, stats } from "./camera.js";

const cfg = JSON.parse(document.getElementById("live-config").textContent);
const $ = (id) => document.getElementById(id);
const video = $("live-video");
const YES_NO = /\[y\/n\]\s*$/;
const CHOICE = /\s*\[l = left \/ r = right \/ b = both\]\s*$/;

const live = {
  pose: null, socket: null, started: false, finished: false,
  lastCountT: null, muted: false, view: null, state: null, spoken: [],
};
window.hipcoachLive = { stats, live };

function setStatus(text) { $("live-status").textContent = text; }

function onPose(msg) {
  if (live.started && !live.finished && live.socket) live.socket.sendFrame(msg);
}

const audio = new Audio();

function speak(texts, audios) {
  // One cue at a time: a newer text cuts off an older one still being said. The browser's
  // own voice when it has one, else the same text spoken by espeak-ng on the server.
  if (live.muted || !texts.length) return;
  const text = texts[texts.length - 1];
  const voices = "speechSynthesis" in window ? window.speechSynthesis.getVoices() : [];
  if (voices.length) {
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
    live.spoken.push({ via: "web-speech", text });
  } else if (audios && audios.length) {
    audio.src = audios[audios.length - 1];
    audio.play().catch(() => {});
    live.spoken.push({ via: "espeak-ng", text });
  }
}

function showPrompt(view) {
  const box = $("live-prompt");
  if (!view || !view.prompt) { box.hidden = true; return; }
  box.hidden = false;
  const yesNo = YES_NO.test(view.prompt);
  const choice = CHOICE.test(view.prompt);
  $("live-prompt-text").textContent = view.prompt.replace(YES_NO, "").replace(CHOICE, "").replace(
    "Type a number, then Enter:", "Tap a number:");
  $("live-yesno").hidden = !yesNo;
  $("live-choice").hidden = !choice;
  $("live-scale").hidden = yesNo || choice;
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
  if (live.socket) live.socket.close();
  if (live.pose) live.pose.stop();
}

function onState(state, error) {
  if (error) { finish(`${error.error} — ${error.fix}`); return; }
  live.state = state;
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
  speak(state.say || [], state.say_audio || []);
  if (state.error) { finish(`${state.error.error}${state.error.fix ? " — " + state.error.fix : ""}`); return; }
  if (state.finished) {
    const why = state.stop_reason ? `Session stopped: ${state.stop_reason}` : "Session finished. Every set is saved in your history.";
    finish(why);
  }
}

function pressKey(key) {
  if (live.started && !live.finished && live.socket) live.socket.sendJSON({ type: "key", key });
}

function startSession(event) {
  event.preventDefault();
  if (live.started) return;
  const socket = new LiveSocket(socketUrl(cfg), onState, () => {
    if (!live.finished) finish("The connection to hipcoach closed.");
  });
  live.socket = socket;
  socket.opened.then(() => {
    const band = $("live-band").value;
    const n = Number(band);
    socket.sendJSON({
      type: "start", width: video.videoWidth, height: video.videoHeight,
      start_side: $("live-side").value || null,
      band: band === "" || Number.isNaN(n) ? null : Math.min(10, Math.max(0, Math.round(n))),
    });
    live.started = true;
    stats.started = performance.now();
    $("live-start-button").disabled = true;
    for (const b of document.querySelectorAll("[data-key]")) b.disabled = false;
    setStatus("Session running: the camera counts your reps.");
  });
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
    if (live.muted) audio.pause();
  });
  document.addEventListener("keydown", (e) => {
    if (!live.started || e.target.closest("input, select, textarea")) return;
    const key = e.key === "Enter" ? "\n" : e.key === "Backspace" ? "\x7f" : e.key.toLowerCase();
    if (key.length === 1 && " psnqylrb0123456789\n\x7f".includes(key)) {
      e.preventDefault();
      pressKey(key);
    }
  });
}

async function main() {
  buildScale();
  wireControls();
  live.pose = new LivePose(cfg, video, $("live-overlay"), onPose, finish);
  try {
    await live.pose.start();
  } catch (err) {
    stats.errors.push(String(err));
    setStatus(`The camera or the pose model could not start (${err}). Check that the camera is connected and allowed for this page.`);
    return;
  }
  setStatus("Camera ready. Lie down in view, then press Start.");
  $("live-start-button").disabled = false;
}

main();
