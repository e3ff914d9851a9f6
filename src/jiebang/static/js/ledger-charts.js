// 一图一表: a project's Gantt (tasks by start–deadline coloured by status, overdue red,
// milestones as diamonds, a line for today) and indicator trends against target and baseline;
// the programme's timeline of projects with their computed progress.
(function () {
  "use strict";
  const DAY = 24 * 3600 * 1000;
  // Every name in a tooltip is user text: it reaches the tooltip's HTML only escaped.
  const esc = (value) => echarts.format.encodeHTML(String(value == null ? "" : value));
  const time = (iso) => new Date(iso + "T00:00:00").getTime();

  // A bar from start to end with the progress drawn inside it (custom series).
  function renderBar(params, api) {
    const row = api.value(0);
    const start = api.coord([api.value(1), row]);
    const end = api.coord([api.value(2) + DAY, row]);
    const height = api.size([0, 1])[1] * 0.55;
    const box = params.coordSys;
    const clip = (shape) => echarts.graphic.clipRectByRect(shape, { x: box.x, y: box.y, width: box.width, height: box.height });
    const whole = clip({ x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 2), height: height });
    if (!whole) return null;
    const colour = api.visual("color");
    const done = clip({ x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 2) * api.value(3) / 100, height: height });
    const overdue = api.value(4) > 0;
    const children = [{ type: "rect", shape: whole, style: { fill: colour, opacity: 0.3 } }];
    if (done) children.push({ type: "rect", shape: done, style: { fill: colour } });
    // Overdue work gets a red outline, whatever the bar's own colour.
    children.push({ type: "rect", shape: whole, style: { fill: "none", stroke: overdue ? "#dc3545" : colour, lineWidth: overdue ? 2 : 1 } });
    return { type: "group", children: children };
  }

  // The time axis always reaches today, so the line for today is drawn.
  // On a phone the labels get the room they need and no two overlap (hideOverlap).
  function isNarrow(box) {
    return box.clientWidth < 576;
  }

  function timeAxis(data) {
    const today = time(data.today);
    return { type: "time", position: "top", splitLine: { show: true, lineStyle: { type: "dotted" } },
      axisLabel: { hideOverlap: true },
      min: (v) => Math.min(v.min, today - 7 * DAY), max: (v) => Math.max(v.max, today + 7 * DAY) };
  }

  function todayLine(data) {
    return { symbol: "none", silent: true, lineStyle: { color: "#dc3545", type: "dashed", width: 2 },
      label: { formatter: data.labels.today + " " + data.today, position: "end" }, data: [{ xAxis: time(data.today) }] };
  }

  function projectGantt(data) {
    const box = document.getElementById("gantt");
    if (!box) return;
    const names = data.tasks.map((t) => t.name);
    const hasMilestones = data.milestones.length > 0;
    if (hasMilestones) names.unshift("◆ " + data.labels.milestones);
    const offset = hasMilestones ? 1 : 0;
    box.style.height = Math.max(260, 34 * names.length + 90) + "px";
    const narrow = isNarrow(box);
    const chart = echarts.init(box);
    chart.setOption({
      tooltip: {
        formatter: function (p) {
          if (p.seriesType === "scatter") return "◆ " + esc(p.data.name) + "<br>" + esc(p.data.date);
          const t = data.tasks[p.dataIndex];
          return esc(t.name) + "<br>" + esc(data.labels.start) + " " + esc(t.start) + "<br>" + esc(data.labels.deadline) + " " + esc(t.end) +
            "<br>" + esc(t.status_label) + " · " + esc(t.percent) + "%" + (t.overdue ? " · <b class='text-danger'>" + esc(data.labels.overdue) + "</b>" : "");
        },
      },
      grid: narrow ? { left: 96, right: 12, top: 30, bottom: 40 } : { left: 200, right: 100, top: 30, bottom: 40 },
      xAxis: timeAxis(data),
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: narrow ? 88 : 180, overflow: "truncate", hideOverlap: true } },
      dataZoom: [{ type: "inside", xAxisIndex: 0, filterMode: "none" }],
      series: [
        {
          type: "custom", name: data.labels.progress, renderItem: renderBar, encode: { x: [1, 2], y: 0 },
          data: data.tasks.map((t, i) => ({ value: [i + offset, time(t.start), time(t.end), t.percent, t.overdue ? 1 : 0], itemStyle: { color: t.colour } })),
          markLine: todayLine(data),
        },
        {
          type: "scatter", name: data.labels.milestones, symbol: "diamond", symbolSize: 14, itemStyle: { color: "#fd7e14" },
          label: { show: !narrow, position: "right", formatter: (p) => p.data.name, fontSize: 11 },
          data: data.milestones.map((m) => ({ value: [time(m.date), 0], name: m.name, date: m.date })),
        },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
    chart.on("click", function (p) {
      if (p.seriesType === "custom" && data.tasks[p.dataIndex]) window.location = data.tasks[p.dataIndex].url;
    });
  }

  function indicatorCharts(data) {
    document.querySelectorAll(".indicator-chart").forEach(function (box) {
      const ind = data.indicators[Number(box.dataset.index)];
      const chart = echarts.init(box);
      const periods = ind.points.map((p) => p.period);
      const flat = (v) => periods.map(() => v);
      chart.setOption({
        tooltip: { trigger: "axis", formatter: (params) => esc(params[0].axisValue) + params.map((q) => "<br>" + q.marker + esc(q.seriesName) + " " + esc(q.value)).join("") },
        legend: { data: [data.labels.confirmed, data.labels.target, data.labels.baseline], bottom: 0 },
        grid: { left: 50, right: 20, top: 20, bottom: 50 },
        xAxis: { type: "category", data: periods, boundaryGap: false },
        yAxis: { type: "value", name: ind.unit, scale: true },
        series: [
          { name: data.labels.confirmed, type: "line", data: ind.points.map((p) => p.value), symbolSize: 8, lineStyle: { width: 3 }, itemStyle: { color: "#0d6efd" } },
          { name: data.labels.target, type: "line", data: flat(ind.target), symbol: "none", lineStyle: { type: "dashed", color: "#198754" }, itemStyle: { color: "#198754" } },
          { name: data.labels.baseline, type: "line", data: flat(ind.baseline), symbol: "none", lineStyle: { type: "dotted", color: "#6c757d" }, itemStyle: { color: "#6c757d" } },
        ],
      });
      window.addEventListener("resize", () => chart.resize());
    });
  }

  function progressColour(p) {
    if (p.progress >= 100) return "#198754";
    return p.progress > 0 ? "#0d6efd" : "#adb5bd";
  }

  function programmeGantt(data) {
    const box = document.getElementById("programme-gantt");
    if (!box) return;
    const names = data.projects.map((p) => p.group + " · " + p.code);
    box.style.height = Math.min(2400, Math.max(320, 22 * names.length + 90)) + "px";
    const narrow = isNarrow(box);
    const chart = echarts.init(box);
    chart.setOption({
      tooltip: {
        formatter: function (param) {
          const p = data.projects[param.dataIndex];
          return esc(p.name) + "<br>" + esc(p.unit) + "<br>" + esc(p.start) + " – " + esc(p.end) + "<br>" + esc(data.labels.progress) + " " + esc(p.progress) + "%" +
            (p.overdue ? "<br><b class='text-danger'>" + esc(data.labels.overdue) + " " + esc(p.overdue) + "</b>" : "");
        },
      },
      grid: narrow ? { left: 96, right: 12, top: 30, bottom: 50 } : { left: 170, right: 100, top: 30, bottom: 50 },
      xAxis: timeAxis(data),
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: narrow ? 88 : 160, overflow: "truncate", fontSize: 11, hideOverlap: true } },
      dataZoom: [{ type: "slider", xAxisIndex: 0, bottom: 10, height: 18, filterMode: "none" }, { type: "inside", xAxisIndex: 0, filterMode: "none" }],
      series: [{
        type: "custom", renderItem: renderBar, encode: { x: [1, 2], y: 0 },
        data: data.projects.map((p, i) => ({ value: [i, time(p.start), time(p.end), p.progress, p.overdue], itemStyle: { color: progressColour(p) } })),
        markLine: todayLine(data),
      }],
    });
    window.addEventListener("resize", () => chart.resize());
    chart.on("click", function (p) {
      if (data.projects[p.dataIndex]) window.location = data.projects[p.dataIndex].url;
    });
  }

  const project = document.getElementById("ledger-chart-data");
  if (project) {
    const data = JSON.parse(project.textContent);
    projectGantt(data);
    indicatorCharts(data);
  }
  const programme = document.getElementById("ledger-programme-data");
  if (programme) programmeGantt(JSON.parse(programme.textContent));
})();
