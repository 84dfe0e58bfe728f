/* The explorer page (book/explorer.md): controls and Plotly charts for four headline models.
 *
 * Every number comes from #explorer-data, computed when the site is built by analysis.explorer with
 * the chapters' own functions; this script only looks values up. The one exception is the cost of a
 * training run, hours = FLOP / (peak x utilisation x 3600) and cost = hours x price, the formula of
 * analysis.cost.training_cost in the same order of operations (tests/test_explorer.py checks the
 * numbers shown against the package). Loaded on the explorer page only (tools/explorer_site.py).
 */
(function () {
  "use strict";

  // Okabe-Ito colours (safe for the common colour-vision deficiencies), lighter ones on a dark page
  const PALETTE = {
    light: ["#0072B2", "#D55E00", "#009E73", "#CC79A7"],
    dark: ["#56B4E9", "#E69F00", "#3FC1A0", "#E7A1CB"],
  };

  function theme() {
    return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
  }

  function cssVar(name, fallback) {
    const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fmtThousands(x, digits) {
    return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  // A slider over a list of settings ({value, label}); the setting's label is shown beside it.
  function slider(box, id, label, options, index, onChange) {
    const wrap = el("div", { class: "explorer-control" });
    const lab = el("label", { for: id }, label);
    const input = el("input", { type: "range", id: id, min: "0", max: String(options.length - 1), step: "1" });
    input.value = String(index);
    const out = el("output", { for: id, id: id + "-value", class: "explorer-setting" });
    function sync() {
      const o = options[Number(input.value)];
      out.textContent = o.label;
      input.setAttribute("aria-valuetext", o.label);
    }
    input.addEventListener("input", () => { sync(); onChange(); });
    sync();
    wrap.append(lab, input, out);
    box.append(wrap);
    return () => Number(input.value);
  }

  function dropdown(box, id, label, options, index, onChange) {
    const wrap = el("div", { class: "explorer-control" });
    const lab = el("label", { for: id }, label);
    const select = el("select", { id: id });
    options.forEach((o, i) => select.append(el("option", { value: String(i) }, o.label)));
    select.value = String(index);
    select.addEventListener("change", onChange);
    wrap.append(lab, select);
    box.append(wrap);
    return () => Number(select.value);
  }

  function frame(root, name, summary) {
    root.textContent = "";
    const controls = el("div", { class: "explorer-controls", role: "group", "aria-label": "Assumptions of the " + name });
    const answer = el("p", { class: "explorer-answer", "aria-live": "polite" });
    const chart = el("div", { class: "explorer-chart", role: "img", "aria-label": summary });
    root.append(controls, answer, chart);
    return { controls, answer, chart };
  }

  function setAnswer(p, parts) {
    // parts: strings, or [key, text] pairs shown in a marked element the tests read
    p.textContent = "";
    for (const part of parts) {
      if (typeof part === "string") { p.append(part); continue; }
      const [key, text, strong] = part;
      p.append(el(strong ? "strong" : "span", { "data-explorer-value": key }, text));
    }
  }

  function baseLayout(xTitle, yTitle, extra) {
    const text = cssVar("--pst-color-text-base", theme() === "dark" ? "#ced6dd" : "#222832");
    const grid = theme() === "dark" ? "rgba(255,255,255,0.15)" : "rgba(0,0,0,0.12)";
    const axis = (title) => ({
      title: { text: title, font: { size: 13 } }, gridcolor: grid, zerolinecolor: grid, linecolor: grid,
      tickfont: { size: 12 }, automargin: true,
    });
    return Object.assign({
      font: { size: 13, color: text, family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      margin: { l: 10, r: 10, t: 10, b: 10 }, height: 360, hovermode: "closest",
      hoverlabel: { font: { size: 13 } },
      legend: { orientation: "h", x: 0, y: -0.25, yanchor: "top", font: { size: 12 } },
      xaxis: axis(xTitle), yaxis: axis(yTitle),
    }, extra || {});
  }

  // A log axis labelled at chosen values: Plotly's own minor log labels ("2", "5") are drawn at 3/4 of
  // the tick font, below the 11 px every chart text must reach.
  function logAxis(base, values) {
    return Object.assign(base, { type: "log", tickmode: "array", tickvals: values, ticktext: values.map((v) => v.toLocaleString("en-US")) });
  }

  const CONFIG = { displayModeBar: false, responsive: true, scrollZoom: false };
  const redraws = [];

  function draw(chart, traces, layout) {
    window.Plotly.react(chart, traces, layout, CONFIG);
  }

  // --- chapter 1: run-out year --------------------------------------------------------------
  function runout(root, d) {
    const f = frame(root, "run-out model",
      "Line chart of the median year the largest training set reaches the stock of public human text, with its 80% interval, against the over-training factor.");
    const update = () => render();
    const stock = slider(f.controls, "runout-stock", "Stock of public human text", d.stock, d.default[0], update);
    const growth = slider(f.controls, "runout-growth", "Growth of the largest training set", d.growth, d.default[1], update);
    const over = slider(f.controls, "runout-overtraining", "Over-training", d.overtraining, d.default[2], update);
    function render() {
      const i = stock(), j = growth(), k = over();
      setAnswer(f.answer, [
        "Median run-out year: ", ["runout-median", d.median_text[i][j][k], true],
        " (80% interval ", ["runout-p10", d.p10_text[i][j][k]], " to ", ["runout-p90", d.p90_text[i][j][k]], ").",
      ]);
      const c = PALETTE[theme()];
      const x = d.overtraining.map((o) => o.value);
      const hover = x.map((_, m) => `Over-training ${d.overtraining[m].label}<br>median ${d.median_text[i][j][m]}` +
        `<br>80% interval ${d.p10_text[i][j][m]} to ${d.p90_text[i][j][m]}<extra></extra>`);
      draw(f.chart, [
        { x, y: d.p90[i][j], mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false },
        { x, y: d.p10[i][j], mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: c[0] + "33",
          name: "80% interval", hoverinfo: "skip" },
        { x, y: d.median[i][j], mode: "lines+markers", line: { color: c[0], width: 3 }, marker: { size: 8 },
          name: "median", hovertemplate: hover },
        { x: [x[k]], y: [d.median[i][j][k]], mode: "markers", name: "your setting",
          marker: { color: c[1], size: 14, symbol: "diamond", line: { width: 1, color: c[1] } }, hovertemplate: [hover[k]] },
      ], baseLayout("Over-training factor (log scale)", "Year training sets reach the stock",
        { xaxis: logAxis(baseLayout("Over-training factor (log scale)").xaxis, x) }));
    }
    render();
    redraws.push(render);
  }

  // --- chapter 2: cost of a GPT-3-sized run -------------------------------------------------
  function runCost(flops, peak, utilization, price) {
    const hours = flops / (peak * utilization * 3600);
    return { hours, usd: hours * price };
  }

  function cost(root, d) {
    const f = frame(root, "cost model",
      "Line chart of the cost in millions of dollars of a GPT-3-sized training run against the rental price per GPU-hour, one line per GPU generation.");
    const update = () => render();
    const chip = dropdown(f.controls, "cost-chip", "GPU generation", d.chips, d.default[0], update);
    const price = slider(f.controls, "cost-price", "Rental price per GPU-hour", d.price, d.default[1], update);
    const util = slider(f.controls, "cost-utilization", "Utilisation (share of peak speed used)", d.utilization, d.default[2], update);
    function render() {
      const ch = d.chips[chip()], p = d.price[price()].value, u = d.utilization[util()].value;
      const run = runCost(d.flops, ch.peak, u, p);
      setAnswer(f.answer, [
        "Cost of the run: ", ["cost-usd", (run.usd / 1e6).toFixed(2), true], " million dollars (",
        ["cost-hours", fmtThousands(run.hours / 1e3, 0)], " thousand GPU-hours on ", ch.value, ").",
      ]);
      const c = PALETTE[theme()];
      const xs = d.price.map((o) => o.value);
      const traces = d.chips.map((g, n) => ({
        x: xs, y: xs.map((x) => runCost(d.flops, g.peak, u, x).usd / 1e6), mode: "lines", name: g.label,
        line: { color: c[n], width: g.value === ch.value ? 4 : 2, dash: ["dot", "dash", "solid"][n % 3] },
        hovertemplate: `${g.value} at %{x:.2f} dollars an hour:<br>%{y:.2f} million dollars<extra></extra>`,
      }));
      traces.push({ x: [p], y: [run.usd / 1e6], mode: "markers", name: "your setting",
        marker: { color: c[3], size: 14, symbol: "diamond" },
        hovertemplate: `${ch.value} at %{x:.2f} dollars an hour:<br>%{y:.2f} million dollars<extra></extra>` });
      draw(f.chart, traces, baseLayout("Rental price (dollars per GPU-hour)", "Cost of the run (million dollars)",
        { yaxis: logAxis(baseLayout("", "Cost of the run (million dollars)").yaxis, [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]) }));
    }
    render();
    redraws.push(render);
  }

  // --- chapter 3: real share against collapse -----------------------------------------------
  function collapse(root, d) {
    const f = frame(root, "model-collapse experiment",
      "Line chart of the error after many generations of recursive training, as a multiple of one fit to real data, against the share of real data in each generation.");
    const update = () => render();
    const size = slider(f.controls, "collapse-samples", "Samples per generation", d.sizes, d.default[0], update);
    const tol = slider(f.controls, "collapse-tolerance", "Tolerance", d.tolerance, d.default[1], update);
    function render() {
      const m = size(), t = tol();
      const thr = d.threshold_text[m][t];
      setAnswer(f.answer, thr === null ? [
        "Real share needed: ", ["collapse-threshold", "more than the grid's largest share", true],
        "; large-sample formula: ", ["collapse-first-order", d.first_order_text[t]], "%.",
      ] : [
        "Real share needed: ", ["collapse-threshold", thr, true], "% of each generation's data",
        " (large-sample formula: ", ["collapse-first-order", d.first_order_text[t]], "%).",
      ]);
      const c = PALETTE[theme()];
      const x = d.fractions.map((v) => 100 * v);
      const limit = 1 + d.tolerance[t].value;
      const traces = [
        { x, y: d.ratio[m], mode: "lines+markers", name: "error after " + d.generations + " generations",
          line: { color: c[0], width: 3 }, marker: { size: 7 },
          customdata: d.ratio_se[m],
          hovertemplate: "real share %{x:.0f}%:<br>error %{y:.3f} times one fresh fit (± %{customdata:.3f})<extra></extra>" },
        { x: [0, 100], y: [limit, limit], mode: "lines", name: "tolerance", line: { color: c[1], width: 2, dash: "dash" },
          hovertemplate: `tolerance: ${limit.toFixed(2)} times<extra></extra>` },
      ];
      if (d.threshold[m][t] !== null) {
        const k = d.fractions.indexOf(d.threshold[m][t]);
        traces.push({ x: [x[k]], y: [d.ratio[m][k]], mode: "markers", name: "smallest real share that stays within it",
          marker: { color: c[2], size: 14, symbol: "diamond" },
          hovertemplate: "smallest sufficient real share: %{x:.0f}%<extra></extra>" });
      }
      draw(f.chart, traces, baseLayout("Share of real data in each generation (%)", "Error relative to one fresh fit (log scale)",
        { yaxis: logAxis(baseLayout("", "Error relative to one fresh fit (log scale)").yaxis, [1, 2, 5, 10, 20, 50, 100, 200]) }));
    }
    render();
    redraws.push(render);
  }

  // --- chapter 7: energy break-even ---------------------------------------------------------
  function energy(root, d) {
    const f = frame(root, "energy model",
      "Line chart of the share of a training run's energy that generating the synthetic data costs, with its interval, against the size of the generating model.");
    const update = () => render();
    const gen = slider(f.controls, "energy-generator", "Model that generates the data", d.generators, d.default[0], update);
    const grid = slider(f.controls, "energy-grid", "Carbon intensity of the grid", d.intensity, d.default[1], update);
    const pct = Math.round(100 * d.level);
    function render() {
      const i = gen(), j = grid();
      const s = d.saving_text[i];
      setAnswer(f.answer, [
        "To break even, the synthetic data must save ", ["energy-saving", s[0], true], "% of the training run's computing (",
        pct + "% interval ", ["energy-saving-low", s[1]], " to ", ["energy-saving-high", s[2]], "%). Generating it uses ",
        ["energy-mwh", d.mwh_text[i][0]], " MWh and emits ", ["energy-tco2e", d.tco2e_text[i][j][0]], " tonnes of CO2e on this grid.",
      ]);
      const c = PALETTE[theme()];
      const x = d.generators.map((g) => g.value / 1e9);
      const hover = d.generators.map((g, n) => `${g.label}<br>must save ${d.saving_text[n][0]}%` +
        ` (${pct}% interval ${d.saving_text[n][1]} to ${d.saving_text[n][2]}%)<extra></extra>`);
      draw(f.chart, [
        { x, y: d.saving.map((r) => r[2]), mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false },
        { x, y: d.saving.map((r) => r[1]), mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: c[0] + "33",
          name: pct + "% interval", hoverinfo: "skip" },
        { x, y: d.saving.map((r) => r[0]), mode: "lines+markers", line: { color: c[0], width: 3 }, marker: { size: 8 },
          name: "median", hovertemplate: hover },
        { x: [x[0], x[x.length - 1]], y: [100, 100], mode: "lines", name: "the whole training run",
          line: { color: c[1], width: 2, dash: "dash" }, hovertemplate: "the whole training run: 100%<extra></extra>" },
        { x: [x[i]], y: [d.saving[i][0]], mode: "markers", name: "your setting",
          marker: { color: c[3], size: 14, symbol: "diamond" }, hovertemplate: [hover[i]] },
      ], baseLayout("Active parameters of the generating model (billions, log scale)", "Saving needed (% of the training run, log scale)", {
        xaxis: logAxis(baseLayout("Active parameters of the generating model (billions, log scale)").xaxis, [1, 3, 10, 30, 100, 300, 1000]),
        yaxis: logAxis(baseLayout("", "Saving needed (% of the training run, log scale)").yaxis, [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]),
      }));
    }
    render();
    redraws.push(render);
  }

  function start() {
    const source = document.getElementById("explorer-data");
    if (!source || !window.Plotly) return;
    const data = JSON.parse(source.textContent);
    const builders = { runout, cost, collapse, energy };
    for (const root of document.querySelectorAll(".explorer[data-model]")) {
      const build = builders[root.dataset.model];
      if (build && data[root.dataset.model]) build(root, data[root.dataset.model]);
    }
    // redraw in the other colours when the reader switches between light and dark
    new MutationObserver(() => redraws.forEach((r) => r())).observe(document.documentElement,
      { attributes: true, attributeFilter: ["data-theme"] });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
