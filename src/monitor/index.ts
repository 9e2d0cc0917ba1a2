export { RunStreamer, type RunStreamerOptions } from "./run-streamer.js";
export type { BucketStore, MonitorHost, StoredObject } from "./ports.js";
