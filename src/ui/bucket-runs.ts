import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { RunRegistry, writeFileAtomic } from "../runs/index.js";
import type { ObjectStore } from "../storage/index.js";

/** What the page reads of a mirrored run; checkpoints and evals stay in the bucket. */
const mirrored =
  /^runs\/([\w.-]+)\/(config\.yaml|events\.jsonl|metrics\.jsonl|generations\.jsonl|run\.json|logs\/[\w][\w.-]*)$/;

/**
 * Other people's runs, read from the bucket's `runs/<id>/` mirror into a registry of their
 * own (a cache under the workspace's state directory, never written by anything else), so the
 * dashboard reads them exactly as it reads the workspace's runs. Runs the workspace has itself
 * are never copied: its own registry is the fresher copy.
 */
export class BucketRuns {
  readonly registry: RunRegistry;
  private ids = new Set<string>();

  constructor(
    private readonly store: Pick<ObjectStore, "list" | "getBuffer" | "uri">,
    cacheDir: string,
    private readonly localIds: () => Promise<Set<string>>,
  ) {
    this.registry = new RunRegistry(cacheDir);
  }

  get uri(): string {
    return this.store.uri;
  }

  /** Whether a run id is one of the bucket's (not the workspace's own). */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /**
   * One pass over `runs/` in the bucket: a file is fetched again only when its size changed
   * (they grow append-only); run.json is read every pass and written, last, only when it
   * differs, so a reader that sees a record sees the files it describes.
   */
  async sync(): Promise<{ copied: string[] }> {
    const local = await this.localIds();
    const byRun = new Map<string, { key: string; file: string; size: number }[]>();
    for await (const object of this.store.list("runs/")) {
      const match = mirrored.exec(object.key);
      if (!match || local.has(match[1]!)) continue;
      const [, id, relative] = match as unknown as [string, string, string];
      const file = path.join(this.registry.paths(id).dir, ...relative.split("/"));
      const entries = byRun.get(id) ?? [];
      entries.push({ key: object.key, file, size: object.size });
      byRun.set(id, entries);
    }
    const copied: string[] = [];
    for (const [id, entries] of byRun) {
      const record = entries.find((e) => e.key.endsWith("/run.json"));
      if (!record) continue; // mirrored before run.json was: not a run yet
      for (const entry of entries) {
        if (entry === record) continue;
        const have = await stat(entry.file).catch(() => null);
        if (have?.size === entry.size) continue;
        await this.write(entry.file, await this.store.getBuffer(entry.key));
        copied.push(entry.key);
      }
      const body = await this.store.getBuffer(record.key);
      const before = await readFile(record.file).catch(() => null);
      if (!before?.equals(body)) {
        await this.write(record.file, body);
        copied.push(record.key);
      }
      this.ids.add(id);
    }
    return { copied };
  }

  private async write(file: string, body: Buffer): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, body);
  }
}
