import type { MetricLine, RunRecord, RunRegistry } from "../runs/index.js";
import { readRunMetrics } from "../runs/index.js";
import { bestCheckpoint, readCheckpoints } from "./checkpoint-manifests.js";
import type { CheckpointSummary, RunSummary } from "./comparison-report.js";

export interface SummaryOptions {
  /** End of a still-running attempt; defaults to the current time. */
  now?: Date;
}

/** The summary block of one run, from its attempt-aware metrics, attempts and checkpoints. */
export async function summarizeRun(
  registry: RunRegistry,
  run: RunRecord,
  options: SummaryOptions = {},
): Promise<RunSummary> {
  const paths = registry.paths(run.id);
  const [lines, checkpoints] = await Promise.all([
    readRunMetrics(paths.metrics),
    readCheckpoints(paths.checkpoints),
  ]);
  return summarize(run, lines, checkpoints, options.now ?? new Date());
}

/** The pure part of summarizeRun: `lines` must already be attempt-aware. */
export function summarize(
  run: RunRecord,
  lines: MetricLine[],
  checkpoints: CheckpointSummary[],
  now: Date,
): RunSummary {
  const train = lines.filter((line) => line.kind === "train");
  const evals = lines.filter((line) => line.kind === "eval" && num(line.eval_loss) !== null);
  const last = train[train.length - 1];
  const losses = train.filter((line) => num(line.loss) !== null);
  const minLoss = losses.reduce<MetricLine | undefined>(
    (min, line) => (min === undefined || line.loss! < min.loss! ? line : min),
    undefined,
  );
  const bestEval = evals.reduce<MetricLine | undefined>(
    (min, line) => (min === undefined || line.eval_loss! < min.eval_loss! ? line : min),
    undefined,
  );
  const speeds = train.map((line) => num(line.tokens_per_s)).filter((v): v is number => v !== null);
  const wall = attemptWallTimes(run, now);
  return {
    id: run.id,
    name: run.name,
    state: run.state,
    steps: last?.step ?? 0,
    total_steps: num(last?.total_steps) ?? num(lines[lines.length - 1]?.total_steps),
    attempts: run.attempts.length,
    duration_s: wall.length === 0 ? null : sum(wall.map((w) => w.seconds)),
    tokens_seen: lastNumber(train, "tokens"),
    mean_tokens_per_s: speeds.length === 0 ? null : sum(speeds) / speeds.length,
    final_train_loss: lastNumber(train, "loss"),
    min_train_loss: minLoss ? minLoss.loss! : null,
    min_train_loss_step: minLoss ? minLoss.step : null,
    final_eval_loss: num(evals[evals.length - 1]?.eval_loss),
    best_eval_loss: bestEval ? bestEval.eval_loss! : null,
    best_eval_step: bestEval ? bestEval.step : null,
    checkpoints: checkpoints.length,
    best_checkpoint: bestCheckpoint(checkpoints),
    gpu_hours: wall.length === 0 ? null : sum(wall.map((w) => (w.gpus * w.seconds) / 3600)),
  };
}

/** Seconds and GPU count of each attempt that started; the GPUs leased, else those requested. */
function attemptWallTimes(run: RunRecord, now: Date): Array<{ seconds: number; gpus: number }> {
  return run.attempts
    .filter((attempt) => attempt.started_at !== undefined)
    .map((attempt) => {
      const start = Date.parse(attempt.started_at!);
      const end = attempt.ended_at === undefined ? now.getTime() : Date.parse(attempt.ended_at);
      const gpus = attempt.gpus?.length ? attempt.gpus.length : run.gpus_requested;
      return { seconds: Math.max(0, (end - start) / 1000), gpus };
    });
}

function lastNumber(lines: MetricLine[], field: string): number | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const value = num(lines[i]![field]);
    if (value !== null) return value;
  }
  return null;
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
