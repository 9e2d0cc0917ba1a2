import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { InfraError } from "../errors/index.js";
import type { RunPaths, RunRecord, RunRegistry } from "../runs/index.js";
import { withFileLock, writeFileAtomic } from "../runs/index.js";
import { manifestName, parseManifest, safePathComponents } from "./checkpoint-manifest.js";
import { pullCheckpoint } from "./checkpoint-pull.js";
import { recordCheckpointOrigin } from "./checkpoint-retention.js";
import { bucketCheckpointPrefix } from "./checkpoint-upload.js";
import { fileSha256 } from "./file-sha256.js";
import { scanHostCheckpoints } from "./host-checkpoints.js";
import { scanLocalCheckpoints } from "./local-checkpoints.js";
import type { BucketStore, MonitorHost } from "./ports.js";

export type FetchedFrom = "local" | "host" | "bucket";

/** What fetching a checkpoint needs of the storage module's ObjectStore. */
export type CheckpointDownloadStore = BucketStore & {
  getFile(key: string, file: string): Promise<void>;
};

/**
 * One complete checkpoint in the registry (`.tunectl/runs/<id>/checkpoints/step-<N>/`):
 * kept when it is there, else pulled from the run's host, else downloaded from the bucket,
 * each file checked against the manifest, the manifest written last. Returns its directory,
 * or null when no copy is reachable.
 */
export async function fetchCheckpoint(
  registry: Pick<RunRegistry, "paths">,
  run: RunRecord,
  step: number,
  { host, store }: { host?: MonitorHost; store?: CheckpointDownloadStore },
): Promise<{ dir: string; from: FetchedFrom } | null> {
  const paths = registry.paths(run.id);
  await mkdir(paths.dir, { recursive: true });
  // (a sync round of `attach` or `sync` may be pulling the same checkpoint: one at a time)
  return withFileLock(paths.checkpointsLock, () => fetchLocked(paths, run, step, { host, store }), {
    timeoutMs: 600_000,
  });
}

async function fetchLocked(
  paths: RunPaths,
  run: RunRecord,
  step: number,
  { host, store }: { host?: MonitorHost; store?: CheckpointDownloadStore },
): Promise<{ dir: string; from: FetchedFrom } | null> {
  const dir = path.join(paths.checkpoints, `step-${step}`);
  const local = await scanLocalCheckpoints(paths.checkpoints);
  if (local.some((c) => c.step === step)) return { dir, from: "local" };

  const hostDir = run.attempts[run.attempts.length - 1]?.host_dir;
  if (host && hostDir) {
    const scan = await scanHostCheckpoints(host, hostDir).catch(() => null);
    const found = scan?.valid.find((c) => c.step === step);
    if (found) {
      await pullCheckpoint(host, found, dir);
      await recordCheckpointOrigin(paths.dir, step, { host: host.name, host_dir: hostDir });
      return { dir, from: "host" };
    }
  }
  if (store && (await downloadCheckpoint(store, run.id, step, dir))) return { dir, from: "bucket" };
  return null;
}

async function downloadCheckpoint(
  store: CheckpointDownloadStore,
  runId: string,
  step: number,
  dir: string,
): Promise<boolean> {
  const prefix = bucketCheckpointPrefix(runId, step);
  const bytes = await store.getBuffer(prefix + manifestName).catch(() => null);
  const checked = bytes ? parseManifest(bytes, step) : null;
  if (!bytes || !checked || !("manifest" in checked)) return false;
  await mkdir(dir, { recursive: true });
  for (const file of checked.manifest.files) {
    const parts = safePathComponents(file.path)!; // parseManifest refused unsafe names
    const local = path.join(dir, ...parts);
    await mkdir(path.dirname(local), { recursive: true });
    await store.getFile(prefix + file.path, local);
    if ((await fileSha256(local)) !== file.sha256) {
      await rm(local, { force: true });
      throw new InfraError(
        `checkpoint step-${step} in the bucket: ${file.path} does not match its sha256 in manifest.json`,
        {
          code: "checkpoint.sha_mismatch",
          hint: "the bucket copy is damaged; pull it from the host with tunectl sync RUN",
          data: { step, file: file.path },
        },
      );
    }
  }
  await writeFileAtomic(path.join(dir, manifestName), bytes);
  return true;
}
