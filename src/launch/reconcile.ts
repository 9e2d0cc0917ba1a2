import { catchUpRun, streamsCaughtUp } from "../monitor/index.js";
import {
  currentAttempt,
  isTerminal,
  placementOf,
  type Attempt,
  type LifecycleEvent,
  type RunRecord,
  type SchedulerView,
} from "../runs/index.js";
import type { AttemptProbe } from "./container-runtime.js";
import { containerName, layoutFromRunDir } from "./host-layout.js";
import type { LaunchDeps } from "./launch-deps.js";
import { reapOrphans } from "./orphan-reaper.js";
import {
  applyEnd,
  releaseAttemptLeases,
  settleExited,
  settleLost,
  settleRequeued,
} from "./settle-attempt.js";
import { runCatchUpFailed, runCheckFailed, runUnreachable } from "./events.js";

const launchingStates = new Set(["pending", "staging", "placing", "launching"]);

/** The handle an attempt has, or would have had: container names and pid files are deterministic. */
export async function probeAttempt(
  deps: LaunchDeps,
  run: RunRecord,
  attempt: Attempt,
): Promise<AttemptProbe> {
  const host = await deps.hosts.get(attempt.host!);
  const runtime = deps.runtime(attempt.runtime ?? deps.hosts.config(attempt.host!).runtime);
  const layout = layoutFromRunDir(attempt.host_dir!);
  const handle =
    attempt.handle ?? (runtime.kind === "process" ? "" : containerName(run.id, attempt.n));
  return runtime.probe(host, handle, layout, attempt.n);
}

/** Whether `ps` must ask a host about this run: it is active, or left a trainer behind a cut. */
export function needsHost(run: RunRecord): boolean {
  return !isTerminal(run.state) || (run.orphans?.length ?? 0) > 0;
}

/**
 * Bring one run's record in line with its host: an exited trainer settles the run, a vanished
 * one makes it lost (cancelled when it was asked to stop), an unreachable host only moves the
 * attempt's link to `unreachable` (never lost: the host may come back), and a launch whose
 * tunectl died is adopted or failed.
 */
export async function checkRun(deps: LaunchDeps, runId: string): Promise<RunRecord> {
  const run = await deps.registry.get(runId);
  const attempt = currentAttempt(run);
  if (!attempt || isTerminal(run.state)) return run;
  if (launchingStates.has(run.state)) return checkLaunch(deps, run, attempt);

  const placement = placementOf(attempt);
  if (!placement) return run;
  let probe: AttemptProbe;
  let host;
  try {
    host = await deps.hosts.get(placement.host);
    probe = await probeAttempt(deps, run, attempt);
  } catch (error) {
    if (attempt.link?.state === "unreachable") return run;
    const message = (error as Error).message;
    runUnreachable.emit(deps.reporter, `${run.id}: ${placement.host} unreachable (${message})`, {
      run: run.id,
      host: placement.host,
      error: message,
    });
    return applyOr(deps, run.id, {
      type: "unreachable",
      attempt: attempt.n,
      since: deps.clock.now().toISOString(),
      error: message,
    });
  }
  if (probe.state === "running") {
    let checked = run;
    if (attempt.link?.state === "unreachable")
      checked = await applyOr(deps, run.id, { type: "reachable", attempt: attempt.n });
    if (sameView(attempt.scheduler, probe.scheduler)) return checked;
    return applyOr(deps, run.id, {
      type: "scheduler_observed",
      attempt: attempt.n,
      scheduler: probe.scheduler ?? null,
    });
  }
  // Never settled while its streams are behind: the trainer is gone, so the host's files are final.
  const caughtUp = { reporter: deps.reporter, clock: deps.clock };
  if (!(await streamsCaughtUp(deps.registry, run, host, caughtUp))) return run;
  const latest = await deps.registry.get(run.id); // another follower may have settled it meanwhile
  if (isTerminal(latest.state)) return latest;
  if (probe.state === "exited") return settleExited(deps, run, host, probe.exitCode);
  if (probe.state === "requeued") return settleRequeued(deps, latest, host, probe);
  if (run.state === "stopping") {
    // Asked to stop and gone (a killed process leaves no exit status): the cancel's end.
    const [cancelled, applied] = await applyEnd(
      deps,
      run.id,
      { type: "cancelled", attempt: attempt.n, why: "stopped on request; no exit status" },
      "cancelled: the trainer is gone after the stop request",
    );
    if (applied) await releaseAttemptLeases(deps, cancelled);
    return cancelled;
  }
  return settleLost(
    deps,
    run,
    probe.detail
      ? `${probe.detail}: ended without the trainer's exit status`
      : `the ${placement.runtime} on ${placement.host} is gone without an exit status`,
  );
}

