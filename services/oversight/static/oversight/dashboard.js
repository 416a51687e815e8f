/* Draws the dashboard's charts with Apache ECharts (served from /static/vendor/, fetched from the
   npm registry by partycloud/vendor.py) from data the server already aggregated: each element
   [data-chart="bar|line|heatmap"] names the <script type="application/json"> holding its data.
   Without JavaScript, or without the file, the tables below the charts say the same. */
(function () {
  "use strict";
  if (!window.echarts) return;
  function data(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    return source ? JSON.parse(source.textContent) : null;
  }
  function series(d, type) {
    return d.series.map(function (s) { return { name: s.name, type: type, data: s.data, connectNulls: false }; });
  }
  var draw = {
    bar: function (d) {
      return { tooltip: { trigger: "axis" }, legend: { type: "scroll" }, grid: { containLabel: true, left: 8, right: 8 },
        xAxis: { type: "category", data: d.categories }, yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: series(d, "bar") };
    },
    line: function (d) {
      return { tooltip: { trigger: "axis" }, legend: {}, grid: { containLabel: true, left: 8, right: 8 },
        xAxis: { type: "category", data: d.categories }, yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: series(d, "line") };
    },
    heatmap: function (d) {
      return {
        tooltip: { formatter: function (p) { return d.y[p.value[1]] + "<br>" + d.x[p.value[0]] + "：" + p.value[3]; } },
        grid: { containLabel: true, left: 8, right: 8, bottom: 60 },
        xAxis: { type: "category", data: d.x, axisLabel: { rotate: 40, interval: 0 } },
        yAxis: { type: "category", data: d.y, inverse: true },
        visualMap: { min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0,
          inRange: { color: ["#fee4e2", "#fef0c7", "#d1fadf"] } },
        series: [{ type: "heatmap", data: d.cells, label: { show: d.y.length <= 20, formatter: function (p) { return p.value[3]; } } }]
      };
    }
  };
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var d = data(el), make = draw[el.getAttribute("data-chart")];
    if (!d || !make) return;
    var chart = window.echarts.init(el);
    chart.setOption(make(d));
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
