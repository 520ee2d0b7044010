/* Level 7 · provided: read it, don't change it. */
// MetricStream's live dashboard: one EventSource on /events, charts drawn with uPlot.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const HISTORY = 300; // frames kept for the rate and latency charts (5 min at 1 frame/s)
  const fmt = (n, digits = 1) => (n === undefined || n === null || Number.isNaN(n) ? '–' : Number(n).toFixed(digits));
  const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

  const width = (el) => Math.max(300, el.clientWidth - 10);
  const MIN_SPAN_S = 60; // the narrowest time axis shown: the last minute ending at the newest point

  // uPlot auto-ranges a single point to [t, t + 86400 / ms] — 1,000 days with time in seconds — and a
  // few seconds of data to a few seconds. Until the data spans MIN_SPAN_S, show the last MIN_SPAN_S
  // ending at the newest point (points then fill in from the right). A zoom inside the data is kept.
  function xRange(u, min, max) {
    const xs = u.data[0];
    if (min === null || max === null || xs.length === 0) return [min, max];
    const first = xs[0];
    const last = xs[xs.length - 1];
    const auto = min <= first && max >= last;
    return auto && last - first < MIN_SPAN_S ? [last - MIN_SPAN_S, last] : [min, max];
  }

  function lineChart(el, labels, height = 180) {
    const series = [{}, ...labels.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 1.5 }))];
    // The x range is mirrored on the element: the axis is drawn on a canvas, and the e2e test reads it.
    const showRange = (u, key) => {
      if (key !== 'x') return;
      el.dataset.xMin = String(u.scales.x.min);
      el.dataset.xMax = String(u.scales.x.max);
    };
    const opts = { width: width(el), height, series, axes: [{}, { size: 60 }], scales: { x: { range: xRange } }, hooks: { setScale: [showRange] } };
    return new uPlot(opts, [[], ...labels.map(() => [])], el);
  }

  const frames = { t: [], rate: [], p50: [], p95: [], p99: [] };
  const rateChart = lineChart($('rate-chart'), ['metrics/s']);
  const latencyChart = lineChart($('latency-chart'), ['p50', 'p95', 'p99']);
  let seriesChart = null;
  let seriesKey = '';

  function pushFrame(f) {
    frames.t.push(f.t / 1000);
    frames.rate.push(f.ingestRate);
    frames.p50.push(f.ingestLatency ? f.ingestLatency.p50 : null);
    frames.p95.push(f.ingestLatency ? f.ingestLatency.p95 : null);
    frames.p99.push(f.ingestLatency ? f.ingestLatency.p99 : null);
    for (const k of Object.keys(frames)) if (frames[k].length > HISTORY) frames[k].shift();
    rateChart.setData([frames.t, frames.rate]);
    latencyChart.setData([frames.t, frames.p50, frames.p95, frames.p99]);
    $('rate-chart').dataset.points = String(frames.t.length);
  }

  function showCards(f) {
    $('ingest-rate').textContent = fmt(f.ingestRate, 0);
    $('latency').textContent = f.ingestLatency ? `${fmt(f.ingestLatency.p50, 2)} · ${fmt(f.ingestLatency.p95, 2)} · ${fmt(f.ingestLatency.p99, 2)}` : '–';
    const depths = Object.entries(f.queues);
    $('queues').textContent = depths.length ? depths.map(([k, v]) => `${k} ${v}`).join(' · ') : '0';
    $('stored').textContent = `${f.stored.series} · ${f.stored.points}`;
  }

  function showAlerts(firing) {
    const ul = $('alerts');
    ul.replaceChildren();
    if (firing.length === 0) {
      const li = document.createElement('li');
      li.className = 'none';
      li.textContent = 'none';
      ul.append(li);
    }
    for (const a of firing) {
      const li = document.createElement('li');
      li.className = 'firing';
      const sev = document.createElement('span');
      sev.className = 'sev';
      sev.textContent = a.severity;
      li.append(sev, `${a.rule} = ${fmt(a.value, 2)} since ${new Date(a.firedAt).toLocaleTimeString()}`);
      ul.append(li);
    }
  }

  // The chosen series: one line per matching series (tags as its label), all on one time axis.
  function showSeries(result) {
    const el = $('series-chart');
    const key = result.series.map((s) => JSON.stringify(s.tags)).join('|');
    const times = [...new Set(result.series.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    const data = [times.map((t) => t / 1000)];
    for (const s of result.series) {
      const col = new Array(times.length).fill(null);
      for (const p of s.points) col[index.get(p.t)] = p.value;
      data.push(col);
    }
    if (!seriesChart || key !== seriesKey) {
      seriesChart?.destroy();
      const labels = result.series.map((s) => Object.entries(s.tags).map(([k, v]) => `${k}=${v}`).join(',') || result.name);
      seriesChart = lineChart(el, labels, 260);
      seriesKey = key;
    }
    seriesChart.setData(data);
    el.dataset.points = String(result.series.reduce((n, s) => n + s.points.length, 0));
    el.dataset.series = String(result.series.length);
  }

  // ---- the stream ----
  let source = null;
  function connect() {
    source?.close();
    const params = new URLSearchParams();
    const metric = $('metric').value;
    if (metric) {
      params.set('name', metric);
      params.set('agg', $('agg').value);
      params.set('window', $('range').value);
      const rangeMs = { '5m': 3e5, '15m': 9e5, '1h': 36e5, '6h': 216e5, '24h': 864e5 }[$('range').value];
      params.set('step', `${Math.max(1, Math.round(rangeMs / 240 / 1000))}s`); // ~240 points across the chart
      for (const m of $('matchers').value.split(',').map((s) => s.trim()).filter(Boolean)) params.append('match', m);
    }
    source = new EventSource(`/events?${params}`);
    source.addEventListener('open', () => {
      $('connection').textContent = 'live';
      $('connection').className = 'badge live';
    });
    source.addEventListener('error', () => {
      $('connection').textContent = 'reconnecting…';
      $('connection').className = 'badge down';
    });
    source.addEventListener('frame', (e) => {
      const f = JSON.parse(e.data);
      pushFrame(f);
      showCards(f);
      showAlerts(f.firing);
      if (f.series) showSeries(f.series);
    });
    source.addEventListener('problem', (e) => ($('picker-error').textContent = JSON.parse(e.data).error));
  }

  async function loadCatalog() {
    const res = await fetch('/series');
    const { metrics } = await res.json();
    const select = $('metric');
    const chosen = select.value;
    select.replaceChildren(...metrics.map((m) => new Option(`${m.name} (${m.series.length})`, m.name)));
    if (metrics.some((m) => m.name === chosen)) select.value = chosen;
    return metrics.length;
  }

  $('picker').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('picker-error').textContent = '';
    const params = new URLSearchParams({ name: $('metric').value, agg: $('agg').value, start: '0' });
    for (const m of $('matchers').value.split(',').map((s) => s.trim()).filter(Boolean)) params.append('match', m);
    const res = await fetch(`/query?${params}`); // validate first: a 400 explains the mistake
    if (!res.ok) {
      const body = await res.json();
      $('picker-error').textContent = `${body.param ?? ''} ${body.reason ?? body.error}`;
      return;
    }
    connect();
  });

  loadCatalog().then(connect, connect);
  setInterval(loadCatalog, 10_000);
})();
