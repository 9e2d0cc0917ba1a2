import { StringDecoder } from "node:string_decoder";

export interface WritableText {
  write(text: string): unknown;
}

const clearLine = "\r\x1b[K";
/** A trainer line longer than this without a newline (a `\r` progress bar) is let through. */
const maxPending = 4096;

/**
 * The one writer of stderr: whole lines, and below them at most one status line that is
 * redrawn in place. A line arriving while the status line shows clears it, prints, and draws
 * it again, in a single write, so the two never run into each other. Bytes passed through
 * (the trainer's log) are held until their line is complete for the same reason. When the
 * stream is not live (a pipe, a file, TERM=dumb) there is no status line at all.
 */
export class StatusWriter {
  private shown = "";
  private pending = "";
  private readonly decoder = new StringDecoder("utf8");

  constructor(
    private readonly stream: WritableText,
    private readonly live: boolean,
    private readonly width: () => number,
  ) {}

  /** One or more complete lines (a trailing newline is added). */
  line(text: string): void {
    const body = text.endsWith("\n") ? text : `${text}\n`;
    if (this.shown) this.stream.write(`${clearLine}${body}${this.shown}`);
    else this.stream.write(body);
  }

  /** Write to another stream on the same terminal (stdout) without breaking the status line. */
  beside(write: () => void): void {
    if (!this.shown) return write();
    this.stream.write(clearLine);
    write();
    this.stream.write(this.shown);
  }

  /** Show `text` as the status line (cut to the width), or remove it with null. */
  status(text: string | null): void {
    if (!this.live) return;
    const next = text === null ? "" : fit(text, this.width());
    if (next === this.shown) return;
    this.stream.write(`${clearLine}${next}`);
    this.shown = next;
  }

  /** Raw output of another process: printed line by line above the status line. */
  passthrough(chunk: string | Uint8Array): void {
    this.pending += typeof chunk === "string" ? chunk : this.decoder.write(Buffer.from(chunk));
    const cut = this.pending.lastIndexOf("\n");
    if (cut >= 0) {
      this.line(this.pending.slice(0, cut + 1));
      this.pending = this.pending.slice(cut + 1);
    }
    if (this.pending.length > maxPending) {
      this.line(this.pending);
      this.pending = "";
    }
  }

  /** Flush a partial passthrough line and remove the status line. */
  end(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = "";
    if (rest) this.line(rest);
    this.status(null);
  }
}

/** One row of the terminal: no newlines, at most width - 1 characters (no auto-wrap). */
export function fit(text: string, width: number): string {
  const flat = text.replace(/[\r\n]+/g, " ");
  const room = Math.max(1, width - 1);
  return flat.length > room ? `${flat.slice(0, Math.max(0, room - 1))}…` : flat;
}
