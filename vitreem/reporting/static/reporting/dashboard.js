// The dashboard's charts, drawn with Chart.js (served from this site) from the tables beside
// them: the table is the data, the chart only a picture of it. Without JavaScript, or when the
// library is missing, the tables stand alone.
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var COLOURS = ["#2e7d32", "#ef6c00", "#c62828"]; // on time, late, missing
  var BAR = "#0b5cad";

  // "1.234" (Vietnamese thousands) → 1234; a blank cell → null.
  function number(cell) {
    var text = cell.textContent.trim().replace(/\./g, "");
    return text === "" ? null : Number(text);
  }

  function canvasBefore(table, height, label) {
    var box = document.createElement("div");
    box.className = "chart";
    box.style.height = height + "px"; // set through the DOM, which the CSP allows
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", label);
    box.appendChild(canvas);
    table.parentNode.insertBefore(box, table);
    return canvas;
  }

  // Reports per part of the unit: stacked bars of on time, late, missing.
  function progress(table) {
    var heads = table.querySelectorAll("thead th");
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    if (!rows.length) { return; }
    var labels = rows.map(function (r) { return r.querySelector("th").textContent.trim(); });
    var datasets = [2, 3, 4].map(function (column, i) {
      return {
        label: heads[column].textContent.trim(),
        backgroundColor: COLOURS[i],
        data: rows.map(function (r) { return number(r.children[column]); })
      };
    });
    var caption = table.querySelector("caption");
    var canvas = canvasBefore(table, 60 + rows.length * 22, caption ? caption.textContent : "");
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } }
      }
    });
  }

  // A figure over the years: bars, the figure chosen from the table's rows.
  function trend(table) {
    var years = Array.prototype.slice.call(table.querySelectorAll("thead th")).slice(1)
      .map(function (th) { return th.firstChild.textContent.trim(); });
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr:not(.group)"));
    if (!rows.length) { return; }
    var first = rows.findIndex(function (r) {
      return Array.prototype.slice.call(r.children, 1).some(function (c) { return number(c) !== null; });
    });
    var label = document.createElement("label");
    label.className = "chart-choice";
    label.textContent = table.dataset.chartChoose + " ";
    var select = document.createElement("select");
    rows.forEach(function (r, i) {
      var option = document.createElement("option");
      option.value = String(i);
      option.textContent = r.children[0].textContent.trim();
      select.appendChild(option);
    });
    select.value = String(Math.max(first, 0));
    label.appendChild(select);
    table.parentNode.insertBefore(label, table);
    var canvas = canvasBefore(table, 240, select.options[select.selectedIndex].textContent);
    function values(i) {
      return Array.prototype.slice.call(rows[i].children, 1).map(number);
    }
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: years,
        datasets: [{ label: select.options[select.selectedIndex].textContent, backgroundColor: BAR, data: values(Number(select.value)) }]
      },
      options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } }
    });
    select.addEventListener("change", function () {
      var name = select.options[select.selectedIndex].textContent;
      chart.data.datasets[0].label = name;
      chart.data.datasets[0].data = values(Number(select.value));
      canvas.setAttribute("aria-label", name);
      chart.update();
    });
  }

  document.querySelectorAll("table[data-chart]").forEach(function (table) {
    if (table.dataset.chart === "progress") { progress(table); }
    if (table.dataset.chart === "trend") { trend(table); }
  });
})();
