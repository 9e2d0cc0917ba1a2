import { UserError } from "../errors/index.js";
import { currentAttempt, isTerminal, type RunRecord } from "../runs/index.js";
import type { LaunchDeps } from "./launch-deps.js";
import { catchUpEnded, checkRun } from "./reconcile.js";
import { runtimeFor } from "./runtime-for.js";
import { releaseAttemptLeases } from "./settle-attempt.js";

export interface CancelOptions {
  force?: boolean;
  /** How long the trainer gets to finish its step and checkpoint before it is killed. */
  graceMs?: number;
}

/**
 * `tunectl cancel`: SIGTERM (the trainer finishes its step, checkpoints and exits 75), then a
 * kill after the grace period; --force kills at once. Ends `cancelled`.
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
  run = await deps.registry.update(runId, (record) => {
    record.cancel_requested_at = deps.clock.now().toISOString();
  });
  if (run.state !== "running" && run.state !== "stopping") {
    // Not started yet: nothing to stop on a host; the launcher sees the state and gives up.
    const cancelled = await deps.registry.setState(
      runId,
      "cancelled",
      {},
      "cancelled before the trainer started",
    );
    await releaseAttemptLeases(deps, cancelled);
    return cancelled;
  }
  const host = await deps.hosts.get(attempt.host!);
  const runtime = runtimeFor(attempt.runtime!);
  await deps.registry.setState(
    runId,
    "stopping",
    {},
    options.force ? "killing" : "stopping: waiting for the trainer's checkpoint",
  );
  if (options.force) await runtime.kill(host, attempt.handle!);
  else await runtime.stop(host, attempt.handle!);

  const deadline = deps.clock.now().getTime() + (options.graceMs ?? 120_000);
  let killed = Boolean(options.force);
  for (;;) {
    run = await checkRun(deps, runId);
    if (isTerminal(run.state)) break;
    if (!killed && deps.clock.now().getTime() > deadline) {
      await runtime.kill(host, attempt.handle!);
      killed = true;
    }
    await deps.clock.sleep(1000);
  }
  await catchUpEnded(deps, run);
  return run;
}
