// The public portal's charts (改革进行时): projects per reform dimension on the home page, each
// indicator's confirmed figures against its baseline and target on a project's page. The data
// comes from a json_script block; every name reaches a tooltip's HTML only escaped.
(function () {
  "use strict";
  const source = document.getElementById("portal-chart-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const esc = (value) => echarts.format.encodeHTML(String(value == null ? "" : value));
  const charts = [];

  function axisTooltip(params) {
    return esc(params[0].axisValue) + params.map((p) => "<br>" + p.marker + esc(p.seriesName) + " " + esc(p.value)).join("");
  }

  function dimensionChart(box) {
    const narrow = box.clientWidth < 576;
    const chart = echarts.init(box);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: axisTooltip },
      legend: { top: 0 },
      grid: { left: narrow ? 90 : 130, right: 16, top: 32, bottom: 8, containLabel: false },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.dimensions, axisLabel: { width: narrow ? 80 : 120, overflow: "truncate" } },
      series: data.series.map((s) => ({ name: s.name, type: "bar", stack: "projects", data: s.data, itemStyle: { color: s.colour } })),
    });
    box.style.height = Math.max(220, 30 * data.dimensions.length + 60) + "px";
    chart.resize();
    charts.push(chart);
  }

  function indicatorChart(box) {
    const ind = data.indicators[Number(box.dataset.index)];
    if (!ind) return;
    const chart = echarts.init(box);
    const flat = (value) => ind.periods.map(() => value);
    chart.setOption({
      tooltip: { trigger: "axis", formatter: axisTooltip },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 52, bottom: 28 },
      xAxis: { type: "category", data: ind.periods },
      yAxis: { type: "value", scale: true, name: ind.unit },
      series: [
        { name: data.labels.value, type: "line", data: ind.values, symbolSize: 7, itemStyle: { color: "#0d6efd" } },
        { name: data.labels.baseline, type: "line", data: flat(ind.baseline), symbol: "none", itemStyle: { color: "#6c757d" }, lineStyle: { type: "dotted" } },
        { name: data.labels.target, type: "line", data: flat(ind.target), symbol: "none", itemStyle: { color: "#198754" }, lineStyle: { type: "dashed" } },
      ],
    });
    charts.push(chart);
  }

  document.querySelectorAll("#dimension-chart").forEach(dimensionChart);
  document.querySelectorAll(".indicator-chart").forEach(indicatorChart);
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
