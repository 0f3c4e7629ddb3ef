// hipcoach camera set-up: the live preview with a body-outline guide, and the view checks of
// `hipcoach analyze` (lying across the picture, whole body in view, not too close, not turned
// too far to count) judged by Python on the last seconds of landmarks.

import { LivePose, LiveSocket, socketUrl, stats } from "./camera.js";

const cfg = JSON.parse(document.getElementById("live-config").textContent);
const $ = (id) => document.getElementById(id);
const video = $("live-video");
const live = { pose: null, socket: null, report: null, finished: false };
window.hipcoachLive = { stats, live };

const SIDES = { left: "left", right: "right" };

function finish(text) {
  live.finished = true;
  $("live-status").textContent = text;
  if (live.pose) live.pose.stop();
  if (live.socket) live.socket.close();
}

function render(report) {
  live.report = report;
  const list = $("setup-problems");
  list.replaceChildren(...report.problems.map((p) => {
    const li = document.createElement("li");
    li.textContent = p;
    return li;
  }));
  $("setup-fix").textContent = report.fix ? `Fix: ${report.fix}.` : "";
  const verdict = $("setup-verdict");
  if (report.ok) {
    const side = SIDES[report.lying_on] || "?";
    verdict.textContent = `Good: lying on your ${side} side, ${report.view.replace("_", " ")} view. Your ${report.working_leg} leg works.`;
    verdict.className = "live-verdict ok-message";
  } else {
    verdict.textContent = "Not yet:";
    verdict.className = "live-verdict error-message";
  }
}

function onState(state, error) {
  if (error) { finish(`${error.error} — ${error.fix}`); return; }
  if (state.setup) render(state.setup);
}

async function main() {
  live.pose = new LivePose(cfg, video, $("live-overlay"), (msg) => {
    if (live.socket) live.socket.sendFrame(msg);
  }, finish);
  try {
    await live.pose.start();
  } catch (err) {
    stats.errors.push(String(err));
    $("live-status").textContent = `The camera or the pose model could not start (${err}).`;
    return;
  }
  const socket = new LiveSocket(socketUrl(cfg), onState, () => {
    if (!live.finished) finish("The connection to hipcoach closed.");
  });
  await socket.opened;
  socket.sendJSON({ type: "start", mode: "setup", width: video.videoWidth, height: video.videoHeight });
  live.socket = socket;
  $("live-status").textContent = "Camera on: lie down in view.";
}

main();
