import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readParquet } from "./parquet-reader.js";

// Fixtures written by pyarrow (testdata/make_parquet.py): the same 120 rows in three row
// groups, once per codec; records.jsonl holds the rows as written.
const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), "testdata");
const expected = readFileSync(path.join(testdata, "records.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as Record<string, unknown>);

async function readAll(file: string) {
  const groups: Array<Array<{ where: string; value: unknown }>> = [];
  for await (const group of readParquet(path.join(testdata, file), file)) groups.push(group);
  return groups;
}

describe("readParquet", () => {
  it.each(["zstd", "gzip", "brotli", "lz4", "snappy"])(
    "reads a %s-compressed file record for record",
    async (codec) => {
      const file = `alpaca-${codec}.parquet`;
      const groups = await readAll(file);
      expect(groups.map((group) => group.length)).toEqual([40, 40, 40]);
      const records = groups.flat();
      expect(records.map((record) => record.value)).toEqual(expected);
      expect(records[41]!.where).toBe(`${file}[41]`);
    },
  );
});
