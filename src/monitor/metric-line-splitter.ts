import { parseMetricLines, type MetricLine } from "../runs/index.js";

/**
 * Turns appended metrics bytes into complete metric lines: a torn last line waits for the
 * rest of its bytes. Seeded with the local file's unfinished tail on restart.
 */
export class MetricLineSplitter {
  private pending: Buffer;

  constructor(unfinishedTail: Buffer = Buffer.alloc(0)) {
    this.pending = unfinishedTail;
  }

  push(bytes: Buffer): MetricLine[] {
    const newline = bytes.lastIndexOf(0x0a);
    if (newline === -1) {
      this.pending = Buffer.concat([this.pending, bytes]);
      return [];
    }
    const complete = Buffer.concat([this.pending, bytes.subarray(0, newline + 1)]);
    this.pending = Buffer.from(bytes.subarray(newline + 1));
    return parseMetricLines(complete.toString("utf8"));
  }
}
