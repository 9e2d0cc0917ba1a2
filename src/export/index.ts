export { exportRun, type ExportDeps, type ExportRequest, type ExportResult } from "./export-run.js";
export type { HostExportTarget } from "./host-export.js";
export { containerTrainerArgv, type HostTrainerTarget } from "./trainer-on-host.js";
export { chooseCheckpoint, type CheckpointChoice } from "./choose-checkpoint.js";
export * as exportEvents from "./events.js";
