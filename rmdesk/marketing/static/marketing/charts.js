// Draws the customer 360's balance trend with Plotly from the data the page carries as JSON
// (no inline script: the desk's content security policy allows scripts from itself only).
(function () {
  function draw() {
    var holder = document.getElementById("balance-trend");
    var source = document.getElementById("balance-trend-data");
    if (!holder || !source || !window.Plotly) { return; }
    var data = JSON.parse(source.textContent);
    var traces = [
      { x: data.months, y: data.savings, name: holder.dataset.savings, type: "scatter", mode: "lines+markers", line: { color: "#0b5d4b" } },
      { x: data.months, y: data.credit, name: holder.dataset.credit, type: "scatter", mode: "lines+markers", line: { color: "#b42318" } }
    ];
    window.Plotly.newPlot(holder, traces, {
      margin: { l: 70, r: 20, t: 10, b: 40 },
      yaxis: { title: { text: holder.dataset.unit }, rangemode: "tozero", separatethousands: true },
      xaxis: { type: "date", tickformat: "%Y-%m" },
      legend: { orientation: "h" },
      height: 280
    }, { displaylogo: false, displayModeBar: false, responsive: true }).then(function () { holder.dataset.drawn = "true"; });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
