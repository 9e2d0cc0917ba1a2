export { evaluateRun, type EvalRequest, type EvalResult } from "./run-eval.js";
export type { EvalDeps } from "./evaluate-run.js";
export type { EvalTarget } from "./trainer-evaluate.js";
export { neverPlaced } from "./trainer-evaluate.js";
export {
  parseCheckpointSelection,
  type AvailableCheckpoint,
  type CheckpointSelection,
} from "./checkpoint-selection.js";
export { loadJudgeSpec, type LoadedJudge } from "./judge-spec.js";
export { readEvalRecords, readJudgeRecords } from "./eval-store.js";
export type { EvalRecord } from "./eval-record.js";
export type { JudgeRecord } from "./judge-record.js";
export * as evaluateEvents from "./events.js";
