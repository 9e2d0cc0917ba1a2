export { RunRegistry, type NewRun } from "./run-registry.js";
export type { RunRegistryPort } from "./run-registry-port.js";
export { runPaths, type RunPaths } from "./run-paths.js";
export { newRunId, runIdPattern } from "./run-id.js";
export {
  isActive,
  isTerminal,
  runStates,
  terminalStates,
  type RunState,
  type TerminalState,
} from "./run-state.js";
export {
  currentAttempt,
  currentRecordSchema,
  placementOf,
  unreachableSince,
  type Attempt,
  type AttemptError,
  type AttemptOf,
  type AttemptReason,
  type HostLink,
  type Launcher,
  type LostCause,
  type MetricLine,
  type Orphan,
  type Placement,
  type ResumeFrom,
  type RunEvent,
  type RunRecord,
  type RuntimeKind,
  type SchedulerView,
  type StreamOffsets,
} from "./run-record.js";
export type { EventOf, LifecycleEvent, LifecycleEventType } from "./lifecycle-event.js";
export { accepts, AttemptSupersededError, IllegalEventError, reduceRun } from "./run-reducer.js";
export { migrateRecord, parseRunRecord } from "./record-migration.js";
export { walkToRunning } from "./run-walk.js";
export { attemptAwareMetrics, parseMetricLines, readRunMetrics } from "./metrics-view.js";
export { appendLines, writeFileAtomic, writeTempFile } from "./atomic-file.js";
export {
  tryFileLock,
  withFileLock,
  type HeldLock,
  type LockAttempt,
  type LockOptions,
} from "./file-lock.js";
export type { LockHolder } from "./lock-holder.js";
export { runOverview, type RunOverview } from "./run-overview.js";
export { schedulerNote } from "./scheduler-view.js";
