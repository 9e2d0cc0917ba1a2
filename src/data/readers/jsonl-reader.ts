import { isUtf8 } from "node:buffer";
import type { Readable } from "node:stream";
import type { RawRecord } from "../example.js";

/**
 * One JSON value per line, in constant memory: lines are cut on raw bytes, each checked for
 * valid UTF-8 before decoding, so one bad line is reported and the rest still read.
 */
export async function* readJsonl(bytes: Readable, file: string): AsyncGenerator<RawRecord> {
  let carry: Buffer | undefined;
  let line = 0;
  for await (const chunk of bytes as AsyncIterable<Buffer>) {
    const buffer: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    let newline = buffer.indexOf(10, start);
    while (newline >= 0) {
      line += 1;
      const record = parseLine(buffer.subarray(start, newline), file, line);
      if (record) yield record;
      start = newline + 1;
      newline = buffer.indexOf(10, start);
    }
    carry = start < buffer.length ? buffer.subarray(start) : undefined;
  }
  if (carry && carry.length > 0) {
    const record = parseLine(carry, file, line + 1);
    if (record) yield record;
  }
}

function parseLine(bytes: Buffer, file: string, line: number): RawRecord | undefined {
  const where = `${file}:${line}`;
  if (!isUtf8(bytes)) return { where, value: undefined, error: "invalid UTF-8" };
  let text = bytes.toString("utf8");
  if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") return undefined;
  try {
    return { where, value: JSON.parse(text) };
  } catch (error) {
    return { where, value: undefined, error: `invalid JSON: ${(error as Error).message}` };
  }
}
