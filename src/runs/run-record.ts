import type { RunState } from "./run-state.js";

/** One try at running the experiment: the first launch, then each resume or retry. */
export interface Attempt {
  n: number;
  state: RunState;
  reason: "launch" | "resume" | "retry";
  host?: string;
  gpus: number[];
  runtime?: "docker" | "podman" | "process";
  /** Container name (docker/podman) or pid (process) on the host. */
  handle?: string;
  /** Absolute run directory on the host (holds output/, data link, config/). */
  host_dir?: string;
  resume_from?: { step: number; path: string } | null;
  created_at: string;
  started_at?: string;
  ended_at?: string;
  exit_code?: number | null;
  /** Trainer's status.json `step` at exit, when known. */
  final_step?: number;
  error?: { code: string; message: string };
  /** Byte offsets already copied from the host's files (monitor). */
  offsets?: { metrics: number; log: number };
  unreachable_since?: string | null;
  /** The tunectl process driving the launch, so a launcher killed mid-way is noticed. */
  launcher?: { pid: number; machine: string };
}

/** `.tunectl/runs/<id>/run.json`, written atomically. */
export interface RunRecord {
  schema: 1;
  id: string;
  name: string;
  description?: string;
  /** Path of the experiment file as given, for people. */
  experiment_file?: string;
  created_at: string;
  updated_at: string;
  state: RunState;
  /** Set while a cancel waits for the trainer's checkpoint. */
  cancel_requested_at?: string;
  model: string;
  image: string;
  gpus_requested: number;
  dataset?: {
    fingerprint: string;
    uri: string;
    train_records: number;
    eval_records: number;
  };
  attempts: Attempt[];
  /** Automatic resumes done so far under the retry policy. */
  restarts: number;
  /**
   * Attempts declared lost while their host was unreachable: their trainer may still be
   * running there. tunectl stops them and frees their GPUs once the host answers again.
   */
  orphans?: Array<{
    attempt: number;
    host: string;
    runtime: NonNullable<Attempt["runtime"]>;
    handle?: string;
    host_dir: string;
  }>;
  labels?: Record<string, string>;
}

/** A line of `events.jsonl`. */
export interface RunEvent {
  ts: string;
  type: string;
  attempt?: number;
  message?: string;
  data?: Record<string, unknown>;
}

/** A line of the trainer's metrics.jsonl (DESIGN.md trainer contract). */
export interface MetricLine {
  ts: number | string;
  step: number;
  total_steps?: number;
  epoch?: number;
  loss?: number;
  lr?: number;
  grad_norm?: number;
  tokens?: number;
  tokens_per_s?: number;
  kind: "train" | "eval" | "summary";
  eval_loss?: number;
  [key: string]: unknown;
}

export function currentAttempt(run: RunRecord): Attempt | undefined {
  return run.attempts[run.attempts.length - 1];
}
