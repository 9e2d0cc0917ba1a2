import { describe, expect, it } from "vitest";
import { parseGenerationLines, parseMetricLines } from "./json-lines.js";

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ ts: 1, step: 1, attempt: 1, kind: "train", loss: 2.5, ...fields });

describe("metrics.jsonl lines", () => {
  it("reads each line with the attempt that wrote it", () => {
    const text = `${line({})}\n${line({ step: 1, attempt: 2 })}\n`;
    const { lines, rejected } = parseMetricLines(text);
    expect(lines.map((l) => [l.step, l.attempt])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(rejected).toEqual([]);
  });

  it("skips and lists a bad line, keeping the rest", () => {
    const text = [line({}), '{"step": 2, "kind": "train"}', "{torn", line({ step: 3 })].join("\n");
    const { lines, rejected } = parseMetricLines(text);
    expect(lines.map((l) => l.step)).toEqual([1, 3]);
    expect(rejected).toEqual([
      { line: 2, problem: expect.stringMatching(/^ts: /) as unknown as string },
      { line: 3, problem: "not valid JSON" },
    ]);
  });

  it("reads null (not measured) as absent and keeps extra metrics", () => {
    const { lines } = parseMetricLines(line({ loss: null, tokens_per_s: null, custom: 4 }));
    expect(lines[0]).not.toHaveProperty("loss");
    expect(lines[0]?.custom).toBe(4);
  });

  it("reads a line recorded before lines carried their attempt as attempt 1", () => {
    const { lines } = parseMetricLines('{"ts": 1, "step": 4, "kind": "eval", "eval_loss": 2}');
    expect(lines[0]).toMatchObject({ step: 4, attempt: 1 });
  });

  it("refuses a kind the contract does not have", () => {
    expect(parseMetricLines(line({ kind: "debug" })).rejected).toHaveLength(1);
  });
});

describe("generations.jsonl lines", () => {
  it("reads a prompt's answer with its step and attempt, and refuses a line without its prompt id", () => {
    const good = { ts: 1, step: 0, attempt: 1, prompt_id: "p1", prompt: "Q", output: "A" };
    const { lines, rejected } = parseGenerationLines(
      `${JSON.stringify(good)}\n${JSON.stringify({ ...good, prompt_id: undefined })}\n`,
    );
    expect(lines).toEqual([good]);
    expect(rejected).toEqual([
      { line: 2, problem: expect.stringMatching(/^prompt_id: /) as unknown as string },
    ]);
  });
});
