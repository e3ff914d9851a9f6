// The satisfaction trend (supervision/satisfaction.html): items per month as bars, the average
// rating as a line. Labels are months and numbers only; no user text reaches the chart.
(function () {
  const source = document.getElementById("satisfaction-data");
  const box = document.getElementById("satisfaction-trend");
  if (!source || !box || typeof echarts === "undefined") return;
  const rows = JSON.parse(source.textContent);
  const chart = echarts.init(box);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 40, top: 30, bottom: 30 },
    xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
    yAxis: [
      { type: "value", name: "", minInterval: 1 },
      { type: "value", min: 1, max: 5, interval: 1 },
    ],
    series: [
      { name: box.dataset.items || "n", type: "bar", data: rows.map(function (r) { return r.n; }) },
      {
        name: box.dataset.rating || "★",
        type: "line",
        yAxisIndex: 1,
        data: rows.map(function (r) { return r.rating; }),
      },
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
