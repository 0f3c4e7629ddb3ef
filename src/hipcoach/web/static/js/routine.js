// Routine page: save the target reps and the band (JSON POST with the CSRF header).
"use strict";

(function () {
  const form = document.getElementById("routine-form");
  const status = document.getElementById("routine-status");
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const reps = {};
    form.querySelectorAll(".reps-input").forEach(function (input) {
      reps[input.name] = parseInt(input.value, 10);
    });
    const band = parseInt(document.getElementById("band").value, 10);
    status.className = "status";
    status.textContent = "Saving…";
    try {
      const saved = await window.hipcoach.postJSON("/routine", { reps: reps, band: band });
      status.className = "status ok-message";
      status.textContent = "Saved to " + saved.saved + ".";
    } catch (err) {
      status.className = "status error-message";
      status.textContent = "Not saved: " + err.message;
    }
  });
})();
