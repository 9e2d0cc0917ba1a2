/**
 * Decodes the stream script's output: `F <file> <offset> <length>\n` followed by exactly
 * `length` raw bytes, `H\n` (heartbeat while idle), `T <file> <size>\n` (the host's file is
 * shorter than our offset), `E\n` (a drain pass found nothing more). Bytes are handed over
 * as they arrive, so a large frame never sits in memory whole.
 */
export interface FrameHandler {
  data(file: string, offset: number, bytes: Buffer): void;
  heartbeat(): void;
  truncated(file: string, size: number): void;
  end(): void;
}

export class ProtocolError extends Error {}

const headerPattern = /^(?:F ([mlg]) (\d+) (\d+)|H|E|T ([mlg]) (\d+))$/;
const maxHeader = 128;

export class FrameDecoder {
  private header = "";
  private file = "";
  private offset = 0;
  private remaining = 0;

  constructor(private readonly handler: FrameHandler) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        this.handler.data(this.file, this.offset, chunk.subarray(at, at + take));
        this.offset += take;
        this.remaining -= take;
        at += take;
        continue;
      }
      const newline = chunk.indexOf(0x0a, at);
      const end = newline === -1 ? chunk.length : newline;
      this.header += chunk.toString("latin1", at, end);
      if (this.header.length > maxHeader) throw new ProtocolError("stream header too long");
      at = end;
      if (newline === -1) break;
      at += 1;
      this.onHeader(this.header);
      this.header = "";
    }
  }

  private onHeader(line: string): void {
    const match = headerPattern.exec(line);
    if (!match) throw new ProtocolError(`bad stream header ${JSON.stringify(line.slice(0, 40))}`);
    if (match[1] !== undefined) {
      this.file = match[1];
      this.offset = Number(match[2]);
      this.remaining = Number(match[3]);
    } else if (match[4] !== undefined) this.handler.truncated(match[4], Number(match[5]));
    else if (line === "H") this.handler.heartbeat();
    else this.handler.end();
  }

  /** True between frames: a stream that ends here ended cleanly. */
  get idle(): boolean {
    return this.remaining === 0 && this.header === "";
  }
}
