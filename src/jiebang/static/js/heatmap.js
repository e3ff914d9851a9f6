// The pain-point heatmap: category × county/institution/month; a click opens the items behind a cell.
(function () {
  const box = document.getElementById("heatmap");
  if (!box) return;
  const data = JSON.parse(document.getElementById("heatmap-data").textContent);
  const chart = echarts.init(box);
  chart.setOption({
    // Category, county and institution names are user text: escaped before they reach HTML.
    tooltip: {
      position: "top",
      formatter: function (p) {
        const esc = (v) => echarts.format.encodeHTML(String(v));
        return esc(data.categories[p.data[1]]) + "<br>" + esc(data.columns[p.data[0]]) + "：" + esc(p.data[2]);
      },
    },
    grid: { left: 130, right: 20, top: 10, bottom: data.axis === "institution" ? 160 : 70 },
    xAxis: { type: "category", data: data.columns, axisLabel: { rotate: data.columns.length > 8 ? 45 : 0, interval: 0 }, splitArea: { show: true } },
    yAxis: { type: "category", data: data.categories, splitArea: { show: true } },
    visualMap: { min: 0, max: Math.max(1, data.max), calculable: true, orient: "horizontal", left: "center", bottom: 0, inRange: { color: ["#f7fbff", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"] } },
    series: [{ type: "heatmap", data: data.cells, label: { show: data.columns.length <= 12 }, emphasis: { itemStyle: { shadowBlur: 8 } } }],
  });
  window.addEventListener("resize", () => chart.resize());
  chart.on("click", function (params) {
    const [col, row] = params.data;
    const form = new URLSearchParams(new FormData(document.getElementById("heatmap-form")));
    form.delete("axis");
    form.set("category", data.category_ids[row]);
    const key = data.column_keys[col];
    if (data.axis === "county") form.set("county", key);
    else if (data.axis === "institution") form.set("institution", key);
    else form.set("month", key);
    window.location = box.dataset.listUrl + "?" + form.toString();
  });
  // The same figures as a table, for reading and copying.
  const table = document.getElementById("heatmap-table");
  const body = document.createElement("tbody");
  data.categories.forEach(function (name, row) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.textContent = name;
    tr.appendChild(th);
    data.columns.forEach(function (_c, col) {
      const cell = data.cells.find((c) => c[0] === col && c[1] === row);
      const td = document.createElement("td");
      td.textContent = cell ? cell[2] : 0;
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
  table.appendChild(body);
})();
