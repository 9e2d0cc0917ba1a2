import { describe, expect, it } from "vitest";
import type { MetricLine } from "../contract/index.js";
import { latestDataLines, renderDataLine } from "./data-line.js";

const data = (attempt: number, split: string, truncated: number): MetricLine => ({
  ts: 1,
  step: 0,
  attempt,
  kind: "data",
  split: split as "train" | "eval",
  records: 40,
  truncated,
  dropped: 1,
  tokens: 9000,
  max_seq_len: 256,
});

describe("the trainer's data lines", () => {
  it("read as one line each; other kinds are not data lines", () => {
    expect(renderDataLine(data(2, "train", 3))).toBe(
      "trainer read train.jsonl (attempt 2): 40 records, 3 truncated at max_seq_len 256, 1 without a trained token (dropped), 9000 tokens",
    );
    expect(renderDataLine({ ts: 1, step: 1, attempt: 1, kind: "train", loss: 2 })).toBeNull();
  });

  it("show keeps the latest attempt's", () => {
    const lines = [
      data(1, "train", 3),
      data(1, "eval", 0),
      data(2, "train", 5),
      data(2, "eval", 1),
    ];
    expect(latestDataLines(lines).map((l) => [l.attempt, l.split, l.truncated])).toEqual([
      [2, "train", 5],
      [2, "eval", 1],
    ]);
    expect(latestDataLines([])).toEqual([]);
  });
});
