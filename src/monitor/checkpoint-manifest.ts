import {
  checkDocument,
  checkpointManifestSchema,
  type CheckpointManifest,
  type ManifestFile,
} from "../contract/index.js";

/**
 * A checkpoint's manifest.json as the trainer writes it (scripts/trainer/trainer/checkpoint.py),
 * in the shape src/contract/ defines. Everything in it comes from the host: beyond the schema,
 * every file name is checked before it names a local path.
 */
export type { CheckpointManifest, ManifestFile };

export const manifestName = "manifest.json";
const stepDirPattern = /^step-(\d{1,12})$/;
const safeComponent = /^[A-Za-z0-9._+=@,-]{1,255}$/;

/** The step of a checkpoint directory name, or null for anything else. */
export function stepOfDirName(name: string): number | null {
  const match = stepDirPattern.exec(name);
  return match ? Number(match[1]) : null;
}

/** `a/b.bin` -> ["a", "b.bin"]; null for absolute paths, `..`, `.`, empty or odd characters. */
export function safePathComponents(relative: string): string[] | null {
  const parts = relative.split("/");
  for (const part of parts) {
    if (!safeComponent.test(part) || part === "." || part === "..") return null;
  }
  return parts;
}

export type ManifestCheck = { manifest: CheckpointManifest } | { problem: string };

export function parseManifest(bytes: Buffer, expectedStep: number): ManifestCheck {
  const checked = checkDocument(checkpointManifestSchema, bytes);
  if (!checked.ok)
    return { problem: `manifest.json breaks the trainer contract: ${checked.problem}` };
  const manifest = checked.value;
  if (manifest.step !== expectedStep) {
    return { problem: `manifest step ${manifest.step} differs from step-${expectedStep}` };
  }
  const seen = new Set<string>();
  for (const file of manifest.files) {
    if (!safePathComponents(file.path) || file.path === manifestName) {
      return { problem: `unsafe file name ${JSON.stringify(file.path.slice(0, 80))}` };
    }
    if (seen.has(file.path)) return { problem: `file ${file.path} listed twice` };
    seen.add(file.path);
  }
  return { manifest };
}

export function manifestSize(manifest: CheckpointManifest): number {
  return manifest.files.reduce((total, file) => total + file.size, 0);
}
