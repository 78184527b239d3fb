// Draws the dashboard's charts with plotly.js from the figures the page carries as JSON.
// Loaded on dashboard pages only. Without it, every chart's sentence and table still say it all.
(function () {
  "use strict";

  var config = { displayModeBar: false, responsive: true };

  function draw(root) {
    if (!window.Plotly) return;
    root.querySelectorAll(".chart-plot[data-figure]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.figure);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      el.dataset.drawn = "1";
      window.Plotly.newPlot(el, figure.data, figure.layout, config).then(function () {
        // The picture is described by the chart's sentence (aria-label): keep plotly's own
        // layers out of the accessibility tree.
        el.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
      });
    });
  }

  // Dates mean "Choose dates"; a ready-made period clears them. Runs before htmx sends the
  // form, since these listeners sit on the fields and htmx listens on the form.
  function linkPeriodAndDates() {
    var period = document.getElementById("filter-period");
    if (!period) return;
    ["filter-from", "filter-to"].forEach(function (id) {
      var field = document.getElementById(id);
      if (field) field.addEventListener("change", function () { if (field.value) period.value = "custom"; });
    });
    period.addEventListener("change", function () {
      if (period.value === "custom") return;
      ["filter-from", "filter-to"].forEach(function (id) {
        var field = document.getElementById(id);
        if (field) field.value = "";
      });
    });
  }

  function ready() { draw(document); linkPeriodAndDates(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  document.body.addEventListener("htmx:afterSettle", function (e) { draw(e.target); });
  // Printing resizes the page: let the charts follow to the paper's width.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".chart-plot[data-drawn]").forEach(function (el) { window.Plotly.Plots.resize(el); });
  });
})();
