import type { RunState } from "../runs/index.js";
import type { EvalComparison } from "./eval-comparison.js";

/** How runs of different lengths line up on the x axis of every curve. */
export type Align = "step" | "tokens";

/** One checkpoint pulled back from the host, as its manifest describes it. */
export interface CheckpointSummary {
  step: number;
  /** Absolute local directory of the checkpoint. */
  path: string;
  loss: number | null;
  eval_loss: number | null;
}

/** What `tunectl compare` and `tunectl show` say about one run. */
export interface RunSummary {
  id: string;
  name: string;
  state: RunState;
  /** Last train step reached (0 before the first metric line). */
  steps: number;
  total_steps: number | null;
  attempts: number;
  /** Wall time summed over attempts; a running attempt counts up to now. */
  duration_s: number | null;
  /** Cumulative tokens of the last train line. */
  tokens_seen: number | null;
  /** Mean of the train lines' tokens_per_s. */
  mean_tokens_per_s: number | null;
  final_train_loss: number | null;
  min_train_loss: number | null;
  min_train_loss_step: number | null;
  final_eval_loss: number | null;
  best_eval_loss: number | null;
  best_eval_step: number | null;
  checkpoints: number;
  /** Lowest eval loss, else lowest train loss, else the latest checkpoint. */
  best_checkpoint: CheckpointSummary | null;
  /** GPUs x wall time, summed over attempts. */
  gpu_hours: number | null;
}

export interface RunIdentity {
  id: string;
  name: string;
  state: RunState;
  description: string | null;
}

export interface DiffRow {
  key: string;
  /** One value per run, in `runs` order; null where the run's config lacks the key. */
  values: unknown[];
}

export type SeriesPoint = [x: number, y: number];

export interface RunSeries {
  /** Run id. */
  run: string;
  points: SeriesPoint[];
}

/** The `--json` document of `tunectl compare` (docs/compare.md). */
export interface ComparisonReport {
  schema: 1;
  align: Align;
  runs: RunIdentity[];
  diff: { all: boolean; keys: DiffRow[] };
  summaries: RunSummary[];
  /** Raw (unsmoothed) curves by metric name: `loss` (train), `eval_loss`, `lr`, and `--metric`. */
  series: Record<string, RunSeries[]>;
  /** `tunectl eval` results of the runs: each checkpoint's numbers, each prompt's answers. */
  evals: EvalComparison;
}
