// A job's page: poll its progress once a second, then show the summary and the report.
"use strict";

(function () {
  const box = document.getElementById("job");
  const stage = document.getElementById("job-stage");
  const bar = document.getElementById("job-progress");
  const frames = document.getElementById("job-frames");

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function list(title, items) {
    const wrap = el("div");
    if (!items || !items.length) return wrap;
    wrap.appendChild(el("h3", title));
    const ul = el("ul");
    items.forEach(function (t) { ul.appendChild(el("li", t)); });
    wrap.appendChild(ul);
    return wrap;
  }

  function analysisSummary(s) {
    const out = el("div");
    out.appendChild(el("h2", "What was found"));
    if (s.no_exercise) {
      out.appendChild(el("p", s.no_exercise + ".", "error-message"));
      if (s.fix) out.appendChild(el("p", "What to do: " + s.fix));
    }
    if (s.sets && s.sets.length) {
      const table = el("table");
      table.appendChild(el("caption", "Sets per working leg"));
      const head = el("tr");
      ["Working leg", "Exercise", "Reps", "Form"].forEach(function (h) {
        const th = el("th", h); th.scope = "col"; head.appendChild(th);
      });
      const thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
      const body = el("tbody");
      s.sets.forEach(function (row) {
        const tr = el("tr");
        const reps = row.reps === null ? "not counted" : String(row.reps) +
          (row.target ? " of " + row.target : "");
        [row.side, row.exercise, reps, row.form].forEach(function (v) { tr.appendChild(el("td", v)); });
        body.appendChild(tr);
      });
      table.appendChild(body);
      out.appendChild(table);
    }
    out.appendChild(list("Notes", (s.problems || []).concat(s.warnings || [])));
    return out;
  }

  function screenSummary(s) {
    const out = el("div");
    out.appendChild(el("h2", "Finding"));
    out.appendChild(el("p", s.label, "finding finding-" + s.finding));
    out.appendChild(el("p", s.reason));
    if (s.fix) out.appendChild(el("p", "What to do: " + s.fix));
    if (s.evidence) out.appendChild(el("p", s.evidence, "muted"));
    out.appendChild(list("Notes", s.warnings));
    return out;
  }

  function show(job) {
    stage.textContent = job.stage.charAt(0).toUpperCase() + job.stage.slice(1);
    if (job.share !== null) bar.value = job.share;
    frames.textContent = job.frames_total ? job.frames_done + " of " + job.frames_total + " frames" : "";
    if (job.state === "failed") {
      bar.classList.add("hidden");
      document.getElementById("job-error-text").textContent = "Not analysed: " + job.error;
      document.getElementById("job-error-fix").textContent = job.fix ? "What to do: " + job.fix : "";
      document.getElementById("job-error").classList.remove("hidden");
      return true;
    }
    if (job.state === "done") {
      bar.value = 1;
      stage.textContent = "Done";
      const summary = document.getElementById("job-summary");
      summary.replaceChildren(job.kind === "analysis" ? analysisSummary(job.summary) : screenSummary(job.summary));
      document.getElementById("job-report").src = box.dataset.report;
      document.getElementById("job-result").classList.remove("hidden");
      const keep = document.getElementById("keep-form");
      if (keep && job.summary.sets && job.summary.sets.length) keep.classList.remove("hidden");
      return true;
    }
    return false;
  }

  async function poll() {
    try {
      const response = await fetch(box.dataset.progress, { credentials: "same-origin" });
      if (!response.ok) throw new Error(await window.hipcoach.readError(response));
      if (show(await response.json())) return;
    } catch (err) {
      frames.textContent = "Waiting for the server… (" + err.message + ")";
    }
    window.setTimeout(poll, 1000);
  }

  function number(id) {
    const value = document.getElementById(id).value;
    return value === "" ? null : parseInt(value, 10);
  }

  const keepForm = document.getElementById("keep-form");
  if (keepForm) {
    keepForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const status = document.getElementById("keep-status");
      const button = keepForm.querySelector("button");
      button.disabled = true;
      try {
        const kept = await window.hipcoach.postJSON(keepForm.dataset.url, {
          pain_before: number("pain-before"),
          pain_after: number("pain-after"),
          band: number("keep-band") || 0,
        });
        status.className = "status ok-message";
        status.textContent = kept.already_kept ? "Already in your history."
          : "Kept in your history as session " + kept.session + ".";
      } catch (err) {
        status.className = "status error-message";
        status.textContent = "Not kept: " + err.message;
        button.disabled = false;
      }
    });
  }

  poll();
})();
