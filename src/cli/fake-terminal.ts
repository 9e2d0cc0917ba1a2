import type { Terminal } from "./io.js";

// ESC [ params letter: the only escapes the writer and the colours use.
const escapeSequence = new RegExp(`^${String.fromCharCode(27)}\\[[0-9;]*([A-Za-z])`);

/** A stream that records what was written, as a TTY of some width or as a pipe. */
export class FakeStream {
  text = "";
  constructor(
    readonly isTTY: boolean,
    readonly columns?: number,
  ) {}

  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }

  /**
   * What a person sees: the text played on a terminal that knows `\r`, `\n`, erase to end
   * of line (`ESC[K`) and ignores colours (`ESC[...m`). Rows are kept whole (no wrapping).
   */
  screen(): string[] {
    const rows: string[][] = [[]];
    let col = 0;
    const text = this.text;
    for (let i = 0; i < text.length; i++) {
      const row = rows[rows.length - 1]!;
      const ch = text[i]!;
      if (ch === "\x1b") {
        const match = escapeSequence.exec(text.slice(i));
        if (!match)
          throw new Error(`unknown escape at ${i}: ${JSON.stringify(text.slice(i, i + 8))}`);
        if (match[1] === "K") row.length = col;
        else if (match[1] !== "m") throw new Error(`cursor movement ${JSON.stringify(match[0])}`);
        i += match[0].length - 1;
      } else if (ch === "\r") col = 0;
      else if (ch === "\n") {
        rows.push([]);
        col = 0;
      } else {
        row[col++] = ch;
      }
    }
    return rows.map((row) => row.join(""));
  }
}

/** A Terminal for createIo in tests: two fake streams, an environment, a fixed clock. */
export function fakeTerminal(
  options: { tty?: boolean; columns?: number; env?: Record<string, string> } = {},
): Terminal & { stdout: FakeStream; stderr: FakeStream } {
  const tty = options.tty ?? false;
  return {
    stdout: new FakeStream(tty, options.columns),
    stderr: new FakeStream(tty, options.columns),
    env: options.env ?? {},
    now: () => new Date("2026-01-02T03:04:05.000Z"),
  };
}
