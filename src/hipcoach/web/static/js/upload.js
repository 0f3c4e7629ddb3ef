// Analyse a video / Screens: send the chosen file (the request body is the file itself,
// with upload progress) or a local path, then go to the job's page.
"use strict";

(function () {
  const status = document.getElementById("upload-status");
  const bar = document.getElementById("upload-progress");

  function kind(form) {
    const picked = document.querySelector('input[name="screen-kind"]:checked');
    return picked ? picked.value : form.dataset.kind;
  }

  function say(text, isError) {
    status.textContent = text;
    status.className = "status" + (isError ? " error-message" : "");
  }

  function sendFile(file, jobKind) {
    return new Promise(function (resolve, reject) {
      const url = "/jobs/upload?kind=" + encodeURIComponent(jobKind) +
        "&name=" + encodeURIComponent(file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRF-Token", window.hipcoach.csrf());
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          bar.classList.remove("hidden");
          bar.value = event.loaded / event.total;
        }
      });
      xhr.addEventListener("load", function () {
        let data = {};
        try { data = JSON.parse(xhr.responseText); } catch (err) { data = {}; }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject(new Error(data.error ? data.error + (data.fix ? " — " + data.fix : "")
          : "the server answered " + xhr.status));
      });
      xhr.addEventListener("error", function () { reject(new Error("the upload failed")); });
      xhr.send(file);
    });
  }

  // The recorder of the Screens page sends its recording the same way (record.js).
  window.hipcoach.sendVideo = sendFile;
  window.hipcoach.sayUpload = say;

  function busy(form, on) {
    form.querySelectorAll("button").forEach(function (b) { b.disabled = on; });
  }

  const uploadForm = document.getElementById("upload-form");
  uploadForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const input = document.getElementById("video-file");
    if (!input.files.length) { say("Choose a video file first.", true); return; }
    busy(uploadForm, true);
    say("Sending " + input.files[0].name + "…");
    try {
      const job = await sendFile(input.files[0], kind(uploadForm));
      say("Received. Opening the analysis…");
      window.location.assign(job.url);
    } catch (err) {
      say("Not analysed: " + err.message, true);
      bar.classList.add("hidden");
      busy(uploadForm, false);
    }
  });

  const pathForm = document.getElementById("path-form");
  pathForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const path = document.getElementById("video-path").value;
    busy(pathForm, true);
    say("Checking " + path + "…");
    try {
      const job = await window.hipcoach.postJSON("/jobs/local", { kind: kind(pathForm), path: path });
      window.location.assign(job.url);
    } catch (err) {
      say("Not analysed: " + err.message, true);
      busy(pathForm, false);
    }
  });
})();
