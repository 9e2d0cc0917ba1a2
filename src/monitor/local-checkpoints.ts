import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import {
  manifestName,
  parseManifest,
  stepOfDirName,
  type CheckpointManifest,
} from "./checkpoint-manifest.js";

export interface LocalCheckpoint {
  step: number;
  dir: string;
  manifest: CheckpointManifest;
}

/** Checkpoints complete in the registry: a local step directory whose manifest was written (last). */
export async function scanLocalCheckpoints(checkpointsDir: string): Promise<LocalCheckpoint[]> {
  const names = await readdir(checkpointsDir).catch(() => [] as string[]);
  const found: LocalCheckpoint[] = [];
  for (const name of names) {
    const step = stepOfDirName(name);
    if (step === null) continue;
    const dir = path.join(checkpointsDir, name);
    const bytes = await readFile(path.join(dir, manifestName)).catch(() => null);
    if (!bytes) continue;
    const checked = parseManifest(bytes, step);
    if ("manifest" in checked) found.push({ step, dir, manifest: checked.manifest });
  }
  return found.sort((a, b) => a.step - b.step);
}
