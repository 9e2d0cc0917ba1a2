import type { RunRecord } from "../runs/index.js";

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
