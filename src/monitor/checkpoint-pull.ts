import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { InfraError } from "../errors/index.js";
import { writeFileAtomic } from "../runs/index.js";
import { manifestName, safePathComponents, type ManifestFile } from "./checkpoint-manifest.js";
import { fileSha256 } from "./file-sha256.js";
import type { HostCheckpoint } from "./host-checkpoints.js";
import type { MonitorHost } from "./ports.js";

/**
 * Pull one complete checkpoint into `localDir` (…/checkpoints/step-<N>): each file resumed
 * from its local length, checked against the manifest's sha256, the manifest written last
 * so a half-pulled checkpoint is never taken for a complete one. Files are fetched a few at
 * a time; a file is hashed while the next ones download.
 */
export async function pullCheckpoint(
  host: MonitorHost,
  checkpoint: HostCheckpoint,
  localDir: string,
  { concurrency = 4 }: { concurrency?: number } = {},
): Promise<{ bytes: number }> {
  await mkdir(localDir, { recursive: true });
  let bytes = 0;
  const queue = [...checkpoint.manifest.files];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      bytes += await pullFile(host, checkpoint, file, localDir);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  await writeFileAtomic(path.join(localDir, manifestName), checkpoint.manifestBytes);
  return { bytes };
}

async function pullFile(
  host: MonitorHost,
  checkpoint: HostCheckpoint,
  file: ManifestFile,
  localDir: string,
): Promise<number> {
  const parts = safePathComponents(file.path);
  if (!parts) throw new Error(`unsafe checkpoint file name ${file.path}`); // parseManifest refuses these first
  const local = path.join(localDir, ...parts);
  const remote = path.posix.join(checkpoint.dir, ...parts);
  await mkdir(path.dirname(local), { recursive: true });
  let moved = 0;
  for (let round = 0; round < 2; round++) {
    const have = (await stat(local).catch(() => null))?.size ?? -1;
    if (have > file.size) await rm(local, { force: true });
    if (have !== file.size) {
      const from = have > 0 && have < file.size ? have : 0;
      await host.getFile(remote, local, from > 0 ? { offset: from } : {});
      moved += file.size - from;
    }
    if ((await fileSha256(local)) === file.sha256) return moved;
    // A resumed part may have been written by a different version of the file: start over.
    await rm(local, { force: true });
  }
  throw new InfraError(
    `checkpoint step-${checkpoint.step} on ${host.name}: ${file.path} does not match its sha256 in manifest.json`,
    {
      code: "checkpoint.sha_mismatch",
      hint: "the file changed on the host after its manifest was written; the next sync tries again",
      data: { step: checkpoint.step, file: file.path },
    },
  );
}
