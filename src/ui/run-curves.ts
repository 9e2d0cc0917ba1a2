import { metricSeries } from "../compare/index.js";
import { readFile } from "node:fs/promises";
import { attemptAwareMetrics, parseMetricLines, type MetricLine } from "../runs/index.js";
import { downsample, type Point } from "./downsample.js";

export type CurveAxis = "step" | "time" | "tokens";
export const curveMetrics = ["loss", "eval_loss", "lr", "grad_norm", "tokens_per_s"] as const;

/** A run's curves as the run page draws them, each at most `limit` points. */
export interface RunCurves {
  axis: CurveAxis;
  /** Points per metric; a metric the run never logged has []. */
  metrics: Record<string, Point[]>;
  /** Where each attempt after the first starts, on the same axis. */
  attempts: { n: number; x: number }[];
  /** Points per metric before downsampling. */
  total_points: Record<string, number>;
  /** The last train step read. */
  last_step: number;
  /** Unix seconds of the first train line: x 0 of the time axis. */
  origin_ts: number | null;
  /** Byte offset of metrics.jsonl the curves were read up to: the live stream goes on from it. */
  metrics_end: number;
}

export async function runCurves(
  metricsFile: string,
  axis: CurveAxis,
  limit: number,
): Promise<RunCurves> {
  const bytes = await readFile(metricsFile).catch(() => Buffer.alloc(0));
  const end = bytes.lastIndexOf(0x0a) + 1; // whole lines only: the rest comes live
  const lines = attemptAwareMetrics(parseMetricLines(bytes.subarray(0, end).toString("utf8")));
  return { ...curvesOf(lines, axis, limit), metrics_end: end };
}

/** The pure part: `lines` must be attempt-aware (readRunMetrics). */
export function curvesOf(
  lines: MetricLine[],
  axis: CurveAxis,
  limit: number,
): Omit<RunCurves, "metrics_end"> {
  const train = lines.filter((line) => line.kind === "train");
  const t0 = seconds(train[0]?.ts ?? lines[0]?.ts);
  const xOf = (line: MetricLine): number | undefined => {
    if (axis === "step") return line.step;
    if (axis === "tokens") return finite(line.tokens);
    const t = seconds(line.ts);
    return t === undefined || t0 === undefined ? undefined : t - t0;
  };
  const metrics: Record<string, Point[]> = {};
  const total: Record<string, number> = {};
  for (const metric of curveMetrics) {
    // step and tokens are compare's own series; time (since the first line) is the page's
    const points =
      axis === "time"
        ? metricSeries(
            lines.map((line) => ({ ...line, tokens: xOf(line) })),
            metric,
            "tokens",
          )
        : metricSeries(lines, metric, axis);
    total[metric] = points.length;
    metrics[metric] = downsample(points, limit);
  }
  const attempts: { n: number; x: number }[] = [];
  let previous = train[0]?.attempt;
  for (const line of train) {
    const x = xOf(line);
    if (line.attempt !== previous && x !== undefined) attempts.push({ n: line.attempt, x });
    previous = line.attempt;
  }
  return {
    axis,
    metrics,
    attempts,
    total_points: total,
    last_step: train.at(-1)?.step ?? 0,
    origin_ts: t0 ?? null,
  };
}

function seconds(ts: unknown): number | undefined {
  if (typeof ts === "number") return ts;
  if (typeof ts === "string") {
    const ms = Date.parse(ts);
    return Number.isFinite(ms) ? ms / 1000 : undefined;
  }
  return undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
