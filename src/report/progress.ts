/**
 * The payload of every progress event (`declareProgressEvent`): how far a task is. The CLI
 * draws one bar from it, whichever command and module emits it.
 */
export interface Progress {
  /** What is progressing, a short verb or noun shown before the numbers: "upload". */
  task: string;
  done: number;
  total: number;
  /** What `done` and `total` count. */
  unit: "bytes" | "items";
  /** Units per second, when measured. */
  rate?: number;
  /** Seconds left at the measured rate. */
  eta_s?: number;
  /** Further figures shown after the numbers: "rejected 12 (duplicate 7) · 3.1k tokens". */
  detail?: string;
}
