import type { GpuRow } from "../monitor/index.js";
import type { RunRecord } from "../runs/index.js";
import type { Leaderboard } from "../sweep/index.js";

/**
 * The only writes the page can ask for, each the CLI's own core call (cancelRun, resumeRun),
 * wired in by the command.
 */
export interface UiActions {
  cancel(runId: string): Promise<RunRecord>;
  resume(runId: string): Promise<RunRecord>;
}

export const actionNames = ["cancel", "resume"] as const;
export type ActionName = (typeof actionNames)[number];

export function isActionName(name: string): name is ActionName {
  return (actionNames as readonly string[]).includes(name);
}

/** What the GPUs and sweeps pages read, wired in by the command (hosts' probes, sweep records). */
export interface UiSources {
  /** Every host's GPUs, or only those of the named hosts (the run page probes one). */
  gpus(hosts?: string[]): Promise<GpuRow[]>;
  sweeps(): Promise<Leaderboard[]>;
}
