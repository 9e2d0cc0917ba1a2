/**
 * A checkpoint's manifest.json as the trainer writes it (scripts/trainer/trainer/checkpoint.py):
 * `{format, run_id, step, created, metrics, files: [{path, size, sha256}]}`, written last.
 * Everything in it comes from the host and is checked before it names a local path.
 */
export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

export interface CheckpointManifest {
  step: number;
  metrics: Record<string, unknown>;
  files: ManifestFile[];
  [key: string]: unknown;
}

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
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return { problem: "manifest.json is not JSON" };
  }
  if (typeof value !== "object" || value === null) return { problem: "manifest is not an object" };
  const raw = value as Record<string, unknown>;
  if (raw.step !== expectedStep) {
    return { problem: `manifest step ${String(raw.step)} differs from step-${expectedStep}` };
  }
  if (!Array.isArray(raw.files)) return { problem: "manifest has no files list" };
  const files: ManifestFile[] = [];
  const seen = new Set<string>();
  for (const entry of raw.files as unknown[]) {
    const file = entry as Partial<ManifestFile> | null;
    if (
      typeof file?.path !== "string" ||
      !Number.isSafeInteger(file.size) ||
      (file.size as number) < 0 ||
      typeof file.sha256 !== "string" ||
      !/^[0-9a-f]{64}$/.test(file.sha256)
    ) {
      return { problem: `manifest entry ${JSON.stringify(entry).slice(0, 80)} is malformed` };
    }
    if (!safePathComponents(file.path) || file.path === manifestName) {
      return { problem: `unsafe file name ${JSON.stringify(file.path.slice(0, 80))}` };
    }
    if (seen.has(file.path)) return { problem: `file ${file.path} listed twice` };
    seen.add(file.path);
    files.push({ path: file.path, size: file.size as number, sha256: file.sha256 });
  }
  const metrics =
    typeof raw.metrics === "object" && raw.metrics !== null
      ? (raw.metrics as Record<string, unknown>)
      : {};
  return { manifest: { ...raw, step: expectedStep, metrics, files } };
}

export function manifestSize(manifest: CheckpointManifest): number {
  return manifest.files.reduce((total, file) => total + file.size, 0);
}
