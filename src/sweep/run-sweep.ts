import { isTunectlError, UserError } from "../errors/index.js";
import { probeHosts } from "../hosts/index.js";
import { followRun, startRun, type LaunchDeps } from "../launch/index.js";
import { sweepLabel, trialLabel } from "./leaderboard.js";
import type { LoadedSweep } from "./load-sweep.js";
import { trialSets } from "./resolve-trial.js";
import { SweepRegistry } from "./sweep-registry.js";
import { runTrialQueue, type QueueResult, type TrialEnd } from "./trial-queue.js";

export interface RunSweepOptions {
  signal?: AbortSignal;
  /** Between checks of each followed run (default: the follower's). */
  pollMs?: number;
}

export interface SweepRunResult extends QueueResult {
  id: string;
  slots: number;
}

/**
 * `tunectl sweep run`: register the sweep, then run its grid's trials through the queue, each
 * an ordinary run (`startRun`, labelled with the sweep and trial) followed to its end by the
 * same follower as `tunectl watch` (streaming, settling, the trial's retry policy). Trials whose
 * run already succeeded are skipped, so a resumed sweep reruns nothing finished.
 */
export async function runSweep(
  sweep: LoadedSweep,
  deps: LaunchDeps,
  options: RunSweepOptions = {},
): Promise<SweepRunResult> {
  if (sweep.spec.method !== "grid") {
    throw new UserError(`tunectl sweep run runs grid sweeps; ${sweep.spec.method} is not run yet`, {
      code: "sweep.method_not_run",
      hint: "the spec and its trials are checked by tunectl sweep SPEC; use method: grid to run",
    });
  }
  await new SweepRegistry(deps.workspace.stateDir, deps.clock).register(sweep);
  const finished = new Set<string>();
  for (const run of await deps.registry.list()) {
    const trial = run.labels?.[trialLabel];
    if (run.labels?.[sweepLabel] === sweep.id && trial && run.state === "succeeded")
      finished.add(trial);
  }
  const first = sweep.trials[0]?.experiment;
  const gpus = first?.resources.gpus ?? 0;
  const slots = await freeSlots(deps, first?.resources.hosts, gpus);
  const byId = new Map(sweep.trials.map((trial) => [trial.id, trial]));
  const launch = async (queued: { id: string }): Promise<TrialEnd> => {
    const trial = byId.get(queued.id)!;
    let runId: string;
    try {
      const started = await startRun(
        {
          file: sweep.experimentFile,
          sets: trialSets(trial.params),
          labels: { [sweepLabel]: sweep.id, [trialLabel]: trial.id },
        },
        deps,
      );
      if (started.kind !== "started") throw new Error("startRun planned instead of starting");
      runId = started.run.id;
    } catch (error) {
      if (isTunectlError(error) && error.code === "placement.no_capacity")
        return { kind: "no_capacity" };
      throw error;
    }
    const final = await followRun(deps, runId, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    });
    const state = final.state;
    if (state === "succeeded" || state === "failed" || state === "cancelled" || state === "lost")
      return { kind: "ended", run: runId, state };
    // Interrupted (Ctrl-C): the follower let go and the run keeps going on its host.
    return { kind: "ended", run: runId, state: "detached" };
  };
  const budget = {
    ...(sweep.spec.budget.trials === undefined ? {} : { trials: sweep.spec.budget.trials }),
    ...(sweep.spec.budget.gpu_hours === undefined
      ? {}
      : { gpu_hours: sweep.spec.budget.gpu_hours }),
  };
  const result = await runTrialQueue(
    sweep.trials.map((trial) => ({ id: trial.id, gpus: trial.experiment.resources.gpus })),
    {
      slots,
      finished,
      budget,
      launch,
      clock: deps.clock,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  return { id: sweep.id, slots, ...result };
}

/** Free GPUs over the experiment's hosts that answer (CPU trials: one per host). */
async function freeSlots(
  deps: LaunchDeps,
  hosts: string[] | undefined,
  gpus: number,
): Promise<number> {
  const names = hosts ?? deps.hosts.names();
  const probes = await probeHosts(deps.hosts, { names });
  const reachable = probes.filter((probe) => probe.reachable);
  if (gpus === 0) return reachable.length;
  return reachable.reduce(
    (free, probe) => free + Math.max(0, probe.gpus.length - probe.leases.length),
    0,
  );
}
