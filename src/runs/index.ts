export { RunRegistry, type NewRun } from "./run-registry.js";
export { runPaths, type RunPaths } from "./run-paths.js";
export { newRunId, runIdPattern } from "./run-id.js";
export {
  canTransition,
  IllegalTransitionError,
  isTerminal,
  runStates,
  terminalStates,
  transition,
  type RunState,
} from "./run-state.js";
export {
  currentAttempt,
  type Attempt,
  type MetricLine,
  type RunEvent,
  type RunRecord,
} from "./run-record.js";
export { attemptAwareMetrics, parseMetricLines, readRunMetrics } from "./metrics-view.js";
export { appendLines, writeFileAtomic } from "./atomic-file.js";
export {
  tryFileLock,
  withFileLock,
  type HeldLock,
  type LockAttempt,
  type LockOptions,
} from "./file-lock.js";
export type { LockHolder } from "./lock-holder.js";
export { runOverview, type RunOverview } from "./run-overview.js";
