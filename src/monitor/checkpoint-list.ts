import type { RunRecord, RunRegistry } from "../runs/index.js";
import {
  manifestName,
  manifestSize,
  parseManifest,
  type CheckpointManifest,
} from "./checkpoint-manifest.js";
import { bucketCheckpointPrefix } from "./checkpoint-upload.js";
import { scanHostCheckpoints } from "./host-checkpoints.js";
import { scanLocalCheckpoints } from "./local-checkpoints.js";
import { listAll, type BucketStore, type MonitorHost } from "./ports.js";

/** One row of `tunectl checkpoints RUN --json` (a stable shape, docs/monitor.md). */
export interface CheckpointListing {
  step: number;
  metrics: Record<string, unknown>;
  /** Bytes of the checkpoint's files (manifest excluded). */
  size: number;
  local: boolean;
  bucket: boolean;
  /** null when the host was not asked (or could not be reached). */
  host: boolean | null;
}

/**
 * Where each complete checkpoint of a run is: in the registry, in the bucket, on the host of
 * the run's latest attempt. Only complete copies count (their manifest is present).
 */
export async function listCheckpoints(
  registry: Pick<RunRegistry, "paths">,
  run: RunRecord,
  { host, store }: { host?: MonitorHost; store?: BucketStore } = {},
): Promise<CheckpointListing[]> {
  const manifests = new Map<number, CheckpointManifest>();
  const local = await scanLocalCheckpoints(registry.paths(run.id).checkpoints);
  for (const checkpoint of local) manifests.set(checkpoint.step, checkpoint.manifest);

  const inBucket = new Set<number>();
  if (store) {
    for (const object of await listAll(store, bucketCheckpointPrefix(run.id))) {
      const match = /\/step-(\d+)\/manifest\.json$/.exec(object.key);
      if (match) inBucket.add(Number(match[1]));
    }
    for (const step of inBucket) {
      if (manifests.has(step)) continue;
      const bytes = await store
        .getBuffer(bucketCheckpointPrefix(run.id, step) + manifestName)
        .catch(() => null);
      const checked = bytes ? parseManifest(bytes, step) : null;
      if (checked && "manifest" in checked) manifests.set(step, checked.manifest);
    }
  }

  let onHost: Set<number> | null = null;
  const hostDir = run.attempts[run.attempts.length - 1]?.host_dir;
  if (host && hostDir) {
    const scan = await scanHostCheckpoints(host, hostDir).catch(() => null);
    if (scan) {
      onHost = new Set(scan.valid.map((c) => c.step));
      for (const checkpoint of scan.valid) {
        if (!manifests.has(checkpoint.step)) manifests.set(checkpoint.step, checkpoint.manifest);
      }
    }
  }

  const localSteps = new Set(local.map((c) => c.step));
  return [...manifests.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, manifest]) => ({
      step,
      metrics: manifest.metrics,
      size: manifestSize(manifest),
      local: localSteps.has(step),
      bucket: inBucket.has(step),
      host: onHost ? onHost.has(step) : null,
    }));
}
