import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseGenerationLines } from "../contract/index.js";
import { promptGenerations, readRunGenerations } from "./run-generations.js";

// Written by the trainer: configs/tiny-cpu.yaml's two prompts, 60 steps, an eval every 20.
const recorded = "src/compare/testdata/tiny-cpu-generations.jsonl";
const text = readFileSync(recorded, "utf8");

describe("a run's generations", () => {
  it("the recorded file keeps the contract", () => {
    const { lines, rejected } = parseGenerationLines(text);
    expect(rejected).toEqual([]);
    expect(lines.map((l) => `${l.step}/${l.prompt_id}`)).toEqual(
      [0, 20, 40, 60].flatMap((step) => [`${step}/upper`, `${step}/reverse`]),
    );
  });

  it("per prompt: the base model's answer and the latest", async () => {
    const prompts = await readRunGenerations(recorded);
    const { lines } = parseGenerationLines(text);
    expect(prompts.map((p) => p.prompt_id)).toEqual(["upper", "reverse"]);
    for (const prompt of prompts) {
      const own = lines.filter((l) => l.prompt_id === prompt.prompt_id);
      expect(prompt.base).toEqual({ step: 0, attempt: 1, output: own[0]!.output });
      expect(prompt.latest).toEqual({ step: 60, attempt: 1, output: own[3]!.output });
      expect(prompt.answers).toBe(4);
      expect(prompt.prompt).toContain("### Response:");
    }
  });

  it("a resumed attempt's answers replace the earlier attempt's, even at a lower step", () => {
    const { lines } = parseGenerationLines(text);
    const upper = lines.filter((l) => l.prompt_id === "upper");
    // attempt 1 reached step 60; attempt 2 resumed from the step-20 checkpoint and evaluated at 40
    const resumed = [...upper, { ...upper[2]!, attempt: 2, output: "redone at 40" }];
    const [only] = promptGenerations(resumed);
    expect(only!.latest).toEqual({ step: 40, attempt: 2, output: "redone at 40" });
    expect(only!.base?.step).toBe(0);
  });

  it("is empty for a run without the file, and null base when step 0 is missing", async () => {
    expect(await readRunGenerations("/nonexistent/generations.jsonl")).toEqual([]);
    const { lines } = parseGenerationLines(text);
    const [first] = promptGenerations(lines.filter((l) => l.step > 0));
    expect(first!.base).toBeNull();
  });
});
