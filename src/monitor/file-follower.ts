import { open, stat } from "node:fs/promises";

/** The last `lines` lines of a file (all of it when shorter), read from the end. */
export async function readLastLines(
  file: string,
  lines: number,
): Promise<{ text: string; end: number }> {
  const size = (await stat(file).catch(() => null))?.size ?? 0;
  if (size === 0 || lines <= 0) return { text: "", end: size };
  const handle = await open(file, "r");
  try {
    let start = size;
    let buffer = Buffer.alloc(0);
    while (start > 0) {
      const length = Math.min(64 * 1024, start);
      start -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, start);
      buffer = Buffer.concat([chunk, buffer]);
      // lines + 1 newlines (the last one may end the file) means we have enough
      let count = 0;
      for (let i = buffer.length - 2; i >= 0; i--) {
        if (buffer[i] === 0x0a && ++count === lines) {
          return { text: buffer.subarray(i + 1).toString("utf8"), end: size };
        }
      }
    }
    return { text: buffer.toString("utf8"), end: size };
  } finally {
    await handle.close();
  }
}

/**
 * Follow a file another process appends to (the streamer): hand over every new byte from
 * `from` on, polling, until the signal aborts. Returns the offset reached.
 */
export async function followFile(
  file: string,
  from: number,
  onBytes: (bytes: Buffer) => void,
  { signal, intervalMs = 250 }: { signal: AbortSignal; intervalMs?: number },
): Promise<number> {
  let offset = from;
  for (;;) {
    const size = (await stat(file).catch(() => null))?.size ?? 0;
    if (size > offset) {
      const handle = await open(file, "r");
      try {
        while (offset < size) {
          const length = Math.min(1024 * 1024, size - offset);
          const buffer = Buffer.alloc(length);
          const { bytesRead } = await handle.read(buffer, 0, length, offset);
          if (bytesRead === 0) break;
          onBytes(buffer.subarray(0, bytesRead));
          offset += bytesRead;
        }
      } finally {
        await handle.close();
      }
    }
    if (signal.aborted) return offset;
    await new Promise<void>((resolve) => {
      // one listener at a time: a follow of hours must not pile them up on the signal
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, intervalMs);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
