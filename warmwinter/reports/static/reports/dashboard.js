/* Home page charts (ECharts, vendored): coverage per unit of the latest open round, hazards by state.
   Data comes from the page through json_script; nothing is fetched. */
(function () {
  "use strict";

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var STATE_COLOURS = {
    identified: "#b3261e", warned: "#d9822b", resolved_on_spot: "#7fa650", escalated: "#8c1d18",
    rectifying: "#e0b400", rectified: "#5b8def", verified: "#3a7bd5", closed: "#1e7b34"
  };

  function coverageChart(el, d) {
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: function (items) {
          var i = items[0].dataIndex;
          return escape(d.names[i]) + "<br>" + d.rates[i] + "%（" + d.surveyed[i] + " / " + d.units[i] + "）";
        }
      },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: d.names, inverse: true, axisLabel: { width: 110, overflow: "truncate" } },
      series: [{
        name: d.series, type: "bar", data: d.rates, barMaxWidth: 22,
        itemStyle: { color: function (p) { return p.value >= 100 ? "#1e7b34" : "#b3261e"; } },
        label: { show: true, position: "right", formatter: "{c}%" }
      }]
    });
    return chart;
  }

  function hazardChart(el, d) {
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) { return escape(p.name) + "：" + p.value + "（" + p.percent + "%）"; } },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        name: d.series, type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"], avoidLabelOverlap: true,
        label: { formatter: "{b} {c}" },
        data: d.items.map(function (item) {
          return { name: item.name, value: item.value, itemStyle: { color: STATE_COLOURS[item.state] } };
        })
      }]
    });
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) { return; }
    var charts = [];
    var coverage = data("coverage-data"), hazards = data("hazard-data");
    var coverageEl = document.getElementById("chart-coverage"), hazardEl = document.getElementById("chart-hazards");
    if (coverage && coverageEl) { charts.push(coverageChart(coverageEl, coverage)); }
    if (hazards && hazardEl) { charts.push(hazardChart(hazardEl, hazards)); }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
