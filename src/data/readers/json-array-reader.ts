import { isUtf8 } from "node:buffer";
import type { Readable } from "node:stream";
import { UserError } from "../../errors/index.js";
import type { RawRecord } from "../example.js";

const enum Byte {
  Quote = 0x22,
  Backslash = 0x5c,
  Comma = 0x2c,
  OpenBracket = 0x5b,
  CloseBracket = 0x5d,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * The elements of a top-level JSON array, one at a time, in constant memory (one element
 * at most). A byte scanner finds where each element ends (strings and nesting tracked; all
 * structural characters are ASCII, so UTF-8 never confuses it), then JSON.parse reads it.
 * Each element is checked for valid UTF-8 on its own, so a bad one is named by its index.
 */
export async function* readJsonArray(bytes: Readable, file: string): AsyncGenerator<RawRecord[]> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let started = false; // inside the current element
  let done = false;
  let index = 0;
  let parts: Buffer[] = [];
  let offset = 0; // bytes seen before this chunk, for messages
  let first = true;

  for await (const chunk of bytes as AsyncIterable<Buffer>) {
    const batch: RawRecord[] = [];
    let begin = -1; // start of the current element within this chunk
    if (started) begin = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === Byte.Backslash) escaped = true;
        else if (b === Byte.Quote) inString = false;
        continue;
      }
      if (depth === 0) {
        if (isSpace(b)) continue;
        if (first && b === 0xef && chunk[i + 1] === 0xbb && chunk[i + 2] === 0xbf) {
          i += 2;
          continue;
        }
        first = false;
        if (done || b !== Byte.OpenBracket) throw notAnArray(file, offset + i, done);
        depth = 1;
        continue;
      }
      if (depth === 1 && !started) {
        if (isSpace(b)) continue;
        if (b === Byte.CloseBracket) {
          depth = 0;
          done = true;
          continue;
        }
        if (b === Byte.Comma) throw malformed(file, index, "an empty element (two commas)");
        started = true;
        begin = i;
      }
      if (b === Byte.Quote) inString = true;
      else if (b === Byte.OpenBrace || b === Byte.OpenBracket) depth += 1;
      else if (b === Byte.CloseBrace || b === Byte.CloseBracket) {
        if (depth === 1) {
          // `]` closing the top-level array ends the last element
          batch.push(element(file, index++, parts, chunk.subarray(begin, i)));
          parts = [];
          started = false;
          depth = 0;
          done = true;
          continue;
        }
        depth -= 1;
      } else if (b === Byte.Comma && depth === 1) {
        batch.push(element(file, index++, parts, chunk.subarray(begin, i)));
        parts = [];
        started = false;
      }
    }
    if (started) parts.push(chunk.subarray(begin));
    offset += chunk.length;
    if (batch.length) yield batch;
  }
  if (!done) {
    if (first) throw new UserError(`${file}: the file is empty`, { code: "data.unreadable" });
    throw malformed(file, index, "the file ends inside the array (truncated?)");
  }
}

function element(file: string, index: number, parts: Buffer[], tail: Buffer): RawRecord {
  const bytes = parts.length ? Buffer.concat([...parts, tail]) : tail;
  const where = `${file}[${index}]`;
  if (!isUtf8(bytes)) return { where, value: undefined, error: "invalid UTF-8" };
  try {
    return { where, value: JSON.parse(bytes.toString("utf8")) };
  } catch (error) {
    return { where, value: undefined, error: `invalid JSON: ${(error as Error).message}` };
  }
}

function notAnArray(file: string, at: number, done: boolean): UserError {
  const why = done ? "text after the closing ]" : "the file is not a JSON array";
  return new UserError(`${file}: ${why} (byte ${at})`, {
    code: "data.unreadable",
    hint: done
      ? undefined
      : "use a .jsonl file for one record per line, or wrap records in [ ... ]",
  });
}

function malformed(file: string, index: number, what: string): UserError {
  return new UserError(`${file}[${index}]: ${what}`, { code: "data.unreadable" });
}
