import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Workspace } from "../config/index.js";
import { writeFileAtomic } from "../runs/index.js";
import type { StagedFile } from "./dataset-transfer.js";

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
