import { closeSync, openSync, readSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import type { MetricLine } from "../runs/index.js";
import { MetricLineSplitter } from "./metric-line-splitter.js";

export interface LocalTailFiles {
  metrics: string;
  log: string;
}

export interface LocalTailListener {
  onMetric?(line: MetricLine): void;
  onLog?(bytes: Buffer): void;
}

const length = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/**
 * The live view of a follower that does not stream the attempt itself (another tunectl
 * appends to the local files): new bytes of the local metrics and log, from their lengths at
 * start, handed over as the streamer would hand them over.
 */
export class LocalTail {
  private metricsAt: number;
  private logAt: number;
  private readonly splitter: MetricLineSplitter;

  constructor(
    private readonly files: LocalTailFiles,
    private readonly listener: LocalTailListener,
  ) {
    this.metricsAt = length(files.metrics);
    this.logAt = length(files.log);
    this.splitter = new MetricLineSplitter(unfinishedTail(files.metrics, this.metricsAt));
  }

  /** Hand over what was appended since the last call. */
  async poll(): Promise<void> {
    this.metricsAt = await this.readFrom(this.files.metrics, this.metricsAt, (b) =>
      this.metrics(b),
    );
    this.logAt = await this.readFrom(this.files.log, this.logAt, (b) => this.listener.onLog?.(b));
  }

  /**
   * The last read, synchronous: called right after this process took the stream over, before
   * its streamer can append, so every byte is handed over once and in order.
   */
  finish(): void {
    const read = (file: string, from: number, deliver: (bytes: Buffer) => void) => {
      const size = length(file);
      if (size <= from) return;
      const fd = openSync(file, "r");
      try {
        const buffer = Buffer.alloc(size - from);
        const got = readSync(fd, buffer, 0, buffer.length, from);
        deliver(buffer.subarray(0, got));
      } finally {
        closeSync(fd);
      }
    };
    read(this.files.metrics, this.metricsAt, (b) => this.metrics(b));
    read(this.files.log, this.logAt, (b) => this.listener.onLog?.(b));
  }

  private metrics(bytes: Buffer): void {
    if (!this.listener.onMetric) return;
    for (const line of this.splitter.push(bytes)) this.listener.onMetric(line);
  }

  private async readFrom(
    file: string,
    from: number,
    deliver: (bytes: Buffer) => void,
  ): Promise<number> {
    const size = length(file);
    if (size <= from) return from;
    const handle = await open(file, "r");
    try {
      let at = from;
      while (at < size) {
        const buffer = Buffer.alloc(Math.min(1024 * 1024, size - at));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
        if (bytesRead === 0) break;
        deliver(buffer.subarray(0, bytesRead));
        at += bytesRead;
      }
      return at;
    } finally {
      await handle.close();
    }
  }
}

/** The bytes after the file's last newline (a line still being written), read at once. */
function unfinishedTail(file: string, size: number): Buffer {
  if (size === 0) return Buffer.alloc(0);
  const take = Math.min(size, 1024 * 1024);
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(take);
    readSync(fd, buffer, 0, take, size - take);
    const newline = buffer.lastIndexOf(0x0a);
    return newline === -1 && take < size ? Buffer.alloc(0) : buffer.subarray(newline + 1);
  } finally {
    closeSync(fd);
  }
}
