// hostwatch interactive charts: each figure.panel carries its data as JSON (written by the
// server beside its SVG chart); this draws it with uPlot (vendored: /static/uplot.min.js) in
// the SVG's place: crosshair, a shared tooltip with every series' value and unit, legend
// entries that hide and show their series, drag across a chart to set the page's range,
// round ticks in local time (or UTC: the switch range.js adds by the range buttons).
// Without JavaScript the server's SVG stays.
"use strict";

(function () {
  if (!window.uPlot) return;
  const KIB = 1024;
  const BYTES = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  const FONT = "12px system-ui, sans-serif";
  const UTC_KEY = "hostwatch.utc";
  const HEIGHT = 220;

  function binary(v, suffix) {
    let size = Math.abs(v), i = 0;
    while (size >= KIB && i < BYTES.length - 1) { size /= KIB; i += 1; }
    const shown = size >= 100 ? size.toFixed(0) : String(Number(size.toPrecision(3)));
    return (v < 0 ? "-" : "") + shown + " " + BYTES[i] + suffix;
  }

  const FORMATS = {
    "%": (v) => v.toFixed(1) + " %",
    "bytes": (v) => binary(v, ""),
    "bytes/s": (v) => binary(v, "/s"),
    "°C": (v) => v.toFixed(1) + " °C",
    "/s": (v) => Number(v.toPrecision(3)) + "/s",
    "ms": (v) => Number(v.toPrecision(3)) + " ms",
    "": (v) => v.toFixed(2),
  };

  function format(unit, v) {
    if (v === null || v === undefined || !Number.isFinite(v)) return "—";
    return (FORMATS[unit] || FORMATS[""])(v);
  }

  // Round steps: binary ones for bytes (1 KiB, 256 MiB, 4 GiB), 1-2-5 for the rest.
  const DECIMAL = [];
  for (let e = -6; e <= 15; e++) for (const m of [1, 2, 5]) DECIMAL.push(m * Math.pow(10, e));
  const BINARY = [];
  for (let e = 0; e <= 60; e++) BINARY.push(Math.pow(2, e));

  // The axis goes up to a round value: four steps or fewer, as the server's SVG does.
  function roundTop(high, binaryUnit) {
    if (!(high > 0)) return 1;
    const wanted = high / 4;
    let step;
    if (binaryUnit && wanted >= 1) step = Math.pow(2, Math.ceil(Math.log2(wanted)));
    else {
      const power = Math.pow(10, Math.floor(Math.log10(wanted)));
      step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((v) => v >= wanted * (1 - 1e-9));
    }
    return Math.ceil(high / step - 1e-9) * step;
  }

  // Axis labels without needless decimals: "20 %", "1.5", "4 GiB".
  function axisText(unit, v) {
    if (unit === "bytes" || unit === "bytes/s") return format(unit, v);
    const n = String(Number(v.toPrecision(4)));
    return { "%": n + " %", "°C": n + " °C", "/s": n + "/s", "ms": n + " ms" }[unit] || n;
  }

  function utc() {
    return window.localStorage.getItem(UTC_KEY) === "1";
  }

  function color(index) {
    const style = getComputedStyle(document.documentElement);
    return style.getPropertyValue("--s" + (index % 8)).trim() || "#1f77b4";
  }

  function muted() {
    const style = getComputedStyle(document.documentElement);
    return { text: style.getPropertyValue("--muted").trim(), grid: style.getPropertyValue("--line").trim() };
  }

  // Series come as runs without gaps; uPlot wants one x array: a point a series lacks is
  // undefined (the line goes on), the first moment after a run is null (the line breaks).
  function aligned(shape) {
    const moments = new Set();
    for (const s of shape.series) for (const run of s.runs) for (const p of run) moments.add(p[0]);
    const xs = Array.from(moments).sort((a, b) => a - b);
    const where = new Map(xs.map((x, i) => [x, i]));
    const ys = shape.series.map((s) => {
      const values = new Array(xs.length);
      s.runs.forEach((run, r) => {
        for (const p of run) values[where.get(p[0])] = p[1];
        const after = where.get(run[run.length - 1][0]) + 1;
        if (r < s.runs.length - 1 && after < xs.length && values[after] === undefined) values[after] = null;
      });
      return values;
    });
    return [xs, ...ys];
  }

  // Stacked series are drawn at the sum of the visible stacked ones below them; the tooltip and
  // legend still read the raw values.
  function stacked(raw, shape, shown) {
    const sums = new Array(raw[0].length).fill(0);
    const drawn = [raw[0]];
    shape.series.forEach((s, i) => {
      const values = raw[i + 1];
      if (!s.stacked || !shown[i]) { drawn.push(values); return; }
      drawn.push(values.map((v, j) => (v === null || v === undefined ? v : (sums[j] += v))));
    });
    return drawn;
  }

  function bands(shape, shown) {
    const order = shape.series.map((s, i) => i).filter((i) => shape.series[i].stacked && shown[i]);
    return order.slice(1).map((i, k) => ({ series: [i + 1, order[k] + 1] }));
  }

  function tooltip(shape, raw) {
    const box = document.createElement("div");
    box.className = "chart-tip";
    box.hidden = true;
    return {
      hooks: {
        init: (u) => u.over.appendChild(box),
        setCursor: (u) => {
          const i = u.cursor.idx;
          if (i === null || i === undefined || u.cursor.left < 0) { box.hidden = true; return; }
          box.replaceChildren();
          const head = document.createElement("strong");
          head.textContent = timeText(raw[0][i]);
          box.appendChild(head);
          shape.series.forEach((s, k) => {
            if (!u.series[k + 1].show) return;
            const row = document.createElement("div");
            const swatch = document.createElement("span");
            swatch.className = "swatch s" + (k % 8);
            row.append(swatch, s.name + ": " + format(shape.unit, raw[k + 1][i]));
            box.appendChild(row);
          });
          box.hidden = false;
          const left = u.cursor.left, width = u.over.clientWidth;
          box.style.left = (left > width / 2 ? left - box.offsetWidth - 12 : left + 12) + "px";
          box.style.top = "4px";
        },
      },
    };
  }

  function timeText(seconds) {
    const options = { year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit" };
    if (utc()) options.timeZone = "UTC";
    return new Date(seconds * 1000).toLocaleString(undefined, options) + (utc() ? " UTC" : "");
  }

  function zoomTo(u) {
    if (u.select.width < 8) return;
    const start = u.posToVal(u.select.left, "x");
    const end = u.posToVal(u.select.left + u.select.width, "x");
    const query = new URLSearchParams(window.location.search);
    query.set("range", "custom");
    query.set("start", new Date(start * 1000).toISOString().replace(/\.\d+Z$/, "Z"));
    query.set("end", new Date(end * 1000).toISOString().replace(/\.\d+Z$/, "Z"));
    query.delete("tz");
    window.location.assign(window.location.pathname + "?" + query.toString());
  }

  function draw(figure) {
    const holder = figure.querySelector("script.chart-data");
    if (!holder) return;
    const shape = JSON.parse(holder.textContent);
    const raw = aligned(shape);
    const shown = shape.series.map(() => true);
    const colors = muted();
    const binaryUnit = shape.unit === "bytes" || shape.unit === "bytes/s";
    const area = document.createElement("div");
    area.className = "uplot-area";
    const opts = {
      width: Math.max(200, figure.clientWidth - 20),
      height: HEIGHT,
      tzDate: utc() ? (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC") : (ts) => new Date(ts * 1000),
      cursor: { drag: { x: true, y: false, setScale: false } },
      legend: { live: true },
      scales: {
        x: { time: true, min: shape.start, max: shape.end },
        y: { range: (u, low, high) => [0, shape.top || roundTop(high, binaryUnit)] },
      },
      axes: [
        { font: FONT, stroke: colors.text, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid } },
        {
          font: FONT, stroke: colors.text, size: 78,
          grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid },
          incrs: binaryUnit ? BINARY : DECIMAL,
          values: (u, splits) => splits.map((v) => axisText(shape.unit, v)),
        },
      ],
      series: [
        { value: (u, v) => (v === null ? "—" : timeText(v)) },
        ...shape.series.map((s, i) => ({
          label: s.name,
          stroke: color(i),
          width: s.stacked ? 1 : 1.6,
          fill: s.stacked ? color(i) + "55" : undefined,
          spanGaps: false,
          points: { show: (u, si) => raw[si].filter((v) => v !== undefined && v !== null).length < 3 },
          value: (u, v, si, idx) => format(shape.unit, idx === null ? null : raw[si][idx]),
        })),
      ],
      bands: bands(shape, shown),
      plugins: [tooltip(shape, raw)],
      hooks: {
        setSelect: [zoomTo],
        setSeries: [(u, si) => {
          if (si === null || !shape.series[si - 1].stacked) return;
          shape.series.forEach((s, i) => { shown[i] = u.series[i + 1].show; });
          u.delBand(null);
          for (const band of bands(shape, shown)) u.addBand(band);
          u.setData(stacked(raw, shape, shown), false);
          u.redraw();
        }],
      },
    };
    for (const old of figure.querySelectorAll("svg.chart, ul.legend, .uplot-area")) old.remove();
    figure.appendChild(area);
    figure.hostwatchChart = new uPlot(opts, stacked(raw, shape, shown), area);
    figure.dataset.drawn = "uplot";
  }

  function drawAll(root) {
    for (const figure of (root || document).querySelectorAll("figure.panel")) draw(figure);
  }

  window.hostwatchCharts = { drawAll };
  document.addEventListener("hostwatch:zone", () => drawAll());  // the UTC switch (range.js)
  drawAll();
  let width = window.innerWidth;
  window.addEventListener("resize", () => {
    if (window.innerWidth !== width) { width = window.innerWidth; drawAll(); }
  });
})();
