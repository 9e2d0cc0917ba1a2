import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { UserError } from "../../errors/index.js";
import type { RawRecord } from "../example.js";

/**
 * CSV/TSV with a header row; each row becomes an object keyed by the header. Rows with a wrong
 * number of columns are reported on their own line, not fatal. Invalid UTF-8 stops the read
 * with the line it was found on (a byte stream gives no safe place to resume).
 */
export async function* readCsv(
  bytes: Readable,
  file: string,
  delimiter: "," | "\t",
): AsyncGenerator<RawRecord[]> {
  // Held until the parser exists: a broken .gz fails at once, while csv-parse still loads.
  let early: Error | undefined;
  const holdEarly = (error: Error) => (early ??= error);
  bytes.on("error", holdEarly);
  // Loaded on first use: most experiments never read CSV, and start-up time matters.
  const { parse } = await import("csv-parse");
  const decoder = utf8Check(file);
  const parser = parse({
    delimiter,
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // TSV files rarely quote; a stray quote inside a field must not swallow lines
    quote: delimiter === "\t" ? false : '"',
  });
  bytes.off("error", holdEarly);
  bytes.on("error", (error) => decoder.destroy(error));
  if (early) throw early;
  decoder.on("error", (error) => parser.destroy(error));
  bytes.pipe(decoder).pipe(parser);

  let header: string[] | undefined;
  try {
    for await (const row of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!header) {
        header = row.record.map((name) => name.trim());
        continue;
      }
      const where = `${file}:${row.info.lines}`;
      if (row.record.length !== header.length) {
        yield [
          {
            where,
            value: undefined,
            error: `${row.record.length} columns, the header has ${header.length}`,
          },
        ];
        continue;
      }
      const value: Record<string, string> = {};
      header.forEach((name, i) => (value[name] = row.record[i] as string));
      yield [{ where, value }];
    }
  } catch (error) {
    // a broken .gz under the CSV is said as such by the record source
    if (error instanceof UserError || isZlibError(error)) throw error;
    throw new UserError(
      `${file}: cannot parse as ${delimiter === "," ? "CSV" : "TSV"}: ${(error as Error).message}`,
      {
        code: "data.unreadable",
        cause: error,
      },
    );
  }
}

function utf8Check(file: string): Transform {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let line = 1;
  return new Transform({
    decodeStrings: true,
    transform(chunk: Buffer, _encoding, done) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        return done(invalidUtf8(file, line, chunk));
      }
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) line += 1;
      done(null, chunk);
    },
    flush(done) {
      try {
        decoder.decode();
        done();
      } catch {
        done(invalidUtf8(file, line, Buffer.alloc(0)));
      }
    },
  });
}

function invalidUtf8(file: string, line: number, chunk: Buffer): UserError {
  // the chunk may span lines: find the first line that is itself invalid
  let at = line;
  let start = 0;
  for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
    if (!Buffer.from(chunk.subarray(start, nl)).toString("utf8").includes("\ufffd")) {
      start = nl + 1;
      at += 1;
      continue;
    }
    break;
  }
  return new UserError(`${file}:${at}: invalid UTF-8`, {
    code: "data.invalid",
    hint: "re-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)",
  });
}

function isZlibError(error: unknown): boolean {
  return String((error as NodeJS.ErrnoException)?.code ?? "").startsWith("Z_");
}
