// hipcoach: the history page's charts (inline SVG drawn by hipcoach.history.charts).
// Pointing at or focusing a point writes its date and value into the chart's readout (the
// point's <title> is the native tooltip too); a legend button shows or hides its series.
"use strict";

(function () {
  function setupPoints(figure) {
    const readout = figure.querySelector(".chart-readout");
    figure.querySelectorAll(".chart-point").forEach(function (point) {
      function show() {
        figure.querySelectorAll(".chart-point.is-active").forEach(function (p) {
          p.classList.remove("is-active");
        });
        point.classList.add("is-active");
        readout.textContent = point.getAttribute("data-readout");
      }
      point.addEventListener("pointerenter", show);
      point.addEventListener("focus", show);
    });
  }

  function setupLegend(figure) {
    figure.querySelectorAll(".chart-legend-item").forEach(function (button) {
      button.addEventListener("click", function () {
        const shown = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", shown ? "true" : "false");
        const key = button.getAttribute("data-series");
        figure.querySelectorAll("g.chart-series").forEach(function (group) {
          if (group.getAttribute("data-series") === key) {
            group.classList.toggle("is-hidden", !shown);
          }
        });
      });
    });
  }

  document.querySelectorAll("figure.chart").forEach(function (figure) {
    setupPoints(figure);
    setupLegend(figure);
  });
})();
