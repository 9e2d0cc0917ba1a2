import { UserError } from "../../errors/index.js";
import type { RawRecord } from "../example.js";

/**
 * Parquet rows, one row group at a time (memory bounded by the largest row group).
 * Uses hyparquet (pure JavaScript) with hyparquet-compressors: uncompressed, snappy, gzip,
 * zstd, brotli, lz4 and lz4_raw pages.
 */
export async function* readParquet(localPath: string, file: string): AsyncGenerator<RawRecord[]> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } =
    await import("hyparquet");
  const { compressors } = await import("hyparquet-compressors");
  let buffer;
  let metadata;
  try {
    buffer = await asyncBufferFromFile(localPath);
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new UserError(`${file}: not a readable Parquet file: ${(error as Error).message}`, {
      code: "data.unreadable",
      cause: error,
    });
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({
      file: buffer,
      metadata,
      rowStart,
      rowEnd,
      compressors,
    });
    yield rows.map((row, i) => ({ where: `${file}[${rowStart + i}]`, value: plain(row) }));
    rowStart = rowEnd;
  }
}

/** INT64 columns arrive as bigint, which JSON cannot hold. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === "bigint") row[key] = Number(value);
  }
  return row;
}
