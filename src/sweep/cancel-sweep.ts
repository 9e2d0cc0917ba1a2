import { cancelRun, type LaunchDeps } from "../launch/index.js";
import type { RunRecord } from "../runs/index.js";
import { sweepCancelled } from "./events.js";
import type { SweepRecord } from "./sweep-record.js";
import { SweepRegistry } from "./sweep-registry.js";
import { activeRuns, latestTrialRuns } from "./trial-runs.js";

export interface SweepCancelResult {
  id: string;
  /** The active trials' runs, as the cancel left them (cancelled, after their checkpoint). */
  cancelled: RunRecord[];
}

/**
 * `tunectl sweep cancel`: the sweep is marked cancelled first (a scheduler that is running
 * starts nothing new from then on), then every active trial's run is cancelled the way
 * `tunectl cancel` does it: the trainer checkpoints and stops, so `sweep resume` can go on.
 */
export async function cancelSweep(
  record: SweepRecord,
  deps: LaunchDeps,
  options: { force?: boolean } = {},
): Promise<SweepCancelResult> {
  const sweeps = new SweepRegistry(deps.workspace.stateDir, deps.clock);
  await sweeps.setCancelled(record.id, true);
  const active = activeRuns(latestTrialRuns(record.id, await deps.registry.list()));
  const cancelled = await Promise.all(
    active.map((run) =>
      cancelRun(deps, run.id, options.force ? { force: true } : {}).catch(
        async (error: unknown) => {
          // ended meanwhile (its scheduler settled it): nothing left to cancel
          const now = await deps.registry.get(run.id);
          if (now.state === "running" || now.state === "stopping") throw error;
          return now;
        },
      ),
    ),
  );
  sweepCancelled.emit(deps.reporter, `sweep ${record.id} cancelled (${cancelled.length} run(s))`, {
    sweep: record.id,
    runs: cancelled.map((run) => run.id),
  });
  return { id: record.id, cancelled };
}
