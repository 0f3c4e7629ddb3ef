// hipcoach: helpers shared by every page (loaded by the base layout).
// Every POST carries the page's CSRF token in the X-CSRF-Token header; the session cookie
// is sent by the browser itself (same origin).
"use strict";

window.hipcoach = (function () {
  function csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  async function readError(response) {
    try {
      const data = await response.json();
      return data.fix ? data.error + " — " + data.fix : data.error || response.statusText;
    } catch (err) {
      return "the server answered " + response.status + " " + response.statusText;
    }
  }

  async function post(url, body, contentType) {
    const headers = { "X-CSRF-Token": csrf() };
    if (contentType) headers["Content-Type"] = contentType;
    const response = await fetch(url, {
      method: "POST",
      headers: headers,
      body: body,
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(await readError(response));
    return response.json();
  }

  function postJSON(url, data) {
    return post(url, JSON.stringify(data), "application/json");
  }

  return { csrf: csrf, post: post, postJSON: postJSON, readError: readError };
})();
