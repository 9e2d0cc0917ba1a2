import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectDataFile, renderDataFile } from "./index.js";

const datasets = resolve(import.meta.dirname, "../../../shared/datasets");
const alpacaFile = `${datasets}/alpaca_5000.json`;
const vicunaFile = `${datasets}/vicuna_dummy_conversation.json`;

async function render(path: string, format: string, template: string) {
  let out = "";
  await renderDataFile(path, { format, template }, (lines) => void (out += lines));
  return out
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
}

const joined = (record: { segments: Array<{ text: string }> }) =>
  record.segments.map((s) => s.text).join("");

describe("the real Alpaca and Vicuna data", () => {
  it("validates all 5000 Alpaca records", async () => {
    const report = await inspectDataFile(alpacaFile, { format: "alpaca" });
    expect(report.problems).toEqual([]);
    expect(report.stats.records + report.stats.duplicates).toBe(5000);
    expect(5000 - report.stats.empty_fields.input - report.stats.duplicates).toBeGreaterThan(1900);
  });

  it("renders every Alpaca record with the Stanford prompts, byte for byte", async () => {
    const source = JSON.parse(readFileSync(alpacaFile, "utf8")) as Array<Record<string, string>>;
    const records = await render(alpacaFile, "alpaca", "alpaca");
    expect(records).toHaveLength(5000);
    const first = source[0]!;
    expect(records[0].segments).toEqual([
      {
        text:
          "Below is an instruction that describes a task, paired with an input that provides further context. " +
          "Write a response that appropriately completes the request.\n\n" +
          `### Instruction:\n${first.instruction}\n\n### Input:\n${first.input}\n\n### Response:\n`,
        train: false,
      },
      { text: first.output, train: true },
    ]);
    const noInput = source.findIndex((r) => r.input === "");
    expect(records[noInput].segments[0].text).toBe(
      "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n" +
        `### Instruction:\n${source[noInput]!.instruction}\n\n### Response:\n`,
    );
    expect(records[noInput].segments[1]).toEqual({ text: source[noInput]!.output, train: true });
  });

  it("validates and renders all 500 Vicuna conversations with FastChat's v1.1 prompt", async () => {
    const report = await inspectDataFile(vicunaFile, { format: "sharegpt", template: "vicuna" });
    expect(report.problems).toEqual([]);
    expect(report.stats.records + report.stats.duplicates).toBe(500);
    expect(report.stats.turns.max).toBe(6);

    const records = await render(vicunaFile, "sharegpt", "vicuna");
    expect(records).toHaveLength(500);
    expect(joined(records[0])).toBe(
      "A chat between a curious user and an artificial intelligence assistant. " +
        "The assistant gives helpful, detailed, and polite answers to the user's questions. " +
        "USER: Who are you? ASSISTANT: I am Vicuna, a language model trained by researchers from " +
        "Large Model Systems Organization (LMSYS).</s>USER: Have a nice day! ASSISTANT: You too!</s>",
    );
    // every assistant turn trained with its </s>, nothing else
    expect(
      records[0].segments
        .filter((s: { train: boolean }) => s.train)
        .map((s: { text: string }) => s.text),
    ).toEqual([
      "I am Vicuna, a language model trained by researchers from Large Model Systems Organization (LMSYS).</s>",
      "You too!</s>",
    ]);
  });

  it("keeps messages for template: tokenizer", async () => {
    const records = await render(vicunaFile, "sharegpt", "tokenizer");
    expect(records[0]).toEqual({
      messages: [
        { role: "user", content: "Who are you?" },
        {
          role: "assistant",
          content:
            "I am Vicuna, a language model trained by researchers from Large Model Systems Organization (LMSYS).",
        },
        { role: "user", content: "Have a nice day!" },
        { role: "assistant", content: "You too!" },
      ],
    });
  });
});
