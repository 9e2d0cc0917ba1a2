import { describe, expect, it } from "vitest";
import { encodeAnswerPrompt } from "./answer-recipe.js";
import { encodeEqualityPrompt, encodeEvolPrompt, evolvableText } from "./evol-prompt.js";
import { operationFor } from "./evol-recipe.js";
import { evolOperations, evolSpecSchema } from "./answer-evol-spec-schema.js";

const instruction = "Summarise the causes of the 1929 crash for a student.";

describe("Evol-Instruct prompts", () => {
  it.each(evolOperations.filter((op) => op !== "in_breadth"))(
    "%s: the in-depth prompt holds the instruction between the paper's markers",
    (operation) => {
      const prompt = encodeEvolPrompt(operation, instruction);
      expect(prompt).toContain("Prompt Rewriter");
      expect(prompt).toContain(`#The Given Prompt#:\n${instruction}\n#Rewritten Prompt#:\n`);
      expect(prompt.endsWith("#Rewritten Prompt#:\n")).toBe(true);
      expect(prompt).toContain("10 to 20 words");
      expect(prompt).toContain("'#The Given Prompt#', '#Rewritten Prompt#', 'given prompt'");
    },
  );

  it("each in-depth operation asks for its own method", () => {
    const methods = evolOperations
      .filter((op) => op !== "in_breadth")
      .map((op) => encodeEvolPrompt(op, instruction));
    expect(new Set(methods).size).toBe(methods.length);
    expect(encodeEvolPrompt("add_constraints", instruction)).toMatch(/constraint or requirement/);
    expect(encodeEvolPrompt("increased_reasoning_steps", instruction)).toMatch(/multi-step/);
    expect(encodeEvolPrompt("concretizing", instruction)).toMatch(/more specific/);
    expect(encodeEvolPrompt("complicate_input", instruction)).toMatch(/JSON, XML, SQL/);
    expect(encodeEvolPrompt("deepening", instruction)).toMatch(/depth and breadth/);
  });

  it("in_breadth: the prompt creator, with #Given Prompt# and #Created Prompt#", () => {
    const prompt = encodeEvolPrompt("in_breadth", instruction);
    expect(prompt).toContain("Prompt Creator");
    expect(prompt).toContain(`#Given Prompt#:\n${instruction}\n#Created Prompt#:\n`);
    expect(prompt).not.toContain("#Rewritten Prompt#");
  });

  it("the equality check shows both prompts and asks for Equal or Not Equal", () => {
    const prompt = encodeEqualityPrompt("Name rivers.", "Name rivers in Asia.");
    expect(prompt).toContain(
      "The First Prompt: Name rivers.\nThe Second Prompt: Name rivers in Asia.",
    );
    expect(prompt).toMatch(/Just answer: Equal or Not Equal/i);
  });

  it("a seed's input is evolved with its instruction; an answer prompt puts the input after a blank line", () => {
    expect(evolvableText("Sort these.", " 3, 1, 2 ")).toBe("Sort these.\n3, 1, 2");
    expect(evolvableText("Name rivers.", "")).toBe("Name rivers.");
    expect(encodeAnswerPrompt("Sort these.", "3, 1, 2")).toBe("Sort these.\n\n3, 1, 2");
    expect(encodeAnswerPrompt(" Name rivers. ", "")).toBe("Name rivers.");
  });

  it("operations are drawn from those enabled, seeded, and all of them come up", () => {
    const spec = evolSpecSchema.parse({
      mode: "evol",
      endpoint: { base_url: "http://127.0.0.1:1/v1", model: "m" },
      seeds: "s.jsonl",
      output: "o.jsonl",
    });
    const drawn = Array.from({ length: 200 }, (_, i) => operationFor(spec, 1, i));
    expect(new Set(drawn)).toEqual(new Set(evolOperations));
    expect(Array.from({ length: 200 }, (_, i) => operationFor(spec, 1, i))).toEqual(drawn);
    expect(Array.from({ length: 200 }, (_, i) => operationFor(spec, 2, i))).not.toEqual(drawn);
    const narrow = { ...spec, recipe: { ...spec.recipe, operations: ["deepening" as const] } };
    expect(new Set(drawn.map((_, i) => operationFor(narrow, 1, i)))).toEqual(
      new Set(["deepening"]),
    );
  });
});
