/* OpenGPS statistics charts: draws each [data-chart] element with Apache ECharts (served from
   our static files). The data comes from a non-executed <script type="application/json"> element
   named by data-source (no inline script: the CSP allows only our own files). Every chart has the
   same figures in an accessible table beside it; the chart adds nothing the table lacks. */
(function () {
  "use strict";

  function readData(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function sized(element, height) {
    element.style.width = "100%";
    element.style.height = height + "px";
    return element;
  }

  function bar(element, data) {
    var first = data.series[0];
    var series = data.series.filter(function (s) { return s.kind === first.kind; });
    var chart = echarts.init(sized(element, 320));
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { data: series.map(function (s) { return s.name; }) },
      grid: { left: 8, right: 8, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: series.map(function (s) { return { name: s.name, type: "bar", data: s.values }; })
    });
    return chart;
  }

  function pie(element, data) {
    var first = data.series[0];
    var chart = echarts.init(sized(element, 320));
    chart.setOption({
      tooltip: { trigger: "item", renderMode: "richText" },
      series: [{
        name: first.name,
        type: "pie",
        radius: ["35%", "65%"],
        data: data.labels.map(function (label, i) { return { name: label, value: first.values[i] }; })
      }]
    });
    return chart;
  }

  function map(element, entries) {
    var url = element.getAttribute("data-geo");
    var name = "opengps-" + url;
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (geo) {
        echarts.registerMap(name, geo);
        var values = entries.map(function (e) { return e.value; }).filter(function (v) { return v !== null; });
        var chart = echarts.init(sized(element, 520));
        chart.setOption({
          tooltip: { trigger: "item", renderMode: "richText" },
          visualMap: {
            min: values.length ? Math.min.apply(null, values) : 0,
            max: values.length ? Math.max.apply(null, values) : 1,
            calculable: true,
            left: "left",
            bottom: 8,
            inRange: { color: ["#e8f1fb", "#1f5fa8"] }
          },
          series: [{
            type: "map",
            map: name,
            roam: false,
            label: { show: true, fontSize: 10 },
            data: entries.map(function (e) { return { name: e.name, value: e.value === null ? NaN : e.value }; })
          }]
        });
        return chart;
      });
  }

  var DRAW = { bar: bar, pie: pie, map: map };

  /* The chart as a PNG file (ECharts' getDataURL), named after the chart's title: the button
     beside each chart stays hidden until its chart is drawn. */
  function offerPng(element, chart) {
    var source = element.getAttribute("data-source");
    var button = document.querySelector('[data-png="' + source + '"]');
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var link = document.createElement("a");
      link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#ffffff" });
      link.download = (element.getAttribute("data-name") || source) + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  function drawAll() {
    if (typeof echarts === "undefined") { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var draw = DRAW[element.getAttribute("data-chart")];
      var data = readData(element.getAttribute("data-source"));
      if (!draw || !data || (data.labels && !data.labels.length) || (Array.isArray(data) && !data.length)) { return; }
      var result = draw(element, data);
      var drawn = function (c) { charts.push(c); offerPng(element, c); };
      if (result && typeof result.then === "function") { result.then(drawn); } else { drawn(result); }
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
