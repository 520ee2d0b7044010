import type { JourneyPoint } from './journey.ts';

const PHASES = ['PoC', 'threads', 'async I/O', 'parser', 'locking', 'ring', 'pool', 'production'];

/**
 * The seeds' "Performance Journey Summary" as an SVG: req/s per phase (bars, log scale: phase 1's
 * worker-per-request is 100x below the rest) and p99 per phase (dots on a line, log scale).
 */
export function journeySvg(points: readonly JourneyPoint[], caption: string): string {
  const W = 760;
  const H = 420;
  const left = 70;
  const right = 70;
  const top = 50;
  const bottom = 90;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const slot = plotW / points.length;
  const logScale = (all: number[]) => {
    const values = all.filter((v) => Number.isFinite(v) && v > 0);
    if (values.length === 0) values.push(1);
    const lo = Math.floor(Math.log10(Math.max(1e-3, Math.min(...values))));
    const hi = Math.ceil(Math.log10(Math.max(...values)));
    const span = Math.max(1, hi - lo);
    return { lo, hi, y: (v: number) => top + plotH - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / span) * plotH };
  };
  const rps = logScale(points.map((p) => p.rps));
  const p99 = logScale(points.map((p) => p.p99));
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">MetricStream performance journey (one reference tree, --level 0..7)</text>`);
  for (let e = rps.lo; e <= rps.hi; e++) {
    const y = rps.y(10 ** e);
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end" fill="#2563eb">${(10 ** e).toLocaleString('en-US')}</text>`);
  }
  for (let e = p99.lo; e <= p99.hi; e++) parts.push(`<text x="${W - right + 6}" y="${p99.y(10 ** e) + 4}" fill="#dc2626">${10 ** e} ms</text>`);
  parts.push(`<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#2563eb">req/s (bars, log)</text>`);
  parts.push(`<text transform="translate(${W - 12} ${top + plotH / 2}) rotate(90)" text-anchor="middle" fill="#dc2626">p99 latency (dots, log)</text>`);
  const dots: string[] = [];
  points.forEach((p, i) => {
    const x = left + i * slot;
    const y = rps.y(p.rps);
    parts.push(`<rect x="${x + slot * 0.2}" y="${y}" width="${slot * 0.6}" height="${top + plotH - y}" fill="#93c5fd"/>`);
    parts.push(`<text x="${x + slot / 2}" y="${y - 4}" text-anchor="middle">${Math.round(p.rps).toLocaleString('en-US')}</text>`);
    parts.push(`<text x="${x + slot / 2}" y="${top + plotH + 16}" text-anchor="middle">${p.level}</text>`);
    parts.push(`<text x="${x + slot / 2}" y="${top + plotH + 30}" text-anchor="middle" fill="#555">${esc(PHASES[p.level] ?? '')}</text>`);
    if (Number.isFinite(p.p99)) dots.push(`${x + slot / 2},${p99.y(p.p99)}`);
  });
  parts.push(`<polyline points="${dots.join(' ')}" fill="none" stroke="#dc2626" stroke-width="1.5"/>`);
  points.filter((p) => Number.isFinite(p.p99)).forEach((p, i) => {
    const [cx, cy] = dots[i]!.split(',');
    parts.push(`<circle cx="${cx}" cy="${cy}" r="4" fill="#dc2626"/><text x="${Number(cx) + 6}" y="${Number(cy) + 14}" fill="#dc2626" font-size="11">${p.p99.toFixed(1)}</text>`);
  });
  parts.push(`<text x="${W / 2}" y="${H - 34}" text-anchor="middle">phase (--level)</text>`);
  parts.push(`<text x="${W / 2}" y="${H - 14}" text-anchor="middle" fill="#555" font-size="11">${esc(caption)}</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
