import { isTunectlError } from "../errors/index.js";
import { join } from "node:path";
import { type Reporter } from "../report/index.js";
import type { ObjectStore } from "../storage/index.js";
import { parseManifest, type DatasetManifest } from "./dataset-manifest.js";
import type { PreparedDataset } from "./prepare-dataset.js";
import { stageDone, stageProgress, stageSkipped } from "./events.js";

export interface StagedDataset {
  fingerprint: string;
  /** `s3://bucket/prefix/datasets/<sha>` (or file:// for the local store). */
  uri: string;
  /** Key prefix inside the store: `datasets/<sha>/`. */
  prefix: string;
  /** False when the same data was already staged. */
  uploaded: boolean;
  bytes: number;
  /** The manifest as the bucket holds it (the first stager's; a host checks these bytes). */
  manifestBytes: Buffer;
}

/**
 * Uploads a prepared dataset to `datasets/<fingerprint>/`, the manifest last. A dataset is
 * already staged only when its manifest is there, valid, and every listed object has its
 * size; anything less (an interrupted upload) is uploaded again. Content-addressed: a
 * manifest another stager put there first is kept, not replaced, and its bytes returned.
 */
export async function stageDataset(
  prepared: PreparedDataset,
  store: ObjectStore,
  options: { reporter: Reporter },
): Promise<StagedDataset> {
  const prefix = `datasets/${prepared.fingerprint}/`;
  const uri = `${store.uri.replace(/\/$/, "")}/${prefix.slice(0, -1)}`;
  const base = { fingerprint: prepared.fingerprint, uri, prefix };
  const before = await alreadyStaged(store, prefix, prepared.manifest);
  if (before) {
    stageSkipped.emit(
      options.reporter,
      `dataset ${prepared.fingerprint.slice(0, 12)} already staged at ${uri}`,
      { uri },
    );
    return { ...base, uploaded: false, bytes: 0, manifestBytes: before };
  }
  const total = prepared.manifest.files.reduce((sum, f) => sum + f.size, 0);
  const progress = progressReporter(options.reporter, total);
  let done = 0;
  for (const file of prepared.manifest.files) {
    await store.putFile(`${prefix}${file.name}`, join(prepared.dir, file.name), {
      contentType: "application/x-ndjson",
      metadata: { sha256: file.sha256 },
      onProgress: (p) => progress(done + p.loaded),
    });
    done += file.size;
    progress(done, true);
  }
  // Manifest last, and only when no other stager finished first: the bytes of the cache
  // entry's own manifest, so every process of this workspace stages the same bytes.
  const first = await alreadyStaged(store, prefix, prepared.manifest);
  if (!first) {
    await store.putFile(`${prefix}manifest.json`, join(prepared.dir, "manifest.json"), {
      contentType: "application/json",
    });
  }
  const manifestBytes = first ?? (await store.getBuffer(`${prefix}manifest.json`));
  stageDone.emit(options.reporter, `staged ${prepared.fingerprint.slice(0, 12)} to ${uri}`, {
    uri,
    bytes: total,
  });
  return { ...base, uploaded: true, bytes: total, manifestBytes };
}

/** The bucket's manifest bytes when the dataset is wholly staged there. */
async function alreadyStaged(
  store: ObjectStore,
  prefix: string,
  local: DatasetManifest,
): Promise<Buffer | undefined> {
  // Two round trips whatever the size: the manifest, then every object's size at once.
  const bytes = await store.getBuffer(`${prefix}manifest.json`).catch((error: unknown) => {
    if (isTunectlError(error) && error.code === "storage.not_found") return undefined;
    throw error;
  });
  const remote = bytes ? parseManifest(bytes.toString("utf8")) : undefined;
  if (!bytes || !remote || remote.fingerprint !== local.fingerprint) return undefined;
  for (const file of local.files) {
    const listed = remote.files.find((f) => f.name === file.name);
    if (!listed || listed.sha256 !== file.sha256) return undefined;
  }
  const sizes = await Promise.all(local.files.map((file) => store.head(`${prefix}${file.name}`)));
  if (sizes.some((info, i) => !info || info.size !== local.files[i]!.size)) return undefined;
  return bytes;
}

/** `stage.progress` events with bytes, total, rate and ETA, at most four a second. */
function progressReporter(reporter: Reporter, total: number) {
  const started = Date.now();
  let last = 0;
  return (bytes: number, force = false) => {
    const now = Date.now();
    if (!force && now - last < 250) return;
    last = now;
    const seconds = Math.max(0.001, (now - started) / 1000);
    const rate = bytes / seconds;
    const eta = rate > 0 ? (total - bytes) / rate : undefined;
    stageProgress.emit(reporter, `uploaded ${bytes} of ${total} bytes`, {
      task: "upload",
      done: bytes,
      total,
      unit: "bytes",
      rate,
      ...(eta === undefined ? {} : { eta_s: eta }),
    });
  };
}
