import type { MetricLine } from "../contract/index.js";
import type { RunState } from "./run-state.js";

/** `requeue`: the scheduler ran the same job again (Slurm's requeue), as the next attempt. */
export type AttemptReason = "launch" | "resume" | "retry" | "requeue";
export type RuntimeKind = "docker" | "podman" | "process" | "slurm";

export interface AttemptError {
  code: string;
  message: string;
}

export interface ResumeFrom {
  step: number;
  path: string;
}

/** The tunectl process driving a launch, so a launcher killed mid-way is noticed. */
export interface Launcher {
  pid: number;
  machine: string;
}

/** Byte offsets already copied from the host's files (monitor). */
export interface StreamOffsets {
  metrics: number;
  log: number;
  /** generations.jsonl; absent in records written before it was streamed. */
  generations?: number;
}

/** Where an attempt was placed: fixed by the `placed` event and kept from then on. */
export interface Placement {
  host: string;
  gpus: number[];
  runtime: RuntimeKind;
  /** Absolute run directory on the host (holds output/, data link, config/). */
  host_dir: string;
}

/** Whether a running attempt's host answers: a sub-state with its own data, not a flag. */
export type HostLink =
  { state: "reachable" } | { state: "unreachable"; since: string; error?: string };

/**
 * The scheduler's view of a running attempt (Slurm): the job's state and, while it waits, why
 * (`PENDING` for `Priority`, `Resources`, ...). Recorded when it changes; only live attempts have it.
 */
export interface SchedulerView {
  state: string;
  reason?: string;
}

/** Why an attempt is lost: its trainer vanished on a host that answers, or the host stopped answering. */
export type LostCause = "gone" | "unreachable";

interface AttemptBase {
  n: number;
  reason: AttemptReason;
  resume_from?: ResumeFrom | null;
  created_at: string;
  offsets?: StreamOffsets;
}

/** Fields a variant does not have: absent, so reading them gives undefined without narrowing. */
type Absent<K extends PropertyKey> = { [P in K]?: undefined };
type PlacedKeys = keyof Placement | "handle" | "started_at";
type EndKeys = "ended_at" | "exit_code" | "final_step" | "error" | "lost_cause";
type LiveKeys = "link" | "stop" | "launcher" | "scheduler";

type Unplaced = Absent<PlacedKeys | EndKeys | "link" | "stop" | "scheduler">;

export type PendingAttempt = AttemptBase & Unplaced & { state: "pending"; launcher?: Launcher };
export type StagingAttempt = AttemptBase & Unplaced & { state: "staging"; launcher?: Launcher };
export type PlacingAttempt = AttemptBase & Unplaced & { state: "placing"; launcher: Launcher };

export type LaunchingAttempt = AttemptBase &
  Placement &
  Absent<"handle" | "started_at" | EndKeys | "link" | "stop" | "scheduler"> & {
    state: "launching";
    launcher: Launcher;
  };

interface Started {
  /** Container name (docker/podman) or pid (process) on the host. */
  handle: string;
  started_at: string;
}

export type RunningAttempt = AttemptBase &
  Placement &
  Started &
  Absent<EndKeys | "stop" | "launcher"> & {
    state: "running";
    link: HostLink;
    scheduler?: SchedulerView;
  };

/** A cancel waits for the trainer's checkpoint (SIGTERM sent at `stop.requested_at`). */
export type StoppingAttempt = AttemptBase &
  Placement &
  Started &
  Absent<EndKeys | "launcher"> & {
    state: "stopping";
    link: HostLink;
    stop: { requested_at: string };
    scheduler?: SchedulerView;
  };

interface Ended {
  ended_at: string;
  /** Trainer's status.json `step` at exit, when known. */
  final_step?: number;
}

export type SucceededAttempt = AttemptBase &
  Placement &
  Started &
  Ended &
  Absent<LiveKeys | "error" | "lost_cause"> & { state: "succeeded"; exit_code: number };

/** Failed at any point: before placement (staging), while launching, or by the trainer's exit. */
export type FailedAttempt = AttemptBase &
  Partial<Placement> &
  Partial<Started> &
  Ended &
  Absent<LiveKeys | "lost_cause"> & { state: "failed"; exit_code?: number; error: AttemptError };

export type CancelledAttempt = AttemptBase &
  Partial<Placement> &
  Partial<Started> &
  Ended &
  Absent<LiveKeys | "lost_cause"> & {
    state: "cancelled";
    exit_code?: number;
    error?: AttemptError;
  };

export type LostAttempt = AttemptBase &
  Placement &
  Partial<Started> &
  Ended &
  Absent<LiveKeys | "exit_code"> & { state: "lost"; error: AttemptError; lost_cause: LostCause };

/** One try at running the experiment (the first launch, then each resume or retry), keyed on its state. */
export type Attempt =
  | PendingAttempt
  | StagingAttempt
  | PlacingAttempt
  | LaunchingAttempt
  | RunningAttempt
  | StoppingAttempt
  | SucceededAttempt
  | FailedAttempt
  | CancelledAttempt
  | LostAttempt;

export type AttemptOf<S extends RunState> = Extract<Attempt, { state: S }>;

/** An attempt lost while its host was unreachable: its trainer may still run there. */
export interface Orphan {
  attempt: number;
  host: string;
  runtime: RuntimeKind;
  handle?: string;
  host_dir: string;
}

export const currentRecordSchema = 2;

/** `.tunectl/runs/<id>/run.json`, written atomically; `state` is always the current attempt's. */
export interface RunRecord {
  schema: typeof currentRecordSchema;
  id: string;
  name: string;
  description?: string;
  /** Path of the experiment file as given, for people. */
  experiment_file?: string;
  created_at: string;
  updated_at: string;
  state: RunState;
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
  /** Lost attempts whose trainer tunectl stops, and whose GPUs it frees, once the host answers again. */
  orphans?: Orphan[];
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

/** The attempt's placement, from `launching` on (and on terminal attempts that got that far). */
export function placementOf(attempt: Attempt | undefined): Placement | undefined {
  if (!attempt?.host || attempt.runtime === undefined || attempt.host_dir === undefined)
    return undefined;
  return {
    host: attempt.host,
    gpus: attempt.gpus ?? [],
    runtime: attempt.runtime,
    host_dir: attempt.host_dir,
  };
}

/** Since when a running or stopping attempt's host has not answered, if it has not. */
export function unreachableSince(attempt: Attempt | undefined): string | undefined {
  return attempt?.link?.state === "unreachable" ? attempt.link.since : undefined;
}
