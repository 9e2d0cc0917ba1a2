import { domainOf, niceTicks, type Domain } from "./axis-scale.js";
import type { SeriesPoint } from "./comparison-report.js";
import { escapeHtml } from "./html-escape.js";
import { formatCount, formatNumber } from "./value-format.js";

export interface SvgCurve {
  /** Run id: the curve's data-run attribute. */
  run: string;
  label: string;
  /** Position of the run in the comparison: picks its colour class. */
  index: number;
  points: SeriesPoint[];
}

const width = 720;
const height = 300;
const margin = { left: 70, right: 18, top: 14, bottom: 44 };
const plotW = width - margin.left - margin.right;
const plotH = height - margin.top - margin.bottom;

/** One chart as inline SVG: grid, ticked axes, and one `<path data-run>` per run with data. */
export function renderSvgChart(title: string, xLabel: string, curves: SvgCurve[]): string {
  const domain = padded(domainOf(curves.map((curve) => curve.points)));
  const open = `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">`;
  if (!domain) {
    return `${open}<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text></svg>`;
  }
  const sx = (x: number) => margin.left + ((x - domain.x.min) / span(domain.x)) * plotW;
  const sy = (y: number) => margin.top + plotH - ((y - domain.y.min) / span(domain.y)) * plotH;
  const parts = [open];
  for (const tick of niceTicks(domain.y, 5)) {
    const y = r(sy(tick));
    parts.push(
      `<line class="grid" x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${margin.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatNumber(tick, 3)}</text>`,
    );
  }
  for (const tick of niceTicks(domain.x, 6)) {
    const x = r(sx(tick));
    const base = margin.top + plotH;
    parts.push(
      `<line class="axis" x1="${x}" x2="${x}" y1="${base}" y2="${base + 5}"/>`,
      `<text class="tick" x="${x}" y="${base + 18}" text-anchor="middle">${formatCount(tick)}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}"/>`,
    `<line class="axis" x1="${margin.left}" x2="${margin.left + plotW}" y1="${margin.top + plotH}" y2="${margin.top + plotH}"/>`,
    `<text class="label" x="${margin.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
  );
  for (const curve of curves) {
    if (curve.points.length === 0) continue;
    parts.push(
      `<path class="curve run-${curve.index % 8}" data-run="${escapeHtml(curve.run)}" d="${pathData(curve.points, sx, sy)}"><title>${escapeHtml(curve.label)}</title></path>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}

function pathData(
  points: SeriesPoint[],
  sx: (x: number) => number,
  sy: (y: number) => number,
): string {
  if (points.length === 1) {
    // a lone point (one eval so far) is drawn as a small diamond so it is visible
    const [x, y] = [r(sx(points[0]![0])), r(sy(points[0]![1]))];
    return `M${x - 4},${y}L${x},${y - 4}L${x + 4},${y}L${x},${y + 4}Z`;
  }
  return points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${r(sx(x))},${r(sy(y))}`).join("");
}

/** A little air above and below, so a curve never runs along an axis. */
function padded(domain: { x: Domain; y: Domain } | undefined) {
  if (!domain) return undefined;
  const pad = span(domain.y) * 0.05;
  return { x: domain.x, y: { min: domain.y.min - pad, max: domain.y.max + pad } };
}

function span(domain: Domain): number {
  return domain.max - domain.min;
}

function r(value: number): number {
  return Math.round(value * 10) / 10;
}
