import { variants } from "./attempt-variants.js";
import type { LifecycleEvent, LifecycleEventType } from "./lifecycle-event.js";
import { currentAttempt, placementOf, type Attempt, type RunRecord } from "./run-record.js";
import { isTerminal, type RunState } from "./run-state.js";

/** An event the run's current state does not take: a bug in whoever sent it. */
export class IllegalEventError extends Error {
  constructor(
    readonly runId: string,
    readonly event: LifecycleEventType,
    readonly state: RunState,
    readonly attempt: number,
    detail?: string,
  ) {
    super(
      `run ${runId}: event ${event} is not allowed for attempt ${attempt} in state ${state}${detail ? ` (${detail})` : ""}`,
    );
  }
}

/**
 * The attempt the event is about was ended or replaced by someone else meanwhile (a cancel
 * while placing or launching, a settle by another tunectl). Not a bug: whoever sent it stops
 * what it started and lets go.
 */
export class AttemptSupersededError extends IllegalEventError {}

/** The states each event is taken in ("*": any, and the event may name an earlier attempt). */
const takenIn: Record<LifecycleEventType, readonly RunState[] | "*"> = {
  staging_started: ["pending"],
  dataset_staged: ["staging"],
  placing_started: ["pending", "staging"],
  placed: ["placing"],
  started: ["launching"],
  launch_failed: ["pending", "staging", "placing", "launching"],
  cancel_requested: ["running", "stopping"],
  cancelled: ["pending", "staging", "placing", "launching", "running", "stopping"],
  exited: ["running", "stopping"],
  lost: ["launching", "running", "stopping"],
  unreachable: ["running", "stopping"],
  reachable: ["running", "stopping"],
  scheduler_observed: ["running", "stopping"],
  requeued: ["running", "stopping"],
  offsets_recorded: "*",
  retry_scheduled: ["failed", "lost"],
  attempt_created: ["failed", "cancelled", "lost"],
  orphan_reaped: "*",
};

/** Whether `event` would be taken by the run as it is now. */
export function accepts(run: RunRecord, event: LifecycleEvent): boolean {
  try {
    reduceRun(run, event, new Date(0).toISOString());
    return true;
  } catch (error) {
    if (error instanceof IllegalEventError) return false;
    throw error;
  }
}

