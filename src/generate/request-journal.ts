import { open, readFile, truncate, type FileHandle } from "node:fs/promises";

/** One completed request, as the journal keeps it: enough to rebuild its records without it. */
export interface JournalEntry {
  /** Our request id, `<stage>-<index>`: the journal's key. */
  id: string;
  stage: string;
  index: number;
  /** The endpoint's own id for the request (x-request-id or the completion id), if any. */
  request_id?: string;
  seed_ids: string[];
  /** Indices of the generated tasks shown in the prompt, or the instruction answered. */
  machine_indices: number[];
  content: string;
  finish_reason: string;
  usage: { input_tokens: number; output_tokens: number };
  cost_usd: number;
  attempts: number;
  ts: string;
}

/**
 * Append-only JSONL of completed requests, each line fsync'd before the request counts as
 * done, so a killed run loses at most the requests in flight and never repeats a completed
 * one. A line torn by a kill mid-write is cut off when the journal is reopened.
 */
export class RequestJournal {
  /** Lines waiting for the next write; every append that comes in while one is on its way shares the next. */
  private queued: string[] = [];
  private next?: Promise<void>;
  private flushing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    readonly entries: Map<string, JournalEntry>,
  ) {}

  static async open(file: string): Promise<RequestJournal> {
    const entries = new Map<string, JournalEntry>();
    let text = "";
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const whole = text.lastIndexOf("\n") + 1;
    if (whole < text.length) await truncate(file, Buffer.byteLength(text.slice(0, whole)));
    for (const line of text.slice(0, whole).split("\n")) {
      if (line.trim() === "") continue;
      try {
        const entry = JSON.parse(line) as JournalEntry;
        if (typeof entry.id === "string") entries.set(entry.id, entry);
      } catch {
        // a line that is not JSON cannot be ours to replay; the request is sent again
      }
    }
    return new RequestJournal(await open(file, "a", 0o644), entries);
  }

  /**
   * Resolves once the entry is on disk. Group commit: the entries that arrive while a write is
   * being synced go out together in the next write and share its sync.
   */
  append(entry: JournalEntry): Promise<void> {
    this.entries.set(entry.id, entry);
    this.queued.push(`${JSON.stringify(entry)}\n`);
    this.next ??= this.flushing.then(async () => {
      const lines = this.queued.join("");
      this.queued = [];
      this.next = undefined;
      await this.handle.write(lines);
      await this.handle.datasync();
    });
    const write = this.next;
    this.flushing = write.catch(() => undefined);
    return write;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle.close();
  }
}
