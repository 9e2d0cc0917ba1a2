export {
  monitorAttempt,
  type AttemptMonitor,
  type AttemptMonitorOptions,
} from "./attempt-monitor.js";
export { RunStreamer, type CatchUpOutcome, type RunStreamerOptions } from "./run-streamer.js";
export { streamsCaughtUp, type SettleCatchUpOptions } from "./settle-catch-up.js";
export {
  CheckpointSync,
  type CheckpointSyncOptions,
  type CheckpointSyncReport,
} from "./checkpoint-sync.js";
export { listCheckpoints, type CheckpointListing } from "./checkpoint-list.js";
export { stepsToRemove } from "./checkpoint-retention.js";
export { mirrorRun } from "./mirror-run.js";
export { catchUpRun, type CatchUpResult } from "./run-catch-up.js";
export { followFile, readLastLines } from "./file-follower.js";
export {
  applyMetric,
  etaSeconds,
  formatDuration,
  renderProgressLine,
  renderStepLine,
  type LiveState,
} from "./live-view.js";
export type { BucketStore, MonitorHost, StoredObject } from "./ports.js";
export { gpuRows, unreachableGpuRow, type GpuRow } from "./gpu-view.js";
export { monitorReconnected, monitorUnreachable } from "./events.js";
export {
  fetchCheckpoint,
  type CheckpointDownloadStore,
  type FetchedFrom,
} from "./checkpoint-fetch.js";
export { latestDataLines, renderDataLine } from "./data-line.js";
