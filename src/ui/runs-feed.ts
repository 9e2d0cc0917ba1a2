import { stat } from "node:fs/promises";
import type { RunRegistry } from "../runs/index.js";
import { runRow, type RunRow } from "./run-rows.js";

/**
 * The runs table kept current by polling the registry: a row is read again only when its
 * run.json or metrics file changed. Subscribers get every changed row.
 */
export class RunsFeed {
  private rows = new Map<string, { stamp: string; row: RunRow }>();
  private listeners = new Set<(changed: RunRow[], removed: string[]) => void>();
  private polling: Promise<void> = Promise.resolve();

  constructor(private readonly registry: RunRegistry) {}

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

  /** Poll every `intervalMs` until the signal aborts. */
  async run(intervalMs: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.poll().catch(() => undefined); // a torn read is read again next pass
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  private async pass(): Promise<void> {
    const runs = await this.registry.list();
    const changed: RunRow[] = [];
    const seen = new Set<string>();
    await Promise.all(
      runs.map(async (run) => {
        seen.add(run.id);
        const metrics = await stat(this.registry.paths(run.id).metrics).catch(() => null);
        const stamp = `${run.updated_at}|${metrics?.size ?? 0}|${metrics?.mtimeMs ?? 0}`;
        if (this.rows.get(run.id)?.stamp === stamp) return;
        const row = await runRow(this.registry, run);
        this.rows.set(run.id, { stamp, row });
        changed.push(row);
      }),
    );
    const removed = [...this.rows.keys()].filter((id) => !seen.has(id));
    for (const id of removed) this.rows.delete(id);
    if (changed.length === 0 && removed.length === 0) return;
    for (const listener of this.listeners) listener(changed, removed);
  }
}
