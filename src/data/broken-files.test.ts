import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../errors/index.js";
import { inspectDataFile, renderDataFile } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "tunectl-data-test-"));
const file = (name: string, body: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
};
const lines = async (path: string, format: string) =>
  (await inspectDataFile(path, { format })).problems.map(formatProblem);

describe("bad records are named by file:line or file[index], field and problem", () => {
  it("JSONL: bad JSON, non-string field, missing field, invalid UTF-8", async () => {
    const path = file(
      "a.jsonl",
      Buffer.concat([
        Buffer.from(
          '{"instruction":"a","output":"b"}\n{"instruction":"a",\n{"instruction":7,"output":"x"}\n{"output":"x"}\n',
        ),
        Buffer.from([0x7b, 0x22, 0x69, 0xff, 0x22, 0x7d, 0x0a]),
      ]),
    );
    expect(await lines(path, "alpaca")).toEqual([
      expect.stringMatching(new RegExp(`^${path}:2: invalid JSON: `)),
      `${path}:3: instruction: must be a string (got number)`,
      `${path}:4: instruction: missing`,
      `${path}:5: invalid UTF-8`,
    ]);
  });

  it("JSON array: index of the bad element; an empty output is a warning, the record kept", async () => {
    const path = file(
      "b.json",
      '[{"instruction":"a","output":"b"}, {"instruction":"a","output":""}, [1], {"instruction":"a","output":"c","input":null}]',
    );
    const report = await inspectDataFile(path, { format: "alpaca" });
    expect(report.problems.map(formatProblem)).toEqual([
      `${path}[2]: record must be an object (got array)`,
    ]);
    expect(report.warnings.map(formatProblem)).toEqual([`${path}[1]: output: empty output`]);
    expect(report.stats.records).toBe(3);
  });

  it("sharegpt: wrong role order, unknown role, ends on a user turn", async () => {
    const conv = (...turns: Array<[string, string]>) => ({
      conversations: turns.map(([from, value]) => ({ from, value })),
    });
    const path = file(
      "c.json",
      JSON.stringify([
        conv(["gpt", "hi"], ["human", "x"]),
        conv(["human", "a"], ["robot", "b"]),
        conv(["human", "a"], ["gpt", "b"], ["human", "c"]),
      ]),
    );
    expect(await lines(path, "sharegpt")).toEqual([
      `${path}[0]: conversations[0].from: wrong role order: expected user, got gpt`,
      `${path}[1]: conversations[1].from: unknown role "robot" (map it with roles: {robot: user|assistant|system})`,
      `${path}[2]: conversations: the conversation ends with a user turn (no answer to train on)`,
    ]);
  });

  it("CSV: wrong column count on its line; field mapping and gzip", async () => {
    const path = file("d.csv.gz", gzipSync('prompt,answer\n"multi\nline",yes\nonly-one\nq,a\n'));
    const report = await inspectDataFile(path, {
      format: "alpaca",
      fields: { instruction: "prompt", output: "answer" },
    });
    expect(report.problems.map(formatProblem)).toEqual([`${path}:4: 1 columns, the header has 2`]);
    expect(report.stats.records).toBe(2);
  });

  it("reports duplicates and shows at most 20 problems plus a count", async () => {
    const rows = Array.from({ length: 30 }, () => '{"text": 1}').concat([
      '{"text":"x"}',
      '{"text":"x"}',
    ]);
    const report = await inspectDataFile(file("e.jsonl", rows.join("\n")), {
      format: "completion",
    });
    expect(report.problems).toHaveLength(21);
    expect(report.problems[20]?.message).toBe("... and 10 more problems");
    expect(report.stats.duplicates).toBe(1);
    expect(report.duplicates[0]?.where).toMatch(/e\.jsonl:32$/);
  });

  it("render fails with data.invalid (exit 2 kind: user) after writing only good records", async () => {
    const path = file("f.jsonl", '{"text":"ok"}\n{"text":""}\n');
    let out = "";
    await expect(
      renderDataFile(path, { format: "completion", template: "alpaca" }, (l) => void (out += l)),
    ).rejects.toMatchObject({
      kind: "user",
      code: "data.invalid",
      message: `1 invalid record in ${path}`,
    });
    expect(out).toBe('{"segments":[{"text":"ok","train":true}]}\n');
  });

  it("missing file, unknown format, not an array, truncated array", async () => {
    await expect(
      inspectDataFile(join(dir, "nope.json"), { format: "alpaca" }),
    ).rejects.toMatchObject({
      code: "data.unreadable",
      message: expect.stringContaining("no such file"),
    });
    await expect(
      inspectDataFile(file("g.json", "[]"), { format: "alpacca" }),
    ).rejects.toMatchObject({
      code: "data.unknown_format",
      hint: expect.stringContaining("did you mean alpaca?"),
    });
    await expect(
      inspectDataFile(file("h.json", '{"a":1}'), { format: "alpaca" }),
    ).rejects.toMatchObject({
      code: "data.unreadable",
      message: expect.stringContaining("not a JSON array"),
    });
    await expect(
      inspectDataFile(file("i.json", '[{"instruction":"a","output":"b"},{"instr'), {
        format: "alpaca",
      }),
    ).rejects.toMatchObject({
      message: expect.stringContaining("i.json[1]: the file ends inside the array"),
    });
  });

  it("text-label: seeded phrasing, label words, and a placeholder with no field", async () => {
    const path = file("j.csv", "text,label\ngreat film,1\nawful,0\n");
    let out = "";
    await renderDataFile(
      path,
      {
        format: "text-label",
        template: "alpaca",
        textLabel: {
          task: "sentiment",
          inverted: false,
          labels: { "0": "negative", "1": "positive" },
        },
      },
      (l) => void (out += l),
    );
    const [first] = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(first.segments[0].text).toMatch(
      /\n\n### Input:\ngreat film\n\nOPTIONS:\n- negative\n- positive\n\n### Response:\n$/,
    );
    expect(first.meta).toEqual({
      template: expect.stringMatching(/^sentiment\/[0-7]$/),
      shots: 0,
      options: true,
    });
    expect(first.segments[1]).toEqual({ text: "positive", train: true });

    const bad = await inspectDataFile(path, {
      format: "text-label",
      textLabel: {
        task: "classify",
        phrasings: [{ instruction: "Topic of {title}?", input: "{text}", output: "{label}" }],
      },
    });
    expect(bad.problems.map(formatProblem)[0]).toBe(
      `${path}:2: text_label.instruction: template placeholder {title} has no field "title" in the record`,
    );
  });
});
