import { InfraError, UserError } from "../errors/index.js";
import type { MetricLine } from "../contract/index.js";
import type { RunState } from "./run-state.js";

/** The layout version of run.json; a record with another one is refused, never guessed at. */
export const runRecordSchemaVersion = 1;

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
  schema: typeof runRecordSchemaVersion;
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

/** A line of the trainer's metrics.jsonl: the contract's type (src/contract/metric-line.ts). */
export type { MetricLine };

export function currentAttempt(run: RunRecord): Attempt | undefined {
  return run.attempts[run.attempts.length - 1];
}

/**
 * run.json text -> a RunRecord. Its schema version and envelope are checked (the attempts'
 * own shape belongs to the run lifecycle); a record that fails is an error naming the file.
 */
export function parseRunRecord(text: string, file: string): RunRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidRecord(file, "not valid JSON");
  }
  const record = value as Partial<RunRecord> | null;
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    throw invalidRecord(file, "not a JSON object");
  }
  if (typeof record.schema === "number" && record.schema > runRecordSchemaVersion) {
    throw new UserError(
      `${file} was written by a newer tunectl (run.json schema ${record.schema})`,
      {
        code: "run.record_newer",
        hint: `upgrade tunectl to read it (this one reads schema ${runRecordSchemaVersion})`,
      },
    );
  }
  if (record.schema !== runRecordSchemaVersion) {
    throw invalidRecord(
      file,
      `schema is ${JSON.stringify(record.schema)}, expected ${runRecordSchemaVersion}`,
    );
  }
  if (typeof record.id !== "string" || typeof record.state !== "string") {
    throw invalidRecord(file, "id and state must be strings");
  }
  if (!Array.isArray(record.attempts)) throw invalidRecord(file, "attempts must be a list");
  return record as RunRecord;
}

function invalidRecord(file: string, problem: string): InfraError {
  return new InfraError(`${file} is not a readable run record: ${problem}`, {
    code: "run.record_invalid",
    hint: "restore it from the bucket's runs/ mirror (tunectl sync) or remove the run's directory",
    data: { file, problem },
  });
}
