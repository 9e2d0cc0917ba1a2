import { isTerminal, type MetricLine, type RunRecord, type RunState } from "../runs/index.js";
import type { SweepRecord } from "./sweep-record.js";

/** Labels a trial's run carries in the run registry (RunRecord.labels). */
export const sweepLabel = "sweep";
export const trialLabel = "trial";

export interface LeaderboardRow {
  trial: string;
  params: Record<string, unknown>;
  /**
   * The state of the trial's latest run; `planned` before it has one; `pruned` once early
   * stopping stopped it (its run ends cancelled, with its checkpoint).
   */
  state: RunState | "planned" | "pruned";
  run?: string;
  /** Best value of the sweep's metric over the run's metric lines, or null before any. */
  best: number | null;
  best_step?: number;
}

export interface Leaderboard {
  id: string;
  name: string;
  method: SweepRecord["method"];
  metric: SweepRecord["metric"];
  budget: SweepRecord["budget"];
  /** Best first; trials without a value yet after, in the order they were planned. */
  trials: LeaderboardRow[];
}

/** The sweep's trials with their runs from the run registry and the best value of the metric. */
export async function sweepLeaderboard(
  sweep: SweepRecord,
  runs: readonly RunRecord[],
  metricsOf: (run: RunRecord) => Promise<MetricLine[]>,
): Promise<Leaderboard> {
  const latest = new Map<string, RunRecord>();
  for (const run of runs) {
    const trial = run.labels?.[trialLabel];
    if (run.labels?.[sweepLabel] !== sweep.id || trial === undefined) continue;
    const seen = latest.get(trial);
    if (!seen || seen.created_at <= run.created_at) latest.set(trial, run);
  }
  const rows = await Promise.all(
    sweep.trials.map(async (trial): Promise<LeaderboardRow> => {
      const run = latest.get(trial.id);
      if (!run) return { trial: trial.id, params: trial.params, state: "planned", best: null };
      const best = bestOf(await metricsOf(run), sweep.metric);
      return {
        trial: trial.id,
        params: trial.params,
        state: trial.outcome === "pruned" && isTerminal(run.state) ? "pruned" : run.state,
        run: run.id,
        best: best?.value ?? null,
        ...(best ? { best_step: best.step } : {}),
      };
    }),
  );
  const better = (a: number, b: number) => (sweep.metric.goal === "minimize" ? a - b : b - a);
  const ranked = rows
    .map((row, order) => ({ row, order }))
    .sort((a, b) =>
      a.row.best !== null && b.row.best !== null
        ? better(a.row.best, b.row.best) || a.order - b.order
        : a.row.best !== null
          ? -1
          : b.row.best !== null
            ? 1
            : a.order - b.order,
    )
    .map(({ row }) => row);
  return {
    id: sweep.id,
    name: sweep.name,
    method: sweep.method,
    metric: sweep.metric,
    budget: sweep.budget,
    trials: ranked,
  };
}

function bestOf(
  lines: readonly MetricLine[],
  metric: SweepRecord["metric"],
): { value: number; step: number } | undefined {
  let best: { value: number; step: number } | undefined;
  for (const line of lines) {
    const value = (line as unknown as Record<string, unknown>)[metric.name];
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    const wins = !best || (metric.goal === "minimize" ? value < best.value : value > best.value);
    if (wins) best = { value, step: line.step };
  }
  return best;
}
