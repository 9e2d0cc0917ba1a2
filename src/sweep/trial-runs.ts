import { isTerminal, type MetricLine, type RunRecord } from "../runs/index.js";
import { sweepLabel, trialLabel } from "./leaderboard.js";

/** The latest run of each of the sweep's trials (runs labelled with the sweep and the trial). */
export function latestTrialRuns(
  sweepId: string,
  runs: readonly RunRecord[],
): Map<string, RunRecord> {
  const latest = new Map<string, RunRecord>();
  for (const run of runs) {
    const trial = run.labels?.[trialLabel];
    if (run.labels?.[sweepLabel] !== sweepId || trial === undefined) continue;
    const seen = latest.get(trial);
    if (!seen || seen.created_at <= run.created_at) latest.set(trial, run);
  }
  return latest;
}

/** The run's active trials: not ended, so a scheduler follows them instead of starting anew. */
export function activeRuns(latest: ReadonlyMap<string, RunRecord>): RunRecord[] {
  return [...latest.values()].filter((run) => !isTerminal(run.state));
}

/** The metric's last value over the run's metric lines: what Optuna is told for a trial. */
export function finalMetric(lines: readonly MetricLine[], name: string): number | undefined {
  let last: number | undefined;
  for (const line of lines) {
    const value = (line as unknown as Record<string, unknown>)[name];
    if (typeof value === "number" && Number.isFinite(value)) last = value;
  }
  return last;
}

/** A metric line's value of the metric, if it has one. */
export function metricValue(line: MetricLine, name: string): number | undefined {
  const value = (line as unknown as Record<string, unknown>)[name];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
