import type { SeriesPoint } from "./comparison-report.js";

export interface Domain {
  min: number;
  max: number;
}

/** The x and y extent of all curves; a flat or single-point extent is widened so it can be drawn. */
export function domainOf(curves: SeriesPoint[][]): { x: Domain; y: Domain } | undefined {
  const points = curves.flat();
  if (points.length === 0) return undefined;
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  return { x: widen(Math.min(...xs), Math.max(...xs)), y: widen(Math.min(...ys), Math.max(...ys)) };
}

function widen(min: number, max: number): Domain {
  if (max > min) return { min, max };
  const pad = Math.abs(min) * 0.1 || 1;
  return { min: min - pad, max: max + pad };
}

/** About `count` round tick values (1, 2, 5 x 10^k) inside the domain. */
export function niceTicks(domain: Domain, count = 5): number[] {
  const span = domain.max - domain.min;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(domain.min / step) * step; v <= domain.max + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

/** y of a curve at x by linear interpolation; undefined outside the curve's x range. */
export function valueAt(points: SeriesPoint[], x: number): number | undefined {
  if (points.length === 0) return undefined;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (x < first[0] || x > last[0]) return undefined;
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] <= x) lo = mid;
    else hi = mid;
  }
  const [x0, y0] = points[lo]!;
  const [x1, y1] = points[hi]!;
  return x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}
