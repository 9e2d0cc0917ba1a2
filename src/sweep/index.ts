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
