// Draw the stacked bar chart of due-soon and overdue cases per department.
document.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("warning-chart");
  var source = document.getElementById("warning-chart-data");
  if (!element || !source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(element);
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: [data.labels.yellow, data.labels.red] },
    grid: { left: 8, right: 16, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.names, inverse: true },
    series: [
      { name: data.labels.yellow, type: "bar", stack: "warned", data: data.yellow, itemStyle: { color: "#b26a00" } },
      { name: data.labels.red, type: "bar", stack: "warned", data: data.red, itemStyle: { color: "#c62828" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
