import { stat } from "node:fs/promises";
import { join } from "node:path";

export interface ManifestFile {
  name: string;
  size: number;
  sha256: string;
}

/** `manifest.json` of a rendered dataset: written last, so a directory without it is incomplete. */
export interface DatasetManifest {
  fingerprint: string;
  format_version: 1;
  files: ManifestFile[];
  records: { train: number; eval: number };
  template: string;
  sources: Array<{
    path: string;
    format: string;
    split: "train" | "eval";
    records: number;
    invalid: number;
  }>;
  /** Present when data.train sources have weights: what each gave the training set. */
  mixture?: {
    total: number;
    sources: Array<{ path: string; available: number; taken: number }>;
  };
  duplicates_dropped: number;
  invalid_skipped: number;
  created_at: string;
}

export function parseManifest(text: string): DatasetManifest | undefined {
  try {
    const value = JSON.parse(text) as DatasetManifest;
    const ok =
      typeof value.fingerprint === "string" &&
      /^[0-9a-f]{64}$/.test(value.fingerprint) &&
      Array.isArray(value.files) &&
      value.files.every(
        (f) =>
          typeof f.name === "string" && typeof f.size === "number" && typeof f.sha256 === "string",
      ) &&
      typeof value.records?.train === "number";
    return ok ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A local dataset directory is usable when every file the manifest lists has its size. */
export async function localFilesMatch(dir: string, manifest: DatasetManifest): Promise<boolean> {
  for (const file of manifest.files) {
    try {
      if ((await stat(join(dir, file.name))).size !== file.size) return false;
    } catch {
      return false;
    }
  }
  return true;
}
