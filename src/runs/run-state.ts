/**
 * Run states (DESIGN.md "Run states"). A run's state is its current attempt's state; only the
 * reducer (run-reducer.ts) changes it, from events, and it refuses an event a state does not take.
 */
export const runStates = [
  "pending",
  "staging",
  "placing",
  "launching",
  "running",
  "stopping",
  "succeeded",
  "failed",
  "cancelled",
  "lost",
] as const;

export type RunState = (typeof runStates)[number];

export type TerminalState = "succeeded" | "failed" | "cancelled" | "lost";

export const terminalStates: ReadonlySet<RunState> = new Set<TerminalState>([
  "succeeded",
  "failed",
  "cancelled",
  "lost",
]);

export function isTerminal(state: RunState): state is TerminalState {
  return terminalStates.has(state);
}

/** States in which a trainer runs (or may still run) on a host under this attempt. */
export function isActive(state: RunState): boolean {
  return !isTerminal(state);
}
