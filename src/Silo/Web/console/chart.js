// A bitrate chart on a <canvas>: the polled in/out kbps of the last few minutes.

export const WINDOW_MS = 5 * 60 * 1000;

/** Keeps the samples of one series set (by key) inside the window. */
export class History {
  constructor() { this.series = new Map(); }

  add(key, t, recv, send) {
    let points = this.series.get(key);
    if (!points) this.series.set(key, points = []);
    points.push({ t, recv, send });
    while (points.length && points[0].t < t - WINDOW_MS) points.shift();
  }

  get(key) { return this.series.get(key) || []; }

  /** Forgets the series whose keys are not in the set. */
  keep(keys) {
    for (const key of [...this.series.keys()]) if (!keys.has(key)) this.series.delete(key);
  }
}

export function drawChart(canvas, points, now) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 400;
  const height = canvas.clientHeight || 120;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);

  const max = niceMax(Math.max(1, ...points.map(p => Math.max(p.recv, p.send))));
  const left = 44, right = 6, top = 8, bottom = 16;
  const plotW = width - left - right, plotH = height - top - bottom;
  const x = t => left + plotW * (1 - (now - t) / WINDOW_MS);
  const y = v => top + plotH * (1 - v / max);

  g.font = '10px system-ui, sans-serif';
  g.fillStyle = '#667085';
  g.strokeStyle = '#e3e7ee';
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    const yy = Math.round(y(v)) + 0.5;
    g.beginPath(); g.moveTo(left, yy); g.lineTo(width - right, yy); g.stroke();
    g.textAlign = 'right'; g.textBaseline = 'middle';
    g.fillText(v >= 1000 ? `${(v / 1000).toFixed(1)}M` : `${Math.round(v)}k`, left - 4, yy);
  }
  g.textAlign = 'center'; g.textBaseline = 'top';
  for (let m = 0; m <= 5; m++) {
    const xx = x(now - m * 60000);
    g.fillText(m === 0 ? 'now' : `-${m}m`, Math.min(Math.max(xx, left + 10), width - right - 10), height - bottom + 3);
  }

  line(g, points, x, y, 'recv', '#16a34a');
  line(g, points, x, y, 'send', '#2463eb');
}

function line(g, points, x, y, field, color) {
  if (points.length === 0) return;
  g.strokeStyle = color;
  g.lineWidth = 1.8;
  g.beginPath();
  points.forEach((p, i) => (i === 0 ? g.moveTo(x(p.t), y(p[field])) : g.lineTo(x(p.t), y(p[field]))));
  g.stroke();
}

function niceMax(value) {
  const step = Math.pow(10, Math.floor(Math.log10(value)));
  for (const m of [1, 2, 2.5, 5, 10]) if (value <= m * step) return m * step;
  return 10 * step;
}
