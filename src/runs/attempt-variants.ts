import type {
  Attempt,
  AttemptError,
  CancelledAttempt,
  FailedAttempt,
  LostAttempt,
  LostCause,
  Placement,
  SucceededAttempt,
} from "./run-record.js";

/**
 * Builders of the attempt variants the reducer moves to. Each takes the fields the new state
 * keeps from the old one and nothing else, so a variant never carries another's fields.
 */
function base(a: Attempt) {
  return {
    n: a.n,
    reason: a.reason,
    created_at: a.created_at,
    ...(a.resume_from === undefined ? {} : { resume_from: a.resume_from }),
    ...(a.offsets === undefined ? {} : { offsets: a.offsets }),
  };
}

function placed(a: Attempt): Partial<Placement> {
  if (a.host === undefined || a.runtime === undefined || a.host_dir === undefined) return {};
  return { host: a.host, gpus: a.gpus ?? [], runtime: a.runtime, host_dir: a.host_dir };
}

function started(a: Attempt): { handle?: string; started_at?: string } {
  return {
    ...(a.handle === undefined ? {} : { handle: a.handle }),
    ...(a.started_at === undefined ? {} : { started_at: a.started_at }),
  };
}

export const variants = {
  pending: (a: Attempt): Attempt => ({ ...base(a), state: "pending" }),

  staging: (a: Attempt, launcher = a.launcher): Attempt => ({
    ...base(a),
    state: "staging",
    ...(launcher ? { launcher } : {}),
  }),

  placing: (a: Attempt, launcher: NonNullable<Attempt["launcher"]>): Attempt => ({
    ...base(a),
    state: "placing",
    launcher,
  }),

  launching: (a: Attempt, placement: Placement): Attempt => ({
    ...base(a),
    ...placement,
    state: "launching",
    launcher: a.launcher!,
  }),

  running: (a: Attempt, placement: Placement, handle: string, now: string): Attempt => ({
    ...base(a),
    ...placement,
    handle,
    started_at: now,
    state: "running",
    link: { state: "reachable" },
  }),

  stopping: (a: Extract<Attempt, { state: "running" }>, now: string): Attempt => ({
    ...a,
    state: "stopping",
    stop: { requested_at: now },
  }),

  succeeded: (
    a: Attempt,
    placement: Placement,
    handle: string,
    startedAt: string,
    exit: { exit_code: number; final_step?: number },
    now: string,
  ): SucceededAttempt => ({
    ...base(a),
    ...placement,
    handle,
    started_at: startedAt,
    ended_at: now,
    state: "succeeded",
    exit_code: exit.exit_code,
    ...(exit.final_step === undefined ? {} : { final_step: exit.final_step }),
  }),

  failed: (
    a: Attempt,
    error: AttemptError,
    now: string,
    exit: { exit_code?: number; final_step?: number } = {},
  ): FailedAttempt => ({
    ...base(a),
    ...placed(a),
    ...started(a),
    ended_at: now,
    state: "failed",
    error,
    ...(exit.exit_code === undefined ? {} : { exit_code: exit.exit_code }),
    ...(exit.final_step === undefined ? {} : { final_step: exit.final_step }),
  }),

  cancelled: (
    a: Attempt,
    now: string,
    exit: { exit_code?: number; final_step?: number; error?: AttemptError } = {},
  ): CancelledAttempt => ({
    ...base(a),
    ...placed(a),
    ...started(a),
    ended_at: now,
    state: "cancelled",
    ...(exit.exit_code === undefined ? {} : { exit_code: exit.exit_code }),
    ...(exit.final_step === undefined ? {} : { final_step: exit.final_step }),
    ...(exit.error === undefined ? {} : { error: exit.error }),
  }),

  lost: (
    a: Attempt,
    placement: Placement,
    error: AttemptError,
    cause: LostCause,
    now: string,
  ): LostAttempt => ({
    ...base(a),
    ...placement,
    ...started(a),
    ended_at: now,
    state: "lost",
    error,
    lost_cause: cause,
  }),
};
