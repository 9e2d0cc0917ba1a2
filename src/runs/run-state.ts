/**
 * Run states (DESIGN.md "Run states"). A run's state is its current attempt's state;
 * every change goes through `transition`, so an impossible change is a bug caught at once.
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

export const terminalStates: ReadonlySet<RunState> = new Set([
  "succeeded",
  "failed",
  "cancelled",
  "lost",
]);

export function isTerminal(state: RunState): boolean {
  return terminalStates.has(state);
}

const allowed: Record<RunState, readonly RunState[]> = {
  pending: ["staging", "placing", "failed", "cancelled"],
  staging: ["placing", "failed", "cancelled"],
  placing: ["launching", "failed", "cancelled"],
  launching: ["running", "failed", "cancelled", "lost"],
  running: ["stopping", "succeeded", "failed", "cancelled", "lost"],
  stopping: ["cancelled", "succeeded", "failed", "lost"],
  succeeded: [],
  // A new attempt (resume or retry) starts the run again from pending.
  failed: ["pending"],
  cancelled: ["pending"],
  // A lost run whose host comes back may still report its real end.
  lost: ["pending", "succeeded", "failed", "cancelled"],
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: RunState,
    readonly to: RunState,
  ) {
    super(`run state cannot go from ${from} to ${to}`);
  }
}

export function canTransition(from: RunState, to: RunState): boolean {
  return from === to || allowed[from].includes(to);
}

/** The one transition function: returns the new state or throws for an impossible change. */
export function transition(from: RunState, to: RunState): RunState {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  return to;
}
