export {
  loadSweepSpec,
  invalidSweepSpec,
  type LoadedSweep,
  type SweepLoadOptions,
} from "./load-sweep.js";
export {
  sweepSpecSchema,
  searchMethods,
  type SweepSpec,
  type SearchMethod,
} from "./spec-schema.js";
export { trialId, type Trial } from "./resolve-trial.js";
export { gridAssignments, paramsOf, type Assignment, type Setting } from "./assignments.js";
export { canonicalJson } from "./canonical-json.js";
export {
  searchSpace,
  assignmentsFor,
  type SearchSpace,
  type Distribution,
} from "./search-space.js";
export {
  startOptunaBridge,
  bridgeScript,
  type OptunaBridge,
  type BridgeOptions,
  type TrialOutcome,
  type PrunerOptions,
} from "./optuna-bridge.js";
export { askTrial, type AskedConfig } from "./ask-trials.js";
export { SweepRegistry } from "./sweep-registry.js";
export { sweepRecordSchema, type SweepRecord, type SweepTrialEntry } from "./sweep-record.js";
export {
  sweepLeaderboard,
  sweepLabel,
  trialLabel,
  type Leaderboard,
  type LeaderboardRow,
} from "./leaderboard.js";
export { runSweep, type RunSweepOptions, type SweepRunResult } from "./run-sweep.js";
export { runTrialQueue, type QueuedTrial, type TrialEnd, type QueueResult } from "./trial-queue.js";
export { cancelSweep, type SweepCancelResult } from "./cancel-sweep.js";
export { watchSweep, type WatchSweepOptions } from "./watch-sweep.js";
export { sweepPython } from "./sweep-python.js";
