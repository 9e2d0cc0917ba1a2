import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Workspace } from "../config/index.js";
import { stageDataset, type PreparedDataset } from "../data/index.js";
import type { Reporter } from "../report/index.js";
import { withFileLock, writeFileAtomic } from "../runs/index.js";
import type { ObjectStore } from "../storage/index.js";
import { withManifest, type StagedFile } from "./dataset-transfer.js";
import { stageWaiting } from "./events.js";

/**
 * What this workspace last staged for a dataset fingerprint, per object store. With it, a
 * launch of unchanged data asks the bucket nothing (and does not load the AWS SDK); a host
 * that lacks the data still has the staging re-checked before it fetches anything.
 */
export interface StagedMarker {
  uri: string;
  prefix: string;
  files: StagedFile[];
}

function markerPath(workspace: Workspace, fingerprint: string): string {
  const store = createHash("sha256")
    .update(JSON.stringify(workspace.config.storage))
    .digest("hex")
    .slice(0, 16);
  return path.join(workspace.stateDir, "cache", "staged", `${fingerprint}.${store}.json`);
}

export async function readStagedMarker(
  workspace: Workspace,
  fingerprint: string,
): Promise<StagedMarker | undefined> {
  try {
    const marker = JSON.parse(
      await readFile(markerPath(workspace, fingerprint), "utf8"),
    ) as StagedMarker;
    return Array.isArray(marker.files) && typeof marker.prefix === "string" ? marker : undefined;
  } catch {
    return undefined;
  }
}

export async function writeStagedMarker(
  workspace: Workspace,
  fingerprint: string,
  marker: StagedMarker,
): Promise<void> {
  const file = markerPath(workspace, fingerprint);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(marker));
}

export interface WorkspaceStagingDeps {
  workspace: Workspace;
  reporter: Reporter;
  store(): Promise<ObjectStore>;
}

export interface WorkspaceStaging {
  marker: StagedMarker;
  /** True when the marker was taken as it was, without asking the bucket. */
  known: boolean;
  uploaded: boolean;
  bytes: number;
}

/**
 * Stages a prepared dataset for this workspace and keeps its staged marker: the one staging
 * path of `run`, `resume` and `data stage`. With `trustMarker`, a marker from an earlier
 * staging is used without asking the bucket. Stagers of the same data in this workspace take
 * turns under a lock (the first uploads, the others find it staged); the marker holds the
 * bucket's own manifest bytes, which a host checks what it fetches against.
 */
export async function stageForWorkspace(
  deps: WorkspaceStagingDeps,
  prepared: PreparedDataset,
  { trustMarker }: { trustMarker: boolean },
): Promise<WorkspaceStaging> {
  const { workspace, reporter } = deps;
  const known = async () => {
    const marker = trustMarker
      ? await readStagedMarker(workspace, prepared.fingerprint)
      : undefined;
    return marker && { marker, known: true, uploaded: false, bytes: 0 };
  };
  const before = await known();
  if (before) return before;
  const file = markerPath(workspace, prepared.fingerprint);
  await mkdir(path.dirname(file), { recursive: true });
  const lock = file.replace(/\.json$/, ".lock");
  const onWait = ({ pid }: { pid: number }) =>
    stageWaiting.emit(
      reporter,
      `waiting for tunectl process ${pid}, staging the same data ${prepared.fingerprint.slice(0, 12)}`,
      { pid, fingerprint: prepared.fingerprint },
    );
  return withFileLock(
    lock,
    async () => {
      const meanwhile = await known();
      if (meanwhile) return meanwhile;
      const staged = await stageDataset(prepared, await deps.store(), { reporter });
      const marker: StagedMarker = {
        uri: staged.uri,
        prefix: staged.prefix,
        files: withManifest(prepared.manifest.files, staged.manifestBytes),
      };
      await writeStagedMarker(workspace, prepared.fingerprint, marker);
      return { marker, known: false, uploaded: staged.uploaded, bytes: staged.bytes };
    },
    { timeoutMs: Infinity, onWait },
  );
}
