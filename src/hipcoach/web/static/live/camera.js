// hipcoach live pages: the camera, the pose worker and the one-frame-in-flight socket, shared
// by the guided session (live.js) and the camera set-up (setup.js).
// Times: frame times are seconds on the page clock (performance.now() / 1000).

// Counters the tests and benchmarks read (window.hipcoachLive.stats).
export const stats = {
  started: 0, processed: 0, sent: 0, dropped: 0, errors: [],
  // Pose inference per frame (ms); frame → Python's answer to it (ms); frame → a shown
  // count that covers it (ms; live.js).
  inferMs: [], latencyMs: [], countLatencyMs: [],
};

// When each recent frame reached the page: frame time (s) → performance.now() (ms).
export const captured = new Map();

// Runs the pose model (pose_worker.js) on the newest camera frame whenever it is free and
// calls onResult({type: "frame", t, landmarks, world}) for each; draws the landmarks.
export class LivePose {
  constructor(cfg, video, overlay, onResult, onError) {
    Object.assign(this, { cfg, video, overlay, onResult, onError });
    this.worker = null; this.busy = false; this.frameAt = null; this.lastTs = 0; this.stopped = false;
  }

  start() {
    return Promise.all([this.loadModel(), this.openCamera()]).then(() => {
      this.video.requestVideoFrameCallback(() => this.onVideoFrame());
    });
  }

  stop() { this.stopped = true; }

  loadModel() {
    this.worker = new Worker(this.cfg.worker);
    return new Promise((resolve, reject) => {
      this.worker.onmessage = (event) => {
        if (event.data.type === "ready") { this.worker.onmessage = (e) => this.onWorker(e.data); resolve(); }
        else if (event.data.type === "error") reject(new Error(event.data.error));
      };
      this.worker.onerror = (event) => reject(new Error(event.message || "the pose worker failed"));
      const { bundle, wasm_loader, wasm_binary, model } = this.cfg;
      this.worker.postMessage({ type: "init", bundle, wasm_loader, wasm_binary, model });
    });
  }

  async openCamera() {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false,
    });
    this.video.srcObject = stream;
    await this.video.play();
  }

  onVideoFrame() {
    // A new camera frame: remember when it came; the worker takes the newest when it is free.
    this.frameAt = performance.now();
    this.pump();
    if (!this.stopped) this.video.requestVideoFrameCallback(() => this.onVideoFrame());
  }

  async pump() {
    if (this.busy || this.frameAt === null || this.stopped) return;
    const at = this.frameAt;
    this.frameAt = null;
    this.busy = true;
    const ts = Math.max(this.lastTs + 1, at);
    this.lastTs = ts;
    captured.set(ts / 1000, at);
    if (captured.size > 300) captured.delete(captured.keys().next().value);
    let bitmap;
    try {
      bitmap = await createImageBitmap(this.video);
    } catch (err) {
      this.busy = false;
      return;
    }
    this.worker.postMessage({ type: "frame", bitmap, ts }, [bitmap]);
  }

  onWorker(data) {
    if (data.type === "error") { stats.errors.push(data.error); this.onError(`The pose model stopped (${data.error}).`); return; }
    if (data.type !== "result") return;
    this.busy = false;
    stats.inferMs.push(data.inferMs);
    stats.processed += 1;
    const msg = { type: "frame", t: data.ts / 1000, landmarks: data.landmarks, world: data.world };
    this.draw(msg.landmarks);
    this.onResult(msg);
    this.pump();
  }

  draw(landmarks) {
    const w = this.video.videoWidth, h = this.video.videoHeight;
    if (this.overlay.width !== w) { this.overlay.width = w; this.overlay.height = h; }
    const ctx = this.overlay.getContext("2d");
    ctx.clearRect(0, 0, w, h);
    if (this.overlay.dataset.guide) {
      // The body-outline guide: lie across the picture inside this band.
      ctx.setLineDash([12, 8]);
      ctx.lineWidth = 4;
      ctx.strokeStyle = "#ffffff";
      ctx.strokeRect(w * 0.06, h * 0.3, w * 0.88, h * 0.45);
      ctx.setLineDash([]);
    }
    ctx.fillStyle = "#ffbf00";
    for (const [x, y, , v] of landmarks) {
      if (v < 0.5) continue;
      ctx.beginPath();
      ctx.arc(x * w, y * h, 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}

// The socket to /ws/live: sends "start", then frames with one in flight (the next goes when
// Python's answer to the previous one came; meanwhile only the newest waits).
export class LiveSocket {
  constructor(url, onState, onClosed) {
    Object.assign(this, { onState, onClosed });
    this.inflight = null; this.pending = null; this.closed = false;
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve) => this.socket.addEventListener("open", resolve));
    this.socket.addEventListener("message", (event) => this.onMessage(JSON.parse(event.data)));
    this.socket.addEventListener("close", () => { this.closed = true; this.onClosed(); });
  }

  get open() { return !this.closed && this.socket.readyState === WebSocket.OPEN; }

  sendJSON(data) { if (this.open) this.socket.send(JSON.stringify(data)); }

  sendFrame(msg) {
    if (!this.open) return;
    const item = { msg, captured: captured.get(msg.t) };
    if (this.inflight) {
      if (this.pending) stats.dropped += 1;
      this.pending = item;
    } else {
      this.push(item);
    }
  }

  push(item) {
    this.inflight = item;
    this.socket.send(JSON.stringify(item.msg));
    stats.sent += 1;
  }

  onMessage(data) {
    if (data.type === "error") { stats.errors.push(data.error); this.onState(null, data); return; }
    if (this.inflight && data.frame_t !== null && data.frame_t >= this.inflight.msg.t - 1e-9) {
      stats.latencyMs.push(performance.now() - this.inflight.captured);
      this.inflight = null;
      if (this.pending) { const next = this.pending; this.pending = null; this.push(next); }
    }
    this.onState(data, null);
  }

  close() { if (this.open) this.socket.close(1000); }
}

export function socketUrl(cfg) { return `ws://${location.host}${cfg.socket}`; }
