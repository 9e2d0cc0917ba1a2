import type { MetricLine } from "../runs/index.js";
import type { Align, SeriesPoint } from "./comparison-report.js";

/** The curves every comparison carries; `--metric` adds one. */
export const defaultMetrics = ["loss", "eval_loss", "lr"] as const;

/**
 * Eval lines repeat the eval value under `loss`, so a metric reads from one kind of line:
 * `eval_*` from eval lines, everything else from train lines.
 */
export function sourceKind(metric: string): MetricLine["kind"] {
  return metric.startsWith("eval_") ? "eval" : "train";
}

/**
 * The points of one metric of one run, x ascending with no x twice. `lines` must be
 * attempt-aware (readRunMetrics), which is what makes a resumed run one continuous curve.
 */
export function metricSeries(lines: MetricLine[], metric: string, align: Align): SeriesPoint[] {
  const kind = sourceKind(metric);
  const byX = new Map<number, number>();
  for (const line of lines) {
    if (line.kind !== kind) continue;
    const x = align === "step" ? line.step : line.tokens;
    const y = line[metric];
    if (!isFiniteNumber(x) || !isFiniteNumber(y)) continue;
    byX.set(x, y); // a later line at the same x is the newer attempt's
  }
  return [...byX.entries()].sort((a, b) => a[0] - b[0]);
}

/** Numeric fields a metric may name, over every run's lines. */
export function availableMetrics(runs: MetricLine[][]): string[] {
  const names = new Set<string>();
  const skip = new Set(["ts", "step", "total_steps", "kind"]);
  for (const lines of runs)
    for (const line of lines)
      for (const [key, value] of Object.entries(line))
        if (!skip.has(key) && isFiniteNumber(value)) names.add(key);
  return [...names].sort();
}

/**
 * Exponential moving average with the start-up bias removed (as TensorBoard smooths), so
 * the first points are not pulled towards zero. `weight` 0 returns the points unchanged.
 */
export function smoothEma(points: SeriesPoint[], weight = 0.6): SeriesPoint[] {
  let average = 0;
  return points.map(([x, y], index) => {
    average = average * weight + (1 - weight) * y;
    const debias = weight === 0 ? 1 : 1 - weight ** (index + 1);
    return [x, average / debias];
  });
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
