import path from "node:path";
import { manifestName, type CheckpointManifest } from "./checkpoint-manifest.js";
import type { BucketStore, StoredObject } from "./ports.js";

export function bucketCheckpointPrefix(runId: string, step?: number): string {
  return step === undefined
    ? `runs/${runId}/checkpoints/`
    : `runs/${runId}/checkpoints/step-${step}/`;
}

/**
 * Upload a local checkpoint: files whose object already has the right size are skipped
 * (a resumed upload), the manifest goes last, so a listing that shows a manifest always
 * shows a complete checkpoint.
 */
export async function uploadCheckpoint(
  store: BucketStore,
  runId: string,
  localDir: string,
  manifest: CheckpointManifest,
  existing: Map<string, StoredObject>,
): Promise<{ bytes: number }> {
  const prefix = bucketCheckpointPrefix(runId, manifest.step);
  let bytes = 0;
  for (const file of manifest.files) {
    const key = prefix + file.path;
    if (existing.get(key)?.size === file.size) continue;
    await store.putFile(key, path.join(localDir, ...file.path.split("/")));
    bytes += file.size;
  }
  await store.putFile(prefix + manifestName, path.join(localDir, manifestName));
  return { bytes };
}