/** An attempt not yet running: left alone while its launcher lives; adopted or failed once it died. */
async function checkLaunch(deps: LaunchDeps, run: RunRecord, attempt: Attempt): Promise<RunRecord> {
  if (!attempt.launcher || deps.launcherAlive(attempt.launcher)) return run;
  if (placementOf(attempt) && run.state === "launching") {
    const probe = await probeAttempt(deps, run, attempt).catch(() => undefined);
    if (probe?.state === "running") {
      const handle = attempt.handle ?? containerName(run.id, attempt.n);
      const [adopted] = await applyEnd(
        deps,
        run.id,
        { type: "started", attempt: attempt.n, handle, adopted: true },
        "running (adopted after the launching tunectl exited)",
      );
      return adopted;
    }
  }
  const [failed, applied] = await applyEnd(
    deps,
    run.id,
    {
      type: "launch_failed",
      attempt: attempt.n,
      error: { code: "launch.interrupted", message: "tunectl exited before the trainer started" },
    },
    "failed: tunectl exited before the trainer started",
  );
  if (applied) await releaseAttemptLeases(deps, failed);
  return failed;
}

const sameView = (a: SchedulerView | undefined, b: SchedulerView | undefined) =>
  a?.state === b?.state && a?.reason === b?.reason;

/** Apply a bookkeeping event; refused (the attempt ended meanwhile), the run as it is now. */
async function applyOr(deps: LaunchDeps, runId: string, event: LifecycleEvent): Promise<RunRecord> {
  return (await applyEnd(deps, runId, event, event.type))[0];
}

/**
 * A run found ended by a command that was not streaming it (a detached run seen by `ps` or
 * `cancel`): bring its log, metrics and checkpoints home once, as a follower would have, so
 * `logs`, `show` and `checkpoints` see the whole run. Another tunectl still streaming it keeps
 * its streams (the stream lock says so); failures only warn: the run has ended either way.
 */
export async function catchUpEnded(deps: LaunchDeps, run: RunRecord): Promise<void> {
  const attempt = currentAttempt(run);
  if (!attempt?.host || !attempt.host_dir) return;
  try {
    const host = await deps.hosts.get(attempt.host);
    await catchUpRun(deps.registry, await deps.registry.get(run.id), {
      host,
      store: await deps.store(),
      reporter: deps.reporter,
    });
  } catch (error) {
    runCatchUpFailed.emit(
      deps.reporter,
      `${run.id}: could not copy its last logs and checkpoints home: ${(error as Error).message} (tunectl sync ${run.id} retries)`,
      { run: run.id, error: (error as Error).message },
    );
  }
}

/** `ps`: every active run checked against its host, concurrently; one dead host never stalls the rest. */
export async function reconcileActiveRuns(deps: LaunchDeps): Promise<RunRecord[]> {
  const runs = (await deps.registry.list()).filter((run) => needsHost(run));
  return Promise.all(
    runs.map(async (run) => {
      try {
        await reapOrphans(deps, run);
        const checked = await checkRun(deps, run.id);
        if (isTerminal(checked.state)) await catchUpEnded(deps, checked);
        return checked;
      } catch (error) {
        runCheckFailed.emit(deps.reporter, `${run.id}: ${(error as Error).message}`, {
          run: run.id,
          error: (error as Error).message,
        });
        return run;
      }
    }),
  );
}