/** The one reducer: the run after `event` at time `now`, or a typed refusal. Pure: `run` is not changed. */
export function reduceRun(run: RunRecord, event: LifecycleEvent, now: string): RunRecord {
  const current = currentAttempt(run);
  if (!current)
    throw new IllegalEventError(run.id, event.type, run.state, event.attempt, "no attempt");
  const refuse = (detail?: string): never => {
    throw new IllegalEventError(run.id, event.type, current.state, event.attempt, detail);
  };
  const allowed = takenIn[event.type];
  if (allowed !== "*" && event.type !== "attempt_created") {
    if (event.attempt < current.n) {
      throw new AttemptSupersededError(
        run.id,
        event.type,
        current.state,
        event.attempt,
        `attempt ${current.n} is current`,
      );
    }
    if (event.attempt > current.n) refuse(`no attempt ${event.attempt}`);
  }
  if (event.type === "attempt_created" && event.attempt <= current.n) {
    // Another tunectl added this attempt first (two resumes racing).
    throw new AttemptSupersededError(
      run.id,
      event.type,
      current.state,
      event.attempt,
      `attempt ${current.n} exists`,
    );
  }
  if (allowed !== "*" && !allowed.includes(current.state)) {
    const onlyActive = allowed.every((state) => !isTerminal(state));
    if (onlyActive && isTerminal(current.state)) {
      throw new AttemptSupersededError(
        run.id,
        event.type,
        current.state,
        event.attempt,
        `it already ended ${current.state}`,
      );
    }
    refuse();
  }
  const next: RunRecord = structuredClone(run);
  const replace = (attempt: Attempt) => {
    next.attempts[next.attempts.length - 1] = attempt;
  };
  const placement = placementOf(current);

  switch (event.type) {
    case "staging_started":
      replace(variants.staging(current, event.launcher));
      break;
    case "dataset_staged":
      next.dataset = event.dataset;
      break;
    case "placing_started":
      replace(variants.placing(current, event.launcher));
      break;
    case "placed":
      replace(variants.launching(current, event.placement));
      break;
    case "started":
      replace(variants.running(current, placement!, event.handle, now));
      break;
    case "launch_failed":
      replace(variants.failed(current, event.error, now));
      break;
    case "cancel_requested":
      if (current.state === "running") replace(variants.stopping(current, now));
      break;
    case "cancelled":
      replace(variants.cancelled(current, now));
      break;
    case "exited": {
      const exit = {
        exit_code: event.exit_code,
        ...(event.final_step === undefined ? {} : { final_step: event.final_step }),
      };
      if (event.exit_code === 0) {
        replace(
          variants.succeeded(current, placement!, current.handle!, current.started_at!, exit, now),
        );
      } else if (current.state === "stopping") {
        // A trainer asked to stop that exits 75 did what it was asked; any other exit keeps its reason.
        replace(
          variants.cancelled(current, now, {
            ...exit,
            ...(event.exit_code !== 75 && event.error ? { error: event.error } : {}),
          }),
        );
      } else {
        const error = event.error ?? {
          code: "trainer.failed",
          message: `the trainer exited with status ${event.exit_code}`,
        };
        replace(variants.failed(current, error, now, exit));
      }
      break;
    }
    case "lost":
      if (!placement) refuse("the attempt was never placed");
      replace(variants.lost(current, placement!, event.error, event.cause, now));
      if (event.cause === "unreachable") {
        next.orphans = [
          ...(next.orphans ?? []),
          {
            attempt: current.n,
            host: placement!.host,
            runtime: placement!.runtime,
            host_dir: placement!.host_dir,
            ...(current.handle ? { handle: current.handle } : {}),
          },
        ];
      }
      break;
    case "unreachable":
      if (current.link?.state !== "unreachable") {
        replace({
          ...current,
          link: {
            state: "unreachable",
            since: event.since,
            ...(event.error ? { error: event.error } : {}),
          },
        } as Attempt);
      }
      break;
    case "reachable":
      if (current.link?.state === "unreachable")
        replace({ ...current, link: { state: "reachable" } } as Attempt);
      break;
    case "requeued": {
      const ended =
        event.how === "stopped"
          ? variants.failed(current, event.error, now, {
              exit_code: 75,
              ...(event.final_step === undefined ? {} : { final_step: event.final_step }),
            })
          : variants.lost(current, placement!, event.error, "gone", now);
      replace(ended);
      const again: Attempt = {
        n: current.n + 1,
        state: "pending",
        reason: "requeue",
        resume_from: event.resume_from,
        created_at: now,
      };
      next.attempts.push(variants.running(again, placement!, current.handle!, now));
      break;
    }
    case "scheduler_observed": {
      const { scheduler: _old, ...rest } = current;
      replace((event.scheduler ? { ...rest, scheduler: event.scheduler } : rest) as Attempt);
      break;
    }
    case "offsets_recorded": {
      const index = next.attempts.findIndex((attempt) => attempt.n === event.attempt);
      if (index === -1) refuse(`no attempt ${event.attempt}`);
      next.attempts[index] = { ...next.attempts[index]!, offsets: event.offsets };
      break;
    }
    case "retry_scheduled":
      break;
    case "attempt_created":
      if (event.attempt !== current.n + 1) refuse(`the next attempt is ${current.n + 1}`);
      if (event.reason === "launch") refuse("a later attempt is a resume or a retry");
      if (event.reason === "retry") next.restarts += 1;
      next.attempts.push({
        n: event.attempt,
        state: "pending",
        reason: event.reason,
        resume_from: event.resume_from,
        created_at: now,
      });
      break;
    case "orphan_reaped":
      if (!(run.orphans ?? []).some((orphan) => orphan.attempt === event.attempt)) {
        // Reaped by another tunectl first (or never orphaned).
        throw new AttemptSupersededError(
          run.id,
          event.type,
          current.state,
          event.attempt,
          `attempt ${event.attempt} is not an orphan`,
        );
      }
      next.orphans = (next.orphans ?? []).filter((orphan) => orphan.attempt !== event.attempt);
      if (next.orphans.length === 0) delete next.orphans;
      break;
  }
  next.state = currentAttempt(next)!.state;
  return next;
}
