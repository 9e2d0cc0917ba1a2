export { RunStreamer, type RunStreamerOptions } from "./run-streamer.js";
export {
  CheckpointSync,
  type CheckpointSyncOptions,
  type CheckpointSyncReport,
} from "./checkpoint-sync.js";
export { listCheckpoints, type CheckpointListing } from "./checkpoint-list.js";
export { stepsToRemove } from "./checkpoint-retention.js";
export type { BucketStore, MonitorHost, StoredObject } from "./ports.js";
