import { UserError } from "../errors/index.js";
import {
  currentAttempt,
  isTerminal,
  placementOf,
  type Placement,
  type RunRecord,
} from "../runs/index.js";
import { cancelKilled } from "./events.js";
import type { LaunchDeps } from "./launch-deps.js";
import { catchUpEnded, checkRun } from "./reconcile.js";
import { applyEnd, releaseAttemptLeases } from "./settle-attempt.js";

export interface CancelOptions {
  force?: boolean;
  /** How long the trainer gets to finish its step and checkpoint before it is killed. */
  graceMs?: number;
  /** Between checks while the trainer stops. */
  pollMs?: number;
}

/**
 * `tunectl cancel`: ends the run `cancelled`.
 * - Not running yet (pending, staging, placing, launching): `cancelled` at once; the launcher
 *   finds its attempt superseded, stops what it started and releases its leases.
 * - Running: `cancel_requested` (stopping) and SIGTERM: the trainer finishes its step,
 *   checkpoints and exits 75; killed after the grace period.
 * - --force: killed at once, `cancelled` (never `lost`: the retry policy must not resume it).
 */
export async function cancelRun(
  deps: LaunchDeps,
  runId: string,
  options: CancelOptions = {},
): Promise<RunRecord> {
  let run = await checkRun(deps, runId);
  if (isTerminal(run.state)) {
    throw new UserError(`run ${runId} already ended (${run.state})`, { code: "run.already_ended" });
  }
  const attempt = currentAttempt(run)!;
  const placement = placementOf(attempt);
  if ((run.state !== "running" && run.state !== "stopping") || !placement || !attempt.handle) {
    const [cancelled, applied] = await applyEnd(
      deps,
      runId,
      { type: "cancelled", attempt: attempt.n, why: `cancelled while ${run.state}` },
      `cancelled while ${run.state}, before the trainer started`,
    );
    if (applied) await releaseAttemptLeases(deps, cancelled);
    return cancelled;
  }
  const host = await deps.hosts.get(placement.host);
  const runtime = deps.runtime(placement.runtime);
  const handle = attempt.handle;
  if (options.force) return killNow(deps, run, attempt.n, placement, handle);

  if (run.state === "running") {
    await deps.registry.apply(
      runId,
      { type: "cancel_requested", attempt: attempt.n },
      "stopping: waiting for the trainer's checkpoint",
    );
  }
  await runtime.stop(host, handle);
  const deadline = deps.clock.now().getTime() + (options.graceMs ?? 120_000);
  for (;;) {
    run = await checkRun(deps, runId);
    if (isTerminal(run.state) || currentAttempt(run)!.n !== attempt.n) break;
    if (deps.clock.now().getTime() > deadline)
      return killNow(deps, run, attempt.n, placement, handle);
    await deps.clock.sleep(options.pollMs ?? 1000);
  }
  await catchUpEnded(deps, run);
  return run;
}

/** Kill the trainer and end the attempt `cancelled` at once (its container removed, leases released). */
async function killNow(
  deps: LaunchDeps,
  run: RunRecord,
  n: number,
  placement: Placement,
  handle: string,
): Promise<RunRecord> {
  const host = await deps.hosts.get(placement.host);
  const runtime = deps.runtime(placement.runtime);
  await runtime.kill(host, handle);
  cancelKilled.emit(deps.reporter, `${run.id}: killed ${handle} on ${placement.host}`, {
    run: run.id,
    attempt: n,
    host: placement.host,
  });
  const [cancelled, applied] = await applyEnd(
    deps,
    run.id,
    { type: "cancelled", attempt: n, why: "killed on request" },
    "cancelled: killed on request",
  );
  if (!applied) return cancelled;
  await catchUpEnded(deps, cancelled);
  await releaseAttemptLeases(deps, cancelled);
  await runtime.cleanup(host, handle).catch(() => undefined);
  return deps.registry.get(run.id);
}
