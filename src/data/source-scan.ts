import type { DatasetSource } from "../config/index.js";
import { exampleReader } from "./formats/read-example.js";
import { renderRecord } from "./record-render.js";
import { readRecordBatches } from "./readers/record-source.js";
import { ScannedLine, type ScanOptions, type ScannedRecord } from "./scanned-record.js";
import { scanTextLabel } from "./text-label-scan.js";

export type { ScanOptions, ScannedRecord } from "./scanned-record.js";

/**
 * Reads, checks and renders every record of one source, streaming; invalid records go to the
 * problem collector and are not visited. Stops after the source's `max_records` good ones.
 */
export async function scanSource(
  source: DatasetSource,
  options: ScanOptions,
  visit: (record: ScannedRecord) => void | Promise<void>,
): Promise<{ records: number; invalid: number }> {
  if (source.format === "text-label") return scanTextLabel(source, options, visit);
  const read = exampleReader(source);
  const limit = source.max_records ?? Infinity;
  let records = 0;
  let invalid = 0;
  if (limit === 0) return { records, invalid };
  const reading = readRecordBatches(source.path, {
    type: source.type,
    ...(options.open ? { open: options.open } : {}),
  });
  try {
    for await (const batch of reading) {
      for (const raw of batch) {
        const result = read(raw);
        if (result.problems) {
          invalid += 1;
          options.problems.addRecord(result.problems);
          continue;
        }
        if (result.warnings.length) options.problems.addWarnings(result.warnings);
        const { rendered, line } = renderRecord(result.example, options.template);
        const pending = visit(new ScannedLine(result.example, rendered, line, raw));
        if (pending) await pending;
        records += 1;
        if (records >= limit) return { records, invalid };
      }
    }
  } finally {
    await reading.return(undefined);
  }
  return { records, invalid };
}
