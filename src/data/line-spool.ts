import { closeSync, openSync, readSync, writeSync } from "node:fs";

const flushAt = 4 << 20;

/**
 * Rendered lines spooled to a file with their byte offsets, so any order of them can be
 * written out later without holding the dataset in memory.
 */
export class LineSpool {
  private readonly fd: number;
  private offsets = new Float64Array(1024);
  private count = 0;
  private bytes = 0;
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w+");
  }

  get length(): number {
    return this.count;
  }

  push(line: string): void {
    if (this.count + 1 >= this.offsets.length) {
      const grown = new Float64Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    const size = Buffer.byteLength(line) + 1;
    this.offsets[this.count] = this.bytes;
    this.count += 1;
    this.bytes += size;
    this.offsets[this.count] = this.bytes;
    this.pending.push(line);
    this.pendingBytes += size;
    if (this.pendingBytes >= flushAt) this.flush();
  }

  private flush(): void {
    if (!this.pending.length) return;
    writeSync(this.fd, `${this.pending.join("\n")}\n`);
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Calls `out` with batches of the given lines (newline-terminated bytes), in that order. */
  copyOut(indices: ArrayLike<number>, out: (bytes: Buffer) => void): void {
    this.flush();
    let buffer = Buffer.allocUnsafe(flushAt);
    let used = 0;
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i] as number;
      const start = this.offsets[index] as number;
      const size = (this.offsets[index + 1] as number) - start;
      if (used + size > buffer.length) {
        if (used) out(buffer.subarray(0, used));
        used = 0;
        if (size > buffer.length) buffer = Buffer.allocUnsafe(size);
        else buffer = Buffer.allocUnsafe(flushAt);
      }
      readSync(this.fd, buffer, used, size, start);
      used += size;
    }
    if (used) out(buffer.subarray(0, used));
  }

  close(): void {
    closeSync(this.fd);
  }
}
