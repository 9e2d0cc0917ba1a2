import type { Clock } from "../report/index.js";
import { isTerminal, readRunMetrics, type RunRegistry } from "../runs/index.js";
import { sweepLeaderboard, type Leaderboard } from "./leaderboard.js";
import { schedulerRunning } from "./scheduler-lock.js";
import { SweepRegistry } from "./sweep-registry.js";
import { latestTrialRuns } from "./trial-runs.js";

export interface WatchSweepOptions {
  clock: Clock;
  signal?: AbortSignal;
  pollMs?: number;
  /** Each leaderboard, whenever it changed. */
  onBoard(board: Leaderboard, scheduled: boolean): void;
}

/**
 * `tunectl sweep attach`: the leaderboard, again whenever it changes, until the sweep has
 * ended: no scheduler holds it and none of its trials' runs is active. It schedules nothing
 * itself (`sweep resume` does). Returns the last leaderboard; aborting detaches.
 */
export async function watchSweep(
  stateDir: string,
  registry: RunRegistry,
  id: string,
  options: WatchSweepOptions,
): Promise<Leaderboard> {
  const sweeps = new SweepRegistry(stateDir, options.clock);
  let shown = "";
  for (;;) {
    const record = await sweeps.get(id);
    const runs = await registry.list();
    const board = await sweepLeaderboard(record, runs, (run) =>
      readRunMetrics(registry.paths(run.id).metrics),
    );
    const scheduled = await schedulerRunning(sweeps, id);
    const text = JSON.stringify([board, scheduled]);
    if (text !== shown) options.onBoard(board, scheduled);
    shown = text;
    const active = [...latestTrialRuns(id, runs).values()].some((r) => !isTerminal(r.state));
    if (!scheduled && !active) return board;
    await options.clock.sleep(options.pollMs ?? 2000, options.signal);
    if (options.signal?.aborted) return board;
  }
}
