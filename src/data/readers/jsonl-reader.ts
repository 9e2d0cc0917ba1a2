import { isUtf8 } from "node:buffer";
import type { Readable } from "node:stream";
import { LineRecord } from "../example.js";

// Records are yielded in small batches: a batch's parsed records stay alive until it is
// consumed, and a whole chunk's worth would outlive young-generation collections.
const batchSize = 256;

/**
 * One JSON value per line, in constant memory, yielded in batches of up to batchSize.
 * A chunk of valid UTF-8 (the usual case) is decoded once and split as text; a chunk that
 * is not is cut into lines on raw bytes, so only the bad line is reported and the rest read.
 */
export async function* readJsonl(bytes: Readable, file: string): AsyncGenerator<LineRecord[]> {
  let carry: Buffer | undefined;
  let line = 0;
  for await (const chunk of bytes as AsyncIterable<Buffer>) {
    const buffer: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const end = buffer.lastIndexOf(10) + 1;
    carry = end < buffer.length ? buffer.subarray(end) : undefined;
    if (end === 0) continue;
    const whole = buffer.subarray(0, end);
    let batch: LineRecord[] = [];
    if (isUtf8(whole)) {
      const text = whole.toString("utf8");
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        line += 1;
        const record = parseText(text.slice(start, nl), file, line);
        if (record) batch.push(record);
        start = nl + 1;
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    } else {
      let start = 0;
      for (let nl = whole.indexOf(10); nl >= 0; nl = whole.indexOf(10, start)) {
        line += 1;
        const record = parseBytes(whole.subarray(start, nl), file, line);
        if (record) batch.push(record);
        start = nl + 1;
      }
    }
    if (batch.length) yield batch;
  }
  if (carry && carry.length > 0) {
    const record = parseBytes(carry, file, line + 1);
    if (record) yield [record];
  }
}

function parseBytes(bytes: Buffer, file: string, line: number): LineRecord | undefined {
  if (!isUtf8(bytes)) return new LineRecord(file, line, undefined, "invalid UTF-8");
  return parseText(bytes.toString("utf8"), file, line);
}

function parseText(text: string, file: string, line: number): LineRecord | undefined {
  if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return new LineRecord(file, line, JSON.parse(text));
  } catch (error) {
    if (text.trim() === "") return undefined;
    return new LineRecord(file, line, undefined, `invalid JSON: ${(error as Error).message}`);
  }
}
