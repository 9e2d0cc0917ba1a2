import { readdir, stat } from "node:fs/promises";
import type { RunRegistry } from "../runs/index.js";
import { runRow, type RunRow } from "./run-rows.js";

/** A registry the feed reads: the workspace's own, or the bucket's mirror (`remote`). */
export interface RunSource {
  registry: RunRegistry;
  remote: boolean;
}

/**
 * The runs table kept current by polling the registries: a row is read again only when its
 * run.json or metrics file changed. Subscribers get every changed row. A run in more than one
 * source is the first source's.
 */
export class RunsFeed {
  private rows = new Map<string, { stamp: string; row: RunRow }>();
  private listeners = new Set<(changed: RunRow[], removed: string[]) => void>();
  private polling: Promise<void> = Promise.resolve();

  constructor(private readonly sources: RunSource[]) {}

  /** Every row, newest first, as of the latest poll. */
  snapshot(): RunRow[] {
    return [...this.rows.values()]
      .map((entry) => entry.row)
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  subscribe(listener: (changed: RunRow[], removed: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One pass over the registry; passes never overlap. */
  poll(): Promise<void> {
    this.polling = this.polling.then(() => this.pass());
    return this.polling;
  }

  /**
   * Poll until the signal aborts: every `intervalMs`, or twice as long as a pass took (a big
   * registry on a busy machine must leave the disk to the page's own requests).
   */
  async run(intervalMs: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const start = Date.now();
      await this.poll().catch(() => undefined); // a torn read is read again next pass
      const wait = Math.max(intervalMs, 2 * (Date.now() - start));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private async pass(): Promise<void> {
    const changed: RunRow[] = [];
    const seen = new Set<string>();
    for (const source of this.sources) {
      const ids = await readdir(source.registry.runsDir).catch(() => [] as string[]);
      const fresh = ids.filter((id) => !seen.has(id));
      for (const id of fresh) seen.add(id);
      await Promise.all(fresh.map((id) => this.read(source, id, changed, seen)));
    }
    const removed = [...this.rows.keys()].filter((id) => !seen.has(id));
    for (const id of removed) this.rows.delete(id);
    if (changed.length === 0 && removed.length === 0) return;
    for (const listener of this.listeners) listener(changed, removed);
  }

  private async read(
    { registry, remote }: RunSource,
    id: string,
    changed: RunRow[],
    seen: Set<string>,
  ): Promise<void> {
    const paths = registry.paths(id);
    const [record, metrics] = await Promise.all([
      stat(paths.record).catch(() => null),
      stat(paths.metrics).catch(() => null),
    ]);
    if (!record) {
      seen.delete(id); // not a run (yet)
      return;
    }
    // a run is read again only when its record or its metrics changed
    const stamp = `${remote}|${record.mtimeMs}|${record.size}|${metrics?.size ?? 0}|${metrics?.mtimeMs ?? 0}`;
    if (this.rows.get(id)?.stamp === stamp) return;
    const run = await registry.get(id).catch(() => undefined);
    if (!run) return;
    const row = await runRow(registry, run, remote);
    this.rows.set(id, { stamp, row });
    changed.push(row);
  }
}
