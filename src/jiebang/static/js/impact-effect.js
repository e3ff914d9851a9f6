// 效果评估 and 推广成效: each chart draws an indicator's values over time with the intervention
// as a vertical line; the effect charts add the before and after means and the segmented
// regression's fitted segments with the earlier trend continued; the spread charts draw the
// source project beside every adopting institution.
(function () {
  "use strict";
  // Every name in a tooltip is user text: it reaches the tooltip's HTML only escaped.
  const esc = (value) => echarts.format.encodeHTML(String(value == null ? "" : value));
  const time = (iso) => new Date(iso + "T00:00:00").getTime();
  const day = (ms) => {
    const d = new Date(ms);
    const pad = (n) => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  };
  const round = (v) => (typeof v === "number" ? Math.round(v * 100) / 100 : v);
  const points = (list) => list.map((p) => [time(p[0]), p[1]]);

  function interventionLine(chart, labels) {
    if (!chart.intervention) return undefined;
    return {
      symbol: "none", silent: true,
      lineStyle: { color: "#dc3545", type: "solid", width: 2 },
      label: { formatter: labels.intervention + " " + chart.intervention, position: "insideEndTop" },
      data: [{ xAxis: time(chart.intervention) }],
    };
  }

  function series(chart, labels) {
    const out = [];
    chart.lines.forEach(function (line, i) {
      out.push({
        name: line.name, type: "line", data: points(line.points), showSymbol: true,
        symbolSize: line.main ? 7 : 4, lineStyle: { width: line.main ? 3 : 1.5 },
        z: line.main ? 3 : 2,
        markLine: i === 0 ? interventionLine(chart, labels) : undefined,
      });
    });
    chart.means.forEach(function (mean) {
      out.push({ name: mean.name, type: "line", data: points(mean.points), symbol: "none",
        lineStyle: { type: "dashed", width: 2, color: "#fd7e14" }, itemStyle: { color: "#fd7e14" } });
    });
    chart.fitted.forEach(function (segment) {
      out.push({ name: segment.name, type: "line", data: points(segment.points), symbol: "none",
        lineStyle: { width: 2, color: "#198754" }, itemStyle: { color: "#198754" } });
    });
    if (chart.counterfactual.length) {
      out.push({ name: labels.counterfactual, type: "line", data: points(chart.counterfactual), symbol: "none",
        lineStyle: { type: "dotted", width: 2, color: "#6c757d" }, itemStyle: { color: "#6c757d" } });
    }
    return out;
  }

  function draw(box, chart, labels) {
    const instance = echarts.init(box);
    const all = series(chart, labels);
    const names = [...new Set(all.map((s) => s.name))];
    instance.setOption({
      tooltip: {
        trigger: "axis",
        formatter: function (params) {
          if (!params.length) return "";
          return esc(day(params[0].axisValue)) + params.map((q) => "<br>" + q.marker + esc(q.seriesName) + " " + esc(round(q.value[1]))).join("");
        },
      },
      legend: { data: names, bottom: 0, type: "scroll" },
      grid: { left: 56, right: 24, top: 28, bottom: 56 },
      xAxis: { type: "time", axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", name: chart.unit, scale: true },
      series: all,
    });
    window.addEventListener("resize", () => instance.resize());
  }

  function drawAll(selector, dataId) {
    const source = document.getElementById(dataId);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    document.querySelectorAll(selector).forEach(function (box) {
      const chart = data.charts[Number(box.dataset.index)];
      if (chart) draw(box, chart, data.labels);
    });
  }

  drawAll(".effect-chart", "impact-effect-data");
  drawAll(".spread-chart", "impact-spread-data");
})();
