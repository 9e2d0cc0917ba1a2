import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { safePathComponents } from "./checkpoint-manifest.js";
import type { MonitorHost } from "./ports.js";

/** Where the trainer writes event files (train.json `tracking.tensorboard`), under the attempt's host dir. */
export const tensorboardDirName = "tensorboard";
/**
 * Where they land in the run directory: a TensorBoard run of their own, beside the file
 * `tunectl export-metrics --format tensorboard` writes to tensorboard/ (same curves; one
 * directory would draw every point twice).
 */
export const localTensorboardDir = path.join("tensorboard", "trainer");

/**
 * Every regular file under the host's output/tensorboard/ with its size, one `SIZE ./PATH` a
 * line (POSIX find + wc; symlinks are not regular files to find and are left out).
 */
const listScript = `cd "$1/output/${tensorboardDirName}" 2>/dev/null || exit 0
find . -type f | while IFS= read -r f; do printf '%s %s\\n' "$(wc -c < "$f" | tr -d ' ')" "$f"; done`;

export interface TensorboardPull {
  /** Files copied this round (new or grown since the last). */
  copied: string[];
  bytes: number;
}

/**
 * Bring the attempt's TensorBoard event files home into the run directory's tensorboard/trainer/,
 * so `tensorboard --logdir .tunectl/runs` shows the run with the rest of it. An
 * event file only grows (each attempt writes its own), so a file whose local size equals the
 * host's is left alone; any other is copied whole to a temp name and renamed, so two tunectl
 * processes copying at once never leave a torn file. Nothing to do (one stat) without the dir.
 */
export async function pullTensorboard(
  host: MonitorHost,
  hostDir: string,
  runDir: string,
): Promise<TensorboardPull> {
  const remoteRoot = path.posix.join(hostDir, "output", tensorboardDirName);
  const result: TensorboardPull = { copied: [], bytes: 0 };
  if ((await host.stat(remoteRoot))?.type !== "directory") return result;
  const listed = await host.script(listScript, [hostDir], { timeoutMs: 60_000 });
  if (listed.code !== 0) {
    throw new Error(`listing ${remoteRoot} on ${host.name} failed: ${listed.stderr.trim()}`);
  }
  for (const line of listed.stdout.split("\n")) {
    const match = /^(\d+) \.\/(.+)$/.exec(line);
    const parts = match ? safePathComponents(match[2]!) : null;
    if (!match || !parts) continue;
    const size = Number(match[1]);
    const local = path.join(runDir, localTensorboardDir, ...parts);
    if ((await stat(local).catch(() => null))?.size === size) continue;
    await mkdir(path.dirname(local), { recursive: true });
    const temp = `${local}.${process.pid}.part`;
    try {
      await host.getFile(path.posix.join(remoteRoot, ...parts), temp);
      await rename(temp, local);
    } finally {
      await rm(temp, { force: true });
    }
    result.copied.push(parts.join("/"));
    result.bytes += size;
  }
  return result;
}
