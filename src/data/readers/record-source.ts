import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createWriteStream } from "node:fs";
import type { RawRecord } from "../example.js";
import { readCsv } from "./csv-reader.js";
import { fileTypeOf, type FileType } from "./file-type.js";
import { readJsonArray } from "./json-array-reader.js";
import { readJsonl } from "./jsonl-reader.js";
import { gzipProblem, openBytes, openLocalFile, type OpenInput } from "./open-input.js";
import { readParquet } from "./parquet-reader.js";

export interface ReadOptions {
  type?: FileType | "auto";
  open?: OpenInput;
}

/** Every record of a dataset file, one at a time. */
export async function* readRecords(
  path: string,
  options: ReadOptions = {},
): AsyncGenerator<RawRecord> {
  for await (const batch of readRecordBatches(path, options)) yield* batch;
}

/**
 * Every record of a dataset file, streamed, whatever its type and compression, in batches:
 * one await per chunk rather than per record keeps small records cheap.
 */
export async function* readRecordBatches(
  path: string,
  options: ReadOptions = {},
): AsyncGenerator<RawRecord[]> {
  const open = options.open ?? openLocalFile;
  const type = fileTypeOf(path, options.type);
  if (type === "parquet") {
    yield* readParquetFrom(path, open);
    return;
  }
  const bytes = await openBytes(path, open);
  try {
    if (type === "json") yield* readJsonArray(bytes, path);
    else if (type === "jsonl") yield* readJsonl(bytes, path);
    else yield* readCsv(bytes, path, type === "csv" ? "," : "\t");
  } catch (error) {
    throw gzipProblem(error, path);
  } finally {
    bytes.destroy();
  }
}

/** Parquet needs random access: remote objects are copied to a temporary file first. */
async function* readParquetFrom(path: string, open: OpenInput): AsyncGenerator<RawRecord[]> {
  if (!path.startsWith("s3://")) {
    await (await open(path)).destroy();
    yield* readParquet(path, path);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), "tunectl-parquet-"));
  try {
    const local = join(dir, "input.parquet");
    await pipeline(await open(path), createWriteStream(local));
    yield* readParquet(local, path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type { FileType } from "./file-type.js";
export type { OpenInput } from "./open-input.js";
