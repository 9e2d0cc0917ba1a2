import { UserError } from "../errors/index.js";
import { probeHosts } from "../hosts/index.js";
import type { LaunchDeps } from "../launch/index.js";
import { isTerminal } from "../runs/index.js";
import type { LoadedSweep, SweepLoadOptions } from "./load-sweep.js";
import { startOptunaBridge, type OptunaBridge, type PrunerOptions } from "./optuna-bridge.js";
import type { EarlyStopping } from "./spec-schema.js";
import { OptunaSchedule, type ScheduledTrial } from "./optuna-schedule.js";
import { holdScheduler } from "./scheduler-lock.js";
import { SweepRegistry } from "./sweep-registry.js";
import { launchTrial } from "./trial-launch.js";
import { runTrialQueue, type QueueResult } from "./trial-queue.js";
import { latestTrialRuns } from "./trial-runs.js";

export interface RunSweepOptions {
  signal?: AbortSignal;
  /** Between checks of each followed run (default: the follower's). */
  pollMs?: number;
  /** A Python with Optuna (random, tpe): the trainer's venv. */
  python?: string;
  /** How trial configs are resolved (random, tpe ask them as the sweep runs). */
  loadOptions?: SweepLoadOptions;
  /** `sweep resume`: a cancelled sweep is opened again instead of refused. */
  reopen?: boolean;
}

export interface SweepRunResult extends QueueResult {
  id: string;
  slots: number;
}

/**
 * `tunectl sweep run` and `sweep resume`: the sweep's one scheduler (a lock in its registry
 * directory keeps a second one out). Trials go through the queue, each an ordinary run labelled
 * with the sweep and trial and followed to its end by the follower of `tunectl watch`. Grid
 * trials in grid order; random and tpe trials asked of Optuna as slots free up and their
 * results told back. Finished trials are skipped, active ones followed again, cancelled or
 * lost ones resumed from their checkpoints.
 */
export async function runSweep(
  sweep: LoadedSweep,
  deps: LaunchDeps,
  options: RunSweepOptions = {},
): Promise<SweepRunResult> {
  const sweeps = new SweepRegistry(deps.workspace.stateDir, deps.clock);
  let record = await sweeps.register(sweep);
  const lock = await holdScheduler(sweeps, sweep.id);
  let bridge: OptunaBridge | undefined;
  try {
    if (record.state === "cancelled") {
      if (!options.reopen) {
        throw new UserError(`sweep ${sweep.id} was cancelled`, {
          code: "sweep.cancelled",
          hint: `tunectl sweep resume ${sweep.id} continues it`,
        });
      }
      record = await sweeps.setCancelled(sweep.id, false);
    }
    const latest = latestTrialRuns(sweep.id, await deps.registry.list());
    let finished: Set<string>;
    let trials: ScheduledTrial[];
    let schedule: OptunaSchedule | undefined;
    if (sweep.spec.method === "grid") {
      finished = new Set([...latest].filter(([, r]) => r.state === "succeeded").map(([t]) => t));
      trials = sweep.trials.map((t) => ({
        id: t.id,
        gpus: t.experiment.resources.gpus,
        params: t.params,
      }));
    } else {
      bridge = startOptunaBridge({
        python: options.python ?? "python3",
        journal: sweeps.journal(sweep.id),
        study: sweep.id,
        sampler: sweep.spec.method,
        seed: sweep.spec.sampler_seed,
        direction: sweep.spec.metric.goal,
        ...(sweep.spec.early_stopping ? { pruner: prunerOf(sweep.spec.early_stopping) } : {}),
      });
      schedule = new OptunaSchedule(
        sweep,
        bridge,
        sweeps,
        deps,
        options.loadOptions ?? { cwd: deps.workspace.root, env: deps.env },
      );
      ({ finished, trials } = await schedule.prepare(record));
    }
    const gpus = trials[0]?.gpus ?? sweep.experiment.resources.gpus;
    const ours = [...latest.values()].filter((r) => !isTerminal(r.state)).length * gpus;
    const slots = (await freeSlots(deps, sweep.experiment.resources.hosts, gpus)) + ours;
    const params = new Map(trials.map((t) => [t.id, t.params]));
    const result = await runTrialQueue(trials, {
      slots,
      finished,
      budget: budgetOf(sweep),
      clock: deps.clock,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(schedule
        ? {
            more: async () => {
              const asked = await schedule.more();
              for (const t of asked) params.set(t.id, t.params);
              return asked;
            },
          }
        : {}),
      mayStart: async () => (await sweeps.get(sweep.id)).state !== "cancelled",
      launch: async (queued) => {
        const runs = latestTrialRuns(sweep.id, await deps.registry.list());
        const end = await launchTrial(
          deps,
          { id: queued.id, params: params.get(queued.id)!, ...latestOf(runs, queued.id) },
          {
            sweepId: sweep.id,
            experimentFile: sweep.experimentFile,
            ...(options.signal ? { signal: options.signal } : {}),
            ...(options.pollMs ? { pollMs: options.pollMs } : {}),
            ...(schedule ? { onMetric: schedule.onMetric.bind(schedule) } : {}),
          },
        );
        if (end.kind === "ended" && end.state !== "detached") await schedule?.ended(queued.id);
        return end;
      },
    });
    return { id: sweep.id, slots, ...result };
  } finally {
    await bridge?.close();
    await lock.release();
  }
}

function latestOf(runs: ReturnType<typeof latestTrialRuns>, trial: string) {
  const run = runs.get(trial);
  // a failed run is not resumed: the trial runs again as a new run
  return run && run.state !== "failed" && run.state !== "succeeded" ? { latest: run } : {};
}

function prunerOf({ metric: _metric, ...pruner }: EarlyStopping): PrunerOptions {
  return pruner;
}

function budgetOf(sweep: LoadedSweep): { trials?: number; gpu_hours?: number } {
  return {
    ...(sweep.spec.budget.trials === undefined ? {} : { trials: sweep.spec.budget.trials }),
    ...(sweep.spec.budget.gpu_hours === undefined
      ? {}
      : { gpu_hours: sweep.spec.budget.gpu_hours }),
  };
}

/**
 * Free GPUs over the experiment's hosts that answer (CPU trials: one per host). The caller
 * adds the GPUs the sweep's own active trials hold: a resumed scheduler follows them there.
 */
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
