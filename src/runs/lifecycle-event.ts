import type {
  AttemptError,
  AttemptReason,
  Launcher,
  LostCause,
  Placement,
  SchedulerView,
  ResumeFrom,
  RunRecord,
  StreamOffsets,
} from "./run-record.js";

/**
 * Everything that can happen to a run, as data. `registry.apply(runId, event)` is the only way
 * a run changes: the reducer (run-reducer.ts) applies the event to run.json or refuses it, and
 * the event is appended to events.jsonl. `attempt` names the attempt the event is about, so a
 * process acting on an attempt that was ended or replaced meanwhile is told so.
 */
export type LifecycleEvent =
  /** pending -> staging: the dataset is being staged (new runs) or checked (resumes). */
  | { type: "staging_started"; attempt: number; launcher?: Launcher }
  /** The staged dataset, recorded once staging succeeded (state unchanged). */
  | { type: "dataset_staged"; attempt: number; dataset: NonNullable<RunRecord["dataset"]> }
  /** pending | staging -> placing: a launcher looks for a host. */
  | { type: "placing_started"; attempt: number; launcher: Launcher }
  /** placing -> launching: GPUs leased on a host. */
  | { type: "placed"; attempt: number; placement: Placement }
  /** launching -> running: the trainer started (or was found running: `adopted`). */
  | { type: "started"; attempt: number; handle: string; adopted?: true }
  /** Before the trainer ran: staging, placement or the start failed. */
  | { type: "launch_failed"; attempt: number; error: AttemptError }
  /** running -> stopping: SIGTERM sent, the trainer checkpoints and exits. */
  | { type: "cancel_requested"; attempt: number }
  /** Any active state -> cancelled: before the trainer ran, killed on request, or gone while stopping. */
  | { type: "cancelled"; attempt: number; why: string }
  /** running | stopping -> succeeded | failed | cancelled, decided by the reducer from the exit. */
  | {
      type: "exited";
      attempt: number;
      exit_code: number;
      final_step?: number;
      /** What went wrong, for a non-zero exit (status.json, log tail, disk check). */
      error?: AttemptError;
    }
  /** launching | running | stopping -> lost: no exit status. */
  | { type: "lost"; attempt: number; error: AttemptError; cause: LostCause }
  /**
   * running | stopping: the scheduler runs the same job again (Slurm requeue) as attempt n+1,
   * running at once under the same handle. `stopped`: the trainer checkpointed and exited 75
   * on the time-limit warning (the attempt ends failed with `error`); `gone`: the job was
   * requeued without the trainer's exit status (node failure, preemption; the attempt is lost).
   */
  | {
      type: "requeued";
      attempt: number;
      how: "stopped" | "gone";
      error: AttemptError;
      final_step?: number;
      resume_from: ResumeFrom | null;
    }
  /** running | stopping: the host stopped answering (state unchanged, link unreachable). */
  | { type: "unreachable"; attempt: number; since: string; error?: string }
  /** running | stopping: the scheduler's view of the job changed (state unchanged; null: none). */
  | { type: "scheduler_observed"; attempt: number; scheduler: SchedulerView | null }
  /** running | stopping: the host answers again. */
  | { type: "reachable"; attempt: number }
  /** Stream offsets copied so far (any attempt; bookkeeping, not written to events.jsonl). */
  | { type: "offsets_recorded"; attempt: number; offsets: StreamOffsets }
  /** failed | lost: the retry policy will add an attempt after `delay_ms`. */
  | {
      type: "retry_scheduled";
      attempt: number;
      delay_ms: number;
      avoid: string[];
      because: "failed" | "lost" | "stopped";
    }
  /** failed | cancelled | lost -> a new attempt `attempt` (= previous + 1), pending. */
  | {
      type: "attempt_created";
      attempt: number;
      reason: AttemptReason;
      resume_from: ResumeFrom | null;
    }
  /** An orphaned attempt's trainer was stopped and its GPUs freed. */
  | { type: "orphan_reaped"; attempt: number };

export type LifecycleEventType = LifecycleEvent["type"];

export type EventOf<T extends LifecycleEventType> = Extract<LifecycleEvent, { type: T }>;
