import { releaseGpus, hostWorkdir, type RemoteHost } from "../hosts/index.js";
import {
  AttemptSupersededError,
  currentAttempt,
  isTerminal,
  placementOf,
  type LifecycleEvent,
  type RunRecord,
} from "../runs/index.js";
import { attemptOutcome } from "./attempt-outcome.js";
import { layoutFromRunDir } from "./host-layout.js";
import type { LaunchDeps } from "./launch-deps.js";
import type { AttemptProbe } from "./container-runtime.js";
import { launchLeaseReleaseFailed, runRequeued } from "./events.js";

/** Give back the attempt's GPU leases; a host that cannot be reached keeps them until it is (then they are reclaimed as dead). */
export async function releaseAttemptLeases(deps: LaunchDeps, run: RunRecord): Promise<void> {
  const placement = placementOf(currentAttempt(run));
  if (!placement) return;
  try {
    const host = await deps.hosts.get(placement.host);
    await releaseGpus(host, hostWorkdir(deps.hosts.config(placement.host)), run.id);
  } catch (error) {
    launchLeaseReleaseFailed.emit(
      deps.reporter,
      `could not release GPU leases on ${placement.host}: ${(error as Error).message}`,
      { run: run.id, host: placement.host, error: (error as Error).message },
    );
  }
}

/**
 * Apply an event that ends the attempt; when another tunectl ended it first (a race between
 * `ps`, `cancel` and a follower), the run as that one left it. Returns [record, applied].
 */
export async function applyEnd(
  deps: LaunchDeps,
  runId: string,
  event: LifecycleEvent,
  message: string,
): Promise<[RunRecord, boolean]> {
  try {
    return [await deps.registry.apply(runId, event, message), true];
  } catch (error) {
    if (error instanceof AttemptSupersededError) return [await deps.registry.get(runId), false];
    throw error;
  }
}

/** The attempt's process exited: record how it ended, release its leases, remove the stopped container. */
export async function settleExited(
  deps: LaunchDeps,
  run: RunRecord,
  host: RemoteHost,
  exitCode: number,
): Promise<RunRecord> {
  const attempt = currentAttempt(run)!;
  if (isTerminal(run.state) || !attempt.host_dir) return run;
  const layout = layoutFromRunDir(attempt.host_dir);
  const outcome = await attemptOutcome(host, layout, attempt.n, exitCode);
  const [settled, applied] = await applyEnd(
    deps,
    run.id,
    {
      type: "exited",
      attempt: attempt.n,
      exit_code: exitCode,
      ...(outcome.step === undefined ? {} : { final_step: outcome.step }),
      ...(outcome.error ? { error: outcome.error } : {}),
    },
    outcome.error ? `exit ${exitCode}: ${outcome.error.message}` : `exit ${exitCode}`,
  );
  if (!applied) return settled;
  await releaseAttemptLeases(deps, settled);
  if (attempt.handle && attempt.runtime) {
    await deps
      .runtime(attempt.runtime)
      .cleanup(host, attempt.handle)
      .catch(() => undefined);
  }
  return settled;
}

/**
 * The scheduler runs the attempt's job again (Slurm requeue): the attempt ends (failed after
 * the trainer's time-limit checkpoint, lost when it was requeued without an exit status) and
 * the next one runs under the same job, from the checkpoint the batch script resumes from.
 */
export async function settleRequeued(
  deps: LaunchDeps,
  run: RunRecord,
  host: RemoteHost,
  probe: Extract<AttemptProbe, { state: "requeued" }>,
): Promise<RunRecord> {
  const attempt = currentAttempt(run)!;
  if (isTerminal(run.state) || !attempt.host_dir) return run;
  const step = probe.resumeFrom ? /step-(\d+)$/.exec(probe.resumeFrom)?.[1] : undefined;
  const resumeFrom =
    probe.resumeFrom && step ? { step: Number(step), path: probe.resumeFrom } : null;
  const from = resumeFrom ? `from step ${resumeFrom.step}` : "from the start";
  const next = attempt.n + 1;
  const outcome =
    probe.how === "stopped"
      ? await attemptOutcome(host, layoutFromRunDir(attempt.host_dir), attempt.n, 75)
      : undefined;
  const message =
    probe.how === "stopped"
      ? `${probe.detail}: checkpointed on the time-limit warning and requeued; attempt ${next} resumes ${from}`
      : `${probe.detail}: requeued by Slurm without the trainer's exit status (node failure or preemption); attempt ${next} resumes ${from}`;
  const [settled, applied] = await applyEnd(
    deps,
    run.id,
    {
      type: "requeued",
      attempt: attempt.n,
      how: probe.how,
      error: { code: "slurm.requeued", message },
      ...(outcome?.step === undefined ? {} : { final_step: outcome.step }),
      resume_from: resumeFrom,
    },
    message,
  );
  if (applied) {
    runRequeued.emit(deps.reporter, `${run.id}: ${message}`, {
      run: run.id,
      attempt: next,
      how: probe.how,
      resume_from: resumeFrom?.step ?? null,
    });
  }
  return settled;
}

/**
 * The trainer is gone without an exit status (`gone`), or its host stopped answering for too
 * long (`unreachable`: its trainer may live on behind the cut, so the reducer records it as
 * an orphan and its leases stay until the host answers and the orphan is reaped).
 */
export async function settleLost(
  deps: LaunchDeps,
  run: RunRecord,
  why: string,
  cause: "gone" | "unreachable" = "gone",
): Promise<RunRecord> {
  const attempt = currentAttempt(run)!;
  if (isTerminal(run.state)) return run;
  const [settled, applied] = await applyEnd(
    deps,
    run.id,
    { type: "lost", attempt: attempt.n, error: { code: "run.lost", message: why }, cause },
    `lost: ${why}`,
  );
  if (applied && cause === "gone") await releaseAttemptLeases(deps, settled);
  return settled;
}
