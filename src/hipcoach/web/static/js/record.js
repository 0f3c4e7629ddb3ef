// Screens: record the screen's movement with this computer's camera, then send it like an
// uploaded file (upload.js). The recording stays on this computer: it goes to this app only.
"use strict";

(function () {
  const MAX_S = 30;
  const preview = document.getElementById("record-preview");
  const startButton = document.getElementById("record-start");
  const stopButton = document.getElementById("record-stop");
  let recorder = null;
  let stream = null;
  let chunks = [];
  let timer = null;

  function kind() {
    const picked = document.querySelector('input[name="screen-kind"]:checked');
    return picked ? picked.value : "squat";
  }

  async function start() {
    const say = window.hipcoach.sayUpload;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    } catch (err) {
      say("The camera could not be opened: " + err.message + " — allow the camera, or upload a video.", true);
      return;
    }
    preview.srcObject = stream;
    preview.hidden = false;
    chunks = [];
    recorder = new MediaRecorder(stream, { mimeType: "video/webm" });
    recorder.addEventListener("dataavailable", function (e) { if (e.data.size) chunks.push(e.data); });
    recorder.addEventListener("stop", send);
    recorder.start(500);
    startButton.disabled = true;
    stopButton.disabled = false;
    say("Recording… stand 2-3 m in front of the camera and do the movement; press Stop when done.");
    timer = setTimeout(stop, MAX_S * 1000);
  }

  function stop() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (recorder && recorder.state !== "inactive") recorder.stop();
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stopButton.disabled = true;
  }

  async function send() {
    const say = window.hipcoach.sayUpload;
    const blob = new Blob(chunks, { type: "video/webm" });
    const file = new File([blob], "recording.webm", { type: "video/webm" });
    say("Sending the recording (" + Math.round(blob.size / 1024) + " kB)…");
    try {
      const job = await window.hipcoach.sendVideo(file, kind());
      say("Received. Opening the screen…");
      window.location.assign(job.url);
    } catch (err) {
      say("Not analysed: " + err.message, true);
      startButton.disabled = false;
    }
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
})();
