import { mkdir, readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { RunRegistry } from "../runs/index.js";
import { writeFileAtomic } from "../runs/index.js";
import type { BucketStore } from "./ports.js";
import { monitorDir } from "./stream-origin.js";

type Uploaded = Record<string, { size: number; mtimeMs: number }>;

/**
 * Mirror a run's registry files to `runs/<id>/` in the bucket so a team sees the same runs.
 * Only files whose size or mtime changed since the last upload from this machine are sent
 * (remembered in `.monitor/mirror.json`); run.json goes last, so a reader that sees the
 * record sees the files it describes. Checkpoints are CheckpointSync's job.
 */
export async function mirrorRun(
  registry: Pick<RunRegistry, "paths">,
  id: string,
  store: BucketStore,
  { force = false }: { force?: boolean } = {},
): Promise<{ uploaded: string[] }> {
  const paths = registry.paths(id);
  const stateFile = path.join(monitorDir(paths.dir), "mirror.json");
  const previous: Uploaded = force
    ? {}
    : await readFile(stateFile, "utf8")
        .then((text) => JSON.parse(text) as Uploaded)
        .catch(() => ({}));
  const logs = (await readdir(paths.logs).catch(() => [] as string[]))
    .filter((name) => /^[\w.-]+$/.test(name) && !name.startsWith("."))
    .sort()
    .map((name) => `logs/${name}`);
  const files = [
    "config.yaml",
    "events.jsonl",
    "metrics.jsonl",
    "generations.jsonl",
    ...logs,
    "run.json",
  ];
  const next: Uploaded = { ...previous };
  const uploaded: string[] = [];
  try {
    for (const relative of files) {
      const file = path.join(paths.dir, ...relative.split("/"));
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) continue;
      const seen = previous[relative];
      if (seen && seen.size === info.size && seen.mtimeMs === info.mtimeMs) continue;
      // A snapshot, not the file: logs and metrics grow while they are sent (this very
      // process appends to logs/tunectl.log), and a growing file fails the upload's checksum.
      const snapshot = await readFile(file);
      await store.put(`runs/${id}/${relative}`, snapshot);
      next[relative] = { size: snapshot.length, mtimeMs: info.mtimeMs };
      uploaded.push(relative);
    }
  } finally {
    if (uploaded.length > 0) {
      await mkdir(monitorDir(paths.dir), { recursive: true });
      await writeFileAtomic(stateFile, `${JSON.stringify(next, null, 2)}\n`);
    }
  }
  return { uploaded };
}
